#!/usr/bin/env bash
# xlsx speed and memory: the employee domain as one workbook.
#
# Usage: bench/xlsx_bench.sh [path/to/seedforge]     (default: build/seedforge)
# Environment: ROWS (default 1000000) employee rows, SMALL_ROWS (default
# 100000) for the memory comparison, THREADS (default: all cores), BENCH_DIR
# (default: the system temp dir) where output goes (removed at the end).
#
# Prints rows/s and peak resident memory (/usr/bin/time -v "Maximum resident
# set size") of a ROWS run and a SMALL_ROWS run (memory must not grow with the
# rows: libxlsxwriter's constant-memory mode), the workbook's size, and the
# same figures for CSV as the reference. Builds nothing; needs /usr/bin/time
# (Debian package `time`, scripts/install-deps.sh).
set -euo pipefail

bin=$(realpath "${1:-build/seedforge}")
rows=${ROWS:-1000000}
small_rows=${SMALL_ROWS:-100000}
threads=${THREADS:-0}
[[ -x $bin ]] || { echo "xlsx_bench: no seedforge binary at $bin (build it with scripts/build.sh)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "xlsx_bench: /usr/bin/time is missing; run scripts/install-deps.sh" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/seedforge-xlsxbench-XXXXXX")
trap 'rm -rf "$work"' EXIT

# run FORMAT N: one generate run into a fresh directory; prints a line of
# figures.
run() {
  local format=$1 n=$2 out="$work/out"
  rm -rf "$out"
  local t0 t1
  t0=$(date +%s%N)
  /usr/bin/time -v -o "$work/time" \
    "$bin" generate --domain employee --rows "employees=$n" --threads "$threads" --seed 1 --as-of 2026-01-01 \
    --format "$format" --out "$out" -q
  t1=$(date +%s%N)
  local seconds rss_kb bytes
  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')
  rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$work/time")
  bytes=$(du -cb "$out"/* | tail -1 | cut -f1)
  awk -v f="$format" -v n="$n" -v s="$seconds" -v r="$rss_kb" -v b="$bytes" 'BEGIN {
    printf "%-5s %9d rows  %7.2f s  %9.0f rows/s  peak RSS %6.1f MB  output %7.1f MB\n", f, n, s, n / s, r / 1024, b / 1e6 }'
}

echo "employee domain, threads=${threads} (0: all $(nproc) cores), seed 1"
run xlsx "$small_rows"
run xlsx "$rows"
run csv "$rows"
