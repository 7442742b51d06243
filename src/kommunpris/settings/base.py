"""Settings shared by every environment; secrets and site values come from the environment."""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta
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
    "kommunpris.search",
    "kommunpris.jury",
    "kommunpris.reminders",
    "kommunpris.web",
    "kommunpris.desk",
    "kommunpris.api",  # no models: an app for its message catalogue
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
    # A domain error no view caught becomes the error page with its status (kommunpris.errors).
    "kommunpris.web.domain_errors.DomainErrorMiddleware",
]

# ---------------------------------------------------------------------------------------------
# Security and operations: password hashing, response headers, cookies, backup and restore.
# Every environment gets these; the production settings add what only makes sense behind TLS
# (HSTS, secure cookies, redirect to https).
# ---------------------------------------------------------------------------------------------
# "ninja" is an installed app so the API docs page serves Swagger UI from the package's own
# static files (no CDN, no inline script) and holds under the policy below.
INSTALLED_APPS += ["csp", "ninja", "kommunpris.operations"]
_AFTER_SECURITY = MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
MIDDLEWARE[_AFTER_SECURITY:_AFTER_SECURITY] = [
    # Signed-in and personal answers say Cache-Control: no-store (outside the session
    # middleware, so it sees the session cookie an answer sets).
    "kommunpris.operations.caching.NoStoreForPrivateAnswersMiddleware",
    "csp.middleware.CSPMiddleware",
    # PostgreSQL refuses text with NUL: such requests get a 400, not a server error.
    "kommunpris.operations.middleware.RejectNulCharactersMiddleware",
    # CORS, the licence header and conditional GET for the paths below.
    "kommunpris.web.public_reads.PublicReadMiddleware",
]
# Open data: other sites' pages may read these (CORS), each names its licence in a Link header
# (regular expressions on the path; kommunpris.web.public_reads).
KOMMUNPRIS_OPEN_DATA_PATHS = [
    r"^/api/",
    r"^(/en)?/vinnare/vinnare\.(csv|json|txt)$",
    r"^(/en)?/kommun/kommuner\.(csv|json)$",
    r"^/feed/$",
    r"^/datasets/dcat$",
    r"^(/en)?/vinnare/[0-9]{4}/kalender\.ics$",
]
# Answers that carry an ETag and are answered 304 Not Modified when the client has them, also
# when they are not public (every public answer does anyway).
KOMMUNPRIS_CONDITIONAL_GET_PATHS = [*KOMMUNPRIS_OPEN_DATA_PATHS]
# Public answers may be kept by any cache (nginx, a CDN, a browser) this many seconds at most,
# and never past the next moment the clock changes them (an embargo lifting): a correction
# shows within this time (kommunpris.web.public_reads).
KOMMUNPRIS_PUBLIC_MAX_AGE = int(os.environ.get("KOMMUNPRIS_PUBLIC_MAX_AGE", "60"))
# Public answers each application process keeps between requests, made once per data version
# (kommunpris.web.page_store): at most this many, and this many bytes. 0 keeps none.
KOMMUNPRIS_PAGE_STORE_ENTRIES = int(os.environ.get("KOMMUNPRIS_PAGE_STORE_ENTRIES", "1000"))
KOMMUNPRIS_PAGE_STORE_BYTES = 32 * 1024 * 1024
# A round's packets as one PDF are made in the request (WeasyPrint lays out some ten
# nominations a second; nginx waits 35 s for an answer): above this many confirmed nominations
# the desk offers the ZIP (streamed, a PDF per candidacy) and the printable page instead.
KOMMUNPRIS_ROUND_PDF_MAX_NOMINATIONS = int(
    os.environ.get("KOMMUNPRIS_ROUND_PDF_MAX_NOMINATIONS", "150")
)

# Argon2id first (argon2-cffi); older hashes stay readable and are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

