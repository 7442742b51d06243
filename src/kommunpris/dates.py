"""Times as Swedish pages and messages write them: "12 maj 2027", "12 maj 2027 kl. 23:59".

Stored times are UTC; people read them in Europe/Stockholm. Pages format dates in their
templates (`|date:"j F Y"`); messages written in code (a refusal, a confirmation) use these, so
no ISO date ever reaches a Swedish page. The domain's own messages are Swedish whatever the
request's language (kommunpris.jury.services, kommunpris.awards.services): `swedish=True`.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import formats, timezone, translation

DAY = "j F Y"
# "kl." is Swedish; English pages write "12 May 2027, 23:59".
MOMENT = {"sv": r"j F Y \k\l. H:i", "en": "j F Y, H:i"}


def _format(moment: datetime, fmt: str | dict[str, str], *, swedish: bool) -> str:
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    with translation.override("sv" if swedish else translation.get_language()):
        language = "en" if (translation.get_language() or "sv").startswith("en") else "sv"
        return formats.date_format(local, fmt if isinstance(fmt, str) else fmt[language])


def day(moment: datetime | None, *, swedish: bool = False) -> str:
    """'12 maj 2027' (the day, Swedish time); '' for no time."""
    return _format(moment, DAY, swedish=swedish) if moment is not None else ""


def moment(moment: datetime | None, *, swedish: bool = False) -> str:
    """'12 maj 2027 kl. 23:59' (Swedish time); '' for no time."""
    return _format(moment, MOMENT, swedish=swedish) if moment is not None else ""
