"""Every message the platform sends, and every group of people the organiser can write to.

Each app declares its own in a module `mail_messages.py` (found by `autodiscover` when the mail
app is ready): a message's key is its template's name (`nominations/confirm` is
`mail/nominations/confirm.txt`), with what it is, who gets it, the placeholders its template
may use and an example built from an edition's real data for the preview. A segment is a group
of an edition's people, with the placeholders a bulk message to them may use and, for each
person, their values. The organiser's desk and the services read only this catalogue, so a new
message or segment needs nothing but its declaration.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django_stubs_ext import StrOrPromise

from .links import SecretLink
from .organiser_templates import Placeholder

if TYPE_CHECKING:
    from kommunpris.awards.models import Edition

LANGUAGES = ("sv", "en")
# In sentences ("in Swedish"); a link to a language names it in itself (svenska, English).
LANGUAGE_NAMES = {
    "sv": pgettext_lazy("in a sentence", "Swedish"),
    "en": pgettext_lazy("in a sentence", "English"),
}


@dataclass(frozen=True)
class Example:
    """A message's placeholders filled in for a preview or a test, and whose data they are."""

    context: dict[str, Any]
    about: str  # "Sundsvalls kommun (Anna Andersson)", or that the values are made up


@dataclass(frozen=True)
class Message:
    key: str
    title: StrOrPromise
    recipients: StrOrPromise
    sent_when: StrOrPromise
    placeholders: tuple[Placeholder, ...]
    example: Callable[[Edition], Example]
    # Sent for one edition: the edition's own template applies. A message about a person across
    # editions (their personal data) uses the template of the edition of their newest nomination.
    order: int = 100

    @property
    def slug(self) -> str:
        """The key as a path segment of the desk: `nominations.confirm`."""
        return self.key.replace("/", ".")


@dataclass(frozen=True)
class Recipient:
    """One person of a segment, with the values of the segment's placeholders for them."""

    email: str
    name: str
    about: str  # what they are to the edition: "Sundsvalls kommun", "ledamot"
    language: str
    context: dict[str, Any]
    # Links that let this person in, made only when the message is queued (they may write a
    # row of their own, such as a contact's one-time sign-in link) and built at sending.
    links: Callable[[], dict[str, SecretLink]] | None = None


@dataclass(frozen=True)
class Segment:
    key: str
    # The app whose people these are: each copy's template is `<app>/bulk/<key>`, so it is kept
    # and purged as that app's mail is (the call's mail goes after 30 days).
    app: str
    title: StrOrPromise
    description: StrOrPromise
    placeholders: tuple[Placeholder, ...]
    recipients: Callable[[Edition], list[Recipient]]
    order: int = 100

    @property
    def template(self) -> str:
        return f"{self.app}/bulk/{self.key}"


@dataclass
class _Catalogue:
    messages: dict[str, Message] = field(default_factory=dict)
    segments: dict[str, Segment] = field(default_factory=dict)


_catalogue = _Catalogue()


def register_message(message: Message) -> Message:
    if _catalogue.messages.get(message.key, message) != message:
        raise ValueError(f"two declarations of the message {message.key!r}")
    _catalogue.messages[message.key] = message
    return message


def register_segment(segment: Segment) -> Segment:
    if _catalogue.segments.get(segment.key, segment) != segment:
        raise ValueError(f"two declarations of the segment {segment.key!r}")
    _catalogue.segments[segment.key] = segment
    return segment


def autodiscover() -> None:
    autodiscover_modules("mail_messages")


class UnknownMessage(LookupError):
    pass


def messages() -> list[Message]:
    return sorted(_catalogue.messages.values(), key=lambda m: (m.order, m.key))


def message(key: str) -> Message:
    """By key (`nominations/confirm`) or slug (`nominations.confirm`)."""
    found = _catalogue.messages.get(key) or _catalogue.messages.get(key.replace(".", "/"))
    if found is None:
        raise UnknownMessage(_("There is no message “%(key)s”.") % {"key": key})
    return found


def is_known(key: str) -> bool:
    return key in _catalogue.messages


def segments() -> list[Segment]:
    return sorted(_catalogue.segments.values(), key=lambda s: (s.order, s.key))


def segment(key: str) -> Segment:
    found = _catalogue.segments.get(key)
    if found is None:
        raise UnknownMessage(_("There is no group of recipients “%(key)s”.") % {"key": key})
    return found


def link_stand_in() -> str:
    """What a preview or a test shows where a link that lets someone in goes: such a link is
    made only for the person it is sent to."""
    return _("[the personal link – made when the message is sent]")
