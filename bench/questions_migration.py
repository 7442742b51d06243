"""How long does migration 0005 (the call's questions per edition) take on a national call?

Builds a throw-away database at the migration before — a SQLite file, or a database of its own
on the PostgreSQL server DATABASE_URL names (scripts/with-postgres drops the server after) —
with one edition of 290 candidacies, 20,000 confirmed nominations, 2,000 waiting revisions and
every municipality's own answers, then times moving every answer under its question (forwards)
and back into the three columns (backwards). For people to read, never asserted.

    .venv/bin/python bench/questions_migration.py [--nominations 20000]
    scripts/with-postgres .venv/bin/python bench/questions_migration.py
"""

from __future__ import annotations

import argparse
import io
import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

FOLDER = tempfile.mkdtemp(prefix="kommunpris-bench-")
os.environ["DJANGO_SETTINGS_MODULE"] = "kommunpris.settings.development"
os.environ["KOMMUNPRIS_VAR"] = FOLDER


def _database() -> str:
    """A database of its own on the PostgreSQL server DATABASE_URL names, or a SQLite file."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return f"sqlite:///{FOLDER}/bench.sqlite3"
    import psycopg

    name = f"kommunpris_questions_{os.getpid()}"
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{name}"')
        server.execute(
            f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8'"
        )
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


os.environ["DATABASE_URL"] = _database()

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402

BEFORE = [("nominations", "0004_nomination_revisions_replace_pending_update")]
AFTER = [("nominations", "0005_questions_per_edition")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _call_of_before(apps: object, nominations: int) -> None:
    get = apps.get_model  # type: ignore[attr-defined]
    award = get("awards", "Award").objects.get(slug="digitaliseringskommun")
    start = datetime(2031, 3, 1, tzinfo=UTC)
    edition = get("awards", "Edition").objects.create(
        award=award,
        year=2031,
        phase="nominations_closed",
        nominations_close_at=start + timedelta(days=60),
        supplement_close_at=start + timedelta(days=75),
        ceremony_at=start + timedelta(days=250),
    )
    municipalities = list(get("register", "Municipality").objects.order_by("code"))
    Candidacy = get("nominations", "Candidacy")
    CandidacyMember = get("nominations", "CandidacyMember")
    candidacies = []
    for m in municipalities:
        candidacy = Candidacy.objects.create(
            edition=edition,
            own_proud=f"{m.name}s egen berättelse. " * 20,
            own_effect="Kortare väntan. " * 30,
            own_learned="Att dela med sig. " * 25,
        )
        CandidacyMember.objects.create(
            candidacy=candidacy, edition=edition, municipality=m, position=0
        )
        candidacies.append(candidacy)
    Nomination = get("nominations", "Nomination")
    Nomination.objects.bulk_create(
        (
            Nomination(
                edition=edition,
                municipality=municipalities[n % len(municipalities)],
                candidacy=candidacies[n % len(candidacies)],
                status="confirmed",
                proud=f"Nominering {n}: e-tjänsterna som invånarna använder. " * 10,
                effect="Handläggningstiden halverades. " * 15,
                learned="Att börja i invånarnas behov. " * 12,
                nominator_name=f"Person {n}",
                nominator_email=f"person{n}@bench.invalid",
                consented_at=start + timedelta(seconds=n),
                submitted_at=start + timedelta(seconds=n),
            )
            for n in range(nominations)
        ),
        batch_size=2000,
    )
    Revision = get("nominations", "NominationRevision")
    Revision.objects.bulk_create(
        (
            Revision(
                nomination_id=pk,
                proud="Ny text. " * 40,
                effect="Ny effekt. " * 40,
                learned="Ny lärdom. " * 40,
                nominator_name="Person",
                token_hash=f"{pk:064d}",
                submitted_at=start + timedelta(days=2),
            )
            for pk in Nomination.objects.order_by("pk").values_list("pk", flat=True)[
                : nominations // 10
            ]
        ),
        batch_size=2000,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nominations", type=int, default=20_000)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("bootstrap", stdout=io.StringIO())
    apps = _migrate(BEFORE).loader.project_state(BEFORE).apps
    _call_of_before(apps, args.nominations)
    print(
        f"{connection.vendor}: {args.nominations} nominations, {args.nominations // 10} "
        "revisions, 290 candidacies"
    )
    started = time.perf_counter()
    _migrate(AFTER)
    print(f"  forwards (0004 → 0005): {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    _migrate(BEFORE)
    print(f"  backwards (0005 → 0004): {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
