"""Cache-backed rate limits: a fixed window per key, counted only for what was accepted."""

from __future__ import annotations

import hashlib

from django.core.cache import cache


def _key(scope: str, subject: str) -> str:
    # Hashed so addresses and IPs are not kept in the cache in clear text.
    return "throttle:" + scope + ":" + hashlib.sha256(subject.encode()).hexdigest()[:32]


def is_limited(scope: str, subject: str, *, limit: int) -> bool:
    """Whether `subject` has used up its `limit` in the current window of `scope`."""
    return int(cache.get(_key(scope, subject), 0)) >= limit


def count(scope: str, subject: str, *, window_seconds: int) -> None:
    """Count one use; the window starts at the first use and lasts `window_seconds`."""
    key = _key(scope, subject)
    if not cache.add(key, 1, timeout=window_seconds):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=window_seconds)
