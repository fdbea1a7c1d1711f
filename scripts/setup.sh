#!/usr/bin/env bash
#===- scripts/setup.sh - Install everything Weft needs (idempotent) -------===#
#
# Installs the Debian packages and the pinned PyPI packages the build, the
# tests and the benchmarks need. Safe to run again: it only installs what is
# missing.
#
#===----------------------------------------------------------------------===#
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"

debian_packages=(
  # Toolchain: MLIR/LLVM 22 (shared libMLIR.so), clang-22, lld, ninja, ccache,
  # clang-format-22 (scripts/check-format.sh).
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools clang-22 lld-22
  clang-format-22
  libclang-rt-22-dev
  cmake ninja-build ccache make bc time
  # ONNX's C++ library, its test data and protobuf.
  libonnx-dev libonnx-testdata libprotobuf-dev protobuf-compiler
  # oneDNN: the CPU code's matrix products; LLVM's OpenMP runtime: its
  # loops on several threads.
  libdnnl-dev libomp-22-dev
  # Tests.
  libgtest-dev libopenblas-dev
  # Python: numpy, onnx, torch for model generation and reference outputs.
  graphviz
  python3 python3-venv python3-numpy python3-onnx python3-torch
  python3-torchvision python3-pytest python3-pybind11
  python3-dev pybind11-dev python3-setuptools
)

missing=()
for p in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The project venv sees Debian's numpy/onnx/torch and adds pinned PyPI extras.
venv="$root/.venv"
if [ ! -x "$venv/bin/python" ]; then
  /usr/bin/python3 -m venv --system-site-packages "$venv"
fi
stamp="$venv/.weft-requirements"
if ! cmp -s "$root/scripts/requirements.txt" "$stamp" 2>/dev/null; then
  "$venv/bin/pip" install -q --disable-pip-version-check -r "$root/scripts/requirements.txt"
  cp "$root/scripts/requirements.txt" "$stamp"
fi
