"""Desk routes for jurors and the jury chair."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
