"""Which answers a browser or a proxy may keep: signed-in and personal answers never.

The rule, in one place: an answer is private, and says `Cache-Control: no-store` (with
Django's other never-cache headers), when
- the request carries a session (anyone signed in, half signed in, or a municipality contact
  signed in by link; also a visitor whose own nomination the session remembers), or the
  answer starts one;
- it is a page of the desk or the admin (namespaces "desk" and "admin"), or a public page
  about one person (PERSONAL_VIEWS: the sign-in steps, a nominator's links and receipts);
- it answers anything but GET or HEAD.
Everything else is public and left alone, for public caching rules to decide. Such rules
must ask `is_private` first (or run inside this middleware's answer, which overrides them).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils.cache import add_never_cache_headers

PRIVATE_NAMESPACES = frozenset({"desk", "admin"})
# Exact view names (a prefix would take in unrelated views that happen to share it).
PERSONAL_VIEWS = frozenset(
    {
        "login",
        "login-code",
        "login-recovery",
        "logout",
        "admin-login",
        "admin-logout",
        "nominate-sent",
        "nominate-confirm",
        "nominate-confirmed",
        "personal-data-request",
        "personal-data",
        "personal-data-copy",
        "personal-data-erase",
        "personal-data-erased",
    }
)
SAFE_METHODS = frozenset({"GET", "HEAD"})


def is_private(request: HttpRequest, response: HttpResponseBase | None = None) -> bool:
    """Whether this answer is for one person only (see the module's docstring)."""
    if request.method not in SAFE_METHODS:
        return True
    cookie = settings.SESSION_COOKIE_NAME
    if cookie in request.COOKIES or (response is not None and cookie in response.cookies):
        return True
    match = request.resolver_match
    if match is None:
        return False
    return match.view_name in PERSONAL_VIEWS or not PRIVATE_NAMESPACES.isdisjoint(match.namespaces)


class NoStoreForPrivateAnswersMiddleware:
    """Marks every private answer `no-store`; sits outside the session middleware, so it sees
    the session cookie an answer sets."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request, response):
            add_never_cache_headers(response)
        return response
