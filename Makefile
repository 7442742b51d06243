# kommunpris — the two set-up commands are `make run` and `make test`; `make install` is the step both share.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= kommunpris.settings.development

.PHONY: install run test lint format messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)
	cd src/kommunpris && ../../$(BIN)/kommunpris compilemessages --verbosity 0

run: install
	mkdir -p var
	$(BIN)/kommunpris migrate --no-input --verbosity 0
	$(BIN)/kommunpris bootstrap
	$(BIN)/kommunpris runserver 127.0.0.1:8000

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy src/kommunpris

format: install
	$(BIN)/ruff check --fix src tests bench
	$(BIN)/ruff format src tests bench

messages: install
	cd src/kommunpris && ../../$(BIN)/kommunpris makemessages --locale sv --no-obsolete --add-location file

clean:
	rm -rf $(VENV) var
