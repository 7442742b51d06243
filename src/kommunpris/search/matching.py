"""Finding a query's words in the index's documents, ranked and grouped by kind."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.safestring import SafeString

from . import highlight
from .analysis import QueryWord, Token, analysed, tokens_matching
from .index import KINDS, Document


@dataclass
class Hit:
    document: Document
    score: float
    title: SafeString
    snippet: SafeString | None
    words: list[str] = field(default_factory=list)


def _title_spans(document: Document, words: list[QueryWord]) -> list[tuple[int, int]]:
    tokens = analysed(document.title)
    return [(t.start, t.end) for word in words for t in tokens_matching(word, tokens)]


def search(
    words: list[QueryWord], documents: Iterable[Document], *, resolved: str | None = None
) -> dict[str, list[Hit]]:
    """Documents in which every query word is found, best first, grouped by kind.

    `resolved` is the page of a municipality the register resolved the whole query to; it
    comes first among the municipalities even when the words alone would not find it.
    """
    found: dict[str, list[Hit]] = {kind: [] for kind in KINDS}
    for document in documents:
        tokens = analysed(document.text)
        matched: list[Token] = []
        for word in words:
            hits = tokens_matching(word, tokens)
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
