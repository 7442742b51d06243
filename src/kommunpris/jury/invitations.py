"""The one-time link in a jury invitation that lets the invited person set their password.

The token is signed, expires after INVITATION_MAX_AGE and carries a fingerprint of the
user's password hash, so it stops working the moment a password has been set with it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.contrib.auth.models import User
from django.core import signing

INVITATION_MAX_AGE = timedelta(days=30)
_SALT = "kommunpris.jury.invitation"


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.pk}:{user.password}".encode()).hexdigest()[:20]


def make_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _fingerprint(user)}, salt=_SALT, compress=True)


def user_for_token(token: str) -> User | None:
    """The invited user, or None for a link that is forged, expired or already used."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    user = User.objects.filter(pk=data["u"], is_active=True).first()
    if user is None or data.get("f") != _fingerprint(user):
        return None
    return user
