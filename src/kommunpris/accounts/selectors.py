"""What the sign-in pages read: a person's second factor and, for organisers, everyone's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.db.models import Count, Q
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .services import RECOVERY_DEVICE_NAME


def account_for(written: str) -> User | None:
    """The account an e-mail address names, without regard to case (or, for an account with no
    address, its username); None when it names no account, or more than one."""
    text = written.strip()
    if not text:
        return None
    by_address = list(User.objects.filter(email__iexact=text).order_by("pk")[:2])
    if by_address:
        return by_address[0] if len(by_address) == 1 else None
    by_name = list(User.objects.filter(username__iexact=text).order_by("pk")[:2])
    return by_name[0] if len(by_name) == 1 else None


def address_is_taken(address: str) -> bool:
    """Whether an account already signs in with this address (as address or as username)."""
    text = address.strip()
    return User.objects.filter(Q(email__iexact=text) | Q(username__iexact=text)).exists()


def totp_device(user: User) -> TOTPDevice | None:
    """The person's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_two_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user: User) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


@dataclass(frozen=True)
class Person:
    """One row of the organiser's list: who must use two-factor sign-in and whether they do."""

    user: User
    enrolled_at: datetime | None
    recovery_codes_left: int

    @property
    def enrolled(self) -> bool:
        return self.enrolled_at is not None


def people_who_need_two_factor() -> list[Person]:
    """Organisers, superusers and jury members (active users), by e-mail address."""
    users = list(
        User.objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(jury_memberships__isnull=False))
        .distinct()
        .order_by("email", "username")
    )
    enrolled = dict(
        TOTPDevice.objects.filter(user__in=users, confirmed=True)
        .order_by("user_id", "created_at")
        .values_list("user_id", "created_at")
    )
    left = dict(
        StaticDevice.objects.filter(user__in=users, name=RECOVERY_DEVICE_NAME)
        .annotate(left=Count("token_set"))
        .values_list("user_id", "left")
    )
    return [Person(u, enrolled.get(u.pk), left.get(u.pk, 0)) for u in users]
