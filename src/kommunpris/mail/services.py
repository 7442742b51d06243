"""Queueing, rendering and sending e-mail.

`queue_mail` renders `mail/<template>.txt` (and `.html` if present) in the recipient's language
and stores the message; requests never wait for a mail server. Links that let the reader in are
passed as `links` (see kommunpris.mail.links) and stored as markers, never as links. The mail
worker (kommunpris.mail.worker, `kommunpris send_pending_mail --loop`) claims each message and
sends it with `send_message`, which builds those links at that moment (`compose`); once the mail
server has taken it, only the kinds of its links are kept (`forgotten_links`). It retries with
back-off and gives up after a cap.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from kommunpris import errors
from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import Action, MachineActor, actor_label, mail_target
from kommunpris.permissions.awards import acts_for_the_platform
from kommunpris.permissions.mail import may_manage_mail

from .links import LinkForgotten, SecretLink, UnknownLink, build
from .models import BulkMailing, MailStatus, OutgoingMail

if TYPE_CHECKING:
    from kommunpris.awards.models import Edition

logger = logging.getLogger(__name__)


def render_mail(template: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML or '') of `mail/<template>` in the given language."""
    with translation.override(language):
        subject = render_to_string(f"mail/{template}.subject.txt", context).strip()
        text = render_to_string(f"mail/{template}.txt", context)
        html: str = ""
        with contextlib.suppress(TemplateDoesNotExist):  # the HTML part is optional
            html = render_to_string(f"mail/{template}.html", context)
    return " ".join(subject.split()), text, html


def render_for_edition(
    template: str, context: dict[str, Any], *, language: str, edition: Edition | None
) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of a message: the edition's own template of it in that
    language if the organiser wrote one, else the platform's text (`render_mail`)."""
    from .templates_service import edition_template_of  # the organiser's templates use ours

    own = edition_template_of(edition, template, language) if edition is not None else None
    if own is not None:
        try:
            rendered = own.render(context, language=language)
        except Exception:  # checked when saved; should it still fail, the message goes anyway
            logger.exception(
                "The %s template of %s failed; the platform's text is sent", template, edition
            )
        else:
            return rendered.subject, rendered.text, rendered.html
    return render_mail(template, context, language=language)


def _marker() -> str:
    # Letters, digits and brackets only: unchanged by the templates' escaping, and not
    # guessable by whoever wrote text that is rendered into the same message.
    return f"[[link-{secrets.token_hex(8)}]]"


def queue_mail(
    *,
    to: str,
    template: str,
    context: dict[str, Any],
    language: str = "sv",
    links: Mapping[str, SecretLink] | None = None,
    edition: Edition | None = None,
    mailing: BulkMailing | None = None,
) -> OutgoingMail:
    """Store a message; the mail worker sends it (KOMMUNPRIS_MAIL_DELIVERY = "worker"), or, on
    a developer's machine and in tests ("at_commit"), it is sent once the transaction commits.

    `links` are context variables whose value is a link that lets the reader in: the message is
    rendered with a marker in their place, and they are built only by `compose`. A message of
    an `edition` is written with that edition's template, when the organiser has one.
    """
    markers = {name: _marker() for name in links or {}}
    subject, text, html = render_for_edition(
        template, {**context, **markers}, language=language, edition=edition
    )
    return store_mail(
        to=to,
        subject=subject,
        text=text,
        html=html,
        language=language,
        template=template,
        links={markers[name]: link for name, link in (links or {}).items()},
        edition=edition,
        mailing=mailing,
    )


def link_markers(names: Iterable[str]) -> dict[str, str]:
    """A fresh marker for each link placeholder, to render in its place (see `store_mail`)."""
    return {name: _marker() for name in names}


def store_mail(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    language: str,
    template: str,
    links: Mapping[str, SecretLink] | None = None,
    edition: Edition | None = None,
    mailing: BulkMailing | None = None,
) -> OutgoingMail:
    """Store a message already written (`links`: each marker in it -> the link to build there
    when it is sent) for the mail worker, as `queue_mail` does."""
    mail = OutgoingMail.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        template=template,
        links={
            marker: {"kind": link.kind, "params": link.params}
            for marker, link in (links or {}).items()
        },
        edition=edition,
        mailing=mailing,
    )
    if settings.KOMMUNPRIS_MAIL_DELIVERY == "at_commit":
        transaction.on_commit(lambda: send_mail_now(mail.pk))
    return mail


