"""Every e-mail the platform sends, kept until sent so a failed send is retried, never lost.

The mail worker (kommunpris.mail.worker) claims a message before it sends it, so two workers
never send one message twice; a message that keeps failing waits longer between attempts and
is given up after a cap, for the organiser to see on the desk and send again.
"""

from __future__ import annotations

from django.db import models


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

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "id"], name="mail_pending_idx")]

    def __str__(self) -> str:
        return f"{self.template} → {self.to} ({self.status})"
