"""The award's order of publication — nominees, then finalists, then the winner — is one rule
(`kommunpris.permissions.out_of_order`), asked by the chair's announcements and by the decision
alike. Here it is checked over every time each may be given against the others."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import product
from zoneinfo import ZoneInfo

import pytest

from kommunpris.awards.models import Edition, Phase
from kommunpris.nominations.models import Stage
from kommunpris.permissions import WINNER, OutOfOrder, out_of_order

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NOMINEES = datetime(2029, 5, 10, 10, 0, tzinfo=STOCKHOLM)
FINALISTS = datetime(2029, 6, 14, 10, 0, tzinfo=STOCKHOLM)
WINNER_AT = datetime(2029, 11, 14, 18, 0, tzinfo=STOCKHOLM)
SET = {Stage.NOMINEE: NOMINEES, Stage.FINALIST: FINALISTS, WINNER: WINNER_AT}
SECOND = timedelta(seconds=1)


def _edition(*, decided: bool) -> Edition:
    return Edition(
        year=2029,
        phase=Phase.DECIDED if decided else Phase.DELIBERATION,
        nominees_publish_at=NOMINEES,
        finalists_publish_at=FINALISTS,
        publish_at=WINNER_AT if decided else None,
    )


@pytest.mark.parametrize(
    ("what", "publish_at", "expected"),
    [
        # Between its neighbours, or on one of their times: in order.
        (Stage.NOMINEE, NOMINEES - timedelta(days=30), None),
        (Stage.NOMINEE, FINALISTS, None),
        (Stage.FINALIST, NOMINEES, None),
        (Stage.FINALIST, WINNER_AT, None),
        (WINNER, FINALISTS, None),
        # After a later one: the first later one is named.
        (Stage.NOMINEE, FINALISTS + SECOND, OutOfOrder(Stage.FINALIST, FINALISTS, False)),
        (Stage.NOMINEE, WINNER_AT + SECOND, OutOfOrder(Stage.FINALIST, FINALISTS, False)),
        (Stage.FINALIST, WINNER_AT + SECOND, OutOfOrder(WINNER, WINNER_AT, False)),
        # Before an earlier one: the latest earlier one is named (the time to choose from).
        (Stage.FINALIST, NOMINEES - SECOND, OutOfOrder(Stage.NOMINEE, NOMINEES, True)),
        (WINNER, NOMINEES - SECOND, OutOfOrder(Stage.FINALIST, FINALISTS, True)),
        (WINNER, FINALISTS - SECOND, OutOfOrder(Stage.FINALIST, FINALISTS, True)),
    ],
)
def test_a_time_out_of_the_awards_order_names_the_time_it_breaks(what, publish_at, expected):
    assert out_of_order(_edition(decided=True), what, publish_at) == expected


def test_the_winners_time_counts_only_once_the_decision_is_recorded():
    late = WINNER_AT + timedelta(days=1)
    assert out_of_order(_edition(decided=False), Stage.FINALIST, late) is None
    assert out_of_order(_edition(decided=True), Stage.FINALIST, late) == OutOfOrder(
        WINNER, WINNER_AT, False
    )


def test_every_time_given_keeps_the_order_exactly_when_no_conflict_is_found():
    """Over a grid of times for each of the three, a conflict is found exactly when the three
    times, with the one given in its place, are out of order."""
    grid = [NOMINEES - SECOND, NOMINEES, FINALISTS, FINALISTS + SECOND, WINNER_AT + SECOND]
    order = [Stage.NOMINEE, Stage.FINALIST, WINNER]
    for what, publish_at in product(order, grid):
        times = [publish_at if name == what else SET[name] for name in order]
        in_order = times == sorted(times)
        assert (out_of_order(_edition(decided=True), what, publish_at) is None) == in_order, (
            what,
            publish_at,
        )
