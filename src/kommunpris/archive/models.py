"""The archive: each award's winners page (title, intro) and every edition's winner."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from kommunpris.awards.models import Award, Edition
from kommunpris.register.models import Municipality


class ArchivePage(models.Model):
    """The heading and introduction of an award's public winners page."""

    award = models.OneToOneField(Award, on_delete=models.CASCADE, related_name="archive_page")
    title = models.CharField(max_length=300)
    intro = models.TextField(blank=True, help_text="Paragraphs separated by a blank line.")

    def __str__(self) -> str:
        return self.title


class Winner(models.Model):
    """An edition's winner: one municipality, or every member of a joint candidacy."""

    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="winner")
    municipalities: models.ManyToManyField[Municipality, WinnerMunicipality] = (
        models.ManyToManyField(Municipality, through="WinnerMunicipality", related_name="wins")
    )
    display_name = models.CharField(
        max_length=200,
        help_text="As the municipality calls itself: 'Sundsvalls kommun'; a joint win names "
        "every member: 'Mora kommun, Orsa kommun och Älvdalens kommun'.",
    )
    motivation = models.TextField(help_text="The jury's words, verbatim, without the quote marks.")
    motivation_en = models.TextField(blank=True)
    opening_quote = models.CharField(max_length=1, default="“")
    closing_quote = models.CharField(max_length=1, default="”")

    class Meta:
        ordering = ["-edition__year"]
        verbose_name = _("winner")
        verbose_name_plural = _("winners")

    def __str__(self) -> str:
        return f"{self.edition}: {self.display_name}"

    @property
    def places(self) -> list[Municipality]:
        """The winning municipalities in their stated order (prefetch `members__municipality`)."""
        return [m.municipality for m in sorted(self.members.all(), key=lambda m: m.position)]

    @property
    def is_joint(self) -> bool:
        return len(self.members.all()) > 1

    @property
    def codes(self) -> list[str]:
        return [m.municipality_id for m in sorted(self.members.all(), key=lambda m: m.position)]


class WinnerMunicipality(models.Model):
    """One municipality of a winner; a joint win has one row per member, in stated order."""

    winner = models.ForeignKey(Winner, on_delete=models.CASCADE, related_name="members")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["winner", "position"]
        verbose_name = _("winning municipality")
        verbose_name_plural = _("winning municipalities")
        constraints = [
            models.UniqueConstraint(
                fields=["winner", "municipality"], name="one_municipality_once_per_winner"
            ),
            models.UniqueConstraint(fields=["winner", "position"], name="one_place_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} in {self.winner}"
