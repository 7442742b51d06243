"""The one-time link in a jury invitation that lets the invited person set their password.

The token is signed, expires after INVITATION_MAX_AGE and carries a fingerprint of the
user's password hash, so it stops working the moment a password has been set with it. It is
made when the invitation is sent (kommunpris.mail.links), from the user's id alone: the stored
message never holds it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.core import signing

from kommunpris.mail.links import SecretLink, absolute_url, link_builder

INVITATION_MAX_AGE = timedelta(days=30)
_SALT = "kommunpris.jury.invitation"
INVITATION = "jury.invitation"


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


def invitation_link(user: User, *, language: str) -> SecretLink:
    return SecretLink(INVITATION, {"user": user.pk, "language": language})


@link_builder(INVITATION)
def _invitation_url(params: Mapping[str, Any], to: str) -> str:
    user = User.objects.get(pk=int(params["user"]), is_active=True)
    return absolute_url(
        "desk:jury-accept", language=str(params["language"]), token=make_token(user)
    )
