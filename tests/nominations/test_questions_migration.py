"""Migration 0005 on a database made before it: every answer of before moves under the key of
its question, each edition gets the three questions it asked (frozen from its first nomination),
and going back refuses an edition whose questions the three columns cannot hold — changing
nothing. Runs on SQLite and on PostgreSQL, like the whole suite."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from kommunpris.nominations.models import Candidacy, Nomination, NominationQuestion

BEFORE = [("nominations", "0004_nomination_revisions_replace_pending_update")]
QUESTIONS = "0005_questions_per_edition"
STANDARD = [
    ("proud", "Vad är kommunen mest stolt över?", "What is the municipality most proud of?"),
    ("effect", "Vilken effekt har det fått?", "What effect has it had?"),
    ("learned", "Vad har man lärt sig?", "What has been learned?"),
]
FIRST = datetime(2027, 3, 2, 9, 30, tzinfo=UTC)


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return [key for key in executor.loader.graph.leaf_nodes() if key[0] == "nominations"]


@pytest.fixture
def before_questions(archive, transactional_db):
    """The database as it was before migration 0005, with 2027's call in it; afterwards the
    database is brought back to the newest migrations for the tests that follow."""
    executor = _migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    yield apps
    _migrate(_latest())


def _call_of_before(apps) -> dict[str, int]:
    """2027 with 501 nominations of Sundsvall (one batch and one more), a waiting revision,
    and the municipality's own answers (one left empty)."""
    Award = apps.get_model("awards", "Award")
    Edition = apps.get_model("awards", "Edition")
    Municipality = apps.get_model("register", "Municipality")
    Nomination = apps.get_model("nominations", "Nomination")
    NominationRevision = apps.get_model("nominations", "NominationRevision")
    Candidacy = apps.get_model("nominations", "Candidacy")
    CandidacyMember = apps.get_model("nominations", "CandidacyMember")
    award = Award.objects.get(slug="digitaliseringskommun")
    edition = Edition.objects.create(
        award=award,
        year=2027,
        phase="nominations_closed",
        nominations_close_at=FIRST + timedelta(days=60),
        supplement_close_at=FIRST + timedelta(days=75),
        ceremony_at=FIRST + timedelta(days=250),
    )
    sundsvall = Municipality.objects.get(code="2281")
    candidacy = Candidacy.objects.create(
        edition=edition, own_proud="Vår egen text.", own_effect="", own_learned="Lärdomen."
    )
    CandidacyMember.objects.create(
        candidacy=candidacy, edition=edition, municipality=sundsvall, position=0
    )
    Nomination.objects.bulk_create(
        Nomination(
            edition=edition,
            municipality=sundsvall,
            candidacy=candidacy,
            status="confirmed",
            proud=f"Stolt {n}.",
            effect=f"Effekt {n}.",
            learned=f"Lärdom {n}.",
            nominator_name=f"Person {n}",
            nominator_email=f"person{n}@example.se",
            consented_at=FIRST + timedelta(minutes=n),
            submitted_at=FIRST + timedelta(minutes=n),
        )
        for n in range(501)
    )
    first = Nomination.objects.get(nominator_email="person0@example.se")
    NominationRevision.objects.create(
        nomination=first,
        proud="Nyare stolt.",
        effect="Nyare effekt.",
        learned="Nyare lärdom.",
        nominator_name="Person 0",
        token_hash="a" * 64,
        submitted_at=FIRST + timedelta(days=1),
    )
    return {"edition": edition.pk, "candidacy": candidacy.pk, "first": first.pk}


def test_answers_move_under_their_questions_and_back_all_or_nothing(before_questions):
    """One test for the three directions: each migration costs seconds on a full database."""
    made = _call_of_before(before_questions)

    # Forwards: every answer under its question's key.
    _migrate(_latest())
    questions = NominationQuestion.objects.filter(edition_id=made["edition"]).order_by("position")
    assert [(q.key, q.text_sv, q.text_en, q.required, q.max_length) for q in questions] == [
        (key, sv, en, True, 3000) for key, sv, en in STANDARD
    ]
    assert {q.frozen_at for q in questions} == {FIRST}  # from its first nomination
    assert Nomination.objects.filter(edition_id=made["edition"]).count() == 501
    first = Nomination.objects.get(pk=made["first"])
    assert first.answers == {"proud": "Stolt 0.", "effect": "Effekt 0.", "learned": "Lärdom 0."}
    assert Nomination.objects.get(nominator_email="person500@example.se").answers == {
        "proud": "Stolt 500.",
        "effect": "Effekt 500.",
        "learned": "Lärdom 500.",
    }
    assert [r.answers for r in first.revisions.all()] == [
        {"proud": "Nyare stolt.", "effect": "Nyare effekt.", "learned": "Nyare lärdom."}
    ]
    assert Candidacy.objects.get(pk=made["candidacy"]).own_answers == {
        "proud": "Vår egen text.",
        "learned": "Lärdomen.",
    }
    # The archive's editions keep the questions of before too, never frozen by a nomination.
    archive_2023 = NominationQuestion.objects.filter(edition__year=2023)
    assert [(q.key, q.frozen_at) for q in archive_2023.order_by("position")] == [
        ("proud", None),
        ("effect", None),
        ("learned", None),
    ]

    # Backwards with an edition whose own question has no column: refused, nothing changed.
    edition_2029 = questions[0].edition.__class__.objects.create(
        award=questions[0].edition.award, year=2029
    )
    own = NominationQuestion.objects.create(
        edition=edition_2029, position=1, key="q4", text_sv="Vad gjorde ni under pandemin?"
    )
    with pytest.raises(RuntimeError) as refused:
        _migrate(BEFORE)
    assert "The edition 2029" in str(refused.value) and "q4" in str(refused.value)
    # 2027 came first and had been moved back when 2029 stopped it: all of it was undone.
    assert ("nominations", QUESTIONS) in MigrationRecorder(connection).applied_migrations()
    assert Nomination.objects.get(pk=made["first"]).answers == {
        "proud": "Stolt 0.",
        "effect": "Effekt 0.",
        "learned": "Lärdom 0.",
    }
    assert NominationQuestion.objects.filter(edition_id=made["edition"]).count() == 3

    # Backwards once every edition's questions fit: the answers go back into their columns.
    own.delete()
    apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    old_nomination = apps.get_model("nominations", "Nomination").objects.get(pk=made["first"])
    assert (old_nomination.proud, old_nomination.effect, old_nomination.learned) == (
        "Stolt 0.",
        "Effekt 0.",
        "Lärdom 0.",
    )
    old_candidacy = apps.get_model("nominations", "Candidacy").objects.get(pk=made["candidacy"])
    assert (old_candidacy.own_proud, old_candidacy.own_effect, old_candidacy.own_learned) == (
        "Vår egen text.",
        "",
        "Lärdomen.",
    )
