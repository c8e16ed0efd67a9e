"""Test settings: production settings, with the few changes tests need."""

from optout.settings import *  # noqa: F403

# Absolute links name the test client's host.
SITE_URL = "http://testserver"
# The test client and the live server speak plain http; HTTPS redirects are tested on their own.
SECURE_SSL_REDIRECT = False
# No collectstatic needed to run the tests; the production storage has its own test.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Serve static files straight from the source folders, as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT = DATA_DIR / "test-static"  # noqa: F405
STATIC_ROOT.mkdir(exist_ok=True)

# A file, not memory: tests of concurrent writers need SQLite's real locking (WAL, busy timeout),
# which a shared in-memory database does not have.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}  # noqa: F405

# Each test starts with empty caches (tests/conftest.py), including tests without a database, so
# the test process keeps its caches in memory. Servers that tests start run the production
# settings (the shared database cache), and tests/test_cache.py tests that cache itself.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
