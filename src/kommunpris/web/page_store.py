"""Public answers kept in this process, so a page that many ask for is made once per data
version and clock epoch, not once per request (`kommunpris.web.public_reads` asks here).

Only what is the same for everyone is kept: the answer to a GET without a query string from a
visitor without a session, that succeeded, is public (`operations.caching.is_private` says no),
sets no cookie and varies on nothing. It is given out again only while the data version and
the clock's epoch are the ones it was made under (`kommunpris.web.freshness`), and never after
KOMMUNPRIS_PUBLIC_MAX_AGE seconds, so a change made outside the services and the admin shows
as soon as it would through an HTTP cache. Each process keeps at most
KOMMUNPRIS_PAGE_STORE_ENTRIES answers (0: none) and KOMMUNPRIS_PAGE_STORE_BYTES bytes, the
least recently given out leaving first.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.text import compress_string

from kommunpris.operations.caching import is_private

from .freshness import Freshness

# Headers the answer is kept with; the rest (Cache-Control, Last-Modified, CORS…) are set for
# each request by the middleware, which knows the time.
_NOT_KEPT = frozenset({"cache-control", "expires", "date", "content-length"})


@dataclass
class Kept:
    status: int
    headers: tuple[tuple[str, str], ...]
    content: bytes
    etag: str
    freshness: Freshness
    kept_at: datetime
    _gzipped: bytes | None = field(default=None, repr=False)

    def gzipped(self) -> bytes:
        """The content compressed (once, then kept beside it)."""
        if self._gzipped is None:
            self._gzipped = compress_string(self.content)
        return self._gzipped

    @property
    def size(self) -> int:
        """Bytes counted against the budget: the content and room for its compressed copy
        (never larger than the content for the pages worth compressing)."""
        return 2 * len(self.content)

    def response(self) -> HttpResponse:
        answer = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            answer[name] = value
        return answer


def key_of(request: HttpRequest) -> str | None:
    """The key a request's answer is kept under, or None if it is not one that is kept."""
    if request.method != "GET" or request.META.get("QUERY_STRING"):
        return None
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    return f"{request.scheme}://{request.get_host()}{request.path}"


def _keepable(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code == 200
        and isinstance(response, HttpResponse)
        and not response.streaming
        and not response.cookies
        and not response.has_header("Vary")
        and not response.has_header("Content-Encoding")
        and not response.has_header("Cache-Control")
        and not is_private(request, response)
    )


class PageStore:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.entries: OrderedDict[str, Kept] = OrderedDict()
        self.size = 0

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def find(self, request: HttpRequest, freshness: Freshness, *, now: datetime) -> Kept | None:
        key = key_of(request)
        if key is None or not settings.KOMMUNPRIS_PAGE_STORE_ENTRIES:
            return None
        with self.lock:
            kept = self.entries.get(key)
            if kept is None:
                return None
            ceiling = timedelta(seconds=int(settings.KOMMUNPRIS_PUBLIC_MAX_AGE))
            if (
                kept.freshness.version != freshness.version
                or kept.freshness.epoch != freshness.epoch
                or not kept.freshness.holds_at(now)
                or not (kept.kept_at <= now < kept.kept_at + ceiling)
            ):
                return None
            self.entries.move_to_end(key)
            return kept

    def keep(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        freshness: Freshness,
        *,
        etag: str,
        now: datetime,
    ) -> Kept | None:
        key = key_of(request)
        limit = int(settings.KOMMUNPRIS_PAGE_STORE_ENTRIES)
        if key is None or not limit or not _keepable(request, response):
            return None
        assert isinstance(response, HttpResponse)
        kept = Kept(
            status=response.status_code,
            headers=tuple(
                (name, value) for name, value in response.items() if name.lower() not in _NOT_KEPT
            ),
            content=response.content,
            etag=etag,
            freshness=freshness,
            kept_at=now,
        )
        budget = int(settings.KOMMUNPRIS_PAGE_STORE_BYTES)
        if kept.size > budget:
            return None
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= old.size
            self.entries[key] = kept
            self.size += kept.size
            while self.entries and (len(self.entries) > limit or self.size > budget):
                _, dropped = self.entries.popitem(last=False)
                self.size -= dropped.size
        return kept


# One store per process (each gunicorn worker has its own).
store = PageStore()
