"""Public routes of the call for nominations (/nominera/ and the confirmation links) and of a
nominator's own requests about their personal data (/personuppgifter/mina/ and its links)."""

from __future__ import annotations

from django.urls import URLPattern, path
from django.views.generic import RedirectView

from . import nominate, personal_data

urlpatterns: list[URLPattern] = [
    path("nominera/", nominate.nominate, name="nominate"),
    path("nominera/skickad/", nominate.nominate_sent, name="nominate-sent"),
    path("nominera/bekrafta/<str:token>/", nominate.confirm, name="nominate-confirm"),
    path("nominera/bekraftad/", nominate.confirmed, name="nominate-confirmed"),
    path("nominera/personuppgifter/", nominate.privacy, name="nominate-privacy"),
    path(
        "personuppgifter/",
        RedirectView.as_view(pattern_name="nominate-privacy"),
        name="personal-data-notice",
    ),
    path("personuppgifter/mina/", personal_data.request_link, name="personal-data-request"),
    path("personuppgifter/mina/raderade/", personal_data.erased, name="personal-data-erased"),
    path("personuppgifter/mina/<str:token>/", personal_data.my_data, name="personal-data"),
    path(
        "personuppgifter/mina/<str:token>/kopia.json",
        personal_data.my_data_copy,
        name="personal-data-copy",
    ),
    path(
        "personuppgifter/mina/<str:token>/radera/",
        personal_data.my_data_erase,
        name="personal-data-erase",
    ),
]
