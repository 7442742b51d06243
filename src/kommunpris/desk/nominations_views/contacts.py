"""The organiser names each candidate municipality's contact."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kommunpris.awards.models import Edition
from kommunpris.errors import http_status
from kommunpris.nominations import selectors
from kommunpris.nominations.services import CandidacyError, register_contact
from kommunpris.register.collation import swedish_sort_key

from ..nominations_forms import ContactForm
from ..session import signed_in_user
from ._common import call_edition, municipality_names, organiser_required


def _contacts_page(
    request: HttpRequest, edition: Edition, form: ContactForm, status: int = 200
) -> HttpResponse:
    contacts = list(selectors.contacts(edition))
    with_contact = {c.municipality_id for c in contacts}
    waiting = [
        m
        for c in selectors.candidacies(edition)
        if c.nomination_count  # type: ignore[attr-defined]
        for m in c.municipalities
        if m.code not in with_contact
    ]
    return render(
        request,
        "desk/nominations/contacts.html",
        {
            "edition": edition,
            "contacts": contacts,
            "waiting": sorted(waiting, key=lambda m: swedish_sort_key(m.name)),
            "form": form,
            "names": municipality_names(),
        },
        status=status,
    )


@organiser_required
@require_http_methods(["GET", "POST"])
def contacts(request: HttpRequest, year: int) -> HttpResponse:
    edition = call_edition(year)
    if request.method != "POST":
        return _contacts_page(request, edition, ContactForm())
    form = ContactForm(request.POST)
    if not form.is_valid():
        return _contacts_page(request, edition, form, status=400)
    try:
        contact = register_contact(
            edition=edition,
            municipality=form.cleaned_data["municipality"],
            email=form.cleaned_data["email"],
            name=form.cleaned_data["name"],
            actor=signed_in_user(request),
        )
    except CandidacyError as exc:
        form.add_error(None, str(exc))
        return _contacts_page(request, edition, form, status=http_status(exc))
    if contact.notified_at:
        note = _("%(email)s is the contact for %(name)s and has been told of the candidacy.")
    else:
        note = _(
            "%(email)s is the contact for %(name)s. They are told when the first nomination "
            "is confirmed."
        )
    messages.success(request, note % {"email": contact.email, "name": contact.municipality.name})
    return redirect("desk:nominations-contacts", year=year)