# Pages are server-rendered and need no script of their own: nothing inline, nothing from
# elsewhere. Swagger UI (/api/v1/docs) runs from our own static files under the same policy.
CONTENT_SECURITY_POLICY: dict[str, dict[str, list[str] | bool]] = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A signed-in session on the desk lasts a working day.
SESSION_COOKIE_AGE = 60 * 60 * 12
# No script reads the CSRF token from the cookie (forms carry it in a hidden field).
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
# Backups keep stored times to the microsecond (Django's JSON format cuts them to milliseconds).
SERIALIZATION_MODULES = {"exactjson": "kommunpris.operations.serialization"}
# Backups are signed with this key (HMAC-SHA256) and restore trusts only what it signed (or a
# file whose SHA-256 the operator gives). From the environment, kept apart from the backups.
KOMMUNPRIS_BACKUP_KEY = os.environ.get("KOMMUNPRIS_BACKUP_KEY", "")
# ---------------------------------------------------------------------------------------------

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

# --- Sign-in: two factors (django-otp), throttling (django-axes), session lifetime ------------
# Organisers, superusers and jury members sign in with a password and a TOTP code (or a
# recovery code); kommunpris.accounts.middleware keeps /arbetsyta/ and /admin/ closed until
# then. Kept in one block (list edits by insertion) so other settings changes merge around it.
INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]
# Before django.contrib.auth, so its `createsuperuser` (which asks for an e-mail address) is the
# one the `kommunpris` command runs: the first app in the list that has a command wins.
INSTALLED_APPS.insert(INSTALLED_APPS.index("django.contrib.auth"), "kommunpris.accounts")
_AUTH_MIDDLEWARE = MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")
MIDDLEWARE[_AUTH_MIDDLEWARE + 1 : _AUTH_MIDDLEWARE + 1] = [
    "kommunpris.accounts.middleware.SessionKeepAliveMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kommunpris.accounts.middleware.TwoFactorMiddleware",
]
# Axes' middleware turns a request it flagged as locked out into the lockout page; it goes last.
MIDDLEWARE.append("axes.middleware.AxesMiddleware")
# AxesBackend refuses any password check for a locked-out account and address, then defers to
# EmailBackend: the e-mail address, in any case, finds the account (kommunpris.accounts.backends).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "kommunpris.accounts.backends.EmailBackend",
]
# The name authenticator apps show for the entry.
OTP_TOTP_ISSUER = os.environ.get("KOMMUNPRIS_OTP_ISSUER", "kommunpris")
# Wrong codes allowed after one right password before the password is asked for again.
KOMMUNPRIS_SIGN_IN_CODE_ATTEMPTS = int(os.environ.get("KOMMUNPRIS_SIGN_IN_CODE_ATTEMPTS", "3"))
# Lockout: this many failed passwords or codes for one username from one address close
# sign-in for that pair for the cool-off time; attempts during it do not prolong it.
AXES_ENABLED = os.environ.get("KOMMUNPRIS_SIGN_IN_THROTTLE", "true").lower() != "false"
AXES_FAILURE_LIMIT = int(os.environ.get("KOMMUNPRIS_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("KOMMUNPRIS_SIGN_IN_LOCKOUT_MINUTES", "30"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Failures count per account (its address or username in any case: one limit), not per spelling.
AXES_USERNAME_CALLABLE = "kommunpris.accounts.throttle.axes_username"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "kommunpris.accounts.views.locked_out"
AXES_VERBOSE = False
# Sessions end after 8 hours without a request and when the browser closes. Requests push the
# end forward (accounts.middleware.SessionKeepAliveMiddleware: SESSION_SAVE_EVERY_REQUEST, but
# at most one write in five minutes); a municipality contact's link session sets its own expiry.
SESSION_COOKIE_AGE = int(os.environ.get("KOMMUNPRIS_SESSION_HOURS", "8")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# --- end of sign-in settings ------------------------------------------------------------------


# --- The client address behind the proxy (kommunpris.operations.client_address) -------------
# Whose X-Forwarded-For is believed: "unix" for a request over gunicorn's UNIX socket (only
# nginx can reach it, as in deploy/), and addresses or networks of proxies that reach gunicorn
# over TCP (e.g. "10.0.0.5" or "192.0.2.0/28"). Any other sender of the header is counted by
# its own address. Comma-separated.
def _trusted_proxies(value: str) -> list[str]:
    entries = [e.strip() for e in value.split(",") if e.strip()]
    for entry in entries:
        if entry == "unix":
            continue
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ValueError(
                f"KOMMUNPRIS_TRUSTED_PROXIES: '{entry}' is neither 'unix' nor an address or "
                "network, e.g. 'unix,10.0.0.5,192.0.2.0/28'."
            ) from None
    return entries


KOMMUNPRIS_TRUSTED_PROXIES = _trusted_proxies(os.environ.get("KOMMUNPRIS_TRUSTED_PROXIES", "unix"))
# django-axes counts sign-in failures by the same address as every other limit.
AXES_CLIENT_IP_CALLABLE = "kommunpris.operations.client_address.known_client_address"
# ---------------------------------------------------------------------------------------------

KOMMUNPRIS_DEFAULT_AWARD = os.environ.get("KOMMUNPRIS_DEFAULT_AWARD", "digitaliseringskommun")
KOMMUNPRIS_SITE_URL = os.environ.get("KOMMUNPRIS_SITE_URL", "http://127.0.0.1:8000")
# The open-data catalogue (/datasets/dcat): who publishes the data and whom users may ask.
# With the organisation number (10 digits) the publisher gets the identifier Sweden's data
# portal merges publishers on (http://dataportal.se/organisation/SE<orgnr>).
KOMMUNPRIS_PUBLISHER_NAME = os.environ.get("KOMMUNPRIS_PUBLISHER_NAME", "")
KOMMUNPRIS_PUBLISHER_ORGNR = os.environ.get("KOMMUNPRIS_PUBLISHER_ORGNR", "")
KOMMUNPRIS_OPEN_DATA_CONTACT = os.environ.get(
    "KOMMUNPRIS_OPEN_DATA_CONTACT", "oppnadata@kommunpris.se"
)
# Where visitors report accessibility barriers (the accessibility statement names it).
KOMMUNPRIS_ACCESSIBILITY_CONTACT = os.environ.get(
    "KOMMUNPRIS_ACCESSIBILITY_CONTACT", "tillganglighet@kommunpris.se"
)

# The call for nominations: link lifetimes, limits against spam, attachments, retention.
KOMMUNPRIS_NOMINATION_LINK_HOURS = 72
KOMMUNPRIS_CONTACT_LINK_HOURS = 72
KOMMUNPRIS_CONTACT_SESSION_HOURS = 8
# Submissions per window (count, seconds): per client IP and per nominator address from that
# IP (the sender is told), and per address from anywhere (taken silently: the page after
# sending must read the same whatever others have sent from the address).
KOMMUNPRIS_NOMINATION_RATE_LIMITS = {"ip": (20, 3600), "email": (5, 3600), "address": (10, 3600)}
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

# The mail worker (kommunpris.mail.worker): "worker" leaves every message to
# `kommunpris send_pending_mail --loop`; "at_commit" (make run, the tests) also sends it as
# soon as the request's transaction commits. Failed sends wait RETRY_SECONDS, doubling up to
# RETRY_MAX_SECONDS, and are given up after MAX_ATTEMPTS (about 4 hours with the defaults).
KOMMUNPRIS_MAIL_DELIVERY = os.environ.get("KOMMUNPRIS_MAIL_DELIVERY", "at_commit")
KOMMUNPRIS_MAIL_MAX_ATTEMPTS = int(os.environ.get("KOMMUNPRIS_MAIL_MAX_ATTEMPTS", "10"))
KOMMUNPRIS_MAIL_RETRY_SECONDS = int(os.environ.get("KOMMUNPRIS_MAIL_RETRY_SECONDS", "60"))
KOMMUNPRIS_MAIL_RETRY_MAX_SECONDS = int(os.environ.get("KOMMUNPRIS_MAIL_RETRY_MAX_SECONDS", "3600"))
# A worker that has held a message this long without an outcome is taken to have died.
KOMMUNPRIS_MAIL_CLAIM_LEASE_SECONDS = 600

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
