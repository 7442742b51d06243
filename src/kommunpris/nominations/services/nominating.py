"""A nominator's nomination: taken from the public form, then counted once its e-mailed link is
followed (joining its municipality's candidacy)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    PUBLIC,
    SYSTEM,
    Action,
    actor_label,
    candidacy_target,
    edition_target,
    nomination_target,
)
from kommunpris.awards.models import Edition
from kommunpris.mail.services import queue_mail
from kommunpris.permissions.nominations import nominations_are_open, nominations_may_be_confirmed
from kommunpris.register.models import Municipality

from .. import links
from ..errors import NominationError, NominationsClosed
from ..links import confirmation_link_lifetime
from ..models import (
    Candidacy,
    CandidacyMember,
    Nomination,
    NominationRevision,
    NominationStatus,
)
from ..questions import clean_answers
from ..selectors import nomination_from_link
from ..tokens import NOMINATION_SALT, LinkInvalid, hash_secret, read_link
from ._common import Actor, _url
from .contacts import _tell_contact_if_due
from .questions import freeze_questions

NOMINATOR_FIELDS = ("answers", "nominator_name", "nominator_organisation")


@dataclass(frozen=True)
class Submitted:
    nomination: Nomination
    is_update: bool


def submit_nomination(
    *,
    edition: Edition,
    municipality: Municipality,
    answers: Mapping[str, str],
    nominator_name: str,
    nominator_email: str,
    nominator_organisation: str = "",
    language: str = "sv",
    actor: Actor = PUBLIC,
    now: datetime | None = None,
) -> Submitted:
    """Take a nomination and e-mail its confirmation link; nothing counts until it is followed.

    The same address, municipality and edition send a newer text for the earlier nomination
    instead of adding one: a NominationRevision with a link of its own. Anyone can type any
    address, so nothing about the nomination changes, and no link mailed earlier stops working,
    until the address's owner follows the link mailed with the newer text.

    `answers` are keyed by the edition's questions (NominationQuestion.key). The first
    nomination of an edition freezes its questions (in the same transaction: a refused one
    freezes nothing).

    Anyone may nominate while the call is open (asked first); the nominator is the public.
    """
    now = now or timezone.now()
    if not nominations_are_open(edition, now=now):
        raise NominationsClosed(
            _("Nominations for %(title)s are not open, so the nomination was not saved.")
            % {"title": edition.title}
        )
    content: dict[str, object] = {
        "nominator_name": " ".join(nominator_name.split()),
        "nominator_organisation": " ".join(nominator_organisation.split()),
    }
    if not content["nominator_name"]:
        raise NominationError(_("Write your name."))
    email = nominator_email.strip().lower()
    if "@" not in email:
        raise NominationError(_("Write your e-mail address, e.g. name@example.se."))
    language = language if language in ("sv", "en") else "sv"
    with transaction.atomic():
        try:
            content["answers"] = clean_answers(
                freeze_questions(edition, now=now), answers, contribution=False
            )
        except ValueError as exc:
            raise NominationError(str(exc)) from None
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
            action=Action.NOMINATION_SUBMITTED,
            actor=actor_label(actor),
            target=nomination_target(nomination),
            after={
                "edition": edition_target(edition),
                "municipality": municipality.code,
                "status": nomination.status,
                "awaits_confirmation": True,
                **({"revision": revision.pk} if revision is not None else {}),
            },
        )
        expires_at = now + confirmation_link_lifetime()
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
class Confirmed:
    nomination: Nomination
    candidacy: Candidacy
    first_time: bool


def confirm_nomination(
    *, token: str, actor: Actor = PUBLIC, now: datetime | None = None
) -> Confirmed:
    """Follow a confirmation link: the nomination counts, with the text the link was mailed
    with, and joins its municipality's candidacy; links mailed with older texts stop working,
    newer texts keep waiting for theirs. The municipality's contact is told of the first one."""
    now = now or timezone.now()
    # A forged, damaged or expired link is refused before anything is locked.
    link = read_link(token, salt=NOMINATION_SALT, now=now, valid_for=confirmation_link_lifetime())
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
            action=Action.NOMINATION_CONFIRMED if first_time else Action.NOMINATION_UPDATED,
            actor=actor_label(actor),
            target=nomination_target(nomination),
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
        action=Action.CANDIDACY_CREATED,
        actor=SYSTEM,
        target=candidacy_target(candidacy),
        after={"edition": edition_target(edition), "municipalities": [municipality.code]},
    )
    return candidacy
