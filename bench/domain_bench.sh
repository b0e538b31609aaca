#!/usr/bin/env bash
# Generation speed and memory of whole linked domains, rules included: the
# built-in banking and automotive domains to CSV on ONE thread.
#
# Usage: bench/domain_bench.sh [path/to/seedforge]     (default: build/seedforge)
# Environment: DOMAINS (default "banking automotive"), SIZES (default
# "1000000 10000000") total rows of all entities to aim at, BENCH_DIR
# (default: the system temp dir) where output goes; the 10,000,000-row runs
# write about 1 GB there, removed after each run.
#
# For each domain and size, picks the --scale that gives about that many rows
# in all (from `seedforge validate`, which prints the planned counts), runs
# `generate --threads 1 --format csv` under GNU time, checks that the files
# hold the planned rows, and prints one table line: rows, wall time, rows/s
# (all rows of all entities over the wall time, planning and model fitting
# included), CPU seconds (user + system) and rows per CPU second, which a
# machine busy with other work disturbs less than the wall time, and peak
# resident memory ("Maximum resident set size"), which should not grow with
# the row count. Builds nothing; needs /usr/bin/time
# (Debian package `time`, scripts/install-deps.sh).
set -euo pipefail

bin=$(realpath "${1:-build/seedforge}")
domains=${DOMAINS:-banking automotive}
sizes=${SIZES:-1000000 10000000}
[[ -x $bin ]] || { echo "domain_bench: no seedforge binary at $bin (build it with scripts/build.sh)" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "domain_bench: /usr/bin/time is missing; run scripts/install-deps.sh" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/seedforge-domainbench-XXXXXX")
trap 'rm -rf "$work"' EXIT
# Fixed seed and reference date: every run of the bench makes the same rows.
common=(--seed 1 --as-of 2026-01-01)

# planned DOMAIN SCALE: the total of the row counts `validate` plans.
planned() {
  "$bin" validate --domain "$1" --scale "$2" "${common[@]}" |
    awk '/^  [^ ].*: [0-9]+ rows/ { for (i = 1; i <= NF; ++i) if ($(i + 1) ~ /^rows/) total += $i } END { print total }'
}

printf '%-11s %12s %9s %8s %10s %8s %12s %8s\n' domain rows scale wall-s rows/s cpu-s rows/cpu-s "peak MB"
for domain in $domains; do
  base=$(planned "$domain" 1)
  for target in $sizes; do
    scale=$(awk -v t="$target" -v b="$base" 'BEGIN { printf "%.4f", t / b }')
    rows=$(planned "$domain" "$scale")
    out="$work/out"
    rm -rf "$out"
    t0=$(date +%s%N)
    /usr/bin/time -f '%M %U %S' -o "$work/rss" \
      "$bin" generate -q --domain "$domain" --scale "$scale" --threads 1 "${common[@]}" --format csv --out "$out"
    t1=$(date +%s%N)
    written=$(cat "$out"/*.csv | wc -l)
    files=$(ls "$out"/*.csv | wc -l)
    if ((written - files != rows)); then
      echo "domain_bench: $domain at --scale $scale wrote $((written - files)) rows, planned $rows" >&2
      exit 1
    fi
    rm -rf "$out"
    read -r kb user system < <(tail -1 "$work/rss")
    awk -v d="$domain" -v n="$rows" -v sc="$scale" -v a="$t0" -v b="$t1" -v kb="$kb" -v cpu="$(awk -v u="$user" -v s="$system" 'BEGIN { print u + s }')" \
      'BEGIN { s = (b - a) / 1e9; printf "%-11s %12d %9s %8.2f %10d %8.2f %12d %8.1f\n", d, n, sc, s, n / s, cpu, n / cpu, kb / 1024 }'
  done
done
