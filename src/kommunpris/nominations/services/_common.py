"""What the services of the call for nominations share: who may do the organiser's work, links
to the site, dates as the reader writes them, and the checks of a nominator's or a
municipality's three answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from kommunpris.permissions.nominations import acts_as_organiser

from ..errors import NominationError, NotTheOrganiser

# Who acts, as the services take it: the signed-in User (an organiser), the MunicipalityContact
# signed in by link, or audit.vocabulary.PUBLIC / SYSTEM / CLI for the public and the machine.
Actor = Any


def check_organiser(actor: Actor) -> None:
    """The organiser's work on the call: raises NotTheOrganiser for anyone else."""
    if not acts_as_organiser(actor):
        raise NotTheOrganiser(
            _(
                "Only an organiser may change the call's nominations, candidacies and contacts. "
                "Sign in with an organiser's account."
            )
        )


def site_url(path: str) -> str:
    return settings.KOMMUNPRIS_SITE_URL.rstrip("/") + path


def _url(viewname: str, *, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return site_url(reverse(viewname, kwargs=kwargs or None))


def _local_day(moment: datetime | None) -> str:
    return date_format(timezone.localtime(moment), "j F Y") if moment else ""


def _clean_text(value: str) -> str:
    """Text as written, with line endings unified and outer space removed."""
    return value.replace("\r\n", "\n").replace("\r", "\n").strip()


def _check_answers(answers: dict[str, str], *, limit: int, required: bool) -> None:
    for text in answers.values():
        if required and not text:
            raise NominationError(_("Answer all three questions."))
        if len(text) > limit:
            raise NominationError(
                _("Each answer may be at most %(limit)s characters; one has %(length)s.")
                % {"limit": limit, "length": len(text)}
            )
