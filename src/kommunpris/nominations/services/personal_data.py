"""Personal data of the call: the retention schedule, and a nominator's own requests to see and
to delete what is kept about their address."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.formats import date_format

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import (
    NOMINATIONS,
    PUBLIC,
    Action,
    actor_label,
    nomination_target,
)
from kommunpris.awards.models import Edition, Phase
from kommunpris.mail.models import OutgoingMail
from kommunpris.mail.services import queue_mail, render_mail

from .. import links
from ..links import PERSONAL_DATA_LINK_HOURS, personal_data_link_lifetime
from ..models import (
    NOMINATOR_MAIL_TEMPLATES,
    Attachment,
    MunicipalityContact,
    Nomination,
    NominationRevision,
    NominationStatus,
)
from ..selectors import erasure_deletes_entirely, personal_data_address
from ._common import Actor, _url, check_organiser

UNCONFIRMED_KEPT_DAYS = 30
# How long the mail log keeps a message of the call (links, notices) after it was queued: long
# enough to answer "was it sent?", far longer than any link in it works.
MAIL_KEPT_DAYS = 30

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


def purge_personal_data(*, actor: Actor, now: datetime | None = None) -> Purged:
    """Keep what the privacy notice promises; safe to run every day (a second run finds nothing).

    Unconfirmed nominations, and unconfirmed changes to confirmed ones, go after 30 days; the
    mail log's messages of the call after 30 days. Once the retention period has passed since an
    edition was announced, its nominators' names, addresses and organisations are erased (the
    nominations' texts stay), and its municipality contacts go, with their addresses on the
    attachments they uploaded. An edition counts as announced from its publication time, whether
    the organiser marked it announced or it is decided with that time passed (the embargo rule);
    imported archive editions have no publication time and hold no nominators.
    """
    check_organiser(actor)
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
                action=Action.NOMINATIONS_PERSONAL_DATA_PURGED,
                actor=actor_label(actor),
                target=NOMINATIONS,
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


def request_personal_data_link(
    *, email: str, language: str = "sv", actor: Actor = PUBLIC, now: datetime | None = None
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
                timezone.localtime(now + personal_data_link_lifetime()), "j F Y, H:i"
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
                action=Action.NOMINATIONS_PERSONAL_DATA_REQUEST_WITHOUT_DATA,
                actor=actor_label(actor),
                target=NOMINATIONS,
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
            action=Action.NOMINATIONS_PERSONAL_DATA_LINK_SENT,
            actor=actor_label(actor),
            target=nomination_target(held[0]),
            after={"nominations": len(held), "language": language},
        )
    return len(held)


@dataclass(frozen=True)
class Erased:
    nominations_deleted: int
    nominations_anonymised: int
    mails_deleted: int


def erase_personal_data(
    *, token: str, actor: Actor = PUBLIC, now: datetime | None = None
) -> Erased:
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
            action=Action.NOMINATIONS_PERSONAL_DATA_ERASED,
            actor=actor_label(actor),
            target=NOMINATIONS,
            after={
                "nominations_deleted": erased.nominations_deleted,
                "nominations_anonymised": erased.nominations_anonymised,
                "mails_deleted": erased.mails_deleted,
                "deleted": removed,
                "anonymised": anonymised,
            },
        )
    return erased
