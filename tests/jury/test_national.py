"""An edition simulated through the services (`kommunpris simulate_edition`), smaller than the
country so the suite stays fast, and the desk's heaviest pages over it: the chair's results
table and the organiser's field view read a fixed number of queries whatever the size, long
lists come a page at a time, and the exports are streamed. (bench/national.py measures the
whole country: 290 candidacies, 20,000 nominations.)"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse

from kommunpris.accounts.testing import sign_in_verified
from kommunpris.audit.models import AuditEvent
from kommunpris.awards.models import Edition, Phase
from kommunpris.jury import selectors
from kommunpris.jury.models import Ballot, Decision, Membership, ScoreSheet, Tie
from kommunpris.mail.models import OutgoingMail
from kommunpris.nominations.models import Candidacy, Nomination, NominationStatus, Stage
from kommunpris.permissions.jury import conflicts_by_member

pytestmark = pytest.mark.django_db

YEAR = 2031
CANDIDACIES, NOMINATIONS, NOMINEES, FINALISTS = 12, 240, 6, 3
ROUNDS = {"candidacy": CANDIDACIES, "nominee": NOMINEES, "finalist": FINALISTS}


@dataclass
class Simulated:
    edition: Edition
    output: list[str]
    chair: User


@pytest.fixture(scope="module")
def simulated(django_db_setup: None, django_db_blocker: Any) -> Iterator[Simulated]:
    """Built once for the module, in a transaction rolled back after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("bootstrap", stdout=io.StringIO())
        out = io.StringIO()
        call_command(
            "simulate_edition",
            year=YEAR,
            candidacies=CANDIDACIES,
            nominations=NOMINATIONS,
            nominees=NOMINEES,
            finalists=FINALISTS,
            stdout=out,
        )
        edition = Edition.objects.get(year=YEAR)
        chair = selectors.chair_of(edition)
        assert chair is not None
        yield Simulated(edition=edition, output=out.getvalue().splitlines(), chair=chair.user)
        transaction.set_rollback(True)


@pytest.fixture
def chair(simulated: Simulated) -> Client:
    return sign_in_verified(Client(), simulated.chair)


@pytest.fixture
def organiser(simulated: Simulated) -> Client:
    person = User.objects.create_user("organisator@example.se", "organisator@example.se")
    person.is_staff = True
    person.save(update_fields=["is_staff"])
    return sign_in_verified(Client(), person)


def test_simulate_edition_runs_a_whole_edition_through_the_services(simulated: Simulated) -> None:
    edition = simulated.edition
    assert (edition.phase, simulated.output[0]) == (
        Phase.DECIDED,
        f"Simulering: Sveriges DigitaliseringsKommun {YEAR}: {CANDIDACIES} kandidaturer, "
        f"{NOMINATIONS} nomineringar, 15 i juryn.",
    )
    assert Candidacy.objects.filter(edition=edition).count() == CANDIDACIES
    confirmed = Nomination.objects.filter(edition=edition, status=NominationStatus.CONFIRMED)
    assert confirmed.count() == NOMINATIONS
    # Each confirmed by following the link mailed with it, as the audit log records.
    assert set(
        AuditEvent.objects.filter(action="nomination.confirmed").values_list("target", flat=True)
    ) >= {f"nomination:{pk}" for pk in confirmed.values_list("pk", flat=True)}
    assert Membership.objects.filter(edition=edition).count() == 15
    assert Tie.objects.filter(membership__edition=edition).count() == 5
    conflicts = conflicts_by_member(edition)
    assert len(conflicts) == 5 and all(conflicts.values())
    # Every round fully scored: each member submitted a sheet for every candidacy of the round
    # they are not conflicted out of.
    for stage, size in ROUNDS.items():
        scoring_round = selectors.scoring_round(edition, stage)
        assert scoring_round is not None and not scoring_round.is_open
        expected = sum(
            1
            for seat in Membership.objects.filter(edition=edition)
            for candidacy in Candidacy.objects.filter(edition=edition)
            if Stage.rank(candidacy.stage) >= Stage.rank(stage)
            and candidacy.pk not in conflicts.get(seat.user_id, {})
        )
        sheets = ScoreSheet.objects.filter(round=scoring_round, submitted_at__isnull=False)
        assert (
            sheets.count(),
            len(selectors.round_results(scoring_round, simulated.chair).rows),
        ) == (
            expected,
            size - len(conflicts.get(simulated.chair.pk, {}).keys() & _ids(edition, stage)),
        )
    assert Ballot.objects.filter(edition=edition).count() >= 12
    decision = Decision.objects.get(edition=edition)
    assert decision.candidacy.stage == Stage.FINALIST
    assert not OutgoingMail.objects.exclude(to__endswith=".invalid").exists()
    assert re.fullmatch(
        r"Tid: nomineringar \d+ s, kontakter \d+ s, juryn \d+ s; totalt \d+ s\. .*",
        simulated.output[-2],
    )
    assert simulated.output[-1] == ", ".join(
        f"{m.code} {m.name}" for m in decision.candidacy.municipalities
    )


