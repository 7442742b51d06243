"""The links of the call for nominations that let their reader in, built when their message is
sent (kommunpris.mail.links): a nomination's confirmation link, a municipality contact's
sign-in link, a nominator's link to their personal data.

Each `…_link` function gives the services what to store and the secret to keep a hash of; the
builder registered for its kind makes the same link again from what was stored, with the
server's key, at sending.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings

from kommunpris.mail.links import SecretLink, absolute_url, derived_secret, link_builder

from .tokens import (
    NOMINATION_SALT,
    PERSONAL_DATA_SALT,
    address_key,
    new_secret,
    sign_link,
)

CONFIRM = "nominations.confirm"
CONTACT = "nominations.contact"
PERSONAL_DATA = "nominations.personal_data"

PERSONAL_DATA_LINK_HOURS = 72


def confirmation_link_lifetime() -> timedelta:
    return timedelta(hours=settings.KOMMUNPRIS_NOMINATION_LINK_HOURS)


def contact_link_lifetime() -> timedelta:
    return timedelta(hours=settings.KOMMUNPRIS_CONTACT_LINK_HOURS)


def personal_data_link_lifetime() -> timedelta:
    return timedelta(hours=PERSONAL_DATA_LINK_HOURS)


def confirmation_link(
    *, nomination_id: int, issued_at: datetime, language: str
) -> tuple[SecretLink, str]:
    """The confirmation link of one text of a nomination, and its secret (keep its hash)."""
    nonce = new_secret()
    link = SecretLink(
        CONFIRM,
        {
            "nomination": nomination_id,
            "nonce": nonce,
            "issued": int(issued_at.timestamp()),
            "language": language,
        },
    )
    return link, derived_secret(CONFIRM, nonce)


@link_builder(CONFIRM)
def _confirmation_url(params: Mapping[str, Any], to: str) -> str:
    token = sign_link(
        object_id=int(params["nomination"]),
        secret=derived_secret(CONFIRM, str(params["nonce"])),
        issued_at=datetime.fromtimestamp(int(params["issued"]), tz=UTC),
        salt=NOMINATION_SALT,
    )
    return absolute_url("nominate-confirm", language=str(params["language"]), token=token)


def contact_sign_in_link() -> tuple[SecretLink, str]:
    """A municipality contact's one-time sign-in link, and its secret (keep its hash)."""
    nonce = new_secret()
    return SecretLink(CONTACT, {"nonce": nonce}), derived_secret(CONTACT, nonce)


@link_builder(CONTACT)
def _contact_url(params: Mapping[str, Any], to: str) -> str:
    secret = derived_secret(CONTACT, str(params["nonce"]))
    return absolute_url("desk:nominations-contact-link", language="sv", token=secret)


def personal_data_link(*, nomination_id: int, issued_at: datetime, language: str) -> SecretLink:
    """A nominator's link to their own data: its secret is a keyed hash of the address it is
    sent to, so the stored message needs neither."""
    return SecretLink(
        PERSONAL_DATA,
        {"nomination": nomination_id, "issued": int(issued_at.timestamp()), "language": language},
    )


@link_builder(PERSONAL_DATA)
def _personal_data_url(params: Mapping[str, Any], to: str) -> str:
    token = sign_link(
        object_id=int(params["nomination"]),
        secret=address_key(to),
        issued_at=datetime.fromtimestamp(int(params["issued"]), tz=UTC),
        salt=PERSONAL_DATA_SALT,
    )
    return absolute_url("personal-data", language=str(params["language"]), token=token)
