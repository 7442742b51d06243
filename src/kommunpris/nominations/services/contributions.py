"""What a municipality's contact does for its own candidacy: accept or decline it, write its own
answers, add and remove PDF attachments — all before the supplement deadline."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from datetime import datetime

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    Action,
    actor_label,
    candidacy_target,
)
from kommunpris.permissions.nominations import contact_speaks_for, supplement_is_open

from .. import storage
from ..errors import (
    AttachmentRejected,
    ContributionError,
    NominationError,
    NotYourCandidacy,
    SupplementClosed,
)
from ..models import (
    CONTRIBUTION_ANSWER_MAX_LENGTH,
    Attachment,
    Candidacy,
    MunicipalityContact,
    Response,
)
from ._common import Actor, _check_answers, _clean_text, _local_day


def _contact_of(actor: Actor) -> MunicipalityContact:
    """The contact acting: only a municipality's contact changes its candidacy here."""
    if not isinstance(actor, MunicipalityContact):
        raise NotYourCandidacy(_("You can only change your own municipality's candidacy."))
    return actor


def _check_contact_may_change(
    candidacy: Candidacy, contact: MunicipalityContact, *, now: datetime | None = None
) -> None:
    if not contact_speaks_for(contact, candidacy):
        raise NotYourCandidacy(_("You can only change your own municipality's candidacy."))
    if not supplement_is_open(candidacy.edition, now=now):
        raise SupplementClosed(
            _(
                "The deadline for municipalities' own answers and attachments (%(date)s) has "
                "passed. The candidacy can no longer be changed; the jury reads what was sent in."
            )
            % {"date": _local_day(candidacy.edition.supplement_close_at)}
        )


def _lock_for_contact(
    candidacy: Candidacy, contact: MunicipalityContact, *, now: datetime
) -> Candidacy:
    locked = (
        Candidacy.objects.select_for_update()
        .select_related("edition__award")
        .prefetch_related("members__municipality")
        .get(pk=candidacy.pk)
    )
    _check_contact_may_change(locked, contact, now=now)
    return locked


def check_respond_to_candidacy(
    *, candidacy: Candidacy, actor: Actor, now: datetime | None = None
) -> None:
    """Raises ContributionError saying why the contact cannot answer now; returns if they can
    (for the page that asks before a municipality declines)."""
    contact = _contact_of(actor)
    _check_contact_may_change(candidacy, contact, now=now)


def check_remove_attachment(
    *, attachment: Attachment, actor: Actor, now: datetime | None = None
) -> None:
    """Raises ContributionError saying why the document cannot be removed now; returns if it
    can (for the page that asks first)."""
    contact = _contact_of(actor)
    _check_contact_may_change(attachment.candidacy, contact, now=now)


def respond_to_candidacy(
    *,
    candidacy: Candidacy,
    actor: Actor,
    accept: bool,
    now: datetime | None = None,
) -> Candidacy:
    """The municipality accepts or declines being a candidate (it may change its mind until
    the supplement deadline)."""
    contact = _contact_of(actor)
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_for_contact(candidacy, contact, now=now)
        response = Response.ACCEPTED if accept else Response.DECLINED
        if locked.response == response:
            return locked
        before = {"response": locked.response}
        locked.response, locked.responded_at = response, now
        locked.save(update_fields=["response", "responded_at"])
        record_event(
            action=Action.CANDIDACY_ACCEPTED if accept else Action.CANDIDACY_DECLINED,
            actor=actor_label(actor),
            target=candidacy_target(locked),
            before=before,
            after={"response": response, "municipality": contact.municipality_id},
        )
    return locked


def _require_accepted(candidacy: Candidacy) -> None:
    if candidacy.response != Response.ACCEPTED:
        raise ContributionError(
            _("Accept the candidacy first; then you can add your own answers and attachments.")
        )


def save_contribution(
    *,
    candidacy: Candidacy,
    actor: Actor,
    proud: str,
    effect: str,
    learned: str,
    now: datetime | None = None,
) -> Candidacy:
    """The municipality's own answers to the three questions."""
    contact = _contact_of(actor)
    now = now or timezone.now()
    answers = {
        "own_proud": _clean_text(proud),
        "own_effect": _clean_text(effect),
        "own_learned": _clean_text(learned),
    }
    try:
        _check_answers(answers, limit=CONTRIBUTION_ANSWER_MAX_LENGTH, required=False)
    except NominationError as exc:
        raise ContributionError(str(exc)) from None
    with transaction.atomic():
        locked = _lock_for_contact(candidacy, contact, now=now)
        _require_accepted(locked)
        before = {field: getattr(locked, field) for field in answers}
        if before == answers:
            return locked
        for field, value in answers.items():
            setattr(locked, field, value)
        locked.contribution_updated_at = now
        locked.save(update_fields=[*answers, "contribution_updated_at"])
        record_event(
            action=Action.CANDIDACY_CONTRIBUTION_SAVED,
            actor=actor_label(actor),
            target=candidacy_target(locked),
            before=before,
            after=answers,
        )
    return locked


