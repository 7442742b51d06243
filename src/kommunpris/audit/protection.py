"""Database-level protection of the audit log: triggers that refuse UPDATE and DELETE (and, on
PostgreSQL, TRUNCATE) of audit events, so neither a bug nor a casual edit can rewrite history.

Migration 0002 installs the triggers; this module is what code and tests use to check them and,
where wiping is the point (`kommunpris flush`, `kommunpris restore --force`), to lift them
explicitly for that one operation. Someone with full database access can do the same, which is
why `kommunpris verify_audit` checks the hash chain as well as the triggers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditevent"

# Keep in step with migrations/0002_append_only.py (migrations never import app code).
_INSTALL = {
    "sqlite": [
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
        f"CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        "BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
    ],
    "postgresql": [
        f"CREATE OR REPLACE FUNCTION {TABLE}_refuse() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP "
        "USING ERRCODE = 'insufficient_privilege'; END $$",
        f"CREATE OR REPLACE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
        f"CREATE OR REPLACE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE} "
        f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_refuse()",
        f"CREATE OR REPLACE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_refuse()",
    ],
}
_REMOVE = {
    "sqlite": [
        f"DROP TRIGGER IF EXISTS {TABLE}_no_update",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_delete",
    ],
    "postgresql": [
        f"DROP TRIGGER IF EXISTS {TABLE}_no_update ON {TABLE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_delete ON {TABLE}",
        f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}",
    ],
}
_TRIGGERS = {
    "sqlite": {f"{TABLE}_no_update", f"{TABLE}_no_delete"},
    "postgresql": {f"{TABLE}_no_update", f"{TABLE}_no_delete", f"{TABLE}_no_truncate"},
}


def is_supported(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor in _INSTALL


def install(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _INSTALL.get(connection.vendor, []):
            cursor.execute(statement)


def remove(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        for statement in _REMOVE.get(connection.vendor, []):
            cursor.execute(statement)


def is_installed(connection: BaseDatabaseWrapper) -> bool:
    """True when every trigger is in place (always False on a backend without protection)."""
    if connection.vendor == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s"
    elif connection.vendor == "postgresql":
        query = (
            "SELECT tgname FROM pg_trigger WHERE tgrelid = to_regclass(%s) "
            "AND NOT tgisinternal AND tgenabled <> 'D'"
        )
    else:
        return False
    with connection.cursor() as cursor:
        cursor.execute(query, [TABLE])
        present = {row[0] for row in cursor.fetchall()}
    return _TRIGGERS[connection.vendor] <= present


@contextmanager
def suspended(using: str = "default") -> Iterator[None]:
    """Lift the protection for the block and put it back afterwards, whatever happens."""
    connection = connections[using]
    remove(connection)
    try:
        yield
    finally:
        install(connection)
