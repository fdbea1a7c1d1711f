#!/usr/bin/env bash
#===- scripts/gpu-check.sh - The checks that need an NVIDIA GPU ----------===#
#
# On a machine with an NVIDIA GPU (CUDA toolkit, CMake, ninja, PyTorch; no
# MLIR), with gpu-check/ from scripts/prepare-gpu-check.sh next to the
# sources: builds the runtime alone (-DWEFT_BUILD_COMPILER=OFF) with the
# CUDA driver, runs the GPU unit tests (where GoogleTest is installed), the
# ONNX node tests and resnet18 / the encoder on the GPU, and times the models
# next to PyTorch eager. Results go to $OUT (default gpu-check/results),
# summary.txt first. Takes a few minutes; exits non-zero if anything failed.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
results="${OUT:-gpu-check/results}"
mkdir -p "$results"
summary="$results/summary.txt"
: > "$summary"
say() { echo "$@" | tee -a "$summary"; }
status=0
build=build-gpu
python=python3
"$python" -c "import numpy" 2>/dev/null || python=/usr/bin/python3

say "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
  2>&1 | tee -a "$summary"

say "== build the runtime alone (with the CUDA driver)"
if ! cmake -S . -B "$build" -G Ninja -DWEFT_BUILD_COMPILER=OFF \
      -DCMAKE_BUILD_TYPE=Release >"$results/cmake.log" 2>&1 ||
   ! ninja -C "$build" >"$results/build.log" 2>&1; then
  say "FAIL: build (see cmake.log, build.log)"
  tail -20 "$results/cmake.log" "$results/build.log"
  exit 1
fi
ls "$build"/lib/libweft_cuda.so >/dev/null 2>&1 || {
  say "FAIL: the CUDA driver library was not built"; exit 1; }
run="$build/bin/weft-run"
for weights in gpu-check/*.weights.xz; do
  [ -f "${weights%.xz}" ] || xz -dk "$weights"
done

say "== GPU unit tests"
if [ -x "$build/bin/weft-runtime-unittests" ]; then
  "$build/bin/weft-runtime-unittests" --gtest_filter='CUDA*:Graph*' \
    >"$results/unittests.txt" 2>&1 || status=1
  tail -3 "$results/unittests.txt" | tee -a "$summary"
else
  say "SKIPPED: GoogleTest is not installed here, unit tests not built"
fi

say "== bad cases"
# No driver library: a clear error naming the device.
env -u WEFT_GPU_EMULATION WEFT_CUDA_DRIVER=/nonexistent/libweft_cuda.so "$run" gpu-check/encoder_b1.weft \
  --random >"$results/no-driver.txt" 2>&1 && status=1
say "no driver: $(tail -1 "$results/no-driver.txt")"
# A weights file that is not the compiled one.
cp gpu-check/encoder_b1.weft "$results/"
head -c 1000 gpu-check/encoder.weights >"$results/encoder.weights"
"$run" "$results/encoder_b1.weft" --random >"$results/bad-weights.txt" 2>&1 &&
  status=1
say "wrong weights: $(tail -1 "$results/bad-weights.txt")"

say "== ONNX node tests on the GPU"
tests="$results/node"
rm -rf "$tests" && mkdir -p "$tests" && tar xzf gpu-check/node.tgz -C "$tests"
passed=0
failed=0
for test in "$tests"/node/*/; do
  ok=1
  for set in "$test"/test_data_set_*/; do
    timeout 60 "$run" "$test/model.weft" --test-data "$set" --check \
      >>"$test/log.txt" 2>&1 || ok=0
  done
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAIL $(basename "$test"): $(tail -1 "$test/log.txt")" >>"$results/node-failures.txt"
  fi
done
total=$((passed + failed))
say "node tests on the GPU: $passed passed, $failed failed (of $total that pass on the CPU)"
[ $((passed * 10)) -ge $((total * 9)) ] || status=1

say "== models: outputs vs the CPU, latency vs PyTorch eager"
"$python" scripts/gpu_check.py "$run" gpu-check "$results" 2>&1 | tee -a "$summary"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

say "gpu-check: $([ $status -eq 0 ] && echo passed || echo FAILED)"
exit $status
