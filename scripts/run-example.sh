#!/usr/bin/env bash
#===- scripts/run-example.sh - The main job (`make run`) ------------------===#
#
# Imports the bundled example model, simplifies it and prints the result.
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
cat "$out/mlp.simplified.mlir"
