"""Who may do what in the call for nominations: the window, the organiser, the jury's reading,
and a municipality contact's own candidacy. Views, templates and services ask here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kommunpris.awards.models import Edition, Phase

from .accounts import is_organiser
from .jury import conflicted_candidacy_ids
from .registry import register

if TYPE_CHECKING:
    from kommunpris.nominations.models import Attachment, Candidacy, MunicipalityContact

# The Django permission that lets a non-organiser (a juror) read contributions and attachments.
READ_CANDIDACY_MATERIAL = "nominations.view_attachment"


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def nominations_are_open(edition: Edition, *, now: datetime | None = None) -> bool:
    """The form takes nominations: the call is open and its deadline has not passed."""
    return (
        edition.phase == Phase.NOMINATIONS_OPEN
        and edition.nominations_close_at is not None
        and _now(now) < edition.nominations_close_at
    )


def nominations_may_be_confirmed(edition: Edition) -> bool:
    """A link sent before the deadline still counts afterwards, until the jury starts."""
    return edition.phase in (Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED)


def supplement_is_open(edition: Edition, *, now: datetime | None = None) -> bool:
    """Municipalities may answer and add material until the supplement deadline."""
    return (
        edition.phase in (Phase.NOMINATIONS_OPEN, Phase.NOMINATIONS_CLOSED)
        and edition.supplement_close_at is not None
        and _now(now) < edition.supplement_close_at
    )


def may_manage_nominations(user: Any) -> bool:
    return is_organiser(user)


def may_read_candidacy_material(user: Any, candidacy: Candidacy) -> bool:
    """Organisers, and users granted READ_CANDIDACY_MATERIAL (the jury), read what a
    municipality sent in: its own answers and its PDF attachments. A juror never reads the
    material of a candidacy the conflict rule (kommunpris.permissions.jury) keeps from them."""
    if is_organiser(user):
        return True
    return bool(
        user.is_authenticated
        and user.is_active
        and user.has_perm(READ_CANDIDACY_MATERIAL)
        and candidacy.pk not in conflicted_candidacy_ids(user, candidacy.edition)
    )


def contact_speaks_for(contact: MunicipalityContact, candidacy: Candidacy) -> bool:
    """A contact speaks for a candidacy its municipality stands in, in the contact's edition."""
    return candidacy.edition_id == contact.edition_id and any(
        member.municipality_id == contact.municipality_id for member in candidacy.members.all()
    )


def contact_may_edit(
    contact: MunicipalityContact, candidacy: Candidacy, *, now: datetime | None = None
) -> bool:
    """Answer, write and upload: the contact's own candidacy, before the supplement deadline."""
    return contact_speaks_for(contact, candidacy) and supplement_is_open(candidacy.edition, now=now)


def contact_may_read_attachment(contact: MunicipalityContact, attachment: Attachment) -> bool:
    """A contact opens the documents of a candidacy their municipality stands in (their own
    and, in a joint candidacy, the partners'), also after the deadline."""
    return contact_speaks_for(contact, attachment.candidacy)


register("nominations.curate", may_manage_nominations)
register("nominations.read_material", may_read_candidacy_material)