_PDF_HEADER = re.compile(rb"%PDF-[12]\.[0-9]")


def _is_pdf(upload: UploadedFile) -> bool:
    """A PDF by its content: the header near the start and an end-of-file marker near the end."""
    upload.seek(0)
    head = upload.read(1024)
    size = upload.size or 0
    upload.seek(max(0, size - 2048))
    tail = upload.read()
    upload.seek(0)
    return bool(_PDF_HEADER.search(head)) and b"%%EOF" in tail


def _display_name(name: str) -> str:
    """What the uploader called the file, safe to show: no folders, no control characters."""
    base = os.path.basename(name.replace("\\", "/"))
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return (base or "bilaga.pdf")[:255]


def add_attachment(
    *,
    candidacy: Candidacy,
    actor: Actor,
    upload: UploadedFile,
    now: datetime | None = None,
) -> Attachment:
    """A PDF of at most the size limit, checked by its content; at most the count limit; never
    the same content twice in one candidacy (compared by SHA-256, whatever the file's name)."""
    contact = _contact_of(actor)
    now = now or timezone.now()
    max_bytes = settings.KOMMUNPRIS_ATTACHMENT_MAX_BYTES
    max_count = settings.KOMMUNPRIS_ATTACHMENT_MAX_COUNT
    name = _display_name(upload.name or "")
    with transaction.atomic():
        locked = _lock_for_contact(candidacy, contact, now=now)
        _require_accepted(locked)
        if locked.attachments.count() >= max_count:
            raise AttachmentRejected(
                _(
                    "The candidacy already has %(count)s attachments, the most allowed. Remove "
                    "one before adding “%(name)s”."
                )
                % {"count": max_count, "name": name}
            )
        size = upload.size or 0
        if size > max_bytes:
            raise AttachmentRejected(
                _("“%(name)s” is %(size)s MB; an attachment may be at most %(limit)s MB.")
                % {
                    "name": name,
                    "size": f"{size / 1024 / 1024:.1f}".replace(".", ","),
                    "limit": max_bytes // 1024 // 1024,
                }
            )
        if size == 0 or not _is_pdf(upload):
            raise AttachmentRejected(
                _(
                    "“%(name)s” is not a PDF file (its content says otherwise, whatever its name). "
                    "Save the document as PDF and try again."
                )
                % {"name": name}
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        same = locked.attachments.filter(sha256=digest.hexdigest()).first()
        if same is not None:
            raise AttachmentRejected(
                _(
                    "“%(name)s” has the same content as “%(existing)s”, which the candidacy "
                    "already has, so it was not added again."
                )
                % {"name": name, "existing": same.original_name}
            )
        stored = storage.save(upload, year=locked.edition.year)
        try:
            attachment = Attachment.objects.create(
                candidacy=locked,
                stored_name=stored,
                original_name=name,
                size=size,
                sha256=digest.hexdigest(),
                uploaded_at=now,
                uploaded_by=contact.email,
            )
            record_event(
                action=Action.ATTACHMENT_ADDED,
                actor=actor_label(actor),
                target=candidacy_target(locked),
                after={"attachment": attachment.pk, "name": name, "size": size},
            )
        except Exception:
            storage.delete(stored)
            raise
    return attachment


def remove_attachment(*, attachment: Attachment, actor: Actor, now: datetime | None = None) -> None:
    """Remove an attachment before the deadline; the file goes once the removal is committed."""
    contact = _contact_of(actor)
    now = now or timezone.now()
    with transaction.atomic():
        _lock_for_contact(attachment.candidacy, contact, now=now)
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        stored = locked.stored_name
        record_event(
            action=Action.ATTACHMENT_REMOVED,
            actor=actor_label(actor),
            target=candidacy_target(locked.candidacy_id),
            before={"attachment": locked.pk, "name": locked.original_name, "size": locked.size},
        )
        locked.delete()
        transaction.on_commit(lambda: storage.delete(stored))
