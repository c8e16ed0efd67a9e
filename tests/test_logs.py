"""No log line that gunicorn or Django writes names the client's address, even for requests that
go wrong (malformed, refused host, failed CSRF check, wrong password)."""

import http.client
import io
import logging
import socket

import pytest
from gunicorn.config import Config

from optout.gunicorn_conf import Logger
from optout.logs import NoAddresses, redact_addresses
from tests.processes import free_port, start, stop, wait_for

VISITOR = "127.0.0.2"

MALFORMED = [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nNo colon here\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
    b"GET /" + b"a" * 9000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    b"POST /checklist/resume/ HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
]


def send_raw(port: int, data: bytes) -> bytes:
    with socket.create_connection(
        ("127.0.0.1", port), timeout=10, source_address=(VISITOR, 0)
    ) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := s.recv(65536):
            received += chunk
        return received


def send(port: int, method: str, path: str, headers: dict, body: str | None = None) -> int:
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(VISITOR, 0)
    )
    connection.request(method, path, body=body, headers=headers)
    status = connection.getresponse().status
    connection.close()
    return status


def test_no_log_line_names_the_client(tmp_path):
    port = free_port()
    process = start(tmp_path, port, DEBUG="false")
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz", process)
        for data in MALFORMED:
            assert send_raw(port, data).startswith(b"HTTP/1.1 4"), data[:40]
        assert send(port, "GET", "/", {"Host": "evil.example"}) == 400  # DisallowedHost
        assert send(port, "GET", "/", {"Host": VISITOR}) == 400  # a host that is an address
        assert send(port, "GET", "/nope/", {"X-Forwarded-For": VISITOR}) == 404
        assert send(port, "POST", "/admin/login/", {}, "username=ada&password=x") == 403  # CSRF
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        assert send(port, "POST", "/checklist/resume/", form, "code=x") == 400  # wrong code
        # A wrong admin password (django-axes logs each failure).
        token = "t" * 32
        cookie = {**form, "Cookie": f"__Host-csrftoken={token}"}
        body = f"username=ada&password=wrong&csrfmiddlewaretoken={token}"
        assert send(port, "POST", "/admin/login/", cookie, body) == 200
    finally:
        out = stop(process)
    assert "Invalid HTTP_HOST header" in out  # Django did log the refused hosts
    assert "Forbidden (CSRF" in out
    assert "AXES: New login failure" in out
    assert VISITOR not in out, [line for line in out.splitlines() if VISITOR in line]


def test_gunicorn_s_warning_about_a_malformed_request_names_no_address(tmp_path):
    config = Config()
    config.set("errorlog", str(tmp_path / "error.log"))
    logger = Logger(config)
    # What gunicorn's sync and threaded workers write for a malformed request.
    logger.warning("Invalid request from ip={ip}: {error}".format(ip=VISITOR, error="Bad"))
    logger.warning("Invalid request from ip=%s: %s", "2001:db8::1", "Bad")
    logger.info("Listening at: http://127.0.0.1:8000 (1)")
    written = (tmp_path / "error.log").read_text()
    assert "Invalid request from ip=[address]: Bad" in written
    assert VISITOR not in written and "2001:db8::1" not in written
    assert "Listening at: http://127.0.0.1:8000" in written  # the server's own address stays


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("from 203.0.113.9: bad", "from [address]: bad"),
        ("[2001:db8::7]:443 and fe80::1%eth0", "[[address]]:443 and [address]"),
        ("X-Forwarded-For: 198.51.100.1, 10.0.0.1", "X-Forwarded-For: [address], [address]"),
        ("at 13:45:02, version 1.2.3, std::vector", "at 13:45:02, version 1.2.3, std::vector"),
    ],
)
def test_addresses_are_replaced_and_nothing_else(text, expected):
    assert redact_addresses(text) == expected


def test_a_traceback_is_cleaned_too():
    stream = io.StringIO()
    log = logging.getLogger("optout.test.traceback")
    handler = logging.StreamHandler(stream)
    handler.addFilter(NoAddresses())
    log.addHandler(handler)
    try:
        raise ConnectionError(f"peer {VISITOR} went away")
    except ConnectionError:
        log.exception("Lost %s", VISITOR)
    finally:
        log.removeHandler(handler)
    assert VISITOR not in stream.getvalue()
    assert "peer [address] went away" in stream.getvalue()
