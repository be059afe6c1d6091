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

.PHONY: all deps configure build demo test bench scale clean

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
