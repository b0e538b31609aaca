#!/usr/bin/env bash
# Times `seedforge report` on 50,000 x 10 and 500,000 x 10 tables, and prints
# a sanity figure: the quality of diamonds against a copy whose columns were
# shuffled independently (Column Shapes stays near 1, Column Pair Trends
# drops, because every relationship between columns is destroyed).
#
# Inputs are made from the ggplot2 diamonds table (53,940 x 10, see
# /work/shared/data/SOURCES.md): its rows are shuffled and split into three
# disjoint pools; "real" (training) rows are resampled from the first,
# "holdout" rows from the second, "synthetic" rows from the third, and every
# number is jittered by up to +-1%. The synthetic rows are thus new data from
# the same distribution as the real ones, like the output of a perfect
# synthesizer that memorises nothing: fidelity should be high, about 5% of
# synthetic rows should fall below the holdout's 5th-percentile DCR, and the
# attack AUC should be near 0.5, and the attribute-inference attack should do
# no better on training rows than on holdout rows.
#
# Usage: bench/report_bench.sh            (SEEDFORGE=path/to/seedforge to choose
#        the binary, DATA=path/to/diamonds.csv, THREADS=N, SIZES="50000 500000")
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SEEDFORGE=${SEEDFORGE:-$here/build/seedforge}
DATA=${DATA:-/work/shared/data/diamonds.csv}
SIZES=${SIZES:-"50000 500000"}
THREADS=${THREADS:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$SEEDFORGE" report --help >/dev/null 2>&1; then
  echo "report_bench: $SEEDFORGE has no 'report' command (set SEEDFORGE=...)" >&2
  exit 1
fi

# Shuffle the data rows with a fixed seed and split them into three pools.
awk 'NR == 1 { next } { print }' "$DATA" |
  awk 'BEGIN { srand(7) } { printf "%.12f\t%s\n", rand(), $0 }' | sort -k1,1 | cut -f2- >"$work/shuffled"
head -n1 "$DATA" >"$work/header"
total=$(wc -l <"$work/shuffled")
third=$((total / 3))
sed -n "1,${third}p" "$work/shuffled" >"$work/pool_a"
sed -n "$((third + 1)),$((2 * third))p" "$work/shuffled" >"$work/pool_b"
sed -n "$((2 * third + 1)),\$p" "$work/shuffled" >"$work/pool_c"

# resample POOL N SEED OUT: N rows drawn with replacement, numbers jittered +-1%.
resample() {
  { cat "$work/header"
    awk -v n="$2" -v seed="$3" -F, '
      { rows[++m] = $0 }
      END {
        srand(seed)
        for (i = 0; i < n; i++) {
          k = split(rows[int(rand() * m) + 1], f, ",")
          line = ""
          for (j = 1; j <= k; j++) {
            v = f[j]
            if (v ~ /^-?[0-9]+(\.[0-9]+)?$/) v = sprintf("%.5g", v * (1 + 0.02 * (rand() - 0.5)))
            line = line (j > 1 ? "," : "") v
          }
          print line
        }
      }' "$1"
  } >"$4"
}

# Wall-clock seconds of a command.
timed() {
  local start end
  start=$(date +%s.%N)
  "$@"
  end=$(date +%s.%N)
  awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f", e - s }'
}

field() {  # field FILE.json EXPR: a figure from the JSON report
  python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print($2)" "$1" 2>/dev/null || echo "?"
}

echo "seedforge report benchmark ($(nproc) cores, threads=${THREADS:-all})"
for n in $SIZES; do
  resample "$work/pool_a" "$n" 11 "$work/real.csv"
  resample "$work/pool_c" "$n" 12 "$work/synthetic.csv"
  resample "$work/pool_b" $((n / 5)) 13 "$work/holdout.csv"
  args=(report --real "$work/real.csv" --synthetic "$work/synthetic.csv" --holdout "$work/holdout.csv"
        --target price --quasi cut,color --sensitive clarity --json "$work/r.json" --out "$work/r.html" -q)
  [ "$THREADS" != 0 ] && args+=(--threads "$THREADS")
  secs=$(timed "$SEEDFORGE" "${args[@]}")
  printf '%8d x 10 (+ %d holdout rows): %s s  [load %s, quality %s, utility %s, privacy %s]\n' "$n" $((n / 5)) "$secs" \
    "$(field "$work/r.json" "'%.2f' % r['seconds']['load']")" \
    "$(field "$work/r.json" "'%.2f' % r['seconds']['quality']")" \
    "$(field "$work/r.json" "'%.2f' % r['seconds']['utility']")" \
    "$(field "$work/r.json" "'%.2f' % r['seconds']['privacy']")"
  printf '    quality %s (shapes %s, pairs %s); R² real/synthetic %s; DCR share %s; attack AUC %s\n' \
    "$(field "$work/r.json" "'%.3f' % r['quality']['overall']")" \
    "$(field "$work/r.json" "'%.3f' % r['quality']['properties']['column_shapes']")" \
    "$(field "$work/r.json" "'%.3f' % r['quality']['properties']['column_pair_trends']")" \
    "$(field "$work/r.json" "'%.3f / %.3f' % (r['ml_utility']['train_real_test_real']['r2'], r['ml_utility']['train_synthetic_test_real']['r2'])")" \
    "$(field "$work/r.json" "'%.1f%%' % (100 * r['privacy'][0]['dcr']['share_below_threshold'])")" \
    "$(field "$work/r.json" "'%.3f' % r['privacy'][0]['membership_inference']['auc']")"
  printf '    attribute inference of clarity from (cut, color): training rows %s, marginal baseline %s, holdout %s\n' \
    "$(field "$work/r.json" "'%.3f' % r['privacy'][0]['attribute_inference']['accuracy']")" \
    "$(field "$work/r.json" "'%.3f' % r['privacy'][0]['attribute_inference']['baseline']")" \
    "$(field "$work/r.json" "'%.3f' % r['privacy'][0]['attribute_inference']['holdout_accuracy']")"
done

# Sanity: diamonds against itself with every column shuffled on its own.
awk -F, 'NR == 1 { print; next }
  { n++; for (j = 1; j <= NF; j++) col[j, n] = $j; w = NF }
  END {
    srand(5)
    for (j = 1; j <= w; j++)
      for (i = n; i > 1; i--) { k = int(rand() * i) + 1; t = col[j, i]; col[j, i] = col[j, k]; col[j, k] = t }
    for (i = 1; i <= n; i++) {
      line = col[1, i]
      for (j = 2; j <= w; j++) line = line "," col[j, i]
      print line
    }
  }' "$DATA" >"$work/shuffled_columns.csv"
"$SEEDFORGE" report --real "$DATA" --synthetic "$work/shuffled_columns.csv" --json "$work/s.json" -q
printf 'diamonds vs shuffled columns: quality %s (shapes %s, pairs %s) — pairs should be low\n' \
  "$(field "$work/s.json" "'%.3f' % r['quality']['overall']")" \
  "$(field "$work/s.json" "'%.3f' % r['quality']['properties']['column_shapes']")" \
  "$(field "$work/s.json" "'%.3f' % r['quality']['properties']['column_pair_trends']")"
