"""Writes to awards and editions."""

from __future__ import annotations

from django.db import transaction

from kommunpris.audit.services import record_event

from .defaults import DIGITALISERINGSKOMMUN, AwardDefinition
from .models import Award, AwardName, Edition, Phase


@transaction.atomic
def ensure_award(
    definition: AwardDefinition = DIGITALISERINGSKOMMUN, *, actor: str = "system"
) -> Award:
    """Create the award and its name history if missing; an existing award is left as it is."""
    existing = Award.objects.filter(slug=definition.slug).first()
    if existing is not None:
        return existing
    is_default = not Award.objects.filter(is_default=True).exists()
    award = Award.objects.create(
        slug=definition.slug,
        founded_year=definition.founded_year,
        cadence_years=definition.cadence_years,
        venue=definition.venue,
        organiser=definition.organiser,
        is_default=is_default,
    )
    for from_year, name in definition.names:
        AwardName.objects.create(award=award, name=name, from_year=from_year)
    record_event(
        action="award.created",
        actor=actor,
        target=f"award:{award.slug}",
        after={"names": [list(n) for n in definition.names], "venue": definition.venue},
    )
    return award


def get_or_create_announced_edition(award: Award, year: int, *, actor: str) -> tuple[Edition, bool]:
    """A historical edition, already announced; used by the archive importers."""
    edition = Edition.objects.filter(award=award, year=year).first()
    if edition is not None:
        return edition, False
    edition = Edition.objects.create(
        award=award, year=year, phase=Phase.ANNOUNCED, venue=award.venue
    )
    record_event(
        action="edition.imported",
        actor=actor,
        target=f"edition:{award.slug}:{year}",
        after={"phase": edition.phase},
    )
    return edition, True
