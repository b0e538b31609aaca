#!/usr/bin/env bash
# The model cache: wall time of `seedforge generate` on a domain whose
# entity learns CTGAN from sample data, first run (trains and caches the
# model) against second run (reads it from the cache).
#
# Usage: bench/model_cache.sh [path/to/seedforge]     (default: build/seedforge)
# Environment: EPOCHS (default 300, what a domain trains without `epochs:`),
# SYNTH (default ctgan; tvae works too), ROWS (default 10000) rows generated,
# RUNS (default 5) cached runs to take the median of, BENCH_DIR (default: the
# system temp dir) for the cache and the output, removed at the end.
#
# The data is the built-in banking sample (seeds/banking/customers.csv, 2,000
# rows: age, credit score, income, segment). Prints the wall times of the
# first run, of the cached runs (median), of a --no-cache run, and checks
# that all three wrote the same bytes. Builds nothing.
set -euo pipefail

bin=$(realpath "${1:-build/seedforge}")
epochs=${EPOCHS:-300}
synth=${SYNTH:-ctgan}
rows=${ROWS:-10000}
runs=${RUNS:-5}
[[ -x $bin ]] || { echo "model_cache: no seedforge binary at $bin (build it with scripts/build.sh)" >&2; exit 1; }

work=$(mktemp -d "${BENCH_DIR:-${TMPDIR:-/tmp}}/seedforge-cachebench-XXXXXX")
trap 'rm -rf "$work"' EXIT
export SEEDFORGE_CACHE_DIR="$work/cache"

# `banking/customers.csv` is not beside the domain file, so it is read from
# the files built into the binary (seeds/).
cat >"$work/customers.yaml" <<EOF
# The banking sample's customers, learned by $synth ($epochs epochs).
domain: cached
entities:
  customers:
    rows: $rows
    model: {from: banking/customers.csv, synthesizer: $synth, epochs: $epochs}
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      age: {type: smallint, learned: true}
      credit_score: {type: smallint, learned: true}
      annual_income: {type: 'numeric(12,2)', learned: true}
      segment: {type: text, learned: true}
EOF

# run OUT [ARGS...]: one generate run; sets `seconds` (wall time).
run() {
  local out=$1
  shift
  local t0 t1
  t0=$(date +%s%N)
  "$bin" generate --domain "$work/customers.yaml" --seed 1 --as-of 2026-01-01 --out "$work/$out" -q "$@"
  t1=$(date +%s%N)
  seconds=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
}

run first
first=$seconds
entries=$(find "$SEEDFORGE_CACHE_DIR" -name '*.model' | wc -l)
((entries == 1)) || { echo "model_cache: the first run left $entries cache entries, expected 1" >&2; exit 1; }
entry=$(find "$SEEDFORGE_CACHE_DIR" -name '*.model')
inode=$(stat -c %i "$entry")

cached=()
for ((i = 0; i < runs; ++i)); do
  run cached
  cached+=("$seconds")
  cmp -s "$work/first/customers.csv" "$work/cached/customers.csv" ||
    { echo "model_cache: a cached run wrote other bytes than the first" >&2; exit 1; }
done
[[ $(stat -c %i "$entry") == "$inode" ]] || { echo "model_cache: a cached run rewrote the entry" >&2; exit 1; }
median=$(printf '%s\n' "${cached[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }')

run fresh --no-cache
fresh=$seconds
cmp -s "$work/first/customers.csv" "$work/fresh/customers.csv" ||
  { echo "model_cache: the --no-cache run wrote other bytes than the first" >&2; exit 1; }

printf '%s, %s epochs, %s rows generated; cache entry %s bytes\n' "$synth" "$epochs" "$rows" "$(stat -c %s "$entry")"
printf '%-44s %8.3f s\n' "first run (trains, writes the cache):" "$first"
printf '%-44s %8.3f s\n' "second run (reads the cache), median of $runs:" "$median"
printf '%-44s %8.3f s\n' "--no-cache run (trains again):" "$fresh"
echo "same bytes: first, cached and --no-cache runs"
