# vecnet: `make run` starts the engine on the embedded default, `make test` runs every test.
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
BUILD ?= build

.PHONY: all deps build debug run test unit integration bench install clean

all: build

deps:
	@bash scripts/deps.sh

# Quiet (scripts/build.sh): nothing on an up-to-date tree, what is compiled
# otherwise, the whole log on a failure.
build: deps
	@bash scripts/build.sh build $(JOBS) -DCMAKE_BUILD_TYPE=Release

debug: deps
	@bash scripts/build.sh build-debug $(JOBS) -DCMAKE_BUILD_TYPE=Debug -DVN_SANITIZE=ON -DCMAKE_C_FLAGS_DEBUG="-O0 -g"

run: build
	@bash scripts/run-demo.sh

# The sanitizer build is part of the test run: the RCU stress scenario runs
# the engine under ASan/UBSan too (tests find it in build-debug/).
test: build debug
	@cd build && ctest --output-on-failure $(CTEST_ARGS)

unit: build
	@cd build && ctest --output-on-failure -L unit

integration: build
	@cd build && ctest --output-on-failure -L integration

bench: build
	@bash perf/bench.sh

install: build
	@cmake --install build $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf build build-debug
