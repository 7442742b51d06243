"""The `kommunpris` console command, run as a person runs it, against a database of its own."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

KOMMUNPRIS = shutil.which("kommunpris") or str(Path(__file__).parents[2] / ".venv/bin/kommunpris")


def _run(*args: str, database: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [KOMMUNPRIS, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
def test_kommunpris_command_uses_database_url_and_bootstraps_idempotently(tmp_path: Path) -> None:
    database = tmp_path / "other.sqlite3"
    assert _run("migrate", "--verbosity", "0", database=database).returncode == 0
    first = _run("bootstrap", database=database)
    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.strip()
        == "Klart: 290 kommuner, 12 nya vinnare (0 fanns redan), 29 nya kandidaturer."
    )
    again = _run("bootstrap", database=database)
    assert (
        again.stdout.strip()
        == "Klart: 290 kommuner, 0 nya vinnare (12 fanns redan), 0 nya kandidaturer."
    )
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from register_municipality").fetchone() == (290,)
        assert db.execute(
            "select display_name from archive_winner order by id limit 1"
        ).fetchone() == ("Värmdö kommun",)
    exported = _run("export_winners", "--format", "csv", database=database)
    assert exported.stdout.startswith("\ufeffyear;award_name;municipality_code;")


@pytest.mark.slow
def test_kommunpris_import_error_exits_non_zero_with_message_on_stderr(tmp_path: Path) -> None:
    database = tmp_path / "db.sqlite3"
    assert _run("migrate", "--verbosity", "0", database=database).returncode == 0
    assert _run("load_municipalities", database=database).returncode == 0
    bad = tmp_path / "vinnare.txt"
    bad.write_text(
        "Sveriges IT-kommun 2001 tilldelades Atlantis med motiveringen:\n“Bra.”\n", encoding="utf-8"
    )
    result = _run("import_winners", str(bad), database=database)
    assert result.returncode == 1
    assert f"{bad}: rad 1: Okänd kommun 'Atlantis'." in result.stderr
    assert result.stderr.strip().endswith("Ingenting importerades.")
    with sqlite3.connect(database) as db:
        assert db.execute("select count(*) from archive_winner").fetchone() == (0,)
