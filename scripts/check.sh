#!/usr/bin/env bash
#===- scripts/check.sh - Run every test suite (called by `make check`) -----===#
set -uo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data=/usr/share/libonnx-testdata/data
status=0
passed=0
failed=0
# Runs one suite and counts it.
suite() {
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; fi
}

echo "== C++ sources clang-formatted"
suite bash scripts/check-format.sh

echo "== lit and FileCheck tests"
suite cmake --build "$build" --target check-weft-lit -j2

echo "== unit tests (gtest)"
suite "$build/bin/weft-unittests" --gtest_brief=1
suite "$build/bin/weft-runtime-unittests" --gtest_brief=1

echo "== ONNX backend test data: import, verify, export, re-import"
import_suite() {
  "$build/bin/weft-onnx-import-suite" \
    --expect test/conformance/import-expected-failures.txt \
    "$data/node" "$data/pytorch-converted" "$data/pytorch-operator" \
    "$data/simple" | grep -v '^XFAIL'
}
suite import_suite

echo "== ONNX backend test data: compile, run, compare with the expected outputs"
node_suite() {
  "$build/bin/weft-onnx-node-suite" \
    --expect test/conformance/compile-expected-failures.txt \
    "$data/node" "$data/pytorch-converted" "$data/pytorch-operator" \
    "$data/simple"
}
suite node_suite

echo "== ONNX node tests placed on a GPU: CUDA programs, PTX through ptxas, run"
echo "   by the runtime's CPU emulation of a GPU"
gpu_node_suite() {
  local ptxas
  ptxas="$(command -v ptxas || echo /usr/local/cuda/bin/ptxas)"
  local assemble=(--ptxas "$ptxas")
  if [ ! -x "$ptxas" ]; then
    echo "SKIPPED: ptxas (CUDA toolkit) not found, PTX not assembled"
    assemble=()
  fi
  "$build/bin/weft-onnx-node-suite" --devices examples/devices/h100.json \
    --emulate-gpu "${assemble[@]}" \
    --expect test/conformance/compile-expected-failures.txt "$data/node"
}
suite gpu_node_suite

echo "== installed package: a downstream CMake project builds against it"
suite bash scripts/check-downstream.sh "$build"

echo "== real models: import, infer shapes, simplify"
suite bash scripts/model-report.sh "$build"

echo "== real models: compile to native code, run, compare with torch"
suite bash scripts/model-run.sh "$build"

echo "== Python package: pytest, and pip install into a fresh venv"
suite bash scripts/check-python.sh "$build"

echo "== placement: resnet18 and the encoder on the five-node cluster"
suite bash bench/placement/seed-scenario.sh "$build"

echo "check: $passed passed, $failed failed"
exit "$status"
