"""bin/start, the script `make run` and the Docker image both use, run as the image runs it."""

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest
from django.conf import settings

from tests.processes import free_port, start, stop, wait_for


def test_the_start_script_migrates_installs_the_guide_and_serves_it(tmp_path):
    port = free_port()
    process = start(tmp_path, port)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == '{"status": "ok"}'
        page = wait_for(f"http://127.0.0.1:{port}/guides/linkedin/", process)
        assert "Data for Generative AI Improvement" in page
        assert (tmp_path / "optout.sqlite3").exists()
        # Static files come pre-compressed with Brotli (and gzip) from collectstatic.
        htmx = re.search(r'data-htmx="(/static/django_htmx/htmx-2\.min\.[0-9a-f]+\.js)"', page)[1]
        for accepted, served in [("gzip, deflate, br, zstd", "br"), ("gzip", "gzip")]:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{htmx}", headers={"Accept-Encoding": accepted}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                assert response.headers["Content-Encoding"] == served
                assert "immutable" in response.headers["Cache-Control"]
    finally:
        out = stop(process)
    assert "Installed the shipped guide 'linkedin' as v1." in out

    # Starting again is safe: nothing is reinstalled or overwritten.
    process = start(tmp_path, port)
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        out = stop(process)
    assert "is up to date (v1)" in out


def test_app_servers_can_leave_migrations_to_one_job(tmp_path):
    port = free_port()
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "optout.settings", "DATA_DIR": str(tmp_path)},
        check=True,
    )  # fmt: skip
    process = start(tmp_path, port, RUN_MIGRATIONS="0")
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
    finally:
        out = stop(process)
    assert "Applying" not in out and "Installed the shipped guide" not in out


def healthcheck_command() -> list[str]:
    """The Dockerfile's HEALTHCHECK command, exactly as Docker runs it."""
    dockerfile = (settings.BASE_DIR / "Dockerfile").read_text().replace("\\\n", " ")
    match = re.search(r"^HEALTHCHECK .*? CMD (\[.*\])$", dockerfile, re.MULTILINE)
    assert match, "the Dockerfile has no HEALTHCHECK with an exec-form CMD"
    return json.loads(match.group(1))


def test_the_docker_health_check_passes_with_a_narrow_allowed_hosts(tmp_path):
    port = free_port()
    process = start(tmp_path, port, ALLOWED_HOSTS="optout.example.org")
    env = {  # the image's environment: gunicorn's BIND, the image's python first on PATH
        **os.environ,
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}",
        "BIND": f"127.0.0.1:{port}",
    }
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        check = subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=10)
        assert check.returncode == 0, check.stderr.decode()
        # Every other page still refuses a host name the site does not serve.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/guides/linkedin/", timeout=10)
        assert refused.value.code == 400
    finally:
        stop(process)
    # A server that is down is unhealthy.
    check = subprocess.run(healthcheck_command(), env=env, capture_output=True, timeout=10)
    assert check.returncode != 0
