"""Tests for the jury round's score aggregation and Krippendorff's alpha."""

from __future__ import annotations

import math
from dataclasses import astuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import approx

from kommunpris.jury.aggregation import (
    CandidacyResult,
    CriterionWeight,
    RoundResult,
    Score,
    aggregate_round,
    juror_total,
    juror_z_scores,
    krippendorff_alpha_interval,
)

SQRT2 = math.sqrt(2)
CRITERIA = [
    CriterionWeight("impact", 2),
    CriterionWeight("innovation", 1),
    CriterionWeight("notes", 0),  # informational: never part of a total
]


def sheet(juror: str, candidacy: str, **values: float) -> list[Score]:
    """One juror's scores for one candidacy, criterion=value."""
    return [Score(juror, candidacy, criterion, value) for criterion, value in values.items()]


def test_juror_total_weighted_mean_of_weighted_criteria() -> None:
    # (2*4 + 1*2) / (2 + 1) = 10/3; the weight-0 "notes" score is left out.
    total = juror_total(
        weights={"impact": 2, "innovation": 1, "notes": 0},
        values={"impact": 4, "innovation": 2, "notes": 0},
    )
    assert total == approx(10 / 3)


def test_juror_total_unscored_criterion_left_out() -> None:
    # Only "innovation" scored: 1*3 / 1 = 3, still on the 0–4 scale.
    assert juror_total(weights={"impact": 2, "innovation": 1}, values={"innovation": 3}) == 3


def test_juror_total_only_informational_scores_is_none() -> None:
    assert juror_total(weights={"impact": 2, "notes": 0}, values={"notes": 4}) is None


def test_juror_total_unknown_criterion_raises() -> None:
    with pytest.raises(ValueError, match="unknown criteria: 'speed'"):
        juror_total(weights={"impact": 2}, values={"impact": 3, "speed": 1})


def test_juror_z_scores_uses_population_sd() -> None:
    # Totals 4, 3, 3, 2: mean 3, population sd sqrt((1 + 0 + 0 + 1) / 4) = sqrt(1/2).
    z = juror_z_scores({"a": 4, "b": 3, "c": 3, "d": 2})
    assert z == approx({"a": SQRT2, "b": 0.0, "c": 0.0, "d": -SQRT2})


def test_juror_z_scores_equal_totals_are_zero() -> None:
    assert juror_z_scores({"a": 7 / 3, "b": 7 / 3, "c": 7 / 3}) == {"a": 0.0, "b": 0.0, "c": 0.0}


def test_juror_z_scores_single_candidacy_is_zero() -> None:
    assert juror_z_scores({"a": 3.5}) == {"a": 0.0}


def test_aggregate_round_hand_computed_example() -> None:
    scores = [
        *sheet("j1", "a", impact=4, innovation=2, notes=0),
        *sheet("j1", "b", impact=2, innovation=2),
        *sheet("j1", "c", impact=1, innovation=4),
        *sheet("j2", "a", impact=3, innovation=3),
        *sheet("j2", "b", impact=4, innovation=1),
        *sheet("j2", "c", impact=0, innovation=0),
    ]
    # Juror totals, (2*impact + 1*innovation) / 3:
    #   j1: a = 10/3, b = 6/3 = 2, c = 6/3 = 2
    #   j2: a = 9/3 = 3, b = 9/3 = 3, c = 0
    # j1: mean 22/9, deviations 8/9, -4/9, -4/9, population sd sqrt(96/243) = 4*sqrt(2)/9
    #     -> z: a = sqrt(2), b = c = -1/sqrt(2)
    # j2: mean 2, deviations 1, 1, -2, population sd sqrt(6/3) = sqrt(2)
    #     -> z: a = b = 1/sqrt(2), c = -sqrt(2)
    # a: mean_total (10/3 + 3)/2 = 19/6, mean_z (sqrt(2) + 1/sqrt(2))/2 = 3/(2*sqrt(2)),
    #    spread |10/3 - 3|/sqrt(2) = 1/(3*sqrt(2))
    # b: mean_total 5/2, mean_z 0, spread |2 - 3|/sqrt(2) = 1/sqrt(2)
    # c: mean_total 1, mean_z -3/(2*sqrt(2)), spread |2 - 0|/sqrt(2) = sqrt(2) > 1 -> disagreement
    # alpha, units a = [10/3, 3], b = [2, 3], c = [2, 0], n = 6:
    #   D_o = 2 * ((1/3)^2 + 1^2 + 2^2) / 6 = 46/27
    #   sum of all values 40/3, of squares 334/9;
    #   sum over ordered pairs (v_i - v_j)^2 = 2*6*334/9 - 2*(40/3)^2 = 808/9
    #   D_e = (808/9) / (6*5) = 404/135
    #   alpha = 1 - (46/27) / (404/135) = 1 - 230/404 = 87/202
    result = aggregate_round(criteria=CRITERIA, scores=scores)
    # (candidacy_id, rank, mean_total, mean_z, spread, score_count, disagreement)
    assert [astuple(r) for r in result.results] == [
        ("a", 1, approx(19 / 6), approx(3 / (2 * SQRT2)), approx(1 / (3 * SQRT2)), 2, False),
        ("b", 2, approx(5 / 2), approx(0.0, abs=1e-12), approx(1 / SQRT2), 2, False),
        ("c", 3, approx(1.0), approx(-3 / (2 * SQRT2)), approx(SQRT2), 2, True),
    ]
    assert result.alpha == approx(87 / 202)
    assert result.unscored == ()


