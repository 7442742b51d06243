"""The search page: the query read, checked and answered in the reader's language. The search
itself (analysis, index, matching) is the `kommunpris.search` app."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from kommunpris.awards.models import Award
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.register.resolver import MunicipalityNotFound
from kommunpris.register.selectors import resolver
from kommunpris.search.analysis import clean_query, parse_query
from kommunpris.search.index import municipality_url, public_documents
from kommunpris.search.matching import search

MAX_QUERY_LENGTH = 200
MAX_HITS_PER_KIND = 30


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
    return municipality_url(match.code)


def page(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("q", "")
    query = clean_query(raw)
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
