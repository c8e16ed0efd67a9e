"""Who a client is, for rate limits and login lockouts (optout.ratelimit)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import RequestFactory

from optout.ratelimit import client_address, client_key

PROXY = "10.0.0.5"


def request(remote: str, forwarded_for: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.fixture
def behind_proxy(settings):
    settings.FORWARDED_ALLOW_IPS = ["127.0.0.1", "::1", "10.0.0.0/24"]


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored():
    assert client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"
    assert client_key(request("203.0.113.9", "198.51.100.1")) == client_key(request("203.0.113.9"))


def test_behind_a_trusted_proxy_the_client_is_the_address_it_appended(behind_proxy):
    assert client_address(request(PROXY, "203.0.113.9")) == "203.0.113.9"
    # Whatever the client wrote itself stays on the left and is skipped.
    assert client_address(request(PROXY, "198.51.100.1, 203.0.113.9")) == "203.0.113.9"
    assert client_key(request(PROXY, "198.51.100.1, 203.0.113.9")) == client_key(
        request("203.0.113.9")
    )


def test_several_trusted_proxies_are_walked_from_the_right(behind_proxy):
    # client -> TLS terminator (10.0.0.9) -> nginx (10.0.0.5) -> app
    assert client_address(request(PROXY, "6.6.6.6, 203.0.113.9, 10.0.0.9")) == "203.0.113.9"
    # Only trusted proxies on the way: the furthest is the client.
    assert client_address(request(PROXY, "10.0.0.9")) == "10.0.0.9"
    assert client_address(request(PROXY, "")) == PROXY


def test_every_peer_trusted_takes_the_address_the_proxy_appended(settings):
    settings.FORWARDED_ALLOW_IPS = ["*"]
    assert client_address(request(PROXY, "198.51.100.1, 203.0.113.9")) == "203.0.113.9"


def test_an_ipv6_client_is_one_client_across_its_64_network():
    assert client_key(request("2001:db8:1:2::1")) == client_key(request("2001:db8:1:2:ffff::9"))
    assert client_key(request("2001:db8:1:2::1")) != client_key(request("2001:db8:1:3::1"))


def test_an_ipv4_client_seen_through_ipv6_is_the_same_client(behind_proxy):
    assert client_key(request("::ffff:203.0.113.9")) == client_key(request("203.0.113.9"))
    assert client_address(request("::ffff:10.0.0.5", "203.0.113.9")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("FORWARDED_ALLOW_IPS", "127.0.0.1,proxy.local", "must list IP addresses or networks"),
        ("SECURE_PROXY_SSL_HEADER", "true", "set FORWARDED_ALLOW_IPS to your reverse proxy"),
    ],
)
def test_a_bad_proxy_setting_fails_loudly(tmp_path, variable, value, message):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "optout.settings", "DATA_DIR": str(tmp_path),
           variable: value}  # fmt: skip
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=settings.BASE_DIR, env=env,
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert message in result.stderr
