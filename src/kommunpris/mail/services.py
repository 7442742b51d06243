"""Queueing and sending e-mail.

`queue_mail` renders `mail/<template>.txt` (and `.html` if present) in the recipient's language
and stores the message; requests never wait for a mail server. The mail worker
(kommunpris.mail.worker, `kommunpris send_pending_mail --loop`) claims and sends it with
`send_message`, retries with back-off and gives up after a cap.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from kommunpris.audit.services import record_event

from .models import MailStatus, OutgoingMail


def render_mail(template: str, context: dict[str, Any], *, language: str) -> tuple[str, str, str]:
    """(subject, plain text, HTML or '') of `mail/<template>` in the given language."""
    with translation.override(language):
        subject = render_to_string(f"mail/{template}.subject.txt", context).strip()
        text = render_to_string(f"mail/{template}.txt", context)
        html: str = ""
        with contextlib.suppress(TemplateDoesNotExist):  # the HTML part is optional
            html = render_to_string(f"mail/{template}.html", context)
    return " ".join(subject.split()), text, html


def queue_mail(
    *, to: str, template: str, context: dict[str, Any], language: str = "sv"
) -> OutgoingMail:
    """Store a message; the mail worker sends it (KOMMUNPRIS_MAIL_DELIVERY = "worker"), or, on
    a developer's machine and in tests ("at_commit"), it is sent once the transaction commits."""
    subject, text, html = render_mail(template, context, language=language)
    mail = OutgoingMail.objects.create(
        to=to, subject=subject, body_text=text, body_html=html, language=language, template=template
    )
    if settings.KOMMUNPRIS_MAIL_DELIVERY == "at_commit":
        transaction.on_commit(lambda: send_mail_now(mail.pk))
    return mail


def send_message(mail: OutgoingMail) -> None:
    """Hand one stored message to the mail server; raises whatever the transport raises."""
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    message.send(fail_silently=False)


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


class MailError(ValueError):
    """A message cannot be sent again; the text says why."""


def retry_given_up(mail: OutgoingMail, *, actor: str) -> OutgoingMail:
    """An organiser sends a message the worker gave up on once more: it is pending again with
    a fresh count of attempts, for the worker to take at once."""
    with transaction.atomic():
        mail = OutgoingMail.objects.select_for_update().get(pk=mail.pk)
        if mail.status != MailStatus.GAVE_UP:
            raise MailError(
                f"E-postmeddelandet till {mail.to} väntar inte på att skickas igen "
                f"(status: {mail.get_status_display()})."
            )
        before = {"status": mail.status, "attempts": mail.attempts, "last_error": mail.last_error}
        mail.status, mail.attempts = MailStatus.PENDING, 0
        mail.gave_up_at = mail.next_attempt_at = None
        mail.save(update_fields=["status", "attempts", "gave_up_at", "next_attempt_at"])
        record_event(
            action="mail.retry_requested",
            actor=actor,
            target=f"mail:{mail.pk}",
            before=before,
            after={"status": mail.status, "template": mail.template},
        )
    return mail
