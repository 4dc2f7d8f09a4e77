FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml package.json package-lock.json ./
RUN pip install --no-cache-dir . && npm ci --no-audit --no-fund --loglevel=error
COPY . .
RUN python manage.py compilemessages --ignore=node_modules -v0 \
 && DEBUG=false SECRET_KEY=build-only python manage.py collectstatic --noinput -v0

RUN useradd --create-home koploper
USER koploper
EXPOSE 8000
CMD ["gunicorn", "portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
