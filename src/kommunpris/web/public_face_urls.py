"""Public routes for the map, themes, search and accessibility statement."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import map as map_views

urlpatterns: list[URLPattern] = [
    path("karta/", map_views.sweden, name="map"),
]
