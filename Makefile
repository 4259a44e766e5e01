# Two commands on a fresh machine: `make demo` and `make test`. Each creates .venv if missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
PROCUREMENT := $(BIN)/procurement

.PHONY: install bytecode demo test lint bench profile clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	touch $(STAMP)

# pip compiles an installed wheel's modules to bytecode; an editable install does not, and where
# PYTHONDONTWRITEBYTECODE is set every process would compile each module again (0.1-0.2 s of a `check`).
# Up-to-date modules are skipped: this takes 0.1 s.
bytecode: $(STAMP)
	$(BIN)/python -m compileall -q procurement

install: $(STAMP)

demo: bytecode
	$(PROCUREMENT) score samples/commandes-2025.xlsx --suppliers samples/fournisseurs.csv --per-order --out reports/commandes-2025-xlsx
	$(PROCUREMENT) score samples/commandes-2025.csv --suppliers samples/fournisseurs.csv --out reports/commandes-2025-csv
	$(PROCUREMENT) score samples/decp-2024-bretagne.json --out reports/decp-2024-bretagne
	$(PROCUREMENT) score samples/decp-2019-pes-extrait.json --out reports/decp-2019-pes-extrait
	$(PROCUREMENT) template reports/consultation-modele.xlsx --force
	$(BIN)/python scripts/screenshots.py
	@echo "Rapports écrits dans reports/ (ouvrir reports/*/report.html et reports/*/summary.html)"

test: bytecode
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

# End-to-end figures against the baseline and the floor, written into docs/performance.md; not part of
# `make test`. Arguments pass through, e.g. `make bench BENCH_ARGS=--quick` (10k only) or
# `BENCH_ARGS='--sizes 100k --rounds 1'`; `python bench/run_bench.py --help` lists them.
BENCH_ARGS ?=

bench: $(STAMP)
	$(BIN)/python bench/bench_engine.py
	$(BIN)/python bench/bench_report.py --orders 100000
	$(BIN)/python bench/run_bench.py $(BENCH_ARGS)

# Where the time of the 100,000-order run goes, per process and stage, written into docs/performance.md;
# `PROFILE_ARGS='--format xlsx'` profiles the xlsx input instead.
PROFILE_ARGS ?=

profile: $(STAMP)
	$(BIN)/python bench/profile_run.py $(PROFILE_ARGS)

# Removes the reports `make demo` wrote, but not reports/screenshots/: its images are committed, and README.md and
# docs/reports.md show them.
clean:
	test ! -d reports || find reports -mindepth 1 -maxdepth 1 -type d ! -name screenshots -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache
