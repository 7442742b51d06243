"""The organiser's own texts of the platform's messages, per edition and language: reading them,
saving one (checked first; nothing is saved when it is refused), going back to the platform's
text, a preview with the edition's real data and a test sent to the organiser themselves.

Links that let someone in are never part of a preview or a test: such a link is made only for
the person a message is sent to, at sending (kommunpris.mail.links); a preview and a test show
a stand-in where it goes. Messages queued for an edition are written with its template
(`edition_template_of`, used by `kommunpris.mail.services.queue_mail`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kommunpris import errors
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, actor_label, edition_target
from kommunpris.awards.models import Edition
from kommunpris.permissions import may

from . import catalogue
from .catalogue import Message
from .models import EditionMailTemplate, OutgoingMail
from .organiser_templates import (
    CheckedTemplate,
    Placeholder,
    Rendered,
    TemplateProblem,
    check,
    default_subject_and_body,
    html_from_text,
    normalised,
    render,
)
from .services import MailError, MailNotAllowed, store_mail

logger = logging.getLogger(__name__)


class MailTemplateInvalid(errors.Invalid):
    """The template cannot be used; the text says where and how to write it instead."""


class MailConflict(MailError):
    """Not now: the thing has changed, or there is nothing to do (a Conflict, as MailError)."""


def require_organiser(actor: Any) -> None:
    if not may(actor, "mail.manage"):
        raise MailNotAllowed(_("Only an organiser can write the platform's e-mail."))


def _language(language: str) -> str:
    if language not in catalogue.LANGUAGES:
        raise MailTemplateInvalid(
            _("There is no language “%(language)s”: write in sv or en.") % {"language": language}
        )
    return language


def _message(key: str) -> Message:
    try:
        return catalogue.message(key)
    except catalogue.UnknownMessage as exc:
        raise MailTemplateInvalid(str(exc)) from None


def checked(subject: str, body: str, placeholders: tuple[Placeholder, ...]) -> CheckedTemplate:
    try:
        return check(subject=subject, body=body, placeholders=placeholders)
    except TemplateProblem as exc:
        raise MailTemplateInvalid(str(exc)) from None


# --- reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateText:
    """What a message says in one language for one edition, and what the platform says."""

    message: Message
    language: str
    subject: str
    body: str
    default_subject: str
    default_body: str
    own: EditionMailTemplate | None

    @property
    def is_own(self) -> bool:
        return self.own is not None


def template_text(edition: Edition, key: str, language: str) -> TemplateText:
    message = _message(key)
    language = _language(language)
    own = EditionMailTemplate.objects.filter(
        edition=edition, message=message.key, language=language
    ).first()
    default_subject, default_body = default_subject_and_body(message.key, language=language)
    return TemplateText(
        message=message,
        language=language,
        subject=own.subject if own else default_subject,
        body=own.body if own else default_body,
        default_subject=default_subject,
        default_body=default_body,
        own=own,
    )


@dataclass(frozen=True)
class MessageRow:
    message: Message
    own: dict[str, EditionMailTemplate | None]  # per language


def messages_of(edition: Edition) -> list[MessageRow]:
    """Every message with the edition's own templates of it, in one query."""
    own: dict[tuple[str, str], EditionMailTemplate] = {
        (t.message, t.language): t for t in EditionMailTemplate.objects.filter(edition=edition)
    }
    return [
        MessageRow(
            message=message,
            own={language: own.get((message.key, language)) for language in catalogue.LANGUAGES},
        )
        for message in catalogue.messages()
    ]


@dataclass(frozen=True)
class OwnTemplate:
    record: EditionMailTemplate
    template: CheckedTemplate

    def render(self, context: dict[str, Any], *, language: str) -> Rendered:
        return render(self.template, context, language=language)


def edition_template_of(edition: Edition, key: str, language: str) -> OwnTemplate | None:
    """The edition's own template of a message in a language, checked; None when the platform's
    text applies. A template that no longer fits its message (a placeholder the code stopped
    offering) is logged and the platform's text is sent instead, so no message is lost."""
    if not catalogue.is_known(key):
        return None
    try:
        record = EditionMailTemplate.objects.get(edition=edition, message=key, language=language)
    except EditionMailTemplate.DoesNotExist:
        return None
    try:
        template = check(
            subject=record.subject,
            body=record.body,
            placeholders=catalogue.message(key).placeholders,
        )
    except TemplateProblem as exc:
        logger.error("The template %s of %s no longer fits its message: %s", key, edition, exc)
        return None
    return OwnTemplate(record=record, template=template)


# --- preview ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preview:
    subject: str
    text: str
    about: str  # whose data the preview shows


