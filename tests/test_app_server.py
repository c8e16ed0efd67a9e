"""The app server's settings (optout.gunicorn_conf) that keep garbage-collection pauses short,
checked on a real gunicorn worker running a bare probe app (tests/asgi_probe.py)."""

import http.client
import json
import subprocess
import sys
import time

import pytest
from django.conf import settings

from tests.processes import free_port, wait_for


@pytest.fixture
def probe_server():
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "tests.asgi_probe:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "1", "--config", "python:optout.gunicorn_conf"],
        cwd=settings.BASE_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    wait_for(f"http://127.0.0.1:{port}/", process)
    yield port
    process.terminate()
    process.communicate(timeout=20)


def visit_and_leave(port: int) -> None:
    """One request on a keep-alive connection, which the client then closes while it is idle."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    assert response.getheader("Connection", "").lower() != "close"  # it was kept alive
    connection.close()


def worker_state(port: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", "/")
    state = json.loads(connection.getresponse().read())
    connection.close()
    return state


def test_a_connection_the_client_has_closed_is_let_go_at_once(probe_server):
    # gunicorn's default grace period kept each one for 3 s: enough of them outlived the young
    # garbage-collection generations to make full collections stop the worker for 0.2-0.4 s.
    for _ in range(30):
        visit_and_leave(probe_server)
    time.sleep(0.3)  # for the worker to see the last connections close
    assert worker_state(probe_server)["connections"] <= 2  # this request's own, and one closing


def test_what_a_worker_loads_at_start_is_kept_out_of_garbage_collections(probe_server):
    assert worker_state(probe_server)["frozen"] > 1000
