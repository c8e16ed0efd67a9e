"""App servers are stateless: two gunicorn processes on one database behave as one site."""

import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from optout.guides.content import create_draft, read_folder
from optout.guides.models import Guide
from tests.factories import write_guide
from tests.helpers import free_port


def database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{urllib.parse.quote(db['USER'])}:{urllib.parse.quote(db['PASSWORD'])}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


class Server:
    def __init__(self, data_dir: Path, log: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "optout.settings",
            "DATABASE_URL": database_url(),
            "SECRET_KEY": "one-secret-shared-by-every-app-server-" + "k" * 20,
            "OPTOUT_LOCAL_HTTP": "1",
            "DATA_DIR": str(data_dir),
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "optout.wsgi:application", "--bind",
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