def test_aggregate_round_harsh_and_lenient_jurors_agree_after_normalisation() -> None:
    # The harsh juror gives every score one point lower than the lenient one.
    lenient = [
        *sheet("lenient", "x", impact=4, innovation=4),  # total 4
        *sheet("lenient", "y", impact=3, innovation=3),  # total 3
        *sheet("lenient", "z", impact=2, innovation=3),  # total (4 + 3)/3 = 7/3
    ]
    harsh = [
        *sheet("harsh", "x", impact=3, innovation=3),  # total 3
        *sheet("harsh", "y", impact=2, innovation=2),  # total 2
        *sheet("harsh", "z", impact=1, innovation=2),  # total (2 + 2)/3 = 4/3
    ]
    # Both: mean shifts by 1, deviations 8/9, -1/9, -7/9, population sd sqrt(38)/9,
    # so z = 8/sqrt(38), -1/sqrt(38), -7/sqrt(38) for either juror.
    expected_z = [8 / math.sqrt(38), -1 / math.sqrt(38), -7 / math.sqrt(38)]
    alone_lenient = aggregate_round(criteria=CRITERIA, scores=lenient).results
    alone_harsh = aggregate_round(criteria=CRITERIA, scores=harsh).results

    assert [r.mean_total for r in alone_lenient] == approx([4, 3, 7 / 3])
    assert [r.mean_total for r in alone_harsh] == approx([3, 2, 4 / 3])
    assert [r.mean_z for r in alone_lenient] == approx(expected_z)
    assert [r.mean_z for r in alone_harsh] == approx(expected_z)
    assert [(r.candidacy_id, r.rank) for r in alone_lenient] == [("x", 1), ("y", 2), ("z", 3)]
    assert [(r.candidacy_id, r.rank) for r in alone_harsh] == [("x", 1), ("y", 2), ("z", 3)]

    together = aggregate_round(criteria=CRITERIA, scores=lenient + harsh)
    # mean_total: x (4 + 3)/2 = 7/2, y (3 + 2)/2 = 5/2, z (7/3 + 4/3)/2 = 11/6;
    # spread = |1|/sqrt(2) for each, below the 1.0 threshold.
    assert [(r.candidacy_id, r.rank) for r in together.results] == [("x", 1), ("y", 2), ("z", 3)]
    assert [r.mean_total for r in together.results] == approx([7 / 2, 5 / 2, 11 / 6])
    assert [r.mean_z for r in together.results] == approx(expected_z)
    assert [r.spread for r in together.results] == approx([1 / SQRT2] * 3)
    assert [r.disagreement for r in together.results] == [False, False, False]


def test_aggregate_round_harsh_juror_on_different_candidacies_is_normalised() -> None:
    # Lenient juror scores p and q; harsh juror (one point lower) scores r and s. Raw means
    # favour whatever the lenient juror saw; z-scores put each juror's best first.
    scores = [
        *sheet("lenient", "p", impact=4, innovation=4),  # total 4   -> z +1
        *sheet("lenient", "q", impact=3, innovation=3),  # total 3   -> z -1
        *sheet("harsh", "r", impact=3, innovation=3),  # total 3     -> z +1
        *sheet("harsh", "s", impact=2, innovation=2),  # total 2     -> z -1
    ]
    results = aggregate_round(criteria=CRITERIA, scores=scores).results
    # Ties on mean_z are broken by mean_total: p (4) before r (3), q (3) before s (2).
    assert [(r.candidacy_id, r.rank, r.mean_z, r.mean_total) for r in results] == [
        ("p", 1, 1.0, 4.0),
        ("r", 2, 1.0, 3.0),
        ("q", 3, -1.0, 3.0),
        ("s", 4, -1.0, 2.0),
    ]


