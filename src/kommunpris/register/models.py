"""Sweden's counties and municipalities with their official SCB codes.

Each name has a `sort_key` beside it (kommunpris.register.collation): lists of names are
ordered by it, so they come in Swedish order (…, Z, Å, Ä, Ö) on every database.
"""

from __future__ import annotations

from django.db import models


class County(models.Model):
    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100)
    sort_key = models.BinaryField(editable=False, default=b"", help_text="Swedish order of name.")

    class Meta:
        ordering = ["code"]
        verbose_name = "län"
        verbose_name_plural = "län"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{2}$"), name="county_code_two_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    code = models.CharField(max_length=4, primary_key=True)
    name = models.CharField(max_length=100)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="municipalities")
    sort_key = models.BinaryField(editable=False, default=b"", help_text="Swedish order of name.")

    class Meta:
        ordering = ["sort_key"]
        verbose_name = "kommun"
        verbose_name_plural = "kommuner"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{4}$"), name="municipality_code_four_digits"
            )
        ]

    def __str__(self) -> str:
        return self.name
