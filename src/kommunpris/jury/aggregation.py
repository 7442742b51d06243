"""Aggregates a jury round's criterion scores into normalised, ranked results per candidacy."""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias, TypeVar

Id: TypeAlias = int | str
K = TypeVar("K", bound=Hashable)

SCORE_MIN = 0.0
SCORE_MAX = 4.0
DEFAULT_DISAGREEMENT_THRESHOLD = 1.0
# A juror whose totals differ by less than this (floating-point noise on the 0–4 scale) is
# treated as having no spread at all, so their z-scores are 0 rather than noise blown up.
_SD_EPSILON = 1e-9
# Ranking compares (mean_z, mean_total) rounded to this many decimals, so that values equal
# up to floating-point noise share a rank instead of being ordered by the noise.
_RANK_DECIMALS = 9


@dataclass(frozen=True)
class CriterionWeight:
    """A criterion of the round and its weight; weight 0 marks an informational criterion."""

    criterion_id: Id
    weight: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.weight) and self.weight >= 0):
            raise ValueError(
                f"Criterion {self.criterion_id!r} has weight {self.weight!r}; "
                "weights must be finite and not negative."
            )


@dataclass(frozen=True)
class Score:
    """One juror's score (0–4) for one candidacy on one criterion."""

    juror_id: Id
    candidacy_id: Id
    criterion_id: Id
    value: float

    def __post_init__(self) -> None:
        if not SCORE_MIN <= self.value <= SCORE_MAX:
            raise ValueError(
                f"Score {self.value!r} by juror {self.juror_id!r} for candidacy "
                f"{self.candidacy_id!r} on criterion {self.criterion_id!r} is outside "
                f"{SCORE_MIN:g}–{SCORE_MAX:g}."
            )


@dataclass(frozen=True)
class CandidacyResult:
    """The aggregated result of one candidacy in a round.

    `mean_total` is the mean of the juror totals (0–4 scale), `mean_z` the mean of the
    jurors' z-scores, `spread` the sample standard deviation of the juror totals (0 with a
    single juror), `score_count` the number of jurors with a total for the candidacy, and
    `disagreement` whether `spread` exceeds the round's threshold.
    """

    candidacy_id: Id
    rank: int
    mean_total: float
    mean_z: float
    spread: float
    score_count: int
    disagreement: bool


@dataclass(frozen=True)
class RoundResult:
    """All results of a round, best rank first, with the jury's reliability.

    `alpha` is Krippendorff's interval alpha over the juror totals (None when undefined).
    `unscored` lists candidacies that have scores, but only on weight-0 criteria, so they
    have no total and no rank.
    """

    results: tuple[CandidacyResult, ...]
    alpha: float | None
    unscored: tuple[Id, ...] = ()


def juror_total(*, weights: Mapping[K, float], values: Mapping[K, float]) -> float | None:
    """One juror's total for one candidacy: the weighted mean of their criterion scores.

    total = sum(w_c * s_c) / sum(w_c), summed over the criteria c the juror scored
    (`values`: criterion -> score) whose weight w_c (`weights`: criterion -> weight) is
    above 0. Criteria the juror left unscored are left out of both sums, so the total stays
    on the 0–4 scale. Returns None when no scored criterion has a weight above 0.
    Raises ValueError for a score on a criterion that is not in `weights`.
    """
    unknown = [criterion for criterion in values if criterion not in weights]
    if unknown:
        raise ValueError(f"Scores on unknown criteria: {', '.join(map(repr, unknown))}.")
    weighted = [(weights[c], value) for c, value in values.items() if weights[c] > 0]
    if not weighted:
        return None
    numerator = math.fsum(weight * value for weight, value in weighted)
    denominator = math.fsum(weight for weight, _ in weighted)
    return numerator / denominator