def _ids(edition: Edition, stage: str) -> set[int]:
    return {
        c.pk
        for c in Candidacy.objects.filter(edition=edition)
        if Stage.rank(c.stage) >= Stage.rank(stage)
    }


def test_simulate_edition_refuses_a_year_with_an_edition_and_a_bad_scale(
    simulated: Simulated,
) -> None:
    with pytest.raises(CommandError, match=f"Sveriges DigitaliseringsKommun {YEAR} finns redan"):
        call_command("simulate_edition", year=YEAR, stdout=io.StringIO())
    with pytest.raises(CommandError, match="Minst en nominering per kandidatur"):
        call_command(
            "simulate_edition", year=YEAR + 2, candidacies=20, nominations=10, stdout=io.StringIO()
        )
    assert not Edition.objects.filter(year=YEAR + 2).exists()


@pytest.mark.parametrize("stage", list(ROUNDS))
def test_the_chairs_results_table_reads_the_same_few_queries_for_any_field(
    simulated: Simulated, chair: Client, stage: str, django_assert_max_num_queries: Any
) -> None:
    """The table itself in six queries (the rubric, the ties, the candidacies and where they
    lie, who nominated them, every score); the page adds the sign-in (session, user, second
    factor), the edition with its award's names, the chair's seat and the round."""
    scoring_round = selectors.scoring_round(simulated.edition, stage)
    assert scoring_round is not None
    with django_assert_max_num_queries(6):
        table = selectors.round_results(scoring_round, simulated.chair)
    assert [row.rank for row in table.rows][:1] == [1]
    url = reverse("desk:jury-results", kwargs={"year": YEAR, "stage": stage})
    # The table's six, the session, user, device, edition, jury seat and round, and the desk's
    # header (the viewer's seats with their editions and the award's names): the same for a
    # field of any size.
    with django_assert_max_num_queries(16):
        page = chair.get(url)
    assert page.status_code == 200
    assert f"{len(table.rows)} kandidaturer" in page.content.decode()


def test_the_organisers_field_view_reads_the_same_few_queries(
    simulated: Simulated, organiser: Client, django_assert_max_num_queries: Any
) -> None:
    # One of them the desk's header (the organiser's jury seats).
    with django_assert_max_num_queries(16):
        page = organiser.get(reverse("desk:nominations-field", kwargs={"year": YEAR}))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"{CANDIDACIES} kandidaturer</caption>" in html
    assert html.count(f'<th scope="row"><a href="/arbetsyta/nomineringar/{YEAR}/kandidatur/') == (
        CANDIDACIES
    )


def test_the_nominations_come_a_page_at_a_time(
    simulated: Simulated, organiser: Client, django_assert_max_num_queries: Any
) -> None:
    url = reverse("desk:nominations-list", kwargs={"year": YEAR})
    # One of them the desk's header (the organiser's jury seats), one the edition's questions.
    with django_assert_max_num_queries(14):
        first = organiser.get(url).content.decode()
    last = organiser.get(url, {"page": "3"}).content.decode()
    beyond = organiser.get(url, {"page": "99"}).content.decode()
    assert f"{NOMINATIONS} nomineringar hittades." in first
    assert "Visar 1–100 av 240 (sida 1 av 3)." in first
    assert first.count('<article class="card" id="nomination-') == 100
    assert "Visar 201–240 av 240 (sida 3 av 3)." in last
    assert last.count('<article class="card" id="nomination-') == 40
    # A page past the end is the last page.
    assert "Visar 201–240 av 240 (sida 3 av 3)." in beyond
    assert 'rel="next" href="?page=2"' in first
    searched = organiser.get(url, {"q": "Att", "page": "2"}).content.decode()
    assert 'href="?q=Att&amp;page=3"' in searched


def test_the_exports_are_streamed_whatever_their_length(
    simulated: Simulated, organiser: Client, django_assert_max_num_queries: Any
) -> None:
    for name, rows in (
        ("desk:nominations-csv", NOMINATIONS),
        ("desk:nominations-candidacies-csv", CANDIDACIES),
    ):
        with django_assert_max_num_queries(13):  # one of them the edition's questions
            response = organiser.get(reverse(name, kwargs={"year": YEAR}))
            body = response.getvalue().decode("utf-8-sig")
        assert response.streaming, name
        assert len(list(csv.reader(io.StringIO(body), delimiter=";"))) == rows + 1, name
