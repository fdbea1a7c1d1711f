#!/usr/bin/env bash
#===- scripts/fuzz.sh - Run every fuzz target with libFuzzer ---------------===#
#
#   scripts/fuzz.sh [build-dir]        (make fuzz FUZZ_SECONDS=N)
#
# Builds the fuzz targets of test/fuzz with libFuzzer, AddressSanitizer and
# UndefinedBehaviorSanitizer into build-fuzz (the whole build instrumented),
# then runs each for FUZZ_SECONDS (default 60) on FUZZ_JOBS processes
# (default 2), growing a corpus in build-fuzz/corpus/<target> from the seeds
# in test/fuzz/corpus/<target>. FUZZ_TARGETS picks targets (default: all);
# FUZZ_COMPILER=OFF builds the runtime alone (minutes instead of the
# compiler's long instrumented build) and runs its five targets only.
# Crashes land in build-fuzz/crashes/; the script prints per target the
# executions, coverage and corpus size, and fails if any target crashed.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build-fuzz}"
seconds="${FUZZ_SECONDS:-60}"
jobs="${FUZZ_JOBS:-2}"
compiler="${FUZZ_COMPILER:-ON}"
flags="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_USE_LINKER=lld-22 -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit -DWEFT_FUZZ=ON \
  -DWEFT_BUILD_COMPILER="$compiler" -DWEFT_BUILD_TESTS=OFF \
  "-DCMAKE_C_FLAGS=$flags" "-DCMAKE_CXX_FLAGS=$flags" \
  "-DCMAKE_EXE_LINKER_FLAGS=-fsanitize=address,undefined" \
  "-DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=address,undefined" \
  "-DCMAKE_MODULE_LINKER_FLAGS=-fsanitize=address,undefined" > /dev/null
all="fuzz-artifact fuzz-manifest fuzz-npy fuzz-tensorproto fuzz-history"
[ "$compiler" = ON ] && all="$all fuzz-devices fuzz-onnx-import"
targets="${FUZZ_TARGETS:-$all}"
# shellcheck disable=SC2086
cmake --build "$build" -j2 --target $targets
# Leaks in ONNX's static schema registry are not ours to report; LLVM's
# allocators poison memory our instrumented code cannot see (see
# check-sanitizers.sh).
# An allocation that fails is handled (Tensor::allocate says so): it must
# return null as it does without ASan, not abort.
export ASAN_OPTIONS=detect_leaks=0:allow_user_poisoning=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
mkdir -p "$build/crashes"
status=0
printf '%-18s %10s %8s %8s %8s %s\n' target executions cov ft corpus result
for target in $targets; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus"
  log="$build/crashes/$target.log"
  # -fork keeps going past a crash and counts them; each job is a process.
  if "$build/bin/$target" "$corpus" "$root/test/fuzz/corpus/$target" \
      -fork="$jobs" -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
      -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 \
      -artifact_prefix="$build/crashes/$target-" > "$log" 2>&1; then
    result=ok
  else
    result="failed (see $log)"
    status=1
  fi
  # The last stats line of the fork server: "#N: cov: C ft: F corp: K ...".
  stats=$(grep -E '^#[0-9]+: cov:' "$log" | tail -1 || true)
  execs=$(sed -nE 's/^#([0-9]+):.*/\1/p' <<<"$stats")
  cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$stats")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$stats")
  crashes=$(ls "$build/crashes/$target-"* 2>/dev/null | grep -vc '\.log$' || true)
  [ "$crashes" -gt 0 ] && { result="$crashes crash(es) in $build/crashes"; status=1; }
  printf '%-18s %10s %8s %8s %8s %s\n' "$target" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "$(ls "$corpus" | wc -l)" "$result"
done
exit "$status"
