#!/usr/bin/env bash
# The whole test suite twice: on the embedded SQLite database, then on a throw-away
# PostgreSQL 15 server (scripts/with-postgres), each beside a throw-away Redis server
# (scripts/with-redis) for the tests of the production cache and recipe. Extra arguments go to
# both pytest runs.
# Exits non-zero if either run fails; both always run.
set -uo pipefail
cd "$(dirname "$0")/.."
PYTEST=.venv/bin/pytest
# The Makefile exports the development settings for `make run`; pytest-django would prefer them
# over pyproject's, so name the test settings here.
export DJANGO_SETTINGS_MODULE=kommunpris.settings.test

echo "== SQLite =="
env -u DATABASE_URL scripts/with-redis "$PYTEST" "$@"
sqlite=$?

echo "== PostgreSQL =="
scripts/with-postgres scripts/with-redis "$PYTEST" "$@"
postgres=$?

if [ "$sqlite" -ne 0 ] || [ "$postgres" -ne 0 ]; then
  echo "make test: SQLite exit $sqlite, PostgreSQL exit $postgres" >&2
  exit 1
fi
