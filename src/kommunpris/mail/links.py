"""Links that let someone in (sign in, set a password, confirm, see personal data) are built when
a message is sent, and never stored.

A message that carries such a link is stored with a marker where the link goes and a
`SecretLink`: which kind of link, and the few facts its builder needs — an object's id, a
timestamp, a random nonce. None of them makes a working link: the builders derive each link's
secret from the nonce with the server's SECRET_KEY (kept in the environment, never in the
database or a backup), and the signed links are signed with it too. So the outbox, the admin and
every backup hold no link that works. After the message is sent, the facts are forgotten too.

Each app registers its builders (`@link_builder("nominations.confirm")`) in a module its
AppConfig imports, so a management command that sends mail knows them all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

# (the link's facts, the recipient's address) -> the absolute URL.
Builder = Callable[[Mapping[str, Any], str], str]
_BUILDERS: dict[str, Builder] = {}


class UnknownLink(LookupError):
    """A stored message names a kind of link no app has registered."""


class LinkForgotten(LookupError):
    """The message has been sent: what its links were built from is no longer kept."""


@dataclass(frozen=True)
class SecretLink:
    """A link to be built at sending: its kind, and facts that are useless without the key."""

    kind: str
    params: dict[str, Any] = field(default_factory=dict)


def link_builder(kind: str) -> Callable[[Builder], Builder]:
    def register(builder: Builder) -> Builder:
        if _BUILDERS.get(kind, builder) is not builder:
            raise ValueError(f"two builders for the link kind {kind!r}")
        _BUILDERS[kind] = builder
        return builder

    return register


def build(link: SecretLink, *, to: str) -> str:
    try:
        builder = _BUILDERS[link.kind]
    except KeyError:
        raise UnknownLink(f"no builder for the link kind {link.kind!r}") from None
    return builder(link.params, to)


def derived_secret(purpose: str, nonce: str) -> str:
    """The secret of a link, from the nonce kept with its message and the server's key."""
    return salted_hmac(f"kommunpris.mail.link.{purpose}", nonce, algorithm="sha256").hexdigest()


def absolute_url(viewname: str, *, language: str, **kwargs: Any) -> str:
    with translation.override(language):
        path = reverse(viewname, kwargs=kwargs or None)
    return str(settings.KOMMUNPRIS_SITE_URL).rstrip("/") + path
