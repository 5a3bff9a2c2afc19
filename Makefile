# The two commands a newcomer needs: `make run` and `make test`.
SWIFT ?= swift
ARGS ?=

.PHONY: run test build release deps mongo-test-server api-test-tools lint format clean bench

deps:
	@bash scripts/install-deps.sh

## Installs mongoeco, the MongoDB-compatible server the tests run against, into .venv-mongo/.
mongo-test-server:
	@bash scripts/install-mongo-test-server.sh

## Installs schemathesis and openapi-spec-validator, which check openapi.yaml, into .venv-api/.
api-test-tools:
	@bash scripts/install-api-test-tools.sh

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release

## Runs the broker on the embedded store (data/broker.sqlite3), listening on 127.0.0.1:8080.
run: release
	.build/release/session-broker serve $(ARGS)

## Runs the whole test suite, against mongoeco or the MongoDB named by BROKER_TEST_MONGO_URL, and
## the running broker against openapi.yaml with schemathesis.
test: deps mongo-test-server api-test-tools
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## Measures the broker against nginx with wrk (bench/README.md); SCRATCH=DIR builds outside .build.
bench: deps
	bash bench/run.sh

## Checks the house style (120 columns, 4 spaces) with the toolchain's formatter.
lint:
	$(SWIFT) format lint --strict -r Sources Tests

format:
	$(SWIFT) format -i -r Sources Tests

clean:
	rm -rf .build
