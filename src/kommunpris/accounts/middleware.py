"""The one place that keeps the desk and the admin closed until the second factor is given.

Runs after django-otp's OTPMiddleware (which tells whether this session was verified with a
device). For every page of the desk (namespace "desk", /arbetsyta/) and the admin (/admin/), a
person who needs two-factor sign-in (permissions.accounts.needs_two_factor) and has not given
it in this session is sent to the code page, or to set it up if they have no app yet. The pages
that do that, the sign-in steps, sign-out and the municipality contacts' own pages (no Django
user) stay open.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kommunpris.permissions.accounts import may_use_desk

from . import selectors

GUARDED_NAMESPACES = ("desk", "admin")
OPEN_VIEWS = frozenset(
    {
        "desk:two-factor-enrol",
        "desk:jury-accept",
    }
)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or not set(match.namespaces) & set(GUARDED_NAMESPACES):
            return None
        if match.view_name in OPEN_VIEWS or match.view_name.startswith("desk:nominations-contact"):
            return None
        user = request.user
        if not user.is_authenticated or may_use_desk(user):
            return None
        target = "login-code" if selectors.has_two_factor(user) else "desk:two-factor-enrol"
        return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")


# How often a signed-in person's session is written back to push its end forward: often enough
# that "8 hours without activity" holds to within these seconds, rarely enough that reading a
# page costs no database write.
KEEP_ALIVE_SECONDS = 300
KEEP_ALIVE_KEY = "accounts_seen"


class SessionKeepAliveMiddleware:
    """Sessions end SESSION_COOKIE_AGE after the last request, not after sign-in.

    Like SESSION_SAVE_EVERY_REQUEST, but only for signed-in sessions and at most once every
    KEEP_ALIVE_SECONDS, so the desk does not write the session on every page.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = request.session
        if settings.SESSION_COOKIE_NAME in request.COOKIES and SESSION_KEY in session:
            now = int(time.time())
            if now - int(session.get(KEEP_ALIVE_KEY, 0)) >= KEEP_ALIVE_SECONDS:
                session[KEEP_ALIVE_KEY] = now
        response = self.get_response(request)
        if session.modified and SESSION_KEY in session:
            # Written anyway (a sign-in, say): that counts as the latest write.
            session[KEEP_ALIVE_KEY] = int(time.time())
        return response
