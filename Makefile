# regioncopy — build, test and run.
GO       ?= go
BIN      := $(CURDIR)/bin
TEMPORAL := $(BIN)/temporal

# The version every binary prints for --version, stamped at link time (package buildinfo).
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS := -X github.com/regioncopy/regioncopy/buildinfo.version=$(VERSION) -X github.com/regioncopy/regioncopy/buildinfo.commit=$(COMMIT)

.PHONY: all build dev stack bench chaos chaos-stack test vet fmt-check unit temporal-cli server-tools clean

all: build

# The Temporal CLI (dev server) pinned in tools/go.mod, built once into bin/.
temporal-cli: $(TEMPORAL)
$(TEMPORAL): tools/go.mod tools/go.sum
	$(GO) build -modfile=tools/go.mod -o $@ github.com/temporalio/cli/cmd/temporal

# The Temporal server, temporal-sql-tool and the Temporal UI server pinned in tools/go.mod
# (the versions the CLI embeds), built once into bin/ for `make stack` and its test.
SERVER_TOOLS := $(BIN)/temporal-server $(BIN)/temporal-sql-tool $(BIN)/temporal-ui-server
server-tools: $(SERVER_TOOLS)
$(BIN)/temporal-server: tools/go.mod tools/go.sum
	$(GO) build -modfile=tools/go.mod -o $@ go.temporal.io/server/cmd/server
$(BIN)/temporal-sql-tool: tools/go.mod tools/go.sum
	$(GO) build -modfile=tools/go.mod -o $@ go.temporal.io/server/cmd/tools/sql
$(BIN)/temporal-ui-server: tools/go.mod tools/go.sum
	$(GO) build -modfile=tools/go.mod -o $@ github.com/temporalio/ui-server/v2/cmd/server

# The CLI and the standalone binaries.
build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/regioncopy ./starter/cmd/regioncopy
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/regioncopy-worker ./worker/cmd/regioncopy-worker
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN)/backup-emulator ./emulator/cmd/backup-emulator

fmt-check:
	@out="$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))"; \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

# Everything: formatting, vet, unit, replay, emulator and integration tests (the latter
# against a real Temporal dev server built from tools/go.mod).
test: fmt-check vet $(TEMPORAL) $(SERVER_TOOLS)
	REGIONCOPY_TEMPORAL_BIN=$(TEMPORAL) $(GO) test -count=1 -timeout 40m ./...

# The whole system on this machine: Temporal dev server, AWS Backup emulator, worker and a
# sample; the Temporal UI is on http://localhost:8233. Ctrl-C stops everything.
# bin/regioncopy is built first and run by that relative path, so the commands it prints
# (bin/regioncopy copy ..., as in the README) work as pasted. exec replaces the recipe's
# shell: a shell would die of the terminal's Ctrl-C at once and make would report the
# recipe as interrupted, while regioncopy, which handles Ctrl-C, is still stopping the
# stack; with exec make waits for that clean stop and its exit 0.
dev: $(TEMPORAL)
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/regioncopy ./starter/cmd/regioncopy
	exec env REGIONCOPY_TEMPORAL_BIN=$(TEMPORAL) bin/regioncopy dev $(DEV_FLAGS)

# The production topology without containers: PostgreSQL 15 (Debian's postgresql
# package), the Temporal server and UI on it, the emulator and two regioncopy-worker
# processes (README: "Run the production topology locally"). Ctrl-C stops everything;
# STACK_FLAGS such as --fresh or --workers 3. exec as for dev.
stack: $(SERVER_TOOLS)
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/regioncopy ./starter/cmd/regioncopy
	$(GO) build -ldflags '$(LDFLAGS)' -o bin/regioncopy-worker ./worker/cmd/regioncopy-worker
	exec bin/regioncopy stack $(STACK_FLAGS)

# Published benchmarks (bench/README.md): figures to bench/results/latest.{json,md}; exits 1
# when a target is missed. The throughput-postgres scenario runs make stack's PostgreSQL and
# Temporal server.
bench: $(TEMPORAL) $(SERVER_TOOLS)
	REGIONCOPY_TEMPORAL_BIN=$(TEMPORAL) $(GO) run ./bench $(BENCH_FLAGS)

# The chaos run (chaos/README.md): the worker SIGKILLed at seeded moments while AWS throttles,
# fails and holds copy jobs; CHAOS_FLAGS such as -seed N, -soak 10m, -fail-jobs 0.3 or
# -aws-faults=false; figures to chaos/results/latest.{json,md}.
chaos: $(TEMPORAL)
	REGIONCOPY_TEMPORAL_BIN=$(TEMPORAL) $(GO) run ./chaos $(CHAOS_FLAGS)

# The same on the production topology (make stack's PostgreSQL, Temporal server and three
# workers): the workers SIGKILLed, the Temporal server SIGKILLed and restarted, PostgreSQL
# restarted, with the AWS faults; figures to chaos/results/stack.{json,md}.
chaos-stack: $(SERVER_TOOLS)
	$(GO) run ./chaos -topology stack $(CHAOS_FLAGS)

# Fast loop: unit tests only (no dev server).
unit:
	$(GO) test -count=1 -short ./...

clean:
	rm -rf $(BIN)
