"""optout settings: one file, read from the environment. README lists every variable."""

import datetime
import ipaddress
import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def envnetworks(name: str, default: str) -> list[str]:
    """Addresses or networks (CIDR), comma-separated, or "*" for any."""
    items = envlist(name, default)
    for item in items:
        if item != "*":
            try:
                ipaddress.ip_network(item)
            except ValueError:
                raise ImproperlyConfigured(
                    f"{name} must list IP addresses or networks such as 10.0.0.0/8, not {item!r}"
                ) from None
    return items


# Everything a running site writes (SQLite file, uploads, the generated secret key) lives here.
DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / "data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


# Without SECRET_KEY, a key is generated once into the data folder. Visitors' checklist cookies
# are signed with it: `backup` saves it and `restore` puts it back.
SECRET_KEY_FILE = DATA_DIR / "secret_key"


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = SECRET_KEY_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG")
# Plain http on localhost (`make run`): relaxes only what needs HTTPS. Never set it in production.
LOCAL_HTTP = envbool("OPTOUT_LOCAL_HTTP")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")


def _site_url() -> str:
    if url := os.environ.get("SITE_URL", "").strip().rstrip("/"):
        return url
    if LOCAL_HTTP:
        return f"http://localhost:{os.environ.get('PORT', '8000')}"
    return f"https://{ALLOWED_HOSTS[0].lstrip('.')}" if ALLOWED_HOSTS else "https://localhost"


# The site's public address (scheme, host and port if any; no path). Every absolute link the
# site gives out is built from it, never from the request's Host header: the feed's ids and
# links, the sitemap, robots.txt, the JSON, canonical and hreflang links. Feed readers and
# search engines then see the same ids whatever name the site was reached by.
SITE_URL = _site_url()
# Where visitors get the source code of the site they use (the AGPL asks for it): the footer
# links it. A fork points it at its own repository.
SOURCE_URL = os.environ.get("SOURCE_URL", "").strip() or "/source/"

INSTALLED_APPS = [
    "optout.apps.OptoutAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "optout.guides",
    "optout.checklists",
    "optout.core",
    "optout.feedback",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Compresses pages. BREACH needs a secret on a page an attacker can make a victim load many
    # times with chosen input: our only secrets (resume codes) appear after same-origin POSTs.
    "django.middleware.gzip.GZipMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "optout.middleware.PermissionsPolicyMiddleware",
    # Early, so that the health check and cached pages (answered before the rest) carry it too.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Answers /healthz under any Host name (a container's health check asks for 127.0.0.1).
    "optout.middleware.HealthCheckMiddleware",
    # Pages that are the same for every reader, from the cache, before everything below.
    "optout.pagecache.SharedPageMiddleware",
    # The language comes from the URL; an unprefixed page is English. A first visit from outside
    # the site is sent to the language its Accept-Language asks for (optout.i18n).
    "django.middleware.locale.LocaleMiddleware",
    "optout.i18n.FirstGuessLanguageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "optout.urls"
WSGI_APPLICATION = "optout.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "optout.context_processors.languages",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "optout.context_processors.sharing",
            ],
        },
    },
]

