"""Who must sign in with two factors, and who may reset another person's second factor.

Jurors, chairs and organisers see unpublished decisions, scores and personal data, so a
password alone does not let them in: they need a confirmed authenticator app (TOTP) too.
Municipality contacts sign in by one-time e-mailed link and are no Django users; they are
not covered here.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from .registry import register


def is_organiser(user: Any) -> bool:
    """Organisers are active staff users. The one definition; every area asks this one."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def needs_two_factor(user: Any) -> bool:
    """Organisers, superusers and anyone with a seat on any jury, past or present."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_staff or user.is_superuser:
        return True
    # Looked up by name: the accounts layer comes before the jury and does not import it.
    membership = apps.get_model("jury", "Membership")
    return bool(membership.objects.filter(user_id=user.pk).exists())


def is_verified(user: Any) -> bool:
    """Signed in with a second factor in this session (django-otp's OTPMiddleware tells)."""
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def may_use_desk(user: Any) -> bool:
    """The desk (and the admin) open only once the second factor is given, where one is needed."""
    return is_verified(user) or not needs_two_factor(user)


def may_manage_accounts(user: Any) -> bool:
    """Organisers see who has two-factor sign-in set up and reset it for others."""
    return is_organiser(user) and is_verified(user)


def may_reset_two_factor(actor: Any, person: Any) -> bool:
    """An organiser resets someone else's second factor (their own needs another organiser or
    the command line); only a superuser resets a superuser's."""
    if not may_manage_accounts(actor) or actor.pk == person.pk:
        return False
    return bool(actor.is_superuser or not person.is_superuser)


register("desk.organise", is_organiser)
register("desk.use", may_use_desk)
register("accounts.manage", may_manage_accounts)
register("accounts.reset_two_factor", may_reset_two_factor)
