"""Queueing, rendering and sending e-mail.

`queue_mail` renders `mail/<template>.txt` (and `.html` if present) in the recipient's language
and stores the message; links that let the reader in are passed as `links` (see
kommunpris.mail.links) and stored as markers, never as links. `compose` turns a stored message
into the e-mail to send, building those links at that moment, and `mark_sent` records a sent
message and forgets what its links were built from: whoever sends (`send_mail_now` here, a mail
worker elsewhere) needs only those two. The message is sent once the surrounding transaction
has committed; a failed send is logged and left pending for `kommunpris send_pending_mail`.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from .links import LinkForgotten, SecretLink, UnknownLink, build
from .models import MailStatus, OutgoingMail

logger = logging.getLogger("kommunpris.mail")


def render_mail(template: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML or '') of `mail/<template>` in the given language."""
    with translation.override(language):
        subject = render_to_string(f"mail/{template}.subject.txt", context).strip()
        text = render_to_string(f"mail/{template}.txt", context)
        html: str = ""
        with contextlib.suppress(TemplateDoesNotExist):  # the HTML part is optional
            html = render_to_string(f"mail/{template}.html", context)
    return " ".join(subject.split()), text, html


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
) -> OutgoingMail:
    """Store a message and send it after the current transaction commits.

    `links` are context variables whose value is a link that lets the reader in: the message is
    rendered with a marker in their place, and they are built only by `compose`.
    """
    markers = {name: _marker() for name in links or {}}
    subject, text, html = render_mail(template, {**context, **markers}, language=language)
    mail = OutgoingMail.objects.create(
        to=to,
        subject=subject,
        body_text=text,
        body_html=html,
        language=language,
        template=template,
        links={
            markers[name]: {"kind": link.kind, "params": link.params}
            for name, link in (links or {}).items()
        },
    )
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


def stored_text(text: str, mail: OutgoingMail) -> str:
    """A stored body as people may read it in the admin: each link's place named, not shown."""
    for marker in mail.links or {}:
        text = text.replace(marker, _("[link: only in the e-mail as sent]"))
    return text


def send_mail_now(mail_id: int) -> bool:
    """Try to send one pending message; True if it went. Failures are logged, not raised."""
    mail = OutgoingMail.objects.filter(pk=mail_id, status=MailStatus.PENDING).first()
    if mail is None:
        return False
    mail.attempts += 1
    try:
        message = compose(mail)
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure (or a link that cannot be built): retry
        mail.last_error = f"{type(exc).__name__}: {exc}"
        mail.save(update_fields=["attempts", "last_error"])
        logger.warning("E-post %s till %s kunde inte skickas: %s", mail.pk, mail.to, exc)
        return False
    mark_sent(mail)
    return True


def mark_sent(mail: OutgoingMail) -> None:
    """Record that `mail` went (with its `attempts` as counted by the sender), and forget what
    its links were built from: only their kinds are kept, the markers still show where each
    link was. Whoever sends a message calls this once the mail server has taken it."""
    mail.status, mail.sent_at, mail.last_error = MailStatus.SENT, timezone.now(), ""
    mail.links = {marker: {"kind": link["kind"]} for marker, link in (mail.links or {}).items()}
    mail.save(update_fields=["attempts", "status", "sent_at", "last_error", "links"])


def send_pending_mail(*, limit: int = 500) -> tuple[int, int]:
    """Retry pending messages, oldest first; returns (sent, still pending)."""
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    sent = sum(1 for mail_id in ids if send_mail_now(mail_id))
    return sent, OutgoingMail.objects.filter(status=MailStatus.PENDING).count()


__all__ = [
    "LinkForgotten",
    "SecretLink",
    "UnknownLink",
    "compose",
    "mark_sent",
    "queue_mail",
    "render_mail",
    "send_mail_now",
    "send_pending_mail",
    "stored_text",
]
