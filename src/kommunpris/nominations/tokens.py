"""Secrets in e-mailed links: signed so a forged link is told apart, hashed so the database never
holds a usable link, and checked against a clock the caller may pass (tests move it)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing

NOMINATION_SALT = "kommunpris.nominations.confirm"


class LinkError(ValueError):
    """A link that cannot be used; `kind` says why, for the page that explains it."""

    kind = "invalid"


class LinkInvalid(LinkError):
    kind = "invalid"


class LinkExpired(LinkError):
    kind = "expired"


class LinkUsed(LinkError):
    kind = "used"

    def __init__(self, token: str, nomination: object | None = None) -> None:
        super().__init__(token)
        self.nomination = nomination


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class SignedLink:
    object_id: int
    secret: str


def sign_link(*, object_id: int, secret: str, issued_at: datetime, salt: str) -> str:
    payload = {"i": object_id, "s": secret, "t": int(issued_at.timestamp())}
    return signing.dumps(payload, salt=salt, compress=False)


def read_link(token: str, *, salt: str, now: datetime, valid_for: timedelta) -> SignedLink:
    """The link's object and secret; LinkInvalid if tampered with, LinkExpired if too old."""
    try:
        payload = signing.loads(token, salt=salt)
        object_id, secret, issued = int(payload["i"]), str(payload["s"]), int(payload["t"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise LinkInvalid(token) from None
    if now.timestamp() - issued > valid_for.total_seconds():
        raise LinkExpired(token)
    return SignedLink(object_id=object_id, secret=secret)
