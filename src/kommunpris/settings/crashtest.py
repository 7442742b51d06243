"""Production settings as served under gunicorn by the crash-safety test and bench/load.py.

Everything comes from production.py (DEBUG off, the secret from the environment, the database
from DATABASE_URL); only what serving plain HTTP on 127.0.0.1 to many clients at once needs
is changed here, and each change says why.
"""

from __future__ import annotations

import os

from .production import *  # noqa: F403

# The server listens on the loopback address only, over plain HTTP: no TLS to redirect to and
# no HTTPS for cookies marked secure to travel over.
ALLOWED_HOSTS = ["127.0.0.1"]
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False

# No static file is served or collected here: pages name them without the hash that
# collectstatic would have recorded.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Every client of the load comes from 127.0.0.1, so the per-address limit against spam would
# refuse most of it; the limits are raised, not switched off, and stay counted.
KOMMUNPRIS_NOMINATION_RATE_LIMITS = {
    "ip": (100_000, 3600),
    "email": (100_000, 3600),
    "address": (100_000, 3600),
}

# Mail goes to files in the test's folder (EMAIL_FILE_PATH), never to a server.
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# No mail worker runs beside the server under test: each message is written to the folder as
# the request commits, where the test reads the confirmation link the way a nominator would.
KOMMUNPRIS_MAIL_DELIVERY = "at_commit"
