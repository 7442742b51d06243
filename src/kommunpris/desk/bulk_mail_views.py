"""Bulk mail from the organiser to a segment of an edition's people: write it, see who gets it and
how the first of them reads it, confirm, and follow its sending. Thin views over
kommunpris.mail.bulk; the mail worker sends every copy."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kommunpris.awards.models import Edition
from kommunpris.errors import http_status
from kommunpris.mail import bulk, catalogue
from kommunpris.mail.organiser_templates import Placeholder
from kommunpris.mail.templates_service import MailConflict, MailTemplateInvalid

from .confirmation import Confirmation, ask, is_confirmed, is_revising
from .mail_forms import BulkForm
from .mail_template_views import edition_of
from .mail_views import organiser_only
from .paging import page_of


def _segments(edition: Edition) -> list[tuple[str, str]]:
    """Each segment with how many people it has now."""
    return [
        (
            segment.key,
            _("%(segment)s (%(count)s)")
            % {"segment": segment.title, "count": len(segment.recipients(edition))},
        )
        for segment in catalogue.segments()
    ]


def _placeholder_groups() -> list[tuple[list[str], tuple[Placeholder, ...]]]:
    """The placeholders of the segments, with the segments that share them."""
    groups: list[tuple[list[str], tuple[Placeholder, ...]]] = []
    for segment in catalogue.segments():
        for titles, placeholders in groups:
            if placeholders == segment.placeholders:
                titles.append(str(segment.title))
                break
        else:
            groups.append(([str(segment.title)], segment.placeholders))
    return groups


def _form_page(
    request: HttpRequest, edition: Edition, form: BulkForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(
        request,
        "desk/mail/bulk.html",
        {
            "edition": edition,
            "form": form,
            "error": error,
            "groups": _placeholder_groups(),
        },
        status=status,
    )


def _preview_page(
    request: HttpRequest,
    edition: Edition,
    form: BulkForm,
    shown: bulk.BulkPreview,
    *,
    key: str,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "desk/mail/bulk_preview.html",
        {
            "edition": edition,
            "form": form,
            "shown": shown,
            "key": key,
            "error": error,
            "back": reverse("desk:mail-bulk", kwargs={"year": edition.year}),
        },
        status=status,
    )


@organiser_only
@require_http_methods(["GET", "POST"])
def bulk_mail(request: HttpRequest, year: int) -> HttpResponse:
    edition = edition_of(year)
    segments = _segments(edition)
    if request.method != "POST":
        chosen = request.GET.get("till", "")
        initial = {"segment": chosen if chosen in dict(segments) else ""}
        return _form_page(request, edition, BulkForm(initial=initial, segments=segments))
    form = BulkForm(request.POST, segments=segments)
    if not form.is_valid():
        return _form_page(request, edition, form, status=400)
    if is_revising(request):
        return _form_page(request, edition, form)
    segment, text = form.cleaned_data["segment"], form.text()
    try:
        shown = bulk.preview_bulk(edition=edition, segment=segment, text=text)
    except MailTemplateInvalid as exc:
        return _form_page(request, edition, form, error=str(exc), status=http_status(exc))
    key = request.POST.get("key") or bulk.new_key()
    if request.POST.get("action") != "send":
        return _preview_page(request, edition, form, shown, key=key)
    expected = request.POST.get("expected", "")
    if expected != shown.fingerprint:
        return _preview_page(
            request,
            edition,
            form,
            shown,
            key=key,
            error=_(
                "The recipients have changed since you looked. Check the list below before you "
                "send."
            ),
            status=409,
        )
    count = len(shown.recipients)
    if not is_confirmed(request):
        return ask(
            request,
            Confirmation(
                title=ngettext(
                    "Send the message to %(count)s person?",
                    "Send the message to %(count)s people?",
                    count,
                )
                % {"count": count},
                happens=[
                    _("“%(subject)s” is sent to %(segment)s in %(edition)s.")
                    % {
                        "subject": text.subject_sv,
                        "segment": str(shown.segment.title).lower(),
                        "edition": edition.title,
                    },
                    ngettext(
                        "%(count)s e-mail is written now and sent by the mail worker within a "
                        "few minutes.",
                        "%(count)s e-mails are written now and sent by the mail worker within "
                        "a few minutes.",
                        count,
                    )
                    % {"count": count},
                    _("The mailing is recorded in the audit log with every recipient."),
                ],
                cannot_undo=_("A message that has been sent cannot be taken back."),
                button=ngettext(
                    "Yes, send to %(count)s person", "Yes, send to %(count)s people", count
                )
                % {"count": count},
                back=reverse("desk:mail-bulk", kwargs={"year": year}),
                revisable=True,
            ),
        )
    try:
        mailing = bulk.send_bulk(
            edition=edition,
            segment=segment,
            text=text,
            expected=expected,
            key=key,
            actor=request.user,
        )
    except MailTemplateInvalid as exc:
        return _form_page(request, edition, form, error=str(exc), status=http_status(exc))
    except MailConflict as exc:
        messages.error(request, str(exc))
        return redirect("desk:mail-edition", year=year)
    messages.success(
        request,
        ngettext(
            "The message is on its way to %(count)s person.",
            "The message is on its way to %(count)s people.",
            mailing.recipient_count,
        )
        % {"count": mailing.recipient_count},
    )
    return redirect("desk:mail-mailing", year=year, pk=mailing.pk)


@organiser_only
def mailing(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    edition = edition_of(year)
    found = bulk.mailing(edition, pk)
    if found is None:
        raise Http404(_("There is no such mailing."))
    copies = page_of(
        request, found.messages.order_by("to", "id").only("to", "status", "sent_at", "mailing_id")
    )
    return render(
        request,
        "desk/mail/mailing.html",
        {
            "edition": edition,
            "mailing": found,
            "segment_title": bulk.segment_title(found.segment),
            "copies": copies.object_list,
            "page": copies,
            "query": "",
        },
    )
