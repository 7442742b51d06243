"""Atom feed of the winners whose decision is public, and of the nominees and the finalists from
the moment each is announced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from kommunpris.archive.licence import LICENCE_NAME, LICENCE_URI
from kommunpris.archive.models import Winner
from kommunpris.archive.selectors import (
    StageAnnouncement,
    public_stage_announcements,
    public_winners,
)
from kommunpris.awards.models import Edition
from kommunpris.awards.selectors import award
from kommunpris.nominations.models import Stage


class LicensedAtomFeed(Atom1Feed):
    """Atom with the licence as a link (RFC 4946) beside the rights statement."""

    def add_root_elements(self, handler: Any) -> None:
        super().add_root_elements(handler)
        handler.addQuickElement("link", "", {"rel": "license", "href": LICENCE_URI})


@dataclass(frozen=True)
class Entry:
    """One entry of the feed: a winner, or an announcement of nominees or finalists."""

    edition: Edition
    title: str
    description: str
    link: str
    published: datetime


def _published(edition: Edition) -> datetime:
    if edition.publish_at:
        return edition.publish_at
    if edition.ceremony_at:
        return edition.ceremony_at
    # Atom needs a date; early editions have only their year on record (the fair is held
    # in November).
    return timezone.make_aware(datetime(edition.year, 11, 1, 12, 0))


def _winner_entry(winner: Winner) -> Entry:
    edition = winner.edition
    return Entry(
        edition=edition,
        title=f"{edition.title}: {winner.display_name}",
        description=winner.motivation,
        link=reverse("edition", kwargs={"year": edition.year}),
        published=_published(edition),
    )


# Where on the edition page each announcement's list is (the ids of its shortlist).
_ANCHORS = {Stage.NOMINEE: "nominerade", Stage.FINALIST: "finalister"}


def _stage_entry(announced: StageAnnouncement) -> Entry:
    edition = announced.edition
    names = "; ".join(c.name for c in announced.candidacies)
    if announced.stage == Stage.FINALIST:
        title = _("%(title)s: the finalists") % {"title": edition.title}
        description = _("The jury's finalists: %(names)s.") % {"names": names}
    else:
        title = _("%(title)s: the nominees") % {"title": edition.title}
        description = _("The jury's nominees: %(names)s.") % {"names": names}
    page = reverse("edition", kwargs={"year": edition.year})
    return Entry(
        edition=edition,
        title=title,
        description=description,
        link=f"{page}#{_ANCHORS[Stage(announced.stage)]}",
        published=announced.published_at,
    )


class WinnersFeed(Feed[Entry, None]):
    feed_type = LicensedAtomFeed
    language = "sv"
    feed_copyright = f"{LICENCE_NAME}: {LICENCE_URI}"

    def title(self) -> str:
        return f"Vinnare av {award().current_name}"

    def subtitle(self) -> str:
        return (
            "Varje vinnare med juryns motivering, och juryns nominerade och finalister när de "
            "offentliggörs, nyast först."
        )

    def link(self) -> str:
        return reverse("winners")

    def items(self) -> list[Entry]:
        the_award = award()
        entries = [_winner_entry(w) for w in public_winners(award=the_award)]
        entries += [_stage_entry(a) for a in public_stage_announcements(award=the_award)]
        # Newest first; a winner before the announcements of the same moment.
        return sorted(entries, key=lambda e: e.published, reverse=True)

    def item_title(self, item: Entry) -> str:
        return item.title

    def item_description(self, item: Entry) -> str:
        return item.description

    def item_link(self, item: Entry) -> str:
        return item.link

    def item_pubdate(self, item: Entry) -> datetime:
        return item.published

    def item_updateddate(self, item: Entry) -> datetime:
        return item.published
