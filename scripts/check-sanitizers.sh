#!/usr/bin/env bash
#===- scripts/check-sanitizers.sh - Bad inputs under ASan and UBSan -------===#
#
# Builds the importer with AddressSanitizer and UndefinedBehaviorSanitizer in
# a separate folder and runs the bad-input lit tests and the whole ONNX
# backend suite with it. Slow (a full second build): not part of `make check`.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-sanitize}"
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_USE_LINKER=lld-22 -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
  "-DCMAKE_CXX_FLAGS=$flags" "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" > /dev/null
cmake --build "$build" -j2 --target weft-translate weft-opt \
  weft-onnx-import-suite weft-unittests
# Leaks in ONNX's static schema registry are not ours to report. LLVM's
# allocators poison their free space when compiled with ASan, which our
# instrumented code is and Debian's libMLIR.so is not: memory the library
# then hands out stays poisoned, so manual poisoning is turned off.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# The plugin test is left out: Debian's mlir-opt is not instrumented.
/usr/lib/llvm-22/bin/lit -sv "$build/test" --filter 'Target/ONNX|Dialect'
"$build/bin/weft-unittests" --gtest_brief=1
data=/usr/share/libonnx-testdata/data
"$build/bin/weft-onnx-import-suite" --expect "$root/test/conformance/import-expected-failures.txt" \
  "$data/node" "$data/pytorch-converted" "$data/pytorch-operator" "$data/simple" | grep -v '^XFAIL'
# The simplification pipeline on the real models, when make check made them.
for m in "$root"/build/models/{resnet18,mobilenet_v2,encoder}.mlir; do
  [ -f "$m" ] || continue
  "$build/bin/weft-opt" "$m" --weft-simplify-onnx -o /dev/null
  echo "simplified $(basename "$m") under sanitizers"
done
# Placement, partitioning and scheduling on the real models.
for m in "$root"/build/models/{resnet18,encoder}.simplified.mlir; do
  [ -f "$m" ] || continue
  for devices in host-2x seed-5-nodes host-plus-h100; do
    for strategy in heft chain-dp greedy; do
      "$build/bin/weft-opt" "$m" --weft-devices="$root/examples/devices/$devices.json" \
        --weft-place=strategy=$strategy --weft-partition --weft-insert-transfers \
        --weft-schedule -o /dev/null
    done
  done
  echo "placed $(basename "$m") under sanitizers"
done
