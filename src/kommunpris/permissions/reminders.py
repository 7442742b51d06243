"""Who may see an edition's dashboard and change its schedule: the reminders (organisers) and
the jury's round deadlines (the chair), and which dates of an edition anyone may subscribe to."""

from __future__ import annotations

from typing import Any

from kommunpris.awards.models import Edition, Phase

from . import may_view_edition_page
from .accounts import is_organiser
from .awards import acts_for_the_platform
from .jury import FROZEN_PHASES, is_chair
from .registry import register


def schedule_is_history(edition: Edition) -> bool:
    """An announced edition's schedule is over: nothing in it can change any more."""
    return edition.phase == Phase.ANNOUNCED


def may_view_dashboard(user: Any, edition: Edition) -> bool:
    """The organiser's dashboard of an edition: progress, who is behind, mail and reminders.
    It shows counts of the jury's sheets, never a score, so the organiser may see it."""
    return is_organiser(user)


def may_configure_reminders(user: Any, edition: Edition) -> bool:
    return is_organiser(user) and not schedule_is_history(edition)


def may_set_round_deadline(user: Any, edition: Edition) -> bool:
    """The chair gives the jury's rounds their last days, until the decision freezes them."""
    return is_chair(user, edition) and edition.phase not in FROZEN_PHASES


def may_send_reminders(actor: Any) -> bool:
    """The reminder run is the platform's own (its timer) or the command line's, never a
    person's on the web: nobody chooses who is reminded."""
    return acts_for_the_platform(actor)


def may_subscribe_to_dates(edition: Edition) -> bool:
    """An edition's public calendar: every edition with a public page. It holds only the dates
    that page shows (the call, the municipalities' deadline, the gala, the announcement), never
    anything of the jury's work."""
    return may_view_edition_page(edition)


register("reminders.view_dashboard", may_view_dashboard)
register("reminders.configure", may_configure_reminders)
register("jury.set_round_deadline", may_set_round_deadline)
