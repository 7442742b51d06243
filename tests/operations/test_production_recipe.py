"""The production recipe in deploy/ runs: production settings, collectstatic, gunicorn with our
configuration, and the answers a browser gets through the TLS proxy."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def production(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str
) -> Iterator[tuple[dict[str, str], int]]:
    home = tmp_path_factory.mktemp("production")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
        DJANGO_SECRET_KEY="c9a1f3e7b5d2" * 6,
        DJANGO_ALLOWED_HOSTS="kommunpris.example.se",
        DATABASE_URL=f"sqlite:///{home / 'kommunpris.sqlite3'}",
        EMAIL_HOST="127.0.0.1",
        REDIS_URL=redis_url,
        KOMMUNPRIS_VAR=str(home / "var"),
        DJANGO_STATIC_ROOT=str(home / "static"),
        GUNICORN_BIND=f"127.0.0.1:{port}",
        GUNICORN_WORKERS="1",
    )
    for command in (
        ["migrate", "--no-input", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        done = subprocess.run(
            [BIN / "kommunpris", *command], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    server = subprocess.Popen(
        [BIN / "gunicorn", "--config", DEPLOY / "gunicorn.conf.py"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.2)
        yield env, port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "kommunpris.example.se", **headers})
    response = connection.getresponse()
    response.read()
    return response


@pytest.mark.slow
def test_collectstatic_gathers_the_site_and_swagger_ui(
    production: tuple[dict[str, str], int],
) -> None:
    static = Path(production[0]["DJANGO_STATIC_ROOT"])
    assert (static / "web" / "site.css").is_file()
    assert (static / "ninja" / "swagger-ui-bundle.js").is_file()
    # Each file also under a name with a hash of its content, text files with a gzip copy.
    manifest = json.loads((static / "staticfiles.json").read_text())
    hashed = static / manifest["paths"]["web/site.css"]
    assert re.fullmatch(r"site\.[0-9a-f]{12}\.css", hashed.name)
    assert hashed.read_bytes() == (static / "web" / "site.css").read_bytes()
    assert gzip.decompress(Path(f"{hashed}.gz").read_bytes()) == hashed.read_bytes()
    assert (static / "ninja" / "favicon.png").is_file()
    assert not (static / "ninja" / "favicon.png.gz").exists()  # already compressed


@pytest.mark.slow
def test_gunicorn_serves_https_requests_with_hsts(production: tuple[dict[str, str], int]) -> None:
    response = _get(production[1], "/api/v1/counties", **{"X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    assert "upgrade-insecure-requests" in response.headers["Content-Security-Policy"]


@pytest.mark.slow
def test_plain_http_is_sent_to_https(production: tuple[dict[str, str], int]) -> None:
    response = _get(production[1], "/vinnare/")
    assert (response.status, response.headers["Location"]) == (
        301,
        "https://kommunpris.example.se/vinnare/",
    )


@pytest.mark.slow
def test_unknown_host_is_refused(production: tuple[dict[str, str], int]) -> None:
    response = _get(production[1], "/", Host="evil.example", **{"X-Forwarded-Proto": "https"})
    assert response.status == 400


@pytest.mark.slow
def test_deploy_files_name_what_the_repository_holds() -> None:
    units = "\n".join(p.read_text() for p in (DEPLOY / "systemd").iterdir())
    run_command = (DEPLOY / "bin" / "run-command").read_text()
    assert "/srv/kommunpris/deploy/gunicorn.conf.py" in units
    assert "/srv/kommunpris/deploy/bin/run-command" in units
    for timer in (
        "kommunpris-verify-audit.timer",
        "kommunpris-backup.timer",
        "kommunpris-purge.timer",
        "kommunpris-reminders.timer",
    ):
        unit = (DEPLOY / "systemd" / timer).read_text().split("Unit=kommunpris-command@")[1]
        command = unit.split(".service")[0]
        # Every command a timer runs is one run-command knows.
        assert f"{command})" in run_command or f"|{command}" in run_command, command
    worker = (DEPLOY / "systemd" / "kommunpris-mail.service").read_text()
    assert "ExecStart=/srv/kommunpris/.venv/bin/kommunpris send_pending_mail --loop" in worker
    for script in (DEPLOY / "bin").iterdir():
        assert os.access(script, os.X_OK), script
        assert subprocess.run(["sh", "-n", script]).returncode == 0
    nginx = (DEPLOY / "nginx" / "kommunpris.conf").read_text()
    assert "alias /srv/kommunpris/static/;" in nginx
    assert "uploads" not in nginx.split("location ~ ^/(var|uploads|media)/")[0]


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    for name in ("snippets", "logs"):
        (tmp_path / name).mkdir()
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=kommunpris.example.se",
            "-keyout",
            tmp_path / "privkey.pem",
            "-out",
            tmp_path / "fullchain.pem",
        ],
        check=True,
        capture_output=True,
    )
    shutil.copy(DEPLOY / "nginx" / "kommunpris-proxy.conf", tmp_path / "snippets")
    site = (DEPLOY / "nginx" / "kommunpris.conf").read_text()
    site = (
        site.replace("/etc/letsencrypt/live/kommunpris.example.se", str(tmp_path))
        .replace("/etc/nginx/snippets", str(tmp_path / "snippets"))
        .replace("/var/log/nginx", str(tmp_path / "logs"))
        .replace("/var/cache/nginx/kommunpris", str(tmp_path / "cache"))
    )
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;\n"
        f"events {{}}\nhttp {{ include /etc/nginx/mime.types; include {tmp_path}/site.conf; }}\n"
    )
    checked = subprocess.run(
        ["nginx", "-t", "-c", tmp_path / "nginx.conf"], capture_output=True, text=True
    )
    assert checked.returncode == 0, checked.stderr
