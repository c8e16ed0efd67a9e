"""Security headers, cookies, deploy checks and the admin's login defences."""

import hashlib
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import caches
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.helpers import SAME_SITE


@pytest.mark.parametrize("url", ["/", "/guides/linkedin/", "/checklist/", "/nope/", "/healthz"])
def test_every_response_carries_the_security_headers(client, published, url):
    response = client.get(url, secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert directives["script-src"].startswith("'self'")
    assert directives["style-src"] == "'self'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_plain_http_is_redirected_to_https_except_the_health_check(published, settings):
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    response = client.get("/guides/linkedin/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/guides/linkedin/"
    assert client.get("/healthz").status_code == 200


def test_the_checklist_cookie_is_host_only_secure_httponly_and_samesite(client, published):
    response = client.post(
        "/checklist/linkedin/ai-training/", {"state": "done"}, secure=True, **SAME_SITE
    )
    cookie = response.cookies["__Host-checklist"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/" and not cookie["domain"]


def test_admin_cookies_are_host_only_secure_httponly_and_samesite(db):
    User.objects.create_superuser("ada", password="correct horse battery staple")
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/", secure=True)
    csrf = page.cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["httponly"] and csrf["samesite"] == "Strict"
    token = page.context["csrf_token"]
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": "ada",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": token,
        },
        secure=True,
        HTTP_REFERER="https://testserver/admin/login/",
    )
    assert response.status_code == 302
    session = response.cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


def test_passwords_are_hashed_with_argon2(db, settings):
    from optout import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # tests use a fast hasher
    user = User.objects.create_user("ada", password="correct horse battery staple")
    assert user.password.startswith("argon2")


def test_the_deploy_check_passes_with_no_warnings_in_production_settings(tmp_path):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "optout.settings",
        "SECRET_KEY": "x" * 20 + "a-real-looking-secret-key-with-entropy-0123456789",
        "ALLOWED_HOSTS": "optout.example.org",
        "SITE_URL": "https://optout.example.org",
        "DATA_DIR": str(tmp_path),
    }
    env.pop("OPTOUT_LOCAL_HTTP", None)
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests only
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_bad_setting_fails_loudly(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "optout.settings", "DEBUG": "maybe",
           "DATA_DIR": str(tmp_path)}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "DEBUG must be true or false, not 'maybe'" in result.stderr


def login(client, username, password, **extra):
    client.get("/admin/login/")
    return client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password, **extra}
    )


def test_repeated_failures_lock_a_username_out_only_for_the_client_that_made_them(db):
    User.objects.create_superuser("ada", password="correct horse battery staple")
    mallory = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(mallory, "ada", "wrong").status_code == 200
    assert login(mallory, "ada", "wrong").status_code == 429
    locked = login(mallory, "ada", "correct horse battery staple")
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.content.decode()

    # Ada, elsewhere, is not locked out by someone else's guesses.
    ada = Client(REMOTE_ADDR="198.51.100.7")
    assert login(ada, "ada", "correct horse battery staple").status_code == 302


def test_one_client_guessing_across_many_usernames_is_locked_out(db, settings):
    settings.ADMIN_LOGIN_CLIENT_FAILURE_LIMIT = 6
    User.objects.create_superuser("ada", password="correct horse battery staple")
    sprayer = Client(REMOTE_ADDR="203.0.113.9")
    for i in range(6):  # one guess each: no username reaches its own limit
        assert login(sprayer, f"editor{i}", "Summer2026!").status_code == 200
    assert login(sprayer, "ada", "correct horse battery staple").status_code == 429
    assert login(Client(REMOTE_ADDR="198.51.100.7"), "ada", "wrong").status_code == 200


def test_login_failures_are_counted_without_anything_that_identifies_the_client(db):
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    client = Client(REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="Evil/1.0")
    for _ in range(3):
        login(client, "ada", "wrong")
    assert not AccessAttempt.objects.exists()
    assert not AccessLog.objects.exists()
    assert not AccessFailureLog.objects.exists()
    stored = caches["default"]._cache  # what the cache holds, keys and pickled values
    assert stored, "the failures are counted in the cache"
    everything = b" ".join(key.encode() + b" " + value for key, value in stored.items())
    assert b"203.0.113.9" not in everything and b"Evil" not in everything
    # Not even a plain hash of the address, which anyone could reverse by trying them all.
    for plain in ("203.0.113.9", "ada203.0.113.9"):
        assert hashlib.sha256(plain.encode()).hexdigest().encode() not in everything


def test_staff_with_a_totp_device_must_give_its_code(db):
    caches["default"].clear()
    user = User.objects.create_superuser("ada", password="correct horse battery staple")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    response = login(client, "ada", "correct horse battery staple")
    assert response.status_code == 200  # no code: not logged in
    code = totp(device.bin_key, device.step, device.t0, device.digits, device.drift)
    response = login(client, "ada", "correct horse battery staple", otp_token=f"{code:06d}")
    assert response.status_code == 302, response.context["form"].errors
    assert client.get("/admin/").status_code == 200


def test_staff_without_a_device_log_in_with_their_password(db):
    caches["default"].clear()
    User.objects.create_superuser("bea", password="correct horse battery staple")
    client = Client()
    assert login(client, "bea", "correct horse battery staple").status_code == 302
    assert client.get("/admin/").status_code == 200
