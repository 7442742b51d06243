"""Queueing and sending e-mail.

`queue_mail` renders `mail/<template>.txt` (and `.html` if present) in the recipient's language,
stores the message and sends it once the surrounding transaction has committed. A failed send is
logged and left pending; `kommunpris send_pending_mail` retries it.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

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


def queue_mail(
    *, to: str, template: str, context: dict[str, Any], language: str = "sv"
) -> OutgoingMail:
    """Store a message and send it after the current transaction commits."""
    subject, text, html = render_mail(template, context, language=language)
    mail = OutgoingMail.objects.create(
        to=to, subject=subject, body_text=text, body_html=html, language=language, template=template
    )
    transaction.on_commit(lambda: send_mail_now(mail.pk))
    return mail


def send_mail_now(mail_id: int) -> bool:
    """Try to send one pending message; True if it went. Failures are logged, not raised."""
    mail = OutgoingMail.objects.filter(pk=mail_id, status=MailStatus.PENDING).first()
    if mail is None:
        return False
    message = EmailMultiAlternatives(
        subject=mail.subject,
        body=mail.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[mail.to],
    )
    if mail.body_html:
        message.attach_alternative(mail.body_html, "text/html")
    mail.attempts += 1
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # any transport failure: keep the message for a retry
        mail.last_error = f"{type(exc).__name__}: {exc}"
        mail.save(update_fields=["attempts", "last_error"])
        logger.warning("E-post %s till %s kunde inte skickas: %s", mail.pk, mail.to, exc)
        return False
    mail.status, mail.sent_at, mail.last_error = MailStatus.SENT, timezone.now(), ""
    mail.save(update_fields=["attempts", "status", "sent_at", "last_error"])
    return True


def send_pending_mail(*, limit: int = 500) -> tuple[int, int]:
    """Retry pending messages, oldest first; returns (sent, still pending)."""
    ids = list(
        OutgoingMail.objects.filter(status=MailStatus.PENDING)
        .order_by("id")
        .values_list("id", flat=True)[:limit]
    )
    sent = sum(1 for mail_id in ids if send_mail_now(mail_id))
    return sent, OutgoingMail.objects.filter(status=MailStatus.PENDING).count()
