"""How public reads answer caches and other sites: caching headers, conditional GET, CORS and
the licence.

Every public answer (a GET or HEAD that `operations.caching.is_private` does not claim for one
person — no session, not the desk, the admin or a person's own links) that succeeded or found
nothing gets:

- `Cache-Control: public, max-age=N`, N never past the next moment the clock alone changes
  what the public may see (an embargo lifting at the gala: `kommunpris.web.freshness`) and at
  most KOMMUNPRIS_PUBLIC_MAX_AGE seconds, so a correction shows within that time; any cache
  (nginx, a CDN, a browser) may keep it that long and no longer;
- an `ETag` (a hash of the body as sent), and `Last-Modified` (the newest write or clock
  moment, once it is a second old), with `304 Not Modified` to a client that has it;
- its body compressed with gzip for a client that takes it (a public answer holds no secret);
- `Vary` only on what changes it: never Accept-Language (the language comes from the path,
  /en/ or not) and never Cookie.
An answer that sets a cookie or varies on one (a form's CSRF token) is this visitor's alone:
`Cache-Control: private, no-cache`. Private answers are left to the no-store rule.

Answers that are the same for everyone are also kept in this process between requests
(`kommunpris.web.page_store`).

For the paths `KOMMUNPRIS_OPEN_DATA_PATHS` names (the API, the downloads, the feed, the
catalogue): readable from any other site's pages (CORS: any origin, GET, HEAD and OPTIONS only,
never credentials), HEAD and OPTIONS answered, and the licence named in a
`Link: <…>; rel="license"` header. `KOMMUNPRIS_CONDITIONAL_GET_PATHS` get the ETag and 304 also
when the answer is not public (a signed-in developer reading the API).

The ETag is a hash of the body as sent, so it changes exactly when the answer does (also when
an embargo lifts at the gala) and nothing has to be invalidated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe, quote_etag
from django.utils.text import compress_string

from kommunpris.archive.licence import LICENCE_LINK
from kommunpris.operations.caching import SAFE_METHODS, is_private

from . import freshness as freshness_of
from .freshness import Freshness
from .page_store import Kept, store

ALLOWED_METHODS = "GET, HEAD, OPTIONS"
# What a page on another site may send (simple headers, plus revalidation).
ALLOWED_HEADERS = "Accept, Accept-Language, If-None-Match"
# What a page on another site may read beyond the simple response headers.
EXPOSED_HEADERS = "ETag, Link"
PREFLIGHT_MAX_AGE = str(24 * 3600)
# Headers a 304 repeats from the answer it stands for (RFC 9110, 15.4.5), and the licence.
_KEPT_ON_NOT_MODIFIED = (
    "Cache-Control",
    "Content-Location",
    "Date",
    "ETag",
    "Expires",
    "Last-Modified",
    "Vary",
    "Link",
)
# Answers a cache may keep: a page, and the absence of one.
_CACHEABLE_STATUSES = frozenset({200, 404})
# Bodies worth compressing: text of any kind (HTML, CSV, JSON, XML, Atom, RDF, SVG).
_COMPRESSIBLE = re.compile(r"^(text/|application/([\w.+-]*\+)?(json|xml)\b|image/svg\+xml)")
_ACCEPTS_GZIP = re.compile(r"\bgzip\b")
_SMALLEST_COMPRESSED = 200


@lru_cache(maxsize=8)
def _pattern(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns) or r"(?!)")


def _matches(path: str, setting: str) -> bool:
    return bool(_pattern(tuple(getattr(settings, setting, ()))).match(path))


def etag_of(body: bytes) -> str:
    """A strong validator for a body: part of its SHA-256."""
    return quote_etag(hashlib.sha256(body).hexdigest()[:32])


def _weak_equal(a: str, b: str) -> bool:
    return a.removeprefix("W/") == b.removeprefix("W/")


def _not_modified(request: HttpRequest, response: HttpResponseBase) -> bool:
    """RFC 9110 13.2.2: If-None-Match (compared weakly, 13.1.2) when given, else
    If-Modified-Since against Last-Modified."""
    if "If-None-Match" in request.headers:
        wanted = parse_etags(request.headers["If-None-Match"])
        etag = response.get("ETag")
        return etag is not None and ("*" in wanted or any(_weak_equal(t, etag) for t in wanted))
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    modified = parse_http_date_safe(response.get("Last-Modified", ""))
    return since is not None and modified is not None and modified <= since


def conditional_get(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Give a successful GET or HEAD answer its ETag; answer 304 if the client has it already."""
    if request.method not in SAFE_METHODS or response.status_code != 200:
        return response
    if response.streaming or not isinstance(response, HttpResponse):
        return response
    if not response.has_header("ETag"):
        response["ETag"] = etag_of(response.content)
    if not _not_modified(request, response):
        return response
    not_modified = HttpResponseNotModified()
    for header in _KEPT_ON_NOT_MODIFIED:
        if response.has_header(header):
            not_modified[header] = response[header]
    return not_modified


