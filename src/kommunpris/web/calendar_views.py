"""The public calendar feed of an edition's dates (/vinnare/<år>/kalender.ics)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from kommunpris.awards.selectors import edition as find_edition
from kommunpris.permissions.reminders import may_subscribe_to_dates
from kommunpris.reminders.selectors import public_dates_changed_at

from .calendar import edition_calendar
from .views import _award


def edition_calendar_feed(request: HttpRequest, year: int) -> HttpResponse:
    the_award = _award()
    found = find_edition(the_award, year)
    if found is None or not may_subscribe_to_dates(found):
        raise Http404(_("There is no edition %(year)s.") % {"year": year})
    language = "en" if (translation.get_language() or "sv").startswith("en") else "sv"
    body = edition_calendar(found, language=language, stamp=public_dates_changed_at(found))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    name = f"{the_award.slug}-{found.year}.ics"
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
