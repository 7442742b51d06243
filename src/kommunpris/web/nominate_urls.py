"""Public routes of the call for nominations (/nominera/ and the confirmation links)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
