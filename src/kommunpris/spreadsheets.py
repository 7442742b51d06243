"""CSV for Swedish spreadsheet programs, written in one place for every export.

UTF-8 with a byte-order mark, `;` between fields and CRLF line ends, as Excel and LibreOffice
expect in Sweden. Every text cell is neutralised against formula injection (OWASP, "CSV
Injection"): text that begins with `=`, `+`, `-`, `@`, a tab or a carriage return — also after
leading spaces or line breaks, which some programs skip — gets a single quote in front, so a
nomination answer like `=HYPERLINK(…)` or `-2+3+cmd|' /C calc'!A0` is shown as the text it is
and never runs. Numbers the platform computes itself (ranks, means, negative z-scores) are not
text from anyone: they are passed as `int` or `Number` and written as plain numbers with a
decimal comma, so they stay numbers in the spreadsheet.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

FORMULA_STARTS = frozenset({"=", "+", "-", "@", "\t", "\r"})
# Skipped before a formula by some programs: a cell is judged by its first other character.
_LEADING = " \n"


@dataclass(frozen=True)
class Number:
    """A number the platform computed, written with `places` decimals and a decimal comma;
    None is an empty cell."""

    value: float | None
    places: int = 2

    def __str__(self) -> str:
        if self.value is None:
            return ""
        return f"{self.value:.{self.places}f}".replace(".", ",")


Cell = str | int | Number | None


def neutralise(text: str) -> str:
    """Text as a spreadsheet shows it and never evaluates: a quote before a formula's start."""
    if text.lstrip(_LEADING)[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def cell(value: Cell) -> str:
    """One cell's text: numbers as digits, everything else neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):  # a bool is an int to Python, but a yes/no to people
        raise TypeError("write yes/no as translated text, not as a bool")
    if isinstance(value, int | Number):
        return str(value)
    return neutralise(str(value))


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[str]:
    """The file a line at a time, starting with the BOM: for an answer streamed as it is read
    from the database (StreamingHttpResponse), whatever the number of rows."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([cell(name) for name in header])
    yield "\ufeff" + out.getvalue()
    for row in rows:
        out.seek(0)
        out.truncate()
        writer.writerow([cell(value) for value in row])
        yield out.getvalue()


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> str:
    """The whole file as text (the caller encodes it as UTF-8), starting with the BOM."""
    return "".join(csv_lines(header, rows))
