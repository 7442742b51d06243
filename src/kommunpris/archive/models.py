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
    edition = models.OneToOneField(Edition, on_delete=models.PROTECT, related_name="winner")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="wins")
    display_name = models.CharField(
        max_length=200, help_text="As the municipality calls itself: 'Sundsvalls kommun'."
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
