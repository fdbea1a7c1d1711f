#!/usr/bin/env bash
#===- bench/placement/seed-scenario.sh - Models on five nodes --------------===#
#
# Places resnet18 and the 4-layer encoder on examples/devices/seed-5-nodes.json
# (five nodes of different compute power on one network) with heft, prints the
# predicted makespan next to the best single node, and writes the report
# (placement.txt, placement.dot/.svg, schedule.json, schedule.svg) to
# <build>/report/<model>/.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
devices="$root/examples/devices/seed-5-nodes.json"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null

makespan() { sed -n 's/.*predicted makespan \([0-9.]*\) us/\1/p'; }
printf '%-10s %14s %16s %12s  %s\n' model heft_us best_single_us node report
for m in resnet18 encoder; do
  mlir="$models/$m.placed-input.mlir"
  "$bin/weft-translate" --import-onnx "$models/$m.onnx" --mlir-print-debuginfo -o "$models/$m.debug.mlir"
  "$bin/weft-opt" "$models/$m.debug.mlir" --weft-simplify-onnx --mlir-print-debuginfo -o "$mlir"
  report="$root/$build/report/$m"
  heft=$("$bin/weft-opt" "$mlir" --weft-devices="$devices" \
           "--weft-place=strategy=heft report=true" "--weft-report=dir=$report" -o /dev/null | makespan)
  best="" bestNode=""
  for node in cpu:0 n1/cpu:0 n2/cpu:0 n3/cuda:0 n4/cuda:0; do
    t=$("$bin/weft-opt" "$mlir" --weft-devices="$devices" \
          "--weft-place=strategy=single=$node report=true" -o /dev/null | makespan)
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t bestNode=$node; fi
  done
  printf '%-10s %14s %16s %12s  %s\n' "$m" "$heft" "$best" "$bestNode" "$report"
done
