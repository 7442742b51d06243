"""Property tests of the announcement importer: whatever text comes in, the result is either an
import that round-trips or the clear import error, never another exception, and a refused
import writes nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import transaction
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from kommunpris.archive.announcement import (
    AnnouncedWinner,
    Announcement,
    AnnouncementError,
    decode,
    parse,
    render,
)
from kommunpris.archive.models import ArchivePage, Winner, WinnerMunicipality
from kommunpris.archive.selectors import public_announcement
from kommunpris.archive.services import import_winners
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Award, Edition

SEED = (Path(django_settings.DATA_DIR) / "winners-2001-2023.txt").read_text("utf-8")
SEED_LINES = SEED.splitlines()

# Text that looks like the format: pieces of the real document, its key words and quotes,
# mixed with arbitrary characters, so the fuzzer reaches past the first check.
_FORMAT_WORDS = st.sampled_from(
    [
        "Sveriges IT-kommun",
        "Sveriges DigitaliseringsKommun",
        " tilldelades ",
        " med motiveringen:",
        "“",
        "”",
        '"',
        "«",
        "»",
        "2001",
        "2017",
        "2027",
        "1999",
        "Värmdö kommun",
        "Habo",
        "Håbo",
        "Atlantis",
        "\n",
        "\n\n",
        "\r\n",
        "\t",
        " ",
        "\ufeff",
    ]
)
format_like_text = st.lists(
    st.one_of(_FORMAT_WORDS, st.text(max_size=8), st.sampled_from(SEED_LINES)), max_size=40
).map("".join)


def _errors_are_clear(exc: AnnouncementError) -> None:
    assert exc.errors
    for error in exc.errors:
        assert isinstance(error.line, int) and error.line >= 0
        assert error.message.strip()
        assert error.message.endswith((".", "?", ")"))


def _content(a: Announcement) -> tuple[str, str, list[AnnouncedWinner]]:
    """What an announcement says, without the line numbers it was found at."""
    return a.title, a.intro, [replace(w, line=0, motivation_line=0) for w in a.winners]


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), format_like_text))
# Found by this test: a year written 0000 came back as "0", and an indented heading-like
# title came back unindented, where it is refused.
@example("0 0000 tilldelades 0 med motiveringen:\n“0“")
@example("\t0 0000 tilldelades\n0 1000 tilldelades 0 med motiveringen:\n“0“")
def test_parse_any_text_gives_announcement_that_round_trips_or_clear_error(text: str) -> None:
    try:
        announcement = parse(text)
    except AnnouncementError as exc:
        _errors_are_clear(exc)
        event("refused")
        return
    event("parsed")
    rendered = render(announcement)
    assert _content(parse(rendered)) == _content(announcement)
    assert render(parse(rendered)) == rendered


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200) | format_like_text.map(lambda t: t.encode("utf-8")))
def test_decode_any_bytes_gives_text_or_clear_error(data: bytes) -> None:
    try:
        text = decode(data)
    except AnnouncementError as exc:
        _errors_are_clear(exc)
    else:
        assert isinstance(text, str)


_name_text = (
    st.text(
        alphabet=st.characters(
            codec="utf-8",
            categories=["L", "N", "Zs", "P", "S"],
            exclude_characters="“”\"«„‘'»’\u2028\u2029\x85",
        ),
        min_size=1,
        max_size=30,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
_motivation = st.lists(_name_text, min_size=1, max_size=4).map("\n".join)


@st.composite
def announcements(draw: st.DrawFn) -> Announcement:
    title = draw(_name_text)
    intro = draw(st.lists(_name_text, max_size=3).map("\n\n".join))
    assume("tilldelades" not in title + intro)
    years = draw(st.lists(st.integers(1000, 9999), min_size=1, max_size=5, unique=True))
    winners = [
        AnnouncedWinner(
            line=0,
            award_name=draw(
                st.sampled_from(["Sveriges IT-kommun", "Sveriges DigitaliseringsKommun"])
            ),
            year=year,
            display_name=draw(_name_text.filter(lambda s: "med motiveringen" not in s)),
            motivation=draw(_motivation),
        )
        for year in years
    ]
    return Announcement(title=title, intro=intro, winners=winners)


@settings(max_examples=300, deadline=None)
@given(announcements())
def test_render_then_parse_gives_the_same_announcement(announcement: Announcement) -> None:
    try:
        parsed = parse(render(announcement))
    except AnnouncementError as exc:
        # Only a motivation that itself reads like a heading may be refused, and clearly.
        _errors_are_clear(exc)
        assert any("tilldelades" in w.motivation for w in announcement.winners)
        return
    assert _content(parsed) == _content(announcement)


class _Undo(Exception):
    """Raised to roll one example's writes back."""


def _state() -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int, int]:
    winners = list(
        Winner.objects.order_by("edition__year").values_list(
            "edition__year", "display_name", "motivation"
        )
    )
    winners += list(
        WinnerMunicipality.objects.values_list(
            "winner__edition__year", "municipality_id", "position"
        ).order_by("winner__edition__year", "position")
    )
    page = list(ArchivePage.objects.values_list("title", "intro"))
    return winners, page, Edition.objects.count(), AuditEvent.objects.count()


