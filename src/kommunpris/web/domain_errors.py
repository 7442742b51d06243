"""The one mapping of domain errors to answers on the desk and the public site.

A service raises a `kommunpris.errors.DomainError` whose message is written for the reader; a
view that redisplays a form catches it, and anything it lets through arrives here and becomes
the site's error page with that message and the status `http_status` chooses (400, 403, 404,
409). The API has its own handler with the same mapping (`kommunpris.api.urls`).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from kommunpris.errors import Conflict, DomainError, Invalid, NotAllowed, NotFound, http_status


def _heading(exc: DomainError) -> str:
    if isinstance(exc, NotFound):
        return _("Page not found")
    if isinstance(exc, NotAllowed):
        return _("Not allowed")
    if isinstance(exc, Conflict):
        return _("Not possible right now")
    if isinstance(exc, Invalid):
        return _("Something is wrong in what was sent")
    return _("That did not work")


def _template(request: HttpRequest) -> str:
    """The desk's page for an error on the desk, the public site's everywhere else."""
    if request.path.startswith(reverse("desk:home")):
        return "desk/domain_error.html"
    return "web/domain_error.html"


def domain_error_response(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return render(
        request,
        _template(request),
        {"heading": _heading(exc), "message": str(exc)},
        status=http_status(exc),
    )


class DomainErrorMiddleware:
    """Turns a domain error no view caught into the error page with its status."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DomainError):
            return domain_error_response(request, exception)
        return None
