# Two commands on a fresh machine (Python 3.11 and pip are all it needs):
#   make reproduce   rebuild every figure and number of the paper
#   make test        run every test (package, notebooks with nbval, build freshness)
# Both create .venv with the pinned packages of requirements-lock.txt when it is missing,
# installing only files whose sha256 matches the lock (pip --require-hashes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.lpsrepro-installed

.PHONY: reproduce rebuild test simulate lab lock lock-hashes bench clean-venv

# Runs only the notebooks whose inputs changed; `make rebuild` runs them all.
reproduce: $(STAMP)
	$(BIN)/lpsrepro build

rebuild: $(STAMP)
	$(BIN)/lpsrepro build --force

# Tests and notebooks (nbval) spread over all cores by pytest-xdist; each notebook file stays on one worker.
test: $(STAMP)
	$(BIN)/python -m pytest -n auto --dist loadfile

bench: $(STAMP)
	$(BIN)/python benchmarks/build.py

simulate: $(STAMP)
	$(BIN)/lpsrepro simulate

# --allow-root only when running as root (containers, Binder-like setups): Jupyter refuses root otherwise.
lab: $(STAMP)
	$(BIN)/jupyter lab notebooks/ $(if $(filter 0,$(shell id -u)),--allow-root,)

# The venv is rebuilt whenever the lock file or the package metadata change.
$(STAMP): requirements-lock.txt pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "lpsrepro needs Python 3.11, got " + sys.version.split()[0] + " (set PYTHON=/path/to/python3.11)"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --requirement requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@touch $(STAMP)

# Re-resolve the top-level pins of pyproject.toml into a new complete lock file.
lock:
	rm -rf .venv-lock
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -m pip install --quiet .
	{ echo "# Complete resolved package set for Python 3.11 (pip freeze). Regenerate with 'make lock'."; \
	  echo "# The top-level packages are listed, with the same pins, in pyproject.toml and environment.yml."; \
	  .venv-lock/bin/python -m pip freeze --exclude lpsrepro; echo "setuptools==75.8.0"; } > requirements-lock.txt
	rm -rf .venv-lock
	$(PYTHON) tools/lock_hashes.py requirements-lock.txt

# Re-add the sha256 of every pin (after editing pins by hand, e.g. a new dependency).
lock-hashes:
	$(PYTHON) tools/lock_hashes.py requirements-lock.txt

clean-venv:
	rm -rf $(VENV)

# Long property-based fuzz of every reader (>= 1,000 cases each); the table goes to build/fuzz-report.json.
fuzz: $(STAMP)
	mkdir -p build && rm -f build/fuzz-report.json
	LPSREPRO_FUZZ_EXAMPLES=1000 LPSREPRO_FUZZ_REPORT=build/fuzz-report.json $(BIN)/python -m pytest -p no:cacheprovider -o addopts="" -q tests/io/test_fuzz_readers.py -k fuzz_contract
	$(BIN)/python -c 'import json; t = json.load(open("build/fuzz-report.json")); [print("%-22s %6d cases %5d data %5d refused %3d outside" % (k, v.get("cases", 0), v.get("data", 0), v.get("refused", 0), v.get("outside", 0))) for k, v in sorted(t.items())]'
.PHONY: fuzz

# The Explore dashboard as an app (Voilà): every section's widgets on one page. The analyses run once
# (cached in build/explore-cache/), then the page is served on http://127.0.0.1:8866/. Voilà's own
# server has no root check, so no --allow-root is needed; EXPLORE_ARGS adds options
# (e.g. EXPLORE_ARGS="--ip 0.0.0.0" to serve from a container).
EXPLORE_ARGS ?=
explore: $(STAMP)
	$(BIN)/python -m lpsrepro.explore --serve --no-browser $(EXPLORE_ARGS)
.PHONY: explore

# Assumption sensitivity of every section with ranged ledger entries (cached in figures/sensitivity/, read by
# the report), with progress per section. SENSITIVITY_ARGS adds options: "--only-stale" recomputes only the
# sections whose cache is stale, "--workers 4" sizes the LocalCluster, "--scheduler ADDRESS" uses a cluster.
SENSITIVITY_ARGS ?=
sensitivity: $(STAMP)
	$(BIN)/lpsrepro sweep all --sensitivity morris $(SENSITIVITY_ARGS)
.PHONY: sensitivity

# Points per second of the sweep engine per section and worker count (issue 13's goals).
bench-sweep: $(STAMP)
	$(BIN)/python benchmarks/sweep.py
.PHONY: bench-sweep