def compose(mail: OutgoingMail) -> EmailMultiAlternatives:
    """The e-mail to send for a stored message, with its links built now.

    Raises UnknownLink if a link cannot be built (a message queued by a version that knew a
    kind of link this one does not), LinkForgotten for a message already sent.
    """
    text, html = mail.body_text, mail.body_html
    for marker, link in (mail.links or {}).items():
        if "params" not in link:
            raise LinkForgotten(f"message {mail.pk} was sent; its links are no longer kept")
        url = build(SecretLink(kind=str(link["kind"]), params=dict(link["params"])), to=mail.to)
        text = text.replace(marker, escape(url))
        html = html.replace(marker, escape(url))
    message = EmailMultiAlternatives(
        subject=mail.subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[mail.to]
    )
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send_message(mail: OutgoingMail) -> None:
    """Hand one stored message to the mail server, its links built now; raises whatever the
    transport raises (or UnknownLink/LinkForgotten). The sender records the outcome, and on
    success stores `forgotten_links(mail)` in place of the links."""
    compose(mail).send(fail_silently=False)


def forgotten_links(mail: OutgoingMail) -> dict[str, dict[str, str]]:
    """What a sent message keeps of its links: only their kinds (the markers still show where
    each link was), nothing a link could be built from again."""
    return {marker: {"kind": str(link["kind"])} for marker, link in (mail.links or {}).items()}


def stored_text(text: str, mail: OutgoingMail) -> str:
    """A stored body as people may read it in the admin: each link's place named, not shown."""
    for marker in mail.links or {}:
        text = text.replace(marker, _("[link: only in the e-mail as sent]"))
    return text


def send_mail_now(mail_id: int) -> bool:
    """Claim and send one pending message now; True if it went. Failures are recorded and
    logged, not raised (the worker tries again later)."""
    from . import worker

    return worker.send_one(mail_id)


def send_pending_mail(*, limit: int = 500) -> tuple[int, int]:
    """Send every pending message now, back-off or not; returns (sent, still pending)."""
    from . import worker

    done = worker.run_once(limit=limit, ignore_back_off=True)
    return done.sent, OutgoingMail.objects.filter(status=MailStatus.PENDING).count()


class MailError(errors.Conflict, ValueError):
    """A message cannot be sent again; the text says why."""


class MailNotAllowed(MailError, errors.NotAllowed):
    status = errors.NotAllowed.status


def retry_given_up(*, mail: OutgoingMail, actor: User | MachineActor) -> OutgoingMail:
    """An organiser sends a message the worker gave up on once more: it is pending again with
    a fresh count of attempts, for the worker to take at once."""
    if not (acts_for_the_platform(actor) or may_manage_mail(actor)):
        raise MailNotAllowed(_("Only the award's organisers send given-up messages again."))
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        if mail.status != MailStatus.GAVE_UP:
            raise MailError(
                _("The message to %(to)s is not waiting to be sent again (status: %(status)s).")
                % {"to": mail.to, "status": mail.get_status_display()}
            )
        before = {"status": mail.status, "attempts": mail.attempts, "last_error": mail.last_error}
        mail.status, mail.attempts = MailStatus.PENDING, 0
        mail.gave_up_at = mail.next_attempt_at = None
        mail.save(update_fields=["status", "attempts", "gave_up_at", "next_attempt_at"])
        record_event(
            action=Action.MAIL_RETRY_REQUESTED,
            actor=actor_label(actor),
            target=mail_target(mail),
            before=before,
            after={"status": mail.status, "template": mail.template},
        )
    return mail


__all__ = [
    "LinkForgotten",
    "MailError",
    "SecretLink",
    "UnknownLink",
    "compose",
    "forgotten_links",
    "link_markers",
    "queue_mail",
    "render_for_edition",
    "render_mail",
    "retry_given_up",
    "send_mail_now",
    "send_message",
    "send_pending_mail",
    "store_mail",
    "stored_text",
]
