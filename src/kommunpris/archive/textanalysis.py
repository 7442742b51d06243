"""Swedish-aware tokenising, stemming, compound splitting and jury-theme detection."""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import snowballstemmer

__all__ = [
    "DEFAULT_LEXICON",
    "LINKING_LETTERS",
    "MAX_COMPOUND_LENGTH",
    "MIN_PART_LENGTH",
    "THEMES",
    "MatchedWord",
    "Term",
    "Theme",
    "Token",
    "analyse",
    "split_compound",
    "stem",
    "themes_in",
    "tokenize",
]

# Hyphens that join the parts of one word ("IT-kommun", "e‑tjänst"); dashes (–, —) separate words.
_HYPHENS = frozenset("-\u2010\u2011")
# Letters Swedish puts between the parts of a compound: samverkan-s-kultur, skatt-e-medel.
LINKING_LETTERS = ("s", "e")
MIN_PART_LENGTH = 3

# Forms whose Snowball stem collides with a more frequent, unrelated word: "nytt" (new) would
# otherwise share the stem of "nytta" (benefit), "kunde" (could) that of "kund" (customer) and
# "modern" that of "mod" (courage).
_STEM_EXCEPTIONS = {
    "nytt": "ny",
    "kunde": "kunn",
    "modern": "modern",
    "moderna": "modern",
    "modernt": "modern",
}
# Longer words are not searched for compound parts (the search is quadratic in the length).
MAX_COMPOUND_LENGTH = 60
# Definite and neuter endings the Swedish Snowball stemmer keeps: demokrati-n, förmåga-n,
# strategisk-t, klimat-et. Only stripped when what remains is in the lexicon.
_KEPT_ENDINGS = ("n", "t", "et")
# A stem ending in consonant + l/n/r may be a contracted -el/-en/-er word: medl(en) ← medel.
_CONTRACTED = re.compile(r"(.*[^aeiouyåäöéü])([lnr])")
_DOUBLED = re.compile(r"(.*([^aeiouyåäöéü]))\2")


@dataclass(frozen=True, slots=True)
class Token:
    """A word of a text: its casefolded form and its [start, end) offsets in the original text."""

    word: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Term:
    """A stem found in a text; `form` is the word or compound part it was made from, and
    `start`/`end` are the offsets of the token it came from, for highlighting."""

    stem: str
    form: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MatchedWord:
    """Words of a text that speak of a theme, exactly as written, and the seed they matched."""

    text: str
    start: int
    end: int
    seed: str


class Theme(NamedTuple):
    """One criterion of the rubric: its key, names and the seed words that signal it.

    A seed with spaces is a phrase and matches consecutive words ("dela med sig").
    """

    key: str
    name_sv: str
    name_en: str
    seeds: tuple[str, ...]


# The default rubric: what the juries of Sveriges IT-kommun / DigitaliseringsKommun have valued.
# "engagemang" and "öppenhet" are left out of democracy on purpose: the juries use them for
# staff commitment (2023) and for openness to new ideas (2015) and to sharing (2021) more often
# than for civic participation or transparency, where a clearer word always stands beside them.
THEMES: tuple[Theme, ...] = (
    Theme(
        "ledarskap",
        "Ledarskap och styrning",
        "Leadership and governance",
        (
            "ledarskap", "ledare", "ledning", "kommunledning", "styrning", "strategi",
            "strategisk", "vision", "handlingskraft", "beslutsamhet", "långsiktig",
            "målinriktad", "chef", "strukturerad", "metodisk",
        ),
    ),
    Theme(
        "kompetens",
        "Kultur, kompetens och förmåga",
        "Culture, competence and capability",
        (
            "kompetens", "kompetensutveckling", "kunskap", "förmåga", "kultur", "lärande",
            "lära", "utbildning", "träna", "förflyttning",
        ),
    ),
    Theme(
        "nytta",
        "Nytta för invånare, medarbetare och företag",
        "Value for residents, staff and businesses",
        (
            "nytta", "värde", "invånare", "medborgare", "medarbetare", "företag",
            "näringsliv", "service", "tjänst", "kund", "kundorienterad", "välfärd",
            "tillgänglig", "tillgänglighet", "behov",
        ),
    ),
    Theme(
        "samverkan",
        "Samverkan och delning",
        "Collaboration and sharing",
        (
            "samverkan", "samverka", "samarbete", "samarbeta", "dela med sig", "delning",
            "allians", "nätverk", "partnerskap", "tillsammans", "gemensam", "samordning",
            "samordna", "erfarenhetsutbyte",
        ),
    ),
    Theme(
        "innovation",
        "Innovation och mod",
        "Innovation and courage",
        (
            "innovation", "innovativ", "innovationsförmåga", "innovationskraft", "mod",
            "modig", "nyfikenhet", "våga", "förnya", "förnyelse", "nytänkande", "kreativitet",
            "experimentera", "testa nya vägar", "ny teknik", "ny lösning", "föregångare",
            "utvecklingsfront",
        ),
    ),
    Theme(
        "resultat",
        "Resultat och hållbarhet",
        "Results and sustainability",
        (
            "resultat", "effekt", "effektiv", "effektivitet", "effektivisering", "kostnad",
            "besparing", "spara", "skattemedel", "resurs", "kvalitet", "hållbar", "hållbarhet",
            "klimat", "energi",
        ),
    ),
    Theme(
        "demokrati",
        "Demokrati och delaktighet",
        "Democracy and participation",
        (
            "demokrati", "demokratisk", "delaktighet", "delaktig", "insyn", "valfrihet",
            "deltagande", "delta", "rådslag", "transparens", "medborgardialog", "dialog",
            "inflytande", "medskapande",
        ),
    ),
)  # fmt: skip

