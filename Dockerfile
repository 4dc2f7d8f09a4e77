# The Koploper image: web (gunicorn), worker and beat all run from it (docker-compose.yml).

# The NL Design System CSS comes from npm; only the built package is carried over.
FROM node:20-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim
# DEBUG stays off in the image unless a deployment asks for it (a debug page shows too much).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DEBUG=false
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# Dependencies first, so that a code change does not reinstall them.
COPY pyproject.toml ./
RUN pip install --no-cache-dir .
COPY --from=assets /app/node_modules/@utrecht/component-library-css/dist node_modules/@utrecht/component-library-css/dist
COPY . .
# Compiled catalogues and hashed, compressed static files are part of the image.
RUN DEBUG=false SECRET_KEY=build-only python manage.py compilemessages --ignore=node_modules -v0 \
 && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput -v0

RUN useradd --create-home koploper
USER koploper
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
