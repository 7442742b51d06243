"""The one client address every limit and the sign-in lockout count by: nginx's header, believed
only from the trusted proxy; anyone else is counted by the address they connect from."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from kommunpris.operations.client_address import client_address, known_client_address
from kommunpris.settings.base import _trusted_proxies


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    request = RequestFactory().get("/", **extra)
    request.META["wsgi.version"] = (1, 0)
    return request


def test_through_the_unix_socket_the_proxys_address_counts(settings):
    settings.KOMMUNPRIS_TRUSTED_PROXIES = ["unix"]
    assert client_address(_request("", "198.51.100.7")) == "198.51.100.7"
    # A chain: the proxy appends, so the last entry is the one it saw.
    assert client_address(_request("", "10.9.9.9, 198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("", "2001:db8::7")) == "2001:db8::7"


def test_a_client_that_sends_the_header_itself_is_counted_by_its_own_address(settings):
    settings.KOMMUNPRIS_TRUSTED_PROXIES = ["unix"]
    assert client_address(_request("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_a_proxy_over_tcp_is_trusted_only_when_listed(settings):
    settings.KOMMUNPRIS_TRUSTED_PROXIES = ["unix", "10.0.0.5", "192.0.2.0/28"]
    assert client_address(_request("10.0.0.5", "198.51.100.7")) == "198.51.100.7"
    assert client_address(_request("192.0.2.14", "198.51.100.8")) == "198.51.100.8"
    assert client_address(_request("192.0.2.16", "198.51.100.8")) == "192.0.2.16"
    settings.KOMMUNPRIS_TRUSTED_PROXIES = ["10.0.0.5"]
    # Without "unix", a request over the socket has no address anyone vouches for.
    assert client_address(_request("", "198.51.100.7")) == "unknown"


def test_a_trusted_proxy_without_a_usable_header_counts_as_one_unknown_client(settings, caplog):
    settings.KOMMUNPRIS_TRUSTED_PROXIES = ["unix"]
    assert client_address(_request("")) == "unknown"
    assert client_address(_request("", "not-an-address")) == "unknown"
    assert "carried no client address (X-Forwarded-For)" in caplog.text
    assert known_client_address(_request("")) is None
    assert known_client_address(_request("", "198.51.100.7")) == "198.51.100.7"


def test_the_setting_refuses_what_is_not_an_address():
    assert _trusted_proxies(" unix, 10.0.0.5 ,192.0.2.0/28") == ["unix", "10.0.0.5", "192.0.2.0/28"]
    with pytest.raises(ValueError, match="'nginx' is neither 'unix' nor an address or network"):
        _trusted_proxies("unix,nginx")
