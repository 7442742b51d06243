"""The address a request came from, the one every rate limit and the sign-in lockout count by.

Behind the production recipe gunicorn listens on a UNIX socket that only nginx can reach, so
REMOTE_ADDR is empty and the visitor's address is the one nginx sets in X-Forwarded-For
(deploy/nginx/kommunpris-proxy.conf sets, never appends, it). The header is believed only
when the request came from a trusted proxy: over the UNIX socket, or from an address in
KOMMUNPRIS_TRUSTED_PROXIES. Anyone else who sends the header is counted by their own address,
so a client cannot choose the address it is counted by.
"""

from __future__ import annotations

import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

logger = logging.getLogger("kommunpris.operations")

# What the request is counted as when a trusted proxy did not say who the client was: one
# shared bucket, so a misconfigured proxy makes limits stricter, never absent.
UNKNOWN = "unknown"
UNIX_SOCKET = "unix"

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _trusted(entries: tuple[str, ...]) -> tuple[bool, tuple[Network, ...]]:
    """(is the UNIX socket trusted, the trusted networks) from the setting's entries."""
    networks = tuple(
        ipaddress.ip_network(entry, strict=False) for entry in entries if entry != UNIX_SOCKET
    )
    return UNIX_SOCKET in entries, networks


def _is_trusted(remote: str) -> bool:
    trust_socket, networks = _trusted(tuple(settings.KOMMUNPRIS_TRUSTED_PROXIES))
    if not remote:
        return trust_socket
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    return any(address in network for network in networks)


def _forwarded(request: HttpRequest) -> str | None:
    """The address the trusted proxy wrote: the last entry of X-Forwarded-For."""
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    last = header.rsplit(",", 1)[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str:
    """The visitor's address: from the trusted proxy's header, else the connection's own."""
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if _is_trusted(remote):
        forwarded = _forwarded(request)
        if forwarded is not None:
            return forwarded
        if "wsgi.version" not in request.META:
            return UNKNOWN  # a request made inside the application (e.g. force_login), not served
        logger.warning(
            "A request through the trusted proxy %s carried no client address (X-Forwarded-For); "
            "check the proxy's configuration.",
            remote or UNIX_SOCKET,
        )
        return UNKNOWN
    return remote or UNKNOWN


def known_client_address(request: HttpRequest) -> str | None:
    """The same address for django-axes (AXES_CLIENT_IP_CALLABLE), which stores it in an
    address column: None where it is not known (a request made inside the application)."""
    address = client_address(request)
    return None if address == UNKNOWN else address