_database_url = os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'optout.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        _database_url,
        # Keep each worker's database connection open between requests: opening one (and, for
        # SQLite, setting WAL mode) costs more than serving a cached page. bench/load.py and
        # bench/static_ratio.py measure the difference; README has the figures.
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A real server on SQLite: WAL so readers never block the writer, a busy timeout, and
    # write transactions that take the lock up front instead of failing half-way.
    # The WAL is copied into the database (a checkpoint) at 8,000 pages, not SQLite's 1,000. Each
    # round makes a request wait for the disk: the one whose commit crosses the limit does the
    # copy and two fsyncs, and the next writer syncs the new WAL's header while it holds the write
    # lock. A checkpoint copies each page once however often it was written, and ticks rewrite
    # the same few pages, so rarer rounds cost nothing but disk: a WAL of about 33 MB.
    # purgechecklists checkpoints its own writes at half that (ChecklistQuerySet).
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=8000;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def _cache(url: str) -> dict:
    if url.startswith(("redis://", "rediss://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url in ("", "db://"):
        return {
            "BACKEND": "optout.cache.DatabaseCache",
            "LOCATION": "optout_cache",  # created by `createcachetable` (bin/start runs it)
            # Room for every live rate-limit counter of a busy hour: past this, expired entries
            # are deleted first, then a third of the rest. (Each write counts the rows.)
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if url == "locmem://":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url == "dummy://":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must be db://, redis://..., locmem:// or dummy://, not {url!r}"
    )


# Rate limits, login lockouts and the stamps that invalidate cached pages must be the same for
# every worker of every app server: by default they live in the database (a cache table), or
# in Redis when there is one. `locmem://` keeps one cache per process (one worker only).
CACHES = {"default": _cache(os.environ.get("CACHE_URL", ""))}
# Rendered guide pages: shared through Redis when there is one, otherwise kept by each process
# (their keys name the published version, so a process never serves an outdated page).
CACHES["pages"] = (
    CACHES["default"]
    if "redis" in CACHES["default"]["BACKEND"]
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
)
# This process's own counts (optout.ratelimit with shared=False): ticks on an existing checklist.
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}

AUTHENTICATION_BACKENDS = [
    "optout.security.LoginBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",  # reads older hashes, then upgrades them
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# English is the source language and lives at unprefixed URLs; French and German at /fr/ and /de/.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch")]
# The languages guide content can be translated into (everything but the source language).
CONTENT_LANGUAGES = [code for code, _ in LANGUAGES if code != LANGUAGE_CODE]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date formats first ("3 November 2025" in English), then Django's.
FORMAT_MODULE_PATH = ["optout.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60  # unhashed names; hashed names are cached for a year

ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

# Where the shipped guide folders live (one folder per guide).
CONTENT_DIR = Path(os.environ.get("OPTOUT_CONTENT_DIR", BASE_DIR / "content"))

# Security headers on every response.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)

# The reverse proxies trusted to say who the client is and which scheme it used, with gunicorn's
# own name and default: gunicorn takes the scheme (X-Forwarded-Proto) only from these addresses,
# and optout.ratelimit takes the client's address from X-Forwarded-For only when the request
# comes from one of them. From anyone else, X-Forwarded-* headers are ignored.
FORWARDED_ALLOW_IPS = envnetworks("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
if envbool("SECURE_PROXY_SSL_HEADER"):
    raise ImproperlyConfigured(
        "SECURE_PROXY_SSL_HEADER is no longer used: it trusted X-Forwarded-Proto from anyone. "
        "Remove it and set FORWARDED_ALLOW_IPS to your reverse proxy's address instead."
    )
HTTPS = not LOCAL_HTTP
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # health checks speak plain http inside the container
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_NAME = "__Host-sessionid" if HTTPS else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if HTTPS else "csrftoken"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No IP address in any line (a Host header or an error message can hold one).
    "filters": {"no_addresses": {"()": "optout.logs.NoAddresses"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["no_addresses"]}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Pages that are the same for every reader are cached per published version (see
# optout.pagecache); the time only bounds how long a page outlives a template change.
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 600)

# Mismatch reports: per client and hour; a step shows a hint from this many open reports on.
REPORTS_PER_HOUR = envint("REPORTS_PER_HOUR", 5)
MISMATCH_HINT_THRESHOLD = envint("MISMATCH_HINT_THRESHOLD", 3)

# watchsources skips pages that only show their content after logging in.
WATCH_SKIP_PREFIXES = envlist(
    "WATCH_SKIP_PREFIXES",
    "https://www.linkedin.com/mypreferences/,https://www.linkedin.com/help/linkedin/ask/",
)

# Visitors' checklists.
CHECKLIST_RETENTION_DAYS = envint("CHECKLIST_RETENTION_DAYS", 400)
CHECKLIST_COOKIE_NAME = "__Host-checklist" if HTTPS else "checklist"
# Resume-code lookups per client and hour; checklist writes per client and minute (new
# checklists counted across every worker and server, ticks on an existing one per worker).
RESUME_LOOKUPS_PER_HOUR = envint("RESUME_LOOKUPS_PER_HOUR", 10)
CHECKLIST_WRITES_PER_MINUTE = envint("CHECKLIST_WRITES_PER_MINUTE", 60)
DATA_UPLOAD_MAX_MEMORY_SIZE = 256 * 1024

# Editors: a guide not checked against the platform for this many days shows a calm notice.
GUIDE_STALE_AFTER_DAYS = envint("GUIDE_STALE_AFTER_DAYS", 90)
# Uploaded screenshots are capped at 2 MB; the request around them may be a little larger.
FILE_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

# Admin login: ADMIN_LOGIN_FAILURE_LIMIT wrong passwords for one username from one client lock
# that pair out for an hour, so nobody elsewhere can lock an admin out; ADMIN_LOGIN_CLIENT_FAILURE_LIMIT
# failures from one client, whatever the usernames, lock that client out (password spraying).
# Both are counted in the cache under keyed hashes of the client (optout.ratelimit), so nothing
# about who tried (no IP address, no user agent) is stored, and the counts expire by themselves.
AXES_HANDLER = "axes.handlers.cache.AxesCacheHandler"
AXES_CACHE = "default"
AXES_FAILURE_LIMIT = envint("ADMIN_LOGIN_FAILURE_LIMIT", 5)
ADMIN_LOGIN_CLIENT_FAILURE_LIMIT = envint("ADMIN_LOGIN_CLIENT_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = datetime.timedelta(hours=1)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "optout.security.hashed_client"
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_RESET_ON_SUCCESS = True
OTP_TOTP_ISSUER = "optout"
