"""Every state change of the call for nominations, from a nominator's form to a municipality's
attachments. Each function validates, writes in one transaction, records the audit event and
queues its e-mail to be sent after commit. Messages reach nominators and municipalities in their
own language, so they go through gettext."""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.links import SecretLink
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.services import queue_mail, render_mail
from kommunpris.permissions.nominations import (
    contact_speaks_for,
    nominations_are_open,
    nominations_may_be_confirmed,
    supplement_is_open,
)
from kommunpris.register.models import Municipality

from . import links, storage
from .models import (
    CONTRIBUTION_ANSWER_MAX_LENGTH,
    NOMINATION_ANSWER_MAX_LENGTH,
    NOMINATOR_MAIL_TEMPLATES,
    Attachment,
    Candidacy,
    CandidacyMember,
    ContactLink,
    MunicipalityContact,
    Nomination,
    NominationRevision,
    NominationStatus,
    Response,
    Stage,
)
from .tokens import (
    NOMINATION_SALT,
    PERSONAL_DATA_SALT,
    LinkExpired,
    LinkInvalid,
    LinkUsed,
    address_key,
    hash_secret,
    read_link,
)

PUBLIC_ACTOR = "public"
NOMINATOR_FIELDS = ("proud", "effect", "learned", "nominator_name", "nominator_organisation")


class NominationError(ValueError):
    """A nomination that cannot be taken as sent; the message tells the nominator what to do."""


class NominationsClosed(NominationError):
    pass


class ContributionError(ValueError):
    """A municipality's answer, text or attachment that cannot be taken."""


class SupplementClosed(ContributionError):
    pass


class AttachmentRejected(ContributionError):
    pass


class CandidacyError(ValueError):
    """An organiser's change to candidacies or nominations that cannot be made."""


# --- helpers -------------------------------------------------------------------------------


def site_url(path: str) -> str:
    return settings.KOMMUNPRIS_SITE_URL.rstrip("/") + path


