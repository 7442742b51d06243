"""Bulk mail: one message the organiser writes to a segment of an edition's people — its contacts,
those who have not accepted or not added their text, jurors with sheets to submit, finalists.

The organiser sees who will get it and the message as the first of them will read it, then
confirms; `send_bulk` checks that the recipients are still the ones shown, writes each copy with
that person's values (links that let them in made for them and built only at sending), records
the mailing and one audit event, and leaves the sending to the mail worker. A mailing is sent
once: the confirmation carries a key, and the same key again is refused.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kommunpris import dates
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition

from . import catalogue
from .catalogue import Recipient, Segment
from .models import BulkMailing, MailStatus
from .organiser_templates import (
    CheckedTemplate,
    Rendered,
    html_from_text,
    normalised,
    render,
    used_placeholders,
)
from .services import link_markers, store_mail
from .templates_service import (
    MailConflict,
    MailTemplateInvalid,
    checked,
    require_organiser,
    stand_ins,
)


@dataclass(frozen=True)
class BulkText:
    """The message in Swedish, and in English for recipients who read English (empty: they get
    the Swedish)."""

    subject_sv: str
    body_sv: str
    subject_en: str = ""
    body_en: str = ""

    def cleaned(self) -> BulkText:
        return BulkText(
            subject_sv=" ".join(self.subject_sv.split()),
            body_sv=normalised(self.body_sv),
            subject_en=" ".join(self.subject_en.split()),
            body_en=normalised(self.body_en),
        )

    @property
    def has_english(self) -> bool:
        return bool(self.subject_en.strip() or self.body_en.strip())


def segment_of(key: str) -> Segment:
    try:
        return catalogue.segment(key)
    except catalogue.UnknownMessage as exc:
        raise MailTemplateInvalid(str(exc)) from None


def recipients(edition: Edition, key: str) -> list[Recipient]:
    return segment_of(key).recipients(edition)


def fingerprint(people: list[Recipient]) -> str:
    """Who the recipients are, in a few characters: the confirmation carries it, and the send
    refuses if the segment has changed since."""
    joined = "\n".join(sorted(r.email.lower() for r in people))
    return hashlib.sha256(joined.encode()).hexdigest()[:16]


def new_key() -> str:
    return secrets.token_hex(16)


def check_text(segment: Segment, text: BulkText) -> dict[str, CheckedTemplate]:
    """The message's templates per language; raises MailTemplateInvalid naming the language."""
    templates = {}
    try:
        templates["sv"] = checked(text.subject_sv, text.body_sv, segment.placeholders)
    except MailTemplateInvalid as exc:
        raise MailTemplateInvalid(_("Swedish: %(problem)s") % {"problem": exc}) from None
    if text.has_english:
        try:
            templates["en"] = checked(text.subject_en, text.body_en, segment.placeholders)
        except MailTemplateInvalid as exc:
            raise MailTemplateInvalid(_("English: %(problem)s") % {"problem": exc}) from None
    return templates


def _language_of(recipient: Recipient, templates: dict[str, CheckedTemplate]) -> str:
    return recipient.language if recipient.language in templates else "sv"


@dataclass(frozen=True)
class BulkPreview:
    segment: Segment
    recipients: list[Recipient]
    fingerprint: str
    first: Rendered | None  # the message as the first recipient reads it (links as stand-ins)
    first_recipient: Recipient | None
    languages: dict[str, int]  # how many get each language


def preview_bulk(*, edition: Edition, segment: str, text: BulkText) -> BulkPreview:
    found = segment_of(segment)
    templates = check_text(found, text.cleaned())
    people = found.recipients(edition)
    first = people[0] if people else None
    rendered = None
    if first is not None:
        language = _language_of(first, templates)
        with translation.override(language):
            rendered = render(
                templates[language],
                {**first.context, **stand_ins(found.placeholders)},
                language=language,
            )
    languages: dict[str, int] = {}
    for person in people:
        language = _language_of(person, templates)
        languages[language] = languages.get(language, 0) + 1
    return BulkPreview(
        segment=found,
        recipients=people,
        fingerprint=fingerprint(people),
        first=rendered,
        first_recipient=first,
        languages=languages,
    )


