"""The production recipe of deploy/, started on loopback once for the tests of this folder.

Debian's nginx with deploy/nginx/kommunpris.conf and kommunpris-proxy.conf (rendered for a
temporary folder, free ports and a throw-away self-signed certificate made with openssl here),
in front of two gunicorn instances with deploy/gunicorn.conf.py, each on its own UNIX socket —
two application servers — running the production settings against one PostgreSQL database, one
Redis and one uploads folder. Mail goes to a mail server that never answers: requests only
queue it.

The deploy files stay the source of truth: each substitution must find what it replaces, so a
change to them that the recipe no longer fits fails here instead of going unnoticed.

The recipe needs PostgreSQL: it runs in the PostgreSQL pass of `make test` (scripts/test-all.sh
runs the suite under scripts/with-postgres), where DATABASE_URL names a throw-away server on
which it creates a database of its own. In the SQLite pass its tests are skipped with that
reason.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import psycopg
import pytest
import redis

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
HOST = "kommunpris.example.se"
APPLICATION_SERVERS = 2


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _replace(text: str, old: str, new: str) -> str:
    assert old in text, f"the deploy file no longer holds {old!r}: update tests/recipe"
    return text.replace(old, new)


def render_site(
    *, sockets: list[Path], http_port: int, https_port: int, folder: Path, static: Path
) -> str:
    """deploy/nginx/kommunpris.conf for this machine: loopback ports, our certificate, sockets,
    static files and logs; IPv6 listeners are left out (loopback tests use 127.0.0.1)."""
    site = (DEPLOY / "nginx" / "kommunpris.conf").read_text()
    site = _replace(
        site,
        "    server unix:/run/kommunpris/gunicorn.sock fail_timeout=0;\n",
        "".join(f"    server unix:{s} fail_timeout=0;\n" for s in sockets),
    )
    site, ipv6 = re.subn(r"(?m)^\s*listen \[::\]:.*\n", "", site)
    assert ipv6 == 4, "the deploy file's IPv6 listeners changed: update tests/recipe"
    site, plain = re.subn(r"\blisten 80\b", f"listen 127.0.0.1:{http_port}", site)
    site, tls = re.subn(r"\blisten 443\b", f"listen 127.0.0.1:{https_port}", site)
    assert (plain, tls) == (2, 2), "the deploy file's listeners changed: update tests/recipe"
    site = _replace(site, "/etc/letsencrypt/live/kommunpris.example.se", str(folder / "tls"))
    site = _replace(site, "/etc/nginx/snippets", str(folder / "snippets"))
    site = _replace(site, "/var/log/nginx", str(folder / "logs"))
    site = _replace(site, "/var/cache/nginx/kommunpris", str(folder / "cache"))
    return _replace(site, "/srv/kommunpris/static/", f"{static}/")


def main_config(folder: Path) -> str:
    """The nginx.conf around the site (Debian's own includes sites-enabled, which is not ours)."""
    temp = folder / "temp"
    # As root nginx's workers would run as nobody, who cannot reach pytest's private folders
    # or the sockets (gunicorn makes them for its own group).
    user = "user root;\n" if os.geteuid() == 0 else ""
    paths = "".join(
        f"  {kind}_temp_path {temp / kind};\n"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return (
        f"{user}worker_processes 1;\npid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'logs' / 'error.log'};\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"{paths}  access_log {folder / 'logs' / 'access.log'};\n"
        f"  include {folder / 'site.conf'};\n}}\n"
    )


def _self_signed_certificate(folder: Path) -> Path:
    folder.mkdir()
    command = ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
    command += ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST}"]
    command += ["-keyout", str(folder / "privkey.pem"), "-out", str(folder / "fullchain.pem")]
    subprocess.run(
        command,
        check=True,
        capture_output=True,
    )
    return folder / "fullchain.pem"


def _wait(what: str, ready: Any, process: subprocess.Popen[Any], log: Path) -> None:
    deadline = time.monotonic() + 60
    while not ready():
        if process.poll() is not None:
            raise AssertionError(f"{what} stopped:\n{log.read_text() if log.exists() else ''}")
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not start in 60 s:\n{log.read_text()}")
        time.sleep(0.05)


def _connects(address: Any, family: int = socket.AF_INET) -> bool:
    with socket.socket(family) as probe:
        probe.settimeout(1)
        try:
            probe.connect(address)
        except OSError:
            return False
    return True


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def hidden(self, name: str) -> str:
        found = re.search(rf'name="{name}" value="([^"]*)"', self.text)
        assert found, f"no {name} in the page"
        return found.group(1)


@dataclass
class Recipe:
    folder: Path
    https_port: int
    http_port: int
    tls: ssl.SSLContext
    database_url: str
    world: dict[str, Any]
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)

    def visitor(self, source: str) -> Visitor:
        """A browser on the loopback address `source` (127.0.0.2, 127.0.0.3, …)."""
        return Visitor(self, source)

    def query(self, sql: str, *parameters: Any) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.database_url) as connection:
            return connection.execute(sql, parameters).fetchall()

    def served_by(self, number: int) -> str:
        return (self.folder / f"app-{number}.log").read_text()

    def served(self, request_line: str) -> int:
        """How many times the application servers answered this request ("GET /path/")."""
        return sum(self.served_by(n).count(f'"{request_line} HTTP/1.1"') for n in range(2))

    def kommunpris(self, *arguments: str, timeout: float = 300) -> str:
        """A management command on the recipe's database, as an operator runs it; its output."""
        done = subprocess.run(
            [str(BIN / "kommunpris"), *arguments],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout


class Visitor:
    """HTTPS requests from one source address, through nginx, with the cookies a browser keeps.
    The server's certificate is checked against the throw-away certificate authority."""

    def __init__(self, recipe: Recipe, source: str) -> None:
        self.recipe, self.source = recipe, source
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, fields: dict[str, str] | None = None, **headers: str
    ) -> Answer:
        raw = socket.create_connection(
            ("127.0.0.1", self.recipe.https_port), timeout=15, source_address=(self.source, 0)
        )
        connection = http.client.HTTPSConnection(HOST, self.recipe.https_port, timeout=15)
        connection.sock = self.recipe.tls.wrap_socket(raw, server_hostname=HOST)
        sent = {"Host": HOST, **{k.replace("_", "-"): v for k, v in headers.items()}}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = f"https://{HOST}"
            sent["Referer"] = f"https://{HOST}{path}"
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie()
            cookie.load(header)
            self.cookies.update({name: morsel.value for name, morsel in cookie.items()})
        return Answer(response.status, response.headers, text)

    def get(self, path: str, **headers: str) -> Answer:
        return self.request("GET", path, **headers)

    def post(self, path: str, fields: dict[str, str], **headers: str) -> Answer:
        return self.request("POST", path, fields, **headers)


