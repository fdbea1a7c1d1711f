#!/usr/bin/env bash
#===- scripts/check-tsan.sh - The runtime's tests under ThreadSanitizer ---===#
#
# Builds the runtime alone (no MLIR) with -fsanitize=thread into build-tsan
# and runs its unit tests: sessions shared by threads, the scheduler's
# thousand random runs, device failures. `make check-tsan`.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-tsan}"
cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DWEFT_BUILD_COMPILER=OFF -DCMAKE_C_COMPILER=clang-22 \
  -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  "-DCMAKE_C_FLAGS=-fsanitize=thread" "-DCMAKE_CXX_FLAGS=-fsanitize=thread" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread" \
  "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=thread" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread" > /dev/null
cmake --build "$build" -j2 --target weft-runtime-unittests
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
  "$build/bin/weft-runtime-unittests" --gtest_brief=1
echo "check-tsan: the runtime's tests are ThreadSanitizer-clean"