# Words that are not themes themselves but often stand first or last in compounds of
# municipal and digital vocabulary, so that compounds of them can be split.
_VOCABULARY = (
    "kommun", "stad", "län", "region", "land", "stat", "myndighet", "förvaltning",
    "verksamhet", "organisation", "nivå", "arbete", "arbeta", "utveckling", "utveckla",
    "digital", "digitalisering", "teknik", "data", "system", "lösning", "process", "projekt",
    "modell", "plattform", "miljö", "skola", "elev", "lärare", "vård", "omsorg", "barn",
    "ungdom", "center", "klick", "ärende", "del", "samhälle", "framtid", "mål", "plan",
    "program", "satsning", "kraft", "politik", "politiker", "nämnd", "beslut", "ekonomi",
    "budget", "pengar", "skatt", "medel", "bredband", "nät", "internet", "webb", "hemsida",
    "portal", "robot", "automatisering", "information", "kommunikation", "frihet", "val",
    "smart", "enkel", "hjälp", "stöd", "funktion", "grupp", "kontakt", "möte", "tid", "timme",
    "dygn", "fokus", "bygge", "bygga", "hälsa", "trygghet", "säkerhet", "infrastruktur",
    "trafik", "bibliotek", "kontor", "personal", "förmåga", "analys", "omvärld", "uppdrag",
    "område", "arbetssätt", "sätt", "tjänst", "kvalitet", "industri", "nytta",
)  # fmt: skip


def _normalize(word: str) -> str:
    return unicodedata.normalize("NFC", word.casefold())


def _seed_words(themes: Iterable[Theme]) -> frozenset[str]:
    return frozenset(seed for theme in themes for seed in theme.seeds if " " not in seed)


# The lexicon `analyse` and `themes_in` use by default: words and stems known to be whole words.
DEFAULT_LEXICON: frozenset[str] = frozenset(_VOCABULARY) | _seed_words(THEMES)


# ---------------------------------------------------------------------------------------------
# Tokens


def _is_word_char(char: str) -> bool:
    return unicodedata.category(char)[0] in "LN"


def _is_mark(char: str) -> bool:
    return unicodedata.category(char)[0] == "M"


def tokenize(text: str) -> list[Token]:
    """Split a text into words of letters and digits, with offsets into the original text.

    A hyphenated word yields the whole ("it-kommun") followed by its parts ("it", "kommun").
    Each token's `word` is the casefold of the text it spans; combining marks stay in words.
    """
    tokens: list[Token] = []
    length = len(text)
    index = 0
    while index < length:
        if not _is_word_char(text[index]):
            index += 1
            continue
        group_start = index
        parts: list[tuple[int, int]] = []
        while True:
            end = index + 1
            while end < length and (_is_word_char(text[end]) or _is_mark(text[end])):
                end += 1
            parts.append((index, end))
            joined = end + 1 < length and text[end] in _HYPHENS and _is_word_char(text[end + 1])
            index = end + 1 if joined else end
            if not joined:
                break
        if len(parts) > 1:
            tokens.append(Token(text[group_start:index].casefold(), group_start, index))
        tokens.extend(Token(text[start:end].casefold(), start, end) for start, end in parts)
    return tokens


