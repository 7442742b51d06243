"""What juries have valued: the rubric themes of every public motivation, over the years."""

from __future__ import annotations

import itertools

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kommunpris.archive.selectors import MotivationThemes, motivation_themes
from kommunpris.archive.textanalysis import THEMES, Theme
from kommunpris.search import highlight

from . import charts
from .views import _award


def theme_name(theme: Theme) -> str:
    """The theme's name in the page's language."""
    return theme.name_en if (get_language() or "sv").startswith("en") else theme.name_sv


def _renamed_in(found: list[MotivationThemes]) -> int | None:
    names = {m.winner.edition.year: m.winner.edition.name for m in found}
    years = sorted(names)
    return next(
        (year for previous, year in itertools.pairwise(years) if names[year] != names[previous]),
        None,
    )


def overview(request: HttpRequest) -> HttpResponse:
    the_award = _award()
    found = motivation_themes(award=the_award)
    years = [m.winner.edition.year for m in found]
    rows = [
        charts.ThemeRow(
            key=theme.key,
            name=theme_name(theme),
            href=reverse("theme", args=[theme.key]),
            counts=tuple(len(m.themes.get(theme.key, ())) for m in found),
        )
        for theme in THEMES
    ]
    editions = [
        {
            "winner": m.winner,
            "themes": [
                (t.key, theme_name(t), m.themes[t.key]) for t in THEMES if t.key in m.themes
            ],
        }
        for m in reversed(found)
    ]
    return render(
        request,
        "web/themes.html",
        {
            "award": the_award,
            "chart": charts.theme_chart(
                rows,
                years,
                title=_("Themes in the jury's motivations, year by year"),
                renamed_in=_renamed_in(found),
            ),
            "rows": [
                (
                    row,
                    list(zip(years, row.counts, strict=True)),
                    sum(1 for count in row.counts if count),
                )
                for row in rows
            ],
            "years": years,
            "editions": editions,
            "total": len(found),
        },
    )


def _theme(key: str) -> Theme:
    theme = next((t for t in THEMES if t.key == key), None)
    if theme is None:
        raise Http404(_("There is no theme called %(key)s.") % {"key": key[:40]})
    return theme


def theme(request: HttpRequest, key: str) -> HttpResponse:
    chosen = _theme(key)
    the_award = _award()
    every = motivation_themes(award=the_award)
    found = [m for m in reversed(every) if chosen.key in m.themes]
    return render(
        request,
        "web/theme.html",
        {
            "award": the_award,
            "theme": chosen,
            "name": theme_name(chosen),
            "motivations": [
                {
                    "winner": m.winner,
                    "words": m.themes[chosen.key],
                    "paragraphs": highlight.mark_paragraphs(
                        m.winner.motivation,
                        ((w.start, w.end) for w in m.themes[chosen.key]),
                    ),
                }
                for m in found
            ],
            "total": len(every),
        },
    )


def method(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/themes_method.html",
        {
            "award": _award(),
            "themes": [(t, theme_name(t)) for t in THEMES],
        },
    )
