"""The municipality contact's own candidacy: answer, write, add and remove documents."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kommunpris import dates
from kommunpris.errors import http_status
from kommunpris.nominations import selectors, storage
from kommunpris.nominations.models import Candidacy, MunicipalityContact
from kommunpris.nominations.questions import questions_of
from kommunpris.nominations.self_assessment import rubric_of
from kommunpris.nominations.services import (
    ContributionError,
    add_attachment,
    check_remove_attachment,
    check_respond_to_candidacy,
    remove_attachment,
    respond_to_candidacy,
    save_contribution,
)
from kommunpris.permissions.nominations import (
    contact_may_edit,
    contact_may_read_attachment,
    contact_speaks_for,
    supplement_is_open,
)

from .. import next_steps
from ..confirmation import Confirmation, ask, is_confirmed
from ..nominations_forms import AttachmentForm, ContributionForm
from ..session import contact_required
from .self_assessment import self_assessment_step


def _contact_page(
    request: HttpRequest,
    contact: MunicipalityContact,
    *,
    contribution_form: ContributionForm | None = None,
    attachment_form: AttachmentForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    edition = contact.edition
    candidacy = selectors.candidacy_of(edition, contact.municipality_id)
    editable = candidacy is not None and contact_may_edit(contact, candidacy)
    questions = questions_of(edition)
    if contribution_form is None and candidacy is not None:
        contribution_form = ContributionForm(
            initial=dict(candidacy.own_answers), questions=questions
        )
    rubric = rubric_of(edition) if candidacy is not None else None
    return render(
        request,
        "desk/nominations/contact.html",
        {
            "contact": contact,
            "edition": edition,
            "candidacy": candidacy,
            "contribution": (
                selectors.contribution_of(candidacy, questions=questions) if candidacy else None
            ),
            "self_assessment": self_assessment_step(contact, candidacy, rubric),
            "editable": editable,
            "steps": next_steps.contact_steps(contact, candidacy),
            "supplement_open": supplement_is_open(edition),
            "contribution_form": contribution_form,
            "attachment_form": attachment_form or AttachmentForm(),
            "max_count": settings.KOMMUNPRIS_ATTACHMENT_MAX_COUNT,
            "error": error,
        },
        status=status,
    )


def _contact_candidacy(contact: MunicipalityContact) -> Candidacy:
    found = selectors.candidacy_of(contact.edition, contact.municipality_id)
    if found is None or not contact_speaks_for(contact, found):
        raise Http404(_("Your municipality has no confirmed nomination yet."))
    return found


@contact_required
def contact_home(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    return _contact_page(request, contact)


def _decline_confirmation(contact: MunicipalityContact, candidacy: Candidacy) -> Confirmation:
    edition = contact.edition
    return Confirmation(
        title=_("Decline the candidacy for %(name)s?") % {"name": contact.municipality.name},
        happens=[
            _("The jury is told that %(name)s does not want to be a candidate.")
            % {"name": contact.municipality.name},
            _(
                "Your own answers and documents are kept, but you cannot add to them while the "
                "municipality has declined."
            ),
        ],
        can_undo=_("You can accept again until %(when)s; after that the answer stands.")
        % {"when": dates.moment(edition.supplement_close_at)},
        button=_("Yes, decline the candidacy"),
        back=reverse("desk:nominations-contact"),
        action=reverse("desk:nominations-contact-respond"),
        hidden=[("response", "decline")],
    )


@contact_required
@require_POST
def contact_respond(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    candidacy = _contact_candidacy(contact)
    accept = request.POST.get("response") == "accept"
    try:
        if not accept and not is_confirmed(request):
            check_respond_to_candidacy(candidacy=candidacy, actor=contact)
            return ask(request, _decline_confirmation(contact, candidacy))
        respond_to_candidacy(candidacy=candidacy, actor=contact, accept=accept)
    except ContributionError as exc:
        return _contact_page(request, contact, error=str(exc), status=http_status(exc))
    if accept:
        messages.success(
            request,
            _("Thank you: %(name)s accepts the candidacy. Add your own answers below.")
            % {"name": contact.municipality.name},
        )
    else:
        messages.success(
            request,
            _("%(name)s declines the candidacy. You can change your mind until the deadline.")
            % {"name": contact.municipality.name},
        )
    return redirect("desk:nominations-contact")


def _remove_confirmation(attachment: Any) -> Confirmation:
    return Confirmation(
        title=_("Remove “%(name)s”?") % {"name": attachment.original_name},
        happens=[
            _("The document is deleted; the jury will not see it."),
            _("Your answers are kept as they are saved."),
        ],
        cannot_undo=_(
            "The file is deleted from the platform. To have it back, add it again from your "
            "own copy before the deadline."
        ),
        button=_("Yes, remove the document"),
        back=reverse("desk:nominations-contact"),
        action=reverse("desk:nominations-contact-remove", kwargs={"pk": attachment.pk}),
        hidden=[("remove", str(attachment.pk))],
    )


def _own_attachment(candidacy: Candidacy, pk: int) -> Any:
    found = next((a for a in candidacy.attachments.all() if a.pk == pk), None)
    if found is None:
        raise Http404(_("There is no such attachment."))
    return found


@contact_required
@require_POST
def contact_contribution(request: HttpRequest, contact: MunicipalityContact) -> HttpResponse:
    """The municipality's answers and documents in one form: the answers are saved first, so a
    document refused (or one to remove, or declining) never costs what was typed."""
    candidacy = _contact_candidacy(contact)
    form = ContributionForm(request.POST, questions=questions_of(contact.edition))
    upload = AttachmentForm(request.POST, request.FILES)
    has_answers = any(name in request.POST for name in form.fields)
    saved = False
    if has_answers:
        if not form.is_valid():
            return _contact_page(request, contact, contribution_form=form, status=400)
        try:
            before = dict(candidacy.own_answers)
            candidacy = save_contribution(
                candidacy=candidacy, actor=contact, answers=form.answers()
            )
            saved = before != candidacy.own_answers
        except ContributionError as exc:
            return _contact_page(
                request, contact, contribution_form=form, error=str(exc), status=http_status(exc)
            )
    kept = _("Your answers are saved.") + " " if saved else ""
    if request.POST.get("remove", "").isdigit():
        attachment = _own_attachment(candidacy, int(request.POST["remove"]))
        if saved:
            messages.success(request, _("Your answers are saved."))
        try:
            check_remove_attachment(attachment=attachment, actor=contact)
        except ContributionError as exc:
            return _contact_page(request, contact, error=str(exc), status=http_status(exc))
        return ask(request, _remove_confirmation(attachment))
    if request.POST.get("response") == "decline":
        if saved:
            messages.success(request, _("Your answers are saved."))
        try:
            check_respond_to_candidacy(candidacy=candidacy, actor=contact)
        except ContributionError as exc:
            return _contact_page(request, contact, error=str(exc), status=http_status(exc))
        return ask(request, _decline_confirmation(contact, candidacy))
    if request.FILES.get("file") is not None or not has_answers:
        if not upload.is_valid():
            return _contact_page(
                request, contact, attachment_form=upload, error=kept.strip(), status=400
            )
        try:
            added = add_attachment(
                candidacy=candidacy, actor=contact, upload=upload.cleaned_data["file"]
            )
        except ContributionError as exc:
            return _contact_page(
                request,
                contact,
                attachment_form=upload,
                error=kept + _("The document was not added: %(why)s") % {"why": str(exc)},
                status=http_status(exc),
            )
        messages.success(request, kept + _("“%(name)s” is added.") % {"name": added.original_name})
        return redirect("desk:nominations-contact")
    messages.success(
        request,
        _("Your answers are saved. You can change them until the deadline.")
        if saved
        else _("Nothing had changed; your answers stand as they were."),
    )
    return redirect("desk:nominations-contact")


@contact_required
@require_POST
def contact_remove(request: HttpRequest, contact: MunicipalityContact, pk: int) -> HttpResponse:
    candidacy = _contact_candidacy(contact)
    found = _own_attachment(candidacy, pk)
    try:
        if not is_confirmed(request):
            check_remove_attachment(attachment=found, actor=contact)
            return ask(request, _remove_confirmation(found))
        remove_attachment(attachment=found, actor=contact)
    except ContributionError as exc:
        return _contact_page(request, contact, error=str(exc), status=http_status(exc))
    messages.success(request, _("“%(name)s” is removed.") % {"name": found.original_name})
    return redirect("desk:nominations-contact")


@contact_required
@require_http_methods(["GET"])
def contact_attachment(
    request: HttpRequest, contact: MunicipalityContact, pk: int
) -> HttpResponseBase:
    """A document the municipality sent, for its own contact to open."""
    found = selectors.attachment(pk)
    if found is None or not contact_may_read_attachment(contact, found):
        raise Http404(_("There is no such attachment."))
    try:
        handle = storage.open_file(found.stored_name)
    except FileNotFoundError:
        raise Http404(_("The attachment's file is missing.")) from None
    return FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type="application/pdf"
    )