def juror_z_scores(totals: Mapping[K, float]) -> dict[K, float]:
    """Standardises one juror's totals across the candidacies they scored in the round.

    z_i = (t_i - mean_j) / sd_j, where mean_j is the juror's mean total and sd_j the
    population standard deviation sqrt(sum((t_i - mean_j)^2) / n) of their n totals: the
    juror's totals are the whole population being standardised, not a sample of it. When
    sd_j is 0 (all totals equal, or a single candidacy; in practice sd_j <= 1e-9, so that
    floating-point noise is not blown up) every z-score is 0.
    """
    if not totals:
        return {}
    values = list(totals.values())
    mean = statistics.fmean(values)
    sd = statistics.pstdev(values)
    if sd <= _SD_EPSILON:
        return dict.fromkeys(totals, 0.0)
    return {key: (total - mean) / sd for key, total in totals.items()}


def krippendorff_alpha_interval(units: Mapping[K, Sequence[float]]) -> float | None:
    """Krippendorff's alpha with the interval metric, from the coincidence matrix.

    `units` maps each unit to the values it received (missing values are simply absent).
    Units with fewer than 2 values are not pairable and are dropped. Each pairable unit u
    with m_u values adds 1 / (m_u - 1) to o[c][k] for every ordered pair of its values
    (c, k) taken from different observers. With n_c = sum_k o[c][k] (the number of
    pairable values equal to c), n = sum_c n_c and the interval metric
    delta^2(c, k) = (c - k)^2:

        D_o = (1 / n) * sum_c sum_k o[c][k] * delta^2(c, k)
        D_e = (1 / (n * (n - 1))) * sum_c sum_k n_c * n_k * delta^2(c, k)
        alpha = 1 - D_o / D_e

    Returns None when alpha is undefined: no pairable values, or D_e = 0 (all pairable
    values equal).

    Both double sums are computed in linear time, never over pairs: for values x_1..x_m with
    mean x̄, sum_i sum_j (x_i - x_j)^2 = 2 m sum_i (x_i - x̄)^2. So D_o sums, per unit,
    2 m_u / (m_u - 1) * sum (x - x̄_u)^2, and D_e is 2 n sum (x - x̄)^2 over all pairable values:
    a national round (290 candidacies, 15 jurors, thousands of distinct totals) takes
    milliseconds, where the pairs of distinct values alone would be millions.
    """
    pairable = [[float(value) for value in values] for values in units.values() if len(values) >= 2]
    if not pairable:
        return None
    everything = [value for values in pairable for value in values]
    n = len(everything)
    if len(set(everything)) == 1:
        return None
    observed = (
        math.fsum(
            2 * len(values) / (len(values) - 1) * _squared_deviations(values) for values in pairable
        )
        / n
    )
    expected = 2 * n * _squared_deviations(everything) / (n * (n - 1))
    if expected == 0:
        return None
    return 1.0 - observed / expected


def _squared_deviations(values: Sequence[float]) -> float:
    """sum (x - mean)^2; exactly 0 when every value is the same."""
    if all(value == values[0] for value in values):
        return 0.0
    mean = math.fsum(values) / len(values)
    return math.fsum((value - mean) ** 2 for value in values)


