"""A query and a text read into words and the stems they answer to, for matching."""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from kommunpris.archive.textanalysis import (
    DEFAULT_LEXICON,
    analyse,
    split_compound,
    stem,
    tokenize,
)

MAX_WORDS = 12
PREFIX_MIN_LENGTH = 4

# Words too common to say anything; a query of nothing else gets an explanation instead.
STOP_WORDS = frozenset(
    (
        "och", "i", "att", "det", "som", "en", "ett", "på", "är", "av", "för", "med", "till",
        "den", "de", "har", "inte", "om", "så", "men", "man", "kan", "från", "vid", "sig", "sin",
        "sina", "sitt", "var", "när", "vi", "nu", "mer", "än", "där", "eller", "också", "hos",
        "ut", "upp", "alla", "över", "under", "the", "and", "of", "in", "to", "a",
    )
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Token:
    word: str
    start: int
    end: int
    stems: frozenset[str]


@functools.lru_cache(maxsize=4096)
def analysed(text: str) -> tuple[Token, ...]:
    """Every token of a text with the stems it answers to (its own, its lexicon stem, parts).

    Cached: the analysis depends on nothing but the text, so nothing embargoed can linger."""
    stems: dict[tuple[int, int], set[str]] = {}
    for term in analyse(text):
        stems.setdefault((term.start, term.end), set()).add(term.stem)
    return tuple(
        Token(
            token.word, token.start, token.end, frozenset(stems.get((token.start, token.end), ()))
        )
        for token in tokenize(text)
    )


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: what it was, the stems it stands for, and its compound parts."""

    word: str
    stems: frozenset[str]
    parts: tuple[frozenset[str], ...]


def clean_query(text: str) -> str:
    """The query without control characters, in NFC, with runs of space folded."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    return " ".join(text.split())


def parse_query(text: str) -> list[QueryWord]:
    """The query's words (a hyphenated word whole, not its parts), common words left out."""
    tokens = tokenize(text)
    words: list[QueryWord] = []
    covered_until = -1
    for token in tokens:
        if token.start < covered_until:
            continue  # a part of the hyphenated word just taken whole
        covered_until = token.end
        if token.word in STOP_WORDS:
            continue
        own = {stem(token.word)}
        for item in analysed(token.word):
            own |= item.stems if item.start == 0 and item.end == len(token.word) else set()
        parts = tuple(
            frozenset({stem(part)}) for part in split_compound(token.word, lexicon=DEFAULT_LEXICON)
        )
        # The compound's own parts are not the word: searching "samverkanskultur" should not
        # find every text about "kultur", so parts only match together (see tokens_matching).
        own -= {next(iter(p)) for p in parts}
        words.append(QueryWord(token.word, frozenset(own), parts))
        if len(words) == MAX_WORDS:
            break
    return words


def tokens_matching(word: QueryWord, tokens: tuple[Token, ...]) -> list[Token]:
    """The tokens of a text that answer to a query word (empty when the text does not)."""
    hits = [
        t
        for t in tokens
        if t.stems & word.stems
        or (len(word.word) >= PREFIX_MIN_LENGTH and t.word.startswith(word.word))
    ]
    if hits or not word.parts:
        return hits
    # A compound the text lacks as a whole is found where all its parts are.
    part_hits = [[t for t in tokens if t.stems & part] for part in word.parts]
    if all(part_hits):
        return [t for hit in part_hits for t in hit]
    return []