def _url(viewname: str, *, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return site_url(reverse(viewname, kwargs=kwargs or None))


def _local_day(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _edition_target(edition: Edition) -> str:
    return f"edition:{edition.award.slug}:{edition.year}"


def _link_lifetime() -> timedelta:
    return timedelta(hours=settings.KOMMUNPRIS_NOMINATION_LINK_HOURS)


def _contact_link_lifetime() -> timedelta:
    return timedelta(hours=settings.KOMMUNPRIS_CONTACT_LINK_HOURS)


def _clean_text(value: str) -> str:
    """Text as written, with line endings unified and outer space removed."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_answers(answers: dict[str, str], *, limit: int, required: bool) -> None:
    for text in answers.values():
        if required and not text:
            raise NominationError(_("Answer all three questions."))
        if len(text) > limit:
            raise NominationError(
                _("Each answer may be at most %(limit)s characters; one has %(length)s.")
                % {"limit": limit, "length": len(text)}
            )


# --- nominating ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Submitted:
    nomination: Nomination
    is_update: bool


def submit_nomination(
    *,
    edition: Edition,
    municipality: Municipality,
    proud: str,
    effect: str,
    learned: str,
    nominator_name: str,
    nominator_email: str,
    nominator_organisation: str = "",
    language: str = "sv",
    now: datetime | None = None,
) -> Submitted:
    """Take a nomination and e-mail its confirmation link; nothing counts until it is followed.

    The same address, municipality and edition send a newer text for the earlier nomination
    instead of adding one: a NominationRevision with a link of its own. Anyone can type any
    address, so nothing about the nomination changes, and no link mailed earlier stops working,
    until the address's owner follows the link mailed with the newer text.
    """
    now = now or timezone.now()
    if not nominations_are_open(edition, now=now):
        raise NominationsClosed(
            _("Nominations for %(title)s are not open, so the nomination was not saved.")
            % {"title": edition.title}
        )
    content = {
        "proud": _clean_text(proud),
        "effect": _clean_text(effect),
        "learned": _clean_text(learned),
        "nominator_name": " ".join(nominator_name.split()),
        "nominator_organisation": " ".join(nominator_organisation.split()),
    }
    _check_answers(
        {k: content[k] for k in ("proud", "effect", "learned")},
        limit=NOMINATION_ANSWER_MAX_LENGTH,
        required=True,
    )
    if not content["nominator_name"]:
        raise NominationError(_("Write your name."))
    email = nominator_email.strip().lower()
    if "@" not in email:
        raise NominationError(_("Write your e-mail address, e.g. name@example.se."))
    language = language if language in ("sv", "en") else "sv"
    with transaction.atomic():
        earlier = Nomination.objects.select_for_update().filter(
            edition=edition, municipality=municipality, nominator_email=email
        )
        nomination = earlier.first()
        created = False
        if nomination is None:
            try:
                with transaction.atomic():
                    nomination = Nomination.objects.create(
                        edition=edition,
                        municipality=municipality,
                        nominator_email=email,
                        language=language,
                        consented_at=now,
                        submitted_at=now,
                        **content,
                    )
                created = True
            except IntegrityError:
                # The same form sent twice at once: the other request created it.
                nomination = earlier.get()
        is_update = not created
        link, secret = links.confirmation_link(
            nomination_id=nomination.pk, issued_at=now, language=language
        )
        revision = None
        if is_update:
            revision = NominationRevision.objects.create(
                nomination=nomination,
                language=language,
                token_hash=hash_secret(secret),
                submitted_at=now,
                **content,
            )
        else:
            nomination.token_hash = hash_secret(secret)
            nomination.save(update_fields=["token_hash"])
        record_event(
            action="nomination.submitted",
            actor=PUBLIC_ACTOR,
            target=f"nomination:{nomination.pk}",
            after={
                "edition": _edition_target(edition),
                "municipality": municipality.code,
                "status": nomination.status,
                "awaits_confirmation": True,
                **({"revision": revision.pk} if revision is not None else {}),
            },
        )
        expires_at = now + _link_lifetime()
        with translation.override(language):
            expires_text = date_format(timezone.localtime(expires_at), "j F Y, H:i")
        queue_mail(
            to=email,
            template="nominations/confirm",
            language=language,
            edition=edition,
            links={"link": link},
            context={
                "name": content["nominator_name"],
                "municipality": municipality.name,
                "edition_title": edition.title,
                "form_link": _url("nominate", language=language),
                "privacy_link": _url("nominate-privacy", language=language),
                "valid_hours": settings.KOMMUNPRIS_NOMINATION_LINK_HOURS,
                "expires": expires_text,
                "is_update": is_update,
            },
        )
    return Submitted(nomination=nomination, is_update=is_update)


@dataclass(frozen=True)
class LinkedText:
    """What a confirmation link confirms: its nomination, and the newer text it was mailed with
    (None: the nomination's own first text)."""

    nomination: Nomination
    revision: NominationRevision | None

    @property
    def text(self) -> Nomination | NominationRevision:
        return self.revision if self.revision is not None else self.nomination


def nomination_from_link(token: str, *, now: datetime | None = None) -> LinkedText:
    """The nomination and text a confirmation link belongs to, if the link can still be used.

    Raises LinkInvalid (forged or damaged), LinkExpired (older than its lifetime) or LinkUsed
    (followed already, or a newer text has been confirmed since; `.nomination` says which).
    """
    now = now or timezone.now()
    link = read_link(token, salt=NOMINATION_SALT, now=now, valid_for=_link_lifetime())
    nomination = (
        Nomination.objects.select_related("edition__award", "municipality", "candidacy")
        .prefetch_related("edition__award__names", "revisions")
        .filter(pk=link.object_id)
        .first()
    )
    if nomination is None:
        raise LinkInvalid(token)
    secret_hash = hash_secret(link.secret)
    if nomination.token_hash and constant_time_compare(nomination.token_hash, secret_hash):
        return LinkedText(nomination=nomination, revision=None)
    for revision in nomination.revisions.all():
        if constant_time_compare(revision.token_hash, secret_hash):
            return LinkedText(nomination=nomination, revision=revision)
    raise LinkUsed(token, nomination)


@dataclass(frozen=True)
class Confirmed:
    nomination: Nomination
    candidacy: Candidacy
    first_time: bool


def confirm_nomination(*, token: str, now: datetime | None = None) -> Confirmed:
    """Follow a confirmation link: the nomination counts, with the text the link was mailed
    with, and joins its municipality's candidacy; links mailed with older texts stop working,
    newer texts keep waiting for theirs. The municipality's contact is told of the first one."""
    now = now or timezone.now()
    # A forged, damaged or expired link is refused before anything is locked.
    link = read_link(token, salt=NOMINATION_SALT, now=now, valid_for=_link_lifetime())
    with transaction.atomic():
        nomination = (
            # The nomination's row only: the edition's, shared by every confirmation of the
            # call, stays free (PostgreSQL would lock every row of the join).
            Nomination.objects.select_for_update(of=("self",))
            .select_related("edition__award", "municipality")
            .filter(pk=link.object_id)
            .first()
        )
        if nomination is None:
            raise LinkInvalid(token)
        found = nomination_from_link(token, now=now)  # under the lock
        edition = nomination.edition
        if not nominations_may_be_confirmed(edition):
            raise NominationsClosed(
                _(
                    "The jury's work on %(title)s has begun, so nominations can no longer be "
                    "confirmed."
                )
                % {"title": edition.title}
            )
        before = {"status": nomination.status}
        first_time = nomination.status == NominationStatus.PENDING
        fields = ["token_hash", "candidacy"]
        revision = found.revision
        if revision is not None:
            for field in NOMINATOR_FIELDS:
                setattr(nomination, field, getattr(revision, field))
            nomination.language = revision.language
            nomination.consented_at = nomination.submitted_at = revision.submitted_at
            fields += [*NOMINATOR_FIELDS, "language", "consented_at", "submitted_at"]
            # This text and every older one are settled: their links stop working.
            NominationRevision.objects.filter(nomination=nomination, pk__lte=revision.pk).delete()
        if first_time:
            nomination.status = NominationStatus.CONFIRMED
            nomination.confirmed_at = now
            fields += ["status", "confirmed_at"]
        candidacy = _candidacy_of(edition, nomination.municipality, now=now)
        nomination.candidacy = candidacy
        nomination.token_hash = ""  # the first text's link: the oldest of all
        nomination.save(update_fields=fields)
        record_event(
            action="nomination.confirmed" if first_time else "nomination.updated",
            actor=PUBLIC_ACTOR,
            target=f"nomination:{nomination.pk}",
            before=before,
            after={
                "status": nomination.status,
                "candidacy": candidacy.pk,
                "municipality": nomination.municipality.code,
                **({"revision": revision.pk} if revision is not None else {}),
            },
        )
        if first_time:
            _tell_contact_if_due(edition, nomination.municipality, now=now)
    return Confirmed(nomination=nomination, candidacy=candidacy, first_time=first_time)


def _candidacy_of(edition: Edition, municipality: Municipality, *, now: datetime) -> Candidacy:
    """The candidacy the municipality stands in, created with its first confirmed nomination."""
    member = (
        CandidacyMember.objects.select_related("candidacy")
        .filter(edition=edition, municipality=municipality)
        .first()
    )
    if member is not None:
        return member.candidacy
    try:
        with transaction.atomic():
            candidacy = Candidacy.objects.create(edition=edition)
            CandidacyMember.objects.create(
                candidacy=candidacy, edition=edition, municipality=municipality, position=0
            )
    except IntegrityError:
        # Another confirmation created it a moment ago.
        return (
            CandidacyMember.objects.select_related("candidacy")
            .get(edition=edition, municipality=municipality)
            .candidacy
        )
    record_event(
        action="candidacy.created",
        actor="system",
        target=f"candidacy:{candidacy.pk}",
        after={"edition": _edition_target(edition), "municipalities": [municipality.code]},
    )
    return candidacy


# --- organiser's work on the field ---------------------------------------------------------


def reject_nomination(
    *, nomination: Nomination, reason: str, actor: str, now: datetime | None = None
) -> Nomination:
    """Mark a nomination as spam: it no longer counts, and its link stops working."""
    now = now or timezone.now()
    reason = " ".join(reason.split())
    if len(reason) < 3:
        raise CandidacyError("Skriv varför nomineringen avvisas (minst några ord).")
    with transaction.atomic():
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status == NominationStatus.REJECTED:
            raise CandidacyError(f"Nominering {nomination.pk} är redan avvisad.")
        before = {"status": nomination.status}
        nomination.status = NominationStatus.REJECTED
        nomination.rejected_at = now
        nomination.rejected_by = actor
        nomination.rejected_reason = reason
        nomination.token_hash = ""
        nomination.save(
            update_fields=[
                "status",
                "rejected_at",
                "rejected_by",
                "rejected_reason",
                "token_hash",
            ]
        )
        NominationRevision.objects.filter(nomination=nomination).delete()
        record_event(
            action="nomination.rejected",
            actor=actor,
            target=f"nomination:{nomination.pk}",
            before=before,
            after={"status": nomination.status, "reason": reason},
        )
    return nomination


def join_candidacies(*, candidacies: Sequence[Candidacy], actor: str) -> Candidacy:
    """Several municipalities standing together (2023: Mora, Orsa and Älvdalen): the first
    candidacy keeps its identity and takes the others' members, nominations and attachments."""
    ids = list(dict.fromkeys(c.pk for c in candidacies))
    if len(ids) < 2:
        raise CandidacyError("Välj minst två kandidaturer att slå ihop.")
    with transaction.atomic():
        locked = {
            c.pk: c
            for c in Candidacy.objects.select_for_update()
            .filter(pk__in=ids)
            .select_related("edition__award")
            .prefetch_related("members__municipality")
        }
        if len(locked) != len(ids):
            raise CandidacyError("En av kandidaturerna finns inte längre. Ladda om sidan.")
        ordered = [locked[pk] for pk in ids]
        if len({c.edition_id for c in ordered}) > 1:
            raise CandidacyError("Bara kandidaturer i samma upplaga kan slås ihop.")
        if any(c.stage != Stage.CANDIDACY for c in ordered):
            raise CandidacyError(
                "Juryn har redan gått vidare med någon av kandidaturerna; de kan inte slås ihop."
            )
        target, others = ordered[0], ordered[1:]
        before = {"candidacies": [_candidacy_summary(c) for c in ordered]}
        position = max((m.position for m in target.members.all()), default=-1) + 1
        target_fields: set[str] = set()
        for other in others:
            for member in sorted(other.members.all(), key=lambda m: m.position):
                member.candidacy = target
                member.position = position
                member.save(update_fields=["candidacy", "position"])
                position += 1
            Nomination.objects.filter(candidacy=other).update(candidacy=target)
            Attachment.objects.filter(candidacy=other).update(candidacy=target)
            if not target.has_contribution and other.has_contribution:
                target.own_proud, target.own_effect = other.own_proud, other.own_effect
                target.own_learned = other.own_learned
                target.contribution_updated_at = other.contribution_updated_at
                target_fields |= {"own_proud", "own_effect", "own_learned"}
                target_fields.add("contribution_updated_at")
            if other.response != target.response:
                # The municipalities answered differently: the joint candidacy is answered anew.
                target.response, target.responded_at = Response.PENDING, None
                target_fields |= {"response", "responded_at"}
            other.delete()
        if target_fields:
            target.save(update_fields=sorted(target_fields))
        joined = (
            Candidacy.objects.select_related("edition__award")
            .prefetch_related("members__municipality")
            .get(pk=target.pk)
        )
        record_event(
            action="candidacy.joined",
            actor=actor,
            target=f"candidacy:{joined.pk}",
            before=before,
            after=_candidacy_summary(joined),
        )
    return joined


def _candidacy_summary(candidacy: Candidacy) -> dict[str, Any]:
    return {
        "id": candidacy.pk,
        "municipalities": [m.code for m in candidacy.municipalities],
        "response": candidacy.response,
    }


# --- municipality contacts -----------------------------------------------------------------


def register_contact(
    *,
    edition: Edition,
    municipality: Municipality,
    email: str,
    name: str = "",
    actor: str,
    now: datetime | None = None,
) -> MunicipalityContact:
    """The organiser names who speaks for a municipality; if it already has a confirmed
    nomination, the (new) contact is told at once."""
    now = now or timezone.now()
    email = email.strip().lower()
    name = " ".join(name.split())
    if "@" not in email:
        raise CandidacyError("Ange kontaktpersonens e-postadress, t.ex. namn@kommun.se.")
    with transaction.atomic():
        contact = (
            MunicipalityContact.objects.select_for_update()
            .filter(edition=edition, municipality=municipality)
            .first()
        )
        before = {"email": contact.email, "name": contact.name} if contact else None
        if contact is None:
            contact = MunicipalityContact.objects.create(
                edition=edition, municipality=municipality, email=email, name=name
            )
        elif (contact.email, contact.name) != (email, name):
            if contact.email != email:
                # The old address's links stop working; the new address has not been told yet.
                ContactLink.objects.filter(contact=contact, used_at__isnull=True).delete()
                contact.notified_at = None
            contact.email, contact.name = email, name
            contact.save(update_fields=["email", "name", "notified_at"])
        else:
            return contact
        record_event(
            action="contact.registered" if before is None else "contact.changed",
            actor=actor,
            target=f"contact:{_edition_target(edition)}:{municipality.code}",
            before=before,
            after={"email": email, "name": name},
        )
        _tell_contact_if_due(edition, municipality, now=now)
        contact.refresh_from_db(fields=["notified_at"])
    return contact


def _tell_contact_if_due(edition: Edition, municipality: Municipality, *, now: datetime) -> None:
    """Tell the contact once that the municipality is a candidate (if there is a contact yet and
    a confirmed nomination); otherwise the notice waits for whichever comes second."""
    contact = (
        MunicipalityContact.objects.select_for_update()
        .select_related("edition__award", "municipality")
        .filter(edition=edition, municipality=municipality, notified_at__isnull=True)
        .first()
    )
    if contact is None:
        return
    if not Nomination.objects.filter(
        edition=edition, municipality=municipality, status=NominationStatus.CONFIRMED
    ).exists():
        return
    queue_mail(
        to=contact.email,
        template="nominations/candidacy_notice",
        language="sv",
        edition=edition,
        context=_contact_mail_context(contact),
        links={"link": _new_contact_link(contact, now=now)},
    )
    contact.notified_at = now
    contact.save(update_fields=["notified_at"])
    record_event(
        action="contact.notified",
        actor="system",
        target=f"contact:{_edition_target(edition)}:{municipality.code}",
        after={"email": contact.email, "notified_at": now},
    )


def _contact_mail_context(contact: MunicipalityContact) -> dict[str, Any]:
    edition = contact.edition
    return {
        "name": contact.name,
        "municipality": contact.municipality.name,
        "edition_title": edition.title,
        "signin_link": _url("desk:nominations-contact-signin", language="sv"),
        "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
        "supplement_close": _local_day(edition.supplement_close_at),
    }


def _new_contact_link(contact: MunicipalityContact, *, now: datetime) -> SecretLink:
    link, secret = links.contact_sign_in_link()
    ContactLink.objects.create(
        contact=contact,
        token_hash=hash_secret(secret),
        created_at=now,
        expires_at=now + _contact_link_lifetime(),
    )
    return link


CONTACT_PHASES = (
    Phase.NOMINATIONS_OPEN,
    Phase.NOMINATIONS_CLOSED,
    Phase.JURY_REVIEW,
    Phase.DELIBERATION,
    Phase.DECIDED,
)


def request_contact_link(*, email: str, now: datetime | None = None) -> int:
    """E-mail a one-time sign-in link to every current contact with this address; how many
    were sent is for logs only (the page says the same whether or not the address is known)."""
    now = now or timezone.now()
    email = email.strip().lower()
    with transaction.atomic():
        contacts = list(
            MunicipalityContact.objects.select_related("edition__award", "municipality")
            .prefetch_related("edition__award__names")
            .filter(email=email, edition__phase__in=CONTACT_PHASES)
        )
        for contact in contacts:
            queue_mail(
                to=contact.email,
                template="nominations/contact_link",
                language="sv",
                edition=contact.edition,
                context=_contact_mail_context(contact),
                links={"link": _new_contact_link(contact, now=now)},
            )
            record_event(
                action="contact.link_sent",
                actor=PUBLIC_ACTOR,
                target=f"contact:{_edition_target(contact.edition)}:{contact.municipality.code}",
                after={"email": contact.email},
            )
        if not contacts:
            # No link to send, but the same work all the same — a secret drawn and hashed, the
            # message rendered and dropped, one audit event without the address — so the
            # answer's timing does not tell who is a contact.
            _unused_link, secret = links.contact_sign_in_link()
            hash_secret(secret)
            render_mail(
                "nominations/contact_link",
                {
                    "name": "",
                    "municipality": "",
                    "edition_title": "",
                    "link": "[[link-0000000000000000]]",
                    "signin_link": _url("desk:nominations-contact-signin", language="sv"),
                    "valid_hours": settings.KOMMUNPRIS_CONTACT_LINK_HOURS,
                    "supplement_close": _local_day(now),
                },
                language="sv",
            )
            record_event(
                action="contact.link_request_without_contact",
                actor=PUBLIC_ACTOR,
                target="contacts",
                after={"contacts": 0},
            )
    return len(contacts)


def contact_link_state(token: str, *, now: datetime | None = None) -> ContactLink:
    """The link if it can still be used; raises LinkInvalid, LinkUsed or LinkExpired."""
    now = now or timezone.now()
    link = (
        ContactLink.objects.select_related("contact__municipality", "contact__edition__award")
        .filter(token_hash=hash_secret(token))
        .first()
    )
    if link is None:
        raise LinkInvalid(token)
    if link.used_at is not None:
        raise LinkUsed(token)
    if link.expires_at <= now:
        raise LinkExpired(token)
    return link


def sign_in_contact(*, token: str, now: datetime | None = None) -> MunicipalityContact:
    """Use a one-time link (it is spent); the caller starts the contact's session."""
    now = now or timezone.now()
    with transaction.atomic():
        link = contact_link_state(token, now=now)
        locked = ContactLink.objects.select_for_update().get(pk=link.pk)
        if locked.used_at is not None:
            raise LinkUsed(token)
        locked.used_at = now
        locked.save(update_fields=["used_at"])
        contact = link.contact
        record_event(
            action="contact.signed_in",
            actor=f"contact:{contact.email}",
            target=f"contact:{_edition_target(contact.edition)}:{contact.municipality.code}",
            after={"link": link.pk},
        )
    return contact


# --- the municipality's own contribution ---------------------------------------------------


def _check_contact_may_change(
    candidacy: Candidacy, contact: MunicipalityContact, *, now: datetime | None = None
) -> None:
    if not contact_speaks_for(contact, candidacy):
        raise ContributionError(_("You can only change your own municipality's candidacy."))
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
    *, candidacy: Candidacy, contact: MunicipalityContact, now: datetime | None = None
) -> None:
    """Raises ContributionError saying why the contact cannot answer now; returns if they can
    (for the page that asks before a municipality declines)."""
    _check_contact_may_change(candidacy, contact, now=now)


def check_remove_attachment(
    *, attachment: Attachment, contact: MunicipalityContact, now: datetime | None = None
) -> None:
    """Raises ContributionError saying why the document cannot be removed now; returns if it
    can (for the page that asks first)."""
    _check_contact_may_change(attachment.candidacy, contact, now=now)


def respond_to_candidacy(
    *,
    candidacy: Candidacy,
    contact: MunicipalityContact,
    accept: bool,
    now: datetime | None = None,
) -> Candidacy:
    """The municipality accepts or declines being a candidate (it may change its mind until
    the supplement deadline)."""
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
            action="candidacy.accepted" if accept else "candidacy.declined",
            actor=f"contact:{contact.email}",
            target=f"candidacy:{locked.pk}",
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
    contact: MunicipalityContact,
    proud: str,
    effect: str,
    learned: str,
    now: datetime | None = None,
) -> Candidacy:
    """The municipality's own answers to the three questions."""
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
            action="candidacy.contribution_saved",
            actor=f"contact:{contact.email}",
            target=f"candidacy:{locked.pk}",
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
    contact: MunicipalityContact,
    upload: UploadedFile,
    now: datetime | None = None,
) -> Attachment:
    """A PDF of at most the size limit, checked by its content; at most the count limit; never
    the same content twice in one candidacy (compared by SHA-256, whatever the file's name)."""
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
                action="attachment.added",
                actor=f"contact:{contact.email}",
                target=f"candidacy:{locked.pk}",
                after={"attachment": attachment.pk, "name": name, "size": size},
            )
        except Exception:
            storage.delete(stored)
            raise
    return attachment


