"""Who may do what in the call for nominations: the window, the organiser, and a municipality
contact's own candidacy. Views, templates and services ask here.

The call comes before the jury, so nothing here asks the jury's rules; who of the jury reads a
candidacy's material is `permissions.candidacy_material`, which asks both."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from kommunpris.audit.vocabulary import CLI, SYSTEM
from kommunpris.awards.models import Edition, Phase

from .accounts import is_organiser
from .registry import register

if TYPE_CHECKING:
    from kommunpris.nominations.models import Attachment, Candidacy, MunicipalityContact


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


def acts_as_organiser(actor: Any) -> bool:
    """The organiser's work on the call, asked by its services: an organiser, or the platform
    itself and its command line (whoever runs a command holds the server)."""
    if isinstance(actor, str):
        return actor in (CLI, SYSTEM)
    return may_manage_nominations(actor)


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
