"""Municipality contacts: the organiser names them, they are told of their candidacy, and they
sign in with one-time e-mailed links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    CONTACTS,
    PUBLIC,
    SYSTEM,
    Action,
    actor_label,
    contact_target,
)
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.links import SecretLink
from kommunpris.mail.services import queue_mail, render_mail
from kommunpris.register.models import Municipality

from .. import links
from ..errors import CandidacyError
from ..links import contact_link_lifetime
from ..models import ContactLink, MunicipalityContact, Nomination, NominationStatus
from ..selectors import contact_link_state
from ..tokens import LinkUsed, hash_secret
from ._common import Actor, _local_day, _url, check_organiser


def register_contact(
    *,
    edition: Edition,
    municipality: Municipality,
    email: str,
    name: str = "",
    actor: Actor,
    now: datetime | None = None,
) -> MunicipalityContact:
    """The organiser names who speaks for a municipality; if it already has a confirmed
    nomination, the (new) contact is told at once."""
    check_organiser(actor)
    now = now or timezone.now()
    email = email.strip().lower()
    name = " ".join(name.split())
    if "@" not in email:
        raise CandidacyError(_("Give the contact's e-mail address, e.g. name@kommun.se."))
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
            action=Action.CONTACT_REGISTERED if before is None else Action.CONTACT_CHANGED,
            actor=actor_label(actor),
            target=contact_target(edition=edition, municipality=municipality),
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
        action=Action.CONTACT_NOTIFIED,
        actor=SYSTEM,
        target=contact_target(edition=edition, municipality=municipality),
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
        expires_at=now + contact_link_lifetime(),
    )
    return link


CONTACT_PHASES = (
    Phase.NOMINATIONS_OPEN,
    Phase.NOMINATIONS_CLOSED,
    Phase.JURY_REVIEW,
    Phase.DELIBERATION,
    Phase.DECIDED,
)


def request_contact_link(*, email: str, actor: Actor = PUBLIC, now: datetime | None = None) -> int:
    """E-mail a one-time sign-in link to every current contact with this address; how many
    were sent is for logs only (the page says the same whether or not the address is known).
    Anyone may ask: the link goes only to the address, so asking is the whole rule."""
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
                action=Action.CONTACT_LINK_SENT,
                actor=actor_label(actor),
                target=contact_target(edition=contact.edition, municipality=contact.municipality),
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
                action=Action.CONTACT_LINK_REQUEST_WITHOUT_CONTACT,
                actor=actor_label(actor),
                target=CONTACTS,
                after={"contacts": 0},
            )
    return len(contacts)


def sign_in_contact(*, token: str, now: datetime | None = None) -> MunicipalityContact:
    """Use a one-time link (it is spent); the caller starts the contact's session. The link is
    the whole rule and says who acts: the log names the contact it signs in."""
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
            action=Action.CONTACT_SIGNED_IN,
            actor=actor_label(contact),
            target=contact_target(edition=contact.edition, municipality=contact.municipality),
            after={"link": link.pk},
        )
    return contact
