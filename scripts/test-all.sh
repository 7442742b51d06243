#!/usr/bin/env bash
# The whole test suite twice: on the embedded SQLite database, then on a throw-away
# The whole test suite twice: on the embedded SQLite database, then on a throw-away
# PostgreSQL 15 server (scripts/with-postgres), each beside a throw-away Redis server
# (scripts/with-redis) for the tests of the production cache and recipe. Then the short suite on
# every other CPython 3.11+ found on the machine (see "Other Pythons" below). Extra arguments go
# to every pytest run. Exits non-zero if any run fails; all always run.
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

# --- Other Pythons ------------------------------------------------------------------------------
# Each other CPython 3.11+ that scripts/find-python finds gets its own .venv-X.Y, installed from
# requirements-dev.lock, and runs everything but the browser, PostgreSQL and server/subprocess
# tests (markers browser, postgres, slow), on SQLite. KOMMUNPRIS_OTHER_PYTHONS names the
# interpreters instead (space-separated), or "none" to skip this part.
SHORT_SUITE="not browser and not postgres and not slow"
main_minor="$(.venv/bin/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
if [ -n "${KOMMUNPRIS_OTHER_PYTHONS:-}" ]; then
  others="$(for python in $KOMMUNPRIS_OTHER_PYTHONS; do
    [ "$python" = none ] || echo "$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])') $python"
  done)"
else
  others="$(scripts/find-python --all)"
fi
others_failed=()
while read -r minor python; do
  [ -n "$minor" ] && [ "$minor" != "$main_minor" ] || continue
  echo "== Python $minor ($python): all but browser, PostgreSQL and server tests, on SQLite =="
  started=$SECONDS
  # </dev/null: the loop reads its list from stdin, which nothing inside may take.
  if ! scripts/venv ".venv-$minor" requirements-dev.lock "$python" </dev/null; then
    others_failed+=("$minor (install)")
    continue
  fi
  installed=$SECONDS
  status=0
  env -u DATABASE_URL ".venv-$minor/bin/pytest" -q -m "$SHORT_SUITE" "$@" </dev/null || status=$?
  # 5: the arguments chose only tests the short suite leaves out.
  [ "$status" -eq 0 ] || [ "$status" -eq 5 ] || others_failed+=("$minor")
  echo "Python $minor: install $((installed - started)) s, tests $((SECONDS - installed)) s"
done <<<"$others"
# -------------------------------------------------------------------------------------------------

if [ "$sqlite" -ne 0 ] || [ "$postgres" -ne 0 ] || [ ${#others_failed[@]} -ne 0 ]; then
  echo "make test: SQLite exit $sqlite, PostgreSQL exit $postgres; failed on other Pythons: ${others_failed[*]:-none}" >&2
  exit 1
fi
