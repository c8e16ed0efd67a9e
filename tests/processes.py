"""Helpers for tests that run the site as separate processes (bin/start, gunicorn, nginx)."""

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.helpers import free_port

__all__ = ["database_url", "free_port", "start", "stop", "wait_for"]


def database_url() -> str:
    """The test database, for processes that should share it."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{urllib.parse.quote(db['USER'])}:{urllib.parse.quote(db['PASSWORD'])}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def start(data_dir: Path, port: int, **extra) -> subprocess.Popen:
    """bin/start, run as the Docker image runs it: production settings, gunicorn on BIND."""
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
        if name not in extra:
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
    """Stop a process started by `start` (and its children); returns everything it wrote."""
    os.killpg(process.pid, signal.SIGTERM)
    out, _ = process.communicate(timeout=20)
    return out
