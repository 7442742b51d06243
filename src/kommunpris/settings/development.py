"""Settings for `make run`: a developer's own machine, embedded SQLite, debug pages."""

from __future__ import annotations

import os

from .base import *  # noqa: F403

DEBUG = True
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret")
KOMMUNPRIS_BACKUP_KEY = os.environ.get(
    "KOMMUNPRIS_BACKUP_KEY", "development-only-backup-key-not-secret-0123456789"
)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]
