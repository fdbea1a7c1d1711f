#!/usr/bin/env bash
#===- scripts/check-downstream.sh - Install Weft, build a project on it ---===#
set -euo pipefail
build="${1:-build}"
root="$(cd "$(dirname "$0")/.." && pwd)"
prefix="$root/$build/install"
rm -rf "$prefix" "$root/$build/downstream"
cmake --install "$root/$build" --prefix "$prefix" > /dev/null
cmake -G Ninja -S "$root/test/downstream" -B "$root/$build/downstream" \
  -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_BUILD_TYPE=Release \
  -DWeft_DIR="$prefix/lib/cmake/weft" > /dev/null
cmake --build "$root/$build/downstream" -j2 > /dev/null
"$root/$build/downstream/count-ops" "$root/examples/models/mlp.onnx"
