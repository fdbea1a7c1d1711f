#!/usr/bin/env bash
#===- bench/scheduler/resnet18.sh - resnet18 at batch 8 on two CPU devices -===#
#
# resnet18 exported with a fixed batch of 8 (scripts/gen_models.py --bench),
# compiled with --split-batch 8 for examples/devices/host-2x.json: 8 chunk
# tasks on cpu:0 and cpu:1 (one core each), static and dynamic, unperturbed
# and with cpu:1 slowed 3x; rounds interleaved, medians of the per-round
# medians. Usage: bench/scheduler/resnet18.sh [build] [rounds]
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
rounds="${2:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" --bench > /dev/null
"$bin/weft-compile" "$models/resnet18_b8.onnx" --split-batch 8 \
  --devices "$root/examples/devices/host-2x.json" -o "$models/resnet18_b8.weft"
median() { sort -n | awk '{v[NR]=$1} END{print (NR%2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2)}'; }
latency() {
  "$bin/weft-run" "$models/resnet18_b8.weft" --random "$@" --bench 3 |
    sed -n 's/latency_ms median=\([0-9.]*\).*/\1/p'
}
declare -A runs
for _ in $(seq "$rounds"); do
  for perturbed in no yes; do
    inject=()
    [ "$perturbed" = yes ] && inject=(--inject cpu:1:slow=3)
    for mode in static dynamic; do
      runs[$perturbed-$mode]+="$(latency --schedule "$mode" "${inject[@]}") "
    done
  done
done
printf 'resnet18, batch 8 split into 8 chunk tasks, cpu:0 + cpu:1\n'
printf '%-18s %12s %12s %16s\n' case static_ms dynamic_ms dynamic/static
for perturbed in no yes; do
  s=$(printf '%s\n' ${runs[$perturbed-static]} | median)
  d=$(printf '%s\n' ${runs[$perturbed-dynamic]} | median)
  label=unperturbed
  [ "$perturbed" = yes ] && label="cpu:1 slowed 3x"
  printf '%-18s %12.1f %12.1f %16.3f\n' "$label" "$s" "$d" "$(echo "$d / $s" | bc -l)"
done
