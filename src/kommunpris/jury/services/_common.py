"""What every jury service shares: its errors, the edition lock and the guards it asks first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from kommunpris import errors
from kommunpris.awards.models import Edition, Phase
from kommunpris.awards.services import lock_edition
from kommunpris.nominations.models import Candidacy
from kommunpris.permissions.jury import is_frozen, may_lead, may_view_candidacy

from ..models import (
    ScoringRound,
)


class JuryError(errors.DomainError, ValueError):
    """A jury action that cannot be done; the message (in the reader's language, through
    gettext) names the thing and the fix. Each kind below maps to its HTTP answer
    (kommunpris.errors)."""


class Invalid(JuryError, errors.Invalid):
    """What was written or chosen is wrong; the message says how to put it right."""


class Conflict(JuryError, errors.Conflict):
    """Not now: the edition is in another phase, frozen by the decision, or it is done already."""


class NotAllowed(JuryError, errors.NotAllowed):
    """The person may not do this (kommunpris.permissions.jury says no)."""


class NotFound(JuryError, errors.NotFound, LookupError):
    """Something the person may not see: to them it does not exist."""


class ScoreSheetChanged(Conflict):
    """The sheet was saved elsewhere (another tab or session) after this form was opened."""


def phase_name(edition: Edition) -> str:
    """The edition's phase as pages name it (the one copy: awards' Phase labels)."""
    return str(Phase(edition.phase).label)


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _edition_of(arguments: Mapping[str, Any]) -> Edition:
    if "edition" in arguments:
        return arguments["edition"]
    if "scoring_round" in arguments:
        return arguments["scoring_round"].edition
    return arguments["candidacy"].edition


def edition_locked(service: Callable[_P, _R]) -> Callable[_P, _R]:
    """Runs a write of the edition's jury work in one transaction that first locks the edition
    (kommunpris.awards.services.lock_edition), so its checks of the phase, rounds and decision
    read what no other request can change until it is done."""

    @wraps(service)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with transaction.atomic():
            lock_edition(_edition_of(kwargs))
            scoring_round = kwargs.get("scoring_round")
            if isinstance(scoring_round, ScoringRound):
                scoring_round.refresh_from_db(fields=["closed_at"])
            return service(*args, **kwargs)

    return locked


def site_url(name: str, *, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        return settings.KOMMUNPRIS_SITE_URL.rstrip("/") + reverse(name, kwargs=kwargs or None)


def refuse_unless(allowed: bool, refusal: str) -> None:
    """The permission layer's answer, asked by the service itself: `refusal` is the whole
    sentence that says who may do it."""
    if not allowed:
        raise NotAllowed(refusal)


def require_chair(actor: User, edition: Edition, refusal: str) -> None:
    """The chair's work (kommunpris.permissions.jury.may_lead)."""
    refuse_unless(may_lead(actor, edition), refusal)


def require_not_frozen(edition: Edition) -> None:
    if is_frozen(edition):
        raise Conflict(
            _("The jury has made its decision for %(title)s; scores and ballots are locked.")
            % {"title": edition.title}
        )


def require_visible(actor: User, candidacy: Candidacy) -> None:
    """A candidacy the actor may not see does not exist for them (the conflict rule)."""
    if not may_view_candidacy(actor, candidacy):
        raise NotFound(_("Candidacy %(number)s does not exist.") % {"number": candidacy.pk})
