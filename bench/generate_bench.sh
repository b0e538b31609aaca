#!/usr/bin/env bash
# Generation speed and memory: the employee domain to CSV.
#
# Usage: bench/generate_bench.sh [path/to/seedforge]     (default: build/seedforge)
# Environment: ROWS (default 1000000) rows for the speed runs, BIG_ROWS
# (default 10000000) for the memory run, RUNS (default 3) speed runs to keep
# the best of, BENCH_DIR (default: the system temp dir) where output goes;
# the 10,000,000-row run writes about 2 GB there, removed at the end.
#
# Prints rows/s on 1 and 2 threads (best wall time of RUNS), then the peak
# resident memory (GNU time's "Maximum resident set size") of a ROWS and a
# BIG_ROWS run, to show memory does not grow with the row count. Builds
# nothing; needs /usr/bin/time (Debian package `time`, scripts/install-deps.sh).
set -euo pipefail

bin=$(realpath "${1:-build/seedforge}")
rows=${ROWS:-1000000}
big_rows=${BIG_ROWS:-10000000}
runs=${RUNS:-3}
[[ -x $bin ]] || { echo "generate_bench: no seedforge binary at $bin (build it with scripts/build.sh)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "generate_bench: /usr/bin/time is missing; run scripts/install-deps.sh" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/seedforge-genbench-XXXXXX")
trap 'rm -rf "$work"' EXIT
threads_all=$(nproc)

# run N THREADS: one generate run into a fresh directory. Sets `seconds` (wall
# time, nanosecond clock) and `rss_kb` (peak resident set), and checks that the
# CSV holds N data rows.
run() {
  local n=$1 threads=$2 out="$work/out"
  rm -rf "$out"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -f '%M' -o "$work/rss" \
    "$bin" generate --domain employee --rows "employees=$n" --threads "$threads" --seed 1 --as-of 2026-01-01 \
    --format csv --out "$out" -q
  t1=$(date +%s%N)
  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  rss_kb=$(tail -1 "$work/rss")
  local lines
  lines=$(wc -l <"$out/employees.csv")
  if ((lines - 1 != n)); then
    echo "generate_bench: $out/employees.csv holds $((lines - 1)) data rows, expected $n" >&2
    exit 1
  fi
  rm -rf "$out"
}

# speed THREADS LABEL: best of $runs.
speed() {
  local threads=$1 label=$2 best=""
  for ((i = 0; i < runs; ++i)); do
    run "$rows" "$threads"
    if [[ -z $best ]] || awk -v s="$seconds" -v b="$best" 'BEGIN { exit !(s < b) }'; then best=$seconds; fi
  done
  awk -v n="$rows" -v s="$best" -v label="$label" -v runs="$runs" \
    'BEGIN { printf "employee csv %s: %d rows/s (best of %d: %.3f s for %d rows)\n", label, n / s, runs, s, n }'
}

memory() {
  local n=$1
  run "$n" "$threads_all"
  awk -v n="$n" -v kb="$rss_kb" -v t="$threads_all" -v s="$seconds" \
    'BEGIN { printf "employee csv peak RSS, %d rows, %d threads: %.1f MB (%.2f s)\n", n, t, kb / 1024, s }'
}

speed 1 "1 thread"
speed 2 "2 threads"
memory "$rows"
memory "$big_rows"
