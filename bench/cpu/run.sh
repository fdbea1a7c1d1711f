#!/usr/bin/env bash
#===- bench/cpu/run.sh - Weft next to ONNX Runtime and IREE on this CPU ---===#
#
# Generates the models (scripts/gen_models.py, bench/cpu/bench_models.py),
# installs IREE's compiler and runtime into a venv of their own
# (build/bench-venv: they need a newer onnx and numpy than the project's
# venv, whose torch needs numpy 1.x), then runs bench/cpu/bench.py: resnet18,
# mobilenet_v2, the encoder, an MLP at batch 64 and a 1024^3 MatMul at 1 and 2
# threads, interleaved. Usage: bench/cpu/run.sh [build] [rounds]
#
#===----------------------------------------------------------------------===#
set -euo pipefail
build="${1:-build}"
rounds="${2:-3}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
models="$root/$build/models"
/usr/bin/python3 "$root/scripts/gen_models.py" "$models" > /dev/null
/usr/bin/python3 "$root/bench/cpu/bench_models.py" "$models"
venv="$root/$build/bench-venv"
if [ ! -x "$venv/bin/iree-compile" ]; then
  /usr/bin/python3 -m venv "$venv" &&
    "$venv/bin/pip" install -q iree-base-compiler==3.13.0 \
      iree-base-runtime==3.13.0 onnx==1.17.0 "numpy<2.3" ||
    echo "bench: IREE could not be installed; its columns stay empty" >&2
fi
"$root/.venv/bin/python" "$root/bench/cpu/bench.py" "$root/$build" --rounds "$rounds"
