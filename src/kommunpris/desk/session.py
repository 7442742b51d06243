"""Who is at the desk: a municipality contact signed in by e-mailed link keeps their place in
the session (contacts are no Django users); everyone else is request.user."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from kommunpris.nominations import selectors
from kommunpris.nominations.models import MunicipalityContact

CONTACT_SESSION_KEY = "nominations_contact"


def signed_in_user(request: HttpRequest) -> User:
    """The signed-in person, for views that only signed-in users reach (the services' actor)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise TypeError("signed_in_user() in a view that lets anonymous visitors in")
    return user


def signed_in_contact(request: HttpRequest) -> MunicipalityContact | None:
    signed = request.session.get(CONTACT_SESSION_KEY)
    if not isinstance(signed, dict):
        return None
    try:
        pk = int(signed.get("id", 0))
    except (TypeError, ValueError):
        return None
    contact = selectors.contact(pk)
    # A new address for the municipality ends the previous contact's session.
    if contact is None or contact.email != signed.get("email"):
        return None
    return contact


ContactView = Callable[..., HttpResponseBase]


def contact_required(view: ContactView) -> ContactView:
    """A page of a signed-in municipality contact: the view gets the contact after the request;
    anyone else is sent to the contact's sign-in page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        contact = signed_in_contact(request)
        if contact is None:
            messages.info(request, _("Sign in with the link we e-mail you."))
            return redirect("desk:nominations-contact-signin")
        return view(request, contact, *args, **kwargs)

    return wrapper
