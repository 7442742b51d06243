"""Who may see the outgoing mail that could not be sent, and send it again."""

from __future__ import annotations

from typing import Any

from .nominations import is_organiser


def may_manage_mail(user: Any) -> bool:
    """Organisers: they run the call, and the messages are theirs to the nominators and jury."""
    return is_organiser(user)
