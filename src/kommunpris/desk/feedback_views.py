"""The municipality contact's feedback report: a page at the desk and the same report as PDF,
once the organiser has released the edition's reports (kommunpris.permissions.feedback)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kommunpris.jury.feedback_selectors import Report, feedback_report
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.nominations import selectors
from kommunpris.nominations.models import MunicipalityContact
from kommunpris.permissions.feedback import contact_may_read_feedback, feedback_is_released

from . import pdf
from .session import signed_in_contact

ContactView = Callable[..., HttpResponseBase]


def _contact_required(view: ContactView) -> ContactView:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        contact = signed_in_contact(request)
        if contact is None:
            messages.info(request, _("Sign in with the link we e-mail you."))
            return redirect("desk:nominations-contact-signin")
        return view(request, contact, *args, **kwargs)

    return wrapper


def _report_of(contact: MunicipalityContact) -> Report | None:
    """The report of the contact's own candidacy, None before the release; 404 without one."""
    candidacy = selectors.candidacy_of(contact.edition, contact.municipality_id)
    if candidacy is None:
        raise Http404(_("Your municipality has no candidacy in this edition."))
    if not contact_may_read_feedback(contact, candidacy):
        return None
    return feedback_report(candidacy)


def _context(contact: MunicipalityContact, report: Report) -> dict[str, Any]:
    return {
        "contact": contact,
        "edition": contact.edition,
        "report": report,
        "rounds": [(r, ROUND_NAMES[r.stage]) for r in report.rounds],
        "language": translation.get_language(),
        "printed_at": timezone.now(),
    }


@require_safe
@_contact_required
def report(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    found = _report_of(contact)
    if found is None:
        return render(
            request,
            "desk/feedback/not_yet.html",
            {"contact": contact, "edition": contact.edition},
        )
    return render(request, "desk/feedback/report.html", _context(contact, found))


@require_safe
@_contact_required
def report_pdf(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    found = _report_of(contact)
    if found is None or not feedback_is_released(contact.edition):
        raise Http404(_("The jury's feedback is not released yet."))
    html = render_to_string("desk/pdf/report.html", _context(contact, found), request)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    year = contact.edition.year
    response["Content-Disposition"] = (
        f'attachment; filename="aterkoppling-{year}-{contact.municipality.code}.pdf"'
    )
    return response
