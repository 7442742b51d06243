"""Refuses requests that carry a NUL character in the path, the query string or a cookie.

PostgreSQL cannot store or compare text that contains NUL, so such a value reaching a query
would be a server error there (SQLite takes it); no honest request carries one. Form fields are
already checked by Django's forms.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse

MESSAGE = "Adressen innehåller ett otillåtet tecken (NUL). Kontrollera länken."


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
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": MESSAGE}, status=400)
            return HttpResponseBadRequest(MESSAGE, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
