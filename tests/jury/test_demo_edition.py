"""`kommunpris demo_edition`: a whole simulated edition through the services, ending in a winner."""

from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client

from kommunpris.archive.models import Winner
from kommunpris.awards.models import Edition, Phase
from kommunpris.jury.models import Decision, Membership, ScoreSheet, Tie
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import Candidacy, Nomination, Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def _demo(*args: str) -> list[str]:
    out = io.StringIO()
    call_command("demo_edition", *args, stdout=out)
    return out.getvalue().splitlines()


def test_demo_edition_runs_a_whole_edition_and_prints_the_winner_last(award):
    lines = _demo("--year", "2029", "--publish-at", "2029-11-14T18:00", "--seed", "3")

    edition = Edition.objects.get(award=award, year=2029)
    winner = Winner.objects.get(edition=edition)
    assert lines[-1] == ", ".join(f"{m.code} {m.name}" for m in winner.places)
    assert re.fullmatch(r"\d{4} \S.*", lines[-1])
    assert lines[0] == "Demo: Sveriges DigitaliseringsKommun 2029, slumpfrö 3."
    assert (edition.phase, edition.publish_at) == (
        Phase.DECIDED,
        datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM),
    )
    # Real register municipalities, nominated, confirmed and merged into candidacies.
    assert Nomination.objects.filter(edition=edition, status="confirmed").count() >= 12
    assert Candidacy.objects.filter(edition=edition).count() == 11
    assert any(c.is_joint for c in Candidacy.objects.filter(edition=edition))
    assert Candidacy.objects.filter(edition=edition, stage=Stage.FINALIST).count() == 3
    decision = Decision.objects.get(edition=edition)
    assert decision.candidacy.stage == Stage.FINALIST
    assert Membership.objects.filter(edition=edition).count() == 6
    assert Tie.objects.filter(membership__edition=edition).count() == 3
    assert (
        ScoreSheet.objects.filter(round__edition=edition, submitted_at__isnull=False).count() > 40
    )
    assert not OutgoingMail.objects.exclude(to__endswith=".invalid").exists()

    # Embargoed until the gala, public after it, with no further step.
    with time_machine.travel(datetime(2029, 11, 14, 17, 59, tzinfo=STOCKHOLM), tick=False):
        assert winner.display_name not in Client().get("/vinnare/2029/").content.decode()
    with time_machine.travel(datetime(2029, 11, 14, 18, 1, tzinfo=STOCKHOLM), tick=False):
        assert winner.display_name in Client().get("/vinnare/2029/").content.decode()


def test_demo_edition_refuses_a_year_with_data(award):
    with pytest.raises(CommandError, match="2023 finns redan"):
        _demo("--year", "2023", "--publish-at", "2023-11-14T18:00")
    _demo("--year", "2029", "--publish-at", "2029-11-14T18:00", "--seed", "1")
    before = ScoreSheet.objects.count()
    with pytest.raises(CommandError, match="2029 finns redan"):
        _demo("--year", "2029", "--publish-at", "2029-11-14T18:00", "--seed", "2")
    assert ScoreSheet.objects.count() == before


def test_demo_edition_bad_publication_time_leaves_nothing(award):
    with pytest.raises(CommandError, match="utanför 2029–2030"):
        _demo("--year", "2029", "--publish-at", "2031-11-14T18:00")
    assert not Edition.objects.filter(year=2029).exists()
