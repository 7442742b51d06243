# kommunpris — the two set-up commands are `make run` and `make test`; `make install` is the step both share.
VENV := .venv
BIN := $(VENV)/bin
export DJANGO_SETTINGS_MODULE ?= kommunpris.settings.development

.PHONY: install venv lock upgrade system-packages run-packages run test lint format messages screenshots clean

# --- Python and the locked install (README "Python versions and the lock") ---------------------
# PYTHON: the interpreter for .venv. Empty: python3 when it is 3.11 or newer, else the newest
# python3.N found (scripts/find-python). `make install PYTHON=python3.13` makes .venv with 3.13.
PYTHON ?=

# .venv holds exactly requirements-dev.lock (hashes checked) and kommunpris itself; it is made
# again when the Python that made it is gone or changed (scripts/venv says why).
venv:
	scripts/venv $(VENV) requirements-dev.lock $(PYTHON)

# uv, pinned with hashes, in its own environment: it writes the locks.
.venv-uv/bin/uv: tools/requirements-uv.txt
	rm -rf .venv-uv
	"$$(scripts/find-python $(PYTHON))" -m venv .venv-uv
	.venv-uv/bin/python -m pip install --quiet --require-hashes --only-binary :all: -r tools/requirements-uv.txt

# The locks again after pyproject.toml changed (or a merge), every pin it still allows kept.
lock: .venv-uv/bin/uv
	scripts/lock

# The newest versions pyproject.toml allows, for every package in the locks.
upgrade: .venv-uv/bin/uv
	scripts/lock --upgrade
# ------------------------------------------------------------------------------------------------

# axe-core for the accessibility tests, pinned in package-lock.json; npm runs only when
# node_modules is missing or the lock file changed. Nothing is downloaded at test time.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

install: venv
	cd src/kommunpris && ../../$(BIN)/kommunpris compilemessages --verbosity 0

# make run needs no Node.js, npm or Chromium: only gettext's msgfmt beside Python.
run: run-packages install
	mkdir -p var
	$(BIN)/kommunpris migrate --no-input --verbosity 0
	$(BIN)/kommunpris bootstrap
	$(BIN)/kommunpris runserver 127.0.0.1:8000

# Debian packages, each only where its own command is missing (scripts/system-packages says
# which and why): all that the test suite uses, or only what make run needs.
system-packages:
	scripts/system-packages

run-packages:
	scripts/system-packages --for run

# The whole suite on SQLite, then on a throw-away PostgreSQL server (see scripts/with-postgres),
# each beside a throw-away Redis server (scripts/with-redis).
test: system-packages install $(NODE_STAMP)
	scripts/test-all.sh

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/kommunpris

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

# Update every app's Swedish catalogue (src/kommunpris/<app>/locale/sv/LC_MESSAGES/django.po).
messages: install
	for app in src/kommunpris/*/locale; do \
	  (cd $$app/.. && ../../../$(BIN)/kommunpris makemessages --locale sv --no-obsolete --add-location file); \
	done

# Renders the main pages at desktop and phone widths into docs/screenshots/ (headless Chromium).
screenshots: system-packages install
	$(BIN)/python tools/screenshots.py docs/screenshots

clean:
	rm -rf $(VENV) .venv-[0-9]* .venv-uv var node_modules