def remove_attachment(
    *, attachment: Attachment, contact: MunicipalityContact, now: datetime | None = None
) -> None:
    """Remove an attachment before the deadline; the file goes once the removal is committed."""
    now = now or timezone.now()
    with transaction.atomic():
        _lock_for_contact(attachment.candidacy, contact, now=now)
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        stored = locked.stored_name
        record_event(
            action="attachment.removed",
            actor=f"contact:{contact.email}",
            target=f"candidacy:{locked.candidacy_id}",
            before={"attachment": locked.pk, "name": locked.original_name, "size": locked.size},
        )
        locked.delete()
        transaction.on_commit(lambda: storage.delete(stored))


# --- personal data: the retention schedule and a nominator's own requests ------------------

UNCONFIRMED_KEPT_DAYS = 30
# How long the mail log keeps a message of the call (links, notices) after it was queued: long
# enough to answer "was it sent?", far longer than any link in it works.
MAIL_KEPT_DAYS = 30
PERSONAL_DATA_LINK_HOURS = 72

_ERASED_NOMINATOR: dict[str, Any] = {
    "nominator_name": "",
    "nominator_email": "",
    "nominator_organisation": "",
    "token_hash": "",
}


@dataclass(frozen=True)
class Purged:
    unconfirmed_deleted: int
    updates_dropped: int
    nominators_erased: int
    contacts_deleted: int
    uploaders_erased: int
    mails_deleted: int
    # Titles of announced editions without a publication time that still hold personal data:
    # their retention clock cannot start, so the command warns instead.
    without_publish_at: tuple[str, ...] = ()

    def counts(self) -> dict[str, int]:
        return {
            "unconfirmed_deleted": self.unconfirmed_deleted,
            "updates_dropped": self.updates_dropped,
            "nominators_erased": self.nominators_erased,
            "contacts_deleted": self.contacts_deleted,
            "uploaders_erased": self.uploaders_erased,
            "mails_deleted": self.mails_deleted,
        }


