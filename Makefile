# Samverkanshubben. `make dev` runs everything locally with demo data;
# `make test` is the test command (CI runs exactly this).
GO ?= go

.PHONY: dev test generate schema build bench-http tidy fuzz

dev:
	$(GO) run ./cmd/hub dev

# The tests' timeout is per package: graph runs browsers, Hydra and the
# npm graphql-ws client, and Go's default 10m is tight on a loaded 2-core
# machine.
test: hydra
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 30m ./...

# Compile Ory Hydra (tools/hydra, its own module) into the build cache, so
# that graph's Hydra test only links it: the first build takes minutes
# (SQLite's C source), which would otherwise count against that package's
# test timeout. docs/identity.md, "Tested identity providers".
.PHONY: hydra
hydra:
	CGO_ENABLED=1 $(GO) -C tools/hydra build -tags sqlite,sqlite_omit_load_extension -o /dev/null github.com/ory/hydra/v2

generate:
	$(GO) generate ./...

# Rewrite migrations/schema.sql, the schema every migration together builds
# (pg_dump of a freshly migrated database); `make test` fails until the
# file matches the migrations.
schema:
	$(GO) test -count=1 -run '^TestSchema_CommittedFileIsTheMigratedSchema$$' ./internal/platform/migrate -args -update-schema

build:
	CGO_ENABLED=0 $(GO) build -o bin/hub ./cmd/hub

# Throughput of a page of organisations against a running `make dev`.
bench-http:
	$(GO) run ./bench/loadgen -c 32 -d 10s -runs 3

# The benchmark suite on its realistic mixes (docs/benchmarks.md) against an
# already running hub on the national data set, e.g.
#   make bench BENCH_URL=http://127.0.0.1:18492/graphql BENCH_ISSUER=http://127.0.0.1:18491 \
#     BENCH_DATABASE_URL=postgres://hub_app@127.0.0.1:55480/hub BENCH_OWNER_DATABASE_URL=postgres://hub@127.0.0.1:55480/hub
# writes bench/results.md (the table) and bench/results.log. BENCH_FLAGS
# passes more (-d 10s -runs 3, -only waysin,search, -events-url …). Not part
# of `make test`.
BENCH_URL ?= http://localhost:8080/graphql
BENCH_ISSUER ?= http://localhost:8081
BENCH_DATABASE_URL ?= $(HUB_APP_DATABASE_URL)
BENCH_OWNER_DATABASE_URL ?= $(HUB_DATABASE_URL)
BENCH_FLAGS ?=
.PHONY: bench
bench:
	$(GO) run ./bench/suite -url '$(BENCH_URL)' -issuer '$(BENCH_ISSUER)' -database-url '$(BENCH_DATABASE_URL)' \
	    -owner-database-url '$(BENCH_OWNER_DATABASE_URL)' $(BENCH_FLAGS)

# Soak on demand (docs/soak.md): SOAK_ARGS for the hub's addresses and
# the length, e.g. `make soak SOAK_ARGS="-url http://127.0.0.1:18560/graphql
# -issuer http://127.0.0.1:18561 -metrics http://127.0.0.1:18563/metrics -d 10m"`.
.PHONY: soak
SOAK_ARGS ?=
soak:
	$(GO) run ./bench/soak $(SOAK_ARGS)

# Fuzzing on demand (`make test` runs every target's seed corpus only):
# each target for FUZZTIME, e.g. `make fuzz FUZZTIME=10m`.
FUZZTIME ?= 1m
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/personnummer
	$(GO) test -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME) ./internal/platform/page
	$(GO) test -run '^$$' -fuzz '^FuzzParseID$$' -fuzztime $(FUZZTIME) ./internal/platform/relay
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./internal/directory/csv
	$(GO) test -run '^$$' -fuzz '^FuzzParseCohortFile$$' -fuzztime $(FUZZTIME) ./internal/cases
	$(GO) test -run '^$$' -fuzz '^FuzzGraphQLRequest$$' -fuzztime $(FUZZTIME) ./graph
