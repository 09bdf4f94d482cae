# The developer interface. `make run` and `make test` need only Go and
# Debian's postgresql package (and poppler-utils for the tests, which
# scripts/ensure-tools installs as root): without DATABASE_URL / TEST_DATABASE_URL
# they start a throwaway local PostgreSQL (scripts/with-postgres).

GO       ?= go
BIN      := bin/smallgoals
PKGS     := ./...

.PHONY: all build run demo test check fmt vet tools fuzz loadtest faulttest clean

all: check build

# The build names itself (smallgoals version, smallgoals_build_info): the
# version from git describe (a tag, else the commit, -dirty with local
# changes) and the commit. Outside git both stay unset and the binary says
# (devel) and unknown (cmd/smallgoals: buildVersion, buildCommit).
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null)
COMMIT   ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS  := $(if $(VERSION),-X 'main.version=$(VERSION)') $(if $(COMMIT),-X 'main.commit=$(COMMIT)')

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/smallgoals

# Runs the bot: the shell transport when no Slack tokens are set.
run: build
	@scripts/with-postgres DATABASE_URL -- $(BIN)

# Fills a throwaway database with the demo data set, then opens the shell
# on it (or uses DATABASE_URL).
demo: build
	@scripts/with-postgres DATABASE_URL -- sh -c '$(BIN) demo && exec $(BIN) shell'

# Format check, vet and the race-enabled tests against a real PostgreSQL,
# then the deployment files' checks.
test: check tools
	scripts/with-postgres TEST_DATABASE_URL -- $(GO) test -race -count=1 $(PKGS)
	$(MAKE) deploy-check

# The Helm chart rendered and decoded strictly, the alert rules and the
# dashboard parsed, the compose roles (a module of its own: deploy/check).
.PHONY: deploy-check
deploy-check:
	cd deploy/check && $(GO) vet ./... && $(GO) test -count=1 ./...

check: fmt vet

# The tools the tests need beyond Go and PostgreSQL (pdftotext): installed
# as root when missing, else named (scripts/ensure-tools).
tools:
	scripts/ensure-tools

fmt:
	@out=$$(gofmt -l .); \
	if [ -n "$$out" ]; then echo "gofmt: these files need formatting:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

# The load test of BENCHMARKS.md on a throwaway PostgreSQL (or DATABASE_URL).
loadtest:
	scripts/with-postgres DATABASE_URL -- scripts/loadtest

# PostgreSQL crash and restart, and SIGTERM, under load, on a PostgreSQL
# of its own with production durability (fsync, synchronous_commit on).
faulttest:
	WITH_POSTGRES_DURABLE=1 scripts/with-postgres FAULTTEST_DB -- sh -c 'DATABASE_URL="$$FAULTTEST_DB" scripts/faulttest'

# Fuzzes the command parser for a while (not part of make test).
fuzz:
	$(GO) test -run='^$$' -fuzz=FuzzParse -fuzztime=60s ./commands

clean:
	rm -rf bin

# The digest at scale (BENCHMARKS.md): loads 1,000 teams' two years of
# entries (~21 million rows, ~6 GB in /tmp) into a throwaway PostgreSQL and
# computes every team's digest; about 10 minutes. Not part of make test.
.PHONY: bench-digest
bench-digest:
	SMALLGOALS_SCALE=1 scripts/with-postgres TEST_DATABASE_URL -- \
		$(GO) test -run='^$$' -bench=BenchmarkDigests -benchtime=3x -timeout=90m -v ./store/
