"""Gala night against the physical limit: the public pages through the production recipe
measured beside nginx serving the same bytes from disk, in one run on this machine.

Starts on 127.0.0.1, in a temporary folder, with the production settings:

- nginx-static: nginx (Debian's) serving a static copy of each page (the bytes kommunpris
  answers), over TLS like the site: the most this machine can serve;
- recipe: deploy/nginx/kommunpris.conf (rendered for loopback as tests/recipe does) with its
  proxy cache, in front of gunicorn (deploy/gunicorn.conf.py, 2 workers) on a UNIX socket;
- gunicorn: the same gunicorn over TCP, without nginx;
- gunicorn, nothing kept: another gunicorn with the page store off
  (KOMMUNPRIS_PAGE_STORE_ENTRIES=0), so every request makes its page — what every request cost
  before public answers were kept, and what a page costs once per data version now;

then runs `wrk` (Debian package wrk: `scripts/system-packages --for bench`) over /vinnare/, an
edition page, a municipality page, /karta/ and /api/v1/winners against each, and prints
requests/s, median and 99th-percentile latency, and each rate as a share of nginx-static's for
the same page. For people to read, never asserted.

    scripts/with-postgres scripts/with-redis .venv/bin/python bench/gala.py [--seconds 10]
        [--connections 32] [--threads 2]

Without scripts/with-postgres the database is a SQLite file in the temporary folder.
"""

from __future__ import annotations

import argparse
import http.client
import importlib.util
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RECIPE = ROOT / "tests" / "recipe" / "conftest.py"
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
HOST = "kommunpris.example.se"
PAGES = ["/vinnare/", "/vinnare/2023/", "/kommun/0180/", "/karta/", "/api/v1/winners"]
TARGETS = ["nginx-static", "recipe", "gunicorn", "gunicorn, nothing kept"]


def _recipe() -> ModuleType:
    """tests/recipe/conftest.py: how the test suite renders deploy/nginx for loopback."""
    spec = importlib.util.spec_from_file_location("kommunpris_recipe", RECIPE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@dataclass
class Measured:
    rate: float
    p50_ms: float
    p99_ms: float
    errors: str


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * _UNITS[unit]


def wrk(url: str, *, seconds: int, connections: int, threads: int, headers: list[str]) -> Measured:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, timeout=seconds + 60, check=True
    )
    out = done.stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M).group(1)  # type: ignore[union-attr]
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", out)
    return Measured(rate, _ms(p50), _ms(p99), "; ".join(problems))


def _get(port: int, path: str) -> bytes:
    """A page from gunicorn over TCP, as nginx would ask for it (https behind the proxy)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https"})
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status)
    return body


def _database(folder: Path) -> tuple[str, str | None]:
    """A database of its own on the server DATABASE_URL names, or a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{folder / 'gala.sqlite3'}", None
    import psycopg

    name = f"kommunpris_gala_{os.getpid()}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}")), name


