#!/usr/bin/env bash
#===- scripts/model-run.sh - Compile and run the real models --------------===#
#
# Compiles resnet18, mobilenet_v2 and the 4-layer encoder to native code for
# this CPU, runs each on the input scripts/gen_models.py saved, and compares
# with torch's output: fails unless max|diff| <= 1e-4 * max|reference|.
# Prints compile time and the run's median latency (not a benchmark: the
# code generator does no tiling or vectorization yet).
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null
printf '%-14s %10s %12s %16s\n' model compile_s latency_ms 'diff/max|ref|'
failed=0
for m in resnet18 mobilenet_v2 encoder; do
  start=$(date +%s.%N)
  "$bin/weft-compile" "$models/$m.onnx" -o "$models/$m.weft"
  seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
  mkdir -p "$models/$m.out"
  latency=$("$bin/weft-run" "$models/$m.weft" --input "input=$models/$m.input.npy" \
              --output-dir "$models/$m.out" --bench 3 |
            sed -n 's/latency_ms median=\([0-9.]*\).*/\1/p')
  ratio=$(/usr/bin/python3 -c "
import numpy as np
o = np.load('$models/$m.out/output.npy'); r = np.load('$models/$m.output.npy')
print('%.3g' % (np.abs(o - r).max() / np.abs(r).max()))")
  printf '%-14s %10.2f %12s %16s\n' "$m" "$seconds" "$latency" "$ratio"
  if ! awk "BEGIN{exit !($ratio <= 1e-4)}"; then
    echo "  $m: outputs differ from torch's"; failed=1
  fi
done
exit "$failed"