# ---------------------------------------------------------------------------------------------
# Stems

_local = threading.local()


def _stemmer() -> Any:
    # Snowball stemmer objects keep state between calls: one per thread.
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = _local.stemmer = snowballstemmer.stemmer("swedish")
    return stemmer


@functools.lru_cache(maxsize=65_536)
def _stem_normalized(word: str) -> str:
    exception = _STEM_EXCEPTIONS.get(word)
    return exception if exception is not None else str(_stemmer().stemWord(word))


def stem(word: str) -> str:
    """Return the Swedish Snowball stem of a word, casefolded and NFC-normalised first.

    A few forms whose stem would collide with an unrelated word get their own ("nytt" → "ny").
    """
    return _stem_normalized(_normalize(word))


@functools.lru_cache(maxsize=16)
def _frozen_index(lexicon: frozenset[str]) -> Mapping[str, str]:
    """Map every known form (each lexicon entry and its stem) to the entry's stem."""
    index: dict[str, str] = {}
    for entry in sorted(lexicon):
        word = _normalize(entry)
        index.setdefault(word, stem(word))
    for canonical in list(index.values()):
        index.setdefault(canonical, canonical)
    return index


def _lexicon_index(lexicon: Collection[str]) -> Mapping[str, str]:
    return _frozen_index(lexicon if isinstance(lexicon, frozenset) else frozenset(lexicon))


def _canonical(form: str, index: Mapping[str, str]) -> str | None:
    """Return the lexicon stem `form` is an inflection of, or None when the lexicon lacks it."""
    if form in _STEM_EXCEPTIONS:
        return index.get(_STEM_EXCEPTIONS[form])
    if form in index:
        return index[form]
    stemmed = _stem_normalized(form)
    candidates = [stemmed]
    candidates += [
        stemmed[: -len(ending)]
        for ending in _KEPT_ENDINGS
        if stemmed.endswith(ending) and len(stemmed) - len(ending) >= MIN_PART_LENGTH
    ]
    if contracted := _CONTRACTED.fullmatch(stemmed):
        candidates.append(f"{contracted[1]}e{contracted[2]}")
    if doubled := _DOUBLED.fullmatch(stemmed):
        candidates.append(doubled[1])
    for candidate in candidates:
        if candidate in index:
            return index[candidate]
    return None


# ---------------------------------------------------------------------------------------------
# Compounds


def _is_head(part: str, index: Mapping[str, str]) -> bool:
    """Whether `part` can open a compound; "samverkans" opens as "samverkan" + linking "s"."""
    if _canonical(part, index) is None:
        return False
    links_off = (
        part[-1] in LINKING_LETTERS
        and part not in index
        and len(part) > MIN_PART_LENGTH
        and _canonical(part[:-1], index) is not None
    )
    return not links_off


def _split(word: str, index: Mapping[str, str]) -> tuple[str, ...]:
    """Split a normalised word into known parts, greedy-longest first part, with backtracking."""

    @functools.cache
    def split_from(start: int) -> tuple[str, ...] | None:
        rest = word[start:]
        if start > 0 and len(rest) >= MIN_PART_LENGTH and _canonical(rest, index) is not None:
            return (rest,)
        for end in range(len(word) - MIN_PART_LENGTH, start + MIN_PART_LENGTH - 1, -1):
            head = word[start:end]
            if not _is_head(head, index):
                continue
            for link in ("", *LINKING_LETTERS):
                if word.startswith(link, end):
                    tail = split_from(end + len(link))
                    if tail is not None:
                        return (head, *tail)
        return None

    return split_from(0) or ()


def split_compound(word: str, *, lexicon: Collection[str]) -> list[str]:
    """Split a Swedish compound into parts the lexicon (of words or stems) knows.

    Parts are at least three letters and may be joined by a linking "s" or "e", which belongs
    to neither part: "samverkanskultur" → ["samverkan", "kultur"]. A part may be an inflected or
    truncated form of a lexicon entry ("medborgar" for "medborgare", "medlen" for "medel"). The
    longest first part is tried first, backtracking when the rest does not split. Returns []
    when there is no split into two or more known parts, or when the lexicon knows the word
    as a whole.
    """
    normalized = _normalize(word)
    index = _lexicon_index(lexicon)
    if not normalized.isalpha() or len(normalized) > MAX_COMPOUND_LENGTH:
        return []
    if _canonical(normalized, index) is not None:
        return []
    return list(_split(normalized, index))


