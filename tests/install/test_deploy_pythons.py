"""The production files work with any Debian's Python: they run the virtual environment's entry
points and the repository's scripts, never a versioned Python."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
CHECKOUT = "/srv/kommunpris/"
VERSIONED_PYTHON = re.compile(r"python3\.\d+|/usr/bin/python|lib/python3")


def _deploy_files() -> list[Path]:
    return sorted(p for folder in ("systemd", "bin") for p in (DEPLOY / folder).iterdir())


def _commands() -> list[str]:
    """The first word of every Exec…= line of the units, and every program of .venv/bin that
    deploy/bin runs."""
    commands = []
    for unit in (DEPLOY / "systemd").glob("*.service"):
        for line in unit.read_text(encoding="utf-8").splitlines():
            if re.match(r"Exec(Start|StartPre|Reload)=", line):
                commands.append(line.split("=", 1)[1].split()[0])
    for script in (DEPLOY / "bin").iterdir():
        commands += re.findall(rf"{CHECKOUT}\.venv/bin/\w+", script.read_text(encoding="utf-8"))
    return commands


def test_deploy_files_name_no_versioned_python() -> None:
    named = {
        f"{path.relative_to(ROOT)}: {match}"
        for path in _deploy_files()
        for match in VERSIONED_PYTHON.findall(path.read_text(encoding="utf-8"))
    }

    assert named == set()


def test_every_program_the_deploy_files_run_is_an_entry_point_or_in_the_repository() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    locked = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    entry_points = set(pyproject["project"]["scripts"]) | {
        name for name in ("gunicorn",) if re.search(rf"^{name}==", locked, re.MULTILINE)
    }

    missing = []
    for command in _commands():
        if not command.startswith(CHECKOUT):
            continue
        relative = command.removeprefix(CHECKOUT)
        if relative.startswith(".venv/bin/"):
            if relative.removeprefix(".venv/bin/") not in entry_points:
                missing.append(command)
        elif not os.access(ROOT / relative, os.X_OK):
            missing.append(command)

    assert (missing, ".venv/bin/gunicorn" in " ".join(_commands())) == ([], True)
