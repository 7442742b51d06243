"""Reads of awards and editions."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kommunpris import errors

from .models import Award, Edition


class AwardNotFound(errors.NotFound, LookupError):
    def __init__(self, slug: str) -> None:
        self.slug = slug
        known = ", ".join(Award.objects.values_list("slug", flat=True)) or _("none")
        super().__init__(
            _("Unknown award '%(slug)s'. Known: %(known)s.") % {"slug": slug, "known": known}
        )


def awards() -> QuerySet[Award]:
    return Award.objects.prefetch_related("names").order_by("-is_default", "slug")


def award(slug: str | None = None) -> Award:
    """The award with that slug, or the default award; raises AwardNotFound."""
    slug = slug or settings.KOMMUNPRIS_DEFAULT_AWARD
    found = awards().filter(slug=slug).first()
    if found is None:
        raise AwardNotFound(slug)
    return found


def editions(award: Award) -> QuerySet[Edition]:
    return (
        Edition.objects.filter(award=award)
        .select_related("award")
        .prefetch_related("award__names")
        .order_by("-year")
    )


def edition(award: Award, year: int) -> Edition | None:
    return editions(award).filter(year=year).first()


def edition_of_award(year: int, slug: str | None = None) -> Edition | None:
    """The edition of that year of the award with that slug (the default award without one),
    with its award and the award's names, in two queries; None if either is missing."""
    return (
        Edition.objects.select_related("award")
        .prefetch_related("award__names")
        .filter(award__slug=slug or settings.KOMMUNPRIS_DEFAULT_AWARD, year=year)
        .first()
    )