def aggregate_round(
    *,
    criteria: Iterable[CriterionWeight],
    scores: Iterable[Score],
    disagreement_threshold: float = DEFAULT_DISAGREEMENT_THRESHOLD,
) -> RoundResult:
    """Aggregates a round's scores into ranked results per candidacy.

    For each juror and candidacy, the juror total is `juror_total` (weighted mean over the
    criteria with weight > 0). Each juror's totals are turned into z-scores with
    `juror_z_scores` (population standard deviation), which removes a juror's overall
    harshness or leniency. Per candidacy: mean_total = mean of juror totals, mean_z = mean
    of z-scores, spread = sample standard deviation of juror totals
    sqrt(sum((t - mean_total)^2) / (n - 1)) (0 with one juror), score_count = n, and
    disagreement = spread > `disagreement_threshold` (points on the 0–4 scale).

    Ranking is by mean_z descending, then mean_total descending, then candidacy id (ints
    numerically before strings) for a stable order. Candidacies with equal
    (mean_z, mean_total) — compared after rounding to 9 decimals to absorb floating-point
    noise — share a rank, and the next rank skips accordingly ("1, 2, 2, 4").

    alpha is `krippendorff_alpha_interval` over the juror totals, one unit per candidacy.
    Raises ValueError for duplicate criteria, a duplicate score (same juror, candidacy and
    criterion), a score on an unknown criterion, or a negative threshold.
    """
    if not (math.isfinite(disagreement_threshold) and disagreement_threshold >= 0):
        raise ValueError(
            f"The disagreement threshold must be finite and not negative, "
            f"got {disagreement_threshold!r}."
        )
    weights: dict[Id, float] = {}
    for criterion in criteria:
        if criterion.criterion_id in weights:
            raise ValueError(f"Criterion {criterion.criterion_id!r} is listed twice.")
        weights[criterion.criterion_id] = criterion.weight

    # (juror, candidacy) -> criterion -> value
    sheets: defaultdict[tuple[Id, Id], dict[Id, float]] = defaultdict(dict)
    for score in scores:
        sheet = sheets[(score.juror_id, score.candidacy_id)]
        if score.criterion_id in sheet:
            raise ValueError(
                f"Juror {score.juror_id!r} scored candidacy {score.candidacy_id!r} on "
                f"criterion {score.criterion_id!r} more than once."
            )
        sheet[score.criterion_id] = score.value

    totals_by_juror: defaultdict[Id, dict[Id, float]] = defaultdict(dict)
    for (juror_id, candidacy_id), values in sheets.items():
        total = juror_total(weights=weights, values=values)
        if total is not None:
            totals_by_juror[juror_id][candidacy_id] = total

    totals_by_candidacy: defaultdict[Id, list[float]] = defaultdict(list)
    z_by_candidacy: defaultdict[Id, list[float]] = defaultdict(list)
    for juror_id in sorted(totals_by_juror, key=_id_sort_key):
        totals = totals_by_juror[juror_id]
        z_scores = juror_z_scores(totals)
        for candidacy_id, total in totals.items():
            totals_by_candidacy[candidacy_id].append(total)
            z_by_candidacy[candidacy_id].append(z_scores[candidacy_id])

    unranked: list[tuple[Id, float, float, float, int]] = []
    for candidacy_id, totals_list in totals_by_candidacy.items():
        spread = statistics.stdev(totals_list) if len(totals_list) > 1 else 0.0
        unranked.append(
            (
                candidacy_id,
                statistics.fmean(totals_list),
                statistics.fmean(z_by_candidacy[candidacy_id]),
                spread,
                len(totals_list),
            )
        )
    unranked.sort(
        key=lambda row: (
            -round(row[2], _RANK_DECIMALS),
            -round(row[1], _RANK_DECIMALS),
            *_id_sort_key(row[0]),
        )
    )

    results: list[CandidacyResult] = []
    previous_key: tuple[float, float] | None = None
    rank = 0
    for position, (candidacy_id, mean_total, mean_z, spread, count) in enumerate(unranked, 1):
        key = (round(mean_z, _RANK_DECIMALS), round(mean_total, _RANK_DECIMALS))
        if key != previous_key:
            rank = position
            previous_key = key
        results.append(
            CandidacyResult(
                candidacy_id=candidacy_id,
                rank=rank,
                mean_total=mean_total,
                mean_z=mean_z,
                spread=spread,
                score_count=count,
                disagreement=spread > disagreement_threshold,
            )
        )

    unscored = sorted(
        {candidacy_id for _, candidacy_id in sheets} - totals_by_candidacy.keys(),
        key=_id_sort_key,
    )
    return RoundResult(
        results=tuple(results),
        alpha=krippendorff_alpha_interval(totals_by_candidacy),
        unscored=tuple(unscored),
    )


def _id_sort_key(identifier: Id) -> tuple[int, int, str]:
    """Orders int ids numerically before str ids, which are ordered as strings."""
    if isinstance(identifier, int):
        return (0, identifier, "")
    return (1, 0, identifier)
