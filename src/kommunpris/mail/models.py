"""Every e-mail the platform sends, kept until sent so a failed send is retried, never lost.

The mail worker (kommunpris.mail.worker) claims a message before it sends it, so two workers
never send one message twice; a message that keeps failing waits longer between attempts and
is given up after a cap, for the organiser to see on the desk and send again.
"""

from __future__ import annotations

from django.db import models

from kommunpris.awards.models import Edition


class MailStatus(models.TextChoices):
    PENDING = "pending", "pending"
    SENT = "sent", "sent"
    GAVE_UP = "gave_up", "gave up"


class OutgoingMail(models.Model):
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    language = models.CharField(max_length=5, default="sv")
    template = models.CharField(max_length=100, help_text="Which message this is, e.g. 'confirm'.")
    # Marker in the bodies -> the link to build there when sending (kommunpris.mail.links):
    # its kind and facts that make no working link without the server's key; after sending,
    # the kind only.
    links = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=MailStatus.choices, default=MailStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Not before this time (back-off after a failure); empty: as soon as a worker is free.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The worker sending it now; a claim older than the lease is taken to be a dead worker's.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=100, blank=True)
    gave_up_at = models.DateTimeField(null=True, blank=True)
    # The edition the message belongs to (its template is that edition's), and the organiser's
    # bulk mailing it is part of; empty for messages outside an edition.
    edition = models.ForeignKey(
        Edition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mailing = models.ForeignKey(
        "BulkMailing",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="messages",
    )

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="mail_pending_idx")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.status})"


class TemplateLanguage(models.TextChoices):
    SV = "sv", "svenska"
    EN = "en", "English"


class EditionMailTemplate(models.Model):
    """The organiser's own text of one message in one language for one edition; without one,
    the platform's own text is sent (kommunpris.mail.organiser_templates.default_source)."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    message = models.CharField(max_length=100, help_text="The message's key: nominations/confirm.")
    language = models.CharField(max_length=5, choices=TemplateLanguage.choices)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    updated_at = models.DateTimeField()
    updated_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["edition_id", "message", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "message", "language"],
                name="one_template_per_edition_message_language",
            )
        ]

    def __str__(self) -> str:
        return f"{self.message} ({self.language}) for {self.edition}"


class BulkMailing(models.Model):
    """One message the organiser wrote to a segment of an edition's people; each recipient's
    copy is an OutgoingMail of it, sent by the mail worker."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    # Carried by the confirmation: the same mailing confirmed twice is sent once.
    key = models.CharField(max_length=64, unique=True)
    segment = models.CharField(max_length=50)
    subject_sv = models.CharField(max_length=300)
    body_sv = models.TextField()
    subject_en = models.CharField(max_length=300, blank=True)
    body_en = models.TextField(blank=True)
    recipient_count = models.PositiveIntegerField()
    sent_by = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["edition_id", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.segment} of {self.edition}: {self.subject_sv}"
