"""Domain errors and the one mapping from them to HTTP answers.

A service raises one of these with a message the reader can act on (translated with gettext,
naming the thing and the way forward). Views that redisplay a form catch them; everything
else lets them through, and one middleware (desk and public site) and one API exception
handler turn them into an answer with `http_status(exc)` and the message.
"""

from __future__ import annotations


class DomainError(Exception):
    """A user-facing failure of a domain rule; `str(exc)` is the translated message."""

    status: int = 400


class Invalid(DomainError):
    """The input is wrong; the message says how to fix it."""

    status = 400


class NotAllowed(DomainError):
    """The actor may not do this (raised by services after asking `kommunpris.permissions`)."""

    status = 403


class NotFound(DomainError):
    """No such thing, or the actor may not know that it exists."""

    status = 404


class Conflict(DomainError):
    """Not now: wrong phase, frozen, already decided, or changed meanwhile."""

    status = 409


def http_status(exc: DomainError) -> int:
    """The HTTP status code that answers `exc`."""
    return exc.status
