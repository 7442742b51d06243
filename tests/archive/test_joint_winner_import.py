"""Joint winners in the announcement text, and the migration that brought them: every winner
stored before keeps its municipality."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kommunpris.archive.announcement import AnnouncementError
from kommunpris.archive.models import Winner
from kommunpris.archive.services import import_winners
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Award

HEADING = "Sveriges DigitaliseringsKommun 2025 tilldelades {who} med motiveringen:\n“Bra.”\n"


def _import(who: str, award: Award) -> None:
    import_winners(data=HEADING.format(who=who), award=award)


@pytest.mark.parametrize(
    ("who", "codes"),
    [
        ("Mora kommun, Orsa kommun och Älvdalens kommun", ["2062", "2034", "2039"]),
        ("Älvdalen, Mora och Orsa", ["2039", "2062", "2034"]),
        ("Håbo kommun och Habo kommun", ["0305", "0643"]),
        ("Malung-Sälens kommun", ["2023"]),
    ],
)
def test_joint_winner_resolves_every_member_in_written_order(
    archive: Award, who: str, codes: list[str]
) -> None:
    _import(who, archive)
    winner = Winner.objects.get(edition__award=archive, edition__year=2025)
    assert (winner.display_name, winner.codes) == (who, codes)
    event = AuditEvent.objects.filter(action="archive.winner_imported").latest("id")
    assert event.after["municipalities"] == codes


@pytest.mark.parametrize(
    ("who", "message"),
    [
        (
            "Mora kommun, Atlantis kommun och Orsa kommun",
            "rad 1: Okänd kommun 'Atlantis kommun'.",
        ),
        (
            "Mora kommun och Mora kommun",
            "rad 1: 'Mora kommun och Mora kommun' nämner Mora två gånger. Skriv varje kommun i "
            "den gemensamma kandidaturen en gång.",
        ),
    ],
)
def test_joint_winner_with_a_bad_member_is_refused_and_nothing_written(
    archive: Award, who: str, message: str
) -> None:
    events = AuditEvent.objects.count()
    with pytest.raises(AnnouncementError) as caught:
        _import(who, archive)
    assert str(caught.value).startswith(message)
    assert not Winner.objects.filter(edition__year=2025).exists()
    assert AuditEvent.objects.count() == events


def test_reimport_changes_the_members_and_records_it(archive: Award) -> None:
    _import("Mora kommun och Orsa kommun", archive)
    _import("Mora kommun, Orsa kommun och Älvdalens kommun", archive)
    winner = Winner.objects.get(edition__year=2025)
    assert winner.codes == ["2062", "2034", "2039"]
    event = AuditEvent.objects.filter(action="archive.winner_updated").latest("id")
    assert (event.before["municipalities"], event.after["municipalities"]) == (
        ["2062", "2034"],
        ["2062", "2034", "2039"],
    )


@pytest.mark.slow
def test_migration_keeps_each_winners_municipality_and_goes_back(tmp_path: Path) -> None:
    """On a database as it was before joint winners (SQLite file, real migrations)."""
    database = tmp_path / "before.sqlite3"
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SETTINGS_MODULE": "kommunpris.settings.test",
    }

    def kommunpris(*args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "kommunpris.manage", *args],
            env=env,
            check=True,
            capture_output=True,
        )

    kommunpris("migrate", "archive", "0001_initial")
    with sqlite3.connect(database) as db:
        # The code checks are REGEXP constraints; Django registers the function, so do we.
        db.create_function(
            "REGEXP", 2, lambda pattern, value: re.search(pattern, value) is not None
        )
        db.execute("INSERT INTO register_county (code, name) VALUES ('22', 'Västernorrlands län')")
        db.execute(
            "INSERT INTO register_municipality (code, name, county_id) "
            "VALUES ('2281', 'Sundsvall', '22'), ('2262', 'Timrå', '22')"
        )
        db.execute(
            "INSERT INTO awards_award (slug, founded_year, cadence_years, venue, organiser, "
            "is_default) VALUES ('pris', 2001, 2, '', '', 1)"
        )
        db.execute(
            "INSERT INTO awards_edition (award_id, year, phase, ceremony_date_only, venue) "
            "VALUES (1, 2021, 'announced', 0, ''), (1, 2023, 'announced', 0, '')"
        )
        db.execute(
            "INSERT INTO archive_winner (edition_id, municipality_id, display_name, motivation, "
            "motivation_en, opening_quote, closing_quote) VALUES "
            "(1, '2281', 'Sundsvalls kommun', 'Bra.', '', '“', '”'), "
            "(2, '2262', 'Timrå kommun', 'Också bra.', '', '“', '”')"
        )
    kommunpris("migrate")
    with sqlite3.connect(database) as db:
        members = db.execute(
            "SELECT w.display_name, m.municipality_id, m.position FROM archive_winnermunicipality m "
            "JOIN archive_winner w ON w.id = m.winner_id ORDER BY w.id"
        ).fetchall()
        keys = dict(db.execute("SELECT name, sort_key FROM register_municipality").fetchall())
    assert members == [("Sundsvalls kommun", "2281", 0), ("Timrå kommun", "2262", 0)]
    assert keys["Sundsvall"] and keys["Sundsvall"] < keys["Timrå"]

    kommunpris("migrate", "archive", "0001_initial")
    with sqlite3.connect(database) as db:
        back = db.execute(
            "SELECT display_name, municipality_id FROM archive_winner ORDER BY id"
        ).fetchall()
    assert back == [("Sundsvalls kommun", "2281"), ("Timrå kommun", "2262")]
