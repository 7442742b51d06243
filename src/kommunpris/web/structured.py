"""Structured data for shared links: schema.org JSON-LD of an edition (data, never script)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from kommunpris.archive.models import Winner
from kommunpris.awards.models import Edition

# The characters that could end the <script> element or open a comment inside it.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def _absolute(path: str) -> str:
    return settings.KOMMUNPRIS_SITE_URL.rstrip("/") + path


def json_ld(data: dict[str, Any]) -> SafeString:
    """A <script type="application/ld+json"> element; browsers never execute this type."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


def edition_data(edition: Edition, winner: Winner | None) -> dict[str, Any]:
    """The edition as a schema.org Event; its winner, only when given (i.e. public)."""
    event: dict[str, Any] = {
        "@type": "Event",
        "name": edition.title,
        "url": _absolute(reverse("edition", args=[edition.year])),
        "eventStatus": "https://schema.org/EventScheduled",
    }
    if edition.ceremony_at:
        ceremony = timezone.localtime(edition.ceremony_at)
        event["startDate"] = (
            ceremony.date().isoformat() if edition.ceremony_date_only else ceremony.isoformat()
        )
    if edition.venue:
        event["location"] = {"@type": "Place", "name": edition.venue}
    if winner is None:
        return {"@context": "https://schema.org", **event}
    places = winner.places
    organisations = [
        {
            "@type": "GovernmentOrganization",
            # A joint win names each member by its register name; a single one as it writes itself.
            "name": winner.display_name if len(places) == 1 else place.name,
            "url": _absolute(reverse("municipality", args=[place.code])),
            "award": edition.title,
            "address": {
                "@type": "PostalAddress",
                "addressLocality": place.name,
                "addressRegion": place.county.name,
                "addressCountry": "SE",
            },
        }
        for place in places
    ]
    event["about"] = organisations[0] if len(organisations) == 1 else organisations
    event["description"] = winner.motivation
    return {"@context": "https://schema.org", "@graph": [event, *organisations]}
