"""Settings for a public server behind nginx and TLS: every secret and host name comes from the
environment, and `kommunpris check --deploy` has nothing to report.

Required: DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and EMAIL_HOST (or
EMAIL_FILE_PATH); KOMMUNPRIS_BACKUP_KEY for backups (`check --deploy` warns without it).
See README.md, "Running in production".
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import CONTENT_SECURITY_POLICY


def _required(name: str, what: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"{name} must be set in the environment: {what}.")
    return value


DEBUG = False
SECRET_KEY = _required(
    "DJANGO_SECRET_KEY", "a long random string, e.g. from `openssl rand -hex 48`"
)
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is too weak: use at least 50 random characters (`openssl rand -hex 48`)."
    )
ALLOWED_HOSTS = [
    h.strip()
    for h in _required("DJANGO_ALLOWED_HOSTS", "the site's host names, comma-separated").split(",")
    if h.strip()
]
# Production names its database explicitly (PostgreSQL: postgres://user:password@host/name).
_required("DATABASE_URL", "e.g. postgres://kommunpris:PASSWORD@localhost/kommunpris")
if not (os.environ.get("EMAIL_HOST") or os.environ.get("EMAIL_FILE_PATH")):
    raise ImproperlyConfigured(
        "EMAIL_HOST must be set in the environment (the SMTP server that sends the site's e-mail)."
    )

# Requests only store their e-mail; the mail worker (deploy/systemd/kommunpris-mail.service)
# sends it, so a slow or hanging mail server never holds a request.
KOMMUNPRIS_MAIL_DELIVERY = "worker"

# TLS ends at nginx, which sets X-Forwarded-Proto itself (deploy/nginx/kommunpris.conf).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# "__Host-" cookies are only accepted over https, for this exact host, for the whole site.
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_TRUSTED_ORIGINS = [f"https://{h.lstrip('.')}" for h in ALLOWED_HOSTS if h != "*"]
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "upgrade-insecure-requests": True,
    }
}

# Static files with a hash of their content in their names and a gzip copy beside each text file
# (kommunpris.operations.staticfiles), for nginx to keep in browsers for a year and send
# compressed as it is (deploy/nginx). `kommunpris collectstatic` makes them; until it has, pages
# fail to name their stylesheet, so run it at every deploy ("Running in production").
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "kommunpris.operations.staticfiles.HashedCompressedStaticFilesStorage"
    },
}

# Redis, shared by every gunicorn worker on every application server: rate limits count
# with its atomic increment (a database cache reads then writes, and loses counts).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _required(
            "REDIS_URL",
            "the shared cache, e.g. redis://127.0.0.1:6379/0 "
            "or unix:///run/redis/redis-server.sock?db=0",
        ),
        "KEY_PREFIX": "kommunpris",
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "kommunpris": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
