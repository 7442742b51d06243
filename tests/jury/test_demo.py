"""The simulated jury of the demo edition: the whole jury through the real services."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Phase
from kommunpris.jury.demo import run_jury
from kommunpris.jury.models import Ballot, ScoreSheet
from kommunpris.nominations.models import Stage
from kommunpris.permissions import decision_is_public

GALA = datetime(2029, 11, 14, 18, 0, tzinfo=ZoneInfo("Europe/Stockholm"))
CODES = ["2121", "2262", "2584", "2161", "1281", "2480", "0120", "2380"]


def _edition_with_candidacies(award, factories, year):
    edition = factories.make_edition(award, year=year)
    for code in CODES:
        factories.make_candidacy(edition, code)
    factories.make_candidacy(edition, "2062", "2034", "2039")
    return edition


def test_run_jury_decides_an_edition_through_the_services(award, factories):
    edition = _edition_with_candidacies(award, factories, 2029)
    lines: list[str] = []
    winner = run_jury(edition=edition, publish_at=GALA, rng=random.Random(7), say=lines.append)
    edition.refresh_from_db()
    assert (edition.phase, edition.publish_at) == (Phase.DECIDED, GALA)
    assert winner.edition == edition
    finalists = edition.candidacies.filter(stage=Stage.FINALIST)
    assert [sorted(winner.codes)] == [
        sorted(m.municipality_id for m in c.members.all())
        for c in finalists
        if set(winner.codes) & {m.municipality_id for m in c.members.all()}
    ]
    assert not decision_is_public(edition)
    assert ScoreSheet.objects.filter(round__edition=edition).count() > 50
    assert Ballot.objects.filter(edition=edition).count() >= 5
    assert lines[0] == "Juryn: 6 personer, ordförande Karin Lindqvist."
    assert AuditEvent.objects.filter(action="edition.decided").count() == 1


def test_run_jury_same_seed_same_winner(award, factories):
    first = run_jury(
        edition=_edition_with_candidacies(award, factories, 2029),
        publish_at=GALA,
        rng=random.Random(11),
        say=lambda _: None,
    )
    second = run_jury(
        edition=_edition_with_candidacies(award, factories, 2031),
        publish_at=GALA.replace(year=2031),
        rng=random.Random(11),
        say=lambda _: None,
    )
    assert (first.codes, first.motivation) == (second.codes, second.motivation)