def _drop(name: str | None) -> None:
    if name is None:
        return
    import psycopg

    admin = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _static_server(folder: Path, port: int) -> str:
    """A server block serving the copies over TLS as the site is served (same certificate,
    protocols and session cache), with nothing else in the way."""
    return f"""
server {{
    listen 127.0.0.1:{port} ssl default_server;
    server_name {HOST};
    ssl_certificate {folder / "tls" / "fullchain.pem"};
    ssl_certificate_key {folder / "tls" / "privkey.pem"};
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_session_cache shared:gala_static:1m;
    access_log {folder / "logs" / "static.log"};
    root {folder / "copies"};
    charset utf-8;
    location / {{ default_type text/html; try_files $uri $uri/index.html =404; }}
    location /api/ {{ default_type application/json; try_files $uri =404; }}
}}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="wrk's run per page and target")
    parser.add_argument("--connections", type=int, default=32, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    args = parser.parse_args()
    for program in ("wrk", "nginx", "openssl"):
        if not shutil.which(program):
            sys.exit(f"{program} is missing: run scripts/system-packages --for bench (as root).")
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is not set: run the bench under scripts/with-redis.")
    recipe = _recipe()
    folder = Path(tempfile.mkdtemp(prefix="kommunpris-gala-"))
    for name in ("snippets", "logs", "temp", "static", "var", "cache", "copies"):
        (folder / name).mkdir()
    database_url, database = _database(folder)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "EMAIL_", "GUNICORN_", "KOMMUNPRIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="kommunpris.settings.production",
        DJANGO_SECRET_KEY="gala-bench-only-" + "g5" * 24,
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=database_url,
        EMAIL_FILE_PATH=str(folder / "mail"),
        KOMMUNPRIS_SITE_URL=f"https://{HOST}",
        KOMMUNPRIS_VAR=str(folder / "var"),
        DJANGO_STATIC_ROOT=str(folder / "static"),
        GUNICORN_WORKERS="2",
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        print(f"Preparing {folder} (migrate, bootstrap, collectstatic)…", flush=True)
        for command in (
            ["migrate", "--no-input", "--verbosity", "0"],
            ["bootstrap"],
            ["collectstatic", "--no-input", "--verbosity", "0"],
        ):
            subprocess.run(
                [str(BIN / "kommunpris"), *command],
                env=env,
                cwd=folder,
                check=True,
                capture_output=True,
                timeout=600,
            )
        socket_path = folder / "gunicorn.sock"
        kept_port, made_port = recipe._free_port(), recipe._free_port()
        for port, extra, binds in (
            (kept_port, {}, [f"unix:{socket_path}", f"127.0.0.1:{kept_port}"]),
            (made_port, {"KOMMUNPRIS_PAGE_STORE_ENTRIES": "0"}, [f"127.0.0.1:{made_port}"]),
        ):
            log = folder / "logs" / f"gunicorn-{port}.log"
            command = [str(BIN / "gunicorn"), "--config", str(DEPLOY / "gunicorn.conf.py")]
            for bind in binds:
                command += ["--bind", bind]
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [*command, "--access-logfile", str(folder / "logs" / f"access-{port}.log")],
                    env={**env, **extra},
                    cwd=folder,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            recipe._wait(
                "gunicorn", lambda p=port: recipe._connects(("127.0.0.1", p)), process, log
            )

        for page in PAGES:
            copy = folder / "copies" / page.strip("/")
            if page.endswith("/"):
                copy = copy / "index.html"
            copy.parent.mkdir(parents=True, exist_ok=True)
            copy.write_bytes(_get(kept_port, page))

        https_port, http_port, static_port = (recipe._free_port() for _ in range(3))
        recipe._self_signed_certificate(folder / "tls")
        shutil.copy(DEPLOY / "nginx" / "kommunpris-proxy.conf", folder / "snippets")
        site = recipe.render_site(
            sockets=[socket_path],
            http_port=http_port,
            https_port=https_port,
            folder=folder,
            static=folder / "static",
        )
        # wrk names no host in its TLS handshake (it connects to an address), so the site is
        # the port's default server instead of the one refusing unknown names.
        site, refused = re.subn(
            r"server \{\n\s*listen 127\.0\.0\.1:\d+ ssl default_server;\n"
            r"\s*server_name _;\n\s*ssl_reject_handshake on;\n\}\n",
            "",
            site,
        )
        assert refused == 1, "the deploy file's TLS default server changed: update bench/gala.py"
        site = site.replace(
            f"listen 127.0.0.1:{https_port} ssl http2;",
            f"listen 127.0.0.1:{https_port} ssl http2 default_server;",
        )
        (folder / "site.conf").write_text(site + _static_server(folder, static_port))
        main_config = recipe.main_config(folder)
        # As Debian's nginx.conf: a worker per core.
        main_config = main_config.replace("worker_processes 1;", "worker_processes auto;")
        main_config = main_config.replace("worker_connections 256;", "worker_connections 1024;")
        (folder / "nginx.conf").write_text(main_config)
        nginx = ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf")]
        nginx += ["-e", str(folder / "logs" / "error.log")]
        subprocess.run([*nginx, "-t"], check=True, capture_output=True)
        process = subprocess.Popen([*nginx, "-g", "daemon off;"], stderr=subprocess.DEVNULL)
        processes.append(process)
        recipe._wait(
            "nginx",
            lambda: recipe._connects(("127.0.0.1", https_port)),
            process,
            folder / "logs" / "error.log",
        )

        urls = {
            "nginx-static": (f"https://127.0.0.1:{static_port}", [f"Host: {HOST}"]),
            "recipe": (f"https://127.0.0.1:{https_port}", [f"Host: {HOST}"]),
            "gunicorn": (
                f"http://127.0.0.1:{kept_port}",
                [f"Host: {HOST}", "X-Forwarded-Proto: https"],
            ),
            "gunicorn, nothing kept": (
                f"http://127.0.0.1:{made_port}",
                [f"Host: {HOST}", "X-Forwarded-Proto: https"],
            ),
        }
        results: dict[tuple[str, str], Measured] = {}
        print(
            f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s per page and target; "
            f"{os.cpu_count()} cores shared by wrk, nginx and gunicorn.",
            flush=True,
        )
        for page in PAGES:
            for target in TARGETS:
                base, headers = urls[target]
                # Once before measuring: the page made and kept where it may be.
                subprocess.run(
                    [
                        "wrk",
                        "-t1",
                        "-c1",
                        "-d1s",
                        *[part for header in headers for part in ("-H", header)],
                        base + page,
                    ],
                    capture_output=True,
                    check=True,
                )
                results[page, target] = wrk(
                    base + page,
                    seconds=args.seconds,
                    connections=args.connections,
                    threads=args.threads,
                    headers=headers,
                )
                print(
                    f"  {page:<18} {target:<24} {results[page, target].rate:>10.0f}/s", flush=True
                )
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
        _drop(database)

    sizes = {page: (folder / "copies" / page.strip("/")) for page in PAGES}
    print()
    print(
        f"{'page':<18}{'bytes':>8}  {'target':<24}{'requests/s':>11}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'share of static':>17}"
    )
    for page in PAGES:
        copy = sizes[page] / "index.html" if page.endswith("/") else sizes[page]
        static_rate = results[page, "nginx-static"].rate
        for number, target in enumerate(TARGETS):
            measured = results[page, target]
            shown = page if number == 0 else ""
            size = str(copy.stat().st_size) if number == 0 else ""
            print(
                f"{shown:<18}{size:>8}  {target:<24}{measured.rate:>11.0f}{measured.p50_ms:>9.2f}"
                f"{measured.p99_ms:>9.2f}{measured.rate / static_rate:>17.3f}"
                + (f"  ({measured.errors})" if measured.errors else "")
            )
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
