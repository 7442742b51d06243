"""Public routes of the call for nominations (/nominera/ and the confirmation links)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import nominate

urlpatterns: list[URLPattern] = [
    path("nominera/", nominate.nominate, name="nominate"),
    path("nominera/skickad/", nominate.nominate_sent, name="nominate-sent"),
    path("nominera/bekrafta/<str:token>/", nominate.confirm, name="nominate-confirm"),
    path("nominera/bekraftad/", nominate.confirmed, name="nominate-confirmed"),
    path("nominera/personuppgifter/", nominate.privacy, name="nominate-privacy"),
]
