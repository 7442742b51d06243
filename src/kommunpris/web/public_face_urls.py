"""Public routes for the map, themes, search and accessibility statement."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
