"""The announcement-text format of the public winners page: parsing it and writing it back.

A document is a title line, introduction paragraphs, then one block per edition:

    <award name> <year> tilldelades <municipality as written> med motiveringen:
    “<motivation, one or more lines>”

Parsing is pure (no database): it checks the form and returns every problem with its line
number, so a caller can refuse the whole file at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from kommunpris.errors import Invalid

OPENING_QUOTES = "“”\"«„‘'"
CLOSING_QUOTES = "”“\"»’'"
# Leading space is allowed: an indented heading is still a heading (and reads back unindented).
HEADING = re.compile(
    r"^\s*(?P<award>\S.*?)\s+(?P<year>\d{4})\s+tilldelades\s+(?P<who>\S.*?)\s+med\s+motiveringen\s*:\s*$"
)
# A line that tries to be a heading but is not one: reported rather than read as motivation.
HEADING_LIKE = re.compile(r"^\s*\S.*\s\d{4}\s+tilldelades(\s|$)")
HEADING_PHRASE = "<utmärkelse> <år> tilldelades <kommun> med motiveringen:"


@dataclass(frozen=True)
class LineError:
    line: int
    message: str

    def __str__(self) -> str:
        if not self.line:
            return self.message
        return _("line %(line)s: %(message)s") % {"line": self.line, "message": self.message}


@dataclass(frozen=True)
class AnnouncedWinner:
    line: int
    award_name: str
    year: int
    display_name: str
    motivation: str
    opening_quote: str = "“"
    closing_quote: str = "”"
    motivation_line: int = 0


@dataclass
class Announcement:
    title: str
    intro: str
    winners: list[AnnouncedWinner] = field(default_factory=list)


class AnnouncementError(Invalid, ValueError):
    """The text is not a valid announcement; `errors` lists every problem found."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(e) for e in errors))


def _empty_file() -> LineError:
    return LineError(0, _("The file is empty. Give a file with the winners' text."))


def decode(data: bytes) -> str:
    """UTF-8 text from bytes, or AnnouncementError naming the first bad line."""
    if not data.strip():
        raise AnnouncementError(
            [LineError(0, _("The file is empty. Give a file with the winners' text."))]
        )
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise AnnouncementError(
            [
                LineError(
                    line, _("The file is binary, not text. Give the winners' text as UTF-8 text.")
                )
            ]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise AnnouncementError(
            [
                LineError(
                    line,
                    _("The file is not UTF-8 (byte %(byte)s). Save it as UTF-8 and try again.")
                    % {"byte": exc.start + 1},
                )
            ]
        ) from None
    return text


def _lines(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    return [line.rstrip() for line in text.split("\n")]


def parse(text: str) -> Announcement:
    """Read an announcement; raises AnnouncementError with every problem and its line number."""
    lines = _lines(text)
    if not any(line.strip() for line in lines):
        raise AnnouncementError(
            [LineError(0, _("The file is empty. Give a file with the winners' text."))]
        )
    errors: list[LineError] = []
    control = next(
        (i for i, line in enumerate(lines) if any(ord(c) < 32 and c != "\t" for c in line)), None
    )
    if control is not None:
        raise AnnouncementError(
            [
                LineError(
                    control + 1,
                    _("The line holds control characters; the file does not look like text."),
                )
            ]
        )

    headings = [i for i, line in enumerate(lines) if HEADING.match(line)]
    for i, line in enumerate(lines):
        if HEADING_LIKE.match(line) and not HEADING.match(line):
            errors.append(
                LineError(
                    i + 1,
                    _("The heading is incomplete. Write it as '%(phrase)s'.")
                    % {"phrase": HEADING_PHRASE},
                )
            )
    if not headings:
        if not errors:
            errors.append(
                LineError(
                    0,
                    _("No winner found. Each winner must begin with a line '%(phrase)s'.")
                    % {"phrase": HEADING_PHRASE},
                )
            )
        raise AnnouncementError(errors)

    first = next(i for i, line in enumerate(lines) if line.strip())
    if first == headings[0]:
        title, intro = "", ""
    else:
        title = lines[first].strip()
        intro = "\n".join(lines[first + 1 : headings[0]]).strip("\n")

    announcement = Announcement(title=title, intro=intro)
    for n, start in enumerate(headings):
        end = headings[n + 1] if n + 1 < len(headings) else len(lines)
        block = _motivation_block(lines, start, end, errors)
        match = HEADING.match(lines[start])
        assert match is not None
        if block is None:
            continue
        motivation_line, motivation = block
        announcement.winners.append(
            AnnouncedWinner(
                line=start + 1,
                award_name=" ".join(match["award"].split()),
                year=int(match["year"]),
                display_name=" ".join(match["who"].split()),
                motivation=motivation[1:-1],
                opening_quote=motivation[0],
                closing_quote=motivation[-1],
                motivation_line=motivation_line,
            )
        )
    if errors:
        raise AnnouncementError(sorted(errors, key=lambda e: e.line))
    return announcement


def _motivation_block(
    lines: list[str], heading: int, end: int, errors: list[LineError]
) -> tuple[int, str] | None:
    """The quoted motivation after the heading at index `heading`, up to index `end`.

    Returns (1-based line where it starts, text with its quotes), or None after adding an error.
    """
    first = heading + 1
    while first < end and not lines[first].strip():
        first += 1
    last = end - 1
    while last >= first and not lines[last].strip():
        last -= 1
    if first > last:
        errors.append(
            LineError(
                heading + 1,
                _(
                    "The heading has no motivation. Write the jury's motivation in quotation "
                    "marks on the line after the heading."
                ),
            )
        )
        return None
    text = "\n".join(lines[first : last + 1]).strip()
    if text[0] not in OPENING_QUOTES:
        errors.append(
            LineError(
                first + 1,
                _(
                    "The motivation must begin with a quotation mark (“). Put the jury's words "
                    "in quotation marks."
                ),
            )
        )
        return None
    if len(text) < 3 or text[-1] not in CLOSING_QUOTES:
        errors.append(
            LineError(
                last + 1,
                _(
                    "The motivation does not end with a quotation mark (”). End it with ” and "
                    "leave an empty line before the next heading."
                ),
            )
        )
        return None
    return first + 1, text


def render(announcement: Announcement) -> str:
    """The document text; parse(render(a)) gives `a` back."""
    parts: list[str] = []
    if announcement.title:
        parts.append(announcement.title)
    if announcement.intro:
        parts.append(announcement.intro)
    for w in announcement.winners:
        parts.append(
            f"{w.award_name} {w.year:04d} tilldelades {w.display_name} med motiveringen:\n"
            f"{w.opening_quote}{w.motivation}{w.closing_quote}"
        )
    return "\n\n".join(parts) + "\n"
