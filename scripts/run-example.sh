#!/usr/bin/env bash
#===- scripts/run-example.sh - The main job (`make run`) ------------------===#
#
# Imports and simplifies the bundled example model (printing the IR), then
# compiles it to native code and runs it, printing its outputs and latency.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/$build/bin"
model="$root/examples/models/mlp.onnx"
out="$root/$build/examples"
mkdir -p "$out"
"$bin/weft-translate" --import-onnx "$model" -o "$out/mlp.mlir"
echo "== imported $(basename "$model") ($(grep -c ' = onnx\.' "$out/mlp.mlir") ops)"
"$bin/weft-opt" "$out/mlp.mlir" --weft-simplify-onnx -o "$out/mlp.simplified.mlir"
echo "== after --weft-simplify-onnx ($(grep -c ' = onnx\.' "$out/mlp.simplified.mlir") ops)"
# Weights are elided on screen; the files under $out hold them in full.
"$bin/weft-opt" "$out/mlp.simplified.mlir" \
  --mlir-elide-elementsattrs-if-larger=8 --mlir-elide-resource-strings-if-larger=16
echo "== compiled to native code: $out/mlp.weft"
"$bin/weft-compile" "$model" -o "$out/mlp.weft"
echo "== run on random input (outputs, then latency over 100 runs)"
"$bin/weft-run" "$out/mlp.weft" --random --bench 100