def test_aggregate_round_informational_criterion_ignored() -> None:
    base = [
        *sheet("j1", "a", impact=4, innovation=1),
        *sheet("j1", "b", impact=2, innovation=3),
        *sheet("j2", "a", impact=3, innovation=2),
        *sheet("j2", "b", impact=3, innovation=4),
    ]
    notes = [
        *sheet("j1", "a", notes=0),
        *sheet("j1", "b", notes=4),
        *sheet("j2", "a", notes=1),
        *sheet("j2", "b", notes=4),
    ]
    assert aggregate_round(criteria=CRITERIA, scores=base + notes) == aggregate_round(
        criteria=CRITERIA, scores=base
    )


def test_aggregate_round_only_informational_scores_is_unscored() -> None:
    scores = [*sheet("j1", "a", impact=3, innovation=3), *sheet("j1", "b", notes=4)]
    result = aggregate_round(criteria=CRITERIA, scores=scores)
    assert result == RoundResult(
        results=(CandidacyResult("a", 1, 3.0, 0.0, 0.0, 1, False),),
        alpha=None,
        unscored=("b",),
    )


def test_aggregate_round_single_juror() -> None:
    # One juror, totals a = 4, b = 3, c = 3, d = 1 (impact and innovation equal):
    # mean 11/4, deviations 5/4, 1/4, 1/4, -7/4, population sd sqrt(76/16 / 4) = sqrt(19)/4
    # -> z = 5/sqrt(19), 1/sqrt(19), 1/sqrt(19), -7/sqrt(19). b and c share rank 2.
    scores = [
        *sheet("j1", "a", impact=4, innovation=4),
        *sheet("j1", "c", impact=3, innovation=3),
        *sheet("j1", "b", impact=3, innovation=3),
        *sheet("j1", "d", impact=1, innovation=1),
    ]
    root = math.sqrt(19)
    result = aggregate_round(criteria=CRITERIA, scores=scores)
    # (candidacy_id, rank, mean_total, mean_z, spread, score_count, disagreement)
    assert [astuple(r) for r in result.results] == [
        ("a", 1, 4.0, approx(5 / root), 0.0, 1, False),
        ("b", 2, 3.0, approx(1 / root), 0.0, 1, False),
        ("c", 2, 3.0, approx(1 / root), 0.0, 1, False),
        ("d", 4, 1.0, approx(-7 / root), 0.0, 1, False),
    ]
    assert result.alpha is None  # one value per unit: nothing is pairable
    assert result.unscored == ()


def test_aggregate_round_single_candidacy_z_is_zero() -> None:
    result = aggregate_round(criteria=CRITERIA, scores=sheet("j1", "a", impact=2, innovation=2))
    assert result.results == (CandidacyResult("a", 1, 2.0, 0.0, 0.0, 1, False),)


def test_aggregate_round_int_ids_rank_ties_numerically() -> None:
    # Equal results are ordered by id: 2 before 10 (numerically, not as strings).
    criteria = [CriterionWeight(1, 1)]
    scores = [Score(7, 10, 1, 3), Score(7, 2, 1, 3)]
    results = aggregate_round(criteria=criteria, scores=scores).results
    assert [(r.candidacy_id, r.rank) for r in results] == [(2, 1), (10, 1)]


def test_aggregate_round_disagreement_threshold_keyword() -> None:
    # Totals for a: 4 and 2 -> spread |4 - 2|/sqrt(2) = sqrt(2) ≈ 1.414.
    scores = [
        *sheet("j1", "a", impact=4, innovation=4),
        *sheet("j2", "a", impact=2, innovation=2),
    ]
    default = aggregate_round(criteria=CRITERIA, scores=scores).results[0]
    lenient = aggregate_round(criteria=CRITERIA, scores=scores, disagreement_threshold=1.5)
    assert default.spread == approx(SQRT2)
    assert default.disagreement is True
    assert lenient.results[0].disagreement is False


