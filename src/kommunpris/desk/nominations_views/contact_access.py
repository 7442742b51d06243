"""How a municipality contact signs in and out: a one-time link e-mailed on request."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris.nominations import throttle
from kommunpris.nominations.services import (
    contact_link_state,
    request_contact_link,
    sign_in_contact,
)
from kommunpris.nominations.tokens import LinkError
from kommunpris.operations.client_address import client_address

from ..nominations_forms import ContactSignInForm
from ..session import CONTACT_SESSION_KEY


@require_http_methods(["GET", "POST"])
def contact_signin(request: HttpRequest) -> HttpResponse:
    sent = False
    refusal = ""
    form = ContactSignInForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].lower()
        rate = settings.KOMMUNPRIS_CONTACT_LINK_RATE_LIMIT
        try:
            throttle.reserve_for_sender(
                "contact-link",
                connection=client_address(request),
                address=email,
                per_connection=rate,
                per_address=rate,
            )
        except throttle.Limited:
            refusal = _(
                "No link was sent: many links have been asked for in a short time. Wait an hour "
                "and try again, or use the latest link you received."
            )
            status = 429
        else:
            request_contact_link(email=email)
            sent = True
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "desk/nominations/contact_signin.html",
        {
            "form": form,
            "sent": sent,
            "refusal": refusal,
            "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def contact_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows whose link it is (scanners that open links spend nothing); POST signs in."""
    try:
        if request.method != "POST":
            link = contact_link_state(token)
            return render(request, "desk/nominations/contact_link.html", {"link": link})
        contact = sign_in_contact(token=token)
    except LinkError as exc:
        return render(
            request,
            "desk/nominations/contact_link_problem.html",
            {"kind": exc.kind, "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS},
        )
    request.session.cycle_key()
    request.session[CONTACT_SESSION_KEY] = {"id": contact.pk, "email": contact.email}
    request.session.set_expiry(settings.KOMMUNPRIS_CONTACT_SESSION_HOURS * 3600)
    return redirect("desk:nominations-contact")


@require_POST
def contact_signout(request: HttpRequest) -> HttpResponse:
    request.session.pop(CONTACT_SESSION_KEY, None)
    messages.info(request, _("You are signed out."))
    return redirect("desk:nominations-contact-signin")
