"""Django settings for Sáu Rõ.

Everything that differs between machines comes from environment variables with safe local defaults:
the default is a SQLite file under ``var/`` and DEBUG off.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from sauro.common.deployment import (
    REPLICA,
    cache_settings,
    default_storage,
    replica_database,
    secret_key_fallbacks,
)
from sauro.identity.settings import DIRECTORY_BACKEND, directory_settings, sso_settings, two_factor_settings

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("SAURO_VAR_DIR", PROJECT_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """Take SECRET_KEY from the environment, else a per-installation key kept in var/ (never in git)."""
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    from django.utils.crypto import get_random_string

    VAR_DIR.mkdir(parents=True, exist_ok=True)
    key = get_random_string(64)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()
# Key rotation (docs/operations.md): the former key(s) while the new one reaches every server.
SECRET_KEY_FALLBACKS = secret_key_fallbacks(os.environ)
DEBUG = env_bool("DEBUG")
ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver").split(",") if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "ninja",
    "django_htmx",
    "sauro.common.vendor_apps.AxesConfig",
    "django_tasks",
    "sauro.common.vendor_apps.TasksDatabaseConfig",
    "sauro.common",
    "sauro.accounts",
    "sauro.org",
    "sauro.audit",
    "sauro.workdays",
    "sauro.periods",
    "sauro.directives",
    "sauro.tasks",
    "sauro.identity",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "sauro.extraction",
    "sauro.meetings",
    "sauro.petitions",
    "sauro.notifications",
    "sauro.monitoring",
    "sauro.discussions",
    "sauro.programs",
    "sauro.reports",
    "sauro.dashboard",
    "sauro.demo",
    "sauro.bench",
    "sauro.backup",
    "sauro.daily",
    "sauro.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "sauro.common.middleware.SecurityHeadersMiddleware",
    # Before anything reads a body (sessions, CSRF, forms, the API): an oversized body is refused unread (413).
    "sauro.common.middleware.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "sauro.common.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "sauro.common.middleware.SessionRefreshMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Leaders, inspectors and administrators pass a second factor before any page (docs/identity.md).
    "sauro.identity.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Marked read-only pages read from the replica when DATABASE_REPLICA_URL is set (docs/operations.md).
    "sauro.common.replica.ReplicaReadsMiddleware",
    # Last, as django-axes requires: it turns locked-out logins into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "sauro.urls"
WSGI_APPLICATION = "sauro.wsgi.application"

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
                "sauro.web.context_processors.shell",
            ],
            # ``{{ count|number }}`` (923.603) in every template without a load tag: common.text.number.
            "builtins": ["sauro.common.templatetags.numbers"],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'sauro.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server and the worker read while the other writes; IMMEDIATE avoids
    # "database is locked" upgrades inside write transactions.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Pages run short indexed queries: PostgreSQL's JIT compiler, which starts on high cost estimates, spends
    # ~0.5–1 s compiling what then runs in milliseconds (docs/performance.md).
    # A dashboard groups a few hundred thousand rows: with the default 4 MB they spill to disk as a sort.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off -c work_mem=32MB"
# A PostgreSQL streaming replica for the reads of read-only pages (sauro.common.replica), when configured.
_replica = replica_database(os.environ, DATABASES["default"])
if _replica is not None:
    DATABASES[REPLICA] = _replica
DATABASE_ROUTERS = ["sauro.common.replica.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses logins for locked-out accounts/addresses before checking passwords.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The agency's directory (LDAP / Active Directory), when SAURO_LDAP_URL is set: tried after the local accounts
# (docs/identity.md). Without it (the demo) only local accounts log in.
_directory = directory_settings(os.environ)
globals().update(_directory)
if _directory:
    AUTHENTICATION_BACKENDS.append(DIRECTORY_BACKEND)
# Single sign-on with OpenID Connect, when SAURO_OIDC_DISCOVERY_URL is set (docs/identity.md).
_sso = sso_settings(os.environ)
SAURO_OIDC_DISCOVERY_URL: str = _sso["SAURO_OIDC_DISCOVERY_URL"]
SAURO_OIDC_CLIENT_ID: str = _sso["SAURO_OIDC_CLIENT_ID"]
SAURO_OIDC_CLIENT_SECRET: str = _sso["SAURO_OIDC_CLIENT_SECRET"]
SAURO_OIDC_SCOPES: str = _sso["SAURO_OIDC_SCOPES"]
SAURO_OIDC_GROUPS_CLAIM: str = _sso["SAURO_OIDC_GROUPS_CLAIM"]
SAURO_OIDC_GROUPS: dict[str, dict[str, str]] = _sso["SAURO_OIDC_GROUPS"]
SAURO_OIDC_LABEL: str = _sso["SAURO_OIDC_LABEL"]
# Two factors (docs/identity.md): required of these roles (comma-separated; empty: nobody); a trusted device is
# remembered this many days; passkeys' relying party (its id defaults to the host the page is served from).
_2fa = two_factor_settings(os.environ)
SAURO_2FA_ROLES: tuple[str, ...] = _2fa["SAURO_2FA_ROLES"]
SAURO_2FA_REMEMBER_DAYS: int = _2fa["SAURO_2FA_REMEMBER_DAYS"]
SAURO_WEBAUTHN_RP_ID: str = _2fa["SAURO_WEBAUTHN_RP_ID"]
SAURO_WEBAUTHN_RP_NAME: str = _2fa["SAURO_WEBAUTHN_RP_NAME"]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, see sauro/accounts/throttling.py): AXES_FAILURE_LIMIT wrong passwords lock a
# user name from one address (the pair), SAURO_LOGIN_ADDRESS_FAILURE_LIMIT failures lock an address whatever the
# names, both for AXES_COOLOFF_HOURS.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "sauro.accounts.throttling.SauroAxesHandler"
SAURO_LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("SAURO_LOGIN_ADDRESS_FAILURE_LIMIT", "50"))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# The client's address: REMOTE_ADDR, or behind PROXY_COUNT trusted reverse proxies the X-Forwarded-For entry the
# outermost proxy wrote (sauro.accounts.throttling.client_address).
SAURO_PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "sauro.accounts.throttling.client_address"
AXES_VERBOSE = False

# Sessions: expire after inactivity and on browser close. The expiry slides with activity: SessionRefreshMiddleware
# saves the session (moving its expiry SESSION_COOKIE_AGE ahead) when its last save is older than
# SESSION_REFRESH_SECONDS, instead of writing it on every request (SESSION_SAVE_EVERY_REQUEST). An idle session
# therefore ends between SESSION_COOKIE_AGE - SESSION_REFRESH_SECONDS and SESSION_COOKIE_AGE after the last request.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
# Django's database sessions, each logged-in one listed per person for the security page (sauro.identity.sessions).
SESSION_ENGINE = "sauro.identity.sessions"
SESSION_REFRESH_SECONDS = min(300, SESSION_COOKIE_AGE // 10)
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# HTTPS: secure cookies and HSTS when the site is served over TLS (set HTTPS=1 behind the proxy).
HTTPS = env_bool("HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script anywhere: every script is a static file.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)

LANGUAGE_CODE = "vi"
# Vietnamese only until an English catalogue exists: no LocaleMiddleware, so a browser set to English
# does not get Django's own strings in English mixed into Vietnamese pages.
LANGUAGES = [("vi", _("Tiếng Việt"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["sauro.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded files: var/media, or an S3-compatible store shared by every app server (SAURO_STORAGE=s3).
STORAGES = {
    "default": default_storage(os.environ, MEDIA_ROOT),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not env_bool("SAURO_PLAIN_STATIC")
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Django's cache: each process's memory, or Redis shared by the app servers (REDIS_URL).
CACHES = cache_settings(os.environ)

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# E-mail: with EMAIL_HOST set, mail goes out by SMTP; otherwise it is printed by the worker (the demo).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=EMAIL_PORT == 587)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=EMAIL_PORT == 465)
EMAIL_TIMEOUT = 30
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Sáu Rõ <sauro@localhost>")
# The address links in e-mails point to (no request there to take it from).
SAURO_BASE_URL = os.environ.get("SAURO_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# Product settings.
# Run the whole product as if today were this day (YYYY-MM-DD), e.g. a demo at a chosen date; empty: the real day.
SAURO_TODAY = os.environ.get("SAURO_TODAY", "")
# Monitoring thresholds (PRODUCT §7), in working days.
SAURO_REMINDER_DAYS_BEFORE = [
    int(d) for d in os.environ.get("SAURO_REMINDER_DAYS_BEFORE", "7,3,1").split(",") if d.strip().isdigit()
]
SAURO_NO_UPDATE_DAYS = int(os.environ.get("SAURO_NO_UPDATE_DAYS", "10"))
SAURO_STUCK_DAYS = int(os.environ.get("SAURO_STUCK_DAYS", "15"))
SAURO_OVERDUE_ESCALATION_DAYS = int(os.environ.get("SAURO_OVERDUE_ESCALATION_DAYS", "5"))
SAURO_OBSTACLE_RESPONSE_DAYS = int(os.environ.get("SAURO_OBSTACLE_RESPONSE_DAYS", "5"))
SAURO_UPDATE_WINDOW_DAYS = int(os.environ.get("SAURO_UPDATE_WINDOW_DAYS", "2"))
SAURO_UPDATE_WINDOW_URGENT_DAYS = int(os.environ.get("SAURO_UPDATE_WINDOW_URGENT_DAYS", "0"))
# Reporting regime (PRODUCT §8): working days after the data cut-off within which a report is due; per kind in
# the second setting (keys: monthly, quarterly, half_year, nine_month, yearly).
SAURO_REPORT_DUE_WORKING_DAYS = int(os.environ.get("SAURO_REPORT_DUE_WORKING_DAYS", "2"))
SAURO_REPORT_DUE_WORKING_DAYS_BY_KIND: dict[str, int] = {}
# Citizens' petitions (issue 19, docs/petitions.md): the reception days a Secretary must hold each month — the city
# Secretary at least SAURO_PETITIONS_CITY_SECRETARY_DAYS, each ward's or commune's at least
# SAURO_PETITIONS_COMMUNE_SECRETARY_DAYS (Quy định 11-QĐ/TW); and whether an anonymous, false-name or multi-signed
# denunciation against a Party member is recorded but not handled as a denunciation (kept for information).
SAURO_PETITIONS_CITY_SECRETARY_DAYS = int(os.environ.get("SAURO_PETITIONS_CITY_SECRETARY_DAYS", "1"))
SAURO_PETITIONS_COMMUNE_SECRETARY_DAYS = int(os.environ.get("SAURO_PETITIONS_COMMUNE_SECRETARY_DAYS", "2"))
SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS = env_bool("SAURO_PETITIONS_KEEP_UNSIGNED_PARTY_DENUNCIATIONS", True)
# Hot spots (issue 19 point 7, docs/petitions.md "Hot spots"): a crowd is SAURO_PETITIONS_CROWD_PEOPLE people or more
# (who came together or signed one letter); a commune's letters on a topic rise when, over the last
# SAURO_PETITIONS_RISE_WEEKS weeks, they are at least SAURO_PETITIONS_RISE_MIN and at least SAURO_PETITIONS_RISE_FACTOR
# times the mean of the SAURO_PETITIONS_BASELINE_WEEKS weeks before (scaled to the same number of weeks).
SAURO_PETITIONS_CROWD_PEOPLE = int(os.environ.get("SAURO_PETITIONS_CROWD_PEOPLE", "5"))
SAURO_PETITIONS_RISE_FACTOR = float(os.environ.get("SAURO_PETITIONS_RISE_FACTOR", "2"))
SAURO_PETITIONS_RISE_MIN = int(os.environ.get("SAURO_PETITIONS_RISE_MIN", "5"))
SAURO_PETITIONS_RISE_WEEKS = int(os.environ.get("SAURO_PETITIONS_RISE_WEEKS", "4"))
SAURO_PETITIONS_BASELINE_WEEKS = int(os.environ.get("SAURO_PETITIONS_BASELINE_WEEKS", "12"))
# The denouncer's identity (issue 19, point 6) is encrypted with a key kept outside the database: the Fernet keys in
# SAURO_PETITIONS_IDENTITY_KEY (comma-separated, the first encrypts), else the key file (one key a line, created on
# first use, mode 0600). docs/petitions.md, "Confidentiality (point 6)".
SAURO_PETITIONS_IDENTITY_KEY_FILE = Path(
    os.environ.get("SAURO_PETITIONS_IDENTITY_KEY_FILE", VAR_DIR / "petitions_identity_key")
)
# The key of the duplicate search's hashes (docs/petitions.md, "Duplicates"): kept outside the database; empty, one
# derived from SECRET_KEY (changing either needs `sauro petitions rekey`).
SAURO_PETITIONS_SIMILARITY_SECRET = os.environ.get("SAURO_PETITIONS_SIMILARITY_SECRET", "")
# The intake API (Open311, docs/petitions.md "Intake API"): the code of the unit whose register receives the letters
# submitted through it; empty: the integration account's own unit (its first membership where it may register).
SAURO_PETITIONS_INTAKE_UNIT = os.environ.get("SAURO_PETITIONS_INTAKE_UNIT", "")
SAURO_API_TOKEN_PREFIX = "sr_"  # noqa: S105 — a public marker, not a secret
# API tokens expire: this many days after their issue at the most (their owner may choose fewer).
SAURO_API_TOKEN_DAYS = int(os.environ.get("SAURO_API_TOKEN_DAYS", "90"))

# Audit journal (issue 16): the chain is keyed with a secret kept outside the database — SAURO_AUDIT_KEY, else a
# key file (created on first use, mode 0600) that backups store apart from the data — and anchored by checkpoints
# of its head appended to a file outside the database.
SAURO_AUDIT_KEY_FILE = Path(os.environ.get("SAURO_AUDIT_KEY_FILE", VAR_DIR / "audit_key"))
SAURO_AUDIT_CHECKPOINT_FILE = Path(os.environ.get("SAURO_AUDIT_CHECKPOINT_FILE", VAR_DIR / "audit" / "checkpoints.log"))
# How often the worker writes a checkpoint, and who gets a copy of each by e-mail (comma-separated; none by default).
SAURO_AUDIT_CHECKPOINT_MINUTES = max(1, int(os.environ.get("SAURO_AUDIT_CHECKPOINT_MINUTES", "60")))
SAURO_AUDIT_CHECKPOINT_MAILTO = [
    a.strip() for a in os.environ.get("SAURO_AUDIT_CHECKPOINT_MAILTO", "").split(",") if a.strip()
]
# Uploads (issue 16; the checks themselves: sauro/common/uploads.py). A request body above SAURO_MAX_REQUEST_BYTES is
# refused unread (RequestSizeLimitMiddleware: a progress update's files together, the largest legitimate body, stay
# under it); form fields without files are held in memory up to DATA_UPLOAD_MAX_MEMORY_SIZE; an uploaded file above
# FILE_UPLOAD_MAX_MEMORY_SIZE goes to a temporary file instead of memory.
SAURO_MAX_REQUEST_BYTES = int(os.environ.get("SAURO_MAX_REQUEST_MB", "64")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MiB: the largest JSON body or form without files
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Backups (issue 16): where the worker's nightly archives go, and how many it keeps.
SAURO_BACKUP_DIR = Path(os.environ.get("SAURO_BACKUP_DIR", VAR_DIR / "backups"))
SAURO_BACKUP_KEEP_DAILY = int(os.environ.get("SAURO_BACKUP_KEEP_DAILY", "7"))
SAURO_BACKUP_KEEP_WEEKLY = int(os.environ.get("SAURO_BACKUP_KEEP_WEEKLY", "4"))
SAURO_BACKUP_KEEP_MONTHLY = int(os.environ.get("SAURO_BACKUP_KEEP_MONTHLY", "12"))
