# kommunpris — the two set-up commands are `make run` and `make test`; `make install` is the step both share.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= kommunpris.settings.development

.PHONY: install system-packages run-packages run test lint format messages screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

# axe-core for the accessibility tests, pinned in package-lock.json; npm runs only when
# node_modules is missing or the lock file changed. Nothing is downloaded at test time.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	touch $(NODE_STAMP)

install: $(STAMP)
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
	rm -rf $(VENV) var node_modules