def _database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _redis_database(url: str, number: int) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{number}"))


@pytest.fixture(scope="package")
def recipe(
    tmp_path_factory: pytest.TempPathFactory, redis_url: str, hanging_smtp_for_the_session: Any
) -> Iterator[Recipe]:
    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the production recipe runs on PostgreSQL, in make test's PostgreSQL pass")
    for program in ("nginx", "openssl"):
        assert shutil.which(program), f"{program} is missing: run scripts/system-packages"
    folder = tmp_path_factory.mktemp("recipe")
    for name in ("snippets", "logs", "temp", "static", "var", "cache"):
        (folder / name).mkdir()
    name = f"kommunpris_recipe_{os.getpid()}"
    with psycopg.connect(_database(server_url, "postgres"), autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        )
    database_url = _database(server_url, name)
    cache_url = _redis_database(redis_url, 3)
    redis.Redis.from_url(cache_url).flushdb()
    sockets = [folder / f"app-{n}.sock" for n in range(APPLICATION_SERVERS)]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EMAIL_", "GUNICORN_", "KOMMUNPRIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
        DJANGO_SECRET_KEY="recipe-test-only-" + "r7" * 24,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        # A database of its own on the suite's Redis: the recipe's limits start from nothing.
        REDIS_URL=cache_url,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(hanging_smtp_for_the_session.port),
        EMAIL_USE_TLS="false",
        KOMMUNPRIS_SITE_URL=f"https://{HOST}",
        KOMMUNPRIS_VAR=str(folder / "var"),
        DJANGO_MEDIA_ROOT=str(folder / "var" / "uploads"),  # shared by both application servers
        DJANGO_STATIC_ROOT=str(folder / "static"),
        GUNICORN_WORKERS="2",
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for command in (
            ["migrate", "--no-input", "--verbosity", "0"],
            ["bootstrap"],
            ["collectstatic", "--no-input", "--verbosity", "0"],
        ):
            done = subprocess.run(
                [str(BIN / "kommunpris"), *command],
                env=env,
                cwd=folder,
                capture_output=True,
                text=True,
                timeout=300,
            )
            assert done.returncode == 0, done.stderr
        made = subprocess.run(
            [sys.executable, str(Path(__file__).with_name("world.py"))],
            env=env,
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert made.returncode == 0, made.stderr
        world = json.loads(made.stdout)

        for number, path in enumerate(sockets):
            log = folder / f"app-{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")],
                    env={**env, "GUNICORN_BIND": f"unix:{path}"},
                    cwd=folder,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            _wait(
                f"gunicorn {number}",
                lambda p=path: p.exists() and _connects(str(p), socket.AF_UNIX),
                process,
                log,
            )

        https_port, http_port = _free_port(), _free_port()
        certificate = _self_signed_certificate(folder / "tls")
        shutil.copy(DEPLOY / "nginx" / "kommunpris-proxy.conf", folder / "snippets")
        (folder / "site.conf").write_text(
            render_site(
                sockets=sockets,
                http_port=http_port,
                https_port=https_port,
                folder=folder,
                static=folder / "static",
            )
        )
        (folder / "nginx.conf").write_text(main_config(folder))
        nginx = ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
        nginx += ["-e", str(folder / "logs" / "error.log")]
        checked = subprocess.run([*nginx, "-t"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        log = folder / "logs" / "error.log"
        process = subprocess.Popen([*nginx, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        processes.append(process)
        _wait("nginx", lambda: _connects(("127.0.0.1", https_port)), process, log)

        tls = ssl.create_default_context(cafile=str(certificate))
        yield Recipe(folder, https_port, http_port, tls, database_url, world, processes, env)
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        with psycopg.connect(_database(server_url, "postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
