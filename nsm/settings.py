"""Settings: one module; every deploy-time value comes from an NSM_* environment variable.

docs/configuration.md documents each variable. Nothing here is read by other modules at import time.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(f"NSM_{name}", default)


def env_bool(name: str, default: bool = False) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    return int(env(name, str(default)))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("VAR_DIR", str(BASE_DIR / "var")))


def _secret_key() -> str:
    """NSM_SECRET_KEY, or a random key kept in var/secret_key so that sessions survive a restart."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Behind HTTPS (production): secure cookies, HSTS, redirect to https.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("HSTS_PRELOAD", default=True)
BEHIND_PROXY = env_bool("BEHIND_PROXY")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
# Cookies: the session's and the CSRF token's are never read by scripts (forms carry the token in a hidden field) and
# are not sent with requests started by other sites' pages, except top-level links (Lax).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_HOURS", 8) * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Content-Security-Policy (django-csp): this site's own files only, no inline script or style, no frames.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SECURE_REFERRER_POLICY = "same-origin"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "simple_history",
    "django_tasks",
    "django_tasks_db",  # the database backend of django-tasks: its queue table and the `db_worker` command
    "ninja",  # its static files: the API docs page loads Swagger UI locally, not from a CDN
    "nsm.reference",
    "nsm.accounts",
    "nsm.strategy",
    "nsm.context",
    "nsm.consultation",
    "nsm.workinggroup",
    "nsm.capacity",
    "nsm.monitoring",
    "nsm.notifications",
    "nsm.analytics",
    "nsm.reports",
    "nsm.assessment",
    "nsm.search",
    "nsm.api",
    "nsm.backup",
    "nsm.demo",
]
# The tests that empty the database and load again what the migrations wrote (`serialized_rollback`) leave out the
# search index: the database's triggers write it again as the rows are loaded (nsm.search.index).
TEST_NON_SERIALIZED_APPS = ["nsm.search"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "nsm.core.middleware.ControlCharacterMiddleware",  # a NUL in the address: 400 in words, before anything reads it
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "nsm.accounts.middleware.TwoFactorMiddleware",
    "nsm.accounts.middleware.RefusalLogMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires: turns a lockout into the lockout page
]

ROOT_URLCONF = "nsm.urls"
WSGI_APPLICATION = "nsm.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "nsm" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "nsm.accounts.context_processors.permissions",
            ],
        },
    },
]


def _database() -> dj_database_url.DBConfig:
    url = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'nsm.sqlite3'}"
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        Path(config["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # IMMEDIATE transactions and WAL: concurrent writers wait instead of failing with "database is locked".
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Argon2 for new passwords; older PBKDF2 hashes still verify and are re-hashed with Argon2 at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# django-axes checks every sign-in first (a locked-out user name is refused even with the right password).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "nsm.accounts.backends.ModelBackend",  # Django's, reading the user's two-factor device in the same query
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Sign-in lockout (django-axes): after NSM_LOGIN_FAILURES failed sign-ins for one user name from one address, that
# pair is refused for NSM_LOCKOUT_MINUTES (counted again from each attempt made while locked). The address is the
# connection's, or behind a trusted proxy (NSM_BEHIND_PROXY) the one the proxy appended to X-Forwarded-For.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURES", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "nsm.accounts.security.client_address"
AXES_LOCKOUT_CALLABLE = "nsm.accounts.views_security.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False  # the "nsm.security" log records failures and lockouts
# Two-factor sign-in (django-otp, TOTP): required of coordinators, the secretariat and administrators.
OTP_TOTP_ISSUER = env("TOTP_ISSUER", "NSM")
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin never shows a device's secret or its QR code
# Password reset by e-mail: a link is valid for NSM_PASSWORD_RESET_MINUTES and once (it stops working when the
# password changes); at most NSM_PASSWORD_RESET_LIMIT requests an hour per e-mail address and per client address,
# counted in the database, one locked row per hashed key (nsm/accounts/passwords.py).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_MINUTES", 60) * 60
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)  # how long an invitation's link works (nsm.accounts.services)
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)
# Whom people locked out or without their phone should contact (an e-mail address or a name), shown on those pages.
SUPPORT_CONTACT = env("SUPPORT_CONTACT")

