"""Start optout with gunicorn as in production (bin/start), in a throw-away data folder."""

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(
        self,
        workers: int = 2,
        database_url: str = "",
        port: int = 0,
        data: str = "",
        collect: bool = True,
        **env,
    ):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        # A data folder of an earlier Server is used again (its database is already migrated).
        self.data = data or tempfile.mkdtemp(prefix="optout-bench-")
        self.env = {
            **os.environ,
            "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            "DJANGO_SETTINGS_MODULE": "optout.settings",
            "DATA_DIR": self.data,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "OPTOUT_LOCAL_HTTP": "1",
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            **env,
        }
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.log = Path(self.data) / "server.log"
        self.collect = collect

    def __enter__(self):
        if self.collect:
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=ROOT, env=self.env, check=True,
            )  # fmt: skip
        self.process = subprocess.Popen(
            [str(ROOT / "bin" / "start")], cwd=ROOT, env=self.env,
            stdout=self.log.open("w"), stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 180  # a first migration on a busy machine
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.url}/healthz", timeout=2)
                return self
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"the server did not start:\n{self.log.read_text()}")

    def __exit__(self, *exc):
        os.killpg(self.process.pid, 15)
        self.process.wait(timeout=20)
