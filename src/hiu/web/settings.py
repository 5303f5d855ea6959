"""Django settings for hiu.web, all read from the environment through ``hiu.config``.

Variables (documented in docs/configuration.md): HIU_DATA_DIR, DATABASE_URL, HIU_SECRET_KEY,
HIU_DEBUG, HIU_ALLOWED_HOSTS, HIU_SECURE_COOKIES, HIU_MAX_UPLOAD_MB, HIU_DEMO_PASSWORD (read by
the demo command only), HIU_EMAIL_HOST, HIU_EMAIL_PORT, HIU_EMAIL_USER, HIU_EMAIL_PASSWORD,
HIU_EMAIL_TLS, HIU_EMAIL_SSL, HIU_EMAIL_FROM and HIU_SITE_URL (notification emails),
HIU_UNUSUAL_ACCESS_RECORDS (the audit log's daily check), HIU_DJANGO_ADMIN.
Bad values stop start-up with a message naming the variable.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

import dj_database_url

from hiu.config import (
    ConfigurationError,
    data_dir,
    email_settings,
    env_bool,
    env_int,
    env_list,
    env_str,
)

WEB_DIR = Path(__file__).resolve().parent
REPO_DIR = WEB_DIR.parents[2]
DATA_DIR = data_dir()

DEBUG = env_bool("HIU_DEBUG", False)
ALLOWED_HOSTS = env_list("HIU_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])


def _secret_key() -> str:
    """HIU_SECRET_KEY, or a key kept in the data directory so sessions survive restarts.

    A generated key is written once with owner-only permissions; production deployments should
    set HIU_SECRET_KEY from their secret store instead.
    """
    configured = env_str("HIU_SECRET_KEY", "")
    if configured:
        if len(configured) < 32:
            raise ConfigurationError("HIU_SECRET_KEY must be at least 32 characters long.")
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "hiu.web.audit",
    "hiu.web.accounts",
    "hiu.web.clients",
    "hiu.web.imports",
    "hiu.web.identification",
    "hiu.web.episodes",
    "hiu.web.screening",
    "hiu.web.contacts",
    "hiu.web.corrections",
    "hiu.web.plans",
    "hiu.web.interventions",
    "hiu.web.outcomes",
    "hiu.web.evaluation",
    "hiu.web.meetings",
    "hiu.web.casestudies",
    "hiu.web.reports",
    "hiu.web.diary",
    "hiu.web.organisations",
    "hiu.web.notifications",
    "hiu.web.risk",
    # Not production code: the demo service and the factories the tests share. No other app
    # imports it; it holds the `demo` command.
    "hiu.web.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "hiu.web.static_files.OnceFoundWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hiu.web.urls"
WSGI_APPLICATION = "hiu.web.wsgi.application"

TEMPLATES: list[dict[str, Any]] = [
    {
        # Our pages: Jinja2 with the NHS.UK frontend macros (nhsuk-frontend-jinja).
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "hiu.web.jinja2.environment"},
    },
    {
        # Django's own admin, used by administrators only, keeps its built-in templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'hiu.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] not in {
    "django.db.backends.sqlite3",
    "django.db.backends.postgresql",
}:
    raise ConfigurationError("DATABASE_URL must be a sqlite:// or postgresql:// URL.")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server's threads and the tasks worker write to one SQLite file. A transaction
    # that reads and then writes can deadlock against another writer and fail at once with
    # "database is locked" (a server error for whoever pressed Save); taking the write lock
    # when a transaction begins (IMMEDIATE) makes writers queue instead, for up to `timeout`
    # seconds. WAL lets pages read while one connection writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign_in"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:sign_in"

# Sessions end when the browser closes and after 8 hours at most: a shared clinic PC is normal.
SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SECURE_COOKIES = env_bool("HIU_SECURE_COOKIES", not DEBUG and "127.0.0.1" not in ALLOWED_HOSTS)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "hiu.web.errors.csrf_failure"

# Background work (activity imports) runs in `manage db_worker`, which takes tasks from the
# casework database: no broker to run, and a queued import survives a restart. `make demo` starts
# the worker beside the web server; tests use the immediate backend instead.
TASKS: dict[str, Any] = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}

# Uploads. Extracts run to gigabytes: anything over FILE_UPLOAD_MAX_MEMORY_SIZE streams to a
# temporary file on the data disk (never /tmp, which is often a small RAM disk), and the upload
# page refuses files over HIU_MAX_UPLOAD_MB with a message naming the limit. The limit on form
# fields other than files (DATA_UPLOAD_MAX_MEMORY_SIZE) stays at Django's 2.5 MB: it never
# counts file contents. A proxy in front of the app needs a body limit at least this large.
MAX_UPLOAD_BYTES = env_int("HIU_MAX_UPLOAD_MB", 4096, minimum=1, maximum=1024 * 1024) * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_TEMP_DIR = DATA_DIR / "uploads" / "incoming"
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# Notification emails (hiu.web.notifications): sent only to people who chose email for a kind,
# naming the kind and linking to the app, never a client. No HIU_EMAIL_HOST: no email.
_EMAIL = email_settings()
EMAIL_BACKEND = str(_EMAIL["EMAIL_BACKEND"])
EMAIL_HOST = str(_EMAIL["EMAIL_HOST"])
EMAIL_PORT = int(str(_EMAIL["EMAIL_PORT"]))
EMAIL_HOST_USER = str(_EMAIL["EMAIL_HOST_USER"])
EMAIL_HOST_PASSWORD = str(_EMAIL["EMAIL_HOST_PASSWORD"])
EMAIL_USE_TLS = bool(_EMAIL["EMAIL_USE_TLS"])
EMAIL_USE_SSL = bool(_EMAIL["EMAIL_USE_SSL"])
EMAIL_TIMEOUT = int(str(_EMAIL["EMAIL_TIMEOUT"]))
DEFAULT_FROM_EMAIL = str(_EMAIL["DEFAULT_FROM_EMAIL"])
HIU_EMAIL_ENABLED = bool(_EMAIL["HIU_EMAIL_ENABLED"])
HIU_SITE_URL = str(_EMAIL["HIU_SITE_URL"])

# Django's own admin writes no audit event and bypasses the app's rules on users: people are
# administered on the app's Users and roles page. HIU_DJANGO_ADMIN=true opens it at
# /django-admin/ (for a developer, or to recover a service with no administrator left).
DJANGO_ADMIN = env_bool("HIU_DJANGO_ADMIN", False)

# The daily check of the audit log (hiu.web.audit.unusual): someone who opened at least this
# many client records outside their own caseload in a day is pointed out to the IG lead.
HIU_UNUSUAL_ACCESS_RECORDS = env_int("HIU_UNUSUAL_ACCESS_RECORDS", 20, minimum=1, maximum=100_000)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise warns at start-up when it is missing
# NHS.UK frontend is served straight from the npm package, never copied by hand (ADR 0003).
NHSUK_FRONTEND_DIST = REPO_DIR / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
STATICFILES_DIRS = [("nhsuk", NHSUK_FRONTEND_DIST), ("hiu", WEB_DIR / "static" / "hiu")]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Logs never carry request bodies, query strings or row values: only what happened and to whom
# (by user id). Django's request logger would print URLs of failing requests, which may carry an
# NHS number in a search, so it only reaches the console at ERROR with the path stripped.
LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_request_detail": {"()": "hiu.web.log_filters.RedactRequestFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_request_detail"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
