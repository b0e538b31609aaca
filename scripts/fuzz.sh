#!/usr/bin/env bash
# Builds the libFuzzer harnesses (tests/fuzz/*_fuzz.cpp) with clang, ASan and
# UBSan in ./build-fuzz and runs each for SECONDS. The repository's seed
# corpus (tests/fuzz/corpus/<harness>/) is copied into
# build-fuzz/corpus/<harness>/, which keeps growing from run to run; the
# repository is never written. Prints per harness the executions, exec/s,
# coverage (cov: edges, ft: features) and what was found; exits 1 when any
# harness found a crash, a timeout, an out-of-memory or a leak, naming the
# reproducer (re-run it with: build-fuzz/<harness> <file>).
#
# Usage: scripts/fuzz.sh [SECONDS] [HARNESS...]   (default 60 s, every harness)
# Environment: FUZZ_JOBS=N runs N harnesses at once (default 1).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift $(($# > 0 ? 1 : 0))
jobs=${FUZZ_JOBS:-1}

harnesses=("$@")
if ((${#harnesses[@]} == 0)); then
  for f in tests/fuzz/*_fuzz.cpp; do harnesses+=("$(basename "$f" .cpp)"); done
fi

scripts/install-deps.sh --fuzz
cxx=$(command -v clang++-14 || command -v clang++)
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" "${launcher[@]}" \
  -DSEEDFORGE_FUZZ=ON -DSEEDFORGE_BUILD_TESTS=OFF -DSEEDFORGE_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j"$(nproc)" --target "${harnesses[@]}"

# A sanitizer report or uncaught exception is a crash; LeakSanitizer stays on.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

run_one() {
  local h=$1 dir=build-fuzz/run/$1
  rm -rf "$dir"
  mkdir -p "$dir/artifacts" "build-fuzz/corpus/$h"
  [[ -d tests/fuzz/corpus/$h ]] && cp -n tests/fuzz/corpus/"$h"/* "build-fuzz/corpus/$h/" 2>/dev/null || true
  local extra=() more=()
  [[ -f tests/fuzz/$h.dict ]] && extra=(-dict="tests/fuzz/$h.dict")
  # tests/fuzz/<harness>.flags: more libFuzzer flags (later ones win).
  [[ -f tests/fuzz/$h.flags ]] && read -r -a more <"tests/fuzz/$h.flags" && extra+=("${more[@]}")
  # -timeout: one input over 10 s is a hang; -rss_limit_mb: over 2 GB is a
  # finding (an allocation sized by the input); -max_len: inputs up to 16 KiB.
  set +e
  "build-fuzz/$h" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
    -malloc_limit_mb=2048 -max_len=16384 -artifact_prefix="$dir/artifacts/" "${extra[@]}" \
    "build-fuzz/corpus/$h" >"$dir/log" 2>&1
  echo $? >"$dir/status"
  set -e
}

running=0
for h in "${harnesses[@]}"; do
  echo "fuzz: running $h for $seconds s" >&2
  run_one "$h" &
  running=$((running + 1))
  if ((running >= jobs)); then
    wait -n || true
    running=$((running - 1))
  fi
done
wait

failed=0
printf '%-18s %12s %8s %7s %7s %7s %9s %5s %5s\n' harness executions exec/s cov ft crashes timeouts ooms leaks
for h in "${harnesses[@]}"; do
  dir=build-fuzz/run/$h
  log=$dir/log
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$( (grep -o 'cov: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  ft=$( (grep -o 'ft: [0-9]*' "$log" || true) | tail -1 | cut -d' ' -f2)
  count() { find "$dir/artifacts" -name "$1-*" | wc -l; }
  crashes=$(($(count crash) + $(count deadly)))
  timeouts=$(count timeout)
  ooms=$(count oom)
  leaks=$(count leak)
  printf '%-18s %12s %8s %7s %7s %7s %9s %5s %5s\n' "$h" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" \
    "$crashes" "$timeouts" "$ooms" "$leaks"
  if (($(cat "$dir/status") != 0 || crashes + timeouts + ooms + leaks > 0)); then
    failed=1
    echo "  $h: exit $(cat "$dir/status"), log $log" >&2
    for f in "$dir"/artifacts/*; do
      [[ -e $f ]] && echo "  reproducer: $f (run: build-fuzz/$h $f)" >&2
    done
    grep -m1 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)|runtime error|FUZZ_CHECK|terminate called' "$log" | sed 's/^/  /' >&2 || true
  fi
done
exit "$failed"
