"""Settings for the test suite: fast hashing, local memory mail, a throw-away database."""

from __future__ import annotations

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
KOMMUNPRIS_BACKUP_KEY = "test-only-backup-key-not-secret-0123456789"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tests of a page see the page made, not an earlier answer kept in the process: the suite
# writes through the ORM between requests. tests/web/test_page_store.py and the recipe (the
# production settings) run with the store.
KOMMUNPRIS_PAGE_STORE_ENTRIES = 0
