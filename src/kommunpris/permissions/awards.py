"""Who may create an edition and run its call for nominations (open, close, reopen, change)."""

from __future__ import annotations

from typing import Any

from kommunpris.audit.vocabulary import BOOTSTRAP, CLI, SYSTEM

from .accounts import is_organiser
from .registry import register

# Who runs the platform from the inside: the command line (someone with a shell on the server),
# the platform's own work, and the first setup. They act for the organiser.
PLATFORM_ACTORS = frozenset({SYSTEM, CLI, BOOTSTRAP})


def acts_for_the_platform(actor: Any) -> bool:
    """The command line, the platform itself or its setup, not a person on the web."""
    return isinstance(actor, str) and actor in PLATFORM_ACTORS


def may_manage_editions(actor: Any) -> bool:
    """Organisers (and the command line) create editions and run the call for nominations."""
    if isinstance(actor, str):
        return acts_for_the_platform(actor)
    return is_organiser(actor)


register("awards.manage_editions", may_manage_editions)
