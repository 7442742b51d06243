"""A nominator's own requests about their personal data, without an account.

The request page answers every address alike (nobody learns who has nominated) and e-mails a
signed link only when nominations from the address exist; the link shows everything kept, gives
a copy as JSON and deletes on request. Refusals follow the nomination form: honeypot, cache-backed
rate limits, CSRF. Every write is a nominations service.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kommunpris.nominations import selectors, throttle
from kommunpris.nominations.exports import personal_data_copy
from kommunpris.nominations.services import (
    MAIL_KEPT_DAYS,
    PERSONAL_DATA_LINK_HOURS,
    erase_personal_data,
    erasure_deletes_entirely,
    personal_data_address,
    request_personal_data_link,
)
from kommunpris.nominations.tokens import LinkError
from kommunpris.operations.client_address import client_address

from .nominate import HONEYPOT_FIELD

ERASED_SESSION_KEY = "personal_data_erased"


class PersonalDataRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Your e-mail address"),
        help_text=gettext_lazy("The address you nominated from. We send the link there."),
        error_messages={
            "required": gettext_lazy("Write your e-mail address."),
            "invalid": gettext_lazy("Write an e-mail address like name@example.se."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    # Hidden from people by CSS, as on the nomination form.
    website = forms.CharField(required=False, label=gettext_lazy("Leave this field empty"))


def _language() -> str:
    return "en" if (get_language() or "sv").startswith("en") else "sv"


def _request_page(
    request: HttpRequest, form: PersonalDataRequestForm, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "web/nominate/my_data_request.html",
        {
            "form": form,
            "refusal": refusal,
            "refusal_title": _("No link was sent"),
            "honeypot": HONEYPOT_FIELD,
            "valid_hours": PERSONAL_DATA_LINK_HOURS,
        },
        status=status,
    )


def _reserve_request(request: HttpRequest, email: str) -> throttle.Reservation:
    limits = settings.KOMMUNPRIS_NOMINATION_RATE_LIMITS
    return throttle.reserve_for_sender(
        "personal-data",
        connection=client_address(request),
        address=email,
        per_connection=limits["ip"],
        per_address=limits["email"],
    )


@require_http_methods(["GET", "POST"])
def request_link(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _request_page(request, PersonalDataRequestForm())
    form = PersonalDataRequestForm(request.POST)
    if request.POST.get(HONEYPOT_FIELD):
        form.is_valid()  # so the form shows what was written
        refusal = _(
            "The field “Leave this field empty” was filled in, which is what automated spam "
            "programs do. If you are a person, send the form again: that field is empty now."
        )
        return _request_page(request, form, refusal=refusal, status=400)
    email = request.POST.get("email", "").strip().lower()
    try:
        reservation = _reserve_request(request, email)
    except throttle.Limited:
        form.is_valid()
        refusal = _(
            "Very many links have been asked for from your connection or for this address in a "
            "short time. Wait an hour and try again; a link you have already received works "
            "for %(hours)s hours."
        ) % {"hours": PERSONAL_DATA_LINK_HOURS}
        return _request_page(request, form, refusal=refusal, status=429)
    if not form.is_valid():
        reservation.give_back()
        return _request_page(request, form, status=400)
    email = form.cleaned_data["email"].strip().lower()
    # The same answer whether or not the address has nominated: only the mailbox tells. The
    # answer is rendered here rather than after a redirect, so the address typed in is not kept
    # in a session (most addresses typed here may belong to people who never nominated).
    request_personal_data_link(email=email, language=_language())
    return render(
        request,
        "web/nominate/my_data_sent.html",
        {"email": email, "valid_hours": PERSONAL_DATA_LINK_HOURS},
    )


def _link_problem(request: HttpRequest, error: LinkError) -> HttpResponse:
    return render(
        request,
        "web/nominate/my_data_link_problem.html",
        {"kind": error.kind, "valid_hours": PERSONAL_DATA_LINK_HOURS},
        status=410 if error.kind == "expired" else 400,
    )


def _nothing_kept(request: HttpRequest) -> HttpResponse:
    return render(request, "web/nominate/my_data_nothing_kept.html", {})


def _data_of(token: str) -> selectors.PersonalData:
    """Raises LinkError for a forged or expired link."""
    return selectors.personal_data(personal_data_address(token))


def _rows(data: selectors.PersonalData) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {"nomination": n, "deleted_entirely": erasure_deletes_entirely(n, now=now)}
        for n in data.nominations
    ]


@never_cache
def my_data(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = _data_of(token)
    except LinkError as exc:
        return _link_problem(request, exc)
    if data.is_empty:
        return _nothing_kept(request)
    return render(
        request,
        "web/nominate/my_data.html",
        {"data": data, "rows": _rows(data), "token": token, "mail_kept_days": MAIL_KEPT_DAYS},
    )


@never_cache
def my_data_copy(request: HttpRequest, token: str) -> HttpResponse:
    try:
        data = _data_of(token)
    except LinkError as exc:
        return _link_problem(request, exc)
    if data.is_empty:
        return _nothing_kept(request)
    now = timezone.now()
    body = json.dumps(personal_data_copy(data, now=now), ensure_ascii=False, indent=2) + "\n"
    response = HttpResponse(body.encode("utf-8"), content_type="application/json; charset=utf-8")
    filename = _("kommunpris-personal-data-%(day)s.json") % {
        "day": timezone.localdate(now).isoformat()
    }
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def my_data_erase(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks for confirmation and says what will happen to each nomination; POST deletes."""
    if request.method != "POST":
        try:
            data = _data_of(token)
        except LinkError as exc:
            return _link_problem(request, exc)
        if data.is_empty:
            return _nothing_kept(request)
        return render(
            request,
            "web/nominate/my_data_erase.html",
            {"data": data, "rows": _rows(data), "token": token},
        )
    try:
        erased = erase_personal_data(token=token)
    except LinkError as exc:
        return _link_problem(request, exc)
    if not (erased.nominations_deleted or erased.nominations_anonymised):
        return _nothing_kept(request)
    request.session[ERASED_SESSION_KEY] = {
        "deleted": erased.nominations_deleted,
        "anonymised": erased.nominations_anonymised,
        "mails": erased.mails_deleted,
    }
    return redirect("personal-data-erased")


def erased(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/nominate/my_data_erased.html",
        {"erased": request.session.get(ERASED_SESSION_KEY)},
    )
