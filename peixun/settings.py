"""Settings for Peixun, read from the environment.

SQLite under var/ is the embedded default so `make run` works on a fresh machine; set DATABASE_URL
for PostgreSQL. DEBUG defaults to off: the development defaults (`make run`) set it explicitly.
Nothing else reads the environment.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF

from peixun.lib.clientaddr import parse_trusted
from peixun.lib.dates import LOCAL_ZONE_NAME

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PEIXUN_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off (see .env.example)")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105 - DEBUG only

# Key for ID numbers at rest (AES-256-GCM, urlsafe base64 of 32 bytes) and for their keyed lookup hash.
# Several keys may be given, newest first, so a key can be rotated without losing old rows.
ID_ENCRYPTION_KEYS = env_list("ID_ENCRYPTION_KEYS")
ID_HASH_KEY = os.environ.get("ID_HASH_KEY", "")
if DEBUG and not ID_ENCRYPTION_KEYS:
    # 32 bytes, urlsafe base64: "dev-only-id-key-not-for-prod-use".
    ID_ENCRYPTION_KEYS = ["ZGV2LW9ubHktaWQta2V5LW5vdC1mb3ItcHJvZC11c2U="]
if DEBUG and not ID_HASH_KEY:
    ID_HASH_KEY = "dev-only-id-hash-key"
if not ID_ENCRYPTION_KEYS or not ID_HASH_KEY:
    raise RuntimeError("ID_ENCRYPTION_KEYS and ID_HASH_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "template_partials",
    "django_htmx",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "peixun.accounts",
    "peixun.audit",
    "peixun.orgs",
    "peixun.imports",
    "peixun.policies",
    "peixun.ledger",
    "peixun.core",
    "peixun.training",
    "peixun.recognition",
    "peixun.surveys",
    "peixun.schoolbased",
    "peixun.participation",
    "peixun.quality",
    "peixun.delivery",
    "peixun.assessment",
    "peixun.certificates",
    "peixun.records",
    "peixun.competitions",
    "peixun.honours",
    "peixun.finance",
    "peixun.returns",
    "peixun.interest",
    "peixun.api",
    "peixun.site",
    "peixun.demo",
]

MIDDLEWARE = [
    # First: X-Forwarded-Proto only from TRUSTED_PROXIES, before the scheme is read.
    "peixun.accounts.middleware.ForwardedProtoMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # user.is_verified(): the second factor of this session (peixun.accounts.twofactor).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "peixun.accounts.middleware.AccountPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "peixun.urls"
WSGI_APPLICATION = "peixun.wsgi.application"

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
                "csp.context_processors.nonce",
                "peixun.site.navigation.navigation",
            ],
            "builtins": ["django.templatetags.i18n", "django.templatetags.static"],
        },
    }
]

# --- Database -------------------------------------------------------------------------------------
SQLITE_PATH = VAR_DIR / "peixun.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers work beside the writer; IMMEDIATE makes writers queue instead of failing with
    # "database is locked" (docs/decisions/0002-sqlite-embedded-default.md).
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    # psycopg's prepared statements, for the statements compiled once (peixun.core.compiled): the
    # server parses and plans each once a connection. Other queries bind on the client and are never
    # prepared. A pooler in front must keep prepared statements (PgBouncer ≥ 1.21 with
    # max_prepared_statements, or session pooling). URL options (sslmode …) stay.
    DATABASES["default"].setdefault("OPTIONS", {}).update(prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts and passwords -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "peixun.accounts.backends.IdentifierBackend",
]
PASSWORD_HASHERS = [
    "peixun.accounts.hashers.Argon2Hasher",  # OWASP parameters (ADR 0058)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    # Django's common passwords and the ones most used in China.
    {"NAME": "peixun.accounts.validators.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # Nothing a colleague can read off the roster: birth date, ID number, phone.
    {"NAME": "peixun.accounts.validators.PersonalDataValidator"},
]
# An initial password (an account made from the roster, or a reset) that is still unchanged this
# many days after it was issued no longer signs in; the school coordinator issues a new one.
INITIAL_PASSWORD_DAYS = int(os.environ.get("INITIAL_PASSWORD_DAYS", "14"))
# How issued initial passwords reach their holders (docs/accounts.md): printed slips by default; an
# SMS or WeChat sender is a class with the same `deliver` method (peixun.accounts.delivery).
PASSWORD_DELIVERY = os.environ.get("PASSWORD_DELIVERY", "peixun.accounts.delivery.SlipDelivery")
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Lockout by (username, IP), never by IP alone: one typo must not lock out a school behind one address.
# Cool-offs step up with repeated lockouts; axes stores the lockout key, never a raw ID number
# (peixun.accounts.lockout explains each setting).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = "peixun.accounts.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True
AXES_HANDLER = "peixun.accounts.lockout.SteppedLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "peixun.accounts.lockout.locked_out_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "peixun.accounts.lockout.client_username"
AXES_CLIENT_IP_CALLABLE = "peixun.accounts.lockout.client_ip"
AXES_VERBOSE = False
# axes' own log lines show the address but never what was typed (the key may be a username).
AXES_SENSITIVE_PARAMETERS = ["username"]
# Reverse proxies (nginx …) in front of the app, as addresses, networks (CIDR) or `unix` (a peer on
# gunicorn's Unix socket): X-Forwarded-For and X-Forwarded-Proto are believed only from them
# (peixun.lib.clientaddr), and the lockout and rate limits key on the address they vouch for.
# Empty: REMOTE_ADDR, headers ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
try:
    parse_trusted(TRUSTED_PROXIES)
except ValueError as error:
    raise RuntimeError(f"TRUSTED_PROXIES: {error}") from None
if os.environ.get("PROXY_COUNT", "0").strip() not in ("", "0"):
    raise RuntimeError("PROXY_COUNT is replaced by TRUSTED_PROXIES (docs/operations.md)")

# Sessions: admins are logged out after idle time (peixun.accounts.middleware).
SESSION_ENGINE = "peixun.accounts.sessions"  # Redis instead when REDIS_URL is set (below)
SESSION_COOKIE_AGE = 60 * 60 * 12
# Second factor (docs/accounts.md, docs/decisions/0049): TOTP codes from an authenticator app, named
# with this issuer; django-otp's own exponential throttle is off, the limit is ours (5 wrong codes,
# then SECOND_FACTOR_WAIT_MINUTES).
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "培训")
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
SECOND_FACTOR_FAILURE_LIMIT = 5
SECOND_FACTOR_WAIT_MINUTES = int(os.environ.get("SECOND_FACTOR_WAIT_MINUTES", "15"))
ADMIN_IDLE_TIMEOUT_SECONDS = int(os.environ.get("ADMIN_IDLE_TIMEOUT_SECONDS", str(30 * 60)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation -------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "peixun" / "locale"]
TIME_ZONE = LOCAL_ZONE_NAME  # Asia/Shanghai: every time shown or exported is in it (peixun.lib.dates)
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Uploads --------------------------------------------------------------------------------------
# Imports are read into memory and stored in the database (stateless app servers); the cap is
# enforced again in peixun.lib.tabular.
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

# --- Background tasks -----------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}
# Background runs (peixun.core.runs, ADR 0031): a worker renews its run's heartbeat every
# RUN_HEARTBEAT_SECONDS; a running run with no heartbeat for RUN_LEASE_SECONDS is interrupted.
RUN_HEARTBEAT_SECONDS = float(os.environ.get("RUN_HEARTBEAT_SECONDS", "10"))
RUN_LEASE_SECONDS = float(os.environ.get("RUN_LEASE_SECONDS", "60"))
# A change touching more trainees than this (a lesson of a large class closed) has their results
# recomputed by a background run instead of in the request (peixun.assessment.services).
RESULTS_INLINE_LIMIT = int(os.environ.get("RESULTS_INLINE_LIMIT", "150"))

# --- Compliance ------------------------------------------------------------------------------------
# A rebuild of this many people or more evaluates in RECOMPUTE_WORKERS processes (PostgreSQL only).
RECOMPUTE_WORKERS = int(os.environ.get("RECOMPUTE_WORKERS", str(min(4, os.cpu_count() or 1))))
RECOMPUTE_PARALLEL_FROM = int(os.environ.get("RECOMPUTE_PARALLEL_FROM", "20000"))

# --- Certificates ---------------------------------------------------------------------------------
# The address certificate QR codes and verification links point to (https://peixun.example.gov.cn);
# by default https:// and the first allowed host (the development server under DEBUG).
_FIRST_HOST = ALLOWED_HOSTS[0] if ALLOWED_HOSTS and ALLOWED_HOSTS[0] not in ("*", "") else ""
PUBLIC_URL = os.environ.get(
    "PUBLIC_URL",
    "http://127.0.0.1:8000" if DEBUG else (f"https://{_FIRST_HOST.lstrip('.')}" if _FIRST_HOST else ""),
).rstrip("/")
# A TrueType CJK font for PDFs; empty uses the vendored LXGW WenKai (peixun.lib.pdf).
PDF_FONT_PATH = os.environ.get("PDF_FONT_PATH", "")
# Requests per minute and client address to the public verification pages; lookups per hour of one
# certificate number from all addresses together.
VERIFY_RATE_PER_MINUTE = int(os.environ.get("VERIFY_RATE_PER_MINUTE", "30"))
VERIFY_NUMBER_RATE_PER_HOUR = int(os.environ.get("VERIFY_NUMBER_RATE_PER_HOUR", "10"))
# Processes drawing a large batch of certificates (reportlab is CPU-bound).
CERTIFICATE_WORKERS = int(os.environ.get("CERTIFICATE_WORKERS", str(min(2, os.cpu_count() or 1))))

# --- Cache ----------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Security headers -----------------------------------------------------------------------------
# Scripts only from our origin and with the per-response nonce (NONCE is django-csp's placeholder;
# a literal "'nonce'" would be sent as is and allow nothing). No inline styles or scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Not the header itself: what ForwardedProtoMiddleware copied from it when the peer is one of
    # TRUSTED_PROXIES (peixun.accounts.middleware.FORWARDED_PROTO_META).
    SECURE_PROXY_SSL_HEADER = ("PEIXUN_TRUSTED_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# --- Logging --------------------------------------------------------------------------------------
# Security events (logins, failures, denied access) go to the "peixun.security" logger. ID numbers
# never reach a log line: the filter below masks anything shaped like one.
# Security events (sign-ins and failures, lockouts, refused access, grants, password and second-
# factor changes: the `peixun.security` logger) also go to SECURITY_LOG_FILE when it is set, kept at
# least six months (网络安全法 第21条): logrotate turns it over daily and keeps 200 days
# (docs/operations.md §13). WatchedFileHandler reopens the file after logrotate moves it, which is
# safe with several gunicorn and worker processes writing to one file (docs/decisions/0054).
SECURITY_LOG_FILE = os.environ.get("SECURITY_LOG_FILE", "")
# Audit events are never deleted; `manage.py audit_retention` archives those older than this.
AUDIT_RETENTION_DAYS = int(os.environ.get("AUDIT_RETENTION_DAYS", "190"))
# Project archives (peixun.quality, RULES G5): where the zips go and how long they are kept.
PROJECT_ARCHIVE_DIR = Path(os.environ.get("PROJECT_ARCHIVE_DIR", VAR_DIR / "archives"))
PROJECT_ARCHIVE_KEEP_DAYS = int(os.environ.get("PROJECT_ARCHIVE_KEEP_DAYS", "3650"))
LOGGING: dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"mask_ids": {"()": "peixun.lib.logging.MaskIdNumbersFilter"}},
    "formatters": {"plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["mask_ids"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "peixun.security": {"level": "INFO"},
    },
}
if SECURITY_LOG_FILE:
    LOGGING["handlers"]["security_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": SECURITY_LOG_FILE,
        "encoding": "utf-8",
        "delay": True,  # opened at the first security event, not by every manage.py command
        "formatter": "plain",
        "filters": ["mask_ids"],
    }
    LOGGING["loggers"]["peixun.security"]["handlers"] = ["security_file"]
