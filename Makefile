# Weft: the two commands a user needs are `make run` and `make check`.
BUILD ?= build
JOBS ?= 2
export CCACHE_DIR ?= /var/cache/weft-ccache
export CCACHE_BASEDIR := $(CURDIR)

.PHONY: setup configure build run check check-tsan fuzz bench bench-scheduler bench-placement clean

setup:
	bash scripts/setup.sh

$(BUILD)/build.ninja:
	bash scripts/setup.sh
	cmake -G Ninja -S . -B $(BUILD) \
	  -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
	  -DLLVM_USE_LINKER=lld-22 \
	  -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
	  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
	  -DWEFT_WERROR=ON

configure: $(BUILD)/build.ninja

build: configure
	cmake --build $(BUILD) -j$(JOBS)

run: setup build
	bash scripts/run-example.sh $(BUILD)

check: setup build
	bash scripts/check.sh $(BUILD)

# The runtime's tests under ThreadSanitizer (its own build, runtime only).
check-tsan: setup
	bash scripts/check-tsan.sh

# Every fuzz target under libFuzzer with ASan and UBSan (its own build),
# FUZZ_SECONDS each (docs/testing.md).
FUZZ_SECONDS ?= 60
fuzz: setup
	FUZZ_SECONDS=$(FUZZ_SECONDS) bash scripts/fuzz.sh

# Speed next to ONNX Runtime (not part of check: timings are not tests).
bench: setup build
	bash bench/cpu/run.sh $(BUILD)
	$(BUILD)/bin/weft-bench-scheduler
	bash bench/scheduler/resnet18.sh $(BUILD)

# Dynamic vs static scheduling on two one-core CPU devices, and overhead.
bench-scheduler: setup build
	$(BUILD)/bin/weft-bench-scheduler
	bash bench/scheduler/resnet18.sh $(BUILD)

bench-placement: setup build
	bash bench/placement/run.sh $(BUILD)
	bash bench/placement/seed-scenario.sh $(BUILD)

clean:
	rm -rf $(BUILD)
