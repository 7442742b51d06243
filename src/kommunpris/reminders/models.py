"""An edition's schedule beyond its own dates: when reminders go out, the jury's round deadlines,
and a record of every reminder sent, so that each reaches each person once.

The edition's public dates (the call, the municipalities' deadline, the gala) live on the
edition itself (kommunpris.awards); what is here belongs to the organiser and the jury.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Edition
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import MunicipalityContact, Nomination, Stage

# What an edition without settings of its own does: reminders are on, at these distances.
DEFAULT_CONTACT_DAYS_BEFORE = 7
DEFAULT_JUROR_DAYS_BEFORE = 3
DEFAULT_NOMINATOR_HOURS_BEFORE = 24


class ReminderSettings(models.Model):
    """When an edition's reminders go out; an empty distance turns that reminder off."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="reminder_settings"
    )
    contact_days_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=DEFAULT_CONTACT_DAYS_BEFORE,
        help_text="Days before the municipalities' deadline; empty: no reminder.",
    )
    juror_days_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=DEFAULT_JUROR_DAYS_BEFORE,
        help_text="Days before a scoring round's last day; empty: no reminder.",
    )
    nominator_hours_before = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        default=DEFAULT_NOMINATOR_HOURS_BEFORE,
        help_text="Hours before a confirmation link stops working; empty: no reminder.",
    )
    changed_at = models.DateTimeField()
    changed_by = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(contact_days_before__isnull=True)
                | models.Q(contact_days_before__gte=1),
                name="contact_reminder_at_least_a_day_before",
            ),
            models.CheckConstraint(
                condition=models.Q(juror_days_before__isnull=True)
                | models.Q(juror_days_before__gte=1),
                name="juror_reminder_at_least_a_day_before",
            ),
            models.CheckConstraint(
                condition=models.Q(nominator_hours_before__isnull=True)
                | models.Q(nominator_hours_before__gte=1),
                name="nominator_reminder_at_least_an_hour_before",
            ),
        ]

    def __str__(self) -> str:
        return f"reminders of {self.edition}"


class RoundDeadline(models.Model):
    """The last day the chair gives the jury for scoring one round (set before or while it
    runs). The chair still closes the round; the deadline is for the jurors and the reminders."""

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    closes_at = models.DateTimeField()
    set_at = models.DateTimeField()
    set_by = models.CharField(max_length=200)

    class Meta:
        ordering = ["edition", "closes_at"]
        verbose_name = _("round deadline")
        verbose_name_plural = _("round deadlines")
        constraints = [
            models.UniqueConstraint(fields=["edition", "stage"], name="one_deadline_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.edition}: {self.stage} until {self.closes_at:%Y-%m-%d %H:%M}"


class Kind(models.TextChoices):
    CONTACT_SUPPLEMENT = "contact_supplement", _("Municipality contact, before the deadline")
    JUROR_ROUND = "juror_round", _("Juror, before the round's last day")
    NOMINATOR_CONFIRMATION = "nominator_confirmation", _("Nominator, before the link expires")


class Reminder(models.Model):
    """One reminder queued for one person. The unique constraint is the promise that a person
    gets each reminder once: a second run, or two at once, cannot write a second row.

    A nominator's address is not kept here (it stays with their nomination and goes with it):
    `recipient_key` is a keyed hash of the address, `recipient` is left empty.
    """

    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    # The round a juror is reminded of; empty for the other kinds.
    stage = models.CharField(max_length=20, blank=True)
    recipient = models.EmailField(blank=True)
    recipient_key = models.CharField(max_length=64)
    contact = models.ForeignKey(
        MunicipalityContact, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    juror = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    # The deadline the reminder is about, as it was when the reminder went out.
    due_at = models.DateTimeField()
    queued_at = models.DateTimeField()
    mail = models.ForeignKey(
        OutgoingMail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-queued_at", "-id"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "kind", "stage", "recipient_key"],
                name="one_reminder_per_person_and_occasion",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="juror_round", juror__isnull=False) & ~models.Q(stage=""))
                | models.Q(kind="contact_supplement", contact__isnull=False, stage="")
                | models.Q(kind="nominator_confirmation", nomination__isnull=False, stage=""),
                name="reminder_names_its_round_only_for_jurors",
            ),
        ]
        indexes = [models.Index(fields=["edition", "kind"], name="reminder_edition_kind")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.edition}) {self.queued_at:%Y-%m-%d %H:%M}"
