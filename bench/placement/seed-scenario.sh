#!/usr/bin/env bash
#===- bench/placement/seed-scenario.sh - Models on five nodes --------------===#
#
# Places resnet18 and the 4-layer encoder on examples/devices/seed-5-nodes.json
# (five nodes of different compute power on one network) with heft, prints the
# predicted makespan next to the best single node, and writes the report
# (placement.txt, placement.dot/.svg, schedule.json, schedule.svg) to
# <build>/report/<model>/. Fails (it runs in make check) if HEFT predicts a
# longer makespan than the best single node (it starts from each of them),
# if a makespan is missing or not positive, or if a report file is missing.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/$build/bin"
models="$root/$build/models"
devices="$root/examples/devices/seed-5-nodes.json"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null

status=0
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
  if ! awk "BEGIN{exit !($heft > 0 && $best > 0)}"; then
    echo "seed-scenario: $m: no predicted makespan" >&2
    status=1
  elif ! awk "BEGIN{exit !($heft <= $best * (1 + 1e-9))}"; then
    echo "seed-scenario: $m: heft ($heft us) is slower than $bestNode alone ($best us)" >&2
    status=1
  fi
  for f in placement.txt placement.dot placement.svg schedule.json schedule.svg; do
    if [ ! -s "$report/$f" ]; then
      echo "seed-scenario: $m: the report has no $f" >&2
      status=1
    fi
  done
done
exit "$status"
