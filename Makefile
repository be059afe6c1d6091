# Quick start on a fresh Debian 12 machine:
#   make demo   installs what is missing, builds (Release), runs the trainer's demo on the embedded
#               Jiangdong Minju pilot and baseline: narrative, table, HDF5 files, pictures and the
#               trainer's report (build/demo/report.html, bilingual, works offline; its path is printed last)
#   make test   the same set-up, then the whole test suite through ctest
BUILD_DIR ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
OUT ?= $(BUILD_DIR)/demo
WERROR := $(if $(CI),ON,OFF)

.PHONY: all deps configure build demo test bench scale clean sanitize tsan fuzz

all: build

deps:
	@scripts/install-deps.sh

$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCOURTYARD_WERROR=$(WERROR) $(CMAKE_FLAGS)

configure: deps $(BUILD_DIR)/CMakeCache.txt

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

demo: build
	$(BUILD_DIR)/engine/cli/courtyard demo -o $(OUT) --report --force

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 900

bench: build
	$(BUILD_DIR)/benchmarks/courtyard_bench
	scripts/scale-benchmark.sh

clean:
	rm -rf $(BUILD_DIR)

# Development checks, not part of `make test` nor of CI (README, "Development"; tests/sanitize/README.md).
# make sanitize   ASan + UBSan build in build-asan (Debug at -O1), then the whole ctest suite under it;
#                 fails on any sanitizer report (collected in build-asan/sanitizer-logs)
# make tsan       ThreadSanitizer build in build-tsan against a oneTBB built with TSan (scripts/build-tbb-tsan.sh,
#                 source from TBB_SOURCE=DIR or `apt-get source onetbb`), then the threaded tests (TSAN_TESTS)
# make fuzz       libFuzzer targets (clang) in build-fuzz, each run for FUZZ_SECONDS
ASAN_DIR ?= build-asan
TSAN_DIR ?= build-tsan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
SAN_CONFIG = -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
             -DCOURTYARD_BUILD_BENCHMARKS=OFF -DCOURTYARD_WERROR=OFF
# the threaded tests: thread-count invariance, simulation, interventions by community and checkpoint tests (1 and 2 threads), calibration on
# 1 and 2 threads, kill-and-resume on 1 and 2 threads (runs and sweeps), patterns, sweeps with runs at once,
# and sanitize_tsan_probe (TSan sees a deliberate race); about 10 minutes of tests on 2 cores
TSAN_TESTS ?= sim_thread_count_invariance|sanitize_|Simulation\.|InterventionPasses\.|MetricsColumns\.|Checkpoint\.|Calibrate\.PosteriorBytesDoNotDependOnThreads|calibrate_cli|cli_checkpoint_resume|sweep_checkpoint_resume|cli_patterns|sweep_results|sweep_package_axes

sanitize: deps
	cmake -S . -B $(ASAN_DIR) $(SAN_CONFIG) -DCOURTYARD_SANITIZE=address,undefined $(CMAKE_FLAGS)
	cmake --build $(ASAN_DIR) -j $(JOBS)
	tests/sanitize/run-ctest.sh asan $(ASAN_DIR) -j $(JOBS)

tsan: deps
	@mkdir -p $(TSAN_DIR); scripts/build-tbb-tsan.sh $(TSAN_DIR)/onetbb $(TBB_SOURCE) || { rc=$$?; \
	  [ $$rc -ne 2 ] || echo "make tsan: no instrumented oneTBB, no run: against Debian's libtbb12 every" \
	    "parallel_for would be reported (tests/sanitize/README.md); pass TBB_SOURCE=DIR" >&2; exit $$rc; }
	cmake -S . -B $(TSAN_DIR) $(SAN_CONFIG) -DCOURTYARD_SANITIZE=thread -DCOURTYARD_WITH_MPI=OFF \
	  -DTBB_DIR=$(CURDIR)/$(TSAN_DIR)/onetbb/prefix/lib/cmake/TBB $(CMAKE_FLAGS)
	cmake --build $(TSAN_DIR) -j $(JOBS)
	tests/sanitize/run-ctest.sh tsan $(TSAN_DIR) -j $(JOBS) -R '$(TSAN_TESTS)'

fuzz: deps
	@scripts/install-deps.sh --fuzz
	CC=clang-14 CXX=clang++-14 cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=Debug \
	  -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DCOURTYARD_FUZZ=ON \
	  -DCOURTYARD_BUILD_TESTS=OFF -DCOURTYARD_BUILD_BENCHMARKS=OFF -DCOURTYARD_WITH_MPI=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target fuzz_targets
	tests/fuzz/run-fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)
