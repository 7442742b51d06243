"""Swedish order (…, X, Y, Z, Å, Ä, Ö) wherever names are listed: pages in both languages, the
API, the files; the same on SQLite and PostgreSQL, checked against the C library's Swedish
collation (glibc's sv_SE.UTF-8, generated here from Debian's `locales` data)."""

from __future__ import annotations

import csv
import importlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from kommunpris.awards.models import Award
from kommunpris.register.collation import swedish_sort_key
from kommunpris.register.models import County, Municipality

SKÅNE = ["Åstorp", "Ängelholm", "Örkelljunga"]
LOCALES = Path("/usr/share/i18n/locales/sv_SE")


@pytest.fixture(scope="module")
def glibc_swedish(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """sv_SE.UTF-8 compiled into a private folder (LOCPATH), so the machine's locales stay."""
    assert LOCALES.exists(), "Debian's `locales` package is missing: run scripts/system-packages"
    folder = tmp_path_factory.mktemp("locale")
    subprocess.run(
        ["localedef", "-i", "sv_SE", "-f", "UTF-8", str(folder / "sv_SE.UTF-8")],
        check=True,
        capture_output=True,
    )
    return folder


def _glibc_sorted(names: list[str], locpath: Path) -> list[str]:
    script = (
        "import json, locale, sys\n"
        "locale.setlocale(locale.LC_COLLATE, 'sv_SE.UTF-8')\n"
        "names = json.load(sys.stdin)\n"
        "print(json.dumps(sorted(names, key=locale.strxfrm)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=json.dumps(names),
        capture_output=True,
        text=True,
        check=True,
        env={"LOCPATH": str(locpath), "PATH": "/usr/bin:/bin"},
    )
    return list(json.loads(done.stdout))


@pytest.mark.slow
def test_whole_register_is_in_the_c_librarys_swedish_order(
    client: Client, archive: Award, glibc_swedish: Path
) -> None:
    served = [m["name"] for m in client.get("/api/v1/municipalities").json()]
    assert len(served) == 290
    assert served == _glibc_sorted(served, glibc_swedish)
    counties = list(County.objects.order_by("sort_key").values_list("name", flat=True))
    assert counties == _glibc_sorted(counties, glibc_swedish)
    # Code point order would put 26 of the 290 in other places (Å, Ä and Ö sort as A, and
    # Ä before Å): the check above can tell the difference.
    assert sum(a != b for a, b in zip(served, sorted(served), strict=True)) >= 26


@pytest.mark.slow
def test_sort_key_agrees_with_the_c_library_on_hard_cases(glibc_swedish: Path) -> None:
    names = [
        "Åre", "Aneby", "aneby", "Älmhult", "Ödeshög", "Överkalix", "Malung-Sälen",
        "Upplands-Bro", "Upplands Väsby", "Östra Göinge", "Øresund", "Ærø", "Über", "Uber",
        "Émile", "Emile", "Wien", "Vänersborg", "Vien", "Zürich", "Ed", "Éd", "Eda", "Ed10",
        "Ed9", "Åsa", "ÅSA", "Ängel", "Oscar", "Ödla", "Örebro", "Mora, Orsa och Älvdalen",
    ]  # fmt: skip
    assert sorted(names, key=swedish_sort_key) == _glibc_sorted(names, glibc_swedish)


def test_the_migration_gave_every_name_the_current_key(archive: Award) -> None:
    migration = importlib.import_module(
        "kommunpris.register.migrations.0002_names_in_swedish_order"
    )
    for model in (Municipality, County):
        for name, key in model.objects.values_list("name", "sort_key"):
            assert bytes(key) == swedish_sort_key(name) == migration.swedish_sort_key(name), name


def _positions(text: str, names: list[str]) -> list[int]:
    return [text.index(f">{name}<") for name in names]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_pages_list_astorp_before_angelholm_before_orkelljunga(
    client: Client, archive: Award, prefix: str
) -> None:
    for path in ["/kommun/", "/lan/12/"]:
        html = client.get(prefix + path).content.decode("utf-8")
        positions = _positions(html, SKÅNE)
        assert positions == sorted(positions), prefix + path
    county = client.get(prefix + "/lan/12/").content.decode("utf-8")
    rows = re.findall(r'<th scope="row"><a href="[^"]*/kommun/\d{4}/">([^<]+)</a>', county)
    assert rows[-4:] == [*SKÅNE, "Östra Göinge"]


def test_api_and_files_list_names_in_swedish_order(client: Client, archive: Award) -> None:
    skåne = [m["name"] for m in client.get("/api/v1/counties/12").json()["municipalities"]]
    assert skåne[-4:] == [*SKÅNE, "Östra Göinge"]
    everything = [m["name"] for m in client.get("/api/v1/municipalities").json()]
    assert (everything[0], everything[-1]) == ("Ale", "Övertorneå")
    assert (
        everything.index("Ystad")
        < everything.index("Åre")
        < everything.index("Åstorp")
        < everything.index("Ängelholm")
        < everything.index("Örkelljunga")
    )
    rows = list(
        csv.DictReader(
            io.StringIO(client.get("/kommun/kommuner.csv").content.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [r["municipality"] for r in rows] == everything
    data = json.loads(client.get("/kommun/kommuner.json").content)
    assert [r["municipality"] for r in data] == everything
