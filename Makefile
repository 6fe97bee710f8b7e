# vecnet: `make run` starts the engine on the embedded default, `make test` runs every test.
MAKEFLAGS += --no-print-directory
JOBS ?= $(shell nproc)
BUILD ?= build

.PHONY: all deps build debug fuzz-build fuzz run test unit integration soak bench install clean

all: build

deps:
	@bash scripts/deps.sh

# Quiet (scripts/build.sh): nothing on an up-to-date tree, what is compiled
# otherwise, the whole log on a failure.
build: deps
	@bash scripts/build.sh build $(JOBS) -DCMAKE_BUILD_TYPE=Release

debug: deps
	@bash scripts/build.sh build-debug $(JOBS) -DCMAKE_BUILD_TYPE=Debug -DVN_SANITIZE=ON -DCMAKE_C_FLAGS_DEBUG="-O0 -g"

# The libFuzzer build (clang, ASan, UBSan; tests/fuzz/). Its own directory:
# the gcc builds stay as they are.
fuzz-build: deps
	@cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DVN_FUZZ=ON \
		-DVN_WERROR=OFF -DVN_DPDK_STATIC=OFF -DCMAKE_C_FLAGS_DEBUG="-O1 -g" >/dev/null
	@cmake --build build-fuzz -j $(JOBS)

# Every harness for FUZZ_SECONDS each (default 60); prints execs/s and coverage.
FUZZ_SECONDS ?= 60
FUZZ_HARNESSES ?= graph trace cli config lua http
fuzz: fuzz-build
	@rc=0; for h in $(FUZZ_HARNESSES); do \
		bash tests/fuzz/run.sh $$h seconds $(FUZZ_SECONDS) || rc=1; done; exit $$rc

run: build
	@bash scripts/run-demo.sh

# The sanitizer build is part of the test run: the RCU stress scenario runs
# the engine under ASan/UBSan too (tests find it in build-debug/); so is the
# fuzz build: each harness runs a bounded number of inputs (label fuzz).
test: build debug fuzz-build
	@cd build && ctest --output-on-failure $(CTEST_ARGS)

# The soak under faults (tests/integration/test_soak.sh) for SOAK_MINUTES on
# the release engine, then SOAK_SAN_MINUTES on the sanitizer build (0: not;
# `make test` runs both briefly). SOAK_REPORT receives the figures.
SOAK_MINUTES ?= 10
SOAK_SAN_MINUTES ?= 0
SOAK_REPORT ?= $(CURDIR)/build/soak-report.txt
soak: build
	@VN_BUILD=$(CURDIR)/build VN_SRC=$(CURDIR) VN_DEBUG_BUILD=$(CURDIR)/build-debug \
		VN_SOAK_SECONDS=$$(($(SOAK_MINUTES) * 60)) VN_SOAK_SAN_SECONDS=$$(($(SOAK_SAN_MINUTES) * 60)) \
		VN_SOAK_REPORT=$(SOAK_REPORT) bash tests/integration/test_soak.sh

unit: build
	@cd build && ctest --output-on-failure -L unit

integration: build
	@cd build && ctest --output-on-failure -L integration

bench: build
	@bash perf/bench.sh

install: build
	@cmake --install build $(if $(PREFIX),--prefix $(PREFIX))

clean:
	rm -rf build build-debug build-fuzz
