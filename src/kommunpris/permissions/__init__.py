"""The one permission layer: who may see or do what. Views, templates and the API all ask here.

This package is that layer; each part of the platform has its own module in it
(`permissions.nominations`, `permissions.jury`), and the embargo rule is here at the top. Each
module registers its predicates under an ability name (`register("jury.decide", may_decide)`);
`may(user, "jury.decide", edition)` and the template tag `{% may %}` ask by that name.

The embargo rule lives here and nowhere else: an edition's decision (winner, motivation,
finalists chosen by the jury, scores) is public only once the edition is announced, or decided
with its publication time passed. It is decided at request time, so nothing has to run at the gala.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from kommunpris.awards.models import Edition, Phase

from .accounts import is_organiser
from .registry import UnknownAbility, may, register

__all__ = [
    "PUBLIC_CLOCK_FIELDS",
    "UnknownAbility",
    "decision_is_public",
    "is_organiser",
    "may",
    "may_view_edition_page",
    "published_editions_q",
    "register",
]


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def published_editions_q(*, now: datetime | None = None, prefix: str = "") -> Q:
    """Filter for editions whose decision may be shown to the public at `now`."""
    return Q(**{f"{prefix}phase": Phase.ANNOUNCED}) | Q(
        **{f"{prefix}phase": Phase.DECIDED, f"{prefix}publish_at__lte": _now(now)}
    )


def decision_is_public(edition: Edition, *, now: datetime | None = None) -> bool:
    """Whether anyone may see this edition's winner and the jury's choices."""
    if edition.phase == Phase.ANNOUNCED:
        return True
    return (
        edition.phase == Phase.DECIDED
        and edition.publish_at is not None
        and edition.publish_at <= _now(now)
    )


def may_view_edition_page(edition: Edition) -> bool:
    """Draft editions are the organiser's; every other edition has a public page."""
    return edition.phase != Phase.DRAFT


# The times of an edition at which what the public may see of it changes by the clock alone,
# with no write: the decision's publication (the embargo above), the close of the call and of
# the municipalities' own texts (`permissions.nominations`), and the ceremony. A public answer
# may be kept by a cache until the next of these, never past it (`kommunpris.web.freshness`).
# A new rule anywhere in this package that compares an edition's time with the clock adds the
# field here.
PUBLIC_CLOCK_FIELDS = ("publish_at", "nominations_close_at", "supplement_close_at", "ceremony_at")
