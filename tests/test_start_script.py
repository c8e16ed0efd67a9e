"""bin/start, the script `make run` and the Docker image both use, run as the image runs it."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(data_dir: Path, port: int, **extra) -> subprocess.Popen:
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "optout.settings",
        "DATA_DIR": str(data_dir),
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "SECRET_KEY": "a-secret-for-this-test-only-" + "s" * 30,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        **extra,
    }
    for name in ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "OPTOUT_LOCAL_HTTP"):
        env.pop(name, None)
    return subprocess.Popen(
        [str(settings.BASE_DIR / "bin" / "start")], cwd=settings.BASE_DIR, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True,
    )  # fmt: skip


def wait_for(url: str, process: subprocess.Popen) -> str:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read().decode()
        except OSError:
            if process.poll() is not None:
                raise AssertionError(process.stdout.read()) from None
            time.sleep(0.3)
    raise AssertionError("the site did not start")


def stop(process: subprocess.Popen) -> str:
    os.killpg(process.pid, signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    return out


def test_the_start_script_migrates_installs_the_guide_and_serves_it(tmp_path):
    port = free_port()
    process = start(tmp_path, port)
    try:
        assert wait_for(f"http://127.0.0.1:{port}/healthz", process) == '{"status": "ok"}'
        page = wait_for(f"http://127.0.0.1:{port}/guides/linkedin/", process)
        assert "Data for Generative AI Improvement" in page
        assert (tmp_path / "optout.sqlite3").exists()
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
