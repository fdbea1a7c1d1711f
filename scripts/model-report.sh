#!/usr/bin/env bash
#===- scripts/model-report.sh - Import and simplify the real models -------===#
#
# Generates resnet18, mobilenet_v2 and the 4-layer encoder (random weights,
# opset 17) with Debian's torch, imports each with weft-translate (time and
# peak memory), runs the simplification pipeline and prints op counts before
# and after. Fails if a model does not import, if a shape stays dynamic, or
# if simplification does not reduce the op count.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
models="$root/$build/models"
bin="$root/$build/bin"
mkdir -p "$models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null

count_ops() { grep -c ' = onnx\.' "$1" || true; }
count_compute() { grep ' = onnx\.' "$1" | grep -vc 'onnx\.Constant\|onnx\.NoValue' || true; }

# Peak memory is reported above the tool's own footprint (libMLIR, libLLVM,
# ONNX, protobuf), measured by importing the tiny example model.
base_kb=$( { /usr/bin/time -f '%M' "$bin/weft-translate" --verify-onnx \
             "$root/examples/models/mlp.onnx"; } 2>&1 | tail -1)
echo "weft-translate's own peak memory (tiny model): $((base_kb / 1024)) MB"
printf '%-14s %8s %9s %8s %9s %10s %10s %9s %12s\n' model size_MB import_s peak_MB model_MB model/size ops_before ops_after compute_ops
failed=0
for m in resnet18 mobilenet_v2 encoder; do
  onnx="$models/$m.onnx"
  mlir="$models/$m.mlir"
  stats=$( { /usr/bin/time -f '%e %M' "$bin/weft-translate" --verify-onnx "$onnx"; } 2>&1 | tail -1)
  secs=${stats% *}; kb=${stats#* }
  "$bin/weft-translate" --import-onnx "$onnx" -o "$mlir"
  "$bin/weft-opt" "$mlir" --weft-simplify-onnx -o "$models/$m.simplified.mlir"
  before=$(count_ops "$mlir"); after=$(count_ops "$models/$m.simplified.mlir")
  cb=$(count_compute "$mlir"); ca=$(count_compute "$models/$m.simplified.mlir")
  size=$(stat -c %s "$onnx")
  printf '%-14s %8.1f %9s %8.1f %9.1f %10.2f %10s %9s %12s\n' "$m" \
    "$(echo "$size/1048576" | bc -l)" "$secs" "$(echo "$kb/1024" | bc -l)" \
    "$(echo "($kb-$base_kb)/1024" | bc -l)" \
    "$(echo "($kb-$base_kb)*1024/$size" | bc -l)" "$before" "$after" "$cb -> $ca"
  if grep -E 'tensor<[^>]*(\?|\*)' "$models/$m.simplified.mlir" | grep -q .; then
    echo "  $m: some shapes are still dynamic after simplification"; failed=1
  fi
  if [ "$after" -ge "$before" ]; then
    echo "  $m: simplification did not reduce the op count"; failed=1
  fi
done
exit "$failed"
