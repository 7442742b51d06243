"""Desk routes for the organiser's and the municipality contact's work on nominations."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