def test_aggregate_round_duplicate_score_raises() -> None:
    scores = [Score("j1", "a", "impact", 3), Score("j1", "a", "impact", 4)]
    with pytest.raises(ValueError, match="more than once"):
        aggregate_round(criteria=CRITERIA, scores=scores)


def test_aggregate_round_unknown_criterion_raises() -> None:
    with pytest.raises(ValueError, match="unknown criteria: 'speed'"):
        aggregate_round(criteria=CRITERIA, scores=[Score("j1", "a", "speed", 3)])


def test_aggregate_round_duplicate_criterion_raises() -> None:
    criteria = [CriterionWeight("impact", 1), CriterionWeight("impact", 2)]
    with pytest.raises(ValueError, match="listed twice"):
        aggregate_round(criteria=criteria, scores=[])


def test_aggregate_round_no_scores_is_empty() -> None:
    assert aggregate_round(criteria=CRITERIA, scores=[]) == RoundResult(
        results=(), alpha=None, unscored=()
    )


def test_score_out_of_range_raises() -> None:
    with pytest.raises(ValueError, match="outside 0–4"):
        Score("j1", "a", "impact", 5)


def test_criterion_weight_negative_raises() -> None:
    with pytest.raises(ValueError, match="not negative"):
        CriterionWeight("impact", -1)


def krippendorff_2011_units() -> dict[int, list[float]]:
    """Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C."""
    observers = {
        "A": "1 2 3 3 2 1 4 1 2 . . .",
        "B": "1 2 3 3 2 2 4 1 2 5 . 3",
        "C": ". 3 3 3 2 3 4 2 2 5 1 .",
        "D": "1 2 3 3 2 4 4 1 2 5 1 .",
    }
    units: dict[int, list[float]] = {unit: [] for unit in range(1, 13)}
    for row in observers.values():
        for unit, value in enumerate(row.split(), 1):
            if value != ".":
                units[unit].append(float(value))
    return units


def test_krippendorff_alpha_interval_published_example() -> None:
    # Krippendorff (2011) reports alpha_interval = 0.849 (alpha_nominal = 0.743) for this
    # data; unit 12 has a single value and is not pairable.
    assert krippendorff_alpha_interval(krippendorff_2011_units()) == approx(0.849, abs=0.001)


def test_krippendorff_alpha_interval_two_observers_hand_computed() -> None:
    # Units [1, 2], [3, 3]: o(1,2) = o(2,1) = 1, o(3,3) = 2; n = 4.
    # D_o = (1 + 1) / 4 = 1/2.
    # Values 1, 2, 3, 3: ordered pairs sum (v_i - v_j)^2 = 2*(1 + 4 + 4 + 1 + 1 + 0) = 22;
    # D_e = 22 / (4*3) = 11/6. alpha = 1 - (1/2)/(11/6) = 1 - 3/11 = 8/11.
    assert krippendorff_alpha_interval({"u": [1, 2], "v": [3, 3]}) == approx(8 / 11)


def test_krippendorff_alpha_interval_perfect_agreement_is_one() -> None:
    units = {"a": [1.0, 1.0, 1.0], "b": [3.5, 3.5], "c": [2.0, 2.0, 2.0, 2.0], "d": [4.0]}
    assert krippendorff_alpha_interval(units) == 1.0


def test_krippendorff_alpha_interval_no_pairable_values_is_none() -> None:
    assert krippendorff_alpha_interval({"a": [1.0], "b": [], "c": [3.0]}) is None


def test_krippendorff_alpha_interval_no_variation_is_none() -> None:
    # Every pairable value is 2: D_e = 0, alpha undefined.
    assert krippendorff_alpha_interval({"a": [2.0, 2.0], "b": [2.0, 2.0, 2.0]}) is None


@settings(database=None)
@given(
    units=st.lists(
        st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=5),
        min_size=1,
        max_size=8,
    ),
    scale=st.floats(min_value=0.25, max_value=4),
    shift=st.floats(min_value=-4, max_value=4),
)
def test_krippendorff_alpha_interval_invariant_under_linear_rescaling(
    units: list[list[int]], scale: float, shift: float
) -> None:
    # delta^2 scales by scale^2 in both D_o and D_e, and a shift cancels in differences.
    original = krippendorff_alpha_interval(dict(enumerate(units)))
    rescaled = krippendorff_alpha_interval(
        {unit: [scale * value + shift for value in values] for unit, values in enumerate(units)}
    )
    if original is None:
        assert rescaled is None
    else:
        assert rescaled == approx(original, abs=1e-9)
