"""The site as compose.yaml deploys it: the shipped deploy/nginx.conf in front of two app servers
(bin/start, two workers each) on one database, with clients on different loopback addresses."""

import http.client
import os
import secrets
import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings

from tests.processes import database_url, free_port, start, stop, wait_for

pytestmark = pytest.mark.deploy

ALICE, BOB = "127.0.0.2", "127.0.0.3"  # two visitors, each on its own address
LIMIT = 5  # resume-code lookups per client and hour, for these servers


def nginx_binary() -> str:
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")
    if found is None:
        pytest.fail(
            "nginx is not installed, and this test runs the shipped deploy/nginx.conf. "
            "Install it (Debian: apt-get install nginx; .ci/run does)."
        )
    return found


def shipped_config(listen: int, upstreams: list[int]) -> str:
    """deploy/nginx.conf with this test's ports instead of compose's."""
    config = (settings.BASE_DIR / "deploy" / "nginx.conf").read_text()
    replacements = {
        "listen 8080;": f"listen 127.0.0.1:{listen};",
        "server app1:8000;": f"server 127.0.0.1:{upstreams[0]};",
        "server app2:8000;": f"server 127.0.0.1:{upstreams[1]};",
    }
    for old, new in replacements.items():
        assert config.count(old) == 1, f"deploy/nginx.conf no longer has {old!r}"
        config = config.replace(old, new)
    return config


class Nginx:
    def __init__(self, folder: Path, upstreams: list[int]):
        self.port = free_port()
        folder.mkdir()
        (folder / "optout.conf").write_text(shipped_config(self.port, upstreams))
        temp = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (folder / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")  # workers must reach tmp_path
            + f"daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\n"
            "events { worker_connections 512; }\n"
            f"http {{\n{temp}\n    include {folder / 'optout.conf'};\n}}\n"
        )
        self.process = subprocess.Popen(
            [nginx_binary(), "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=(folder / "stderr.log").open("w"),
        )  # fmt: skip
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        raise AssertionError("nginx did not start:\n" + (folder / "stderr.log").read_text())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def request(port, path, source, method="GET", headers=None, body=None):
    """One request from `source` (a loopback address); returns (status, headers)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, response
    finally:
        connection.close()


def resume(port, source, forwarded_for=None):
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Sec-Fetch-Site": "same-origin",
    }
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    return request(port, "/checklist/resume/", source, "POST", headers, "code=ABCD-EFGH-JKMN")[0]


@pytest.fixture
def site(transactional_db, tmp_path):
    """Two app servers with two workers each on the test database, behind nginx."""
    started, logs = [], []

    def run(**env):
        ports = [free_port(), free_port()]
        common = {
            "DATABASE_URL": database_url(),
            "SECRET_KEY": secrets.token_urlsafe(40),  # a fresh key: counters of no other test
            "RUN_MIGRATIONS": "0",
            "WEB_CONCURRENCY": "2",
            "RESUME_LOOKUPS_PER_HOUR": str(LIMIT),
            **env,
        }
        for i, port in enumerate(ports):
            process = start(tmp_path / f"app{i}", port, **common)
            started.append(process)
            wait_for(f"http://127.0.0.1:{port}/healthz", process)
        nginx = Nginx(tmp_path / "nginx", ports)
        started.append(nginx)
        return nginx.port

    def stop_all() -> list[str]:
        for process in reversed(started):
            if isinstance(process, Nginx):
                process.stop()
            else:
                logs.append(stop(process))
        started.clear()
        return logs

    run.stop = stop_all
    yield run
    stop_all()


def test_each_client_has_its_own_exact_limit_across_servers_and_workers(site):
    port = site(SECURE_SSL_REDIRECT="false")
    # Alice tries twice her limit at once, claiming to be others (Bob included) as she goes.
    forged = [None, BOB, "198.51.100.7", f"{BOB}, 198.51.100.8", "unknown", "127.0.0.1"]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = list(
            pool.map(lambda i: resume(port, ALICE, forged[i % len(forged)]), range(2 * LIMIT))
        )
    assert statuses.count(429) == LIMIT, statuses  # exactly her limit got through
    assert statuses.count(400) == LIMIT  # (a wrong code: answered, and counted)
    assert resume(port, ALICE) == 429

    # Bob has a bucket of his own, untouched by Alice's forged X-Forwarded-For.
    assert [resume(port, BOB) for _ in range(LIMIT)] == [400] * LIMIT
    assert resume(port, BOB, forwarded_for="203.0.113.50") == 429

    logs = site.stop()
    for log in logs:  # both app servers took part in counting
        assert 'method=POST path="/checklist/resume/"' in log


def test_plain_http_is_redirected_even_with_a_forged_x_forwarded_proto(site):
    port = site(SECURE_SSL_REDIRECT="true")
    status, response = request(port, "/privacy/", ALICE, headers={"X-Forwarded-Proto": "https"})
    assert status == 301
    assert response.getheader("Location") == "https://127.0.0.1/privacy/"

    # The TLS terminator on this machine is believed when it says the visitor used https.
    status, response = request(
        port, "/privacy/", "127.0.0.1", headers={"X-Forwarded-Proto": "https"}
    )
    assert status == 200
    assert response.getheader("Strict-Transport-Security")
