#!/usr/bin/env bash
#===- scripts/check.sh - Run every test suite (called by `make check`) -----===#
set -uo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data=/usr/share/libonnx-testdata/data
status=0

echo "== lit and FileCheck tests"
cmake --build "$build" --target check-weft-lit -j2 || status=1

echo "== unit tests (gtest)"
"$build/bin/weft-unittests" --gtest_brief=1 || status=1

echo "== ONNX backend test data: import, verify, export, re-import"
"$build/bin/weft-onnx-import-suite" \
  --expect test/conformance/import-expected-failures.txt \
  "$data/node" "$data/pytorch-converted" "$data/pytorch-operator" \
  "$data/simple" | grep -v '^XFAIL' || status=1

echo "== installed package: a downstream CMake project builds against it"
bash scripts/check-downstream.sh "$build" || status=1

echo "== real models: import, infer shapes, simplify"
bash scripts/model-report.sh "$build" || status=1

echo "== placement: resnet18 and the encoder on the five-node cluster"
bash bench/placement/seed-scenario.sh "$build" || status=1

if [ "$status" -eq 0 ]; then
  echo "check: every suite passed"
else
  echo "check: FAILED (see above)"
fi
exit "$status"
