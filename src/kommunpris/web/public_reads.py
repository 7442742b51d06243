"""How public reads answer other sites and caches: CORS, the licence and conditional GET.

One middleware, for the paths two settings name (regular expressions on the path):

- `KOMMUNPRIS_OPEN_DATA_PATHS` (the API, the downloads, the feed, the catalogue): readable from
  any other site's pages (CORS: any origin, GET, HEAD and OPTIONS only, never credentials),
  HEAD and OPTIONS answered, and the licence named in a `Link: <…>; rel="license"` header;
- `KOMMUNPRIS_CONDITIONAL_GET_PATHS`: an `ETag` on every successful GET and HEAD, and
  `304 Not Modified` when the request's `If-None-Match` names it, so clients revalidate
  instead of downloading again. Another part of the site gets the same by adding its paths.

The ETag is a hash of the body as sent, so it changes exactly when the answer does (also when
an embargo lifts at the gala) and nothing has to be invalidated.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from django.utils.http import parse_etags, quote_etag

from kommunpris.archive.licence import LICENCE_LINK

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


def conditional_get(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Give a successful GET or HEAD answer its ETag; answer 304 if the client has it already.

    If-None-Match is compared weakly, as RFC 9110 (13.1.2) requires.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.streaming or not isinstance(response, HttpResponse):
        return response
    if not response.has_header("ETag"):
        response["ETag"] = etag_of(response.content)
    etag = response["ETag"]
    wanted = parse_etags(request.headers.get("If-None-Match", ""))
    if not ("*" in wanted or any(_weak_equal(tag, etag) for tag in wanted)):
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
        response = self.get_response(request)
        if head:
            request.method = "HEAD"
        if _matches(request.path, "KOMMUNPRIS_CONDITIONAL_GET_PATHS"):
            response = conditional_get(request, response)
        if head and isinstance(response, HttpResponse) and not response.streaming:
            length = len(response.content)
            response.content = b""
            if response.status_code == 200:
                response["Content-Length"] = str(length)
        if open_data:
            _open_to_other_sites(response)
        return response