def send_bulk(
    *,
    edition: Edition,
    segment: str,
    text: BulkText,
    expected: str,
    key: str,
    actor: Any,
) -> BulkMailing:
    """Write the message to every recipient of the segment, for the mail worker to send.

    `expected` is the fingerprint of the recipients the organiser was shown: if the segment has
    changed since, nothing is sent and the organiser looks again. `key` makes the mailing once
    only (a second click, a reload).
    """
    require_organiser(actor)
    found = segment_of(segment)
    text = text.cleaned()
    templates = check_text(found, text)
    if not key or len(key) > 64:
        raise MailTemplateInvalid(_("The confirmation is incomplete: start the mailing again."))
    link_names = [p.name for p in found.placeholders if p.is_link]
    try:
        with transaction.atomic():
            earlier = BulkMailing.objects.filter(key=key).first()
            if earlier is not None:
                raise MailConflict(
                    _("This mailing was already sent, on %(when)s, to %(count)s recipients.")
                    % {
                        "when": dates.moment(earlier.created_at),
                        "count": earlier.recipient_count,
                    }
                )
            people = found.recipients(edition)
            if not people:
                raise MailConflict(
                    _("“%(segment)s” has no one in %(edition)s now: nothing was sent.")
                    % {"segment": found.title, "edition": edition.title}
                )
            if fingerprint(people) != expected:
                raise MailConflict(
                    _(
                        "The recipients have changed since you looked: “%(segment)s” is now "
                        "%(count)s people. Look at the list again before you send."
                    )
                    % {"segment": found.title, "count": len(people)}
                )
            mailing = BulkMailing.objects.create(
                edition=edition,
                key=key,
                segment=found.key,
                subject_sv=text.subject_sv,
                body_sv=text.body_sv,
                subject_en=text.subject_en if text.has_english else "",
                body_en=text.body_en if text.has_english else "",
                recipient_count=len(people),
                sent_by=actor_label(actor),
                created_at=timezone.now(),
            )
            for person in people:
                language = _language_of(person, templates)
                uses_links = [name for name in link_names if _uses(templates[language], name)]
                markers = link_markers(uses_links)
                made = person.links() if uses_links and person.links else {}
                with translation.override(language):
                    rendered = render(
                        templates[language], {**person.context, **markers}, language=language
                    )
                store_mail(
                    to=person.email,
                    subject=rendered.subject,
                    text=rendered.text,
                    html=html_from_text(rendered.text, rendered.subject, language),
                    language=language,
                    template=found.template,
                    links={markers[name]: made[name] for name in uses_links if name in made},
                    edition=edition,
                    mailing=mailing,
                )
            record_event(
                action=Action.MAIL_BULK_SENT,
                actor=actor_label(actor),
                target=edition_target(edition),
                after={
                    "mailing": mailing.pk,
                    "segment": found.key,
                    "subject": text.subject_sv,
                    "recipients": [person.email for person in people],
                },
            )
    except IntegrityError:  # the same key from two requests at once: the other one sent it
        raise MailConflict(_("This mailing is already being sent.")) from None
    return mailing


def _uses(template: CheckedTemplate, name: str) -> bool:
    return name in used_placeholders(template.body) | used_placeholders(template.subject)


# --- reads ------------------------------------------------------------------------------------


def mailings(edition: Edition) -> QuerySet[BulkMailing]:
    """The edition's mailings, newest first, each with how many copies are sent, waiting and
    given up (one query)."""
    return (
        BulkMailing.objects.filter(edition=edition)
        .annotate(
            sent=Count("messages", filter=Q(messages__status=MailStatus.SENT)),
            waiting=Count("messages", filter=Q(messages__status=MailStatus.PENDING)),
            given_up=Count("messages", filter=Q(messages__status=MailStatus.GAVE_UP)),
        )
        .order_by("-created_at", "-id")
    )


def mailing(edition: Edition, pk: int) -> BulkMailing | None:
    return mailings(edition).filter(pk=pk).first()


def segment_title(key: str) -> str:
    try:
        return str(catalogue.segment(key).title)
    except catalogue.UnknownMessage:
        return key


__all__ = [
    "BulkPreview",
    "BulkText",
    "fingerprint",
    "mailing",
    "mailings",
    "new_key",
    "preview_bulk",
    "recipients",
    "send_bulk",
]
