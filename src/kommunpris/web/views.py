"""The public site: thin views over the archive's selectors, asking kommunpris.permissions."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunpris.archive.announcement import render as render_announcement
from kommunpris.archive.exports import (
    municipality_result_row,
    municipality_results_csv,
    winner_row,
    winners_csv,
)
from kommunpris.archive.licence import LICENCE_NAME, LICENCE_URI
from kommunpris.archive.selectors import (
    archive_page,
    municipality_results,
    placings_of_municipalities,
    public_announcement,
    public_editions,
    public_face,
    public_winners,
)
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.awards.selectors import edition as find_edition
from kommunpris.nominations.models import Stage
from kommunpris.permissions import may_view_edition_page, stage_is_public
from kommunpris.register.models import County, Municipality

from . import selectors, structured, svgmap

_MUNICIPALITY_CODE = re.compile(r"^[0-9]{4}$")
_COUNTY_CODE = re.compile(r"^[0-9]{2}$")


def _award() -> Award:
    try:
        return award()
    except AwardNotFound:
        raise Http404(_("The archive has not been loaded yet.")) from None


def home(request: HttpRequest) -> HttpResponse:
    the_award = _award()
    winners = list(public_winners(award=the_award)[:1])
    current = selectors.current_edition(the_award)
    return render(
        request,
        "web/home.html",
        {
            "award": the_award,
            "latest": winners[0] if winners else None,
            "winner_count": public_winners(award=the_award).count(),
            "current": current,
            "finalists_public": current is not None and stage_is_public(current, Stage.FINALIST),
            "nominees_public": current is not None and stage_is_public(current, Stage.NOMINEE),
        },
    )


def winners(request: HttpRequest) -> HttpResponse:
    the_award = _award()
    editions = list(public_editions(award=the_award))
    return render(
        request,
        "web/winners.html",
        {
            "award": the_award,
            "page": archive_page(the_award),
            "editions": [e for e in editions if hasattr(e, "winner")],
            "map": svgmap.winners_map(
                editions[0].award if editions else the_award,
                [e.winner for e in editions if hasattr(e, "winner")],
            ),
        },
    )


def winners_download(request: HttpRequest, fmt: str) -> HttpResponse:
    the_award = _award()
    if fmt == "csv":
        response = HttpResponse(
            winners_csv(public_winners(award=the_award)).encode("utf-8"),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="vinnare.csv"'
    elif fmt == "json":
        rows = [winner_row(w) for w in public_winners(award=the_award)]
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            render_announcement(public_announcement(award=the_award)),
            content_type="text/plain; charset=utf-8",
        )
    return response


def municipalities_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every municipality with the years it won, was a finalist or a nominee (public only)."""
    rows = municipality_results(award=_award())
    if fmt == "csv":
        response = HttpResponse(
            municipality_results_csv(rows).encode("utf-8"), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="kommuner.csv"'
        return response
    return HttpResponse(
        json.dumps([municipality_result_row(m, p) for m, p in rows], ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )


def edition(request: HttpRequest, year: int) -> HttpResponse:
    the_award = _award()
    found = edition_or_404(the_award, year)
    face = public_face(found)
    return render(
        request,
        "web/edition.html",
        {
            "award": the_award,
            "edition": found,
            "face": face,
            "winner": face.winner,
            "structured_data": structured.json_ld(structured.edition_data(found, face.winner)),
            "shortlist": face.shortlist,
            "decision_public": face.decision_public,
        },
    )


def edition_or_404(the_award: Award, year: int) -> Edition:
    found = find_edition(the_award, year)
    if found is None or not may_view_edition_page(found):
        raise Http404(_("There is no edition %(year)s.") % {"year": year})
    return found


def municipalities(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/municipalities.html",
        {"groups": selectors.municipalities_by_county(), "winning": selectors.winning_codes()},
    )


def municipality(request: HttpRequest, code: str) -> HttpResponse:
    if not _MUNICIPALITY_CODE.match(code):
        raise Http404(_("A municipality code has four digits, e.g. 0180."))
    found = Municipality.objects.select_related("county").filter(code=code).first()
    if found is None:
        raise Http404(_("There is no municipality with code %(code)s.") % {"code": code})
    placings = placings_of_municipalities([code])[code]
    return render(
        request,
        "web/municipality.html",
        {
            "municipality": found,
            "placings": placings,
            "map": svgmap.locator_map(selectors.map_entry(found, placings, award=None)),
        },
    )


def counties(request: HttpRequest) -> HttpResponse:
    return render(request, "web/counties.html", {"summaries": selectors.county_summaries()})


def county(request: HttpRequest, code: str) -> HttpResponse:
    if not _COUNTY_CODE.match(code):
        raise Http404(_("A county code has two digits, e.g. 01."))
    found = County.objects.filter(code=code).first()
    if found is None:
        raise Http404(_("There is no county with code %(code)s.") % {"code": code})
    rows = selectors.county_municipalities(found)
    entries = [selectors.map_entry(row.municipality, row.placings, award=None) for row in rows]
    return render(
        request,
        "web/county.html",
        {"county": found, "rows": rows, "map": svgmap.county_map(found, entries)},
    )


def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/open_data.html",
        {"award": _award(), "licence_uri": LICENCE_URI, "licence_name": LICENCE_NAME},
    )


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    message = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    return render(request, "web/404.html", {"message": message}, status=404)


def robots_txt(request: HttpRequest) -> HttpResponse:
    """Everything public may be indexed; the desk and the admin may not."""
    lines = [
        "User-agent: *",
        "Disallow: /arbetsyta/",
        "Disallow: /admin/",
        "Disallow: /logga-in/",
        f"Sitemap: {request.build_absolute_uri('/sitemap.xml')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


FAVICON = Path(__file__).resolve().parent / "static" / "web" / "favicon.svg"


def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, which browsers and feed readers ask for whatever the page says: the same
    icon the pages name (SVG, which every current browser shows)."""
    return HttpResponse(FAVICON.read_bytes(), content_type="image/svg+xml")
