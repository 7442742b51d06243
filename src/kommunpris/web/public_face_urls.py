"""Public routes for the map, themes, search and accessibility statement."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import accessibility, search, themes
from . import map as map_views

urlpatterns: list[URLPattern] = [
    path("karta/", map_views.sweden, name="map"),
    path("teman/", themes.overview, name="themes"),
    path("teman/metod/", themes.method, name="themes-method"),
    path("teman/<slug:key>/", themes.theme, name="theme"),
    path("sok/", search.page, name="search"),
    path("tillganglighet/", accessibility.statement, name="accessibility"),
]
