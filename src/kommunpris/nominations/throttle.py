"""Cache-backed rate limits: a fixed window per key, counted only for what was accepted.

A request reserves its uses before it does anything: each limit is counted with the cache's
atomic increment and, when that pushes it past its limit, taken back and refused. So two
requests that arrive together can never both take the last use, on one server or on several
sharing one cache (Redis in production). A request that is refused afterwards for another
reason (a mistake in the form) gives its uses back.

Every form that sends mail on request counts the same way, through `reserve_for_sender`: one
limit for the connection, one for the address written in the form.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache


@dataclass(frozen=True)
class Limit:
    """At most `count` uses per `window_seconds` for `subject` (an address, an e-mail)."""

    scope: str
    subject: str
    count: int
    window_seconds: int

    @property
    def key(self) -> str:
        # Hashed so addresses and IPs are not kept in the cache in clear text.
        digest = hashlib.sha256(self.subject.encode()).hexdigest()[:32]
        return "throttle:" + self.scope + ":" + digest


class Limited(Exception):
    """A limit was used up; nothing was counted."""

    def __init__(self, limit: Limit) -> None:
        super().__init__(f"{limit.scope}: {limit.count} per {limit.window_seconds} s used up")
        self.limit = limit

    @property
    def by_connection(self) -> bool:
        """The connection's limit was used up (not the address's)."""
        return self.limit.scope.endswith(CONNECTION_SUFFIX)


CONNECTION_SUFFIX = "-ip"
ADDRESS_SUFFIX = "-email"


@dataclass
class Reservation:
    """The uses one request took; `give_back` if the request is refused after all."""

    keys: list[str] = field(default_factory=list)

    def give_back(self) -> None:
        for key in self.keys:
            _decrement(key)
        self.keys = []


def _increment(key: str, window_seconds: int) -> int:
    """Count one use atomically; the window starts at the first use."""
    cache.add(key, 0, timeout=window_seconds)
    try:
        used = int(cache.incr(key))
    except ValueError:  # the window ran out between add and incr
        cache.add(key, 0, timeout=window_seconds)
        used = int(cache.incr(key))
    if used == 1:
        # Whatever made the key, its window starts now and ends (a key without an expiry,
        # made by an increment racing the expiry, would otherwise limit for ever).
        cache.touch(key, window_seconds)
    return used


def _decrement(key: str) -> None:
    with contextlib.suppress(ValueError):  # the window has run out: nothing to give back
        cache.decr(key)


def reserve(*limits: Limit) -> Reservation:
    """Take one use of every limit, or none of them: raises Limited for the first used up."""
    taken = Reservation()
    for limit in limits:
        if _increment(limit.key, limit.window_seconds) > limit.count:
            _decrement(limit.key)
            taken.give_back()
            raise Limited(limit)
        taken.keys.append(limit.key)
    return taken


def used(limit: Limit) -> int:
    """How many uses are counted in the current window (for tests and the operator)."""
    return int(cache.get(limit.key, 0))


def reserve_for_sender(
    scope: str,
    *,
    connection: str,
    address: str,
    per_connection: tuple[int, int],
    per_address: tuple[int, int],
) -> Reservation:
    """Check, then count, for one request of a form: one use of the connection's limit and,
    when an address was written, one of the address's — or none, raising Limited. Limits are
    (count, window in seconds); the scopes are `<scope>-ip` and `<scope>-email`."""
    limits = [Limit(scope + CONNECTION_SUFFIX, connection, *per_connection)]
    if address:
        limits.append(Limit(scope + ADDRESS_SUFFIX, address, *per_address))
    return reserve(*limits)
