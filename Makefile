# The two commands of the README:
#   make generate   create .venv, install the generator and the generated client, regenerate generated/
#   make test       install what the tests need (Python extras, Prism from npm) and run everything
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: generate test check lint typecheck bench corpus corpus-gate install clean snapshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml generated/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m pip install --quiet -e generated
	touch $(STAMP)

install: $(STAMP)

generate: $(STAMP)
	$(BIN)/python -m generator generate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

check: $(STAMP)
	$(BIN)/python -m generator generate --check

# ruff lints (rules and reasons in pyproject.toml), black owns the format
LINTED := generator templates/runtime templates/tests tests bench
lint: $(STAMP)
	$(BIN)/ruff check --no-cache $(LINTED)
	$(BIN)/black --check --quiet $(LINTED)

typecheck: $(STAMP)
	$(BIN)/mypy --strict generator
	$(BIN)/mypy --strict generated/cloudforce_one_events
	$(BIN)/mypy --strict --python-version 3.10 --no-incremental generated/cloudforce_one_events

test: $(STAMP) node_modules/.package-lock.json check lint typecheck
	$(BIN)/python -m pytest

# bench/README.md: tables of ratios (contender, median, ratio); BENCH_ARGS=--quick for a smoke run
bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

# The corpus table (bench/corpus): every OpenAPI document of CORPUS generated, probed, type-checked;
# exit 1 when a row misses a correctness target. CORPUS=DIR for any folder; CORPUS_ARGS for options.
CORPUS ?= ../shared/corpus
corpus: $(STAMP)
	$(BIN)/python -m bench.corpus $(CORPUS) $(CORPUS_ARGS)

# What .ci/run gates on: the same checks, ruff's formatter only, no side-by-side timing; and every
# generated contract test of three documents against Prism (petstore3 197, spotify 945, twilio
# 2,551, 138 s alone). CONTRACT_MODULES=N runs a deterministic spread of N
# resource modules per document instead (bench/corpus/contract.py).
CONTRACT_DOCS ?= petstore3,spotify,twilio_api_v2010
CONTRACT_MODULES ?=
corpus-gate: $(STAMP) node_modules/.package-lock.json
	$(BIN)/python -m bench.corpus $(CORPUS) --formatters ruff --no-opc \
		--contract $(CONTRACT_DOCS) $(if $(CONTRACT_MODULES),--contract-modules $(CONTRACT_MODULES)) \
		$(CORPUS_ARGS)

# Golden files (tests/snapshots/) are rewritten by this command, never edited by hand.
snapshots: $(STAMP)
	$(BIN)/python -m pytest -q --update-snapshots tests/codegen/test_cli_errors.py tests/codegen/test_output_ownership.py tests/codegen/test_hostile_input.py tests/robustness/test_robust_fixtures.py tests/robustness/test_robust_invalid.py tests/test_changelog.py

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache
