"""The municipality contact's feedback report: a page at the desk and the same report as PDF,
once the organiser has released the edition's reports (kommunpris.permissions.feedback)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
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
from .session import contact_required


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
@contact_required
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
@contact_required
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
