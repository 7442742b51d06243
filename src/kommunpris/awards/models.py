"""Awards, the names they have carried, and their editions with the phase each is in."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Award(models.Model):
    slug = models.SlugField(unique=True)
    founded_year = models.PositiveSmallIntegerField()
    cadence_years = models.PositiveSmallIntegerField(default=2)
    venue = models.CharField(max_length=200, blank=True)
    organiser = models.CharField(max_length=200, blank=True)
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_award",
            ),
            models.CheckConstraint(
                condition=models.Q(cadence_years__gte=1), name="cadence_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def name_in(self, year: int) -> str:
        """The name in force in a year (names are prefetched by the selectors)."""
        names = sorted(self.names.all(), key=lambda n: n.from_year)
        current = names[0].name if names else self.slug
        for name in names:
            if name.from_year <= year:
                current = name.name
        return current

    @property
    def current_name(self) -> str:
        return self.name_in(9999)

    def is_on_cadence(self, year: int) -> bool:
        return year >= self.founded_year and (year - self.founded_year) % self.cadence_years == 0


class AwardName(models.Model):
    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="names")
    name = models.CharField(max_length=200)
    from_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["award", "from_year"]
        constraints = [
            models.UniqueConstraint(fields=["award", "from_year"], name="one_name_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.from_year}–)"


class Phase(models.TextChoices):
    DRAFT = "draft", _("Draft")
    NOMINATIONS_OPEN = "nominations_open", _("Nominations open")
    NOMINATIONS_CLOSED = "nominations_closed", _("Nominations closed")
    JURY_REVIEW = "jury_review", _("Jury review")
    DELIBERATION = "deliberation", _("Deliberation")
    DECIDED = "decided", _("Decided")
    ANNOUNCED = "announced", _("Announced")


class Edition(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="editions")
    year = models.PositiveSmallIntegerField()
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.DRAFT)
    nominations_close_at = models.DateTimeField(null=True, blank=True)
    supplement_close_at = models.DateTimeField(null=True, blank=True)
    ceremony_at = models.DateTimeField(null=True, blank=True)
    ceremony_date_only = models.BooleanField(
        default=False, help_text="The ceremony's day is known but not its time of day."
    )
    publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the decision becomes public (normally the gala)."
    )
    # The jury's earlier stages are announced on their own, each at its own time (nominees in
    # May, finalists in June); kommunpris.permissions decides what the public sees by them.
    nominees_publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the nominees become public."
    )
    finalists_publish_at = models.DateTimeField(
        null=True, blank=True, help_text="When the finalists become public."
    )
    venue = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["award", "-year"]
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        constraints = [
            models.UniqueConstraint(fields=["award", "year"], name="one_edition_per_award_year"),
            models.CheckConstraint(
                condition=models.Q(year__gte=1900, year__lte=2999), name="edition_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award.slug} {self.year}"

    @property
    def name(self) -> str:
        """The award's name in force in this edition's year."""
        return self.award.name_in(self.year)

    @property
    def title(self) -> str:
        return f"{self.name} {self.year}"


class FeedbackRelease(models.Model):
    """The organiser's release of an edition's feedback reports to the municipalities: from
    then on each candidacy's contact reads its own report (kommunpris.jury.feedback)."""

    edition = models.OneToOneField(
        Edition, on_delete=models.PROTECT, related_name="feedback_release"
    )
    released_at = models.DateTimeField()
    released_by = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("feedback release")
        verbose_name_plural = _("feedback releases")

    def __str__(self) -> str:
        return f"{self.edition}: {self.released_at:%Y-%m-%d %H:%M}"