def stand_ins(placeholders: tuple[Placeholder, ...]) -> dict[str, str]:
    return {p.name: catalogue.link_stand_in() for p in placeholders if p.is_link}


def preview(*, edition: Edition, key: str, language: str, subject: str, body: str) -> Preview:
    """The text as it would be sent now, with the edition's real data (links that let someone
    in as a stand-in); raises MailTemplateInvalid."""
    message = _message(key)
    language = _language(language)
    template = checked(subject, body, message.placeholders)
    with translation.override(language):
        example = message.example(edition)
        rendered = render(
            template, {**example.context, **stand_ins(message.placeholders)}, language=language
        )
    return Preview(subject=rendered.subject, text=rendered.text, about=example.about)


# --- writes -----------------------------------------------------------------------------------


def save_template(
    *, edition: Edition, key: str, language: str, subject: str, body: str, actor: Any
) -> EditionMailTemplate | None:
    """The edition's own text of a message in a language, checked first. The platform's text
    typed back unchanged means no text of its own (None): it then follows the platform's."""
    require_organiser(actor)
    message = _message(key)
    language = _language(language)
    subject, body = " ".join(normalised(subject).split()), normalised(body)
    checked(subject, body, message.placeholders)
    default_subject, default_body = default_subject_and_body(message.key, language=language)
    is_default = (subject, body.strip()) == (default_subject, default_body.strip())
    with transaction.atomic():
        own = (
            EditionMailTemplate.objects.select_for_update()
            .filter(edition=edition, message=message.key, language=language)
            .first()
        )
        before = {"subject": own.subject, "body": own.body} if own else None
        if is_default:
            if own is None:
                return None
            own.delete()
            saved = None
        elif own is None:
            saved = EditionMailTemplate.objects.create(
                edition=edition,
                message=message.key,
                language=language,
                subject=subject,
                body=body,
                updated_at=timezone.now(),
                updated_by=actor_label(actor),
            )
        else:
            if (own.subject, own.body) == (subject, body):
                return own
            own.subject, own.body = subject, body
            own.updated_at, own.updated_by = timezone.now(), actor_label(actor)
            own.save(update_fields=["subject", "body", "updated_at", "updated_by"])
            saved = own
        record_event(
            action=Action.MAIL_TEMPLATE_SAVED,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"message": message.key, "language": language, "text": before},
            after={
                "message": message.key,
                "language": language,
                "text": {"subject": subject, "body": body} if saved else None,
            },
        )
    return saved


def reset_template(*, edition: Edition, key: str, language: str, actor: Any) -> None:
    """Back to the platform's text: the edition's own text of the message is removed."""
    require_organiser(actor)
    message = _message(key)
    language = _language(language)
    with transaction.atomic():
        own = (
            EditionMailTemplate.objects.select_for_update()
            .filter(edition=edition, message=message.key, language=language)
            .first()
        )
        if own is None:
            raise MailConflict(
                _("“%(message)s” already has the platform's own text in %(language)s.")
                % {"message": message.title, "language": catalogue.LANGUAGE_NAMES[language]}
            )
        before = {"subject": own.subject, "body": own.body}
        own.delete()
        record_event(
            action=Action.MAIL_TEMPLATE_RESET,
            actor=actor_label(actor),
            target=edition_target(edition),
            before={"message": message.key, "language": language, "text": before},
            after={"message": message.key, "language": language, "text": None},
        )


def send_test(
    *, edition: Edition, key: str, language: str, subject: str, body: str, actor: Any
) -> OutgoingMail:
    """The text as it stands in the form (saved or not), sent to the organiser themselves with
    the preview's data, through the mail worker like every message."""
    require_organiser(actor)
    to = str(getattr(actor, "email", "") or "")
    if "@" not in to:
        raise MailTemplateInvalid(
            _("Your account has no e-mail address to send the test to. Add one to your account.")
        )
    shown = preview(edition=edition, key=key, language=language, subject=subject, body=body)
    message = _message(key)
    with transaction.atomic():
        with translation.override(language):
            test_subject = _("[Test] %(subject)s") % {"subject": shown.subject}
        mail = store_mail(
            to=to,
            subject=test_subject,
            text=shown.text,
            html=html_from_text(shown.text, test_subject, language),
            language=language,
            # Kept and purged as the message's own mail is (it shows a real person's data).
            template=f"{message.key}/test",
            edition=edition,
        )
        record_event(
            action=Action.MAIL_TEST_SENT,
            actor=actor_label(actor),
            target=edition_target(edition),
            after={"message": message.key, "language": language, "to": to, "mail": mail.pk},
        )
    return mail
