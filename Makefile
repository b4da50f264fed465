# sopmine developer commands. `make demo` and `make test` work on a fresh machine that has
# python3 (>= 3.11) and make: they create .venv and install what they need from PyPI.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
PORT   ?= 8501
# The browser tests drive Debian's Chromium through Playwright (no browser download).
CHROMIUM ?= /usr/bin/chromium

.PHONY: install demo sample-logs test lint typecheck pytest browser clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "sopmine needs Python >= 3.11; set PYTHON=python3.11 (or newer)")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-*
	@touch $@

install: $(STAMP)

demo: install
	$(BIN)/sopmine sop validate sop_models/*.yaml
	@for model in sop_models/*.yaml; do $(BIN)/sopmine sop show "$$model"; echo; done
	$(BIN)/sopmine profile list
	@rm -f demo.duckdb
	$(BIN)/sopmine load sample_logs/000_rohil_izin_insidentil.sipro.csv --sop rohil_izin_insidentil --profile sipro --db demo.duckdb
	$(BIN)/sopmine load sample_logs/001_rohil_orsos.silastri.xlsx --sop rohil_orsos --profile silastri --db demo.duckdb
	$(BIN)/sopmine load sample_logs/002_boltim_izin_manual.generic.csv --sop boltim_izin_manual --profile generic --db demo.duckdb
	$(BIN)/sopmine load sample_logs/003_dairi_iumk_oss.oss.csv --sop dairi_iumk_oss --profile oss --roster sample_logs/003_dairi_iumk_oss.roster.csv --db demo.duckdb
	$(BIN)/sopmine load sample_logs/004_karimun_sicantik.sicantik.csv --sop karimun_sicantik --profile sicantik --roster sample_logs/004_karimun_sicantik.roster.csv --db demo.duckdb
	$(BIN)/sopmine sources --db demo.duckdb
	$(BIN)/sopmine check --db demo.duckdb --as-of "2025-06-30 16:00"
	$(BIN)/sopmine bottlenecks --db demo.duckdb --top 3
	$(BIN)/sopmine open-cases --db demo.duckdb --at-risk
	$(BIN)/sopmine report --db demo.duckdb --sop karimun_sicantik --from 2025-04-01 --to 2025-06-30 --out demo_laporan.pdf --force
	$(BIN)/sopmine dashboard --db demo.duckdb --port $(PORT)

# Regenerate the sample logs and their ground truth (deterministic; see sample_logs/samples.yaml).
sample-logs: install
	$(BIN)/python sample_logs/regenerate.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy
	$(BIN)/lint-imports

# Installs Debian's chromium when it is missing (as root, or with sudo); without it the
# browser tests are skipped with a message.
browser:
	@test -x $(CHROMIUM) || { \
	  echo "installing Chromium (Debian package chromium) for the dashboard's browser tests"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null || \
	  echo "could not install chromium; the browser tests will be skipped"; }

pytest: install browser
	$(BIN)/pytest -q

test: lint typecheck pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache build dist demo.duckdb demo.duckdb.salt demo_laporan.pdf test-artifacts
