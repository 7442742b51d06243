"""Values every page template needs: the award shown and the other-language link."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language


def site(request: HttpRequest) -> dict[str, Any]:
    language = get_language() or "sv"
    other = "en" if language == "sv" else "sv"
    return {
        "language": language,
        "other_language": other,
        "other_language_url": translate_url(request.get_full_path(), other),
        # From the configured site address, not the request's Host header, so a shared link
        # (Open Graph, canonical) always names the real site.
        "absolute_url": settings.KOMMUNPRIS_SITE_URL.rstrip("/") + request.path,
    }
