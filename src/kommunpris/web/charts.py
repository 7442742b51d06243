"""Server-rendered SVG chart of the rubric themes the juries' motivations speak of, by year."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

__all__ = ["ThemeRow", "theme_chart"]

# Narrow on purpose: the chart scales with the screen, and its text must stay readable on a phone.
_WIDTH = 440
_LEFT = 20
_RIGHT = 8
_ROW = 58
_TOP = 34
_AXIS = 44


@dataclass(frozen=True)
class ThemeRow:
    """One theme of the rubric: its name, a link, and its word count in each year's motivation."""

    key: str
    name: str
    href: str
    counts: tuple[int, ...]


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def theme_chart(
    rows: Sequence[ThemeRow], years: Sequence[int], *, title: str, renamed_in: int | None
) -> SafeString:
    """A dot matrix: a row per theme, a column per year; the dot's area grows with the words.

    A picture of the table that follows it on the page (role="img" with a title and summary),
    so it needs no links of its own. `renamed_in` draws where the award changed its name.
    """
    columns = max(len(years), 1)
    step = (_WIDTH - _LEFT - _RIGHT) / columns
    height = _TOP + len(rows) * _ROW + _AXIS
    most = max((c for row in rows for c in row.counts), default=1) or 1
    biggest = min(step / 2 - 2, 16.0)
    summary = "; ".join(
        ngettext(
            "%(theme)s: %(count)s of %(total)s motivation",
            "%(theme)s: %(count)s of %(total)s motivations",
            len(years),
        )
        % {"theme": row.name, "count": sum(1 for c in row.counts if c), "total": len(years)}
        for row in rows
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc">'
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(summary)}</desc>'
    ]

    def x_of(index: int) -> float:
        return _LEFT + step * (index + 0.5)

    if renamed_in is not None and years and years[0] < renamed_in <= years[-1]:
        after = next(i for i, year in enumerate(years) if year >= renamed_in)
        x = _LEFT + step * after
        parts.append(
            f'<line class="rename" x1="{_num(x)}" y1="{_TOP - 26}" x2="{_num(x)}" '
            f'y2="{height - _AXIS + 6}"/>'
            f'<text class="rename-label" x="{_num(x - 4)}" y="{_TOP - 14}" text-anchor="end">'
            f"{escape(_('Sveriges IT-kommun'))}</text>"
            f'<text class="rename-label" x="{_num(x + 4)}" y="{_TOP - 14}">'
            f"{escape(_('Sveriges DigitaliseringsKommun'))}</text>"
        )
    for r, row in enumerate(rows):
        top = _TOP + r * _ROW
        parts.append(
            f'<text class="theme-label" x="{_LEFT - 14}" y="{top + 16}">{escape(row.name)}</text>'
        )
        parts.append(
            f'<line class="row-line" x1="{_LEFT}" y1="{top + 36}" '
            f'x2="{_WIDTH - _RIGHT}" y2="{top + 36}"/>'
        )
        for i, count in enumerate(row.counts):
            if count:
                radius = 3 + (biggest - 3) * math.sqrt(count / most)
                parts.append(
                    f'<circle class="dot" cx="{_num(x_of(i))}" cy="{top + 36}" r="{_num(radius)}"/>'
                )
            else:
                parts.append(
                    f'<circle class="dot-none" cx="{_num(x_of(i))}" cy="{top + 36}" r="2"/>'
                )
    axis_y = height - _AXIS + 24
    for i, year in enumerate(years):
        parts.append(
            f'<text class="year" x="{_num(x_of(i))}" y="{axis_y}" text-anchor="middle">'
            f"{year}</text>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
