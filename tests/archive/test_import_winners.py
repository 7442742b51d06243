"""Importing and exporting the winners page: the seed round-trips, bad input imports nothing."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kommunpris.archive.models import ArchivePage, Winner
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.defaults import DIGITALISERINGSKOMMUN
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import ensure_award

SEED = Path(settings.DATA_DIR) / "winners-2001-2023.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

EXPECTED_WINNERS = [
    (2023, "Sveriges DigitaliseringsKommun", "0120", "Värmdö", "Värmdö kommun"),
    (2021, "Sveriges DigitaliseringsKommun", "2281", "Sundsvall", "Sundsvalls kommun"),
    (2019, "Sveriges DigitaliseringsKommun", "0186", "Lidingö", "Lidingö stad"),
    (2017, "Sveriges DigitaliseringsKommun", "0180", "Stockholm", "Stockholms stad"),
    (2015, "Sveriges IT-kommun", "1283", "Helsingborg", "Helsingborgs stad"),
    (2013, "Sveriges IT-kommun", "1780", "Karlstad", "Karlstads kommun"),
    (2011, "Sveriges IT-kommun", "0114", "Upplands Väsby", "Upplands Väsby kommun"),
    (2009, "Sveriges IT-kommun", "1382", "Falkenberg", "Falkenbergs kommun"),
    (2007, "Sveriges IT-kommun", "2480", "Umeå", "Umeå kommun"),
    (2005, "Sveriges IT-kommun", "1280", "Malmö", "Malmö stad"),
    (2003, "Sveriges IT-kommun", "0182", "Nacka", "Nacka kommun"),
    (2001, "Sveriges IT-kommun", "2514", "Kalix", "Kalix kommun"),
]


@pytest.fixture
def empty_award(archive: Award) -> Award:
    """A second award with the same name history and an empty archive."""
    from dataclasses import replace

    return ensure_award(definition=replace(DIGITALISERINGSKOMMUN, slug="provpris"))


def _import(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_winners", str(path), *args, stdout=out)
    return out.getvalue()


def _export(fmt: str, *args: str) -> str:
    out = io.StringIO()
    call_command("export_winners", "--format", fmt, *args, stdout=out)
    return out.getvalue()


def _without_line_end_space(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines())


def _state(award: Award) -> tuple[int, int, int, int]:
    return (
        Winner.objects.filter(edition__award=award).count(),
        Edition.objects.filter(award=award).count(),
        ArchivePage.objects.filter(award=award).count(),
        AuditEvent.objects.count(),
    )


def test_seed_round_trips_through_import_and_text_export(archive: Award) -> None:
    assert _without_line_end_space(_export("text")) == _without_line_end_space(SEED_TEXT)


def test_import_into_empty_award_then_export_reproduces_seed(
    empty_award: Award, tmp_path: Path
) -> None:
    output = _import(SEED, "--award", "provpris")
    assert output.strip() == f"{SEED}: 12 nya vinnare, 0 ändrade, 0 oförändrade."
    exported = _export("text", "--award", "provpris")
    assert _without_line_end_space(exported) == _without_line_end_space(SEED_TEXT)


def test_import_same_file_again_changes_nothing(archive: Award) -> None:
    before = _state(archive)
    output = _import(SEED)
    assert output.strip() == f"{SEED}: 0 nya vinnare, 0 ändrade, 12 oförändrade."
    assert _state(archive) == before


def test_import_keeps_motivation_verbatim(archive: Award) -> None:
    motivation_2011 = Winner.objects.get(edition__year=2011).motivation
    assert motivation_2011.count("\n") == 1
    assert motivation_2011.startswith("Upplands Väsby är den samarbetande")
    assert motivation_2011.endswith("till uppnådda resultat.")
    winner_2009 = Winner.objects.get(edition__year=2009)
    assert (winner_2009.opening_quote, winner_2009.closing_quote) == ("”", "”")
    assert Winner.objects.get(edition__year=2015).motivation.startswith("Året pris går till")


def test_json_export_has_the_twelve_winners_with_codes_and_award_names(archive: Award) -> None:
    rows = json.loads(_export("json"))
    got = [
        (r["year"], r["award_name"], r["municipality_code"], r["municipality"], r["display_name"])
        for r in rows
    ]
    assert got == EXPECTED_WINNERS
    assert set(rows[0]) == {
        "year",
        "award_name",
        "municipality_code",
        "municipality",
        "display_name",
        "county_code",
        "county",
        "motivation",
        "ceremony_date",
        "joint",
        "municipalities",
    }
    assert (rows[0]["joint"], rows[0]["municipalities"]) == (
        False,
        [{"code": "0120", "name": "Värmdö", "county_code": "01", "county": "Stockholms län"}],
    )
    sundsvall = rows[1]
    assert (sundsvall["county_code"], sundsvall["county"]) == ("22", "Västernorrlands län")
    assert sundsvall["ceremony_date"] == "2022-05-02"
    assert rows[0]["ceremony_date"] is None


def test_csv_export_is_utf8_bom_semicolon_separated(archive: Award) -> None:
    text = _export("csv")
    assert text.startswith("\ufeffyear;award_name;municipality_code;")
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 12
    assert (rows[0]["municipality_code"], rows[0]["display_name"]) == ("0120", "Värmdö kommun")
    assert rows[-1]["year"] == "2001"


BAD_INPUTS = {
    "unknown_municipality": (
        "Sveriges IT-kommun 2001 tilldelades Atlantis kommun med motiveringen:\n“Bra.”\n",
        "rad 1: Okänd kommun 'Atlantis kommun'.",
    ),
    "ambiguous_municipality": (
        "Sveriges IT-kommun 2001 tilldelades Upplands kommun med motiveringen:\n“Bra.”\n",
        "rad 1: 'Upplands kommun' kan vara flera kommuner: Upplands-Bro, Upplands Väsby.",
    ),
    "name_not_in_force": (
        "Titel\n\nSveriges DigitaliseringsKommun 2009 tilldelades Falkenbergs kommun med motiveringen:\n“Bra.”\n",
        "rad 3: Utmärkelsen hette 'Sveriges IT-kommun' år 2009, inte 'Sveriges DigitaliseringsKommun'. "
        "Skriv 'Sveriges IT-kommun 2009'.",
    ),
    "same_year_twice": (
        "Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\n“Bra.”\n\n"
        "Sveriges IT-kommun 2001 tilldelades Nacka kommun med motiveringen:\n“Också bra.”\n",
        "rad 4: År 2001 förekommer två gånger (även på rad 1). Ta bort den ena.",
    ),
    "off_cadence": (
        "Sveriges IT-kommun 2002 tilldelades Kalix kommun med motiveringen:\n“Bra.”\n",
        "rad 1: År 2002 passar inte utmärkelsens rytm (vart 2:a år från 2001). Rätta året, "
        "eller importera med --allow-off-cadence om det ändå ska med.",
    ),
    "heading_without_motivation": (
        "Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\n\n"
        "Sveriges IT-kommun 2003 tilldelades Nacka kommun med motiveringen:\n“Bra.”\n",
        "rad 1: Rubriken saknar motivering.",
    ),
    "motivation_without_quotes": (
        "Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\nBra utan citat.\n",
        "rad 2: Motiveringen ska börja med ett citattecken (“).",
    ),
    "unclosed_motivation": (
        "Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\n“Bra men\nhär tar den slut\n",
        "rad 3: Motiveringen slutar inte med ett citattecken (”).",
    ),
    "incomplete_heading": (
        "Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\n“Bra.”\n\n"
        "Sveriges IT-kommun 2003 tilldelades Nacka kommun\n“Bra.”\n",
        "rad 4: Rubriken är ofullständig.",
    ),
    "no_heading": ("Bara lite text\n\nutan några vinnare.\n", "Hittade ingen vinnare."),
}


@pytest.mark.parametrize("case", sorted(BAD_INPUTS))
def test_import_bad_input_is_refused_with_line_and_writes_nothing(
    case: str, empty_award: Award, tmp_path: Path
) -> None:
    text, expected = BAD_INPUTS[case]
    path = tmp_path / "vinnare.txt"
    path.write_text(text, encoding="utf-8")
    before = _state(empty_award)
    with pytest.raises(CommandError) as caught:
        _import(path, "--award", "provpris")
    message = str(caught.value)
    assert f"{path}: {expected}" in message
    assert message.endswith("Ingenting importerades.")
    assert _state(empty_award) == before


def test_import_off_cadence_is_allowed_with_override(empty_award: Award, tmp_path: Path) -> None:
    path = tmp_path / "vinnare.txt"
    path.write_text(
        "Sveriges IT-kommun 2002 tilldelades Kalix kommun med motiveringen:\n“Bra.”\n",
        encoding="utf-8",
    )
    _import(path, "--award", "provpris", "--allow-off-cadence")
    winner = Winner.objects.get(edition__award=empty_award)
    assert (winner.edition.year, winner.codes, winner.motivation) == (
        2002,
        ["2514"],
        "Bra.",
    )


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "Filen är tom."),
        (b"  \n\n ", "Filen är tom."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "rad 3: Filen är binär, inte text."),
        (
            'Sveriges IT-kommun 2001 tilldelades Kalix kommun med motiveringen:\n"Bra."\n\n'
            'Sveriges IT-kommun 2003 tilldelades Nacka kommun med motiveringen:\n"Kör."\n'.encode(
                "latin-1"
            ),
            "rad 5: Filen är inte UTF-8",
        ),
    ],
)
def test_import_empty_binary_or_non_utf8_file_is_refused(
    content: bytes, expected: str, empty_award: Award, tmp_path: Path
) -> None:
    path = tmp_path / "vinnare.txt"
    path.write_bytes(content)
    before = _state(empty_award)
    with pytest.raises(CommandError) as caught:
        _import(path, "--award", "provpris")
    assert expected in str(caught.value)
    assert _state(empty_award) == before


def test_import_missing_file_and_unknown_award_are_refused(archive: Award, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="filen finns inte"):
        _import(tmp_path / "saknas.txt")
    with pytest.raises(CommandError, match="Okänd utmärkelse 'nobelpriset'. Kända: "):
        _import(SEED, "--award", "nobelpriset")


def test_import_with_one_bad_block_writes_none_of_the_good_ones(
    empty_award: Award, tmp_path: Path
) -> None:
    broken = SEED_TEXT.replace("tilldelades Kalix kommun", "tilldelades Kalixx kommun")
    path = tmp_path / "vinnare.txt"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        _import(path, "--award", "provpris")
    assert "Okänd kommun 'Kalixx kommun'. Menade du: Kalix" in str(caught.value)
    assert _state(empty_award)[0] == 0


def test_import_accepts_crlf_and_bom(empty_award: Award, tmp_path: Path) -> None:
    path = tmp_path / "vinnare.txt"
    path.write_bytes(b"\xef\xbb\xbf" + SEED_TEXT.replace("\n", "\r\n").encode())
    _import(path, "--award", "provpris")
    assert Winner.objects.filter(edition__award=empty_award).count() == 12
    assert _without_line_end_space(
        _export("text", "--award", "provpris")
    ) == _without_line_end_space(SEED_TEXT)


def test_import_changed_motivation_updates_and_audits(archive: Award, tmp_path: Path) -> None:
    path = tmp_path / "vinnare.txt"
    path.write_text(SEED_TEXT.replace("friska satsning", "modiga satsning"), encoding="utf-8")
    output = _import(path)
    assert "0 nya vinnare, 1 ändrade, 11 oförändrade" in output
    assert "modiga satsning" in Winner.objects.get(edition__year=2001).motivation
    event = AuditEvent.objects.order_by("-id").first()
    assert event is not None
    assert (event.action, event.target) == (
        "archive.winner_updated",
        "edition:digitaliseringskommun:2001",
    )
    assert "friska satsning" in event.before["motivation"]
