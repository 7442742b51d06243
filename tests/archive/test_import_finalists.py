"""Importing earlier editions' finalists and nominees, joint candidacies included."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from kommunpris.awards.models import Award
from kommunpris.nominations.models import Candidacy, CandidacyMember


def _finalists(year: int) -> list[tuple[str, list[str]]]:
    candidacies = Candidacy.objects.filter(edition__year=year).prefetch_related(
        "members__municipality"
    )
    return sorted((c.stage, [m.name for m in c.municipalities]) for c in candidacies)


def test_seed_finalists_are_recorded_with_joint_candidacy(archive: Award) -> None:
    assert _finalists(2023) == [
        ("finalist", ["Mora", "Orsa", "Älvdalen"]),
        ("finalist", ["Nacka"]),
        ("finalist", ["Värmdö"]),
        ("nominee", ["Staffanstorp"]),
        ("nominee", ["Östersund"]),
    ]
    joint = Candidacy.objects.get(edition__year=2023, members__municipality__name="Orsa")
    assert joint.is_joint
    assert joint.name == "Mora, Orsa och Älvdalen"
    assert _finalists(2011) == [
        ("finalist", ["Ale"]),
        ("finalist", ["Stockholm"]),
        ("finalist", ["Upplands Väsby"]),
    ]


def test_import_finalists_again_changes_nothing(archive: Award) -> None:
    before = (Candidacy.objects.count(), CandidacyMember.objects.count())
    out = io.StringIO()
    call_command("import_finalists", str(Path(settings.DATA_DIR) / "finalists.csv"), stdout=out)
    assert "0 nya kandidaturer, 0 ändrade, 32 oförändrade" in out.getvalue()
    assert (Candidacy.objects.count(), CandidacyMember.objects.count()) == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "år,steg\n2011,finalist\n",
            "rad 1: Första raden ska vara kolumnnamnen 'year,stage,municipalities,source'",
        ),
        (
            "year,stage,municipalities,source\n2011,finalist,Atlantis,x\n",
            "rad 2: Okänd kommun 'Atlantis'",
        ),
        ("year,stage,municipalities,source\n2011,winner,Ale,x\n", "rad 2: Okänt steg 'winner'"),
        (
            "year,stage,municipalities,source\n1999,finalist,Ale,x\n",
            "rad 2: Upplagan 1999 finns inte.",
        ),
        (
            "year,stage,municipalities,source\n20x1,finalist,Ale,x\n",
            "rad 2: '20x1' är inget årtal.",
        ),
        (
            "year,stage,municipalities,source\n2011,finalist,Ale;Ale,x\n",
            "rad 2: Samma kommun står två gånger i raden.",
        ),
        (
            "year,stage,municipalities,source\n2011,finalist,Ale,x\n2011,finalist,Ale;Kungälv,x\n",
            "rad 3: Kommunen 1440 står redan i en annan kandidatur 2011 (rad 2).",
        ),
        ("year,stage,municipalities,source\n2011,finalist\n", "rad 2: Raden har 2 fält, ska ha 4."),
    ],
)
def test_import_finalists_bad_row_is_refused_and_writes_nothing(
    content: str, expected: str, archive: Award, tmp_path: Path
) -> None:
    path = tmp_path / "finalister.csv"
    path.write_text(content, encoding="utf-8")
    before = Candidacy.objects.count()
    with pytest.raises(CommandError) as caught:
        call_command("import_finalists", str(path), stdout=io.StringIO())
    assert expected in str(caught.value)
    assert Candidacy.objects.count() == before


def test_import_finalists_adds_new_row_and_upgrades_stage(archive: Award, tmp_path: Path) -> None:
    path = tmp_path / "finalister.csv"
    path.write_text(
        "year,stage,municipalities,source\n"
        "2023,finalist,Staffanstorp,https://example.org/2023\n"
        "2009,finalist,Falu kommun,https://example.org/2009\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("import_finalists", str(path), stdout=out)
    assert "1 nya kandidaturer, 1 ändrade, 0 oförändrade" in out.getvalue()
    assert ("finalist", ["Staffanstorp"]) in _finalists(2023)
    assert _finalists(2009) == [("finalist", ["Falun"])]
