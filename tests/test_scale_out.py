"""App servers are stateless: two gunicorn processes on one database behave as one site, and
with PostgreSQL and Redis (the README's scaled-out setup) rate limits, admin lockouts and cached
pages are shared too."""

import http.cookiejar
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from optout.guides.content import create_draft, read_folder
from optout.guides.models import Guide
from tests.factories import write_guide
from tests.processes import database_url, free_port


def server_env(data_dir: Path, **extra) -> dict:
    """What an app server is started with: production settings, one shared secret key, its
    own data folder, the test database unless `extra` names another."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "optout.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": "one-secret-shared-by-every-app-server-" + "k" * 20,
        "OPTOUT_LOCAL_HTTP": "1",
        "DATA_DIR": str(data_dir),
        **extra,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return env


class Server:
    def __init__(self, data_dir: Path, log: Path, **extra):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = server_env(data_dir, **extra)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "optout.asgi:application", "--bind",
             f"127.0.0.1:{self.port}", "--workers", "1", "--config", "python:optout.gunicorn_conf"],
            cwd=settings.BASE_DIR, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if urllib.request.urlopen(f"{self.url}/healthz", timeout=2).status == 200:
                    return
            except OSError:  # refused, reset or timed out while gunicorn starts
                time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not start:\n{log.read_text()}")

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie jar that can talk to either server (same host, different ports)."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        return response.status, response.read().decode()

    def cookie(self, name: str) -> str:
        return next(c.value for c in self.jar if c.name == name)


@pytest.fixture
def servers(transactional_db, tmp_path):
    create_draft(read_folder(write_guide(tmp_path / "linkedin"))).publish("First version.")
    started = [Server(tmp_path / f"data{i}", tmp_path / f"server{i}.log") for i in (1, 2)]
    yield started
    for server in started:
        server.stop()


def test_a_tick_through_one_server_is_seen_through_the_other(servers):
    a, b = servers
    visitor = Browser()
    status, _ = visitor.request(
        f"{a.url}/checklist/linkedin/ai-training/", {"state": "done"},
        {"Sec-Fetch-Site": "same-origin"},
    )  # fmt: skip
    assert status == 302
    status, body = visitor.request(f"{b.url}/checklist/")
    assert status == 200
    assert "1 of 3 done" in body


def test_publishing_on_one_server_is_seen_at_once_on_both(servers, settings):
    from optout import settings as production

    a, b = servers
    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS  # the servers use these
    User.objects.create_superuser("ada", password="correct horse battery staple")
    editor = Browser()
    editor.request(f"{a.url}/admin/login/")
    token = {"csrfmiddlewaretoken": editor.cookie("csrftoken")}
    status, _ = editor.request(
        f"{a.url}/admin/login/?next=/admin/",
        {"username": "ada", "password": "correct horse battery staple", **token},
    )
    assert status == 302
    token = {"csrfmiddlewaretoken": editor.cookie("csrftoken")}  # rotated on login
    guide_pk = Guide.objects.get().pk
    status, _ = editor.request(f"{a.url}/admin/guides/guide/{guide_pk}/start-draft/", token)
    assert status == 302
    draft_pk = (
        connection.cursor()
        .execute("SELECT id FROM guides_guideversion WHERE status = 'draft'")
        .fetchone()[0]
    )
    for server in (a, b):  # both serve version 1 (and have it in any cache they keep)
        assert "Version 1, published" in Browser().request(f"{server.url}/guides/linkedin/")[1]
    status, _ = editor.request(
        f"{a.url}/admin/guides/guideversion/{draft_pk}/publish/",
        {"summary": "Published through server A", **token},
    )
    assert status == 302
    for server in (a, b):
        assert "Version 2, published" in Browser().request(f"{server.url}/guides/linkedin/")[1]
        assert Browser().request(f"{server.url}/guides/linkedin.json")[1].count('"version": 2') == 1


def test_the_access_log_is_one_structured_line_per_request_without_addresses(servers):
    a, _ = servers
    visitor = Browser()
    visitor.request(f"{a.url}/guides/linkedin/?region=eu&secret=RESUME-CODE")
    visitor.request(
        f"{a.url}/checklist/linkedin/ai-training/", {"state": "done"},
        {"Sec-Fetch-Site": "same-origin", "User-Agent": "UniqueAgent/1.0"},
    )  # fmt: skip
    a.stop()
    lines = [line for line in a.log.read_text().splitlines() if line.startswith("method=")]
    assert any(
        re.fullmatch(
            r'method=GET path="/guides/linkedin/" status=200 bytes=\d+ duration_ms=\d+', line
        )
        for line in lines
    ), lines
    assert any('path="/checklist/linkedin/ai-training/" status=302' in line for line in lines)
    log = a.log.read_text()
    assert "127.0.0.1 -" not in log and "UniqueAgent" not in log and "RESUME-CODE" not in log
    assert visitor.cookie("checklist") not in log


# Scaling out as the README describes it: one PostgreSQL, one Redis (CACHE_URL), two app servers.
# CI (.ci/run) starts PostgreSQL and sets OPTOUT_TEST_POSTGRES_URL, and installs redis-server;
# there, a missing service fails these tests instead of skipping them.
POSTGRES_URL = os.environ.get("OPTOUT_TEST_POSTGRES_URL", "")
AGENT = "ScaleOutProbe/2.0 (distinctive-agent-9c1e)"
SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin", "User-Agent": AGENT}


def require(service: str, available: bool) -> None:
    if available:
        return
    message = f"{service} is needed to run two app servers on PostgreSQL and Redis"
    if os.environ.get("CI", "").strip().lower() in ("1", "true", "yes"):
        pytest.fail(f"{message}; CI must provide it (.ci/run does)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    require("redis-server (Debian's redis-server package)", bool(shutil.which("redis-server")))
    import redis

    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--dir", str(folder), "--logfile", str(folder / "redis.log")],
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 20
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise AssertionError("redis-server did not start") from None
            time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def postgres_url():
    """A database of its own on the PostgreSQL server CI provides, dropped afterwards."""
    require("PostgreSQL (OPTOUT_TEST_POSTGRES_URL=postgres://...)", bool(POSTGRES_URL))
    import psycopg

    name = f"optout_scale_out_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield urllib.parse.urlsplit(POSTGRES_URL)._replace(path=f"/{name}").geturl()
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def cluster(redis_url, postgres_url, tmp_path_factory):
    """Two gunicorn app servers sharing one PostgreSQL database and one Redis, migrated by one
    job first (as compose.yaml does), with the shipped guide and two staff accounts."""
    folder = tmp_path_factory.mktemp("cluster")
    shared = {
        "DATABASE_URL": postgres_url,
        "CACHE_URL": redis_url,
        "RESUME_LOOKUPS_PER_HOUR": "3",
        "ADMIN_LOGIN_FAILURE_LIMIT": "3",
    }
    env = server_env(folder / "job", **shared)

    def manage(*args: str, **extra: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env={**env, **extra},
            check=True, capture_output=True,
        )  # fmt: skip

    manage("migrate", "--noinput")
    manage("installguides")
    for name in ("ada", "bea"):
        manage("createsuperuser", "--noinput", "--username", name, "--email", f"{name}@example.org",
               DJANGO_SUPERUSER_PASSWORD="correct horse battery staple")  # fmt: skip
    servers = [Server(folder / f"data{i}", folder / f"server{i}.log", **shared) for i in (1, 2)]
    yield servers
    for server in servers:
        server.stop()


def admin_login(browser: Browser, server: Server, username: str, password: str) -> int:
    browser.request(f"{server.url}/admin/login/")
    data = {"username": username, "password": password}
    status, _ = browser.request(
        f"{server.url}/admin/login/?next=/admin/",
        {**data, "csrfmiddlewaretoken": browser.cookie("csrftoken")},
        {"User-Agent": AGENT},
    )
    return status


def what_redis_holds(url: str) -> dict[bytes, tuple[int, bytes]]:
    """Every key in Redis with its time to live and value (as raw bytes)."""
    import redis

    store = redis.Redis.from_url(url)
    held = {}
    for key in store.keys("*"):
        value = store.dump(key) or b""
        held[key] = (store.ttl(key), value)
    return held


def test_a_rate_limit_counts_requests_through_both_servers(cluster, redis_url):
    a, b = cluster
    visitor = Browser()
    resume = [
        visitor.request(f"{server.url}/checklist/resume/", {"code": "nope"}, SAME_ORIGIN)[0]
        for server in (a, b, a, b, a)
    ]
    assert resume == [400, 400, 400, 429, 429]  # three attempts an hour, wherever they land
    # The counter is in Redis, holds no address or user agent, and expires within the hour.
    held = what_redis_holds(redis_url)
    counters = {
        key: ttl for key, (ttl, _) in held.items() if b"page" not in key and b"stamp" not in key
    }
    assert counters, held
    assert all(0 < ttl <= 3600 + 5 for ttl in counters.values()), counters
    everything = b" ".join(key + value for key, (_, value) in held.items())
    assert b"127.0.0.1" not in everything and b"distinctive-agent" not in everything


def test_an_admin_lockout_through_one_server_holds_on_the_other(cluster):
    a, b = cluster
    attacker = Browser()
    assert [admin_login(attacker, server, "bea", "wrong") for server in (a, b)] == [200, 200]
    assert admin_login(attacker, a, "bea", "wrong") == 429  # the third failure locks bea out
    staff = Browser()
    assert admin_login(staff, b, "bea", "correct horse battery staple") == 429
    status, _ = staff.request(f"{b.url}/admin/")
    assert status == 302  # not signed in: sent to the login page
    assert admin_login(Browser(), a, "ada", "correct horse battery staple") == 302  # only bea


def test_publishing_through_one_server_is_seen_at_once_through_both(cluster, redis_url):
    a, b = cluster
    for server in (a, b, a, b):  # both serve version 1, and cache it in the shared Redis
        assert "Version 1, published" in Browser().request(f"{server.url}/guides/linkedin/")[1]
    assert any(b":page:" in key for key in what_redis_holds(redis_url))
    editor = Browser()
    assert admin_login(editor, a, "ada", "correct horse battery staple") == 302
    token = {"csrfmiddlewaretoken": editor.cookie("csrftoken")}
    _, guides = editor.request(f"{a.url}/admin/guides/guide/")
    guide = re.search(r'href="/admin/guides/guide/(\d+)/change/', guides).group(1)
    status, _ = editor.request(f"{a.url}/admin/guides/guide/{guide}/start-draft/", token)
    assert status == 302
    _, drafts = editor.request(f"{b.url}/admin/guides/guideversion/?status__exact=draft")
    draft = re.search(r'href="/admin/guides/guideversion/(\d+)/change/', drafts).group(1)
    status, _ = editor.request(
        f"{b.url}/admin/guides/guideversion/{draft}/publish/",
        {"summary": "Published through the other server", **token},
    )
    assert status == 302
    for server in (a, b):
        assert "Version 2, published" in Browser().request(f"{server.url}/guides/linkedin/")[1]
        assert Browser().request(f"{server.url}/guides/linkedin.json")[1].count('"version": 2') == 1
