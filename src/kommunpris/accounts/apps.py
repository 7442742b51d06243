"""The accounts app: how organisers and the jury sign in."""

from __future__ import annotations

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kommunpris.accounts"
    label = "accounts"
    verbose_name = "Inloggning"
