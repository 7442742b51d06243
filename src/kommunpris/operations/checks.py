"""`kommunpris check --deploy`: a server that cannot sign its backups says so before the first
nightly backup fails."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register

from .services import BACKUP_KEY_MIN_LENGTH


@register(Tags.security, deploy=True)
def backup_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    key = str(getattr(settings, "KOMMUNPRIS_BACKUP_KEY", "") or "")
    if len(key) < BACKUP_KEY_MIN_LENGTH:
        return [
            Warning(
                "KOMMUNPRIS_BACKUP_KEY is not set, or shorter than "
                f"{BACKUP_KEY_MIN_LENGTH} characters: `kommunpris backup` refuses to run.",
                hint="Set it in /etc/kommunpris/kommunpris.env (openssl rand -hex 32) and keep "
                "a copy apart from the backups.",
                id="kommunpris.W001",
            )
        ]
    if key == settings.SECRET_KEY:
        return [
            Warning(
                "KOMMUNPRIS_BACKUP_KEY is the same as DJANGO_SECRET_KEY.",
                hint="Give backups a key of their own (openssl rand -hex 32).",
                id="kommunpris.W002",
            )
        ]
    return []
