"""Settings shared by every environment; secrets and site values come from the environment."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets admin classes and feeds be written with type parameters (ModelAdmin[Model]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# The checkout (or the working directory of an installed copy): holds var/ and data/.
BASE_DIR = Path(os.environ.get("KOMMUNPRIS_HOME", PACKAGE_DIR.parent.parent)).resolve()
VAR_DIR = Path(os.environ.get("KOMMUNPRIS_VAR", BASE_DIR / "var"))
DATA_DIR = Path(os.environ.get("KOMMUNPRIS_DATA", BASE_DIR / "data"))

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = [
    h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "kommunpris.audit",
    "kommunpris.mail",
    "kommunpris.register",
    "kommunpris.awards",
    "kommunpris.nominations",
    "kommunpris.archive",
    "kommunpris.jury",
    "kommunpris.web",
    "kommunpris.desk",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kommunpris.urls"
WSGI_APPLICATION = "kommunpris.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kommunpris.web.context_processors.site",
            ],
        },
    },
]


def database_from_environment(default_sqlite: Path) -> dict[str, object]:
    """DATABASE_URL wins; otherwise the embedded SQLite file under var/."""
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{default_sqlite}"
    config: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=60))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            # WAL lets readers go on while one writer writes; IMMEDIATE avoids lock upgrades.
            # synchronous=FULL syncs the WAL at every commit: a write answered with success
            # survives a power cut too, not only a crash of the server (NORMAL may lose it).
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    return config


DATABASES = {"default": database_from_environment(VAR_DIR / "kommunpris.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# Each app keeps its translations in its own locale/ folder.
LOCALE_PATHS: list[Path] = []
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", VAR_DIR / "static"))
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", VAR_DIR / "uploads"))

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "kommunpris",
    }
}

# The award every page shows when no other is named.
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "desk:home"

KOMMUNPRIS_DEFAULT_AWARD = os.environ.get("KOMMUNPRIS_DEFAULT_AWARD", "digitaliseringskommun")
KOMMUNPRIS_SITE_URL = os.environ.get("KOMMUNPRIS_SITE_URL", "http://127.0.0.1:8000")
# Where visitors report accessibility barriers (the accessibility statement names it).
KOMMUNPRIS_ACCESSIBILITY_CONTACT = os.environ.get(
    "KOMMUNPRIS_ACCESSIBILITY_CONTACT", "tillganglighet@kommunpris.se"
)

# The call for nominations: link lifetimes, limits against spam, attachments, retention.
KOMMUNPRIS_NOMINATION_LINK_HOURS = 72
KOMMUNPRIS_CONTACT_LINK_HOURS = 72
KOMMUNPRIS_CONTACT_SESSION_HOURS = 8
# Accepted submissions per window (count, seconds): per client IP and per nominator address.
KOMMUNPRIS_NOMINATION_RATE_LIMITS = {"ip": (20, 3600), "email": (5, 3600)}
KOMMUNPRIS_CONTACT_LINK_RATE_LIMIT = (5, 3600)
KOMMUNPRIS_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
KOMMUNPRIS_ATTACHMENT_MAX_COUNT = 5
# Nominators' names and addresses, and municipality contacts, are erased this many days after
# the edition is announced (`kommunpris purge_personal_data`, run daily).
KOMMUNPRIS_NOMINATOR_RETENTION_DAYS = int(
    os.environ.get("KOMMUNPRIS_NOMINATOR_RETENTION_DAYS", "180")
)
# Who answers questions about personal data (shown on the privacy notice when set).
KOMMUNPRIS_PRIVACY_CONTACT = os.environ.get("KOMMUNPRIS_PRIVACY_CONTACT", "")
# A refused form (expired page, blocked cookies) explains itself instead of a bare 403.
CSRF_FAILURE_VIEW = "kommunpris.web.nominate.csrf_failure"

# E-mail: SMTP when EMAIL_HOST is set (production), files when EMAIL_FILE_PATH is set,
# otherwise printed to the console.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "kommunpris <noreply@kommunpris.se>")
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "true").lower() == "true"
    EMAIL_TIMEOUT = 20
elif os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"kommunpris": {"handlers": ["console"], "level": "INFO"}},
}
