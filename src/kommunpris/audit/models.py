"""The audit log: one append-only, hash-chained row for every state change."""

from __future__ import annotations

from django.db import models


class AuditEvent(models.Model):
    created_at = models.DateTimeField()
    actor = models.CharField(
        max_length=200, help_text="Who did it: a user's e-mail, 'cli' or 'system'."
    )
    action = models.CharField(max_length=100)
    target = models.CharField(max_length=200, help_text="What it was done to, e.g. 'edition:2027'.")
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            # The chain cannot fork: every event is the successor of exactly one other.
            models.UniqueConstraint(fields=["previous_hash"], name="audit_event_one_successor"),
        ]
        verbose_name = "händelse"
        verbose_name_plural = "händelser"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target}"
