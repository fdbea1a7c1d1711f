#!/usr/bin/env bash
#===- scripts/check-format.sh - Is every C++ file clang-formatted? --------===#
#
# Runs clang-format-22 (the project's .clang-format: LLVM style) over the C
# and C++ sources tracked by git and fails, listing the files, if any would
# change. `scripts/check-format.sh --fix` formats them in place.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
format="$(command -v clang-format-22 || true)"
if [ -z "$format" ]; then
  echo "check-format: clang-format-22 is not installed (scripts/setup.sh installs it)" >&2
  exit 1
fi
mapfile -t files < <(git ls-files --cached --others --exclude-standard -- \
  '*.cpp' '*.h' '*.c' ':!:**/Inputs/**')
if [ "${1:-}" = "--fix" ]; then
  "$format" -i "${files[@]}"
  exit 0
fi
bad=()
for f in "${files[@]}"; do
  if ! "$format" --dry-run --Werror "$f" > /dev/null 2>&1; then
    bad+=("$f")
  fi
done
if ((${#bad[@]})); then
  echo "check-format: ${#bad[@]} file(s) are not clang-formatted (scripts/check-format.sh --fix):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "check-format: ${#files[@]} files clean"
