"""Marking words in a text for the reader: <mark> around spans, snippets around the first hit."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

__all__ = ["mark_paragraphs", "merge_spans", "snippet"]


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping spans covering the given ones."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(s for s in spans if s[1] > s[0]):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _marked(text: str, spans: list[tuple[int, int]], offset: int) -> str:
    pieces: list[str] = []
    position = offset
    for start, end in spans:
        start, end = max(start, offset), min(end, offset + len(text))
        if start >= end:
            continue
        pieces.append(escape(text[position - offset : start - offset]))
        pieces.append(f"<mark>{escape(text[start - offset : end - offset])}</mark>")
        position = end
    pieces.append(escape(text[position - offset :]))
    return "".join(pieces)


def mark_paragraphs(text: str, spans: Iterable[tuple[int, int]]) -> list[SafeString]:
    """The text's non-empty lines as escaped HTML with the spans (offsets into text) marked."""
    merged = merge_spans(spans)
    paragraphs: list[SafeString] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        stripped = line.rstrip("\r\n")
        if stripped.strip():
            paragraphs.append(mark_safe(_marked(stripped, merged, offset)))
        offset += len(line)
    return paragraphs


def snippet(text: str, spans: Iterable[tuple[int, int]], *, width: int = 220) -> SafeString:
    """About `width` characters of text around the first span, marked, with ellipses."""
    merged = merge_spans(spans)
    if len(text) <= width or not merged:
        start, end = 0, min(len(text), width)
    else:
        first = merged[0][0]
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
        start = max(0, min(start, end - width))
        # Begin and end at word boundaries.
        if start > 0:
            space = text.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        if end < len(text):
            space = text.rfind(" ", start, end)
            end = space if space > merged[0][1] else end
    body = _marked(text[start:end].replace("\n", " "), merged, start)
    prefix = "… " if start > 0 else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")
