"""Search over the public archive: motivations, municipalities, counties and editions.

Matching is done in Python over a small index of what the public may see, so it gives the same
answers on SQLite and PostgreSQL and understands Swedish: words meet their inflections through
the Swedish Snowball stemmer ("samarbete" finds "samarbeten" and "samarbetar"), compounds meet
their parts ("samverkan" finds "samverkanskultur"), and a written municipality name is resolved
by the register ("Sundsvalls kommun" finds Sundsvall).

The documents are read afresh on every request through the archive's embargo-aware selectors
(a handful of small queries), so nothing embargoed can linger in a cache; only the analysis of
each text, which depends on nothing but the text, is cached.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from kommunpris.archive.selectors import public_winners
from kommunpris.archive.textanalysis import (
    DEFAULT_LEXICON,
    analyse,
    split_compound,
    stem,
    tokenize,
)
from kommunpris.awards.models import Award, Edition
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.permissions import decision_is_public, may_view_edition_page
from kommunpris.register.models import County, Municipality
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver

from . import highlight

MAX_QUERY_LENGTH = 200
MAX_WORDS = 12
MAX_HITS_PER_KIND = 30
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

KINDS = ("municipality", "county", "edition", "motivation")


# ---------------------------------------------------------------------------------------------
# Analysis


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    start: int
    end: int
    stems: frozenset[str]


@functools.lru_cache(maxsize=4096)
def _analysed(text: str) -> tuple[_Token, ...]:
    """Every token of a text with the stems it answers to (its own, its lexicon stem, parts)."""
    stems: dict[tuple[int, int], set[str]] = {}
    for term in analyse(text):
        stems.setdefault((term.start, term.end), set()).add(term.stem)
    return tuple(
        _Token(
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


def _clean(text: str) -> str:
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
        for item in _analysed(token.word):
            own |= item.stems if item.start == 0 and item.end == len(token.word) else set()
        parts = tuple(
            frozenset({stem(part)}) for part in split_compound(token.word, lexicon=DEFAULT_LEXICON)
        )
        # The compound's own parts are not the word: searching "samverkanskultur" should not
        # find every text about "kultur", so parts only match together (see _matches).
        own -= {next(iter(p)) for p in parts}
        words.append(QueryWord(token.word, frozenset(own), parts))
        if len(words) == MAX_WORDS:
            break
    return words


def _matches(word: QueryWord, tokens: tuple[_Token, ...]) -> list[_Token]:
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


# ---------------------------------------------------------------------------------------------
# The index


@dataclass(frozen=True)
class Document:
    """Something the search can find: a page and the text it is found by."""

    kind: str
    title: str
    url: str
    text: str
    context: str = ""
    boost: float = 1.0
    lang: str = "sv"


@dataclass
class Hit:
    document: Document
    score: float
    title: SafeString
    snippet: SafeString | None
    words: list[str] = field(default_factory=list)


def _url(name: str, *args: object) -> str:
    return reverse(name, args=args)


def public_documents(the_award: Award | None) -> list[Document]:
    """What the public may find, read now under the embargo rule, in the page's language."""
    documents: list[Document] = []
    for m in Municipality.objects.select_related("county").order_by("sort_key"):
        documents.append(
            Document(
                "municipality", m.name, _url("municipality", m.code), m.name, m.county.name, 3.0
            )
        )
    for c in County.objects.order_by("code"):
        documents.append(Document("county", c.name, _url("county", c.code), c.name, c.code, 2.0))
    if the_award is None:
        return documents
    winners = {w.edition_id: w for w in public_winners(award=the_award)}
    editions = (
        Edition.objects.filter(award=the_award)
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("-year")
    )
    for edition in editions:
        if not may_view_edition_page(edition):
            continue
        winner = winners.get(edition.pk) if decision_is_public(edition) else None
        text = edition.title
        if edition.venue:
            text += f" {edition.venue}"
        if winner is not None:
            text += f" {winner.display_name}"
        documents.append(
            Document("edition", edition.title, _url("edition", edition.year), text, "", 2.0)
        )
    for winner in winners.values():
        documents.append(
            Document(
                "motivation",
                f"{winner.edition.title}: {winner.display_name}",
                _url("edition", winner.edition.year),
                winner.motivation,
                winner.display_name,
                1.0,
            )
        )
    return documents