def _mutated_seed() -> st.SearchStrategy[str]:
    """The real document with a few lines replaced, dropped, duplicated or edited."""

    @st.composite
    def mutate(draw: st.DrawFn) -> str:
        lines = list(SEED_LINES)
        for _ in range(draw(st.integers(1, 4))):
            i = draw(st.integers(0, len(lines) - 1))
            action = draw(st.sampled_from(["replace", "drop", "duplicate", "edit", "insert"]))
            if action == "replace":
                lines[i] = draw(format_like_text)
            elif action == "drop":
                del lines[i]
            elif action == "duplicate":
                lines.insert(i, lines[i])
            elif action == "insert":
                lines.insert(i, draw(format_like_text))
            else:
                j = draw(st.integers(0, len(lines[i])))
                lines[i] = lines[i][:j] + draw(st.text(max_size=5)) + lines[i][j + 1 :]
            if not lines:
                lines = [""]
        return "\n".join(lines) + "\n"

    return mutate()


@pytest.mark.slow
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(_mutated_seed(), _mutated_seed(), format_like_text, st.text(max_size=300)))
def test_import_any_text_round_trips_or_refuses_and_writes_nothing(
    archive: Award, text: str
) -> None:
    before = _state()
    try:
        with transaction.atomic():
            try:
                import_winners(data=text.encode("utf-8"), award=archive, actor="cli")
            except AnnouncementError as exc:
                _errors_are_clear(exc)
                assert _state() == before
                event("refused")
                raise _Undo from None
            event("imported")
            imported = parse(text)
            exported = render(public_announcement(award=archive))
            exported_winners = {w.year: w for w in _content(parse(exported))[2]}
            assert _content(parse(exported))[:2] == _content(imported)[:2]
            for winner in _content(imported)[2]:
                assert exported_winners[winner.year] == winner
            raise _Undo
    except _Undo:
        pass
    assert _state() == before


def test_title_too_long_for_the_database_is_a_clear_error(archive: Award) -> None:
    # Found on PostgreSQL, which refuses text longer than the column (SQLite stores it).
    lines = list(SEED_LINES)
    lines[0] = "Vinnare av utmärkelsen " * 15
    before = _state()
    with pytest.raises(AnnouncementError) as refused:
        import_winners(data="\n".join(lines), award=archive, actor="cli")
    assert [str(e) for e in refused.value.errors] == [
        f"Sidans rubrik (första raden) är {len(lines[0].strip())} tecken lång; högst 300 får "
        "plats. Korta rubriken och lägg resten i inledningen."
    ]
    assert _state() == before


def test_municipality_name_too_long_for_the_database_is_a_clear_error(archive: Award) -> None:
    name = "Värmdö kommun" + " " * 1 + "i Stockholms skärgård" * 10
    text = SEED.replace("tilldelades Värmdö kommun med", f"tilldelades {name} med", 1)
    with pytest.raises(AnnouncementError) as refused:
        import_winners(data=text, award=archive, actor="cli")
    assert [str(e) for e in refused.value.errors] == [
        f"rad 5: Kommunens namn är {len(name)} tecken långt; högst 200 får plats. Skriv namnet "
        "som kommunen själv skriver det."
    ]


FINALISTS = (Path(django_settings.DATA_DIR) / "finalists.csv").read_text("utf-8")
FINALIST_LINES = FINALISTS.splitlines()


@st.composite
def _finalist_csv(draw: st.DrawFn) -> str:
    lines = list(FINALIST_LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        cells = lines[i].split(",")
        j = draw(st.integers(0, len(cells) - 1))
        cells[j] = draw(
            st.one_of(
                st.text(max_size=12),
                st.sampled_from(["finalist", "nominee", "2023", "0000", "Habo", "Håbo", "Ale;Ale"]),
                st.integers(480, 520).map(lambda n: "https://example.se/" + "a" * n),
            )
        )
        lines[i] = draw(st.sampled_from([",", ";", '","'])).join(cells)
    return "\n".join(lines) + "\n"


@pytest.mark.slow
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=st.one_of(_finalist_csv(), st.text(max_size=200)))
def test_finalists_import_of_any_text_imports_or_refuses_and_writes_nothing(
    archive: Award, text: str
) -> None:
    from kommunpris.archive.services import import_finalists
    from kommunpris.nominations.models import Candidacy

    before = (_state(), Candidacy.objects.count())
    try:
        with transaction.atomic():
            try:
                import_finalists(data=text.encode("utf-8"), award=archive, actor="cli")
            except AnnouncementError as exc:
                _errors_are_clear(exc)
                assert (_state(), Candidacy.objects.count()) == before
                event("refused")
            else:
                event("imported")
            raise _Undo
    except _Undo:
        pass
    assert (_state(), Candidacy.objects.count()) == before
