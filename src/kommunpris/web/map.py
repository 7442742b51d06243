"""The map of Sweden: every municipality, coloured by what the public archive says of it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunpris.register.collation import swedish_sort_key

from . import selectors, svgmap
from .views import _award


def sweden(request: HttpRequest) -> HttpResponse:
    the_award = _award()
    entries = selectors.map_entries(award=the_award)
    colours = svgmap.palette(the_award)
    placed = sorted(
        (e for e in entries if e.stage),
        key=lambda e: (
            -(e.year or 0),
            -svgmap.stage_rank(e.stage),
            swedish_sort_key(e.municipality.name),
        ),
    )
    stockholm = [e for e in entries if e.municipality.county_id == "01"]
    return render(
        request,
        "web/map.html",
        {
            "award": the_award,
            "map": svgmap.render_map(
                entries,
                colours=colours,
                title=_("Map of Sweden's 290 municipalities and the award's winners and finalists"),
            ),
            "inset": svgmap.render_map(
                stockholm,
                colours=colours,
                title=_("Stockholm County, enlarged"),
                map_id="inset",
                crop=True,
                decorative=True,
                css_class="map map-inset",
            )
            if stockholm
            else "",
            "legend": svgmap.legend(entries, colours),
            "placed": placed,
            "municipality_count": len(entries),
        },
    )