def _deleted(counts: dict[str, int], model: type[Any]) -> int:
    return counts.get(model._meta.label, 0)


def purge_personal_data(*, actor: str, now: datetime | None = None) -> Purged:
    """Keep what the privacy notice promises; safe to run every day (a second run finds nothing).

    Unconfirmed nominations, and unconfirmed changes to confirmed ones, go after 30 days; the
    mail log's messages of the call after 30 days. Once the retention period has passed since an
    edition was announced, its nominators' names, addresses and organisations are erased (the
    nominations' texts stay), and its municipality contacts go, with their addresses on the
    attachments they uploaded. An edition counts as announced from its publication time, whether
    the organiser marked it announced or it is decided with that time passed (the embargo rule);
    imported archive editions have no publication time and hold no nominators.
    """
    now = now or timezone.now()
    retention = timedelta(days=settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS)
    unconfirmed_before = now - timedelta(days=UNCONFIRMED_KEPT_DAYS)
    with transaction.atomic():
        _total, deleted = Nomination.objects.filter(
            status=NominationStatus.PENDING, submitted_at__lt=unconfirmed_before
        ).delete()
        unconfirmed = _deleted(deleted, Nomination)
        _total, deleted = NominationRevision.objects.filter(
            submitted_at__lt=unconfirmed_before
        ).delete()
        updates = _deleted(deleted, NominationRevision)
        expired = Edition.objects.filter(
            phase__in=(Phase.DECIDED, Phase.ANNOUNCED), publish_at__lte=now - retention
        )
        erased = Nomination.objects.filter(edition__in=expired, anonymised_at__isnull=True).update(
            **_ERASED_NOMINATOR, anonymised_at=now
        )
        uploaders = (
            Attachment.objects.filter(candidacy__edition__in=expired)
            .exclude(uploaded_by="")
            .update(uploaded_by="")
        )
        _total, deleted = MunicipalityContact.objects.filter(edition__in=expired).delete()
        contacts = _deleted(deleted, MunicipalityContact)
        _total, deleted = OutgoingMail.objects.filter(
            template__startswith="nominations/",
            created_at__lt=now - timedelta(days=MAIL_KEPT_DAYS),
        ).delete()
        purged = Purged(
            unconfirmed_deleted=unconfirmed,
            updates_dropped=updates,
            nominators_erased=erased,
            contacts_deleted=contacts,
            uploaders_erased=uploaders,
            mails_deleted=_deleted(deleted, OutgoingMail),
            without_publish_at=_announced_without_publish_at(),
        )
        if any(purged.counts().values()):
            record_event(
                action="nominations.personal_data_purged",
                actor=actor,
                target="nominations",
                after={
                    **purged.counts(),
                    "retention_days": settings.KOMMUNPRIS_NOMINATOR_RETENTION_DAYS,
                },
            )
    return purged


