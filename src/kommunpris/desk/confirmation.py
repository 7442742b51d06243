"""Asking before what cannot be undone: a page that says what will happen and what cannot be
taken back, and a button that sends the same request again with `confirmed=yes`.

A view that changes something irreversible handles a POST without `confirmed=yes` by checking
that the change could be made (the service's own check) and answering this page; with it, by
calling the service. The request's fields travel in hidden inputs, so no JavaScript is needed
and nothing typed is lost: "go back" on a page that carries typed text sends it back to its
form (`revise=yes`), filled in as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"
REVISE = "revise"
# Fields the confirmation page never carries over: the form makes its own.
_NOT_CARRIED = frozenset({"csrfmiddlewaretoken", CONFIRMED, REVISE})


@dataclass(frozen=True)
class Confirmation:
    title: str
    happens: list[str]
    button: str
    back: str  # where "No, go back" leads
    cannot_undo: str = ""
    can_undo: str = ""
    action: str = ""  # where the confirmed request goes; "" for the same URL
    hidden: list[tuple[str, str]] = field(default_factory=list)
    # What was typed goes back to its form (POSTed with `revise=yes`) instead of a plain link.
    revisable: bool = False


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes" and not is_revising(request)


def is_revising(request: HttpRequest) -> bool:
    """The person went back from the confirmation page to change what they typed."""
    return request.POST.get(REVISE) == "yes"


def carried(request: HttpRequest) -> list[tuple[str, str]]:
    """The request's own fields, to send again with the confirmation."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_CARRIED
        for value in values
    ]


def ask(
    request: HttpRequest,
    confirmation: Confirmation,
    *,
    template: str = "desk/confirm.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    if not confirmation.hidden:
        confirmation = Confirmation(**{**confirmation.__dict__, "hidden": carried(request)})
    return render(request, template, {"confirm": confirmation, **(context or {})})
