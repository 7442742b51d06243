"""Candidacies: a municipality (or several standing jointly) in the running for an edition."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Edition
from kommunpris.register.models import Municipality


class Stage(models.TextChoices):
    """How far a candidacy came in the funnel; the winner is recorded by the decision."""

    CANDIDACY = "candidacy", _("Candidacy")
    NOMINEE = "nominee", _("Nominee")
    FINALIST = "finalist", _("Finalist")

    @classmethod
    def rank(cls, stage: str) -> int:
        return [cls.CANDIDACY, cls.NOMINEE, cls.FINALIST].index(cls(stage))


class Candidacy(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="candidacies")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.CANDIDACY)
    source_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edition", "id"]
        verbose_name = _("candidacy")
        verbose_name_plural = _("candidacies")

    def __str__(self) -> str:
        return f"{self.edition} #{self.pk}"

    @property
    def is_joint(self) -> bool:
        return len(self.members.all()) > 1

    @property
    def municipalities(self) -> list[Municipality]:
        """Members in their stated order (prefetch `members__municipality`)."""
        return [m.municipality for m in sorted(self.members.all(), key=lambda m: m.position)]

    @property
    def name(self) -> str:
        """'Värmdö' or 'Mora, Orsa och Älvdalen' for a joint candidacy."""
        names = [m.name for m in self.municipalities]
        if len(names) <= 1:
            return "".join(names)
        return ", ".join(names[:-1]) + " " + str(_("and")) + " " + names[-1]


class CandidacyMember(models.Model):
    """One municipality of a candidacy; a municipality stands in one candidacy per edition."""

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="members")
    edition = models.ForeignKey(Edition, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="candidacy_memberships"
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["candidacy", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "municipality"],
                name="one_candidacy_per_municipality_and_edition",
            )
        ]

    def __str__(self) -> str:
        return f"{self.municipality} in {self.candidacy}"
