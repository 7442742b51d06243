"""Ranks candidates from the jury's final ranked ballots with the Schulze method."""

from __future__ import annotations

from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

C = TypeVar("C", bound=Hashable)


@dataclass(frozen=True)
class SchulzeResult(Generic[C]):
    """The outcome of a Schulze count.

    `candidates` is the order used for the matrices and within tiers. `pairwise[x][y]` is
    the number of voters who strictly prefer x to y and `strongest_paths[x][y]` the
    strength of the widest path from x to y (both omit the diagonal x == y). `ranking`
    lists the tiers, best first; candidates in one tier are tied. `ties` holds the tiers
    with more than one candidate, for the chair to break with `apply_tie_break`.
    """

    candidates: list[C]
    pairwise: dict[C, dict[C, int]]
    strongest_paths: dict[C, dict[C, int]]
    ranking: list[list[C]]
    ties: list[list[C]]


def schulze(
    *,
    candidates: Sequence[C],
    ballots: Sequence[Sequence[Sequence[C]]],
    abstentions: Sequence[Collection[C]] | None = None,
) -> SchulzeResult[C]:
    """Counts ranked ballots with the Schulze method (winning votes).

    Each ballot is a list of tiers, best first, e.g. [["a"], ["b", "c"], ["d"]]: candidates
    in one tier are ranked equal, and candidates missing from a ballot rank equal to each
    other and below every listed one.

    `abstentions`, if given, has one collection per ballot: the candidates that voter takes
    no part in (a juror conflicted out of a finalist). A ballot adds nothing to any pair
    that involves one of its abstentions, so it counts neither for nor against them; an
    abstained candidate must not be on the ballot.

    d[X][Y] = number of ballots ranking X strictly above Y.
    p[X][Y] starts as d[X][Y] if d[X][Y] > d[Y][X], else 0; then, Floyd–Warshall style, for
    every intermediate I and pair (X, Y) with X, Y, I distinct:
    p[X][Y] = max(p[X][Y], min(p[X][I], p[I][Y])).
    X ranks above Y iff p[X][Y] > p[Y][X]. The tiers are built by repeatedly taking all
    remaining candidates that no remaining candidate ranks above.

    Raises ValueError for a duplicate candidate, a ballot naming an unknown candidate or
    naming one twice, and TypeError for a tier given as a bare string.
    """
    order = list(candidates)
    if len(set(order)) != len(order):
        raise ValueError(f"Candidates listed more than once: {_names(_duplicates(order))}.")
    known = set(order)

    if abstentions is not None and len(abstentions) != len(ballots):
        raise ValueError(
            f"Abstentions are given for {len(abstentions)} ballots, but there are "
            f"{len(ballots)}; give one collection (maybe empty) per ballot."
        )
    d: dict[C, dict[C, int]] = {x: {y: 0 for y in order if y != x} for x in order}
    for number, ballot in enumerate(ballots, 1):
        position = _positions(ballot, known=known, number=number)
        abstained = set(abstentions[number - 1]) if abstentions is not None else set()
        unknown = abstained - known
        if unknown:
            raise ValueError(
                f"Ballot {number} abstains on unknown candidate {_names(list(unknown))}."
            )
        listed = abstained & position.keys()
        if listed:
            raise ValueError(f"Ballot {number} both ranks and abstains on {_names(list(listed))}.")
        below_all = len(ballot)
        for x in order:
            if x in abstained:
                continue
            for y in order:
                if (
                    x != y
                    and y not in abstained
                    and position.get(x, below_all) < position.get(y, below_all)
                ):
                    d[x][y] += 1

    p: dict[C, dict[C, int]] = {
        x: {y: (d[x][y] if d[x][y] > d[y][x] else 0) for y in order if y != x} for x in order
    }
    for i in order:
        for x in order:
            if x == i:
                continue
            for y in order:
                if y in (x, i):
                    continue
                p[x][y] = max(p[x][y], min(p[x][i], p[i][y]))

    ranking: list[list[C]] = []
    remaining = list(order)
    while remaining:
        tier = [x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x)]
        if not tier:  # pragma: no cover - the Schulze relation is transitive, so never empty
            raise RuntimeError("The Schulze relation has a cycle; this is a bug.")
        ranking.append(tier)
        remaining = [x for x in remaining if x not in tier]

    return SchulzeResult(
        candidates=order,
        pairwise=d,
        strongest_paths=p,
        ranking=ranking,
        ties=[tier for tier in ranking if len(tier) > 1],
    )


def apply_tie_break(*, result: SchulzeResult[C], order: Sequence[C]) -> list[C]:
    """Turns the tiers of `result` into a strict ranking, best first.

    `order` is the chair's order for the tied candidates: it must contain every candidate
    of every tier in `result.ties` exactly once, and nothing else (empty when there are no
    ties). Each tied tier is ordered by the candidates' positions in `order`.
    Raises ValueError, naming the tied candidates, for any other `order`.
    """
    tied = [candidate for tier in result.ties for candidate in tier]
    chosen = list(order)
    if len(chosen) != len(set(chosen)) or set(chosen) != set(tied):
        problems = []
        missing = [candidate for candidate in tied if candidate not in chosen]
        if missing:
            problems.append(f"missing {_names(missing)}")
        unexpected = [candidate for candidate in chosen if candidate not in tied]
        if unexpected:
            problems.append(f"not tied {_names(unexpected)}")
        repeated = _duplicates(chosen)
        if repeated:
            problems.append(f"repeated {_names(repeated)}")
        expected = _names(tied) if tied else "none"
        raise ValueError(
            f"The tie-break order must list exactly the tied candidates ({expected}), "
            f"each once; {'; '.join(problems)}."
        )
    place = {candidate: index for index, candidate in enumerate(chosen)}
    strict: list[C] = []
    for tier in result.ranking:
        strict.extend(sorted(tier, key=place.__getitem__) if len(tier) > 1 else tier)
    return strict


def _positions(ballot: Sequence[Sequence[C]], *, known: set[C], number: int) -> dict[C, int]:
    """Maps each candidate on a ballot to its tier index (0 = best)."""
    position: dict[C, int] = {}
    for index, tier in enumerate(ballot):
        if isinstance(tier, str):
            raise TypeError(
                f"Ballot {number}: each tier must be a list of candidates, got the string "
                f"{tier!r}; write [[{tier!r}], ...] rather than [{tier!r}, ...]."
            )
        for candidate in tier:
            if candidate not in known:
                raise ValueError(f"Ballot {number} names unknown candidate {candidate!s}.")
            if candidate in position:
                raise ValueError(f"Ballot {number} names candidate {candidate!s} more than once.")
            position[candidate] = index
    return position


def _duplicates(items: Sequence[C]) -> list[C]:
    seen: set[C] = set()
    repeated: list[C] = []
    for item in items:
        if item in seen and item not in repeated:
            repeated.append(item)
        seen.add(item)
    return repeated


def _names(items: Sequence[C]) -> str:
    return ", ".join(str(item) for item in items)
