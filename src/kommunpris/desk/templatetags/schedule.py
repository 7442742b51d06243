"""Template tags for an edition's schedule on pages that belong to others (the jury's round
page): `{% load schedule %}{% round_deadline_of edition stage as deadline %}`."""

from __future__ import annotations

from django import template

from kommunpris.awards.models import Edition
from kommunpris.jury.labels import ROUND_NAMES
from kommunpris.reminders.models import RoundDeadline
from kommunpris.reminders.selectors import round_deadline

register = template.Library()


@register.simple_tag
def round_deadline_of(edition: Edition, stage: str) -> RoundDeadline | None:
    """The last day the chair gave the round of `stage`, if any."""
    return round_deadline(edition, stage)


@register.filter
def round_name(stage: str) -> str:
    """'the round for nominees' for "nominee" (empty for anything else)."""
    name = ROUND_NAMES.get(stage)
    return str(name) if name is not None else ""