# ---------------------------------------------------------------------------------------------
# Terms


def _token_terms(token: Token, index: Mapping[str, str]) -> list[Term]:
    form = unicodedata.normalize("NFC", token.word)
    stems: dict[str, str] = {_stem_normalized(form): form}
    canonical = _canonical(form, index)
    if canonical is not None:
        stems.setdefault(canonical, form)
    elif form.isalpha() and len(form) <= MAX_COMPOUND_LENGTH:
        for part in _split(form, index):
            stems.setdefault(_stem_normalized(part), part)
            part_canonical = _canonical(part, index)
            if part_canonical is not None:
                stems.setdefault(part_canonical, part)
    return [Term(stem, source, token.start, token.end) for stem, source in stems.items()]


def analyse(text: str, *, lexicon: Collection[str] = DEFAULT_LEXICON) -> list[Term]:
    """Return every token's stem, its lexicon stem, and the stems of its compound parts.

    A word the lexicon knows in another inflection also yields the lexicon's stem
    ("kompetensen" → "kompetens" and "kompet"); an unknown word that splits into known parts
    yields their stems too ("samverkanskultur" → "samverkan", "kultur"). Each Term keeps the
    offsets of the token it came from; a token yields each stem once.
    """
    index = _lexicon_index(lexicon)
    return [term for token in tokenize(text) for term in _token_terms(token, index)]


# ---------------------------------------------------------------------------------------------
# Themes

_SeedKeys = tuple[tuple[str, tuple[frozenset[str], ...]], ...]


@functools.lru_cache(maxsize=8)
def _theme_keys(
    themes: tuple[Theme, ...], lexicon: frozenset[str]
) -> tuple[Mapping[str, str], tuple[_SeedKeys, ...]]:
    index = _frozen_index(lexicon | _seed_words(themes))

    def keys(word: str) -> frozenset[str]:
        form = _normalize(word)
        canonical = _canonical(form, index)
        return frozenset({_stem_normalized(form)} | ({canonical} if canonical else set()))

    per_theme = tuple(
        tuple((seed, tuple(keys(word) for word in seed.split())) for seed in theme.seeds)
        for theme in themes
    )
    return index, per_theme


def _outermost(matches: list[MatchedWord]) -> list[MatchedWord]:
    """Keep one match per span, dropping spans inside another (a part of a hyphenated word)."""
    unique = {(match.start, match.end): match for match in reversed(matches)}
    spans = sorted(unique)
    return [
        unique[(start, end)]
        for start, end in spans
        if not any(
            other_start <= start and end <= other_end and (other_start, other_end) != (start, end)
            for other_start, other_end in spans
        )
    ]


def themes_in(
    text: str,
    *,
    themes: Sequence[Theme] = THEMES,
    lexicon: Collection[str] = DEFAULT_LEXICON,
) -> dict[str, list[MatchedWord]]:
    """Return the themes a text speaks of, in rubric order, with the words that show each.

    A word speaks of a theme when it, its lexicon stem or one of its compound parts has the
    stem of one of the theme's seed words; a phrase seed matches consecutive words. Themes with
    no match are left out; each theme's words are in text order, with their offsets.
    """
    index, seed_keys = _theme_keys(tuple(themes), frozenset(lexicon))
    tokens = tokenize(text)
    stems = [frozenset(term.stem for term in _token_terms(token, index)) for token in tokens]
    # Phrases run over plain words: the parts of a hyphenated word, not the joined form.
    plain = [i for i, token in enumerate(tokens) if not any(c in _HYPHENS for c in token.word)]
    found: dict[str, list[MatchedWord]] = {}
    for theme, keys in zip(themes, seed_keys, strict=True):
        matches: list[MatchedWord] = []
        for seed, words in keys:
            if len(words) == 1:
                matches += [
                    MatchedWord(text[token.start : token.end], token.start, token.end, seed)
                    for token, token_stems in zip(tokens, stems, strict=True)
                    if token_stems & words[0]
                ]
                continue
            for position in range(len(plain) - len(words) + 1):
                run = plain[position : position + len(words)]
                if all(stems[i] & word for i, word in zip(run, words, strict=True)):
                    start, end = tokens[run[0]].start, tokens[run[-1]].end
                    matches.append(MatchedWord(text[start:end], start, end, seed))
        if matches:
            found[theme.key] = _outermost(matches)
    return found
