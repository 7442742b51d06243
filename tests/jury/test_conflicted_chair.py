"""The conflict rule holds through ranks, ballot counts and decisions, not only through 404s.

A chair or juror conflicted out of a candidacy must not learn where it placed: results pages
and CSVs rank the rows the viewer may see among themselves (starting at 1), the ballot count
lists the visible finalists in their visible order, and the decision page reads the same
whether or not the hidden finalist leads. A member conflicted out of a finalist sees no
winner's name before the winner is public, whichever finalist won, so a decision without a
name never tells them who won.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from kommunpris.archive.models import Winner
from kommunpris.jury import services
from kommunpris.jury.models import Membership, ScoringRound, TieKind
from kommunpris.nominations.models import Stage

STOCKHOLM = ZoneInfo("Europe/Stockholm")
GALA = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
HIDDEN_WINNER_NOTE = (
    "Du står utanför minst en av finalisterna, så vinnaren visas inte för dig här förrän "
    "beslutet blir offentligt den 14 november 2029, 18:00."
)


def _text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", body)).split())


def _text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def _score(jury, juror, values):
    scoring_round = jury.round(Stage.CANDIDACY)
    for candidacy, value in values:
        services.save_score_sheet(
            scoring_round=scoring_round,
            candidacy=candidacy,
            actor=juror,
            entries={c.pk: services.EntryInput(value, "") for c in jury.criteria()},
            submit=True,
        )


def _tie(jury, person, code):
    seat = Membership.objects.get(edition=jury.edition, user=person)
    services.declare_tie(
        seat=seat,
        kind=TieKind.HOME,
        municipality_code=code,
        note="Bor där sedan länge.",
        actor=person,
    )


@pytest.fixture
def ranked(jury):
    """Anna has scored the candidacy round: Ovanåker first, Mora, Orsa och Älvdalen second,
    Timrå and Kiruna shared third, Ljusdal last. Bo scored Ovanåker too, then found he is tied
    to it. Then the chair finds she is tied to Ovanåker as well."""
    services.open_round(edition=jury.edition, stage=Stage.CANDIDACY, actor=jury.chair)
    _score(
        jury,
        jury.anna,
        [
            (jury.ovanaker, 4),
            (jury.joint, 3),
            (jury.timra, 2),
            (jury.kiruna, 2),
            (jury.ljusdal, 1),
        ],
    )
    _score(jury, jury.bo, [(jury.ovanaker, 4)])
    _tie(jury, jury.bo, "2121")
    _tie(jury, jury.chair, "2121")
    return jury


def test_results_page_and_csv_rank_among_the_rows_the_chair_may_see(ranked, factories):
    chair = factories.signed_in(ranked.chair)
    base = f"/arbetsyta/jury/{ranked.edition.year}/omgang/kandidatur/"
    page = _text(chair.get(base + "resultat/"))
    assert "Ovanåker" not in page
    found = re.findall(r"(\d|–) (Mora, Orsa och Älvdalen|Kiruna|Timrå|Ljusdal) Kandidatur", page)
    assert found == [
        ("1", "Mora, Orsa och Älvdalen"),
        ("2", "Kiruna"),
        ("2", "Timrå"),
        ("4", "Ljusdal"),
    ]
    # Bo's sheet on Ovanåker, left out for his conflict, is not counted where she can see it.
    assert "utelämnas" not in page
    lines = chair.get(base + "resultat.csv").content.decode("utf-8-sig").splitlines()
    assert [line.split(";")[:2] for line in lines[1:]] == [
        ["1", "Mora, Orsa och Älvdalen"],
        ["2", "Kiruna"],
        ["2", "Timrå"],
        ["4", "Ljusdal"],
    ]
    assert "Ovanåker" not in "\n".join(lines)


@pytest.fixture
def deliberating(jury):
    """Ovanåker, Timrå and Kiruna are the finalists; then the chair finds she is tied to
    Ovanåker. The ballot puts Ovanåker first, Timrå second, Kiruna third."""
    for scoring_round in ScoringRound.objects.filter(edition=jury.edition):
        services.close_round(scoring_round=scoring_round, actor=jury.chair)
    for candidacy in (jury.ovanaker, jury.timra, jury.kiruna):
        services.move_candidacy(candidacy=candidacy, stage=Stage.FINALIST, actor=jury.chair)
    services.start_deliberation(edition=jury.edition, actor=jury.chair)
    _tie(jury, jury.chair, "2121")
    o, t, k = jury.ovanaker.pk, jury.timra.pk, jury.kiruna.pk
    services.cast_ballot(edition=jury.edition, actor=jury.anna, ranks={o: 1, t: 2, k: 3})
    services.cast_ballot(edition=jury.edition, actor=jury.bo, ranks={o: 1, k: 2, t: 3})
    services.cast_ballot(edition=jury.edition, actor=jury.chair, ranks={t: 1, k: 2})
    services.cast_ballot(edition=jury.edition, actor=jury.cia, ranks={t: 1, k: 2})
    jury.refresh()
    return jury


def test_decision_page_names_the_visible_leader_in_words_that_do_not_say_where_the_hidden_one_is(
    deliberating, factories
):
    chair = factories.signed_in(deliberating.chair)
    year = deliberating.edition.year
    page = _text(chair.get(f"/arbetsyta/jury/{year}/beslut/"))
    assert "Ovanåker" not in page
    assert (
        "Bland de finalister du får se sätter omröstningen (4 röster) först: Timrå. Du står "
        "utanför minst en av finalisterna; omröstningens hela ordning sparas med beslutet."
    ) in page
    assert "sätter först: (" not in page and not re.search(r"först:\s*(<|$|\()", page)
    # Her form asks how the jury decided, whichever finalist she picks.
    assert "Hur juryn kom fram till beslutet Krävs, eftersom du inte ser" in page
    count = chair.get(f"/arbetsyta/jury/{year}/omrostning/resultat/").content.decode()
    assert "Ovanåker" not in count
    order = re.search(r'<ol class="order">(.*?)</ol>', count, flags=re.S)
    assert order is not None
    places = [_text_of(item) for item in re.findall(r"<li>(.*?)</li>", order.group(1), re.S)]
    assert places == ["Timrå", "Kiruna"]


def test_conflicted_chair_records_a_decision_with_a_reason_and_is_never_told_who_led(
    deliberating,
):
    arguments = {
        "edition": deliberating.edition,
        "candidacy": deliberating.timra,
        "display_name": "Timrå kommun",
        "motivation": "Timrå visar vägen.",
        "publish_at": GALA,
        "actor": deliberating.chair,
    }
    with pytest.raises(services.JuryError) as refused:
        services.record_decision(**arguments)
    assert str(refused.value) == (
        "Du står utanför minst en av finalisterna och ser därför inte omröstningens hela "
        "ordning. Skriv hur juryn kom fram till beslutet; omröstningens ordning sparas med det."
    )
    with pytest.raises(services.JuryError) as not_finalist:
        services.record_decision(**{**arguments, "candidacy": deliberating.ljusdal})
    assert "Ovanåker" not in str(not_finalist.value)
    assert "Timrå, Kiruna" in str(not_finalist.value) or "Kiruna, Timrå" in str(not_finalist.value)
    winner = services.record_decision(**arguments, departure_reason="Juryn enades vid mötet.")
    assert winner.display_name == "Timrå kommun"


def test_ties_are_not_the_conflicted_chairs_to_break(deliberating, factories):
    # Cia changes her ballot: Timrå and Kiruna now tie for second, both visible to the chair.
    t, k = deliberating.timra.pk, deliberating.kiruna.pk
    services.cast_ballot(edition=deliberating.edition, actor=deliberating.cia, ranks={k: 1, t: 2})
    with pytest.raises(services.JuryError) as refused:
        services.break_tie(edition=deliberating.edition, order=[k, t], actor=deliberating.chair)
    assert str(refused.value) == (
        "Du står utanför minst en av finalisterna; låt en annan ledamot avgöra lika "
        "placeringar som ordförande."
    )
    page = _text(
        factories.signed_in(deliberating.chair).get(
            f"/arbetsyta/jury/{deliberating.edition.year}/omrostning/resultat/"
        )
    )
    assert "Avgör det lika läget" not in page
    assert "Ovanåker" not in page


def _decide(jury, candidacy, display_name):
    for scoring_round in ScoringRound.objects.filter(edition=jury.edition):
        services.close_round(scoring_round=scoring_round, actor=jury.chair)
    for finalist in (jury.ovanaker, jury.timra, jury.kiruna):
        services.move_candidacy(candidacy=finalist, stage=Stage.FINALIST, actor=jury.chair)
    services.start_deliberation(edition=jury.edition, actor=jury.chair)
    services.record_decision(
        edition=jury.edition,
        candidacy=candidacy,
        display_name=display_name,
        motivation=f"{display_name} visar vägen.",
        publish_at=GALA,
        actor=jury.chair,
    )


def test_member_conflicted_out_of_the_winner_sees_no_nameless_decision(jury, factories):
    _decide(jury, jury.ovanaker, "Ovanåkers kommun")
    year = jury.edition.year
    # Cia is tied to Gävleborg county-wide: out of Ovanåker, the winner.
    cia = _text(factories.signed_in(jury.cia).get(f"/arbetsyta/jury/{year}/"))
    assert "Ovanåker" not in cia
    assert f"Beslutet {HIDDEN_WINNER_NOTE}" in cia
    anna = _text(factories.signed_in(jury.anna).get(f"/arbetsyta/jury/{year}/"))
    assert "Juryn valde Ovanåkers kommun." in anna
    # The chair finds a tie to the winner afterwards: her decision page shows no nameless
    # winner and no motivation either.
    _tie(jury, jury.chair, "2121")
    decision = _text(factories.signed_in(jury.chair).get(f"/arbetsyta/jury/{year}/beslut/"))
    assert "Ovanåker" not in decision
    assert HIDDEN_WINNER_NOTE in decision
    assert Winner.objects.get(edition=jury.edition).display_name == "Ovanåkers kommun"


def test_member_conflicted_out_of_a_finalist_that_lost_reads_the_same(jury, factories):
    _decide(jury, jury.timra, "Timrå kommun")
    year = jury.edition.year
    cia = _text(factories.signed_in(jury.cia).get(f"/arbetsyta/jury/{year}/"))
    assert "Timrå kommun" not in cia
    assert f"Beslutet {HIDDEN_WINNER_NOTE}" in cia
