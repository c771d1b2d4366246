# pgreview: `make demo` runs a real review of a bundled repository;
# `make test` runs the whole suite. Both install what they need first.
SHELL := /bin/bash
export TESTCONTAINERS_RYUK_DISABLED := true
GO ?= go
PKGS := ./...
DEMO_REPO ?= testdata/repos/python-flawed

.PHONY: all build deps image test test-go fuzz bench demo clean

all: build

build:
	$(GO) build -o bin/pgreview ./cmd/pgreview

deps:
	scripts/deps.sh

# The Postgres images the tests ask for, built from Debian packages when
# they are missing (no registry needed).
image:
	@if docker info >/dev/null 2>&1; then scripts/postgres-image/build.sh 15; \
	else echo "image: Docker is not running; testcontainers tests need it" >&2; exit 1; fi

test: deps image test-go fuzz

test-go:
	$(GO) vet $(PKGS)
	$(GO) test -count=1 -timeout 25m $(PKGS)

# Each parser entry point is fuzzed briefly; the corpus lives in testdata/fuzz.
# FUZZTIME counts inputs per target: scripts/fuzz.sh says why not seconds.
FUZZTIME ?= 20000x
fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

bench: deps
	scripts/bench.sh

demo: deps build
	@echo "== pgreview review $(DEMO_REPO)"
	-bin/pgreview review -v $(DEMO_REPO)

clean:
	rm -rf bin