def _preflight_or_options() -> HttpResponse:
    response = HttpResponse(status=204)
    del response["Content-Type"]
    response["Allow"] = ALLOWED_METHODS
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
    response["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def _open_to_other_sites(response: HttpResponseBase) -> None:
    # "*" and no Access-Control-Allow-Credentials: browsers never send cookies along.
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
    response["Link"] = LICENCE_LINK
    if response.status_code == 405:
        response["Allow"] = ALLOWED_METHODS


def _freshness(request: HttpRequest) -> Freshness | None:
    """The freshness of a read that may get a public answer; None for one that cannot."""
    if request.method not in SAFE_METHODS or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return None
    return freshness_of.current()


def _vary(response: HttpResponseBase) -> list[str]:
    return [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]


def _is_public(request: HttpRequest, response: HttpResponseBase) -> bool:
    return (
        response.status_code in _CACHEABLE_STATUSES
        and not response.has_header("Cache-Control")
        and not is_private(request, response)
    )


def _for_this_visitor(response: HttpResponseBase) -> bool:
    """Sets a cookie or varies on one: made for this visitor's cookies (a CSRF token)."""
    return bool(response.cookies) or "cookie" in {v.lower() for v in _vary(response)}


def _without_accept_language(response: HttpResponseBase) -> None:
    """LocaleMiddleware adds `Vary: Accept-Language` to every page outside /en/, but this site
    takes the language from the path alone (i18n_patterns without a prefix for Swedish)."""
    kept = [v for v in _vary(response) if v.lower() != "accept-language"]
    if kept:
        response["Vary"] = ", ".join(kept)
    elif response.has_header("Vary"):
        del response["Vary"]


def _compressible(response: HttpResponseBase) -> bool:
    return (
        isinstance(response, HttpResponse)
        and not response.streaming
        and not response.has_header("Content-Encoding")
        and bool(_COMPRESSIBLE.match(response.get("Content-Type", "")))
        and len(response.content) >= _SMALLEST_COMPRESSED
    )


def _compress(request: HttpRequest, response: HttpResponse, kept: Kept | None) -> None:
    """The gzip representation, with an ETag of its own, for a client that takes it."""
    patch_vary_headers(response, ("Accept-Encoding",))
    if not _ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        return
    response.content = kept.gzipped() if kept is not None else compress_string(response.content)
    response["Content-Encoding"] = "gzip"
    response["ETag"] = response["ETag"][:-1] + '-gzip"'


def _mark_public(
    request: HttpRequest,
    response: HttpResponseBase,
    freshness: Freshness,
    kept: Kept | None,
    now: datetime,
) -> None:
    patch_cache_control(response, public=True, max_age=freshness.max_age(at=now))
    changed_at = freshness.changed_at
    # A validator from the very second the answer is made could miss a write later in it.
    if (
        changed_at is not None
        and not response.has_header("Last-Modified")
        and (now - changed_at).total_seconds() >= 1
    ):
        response["Last-Modified"] = http_date(changed_at.timestamp())
    if not isinstance(response, HttpResponse) or response.streaming:
        return
    if not response.has_header("ETag"):
        response["ETag"] = kept.etag if kept is not None else etag_of(response.content)
    if response.status_code == 200 and _compressible(response):
        _compress(request, response, kept)
    # The length of the body as sent (CommonMiddleware counted it before compression).
    response["Content-Length"] = str(len(response.content))


class PublicReadMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        open_data = _matches(request.path, "KOMMUNPRIS_OPEN_DATA_PATHS")
        if open_data and request.method == "OPTIONS":
            response: HttpResponseBase = _preflight_or_options()
            _open_to_other_sites(response)
            return response
        head = open_data and request.method == "HEAD"
        if head:
            # Answered as the GET it stands for (the API's views know only GET), without body.
            request.method = "GET"
        # Read before the answer reads any data: what it is made from is at least this new.
        freshness = _freshness(request)
        now = timezone.now()
        kept = store.find(request, freshness, now=now) if freshness is not None else None
        response = kept.response() if kept is not None else self.get_response(request)
        public = freshness is not None and _is_public(request, response)
        if public and _for_this_visitor(response):
            patch_cache_control(response, private=True, no_cache=True)
            public = False
        if public:
            assert freshness is not None
            _without_accept_language(response)
            if kept is None and isinstance(response, HttpResponse) and not response.streaming:
                etag = etag_of(response.content)
                kept = store.keep(request, response, freshness, etag=etag, now=now)
                response["ETag"] = etag
            _mark_public(request, response, freshness, kept, timezone.now())
        if head:
            request.method = "HEAD"
        if public or _matches(request.path, "KOMMUNPRIS_CONDITIONAL_GET_PATHS"):
            response = conditional_get(request, response)
        if head and isinstance(response, HttpResponse) and not response.streaming:
            length = len(response.content)
            response.content = b""
            if response.status_code == 200:
                response["Content-Length"] = str(length)
        if open_data:
            _open_to_other_sites(response)
        return response
