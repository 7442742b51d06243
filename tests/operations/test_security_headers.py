"""Response headers and cookies a security reviewer asks for, on the public pages as they are served."""

from __future__ import annotations

import os
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.contrib.auth.hashers import identify_hasher, make_password
from django.test import Client, override_settings

from kommunpris.awards.models import Award
from kommunpris.settings import base

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def _directives(header: str) -> dict[str, str]:
    pairs = [part.strip().partition(" ") for part in header.split(";")]
    return {name: value for name, _, value in pairs}


PUBLIC_PAGES = [
    "/",
    "/vinnare/",
    "/vinnare/2023/",
    "/kommun/",
    "/kommun/2581/",
    "/lan/",
    "/lan/22/",
    "/oppna-data/",
    "/en/",
    "/en/vinnare/2011/",
    "/logga-in/",
    "/api/v1/docs",
    "/api/v1/winners",
    "/feed/",
    "/finns-inte/",
]


class _InlineCode(HTMLParser):
    """Collects everything in a page that a CSP without 'unsafe-inline' would block."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.script_sources: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = dict(attrs)
        for name, _ in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name == "style":
                self.found.append(f"<{tag} style=…>")
        if tag == "style":
            self.found.append("<style>")
        if tag == "script":
            if named.get("src"):
                self.script_sources.append(named["src"] or "")
            elif named.get("type") not in ("application/json", "application/ld+json"):
                # Data blocks (JSON, JSON-LD for link previews) are never executed.
                self._in_inline_script = True
                self.found.append("<script> without src")
        for name in ("href", "src", "action"):
            if (named.get(name) or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_carries_security_headers(client: Client, archive: Award, path: str) -> None:
    response = client.get(path)
    assert response.status_code in (200, 404)
    assert _directives(response["Content-Security-Policy"]) == POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path", [p for p in PUBLIC_PAGES if "winners" not in p and "feed" not in p]
)
def test_public_page_has_no_inline_script_or_style(
    client: Client, archive: Award, path: str
) -> None:
    response = client.get(path)
    parser = _InlineCode()
    parser.feed(response.content.decode())
    assert parser.found == []
    assert [src for src in parser.script_sources if not src.startswith(settings.STATIC_URL)] == []


def test_api_docs_serve_swagger_ui_from_own_static_files(client: Client, archive: Award) -> None:
    page = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "/static/ninja/swagger-ui.css" in page
    assert "cdn" not in page.lower()


def test_csrf_cookie_is_http_only_and_same_site(client: Client, archive: Award) -> None:
    client.get("/logga-in/")
    cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


def test_session_cookie_is_http_only_and_same_site(client: Client, archive: Award) -> None:
    from django.contrib.auth.models import User

    User.objects.create_user("organiser@example.se", "organiser@example.se", "a-long-passphrase-1")
    client.get("/logga-in/")
    client.post(
        "/logga-in/", {"username": "organiser@example.se", "password": "a-long-passphrase-1"}
    )
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert (cookie["httponly"], cookie["samesite"]) == (True, "Lax")


def test_passwords_are_hashed_with_argon2id(db: None) -> None:
    assert base.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        encoded = make_password("a-long-passphrase-1")
        assert identify_hasher(encoded).algorithm == "argon2"
        assert encoded.startswith("argon2$argon2id$")


def test_older_password_hash_is_upgraded_to_argon2_at_sign_in(
    client: Client, archive: Award
) -> None:
    from django.contrib.auth.models import User

    with override_settings(PASSWORD_HASHERS=base.PASSWORD_HASHERS):
        user = User.objects.create_user("juror@example.se", "juror@example.se")
        user.password = make_password("a-long-passphrase-1", hasher="pbkdf2_sha256")
        user.save(update_fields=["password"])
        # Through the sign-in form, as a person signs in (the throttle needs the request).
        response = client.post(
            "/logga-in/", {"username": "juror@example.se", "password": "a-long-passphrase-1"}
        )
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.password.startswith("argon2$argon2id$")


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EMAIL_", "KOMMUNPRIS_BACKUP_KEY"))
    }
    env.update(
        KOMMUNPRIS_BACKUP_KEY="5e1b0c9d7a3f2e4b6c8d0a1f3e5b7c9d2a4f6e8b0c1d3f5a",
        DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
        DJANGO_SECRET_KEY="0d3f9a6c1e8b4f27a5c9e2d7b6a1f0c8e3d5b9a7c4f2e1d0b8a6c3e5f7d9b1a2c4",
        DJANGO_ALLOWED_HOSTS="kommunpris.example.se",
        DATABASE_URL="postgres://kommunpris:secret@localhost/kommunpris",
        EMAIL_HOST="smtp.example.se",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    env.update(extra)
    return env


def _kommunpris(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "kommunpris.manage", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.slow
def test_production_settings_pass_the_deployment_check() -> None:
    result = _kommunpris("check", "--deploy", "--fail-level", "WARNING", env=_production_env())
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


@pytest.mark.slow
def test_deployment_check_warns_without_a_key_to_sign_backups() -> None:
    env = _production_env()
    del env["KOMMUNPRIS_BACKUP_KEY"]
    result = _kommunpris("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert "kommunpris.W001" in result.stderr + result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("DJANGO_SECRET_KEY", "DJANGO_SECRET_KEY must be set"),
        ("DJANGO_ALLOWED_HOSTS", "DJANGO_ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set"),
        ("EMAIL_HOST", "EMAIL_HOST must be set"),
        ("REDIS_URL", "REDIS_URL must be set in the environment: the shared cache"),
    ],
)
def test_production_settings_refuse_to_start_without(missing: str, named: str) -> None:
    env = _production_env()
    del env[missing]
    result = _kommunpris("check", env=env)
    assert result.returncode != 0
    assert named in result.stderr


@pytest.mark.slow
def test_production_settings_refuse_a_short_secret_key() -> None:
    result = _kommunpris("check", env=_production_env(DJANGO_SECRET_KEY="hemligt"))
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is too weak" in result.stderr


@pytest.mark.slow
def test_production_policy_upgrades_insecure_requests_and_sets_hsts() -> None:
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['upgrade-insecure-requests'], "
        "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], env=_production_env(), capture_output=True, text=True
    )
    assert result.stdout.split() == [
        "True",
        "31536000",
        "True",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
    ]
