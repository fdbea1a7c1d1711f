#!/usr/bin/env bash
#===- bench/cpu/run.sh - Weft next to ONNX Runtime on this CPU ------------===#
#
# For resnet18, mobilenet_v2 and the 4-layer encoder (scripts/gen_models.py,
# batch 1): Weft's compile time, then Weft and ONNX Runtime (CPU, 2 threads)
# interleaved on the same input, several rounds, and the median latency of
# each with the ratio Weft/ORT. The machine is shared and noisy: compare
# ratios within one run. Usage: bench/cpu/run.sh [build] [rounds]
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
rounds="${2:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
python="$root/.venv/bin/python"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
printf '%-14s %10s %12s %12s %10s\n' model compile_s weft_ms ort_ms weft/ort
for m in resnet18 mobilenet_v2 encoder; do
  start=$(date +%s.%N)
  "$bin/weft-compile" "$models/$m.onnx" -o "$models/$m.weft"
  seconds=$(echo "$(date +%s.%N) - $start" | bc -l)
  weft=() ort=()
  for _ in $(seq "$rounds"); do
    weft+=("$("$bin/weft-run" "$models/$m.weft" --input "input=$models/$m.input.npy" \
                --bench 5 | sed -n 's/latency_ms median=\([0-9.]*\).*/\1/p')")
    ort+=("$("$python" "$root/scripts/ort_run.py" "$models/$m.onnx" \
               "$models/$m.input.npy" "$models/$m.ort.npy" --bench 5 --threads 2 |
             sed -n 's/latency_ms median=\([0-9.]*\).*/\1/p')")
  done
  w=$(printf '%s\n' "${weft[@]}" | median)
  o=$(printf '%s\n' "${ort[@]}" | median)
  printf '%-14s %10.2f %12.2f %12.2f %10.1f\n' "$m" "$seconds" "$w" "$o" \
    "$(echo "$w / $o" | bc -l)"
done
