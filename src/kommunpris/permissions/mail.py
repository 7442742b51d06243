"""Who may see the outgoing mail that could not be sent, and send it again."""

from __future__ import annotations

from typing import Any

from .accounts import is_organiser
from .registry import register


def may_manage_mail(user: Any) -> bool:
    """Organisers: they run the call, and the messages are theirs to the nominators and jury."""
    return is_organiser(user)


register("mail.manage", may_manage_mail)
