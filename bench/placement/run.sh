#!/usr/bin/env bash
#===- bench/placement/run.sh - Placement quality and speed -----------------===#
#
# Random DAGs (heft vs exact, single device, greedy; heft's time on 10,000
# tasks), then the real models (resnet18, encoder) placed on the bundled
# device descriptions with each strategy. Not a test: it prints numbers.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
bin="$root/$build/bin"
"$bin/weft-placement-bench"

models="$root/$build/models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null
echo "== real models: predicted makespan (us) per strategy"
printf '%-14s %-16s %12s %12s %12s %14s\n' model devices heft greedy first-device best-single
for m in resnet18 encoder; do
  [ -f "$models/$m.simplified.mlir" ] || {
    "$bin/weft-translate" --import-onnx "$models/$m.onnx" -o "$models/$m.mlir"
    "$bin/weft-opt" "$models/$m.mlir" --weft-simplify-onnx -o "$models/$m.simplified.mlir"; }
  for devices in host-plus-h100 seed-5-nodes; do
    file="$root/examples/devices/$devices.json"
    makespan() {
      "$bin/weft-opt" "$models/$m.simplified.mlir" --weft-devices="$file" \
        "--weft-place=strategy=$1 report=true" -o /dev/null |
        sed -n 's/.*predicted makespan \([0-9.]*\) us/\1/p'
    }
    best=""
    for d in $(python3 -c "import json,sys; print(' '.join(('n%d/' % x['node'] if x.get('node',0) else '') + x['kind'] + ':' + str(x['index']) for x in json.load(open('$file'))['devices']))"); do
      t=$(makespan "single=$d")
      if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    done
    first=$(makespan "single=cpu:0")
    printf '%-14s %-16s %12s %12s %12s %14s\n' "$m" "$devices" "$(makespan heft)" \
      "$(makespan greedy)" "$first" "$best"
  done
done
