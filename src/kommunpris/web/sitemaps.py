"""The sitemap: public pages only, in Swedish and English; nothing in it depends on a decision."""

from __future__ import annotations

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.selectors import AwardNotFound, award
from kommunpris.register.models import County, Municipality


class _Bilingual(Sitemap):  # type: ignore[type-arg]
    i18n = True
    languages = ["sv", "en"]
    alternates = True
    x_default = True


class StaticPages(_Bilingual):
    def items(self) -> list[str]:
        return ["home", "winners", "municipalities", "counties", "open-data"]

    def location(self, item: str) -> str:
        return reverse(item)


class Editions(_Bilingual):
    def items(self) -> QuerySet[Edition]:
        try:
            the_award = award()
        except AwardNotFound:
            return Edition.objects.none()
        return Edition.objects.filter(award=the_award).exclude(phase=Phase.DRAFT).order_by("-year")

    def location(self, item: Edition) -> str:
        return reverse("edition", kwargs={"year": item.year})


class Municipalities(_Bilingual):
    def items(self) -> QuerySet[Municipality]:
        return Municipality.objects.order_by("code")

    def location(self, item: Municipality) -> str:
        return reverse("municipality", kwargs={"code": item.code})


class Counties(_Bilingual):
    def items(self) -> QuerySet[County]:
        return County.objects.order_by("code")

    def location(self, item: County) -> str:
        return reverse("county", kwargs={"code": item.code})


SITEMAPS = {
    "pages": StaticPages,
    "editions": Editions,
    "municipalities": Municipalities,
    "counties": Counties,
}