# Albanian first for the Albanian deployment; NSM_LANGUAGE=en makes English the default.
LANGUAGE_CODE = env("LANGUAGE", "sq")
LANGUAGES = [("sq", _("Albanian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "nsm" / "locale"]
FORMAT_MODULE_PATH = ["nsm.core.formats"]  # Albanian dates as Albanian writes them ("6 dhjetor 2026, 04:03")
USE_I18N = True
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "Europe/Tirane")

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "nsm" / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "media/"
# Without `collectstatic` (the embedded default) whitenoise serves the files straight from the apps' folders.
WHITENOISE_USE_FINDERS = not env_bool("MANIFEST_STATIC")
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("MANIFEST_STATIC")
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Uploaded spreadsheets and CSV files (the plan workbook, the report workbook, a training's participants, context
# statistics): each bounded before it is parsed, and refused at once past a bound (nsm/core/spreadsheet.py,
# docs/security.md#upload-bounds). For every kind: the largest file, the most it may unpack to (an xlsx is a zip),
# the most one part of the zip may unpack to, and how many errors a refusal lists before "and N more errors".
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_MB", 10) * 1024 * 1024
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_MB", 100) * 1024 * 1024
IMPORT_MAX_MEMBER_BYTES = env_int("IMPORT_MAX_MEMBER_MB", 50) * 1024 * 1024
IMPORT_MAX_ERRORS = env_int("IMPORT_MAX_ERRORS", 200)


def _import_bounds(kind: str, rows: int, columns: int, cells: int) -> dict[str, int]:
    """NSM_<KIND>_IMPORT_MAX_ROWS (rows holding a value, in any one sheet), _MAX_COLUMNS, _MAX_CELLS (the file)."""
    return {
        "rows": env_int(f"{kind}_IMPORT_MAX_ROWS", rows),
        "columns": env_int(f"{kind}_IMPORT_MAX_COLUMNS", columns),
        "cells": env_int(f"{kind}_IMPORT_MAX_CELLS", cells),
    }


# A national plan has a few thousand rows (600 activities, 4,000 budget lines); a report, one institution's lines.
IMPORT_BOUNDS = {
    "plan": _import_bounds("PLAN", rows=20_000, columns=50, cells=500_000),
    "report": _import_bounds("REPORT", rows=5_000, columns=30, cells=100_000),
    "participants": _import_bounds("PARTICIPANTS", rows=5_000, columns=30, cells=100_000),
    "context": _import_bounds("CONTEXT", rows=20_000, columns=30, cells=300_000),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = IMPORT_MAX_BYTES + 1024 * 1024
# The API: the largest request body it reads; a larger one is refused unread (413).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_KB", 2048) * 1024

# The cache: the analysis pages and their charts (drawn ahead by the worker when approved data change) are kept where
# every process of every server reads them. By default a table of the database (`nsm_cache`, made by a migration and
# by `nsm createcachetable`); NSM_CACHE_URL=redis://HOST:6379/1 (with the `redis` package) or memcached://HOST:11211
# (with `pymemcache`) for a shared cache server, `locmem` for one process's memory (a trial, never several workers).
CACHE_TABLE = "nsm_cache"


def _cache() -> dict[str, object]:
    url = env("CACHE_URL", "db")
    if url in ("db", "database"):
        # Culled when it holds more than MAX_ENTRIES: pages of every selection and language, and their charts.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if url == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "nsm"}
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("memcached://"):
        return {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": url.split("://", 1)[1]}
    raise ValueError(f"NSM_CACHE_URL must be db, locmem, redis://... or memcached://..., not {url!r}")


CACHES = {"default": _cache()}

# Background tasks (django-tasks): documents are generated by `nsm worker`, which takes them from a queue table in the
# database. NSM_TASKS_BACKEND=immediate runs each task inside the request that asks for it instead (no worker needed).
TASKS_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[env("TASKS_BACKEND", "database")]}}
# While it makes a document the worker writes a sign of life every NSM_DOCUMENT_HEARTBEAT_SECONDS; a document without
# one for NSM_DOCUMENT_STALLED_SECONDS is failed (its worker was killed) and asking again makes a fresh one.
DOCUMENT_HEARTBEAT_SECONDS = env_int("DOCUMENT_HEARTBEAT_SECONDS", 5)
DOCUMENT_STALLED_SECONDS = env_int("DOCUMENT_STALLED_SECONDS", 60)

# Evidence attached to progress reports: the largest file accepted.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 10) * 1024 * 1024
# Evidence and minutes in Word or Excel (a zip), read from its directory before anything is unpacked: the most it may
# unpack to, the most parts it may hold, and how many times a part of 1 MB or more may be compressed
# (nsm/core/uploads.py).
EVIDENCE_MAX_UNPACKED_BYTES = env_int("EVIDENCE_MAX_UNPACKED_MB", 50) * 1024 * 1024
EVIDENCE_MAX_MEMBERS = env_int("EVIDENCE_MAX_MEMBERS", 2000)
EVIDENCE_MAX_COMPRESSION_RATIO = env_int("EVIDENCE_MAX_COMPRESSION_RATIO", 200)
# Reminders (`nsm send-reminders`): how many days before the due date the first one goes out.
REMINDER_DAYS_BEFORE = env_int("REMINDER_DAYS_BEFORE", 7)
# Public consultation comments: at most this many from one address in this many seconds (counted in the database,
# so that parallel posts and several app servers share one count); the same comment (email, item, text) posted again
# within PUBLIC_COMMENT_DUPLICATE_SECONDS is stored once.
PUBLIC_COMMENT_LIMIT = env_int("PUBLIC_COMMENT_LIMIT", 5)
PUBLIC_COMMENT_WINDOW_SECONDS = env_int("PUBLIC_COMMENT_WINDOW_SECONDS", 600)
PUBLIC_COMMENT_DUPLICATE_SECONDS = env_int("PUBLIC_COMMENT_DUPLICATE_SECONDS", 600)
# The shortest consultation round, in working days (Monday to Friday; public holidays are not known, so they count):
# Law 146/2014 "On notification and public consultation", Article 15 point 1(b), gives interested parties 20 working
# days from the notice of a public consultation (extendable to 40), as the law is summarised by public bodies (the
# municipalities of Mirditë and Shkodër); the Official Journal's text itself was not read. A round shorter is refused.
CONSULTATION_MIN_WORKING_DAYS = env_int("CONSULTATION_MIN_WORKING_DAYS", 20)
# The home page warns of a policy gap when the current strategy or action plan ends within this many months.
POLICY_GAP_MONTHS = env_int("POLICY_GAP_MONTHS", 12)
# Links in e-mails point here (the address users open the platform at).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env("FROM_EMAIL", "nsm@localhost")

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Everything to standard error with a timestamp. "nsm.security" records sign-ins, failed sign-ins, lockouts,
# two-factor failures, sign-outs and refused accesses (docs/security.md), never a password or a code.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "nsm.security": {"level": "INFO"},  # kept when NSM_LOG_LEVEL quietens the rest
    },
}
