#!/usr/bin/env bash
#===- scripts/prepare-gpu-check.sh - Compile what gpu-check.sh runs ------===#
#
# On this machine (the compiler and the model generator): writes gpu-check/
# (ignored by git), which travels to a machine with an NVIDIA GPU and no
# compiler, where scripts/gpu-check.sh runs it:
#   node.tgz             ONNX node tests that pass on the CPU, placed on
#                        examples/devices/h100.json, with their test data
#   <model>_b1.weft      resnet18 and the encoder at batch 1 and 32, placed
#   <model>_b32.weft     on the same description
#   <model>.weights.xz   their constants: one file for both batches
#   <model>.input.npy    the batch-1 input, and the CPU's output for it
#   <model>.cpu.npy
# Usage: scripts/prepare-gpu-check.sh [build-dir]
# With WEFT_GPU_CHECK_EMULATED=1 the artifacts also carry the kernels
# compiled for the host, so gpu-check.sh can rehearse here with the runtime's
# CPU emulation of a GPU (WEFT_GPU_EMULATION=1).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="$(cd "${1:-$root/build}" && pwd)"
cd "$root"
out=gpu-check
models="$build/models"
data=/usr/share/libonnx-testdata/data
python=/usr/bin/python3
[ -x .venv/bin/python ] && python=.venv/bin/python
devices=examples/devices/h100.json
emulated=()
suite_emulated=()
if [ -n "${WEFT_GPU_CHECK_EMULATED:-}" ]; then
  emulated=(--gpu-emulation)
  suite_emulated=(--emulate-gpu)
fi

rm -rf "$out"
mkdir -p "$out" "$models"
"$python" scripts/gen_models.py "$models" --gpu-check

echo "== node tests"
"$build/bin/weft-onnx-node-suite" --devices "$devices" --compile-only \
  "${suite_emulated[@]}" \
  --keep "$out/tests" --expect test/conformance/compile-expected-failures.txt \
  "$data/node" | tail -1
tar czf "$out/node.tgz" -C "$out/tests" node
rm -rf "$out/tests"

echo "== models"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for model in resnet18 encoder; do
  "$python" -c "import numpy as np; np.save('$out/$model.input.npy', np.load('$models/$model.input.npy'))"
  "$build/bin/weft-compile" "$models/$model.onnx" --devices "$devices" \
    "${emulated[@]}" --weights-file "$out/$model.weights" -o "$out/${model}_b1.weft"
  "$build/bin/weft-compile" "$models/${model}_b32.onnx" --devices "$devices" \
    "${emulated[@]}" --weights-file "$scratch/$model.weights" -o "$out/${model}_b32.weft"
  # Both batches read one weights file: it must come out the same.
  cmp -s "$out/$model.weights" "$scratch/$model.weights" || {
    echo "prepare-gpu-check: $model's constants differ between batch 1 and 32" >&2
    exit 1
  }
  # The CPU's output, the reference the GPU's must match.
  "$build/bin/weft-compile" "$models/$model.onnx" -o "$scratch/$model.cpu.weft"
  mkdir -p "$scratch/$model"
  "$build/bin/weft-run" "$scratch/$model.cpu.weft" \
    --input "input=$out/$model.input.npy" --output-dir "$scratch/$model" >/dev/null
  mv "$scratch/$model/output.npy" "$out/$model.cpu.npy"
done
# Random weights barely compress, but what xz takes off keeps the folder
# within what travels to the GPU machine.
xz -T2 -1 "$out"/*.weights
du -sh "$out"
total=$(du -sb "$out" | cut -f1)
if [ -z "${WEFT_GPU_CHECK_EMULATED:-}" ] && [ "$total" -gt $((62 * 1024 * 1024)) ]; then
  echo "prepare-gpu-check: $out is $total bytes, over the 62 MiB it may take (64 MiB travel, sources included)" >&2
  exit 1
fi
