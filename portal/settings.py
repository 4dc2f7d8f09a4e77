"""Koploper settings, read from the environment with defaults that run locally.

With no environment set the portal runs on SQLite, the local-memory cache and eager
Celery. Production sets DATABASE_URL (PostgreSQL) and REDIS_URL (broker and cache).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from . import headers
from .env import env_bool, env_int, env_list, env_str
from .openapi_settings import OPENAPI
from .schedule import BEAT_SCHEDULE

BASE_DIR = Path(__file__).resolve().parent.parent


# Off unless asked for: `make run` and the tests set DEBUG=true, and manage.py does for its
# commands that serve nothing (`manage.py check`, `makemessages` …). Any server started
# otherwise (gunicorn, the container image, a bare `manage.py runserver`) runs with DEBUG
# off, which requires SECRET_KEY and turns on HTTPS only: a debug page shows too much.
DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError(
            "SECRET_KEY must be set when DEBUG is off. "
            "(For local development set DEBUG=true, as `make run` does.)"
        )
    SECRET_KEY = "django-insecure-koploper-development-only"  # noqa: S105 - only while DEBUG  # nosec B105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# How many proxies in front of the portal add to X-Forwarded-For (0: clients connect directly).
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "audit",
    "portal",
    "innovations",
    "municipalities",
    # Before ranking: the backup's table order ends with ranking's entries (tests rely on it).
    "procurement",
    "alerts",
    "ranking",
    "demo",
]

MIDDLEWARE = [
    # First: /healthz and /readyz answer probes over plain http under any host name.
    "portal.health.HealthMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response gets the headers, also static files and redirects.
    "portal.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Under /api/: API-Version, documented query keys only, every error a problem, CORS.
    "portal.api_middleware.ApiMiddleware",
    # Refuses addresses and form data that are not text (invalid UTF-8, NUL, …) with a 400.
    "portal.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Counts page views for supplier insight after the response is made: no database
    # write, nothing about the visitor kept (alerts/insight/counters.py).
    "alerts.insight.middleware.InsightMiddleware",
    # Last: turns a lockout during authenticate() into the 429 page or JSON.
    "axes.middleware.AxesMiddleware",
]

# Database sessions that refuse malformed keys from the cookie (see portal/sessions.py).
SESSION_ENGINE = "portal.sessions"

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Scaling out (README): each web or worker process keeps its connection for
    # DATABASE_CONN_MAX_AGE seconds, or borrows one from a pool of its own (DATABASE_POOL,
    # psycopg's pool: up to DATABASE_POOL_MAX connections per process). Behind PgBouncer in
    # transaction pooling (DATABASE_PGBOUNCER) no server-side cursors, which outlive a
    # transaction; Django already sends no prepared statements.
    DATABASE_POOL = env_bool("DATABASE_POOL")
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=0 if DATABASE_POOL else env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
            disable_server_side_cursors=env_bool("DATABASE_PGBOUNCER"),
        )
    }
    # No JIT (it compiled a ~50 ms facet count for ~100 ms); a random page read at twice a
    # sequential one, not four times (at 4 a frequent word's search read the whole table);
    # 32 MB to sort: a relevance search counts its matches in its page's statement, and at
    # 4 MB a frequent word's spilled to disk (docs/performance.md). PGOPTIONS still apply.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = " ".join(
        [os.environ.get("PGOPTIONS", ""), "-c jit=off -c random_page_cost=2 -c work_mem=32MB"]
    ).strip()
    if DATABASE_POOL:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": 1,
            "max_size": env_int("DATABASE_POOL_MAX", 4),
            "timeout": 10,
        }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / env_str("SQLITE_PATH", "db.sqlite3"),
            "OPTIONS": {
                # Every transaction takes the write lock when it begins (BEGIN IMMEDIATE), so
                # a second writer waits up to `timeout` seconds for it. With the default
                # (DEFERRED) a transaction that read first and then writes cannot wait: SQLite
                # answers "database is locked" at once, a 500 where PostgreSQL gives a 409.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # WAL: readers never wait for the writer, nor the writer for them.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
# The catalogue's covering index (innovations.Innovation, INCLUDE columns) is for PostgreSQL;
# SQLite builds it without them (and the migrations skip it there), which is as intended.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- Cache and Celery -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft: with Redis down, pages are rendered without the cache.
            "BACKEND": "portal.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "koploper",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    # A task that cannot be enqueued fails fast (logged; mails are sent later by
    # send_pending_mails). A task of a killed worker is delivered again after the
    # visibility timeout, which must outlast the longest task (ranking: 15 minutes).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "visibility_timeout": 3600}
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    # No broker configured: tasks run in-process, so one command runs the whole portal.
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Europe/Amsterdam"
# The beat schedule, defined once: portal/schedule.py.
CELERY_BEAT_SCHEDULE = BEAT_SCHEDULE

# --- Auth -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses a locked-out username + address before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, finding an account by its username or its e-mail address.
    "portal.backends.EmailOrUsernameBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    # OWASP ASVS 2.1.1: at least 12 characters (long passphrases welcome; no composition rules).
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

# --- I18n -------------------------------------------------------------------------------
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format in both languages (4 December 2026): portal/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["portal.formats"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("utrecht", BASE_DIR / "node_modules" / "@utrecht" / "component-library-css" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Mail -------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Koploper <noreply@koploper.example>")
# The outbox (audit.outbox): a failed mail is tried again after MAIL_RETRY_DELAY seconds,
# doubled after each failure (10 minutes, 20, 40, … ~21 hours for 8 attempts), and gives up
# after MAIL_MAX_ATTEMPTS; sent and given-up mails are deleted after MAIL_RETENTION_DAYS.
MAIL_RETRY_DELAY = env_int("MAIL_RETRY_DELAY", 600)
MAIL_MAX_ATTEMPTS = env_int("MAIL_MAX_ATTEMPTS", 8)
MAIL_RETENTION_DAYS = env_int("MAIL_RETENTION_DAYS", 30)

# --- REST API ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: DRF answers an anonymous caller with the first authenticator's
    # `WWW-Authenticate` header, so 401 (with session first it would be 403).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.tokens.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["portal.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "portal.api.Pagination",
    "PAGE_SIZE": 25,
    # Ordering only where a FilterSet offers it (its choices checked: unknown values are 400).
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "600/hour"),
        "user": env_str("API_THROTTLE_USER", "6000/hour"),
        # POST /api/v1/auth/token/, per client address: slows down password guessing.
        "token": env_str("API_THROTTLE_TOKEN", "10/minute"),
    },
    # The client address for the throttles: REMOTE_ADDR, or the address the trusted
    # proxies put in X-Forwarded-For (a client could otherwise send its own header).
    "NUM_PROXIES": TRUSTED_PROXIES,
    "EXCEPTION_HANDLER": "portal.problems.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "portal.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
}
# The OpenAPI document's title, version, contact and enum names: portal/openapi_settings.py.
SPECTACULAR_SETTINGS = OPENAPI

# Origins whose pages may read the public API (GET) from the browser; the OpenAPI document
# is open to every origin.
API_CORS_ALLOWED_ORIGINS = env_list("API_CORS_ALLOWED_ORIGINS")
# The longest API address (path and query) answered; a longer one is a 414 problem.
# gunicorn.conf.py lifts gunicorn's own limit, which would answer with an HTML page.
API_MAX_URL_LENGTH = env_int("API_MAX_URL_LENGTH", 8190)
# Days an API token lives after it is issued (portal.tokens).
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)

# --- Koploper -----------------------------------------------------------------------------
# How many independent approvals an innovation needs before it is published.
KOPLOPER_REQUIRED_APPROVALS = env_int("KOPLOPER_REQUIRED_APPROVALS", 1)
# The portal's public address, for links in e-mails (sent from Celery, without a request).
KOPLOPER_BASE_URL = env_str("KOPLOPER_BASE_URL", "http://127.0.0.1:8000")
# Whom people write to about their account (e.g. a closed one), named in mails.
KOPLOPER_CONTACT_EMAIL = env_str("KOPLOPER_CONTACT_EMAIL", "contact@koploper.example")
# Page views for supplier insight (README, "What is counted"); off only to measure its cost.
KOPLOPER_INSIGHT_COUNTING = env_bool("KOPLOPER_INSIGHT_COUNTING", default=True)
# Pilots: a pilot this many months old without an evaluation or a next stage (or past the
# decision date of its scale-up plan) is due for a decision; its buyers are reminded at
# most once per KOPLOPER_PILOT_REMINDER_DAYS.
KOPLOPER_PILOT_DECISION_MONTHS = env_int("KOPLOPER_PILOT_DECISION_MONTHS", 12)
KOPLOPER_PILOT_REMINDER_DAYS = env_int("KOPLOPER_PILOT_REMINDER_DAYS", 30)
# Vetting expires: an approval is valid this many months; its supplier is reminded these
# many days before it ends; then the innovation is to be reconfirmed.
KOPLOPER_APPROVAL_MONTHS = env_int("KOPLOPER_APPROVAL_MONTHS", 24)
KOPLOPER_APPROVAL_REMINDER_DAYS = [
    int(days) for days in env_list("KOPLOPER_APPROVAL_REMINDER_DAYS", "60,14")
]

# --- Security -----------------------------------------------------------------------------
# Production (DEBUG off) is served over HTTPS behind a TLS-terminating proxy; the embedded
# default (DEBUG=true: `make run`, the tests) over plain http on 127.0.0.1.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = LANGUAGE_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = CSRF_COOKIE_HTTPONLY = LANGUAGE_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = LANGUAGE_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    # `__Host-`: browsers keep such a cookie only when Secure, for this host alone, path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# A session ends after 12 hours, used or not (ASVS 3.3.2).
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "portal.security.csrf_failure"
# The debug page and error reports hide every setting and environment variable that can hold
# a credential, service URLs included.
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.security.CredentialsFilter"
# The Permissions-Policy and Content-Security-Policy headers: portal/headers.py.
PERMISSIONS_POLICY = headers.PERMISSIONS_POLICY
CONTENT_SECURITY_POLICY = headers.CONTENT_SECURITY_POLICY

# Login protection (django-axes): 5 failures for one username from one address lock that
# combination out for 15 minutes; the HTML login and POST /api/v1/auth/token/ both count.
# Not per address alone: many municipal staff share one office address.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
# And against password spraying (many usernames, one password each): at most this many
# failed logins per client address within the window (seconds), whatever the usernames;
# then the login page answers 429 with Retry-After. High enough for a shared office address.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_WINDOW = env_int("LOGIN_ADDRESS_WINDOW_MINUTES", 15) * 60
SIGNUP_ADDRESS_LIMIT = env_int("SIGNUP_ADDRESS_LIMIT", 10)  # sign-up forms per address and hour
# Password reset links: at most this many an hour per client address and per e-mail address.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)
# Sign-up mails (a confirmation link, or "you already have an account"): at most this many
# an hour per client address and per e-mail address; a confirmation link lasts this long; a
# sign-up whose link expired unused is removed this much later (0: at once, never sooner).
SIGNUP_MAIL_LIMIT = env_int("SIGNUP_MAIL_LIMIT", 5)
SIGNUP_CONFIRM_DAYS = env_int("SIGNUP_CONFIRM_DAYS", 3)
SIGNUP_GRACE_DAYS = max(0, env_int("SIGNUP_GRACE_DAYS", 1))
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "portal.security.lockout_response"
AXES_VERBOSE = False
# The same client address as the API throttles and the security log (see TRUSTED_PROXIES).
AXES_CLIENT_IP_CALLABLE = "portal.security.client_ip"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Failed logins, lockouts, 401, 403 and 429: user, address and path, never a password.
        "koploper.security": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}
