"""Tests for the Schulze count of the jury's final ranked ballots."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kommunpris.jury.schulze import SchulzeResult, apply_tie_break, schulze


def strict_ballots(spec: list[tuple[int, str]]) -> list[list[list[str]]]:
    """Expands (count, "ACBED") into count ballots ranking one letter per tier."""
    return [[[letter] for letter in order] for count, order in spec for _ in range(count)]


# Wikipedia, "Schulze method", example with 45 voters.
WIKIPEDIA_BALLOTS = strict_ballots(
    [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
)


def test_schulze_wikipedia_example_pairwise() -> None:
    result = schulze(candidates=list("ABCDE"), ballots=WIKIPEDIA_BALLOTS)
    # e.g. d[A][B] = 5 (ACBED) + 5 (ADECB) + 3 (CABED) + 7 (CAEBD) = 20.
    assert result.pairwise == {
        "A": {"B": 20, "C": 26, "D": 30, "E": 22},
        "B": {"A": 25, "C": 16, "D": 33, "E": 18},
        "C": {"A": 19, "B": 29, "D": 17, "E": 24},
        "D": {"A": 15, "B": 12, "C": 28, "E": 14},
        "E": {"A": 23, "B": 27, "C": 21, "D": 31},
    }


def test_schulze_wikipedia_example_strongest_paths() -> None:
    result = schulze(candidates=list("ABCDE"), ballots=WIKIPEDIA_BALLOTS)
    # e.g. p[A][B] = 28 via A -(30)-> D -(28)-> C -(29)-> B; p[E][D] = 31 directly.
    assert result.strongest_paths == {
        "A": {"B": 28, "C": 28, "D": 30, "E": 24},
        "B": {"A": 25, "C": 28, "D": 33, "E": 24},
        "C": {"A": 25, "B": 29, "D": 29, "E": 24},
        "D": {"A": 25, "B": 28, "C": 28, "E": 24},
        "E": {"A": 25, "B": 28, "C": 28, "D": 31},
    }


def test_schulze_wikipedia_example_ranking() -> None:
    result = schulze(candidates=list("ABCDE"), ballots=WIKIPEDIA_BALLOTS)
    assert result.candidates == ["A", "B", "C", "D", "E"]
    assert result.ranking == [["E"], ["A"], ["C"], ["B"], ["D"]]
    assert result.ties == []
    assert apply_tie_break(result=result, order=[]) == ["E", "A", "C", "B", "D"]


def test_schulze_two_candidates_one_one_is_tie() -> None:
    result = schulze(candidates=["x", "y"], ballots=[[["x"], ["y"]], [["y"], ["x"]]])
    # d[x][y] = d[y][x] = 1, so neither wins a link: p is 0 both ways.
    assert result == SchulzeResult(
        candidates=["x", "y"],
        pairwise={"x": {"y": 1}, "y": {"x": 1}},
        strongest_paths={"x": {"y": 0}, "y": {"x": 0}},
        ranking=[["x", "y"]],
        ties=[["x", "y"]],
    )


def test_apply_tie_break_chair_order_resolves_tie() -> None:
    result = schulze(candidates=["x", "y"], ballots=[[["x"], ["y"]], [["y"], ["x"]]])
    assert apply_tie_break(result=result, order=["y", "x"]) == ["y", "x"]
    assert apply_tie_break(result=result, order=["x", "y"]) == ["x", "y"]


def test_apply_tie_break_missing_candidate_raises() -> None:
    result = schulze(candidates=["x", "y"], ballots=[[["x"], ["y"]], [["y"], ["x"]]])
    with pytest.raises(ValueError) as raised:
        apply_tie_break(result=result, order=["x"])
    assert str(raised.value) == (
        "The tie-break order must list exactly the tied candidates (x, y), each once; missing y."
    )


def test_apply_tie_break_extra_and_repeated_candidates_raise() -> None:
    result = schulze(candidates=["x", "y", "z"], ballots=[[["x", "y"], ["z"]]])
    assert result.ties == [["x", "y"]]
    with pytest.raises(ValueError) as raised:
        apply_tie_break(result=result, order=["y", "x", "z", "y"])
    assert str(raised.value) == (
        "The tie-break order must list exactly the tied candidates (x, y), each once; "
        "not tied z; repeated y."
    )


def test_apply_tie_break_order_without_ties_raises() -> None:
    result = schulze(candidates=["x", "y"], ballots=[[["x"], ["y"]]])
    with pytest.raises(ValueError) as raised:
        apply_tie_break(result=result, order=["x", "y"])
    assert str(raised.value) == (
        "The tie-break order must list exactly the tied candidates (none), each once; "
        "not tied x, y."
    )


def test_schulze_ballot_with_ties_and_absent_candidate() -> None:
    # Ballot 1: a > b = c.  Ballot 2: c > a, b absent so below both: c > a > b.
    # d[a][b] = 2, d[a][c] = 1, d[c][a] = 1, d[c][b] = 1, d[b][*] = 0.
    # Winning links: a -> b (2), c -> b (1); a and c are tied 1-1, so p[a][c] = p[c][a] = 0.
    result = schulze(
        candidates=["a", "b", "c"],
        ballots=[[["a"], ["b", "c"]], [["c"], ["a"]]],
    )
    assert result == SchulzeResult(
        candidates=["a", "b", "c"],
        pairwise={"a": {"b": 2, "c": 1}, "b": {"a": 0, "c": 0}, "c": {"a": 1, "b": 1}},
        strongest_paths={"a": {"b": 2, "c": 0}, "b": {"a": 0, "c": 0}, "c": {"a": 0, "b": 1}},
        ranking=[["a", "c"], ["b"]],
        ties=[["a", "c"]],
    )
    assert apply_tie_break(result=result, order=["c", "a"]) == ["c", "a", "b"]


def test_schulze_no_ballots_is_one_tier() -> None:
    result = schulze(candidates=["a", "b", "c"], ballots=[])
    assert result == SchulzeResult(
        candidates=["a", "b", "c"],
        pairwise={"a": {"b": 0, "c": 0}, "b": {"a": 0, "c": 0}, "c": {"a": 0, "b": 0}},
        strongest_paths={"a": {"b": 0, "c": 0}, "b": {"a": 0, "c": 0}, "c": {"a": 0, "b": 0}},
        ranking=[["a", "b", "c"]],
        ties=[["a", "b", "c"]],
    )


def test_schulze_int_candidate_ids() -> None:
    result = schulze(candidates=[10, 20], ballots=[[[20], [10]]])
    assert result.ranking == [[20], [10]]


def test_schulze_unknown_candidate_raises() -> None:
    with pytest.raises(ValueError) as raised:
        schulze(candidates=["a", "b"], ballots=[[["a"], ["b"]], [["q"]]])
    assert str(raised.value) == "Ballot 2 names unknown candidate q."


def test_schulze_candidate_twice_on_ballot_raises() -> None:
    with pytest.raises(ValueError) as raised:
        schulze(candidates=["a", "b"], ballots=[[["a"], ["b", "a"]]])
    assert str(raised.value) == "Ballot 1 names candidate a more than once."


def test_schulze_duplicate_candidates_raises() -> None:
    with pytest.raises(ValueError) as raised:
        schulze(candidates=["a", "b", "a"], ballots=[])
    assert str(raised.value) == "Candidates listed more than once: a."


def test_schulze_flat_ballot_of_strings_raises() -> None:
    with pytest.raises(TypeError, match="each tier must be a list of candidates"):
        schulze(candidates=["ab", "cd"], ballots=[["ab", "cd"]])


CANDIDATES = ["a", "b", "c", "d"]
# A ballot gives each candidate a level (lower is better) or leaves it out (None).
ballot_levels = st.fixed_dictionaries(
    {candidate: st.none() | st.integers(min_value=0, max_value=3) for candidate in CANDIDATES}
)


def to_ballot(levels: dict[str, int | None]) -> list[list[str]]:
    used = sorted({level for level in levels.values() if level is not None})
    return [[c for c in CANDIDATES if levels[c] == level] for level in used]


def widest_path(d: dict[str, dict[str, int]], source: str, target: str) -> int:
    """Brute force over all simple paths, using winning links only."""
    others = [c for c in d if c not in (source, target)]
    best = 0
    for size in range(len(others) + 1):
        for middle in itertools.permutations(others, size):
            path = [source, *middle, target]
            links = [d[x][y] if d[x][y] > d[y][x] else 0 for x, y in itertools.pairwise(path)]
            best = max(best, min(links))
    return best


@settings(database=None, max_examples=200)
@given(levels=st.lists(ballot_levels, max_size=9))
def test_schulze_properties_hold_for_random_ballots(levels: list[dict[str, int | None]]) -> None:
    ballots = [to_ballot(ballot) for ballot in levels]
    result = schulze(candidates=CANDIDATES, ballots=ballots)
    flat = [candidate for tier in result.ranking for candidate in tier]
    p = result.strongest_paths

    # The ranking is a permutation of the candidates, and ties are exactly the shared tiers.
    assert sorted(flat) == CANDIDATES
    assert result.ties == [tier for tier in result.ranking if len(tier) > 1]
    # Strongest paths match a brute-force widest-path search.
    assert p == {
        x: {y: widest_path(result.pairwise, x, y) for y in CANDIDATES if y != x} for x in CANDIDATES
    }
    # Nobody in a lower tier beats anybody in a higher tier; nobody in a tier beats a tiermate.
    for i, tier in enumerate(result.ranking):
        for x in tier:
            for y in (c for later in result.ranking[i:] for c in later if c != x):
                assert not p[y][x] > p[x][y]
    # A Condorcet winner ranks first, alone.
    d = result.pairwise
    winners = [x for x in CANDIDATES if all(d[x][y] > d[y][x] for y in CANDIDATES if y != x)]
    if winners:
        assert result.ranking[0] == winners
    # With the tied candidates in any order, the tie-break gives a strict permutation.
    tied = [candidate for tier in result.ties for candidate in tier]
    assert sorted(apply_tie_break(result=result, order=tied[::-1])) == CANDIDATES


def test_schulze_abstention_counts_neither_for_nor_against() -> None:
    # The third voter is conflicted out of "a": without the abstention, leaving "a" off the
    # ballot would rank it below "b" and "c" and hand the count to "b".
    result = schulze(
        candidates=["a", "b", "c"],
        ballots=[[["a"], ["b"], ["c"]], [["a"], ["c"], ["b"]], [["b"], ["c"]]],
        abstentions=[[], [], ["a"]],
    )
    assert result.pairwise == {
        "a": {"b": 2, "c": 2},
        "b": {"a": 0, "c": 2},
        "c": {"a": 0, "b": 1},
    }
    assert result.ranking == [["a"], ["b"], ["c"]]


def test_schulze_abstention_on_a_ranked_candidate_raises() -> None:
    with pytest.raises(ValueError, match="both ranks and abstains on a"):
        schulze(candidates=["a", "b"], ballots=[[["a"], ["b"]]], abstentions=[["a"]])


def test_schulze_abstentions_must_match_ballots() -> None:
    with pytest.raises(ValueError, match="one collection"):
        schulze(candidates=["a", "b"], ballots=[[["a"], ["b"]]], abstentions=[])