def _title_spans(document: Document, words: list[QueryWord]) -> list[tuple[int, int]]:
    tokens = _analysed(document.title)
    return [(t.start, t.end) for word in words for t in _matches(word, tokens)]


def search(
    words: list[QueryWord], documents: Iterable[Document], *, resolved: str | None = None
) -> dict[str, list[Hit]]:
    """Documents in which every query word is found, best first, grouped by kind.

    `resolved` is the page of a municipality the register resolved the whole query to; it
    comes first among the municipalities even when the words alone would not find it.
    """
    found: dict[str, list[Hit]] = {kind: [] for kind in KINDS}
    for document in documents:
        tokens = _analysed(document.text)
        matched: list[_Token] = []
        for word in words:
            hits = _matches(word, tokens)
            if not hits:
                break
            matched += hits
        else:
            exact = document.url == resolved
            if not matched and not exact:
                continue
            score = document.boost * (len({(t.start, t.end) for t in matched}) + 10 * exact)
            spans = [(t.start, t.end) for t in matched]
            found[document.kind].append(
                Hit(
                    document=document,
                    score=score,
                    title=highlight.snippet(
                        document.title, _title_spans(document, words), width=400
                    ),
                    snippet=highlight.snippet(document.text, spans)
                    if document.kind == "motivation"
                    else None,
                    words=sorted({document.text[t.start : t.end] for t in matched}),
                )
            )
            continue
        if document.url == resolved:
            found[document.kind].append(
                Hit(document, document.boost * 10, highlight.snippet(document.title, []), None)
            )
    for kind_hits in found.values():
        kind_hits.sort(key=lambda hit: -hit.score)  # stable: ties keep name or newest-first order
    return found


# ---------------------------------------------------------------------------------------------
# The page


def _award_or_none() -> Award | None:
    try:
        return award()
    except AwardNotFound:
        return None


def _resolved_url(query: str) -> str | None:
    try:
        match = resolver().resolve(query)
    except MunicipalityNotFound:
        return None
    return _url("municipality", match.code)


def page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = _clean(raw)
    context: dict[str, object] = {"q": query[:MAX_QUERY_LENGTH], "searched": False}
    if not query:
        context["message"] = (
            _("Write a word or a name to search for.") if "q" in request.GET else ""
        )
    elif len(query) > MAX_QUERY_LENGTH:
        context["message"] = _(
            "That search is longer than %(limit)s characters. Try a few words instead."
        ) % {"limit": MAX_QUERY_LENGTH}
    else:
        words = parse_query(query)
        if not words:
            has_letters = any(ch.isalnum() for ch in query)
            context["message"] = (
                _("Those words are too common to search for. Try a more particular word.")
                if has_letters
                else _("Write a word or a name to search for: letters or digits.")
            )
        else:
            the_award = _award_or_none()
            found = search(
                words,
                public_documents(the_award),
                resolved=_resolved_url(query) if len(query) <= 100 else None,
            )
            total = sum(len(hits) for hits in found.values())
            sections = [
                (kind, _SECTION_TITLES[kind](), hits[:MAX_HITS_PER_KIND], len(hits))
                for kind, hits in found.items()
                if hits
            ]
            context.update(
                searched=True,
                total=total,
                sections=sections,
                words=[w.word for w in words],
            )
    return render(request, "web/search.html", context, status=200)


_SECTION_TITLES = {
    "municipality": lambda: _("Municipalities"),
    "county": lambda: _("Counties"),
    "edition": lambda: _("Editions"),
    "motivation": lambda: _("Jury motivations"),
}

__all__ = [
    "KINDS",
    "MAX_QUERY_LENGTH",
    "Document",
    "Hit",
    "QueryWord",
    "page",
    "parse_query",
    "public_documents",
    "search",
]
