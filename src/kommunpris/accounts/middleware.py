"""The one place that keeps the desk and the admin closed until the second factor is given.

Runs after django-otp's OTPMiddleware (which tells whether this session was verified with a
device). A person who needs two-factor sign-in (permissions.accounts.needs_two_factor) and has
given only the password is, until they give the code:
- on the steps of signing in themselves (SIGN_IN_STEPS): themselves, between the two steps;
- on every other page of the desk (namespace "desk", /arbetsyta/) and the admin (/admin/):
  sent to the code page, or to set up the app if they have none yet — except the pages that
  need no Django user at all (OPEN_VIEWS: the municipality contacts' own pages, who sign in by
  e-mailed link, and the jury invitation link);
- everywhere else: an anonymous visitor, so no view outside the desk can mistake a password
  alone for a sign-in.
Both lists hold exact view names: a prefix would also open every later view whose name
happens to begin the same way (desk:nominations-contact opened desk:nominations-contacts).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from kommunpris.permissions.accounts import may_use_desk

from . import selectors

GUARDED_NAMESPACES = frozenset({"desk", "admin"})
# The steps of signing in: the only views that see a person between the password and the code.
SIGN_IN_STEPS = frozenset(
    {
        "login",
        "login-code",
        "login-recovery",
        "logout",
        "admin-logout",
        "desk:two-factor-enrol",
    }
)
# Desk views that need no Django user: a half-signed-in person meets them as anyone would.
OPEN_VIEWS = frozenset(
    {
        "desk:jury-accept",
        "desk:nominations-contact",
        "desk:nominations-contact-signin",
        "desk:nominations-contact-link",
        "desk:nominations-contact-signout",
        "desk:nominations-contact-respond",
        "desk:nominations-contact-contribution",
        "desk:nominations-contact-upload",
        "desk:nominations-contact-remove",
        "desk:nominations-contact-attachment",
        "desk:nominations-contact-feedback",
        "desk:nominations-contact-feedback-pdf",
        "desk:nominations-contact-self-assessment",
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
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            # Nobody is signed in without a session; leaving the session unread keeps public
            # answers free of `Vary: Cookie`, so caches can share them.
            return None
        user = request.user
        if not user.is_authenticated or may_use_desk(user):
            return None
        match = request.resolver_match
        view_name = match.view_name if match is not None else ""
        if view_name in SIGN_IN_STEPS:
            return None
        guarded = match is not None and not GUARDED_NAMESPACES.isdisjoint(match.namespaces)
        if guarded and view_name not in OPEN_VIEWS:
            target = "login-code" if selectors.has_two_factor(user) else "desk:two-factor-enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        # A password alone is no sign-in: this view sees an anonymous visitor.
        request.user = AnonymousUser()
        return None


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
