"""Refuses requests that carry a NUL character in the path, the query string or a cookie.

PostgreSQL cannot store or compare text that contains NUL, so such a value reaching a query
would be a server error there (SQLite takes it); no honest request carries one. Form fields are
already checked by Django's forms. The refusal comes before the locale middleware, so it asks
the request's language itself (the language cookie, then Accept-Language).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.translation import gettext_lazy

MESSAGE = gettext_lazy("The address holds a character that is not allowed (NUL). Check the link.")


def _carries_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for key, values in request.GET.lists():
        if "\x00" in key or any("\x00" in v for v in values):
            return True
    return any("\x00" in k or "\x00" in v for k, v in request.COOKIES.items())


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _carries_nul(request):
            with translation.override(translation.get_language_from_request(request)):
                message = str(MESSAGE)
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