def _announced_without_publish_at() -> tuple[str, ...]:
    editions = (
        Edition.objects.filter(phase=Phase.ANNOUNCED, publish_at__isnull=True)
        .filter(
            Exists(Nomination.objects.filter(edition=OuterRef("pk"), anonymised_at__isnull=True))
            | Exists(MunicipalityContact.objects.filter(edition=OuterRef("pk")))
        )
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("year")
    )
    return tuple(edition.title for edition in editions)


def _personal_data_link_lifetime() -> timedelta:
    return timedelta(hours=PERSONAL_DATA_LINK_HOURS)


def request_personal_data_link(
    *, email: str, language: str = "sv", now: datetime | None = None
) -> int:
    """E-mail a link to everything kept about an address, if nominations were sent from it.

    Returns how many nominations the address has, for tests and logs only: the page a person
    sees says the same whether or not there are any, so nobody learns who has nominated.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    language = language if language in ("sv", "en") else "sv"
    if "@" not in email:  # also keeps "" from matching erased nominations
        return 0
    with transaction.atomic():
        held = list(
            Nomination.objects.filter(nominator_email=email)
            .order_by("-submitted_at", "-id")
            .values_list("pk", flat=True)
        )
        with translation.override(language):
            expires = date_format(
                timezone.localtime(now + _personal_data_link_lifetime()), "j F Y, H:i"
            )
        context = {
            "request_link": _url("personal-data-request", language=language),
            "privacy_link": _url("nominate-privacy", language=language),
            "valid_hours": PERSONAL_DATA_LINK_HOURS,
            "expires": expires,
            "count": len(held),
        }
        if not held:
            # Nothing is kept, so nothing is sent; but the request does the same work as for a
            # known address (the message rendered and dropped, one audit event without the
            # address), so the answer's timing does not tell who has nominated either (as
            # Django's ModelBackend hashes a password for a user that does not exist).
            render_mail(
                "nominations/personal_data_link",
                {**context, "link": "[[link-0000000000000000]]"},
                language=language,
            )
            record_event(
                action="nominations.personal_data_request_without_data",
                actor=PUBLIC_ACTOR,
                target="nominations",
                after={"nominations": 0, "language": language},
            )
            return 0
        queue_mail(
            to=email,
            template="nominations/personal_data_link",
            language=language,
            # The template of the edition of the newest nomination (kommunpris.mail.catalogue).
            edition=Edition.objects.filter(nominations__pk=held[0]).first(),
            # The newest nomination anchors the link: it is the last to be erased on schedule.
            links={
                "link": links.personal_data_link(
                    nomination_id=held[0], issued_at=now, language=language
                )
            },
            context=context,
        )
        record_event(
            action="nominations.personal_data_link_sent",
            actor=PUBLIC_ACTOR,
            target=f"nomination:{held[0]}",
            after={"nominations": len(held), "language": language},
        )
    return len(held)


def personal_data_address(token: str, *, now: datetime | None = None) -> str:
    """The address a personal-data link was sent to, or "" once nothing is kept about it (its
    owner deleted it, or it was erased on schedule). Raises LinkInvalid (forged or damaged) or
    LinkExpired (older than its lifetime)."""
    now = now or timezone.now()
    link = read_link(
        token, salt=PERSONAL_DATA_SALT, now=now, valid_for=_personal_data_link_lifetime()
    )
    email = (
        Nomination.objects.filter(pk=link.object_id)
        .order_by()
        .values_list("nominator_email", flat=True)
        .first()
    )
    if not email or not constant_time_compare(address_key(email), link.secret):
        return ""
    return email


def erasure_deletes_entirely(nomination: Nomination, *, now: datetime | None = None) -> bool:
    """Whether a nominator's deletion request removes this nomination altogether: it never
    counted (unconfirmed or rejected), or the call is still open so it can simply be withdrawn.
    Otherwise the jury has had it: the texts stay in its record without name or address."""
    return nomination.status != NominationStatus.CONFIRMED or nominations_are_open(
        nomination.edition, now=now
    )


@dataclass(frozen=True)
class Erased:
    nominations_deleted: int
    nominations_anonymised: int
    mails_deleted: int


def erase_personal_data(*, token: str, now: datetime | None = None) -> Erased:
    """A nominator's request, through their link, to delete what is kept about their address.

    Nominations that never counted, or whose call is still open, are deleted (a candidacy's
    count follows); confirmed nominations the jury has had lose name, address and organisation
    and are marked anonymised. The messages sent to the address go from the mail log. The audit
    event names the nominations and counts, never the address. A second request finds nothing.
    """
    now = now or timezone.now()
    with transaction.atomic():
        email = personal_data_address(token, now=now)
        if not email:
            return Erased(0, 0, 0)
        nominations = list(
            Nomination.objects.select_for_update()
            .select_related("edition")
            .filter(nominator_email=email)
            .order_by("id")
        )
        if not nominations:  # a second request at the same moment found them gone
            return Erased(0, 0, 0)
        removed = [n.pk for n in nominations if erasure_deletes_entirely(n, now=now)]
        anonymised = [n.pk for n in nominations if n.pk not in removed]
        Nomination.objects.filter(pk__in=removed).delete()
        Nomination.objects.filter(pk__in=anonymised).update(**_ERASED_NOMINATOR, anonymised_at=now)
        NominationRevision.objects.filter(nomination_id__in=anonymised).delete()
        _total, deleted = OutgoingMail.objects.filter(
            to__iexact=email, template__in=NOMINATOR_MAIL_TEMPLATES
        ).delete()
        erased = Erased(
            nominations_deleted=len(removed),
            nominations_anonymised=len(anonymised),
            mails_deleted=_deleted(deleted, OutgoingMail),
        )
        record_event(
            action="nominations.personal_data_erased",
            actor=PUBLIC_ACTOR,
            target="nominations",
            after={
                "nominations_deleted": erased.nominations_deleted,
                "nominations_anonymised": erased.nominations_anonymised,
                "mails_deleted": erased.mails_deleted,
                "deleted": removed,
                "anonymised": anonymised,
            },
        )
    return erased
