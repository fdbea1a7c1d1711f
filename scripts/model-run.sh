#!/usr/bin/env bash
#===- scripts/model-run.sh - Compile and run the real models --------------===#
#
# Compiles resnet18, mobilenet_v2 and the 4-layer encoder to native code for
# this CPU, runs each on the input scripts/gen_models.py saved, and compares
# with torch's output and ONNX Runtime's: fails unless
# max|diff| <= 1e-4 * max|reference| for both. Prints compile time and the
# run's median latency (a record, not a benchmark: bench/ compares speed).
# Then resnet18 and the encoder placed on a GPU, through the runtime's CPU
# emulation of one (docs/cuda.md).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null
python="$root/.venv/bin/python"
printf '%-14s %10s %12s %14s %14s\n' model compile_s latency_ms 'vs torch' 'vs ORT'
failed=0
for m in resnet18 mobilenet_v2 encoder; do
  start=$(date +%s.%N)
  "$bin/weft-compile" "$models/$m.onnx" -o "$models/$m.weft"
  seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
  mkdir -p "$models/$m.out"
  latency=$("$bin/weft-run" "$models/$m.weft" --input "input=$models/$m.input.npy" \
              --output-dir "$models/$m.out" --bench 3 |
            sed -n 's/latency_ms median=\([0-9.]*\).*/\1/p')
  "$python" "$root/scripts/ort_run.py" "$models/$m.onnx" "$models/$m.input.npy" \
    "$models/$m.ort.npy"
  relative() {
    /usr/bin/python3 -c "
import numpy as np
o = np.load('$models/$m.out/output.npy'); r = np.load('$1')
print('%.3g' % (np.abs(o - r).max() / np.abs(r).max()))"
  }
  torch_ratio=$(relative "$models/$m.output.npy")
  ort_ratio=$(relative "$models/$m.ort.npy")
  printf '%-14s %10.2f %12s %14s %14s\n' "$m" "$seconds" "$latency" \
    "$torch_ratio" "$ort_ratio"
  for ratio in "$torch_ratio" "$ort_ratio"; do
    if ! awk "BEGIN{exit !($ratio <= 1e-4)}"; then
      echo "  $m: outputs differ from the reference ($ratio)"; failed=1
    fi
  done
done

# A dynamic batch: resnet18 exported with batch "batch", compiled once, run at
# batch 1 and at batch 8 against torch's outputs for each.
m=resnet18_dynamic
"$bin/weft-compile" "$models/$m.onnx" -o "$models/$m.weft"
for batch in 1 8; do
  input="$models/$m.input.npy" reference="$models/$m.output.npy"
  if [ "$batch" = 1 ]; then
    input="$models/resnet18.input.npy" reference="$models/resnet18.output.npy"
  fi
  mkdir -p "$models/$m.out$batch"
  "$bin/weft-run" "$models/$m.weft" --input "input=$input" \
    --output-dir "$models/$m.out$batch" > /dev/null
  ratio=$(/usr/bin/python3 -c "
import numpy as np
o = np.load('$models/$m.out$batch/output.npy'); r = np.load('$reference')
assert o.shape == r.shape, (o.shape, r.shape)
print('%.3g' % (np.abs(o - r).max() / np.abs(r).max()))")
  printf '%-14s batch %-4s %26s %14s\n' "$m" "$batch" "$ratio" "(vs torch)"
  if ! awk "BEGIN{exit !($ratio <= 1e-4)}"; then
    echo "  $m at batch $batch: outputs differ from torch's"; failed=1
  fi
done

# Placed on a GPU (examples/devices/h100.json): the CUDA programs (cuBLAS
# GEMMs, kernels, buffers and offsets as the GPU would get them), run by the
# runtime's CPU emulation of a GPU, against torch.
for m in resnet18 encoder; do
  "$bin/weft-compile" "$models/$m.onnx" --devices "$root/examples/devices/h100.json" \
    --gpu-emulation -o "$models/$m.gpu.weft"
  mkdir -p "$models/$m.gpu.out"
  WEFT_GPU_EMULATION=1 "$bin/weft-run" "$models/$m.gpu.weft" \
    --input "input=$models/$m.input.npy" --output-dir "$models/$m.gpu.out" \
    > /dev/null 2>&1
  ratio=$(/usr/bin/python3 -c "
import numpy as np
o = np.load('$models/$m.gpu.out/output.npy'); r = np.load('$models/$m.output.npy')
print('%.3g' % (np.abs(o - r).max() / np.abs(r).max()))")
  printf '%-14s %-31s %14s\n' "$m" "on cuda:0 (emulated)" "$ratio"
  if ! awk "BEGIN{exit !($ratio <= 1e-4)}"; then
    echo "  $m on cuda:0: outputs differ from torch's"; failed=1
  fi
done
exit "$failed"
