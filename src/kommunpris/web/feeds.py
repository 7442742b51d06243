"""Atom feed of the winners whose decision is public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from kommunpris.archive.licence import LICENCE_NAME, LICENCE_URI
from kommunpris.archive.models import Winner
from kommunpris.archive.selectors import public_winners
from kommunpris.awards.selectors import award


class LicensedAtomFeed(Atom1Feed):
    """Atom with the licence as a link (RFC 4946) beside the rights statement."""

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("link", "", {"rel": "license", "href": LICENCE_URI})


class WinnersFeed(Feed[Winner, None]):
    feed_type = LicensedAtomFeed
    language = "sv"
    feed_copyright = f"{LICENCE_NAME}: {LICENCE_URI}"

    def title(self) -> str:
        return f"Vinnare av {award().current_name}"

    def subtitle(self) -> str:
        return "Varje vinnare med juryns motivering, nyast först."

    def link(self) -> str:
        return reverse("winners")

    def items(self) -> list[Winner]:
        return list(public_winners(award=award()))

    def item_title(self, item: Winner) -> str:
        return f"{item.edition.title}: {item.display_name}"

    def item_description(self, item: Winner) -> str:
        return item.motivation

    def item_link(self, item: Winner) -> str:
        return reverse("edition", kwargs={"year": item.edition.year})

    def item_pubdate(self, item: Winner) -> datetime:
        edition = item.edition
        if edition.publish_at:
            return edition.publish_at
        if edition.ceremony_at:
            return edition.ceremony_at
        # Atom needs a date; early editions have only their year on record (the fair is held
        # in November).
        return timezone.make_aware(datetime(edition.year, 11, 1, 12, 0))

    def item_updateddate(self, item: Winner) -> datetime:
        return self.item_pubdate(item)
