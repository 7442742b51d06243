"""What the public may find, read afresh for every search through the archive's embargo-aware
selectors (a handful of small queries), so nothing embargoed can linger in a cache."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from kommunpris.archive.selectors import public_winners
from kommunpris.awards.models import Award, Edition
from kommunpris.permissions import decision_is_public, may_view_edition_page
from kommunpris.register.models import County, Municipality

KINDS = ("municipality", "county", "edition", "motivation")


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


def municipality_url(code: str) -> str:
    """The page of a municipality, as its document names it."""
    return _url("municipality", code)
