"""The accessibility statement (tillgänglighetsredogörelse) the Swedish law asks for."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# When the statement was last reviewed against the site (update with each review).
STATEMENT_REVIEWED = date(2026, 11, 30)
SUPERVISORY_AUTHORITY_URL = "https://www.digg.se/tdosanmalan"


def statement(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/accessibility.html",
        {
            "contact": settings.KOMMUNPRIS_ACCESSIBILITY_CONTACT,
            "reviewed": STATEMENT_REVIEWED,
            "digg_url": SUPERVISORY_AUTHORITY_URL,
        },
    )
