#!/usr/bin/env bash
# Benchmarks the synthesizers on the real datasets of ../shared/data/: per
# dataset and synthesizer, fit seconds, seconds per epoch (neural models),
# sampling rows per second, and the quality score as SDMetrics'
# QualityReport defines it (Column Shapes: KS / TV complement; Column Pair
# Trends: correlation / contingency similarity; overall = their mean),
# computed by `seedforge report` on as many synthetic rows as real ones.
# Then the Gaussian copula's fit time on a generated 1,000,000 x 20 table.
#
# Usage: bench/synth_bench.sh
#   SEEDFORGE=path/to/seedforge   binary (default build/seedforge)
#   DATA=dir                      datasets (default ../shared/data beside the repo)
#   DATASETS="diamonds birdstrikes penguins"   SYNTHS="copula tvae ctgan"
#   EPOCHS=N                      epochs of the neural models (default 20; SDV's default is 300)
#   THREADS=N                     training and sampling threads (default: all cores)
#   SAMPLE_ROWS=N                 rows sampled for the rows/s figure (default 200000)
#   BIG=0                         skip the 1,000,000 x 20 copula fit
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SEEDFORGE=${SEEDFORGE:-$here/build/seedforge}
DATA=${DATA:-$here/../shared/data}
DATASETS=${DATASETS:-"diamonds birdstrikes penguins"}
SYNTHS=${SYNTHS:-"copula tvae ctgan"}
EPOCHS=${EPOCHS:-20}
THREADS=${THREADS:-0}
SAMPLE_ROWS=${SAMPLE_ROWS:-200000}
BIG=${BIG:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# field LINE REGEX: the first capture group of REGEX in LINE, or "-".
field() { sed -nE "s|.*$2.*|\1|p" <<<"$1" | head -n1 | grep . || echo "-"; }

printf '%-12s %-7s %7s %9s %9s %11s %7s %7s %7s\n' dataset model epochs fit_s s/epoch sample_r/s shapes pairs quality
for ds in $DATASETS; do
  real="$DATA/$ds.csv"
  rows=$(($(wc -l <"$real") - 1))
  for model in $SYNTHS; do
    out="$work/$ds.$model"
    learn=$("$SEEDFORGE" learn --from "$real" --model "$model" --epochs "$EPOCHS" --threads "$THREADS" \
              --out "$out.model" 2>&1)
    learn=${learn%%$'\n'*}  # the summary line
    fit=$(field "$learn" ' in ([0-9.]+) s')
    per_epoch=$(field "$learn" ', ([0-9.]+) s/epoch')
    epochs=$(field "$learn" '\(([0-9]+) epochs')
    sample=$("$SEEDFORGE" sample --model "$out.model" --rows "$SAMPLE_ROWS" --threads "$THREADS" \
               --out "$out.big.csv" 2>&1)
    rate=$(field "$sample" '\(([0-9]+) rows/s\)')
    "$SEEDFORGE" sample --model "$out.model" --rows "$rows" --seed 2 --out "$out.csv" -q
    "$SEEDFORGE" report --real "$real" --synthetic "$out.csv" --json "$out.json" -q
    read -r shapes pairs overall < <(python3 - "$out.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))["quality"]
p = q["properties"]
def get(name):
    for item in p if isinstance(p, list) else [{"name": k, "score": v} for k, v in p.items()]:
        if item.get("name", "").lower().replace(" ", "_") == name:
            return item.get("score")
    return float("nan")
print(f"{get('column_shapes'):.3f} {get('column_pair_trends'):.3f} {q['overall']:.3f}")
PY
)
    printf '%-12s %-7s %7s %9s %9s %11s %7s %7s %7s\n' "$ds" "$model" "$epochs" "$fit" "$per_epoch" "$rate" \
      "$shapes" "$pairs" "$overall"
    rm -f "$out.big.csv"
  done
done

if [[ "$BIG" != 0 ]]; then
  # 1,000,000 x 20: 14 numeric columns built from 4 latent normals (so they
  # correlate), 4 categorical and 2 integer columns.
  awk 'BEGIN {
    srand(11); pi = 3.141592653589793
    printf "n1"; for (i = 2; i <= 14; i++) printf ",n%d", i
    print ",c1,c2,c3,c4,i1,i2"
    for (r = 0; r < 1000000; r++) {
      for (k = 0; k < 4; k++) z[k] = sqrt(-2 * log(1 - rand())) * cos(2 * pi * rand())
      line = ""
      for (i = 0; i < 14; i++) {
        e = sqrt(-2 * log(1 - rand())) * cos(2 * pi * rand())
        v = z[i % 4] * 0.8 + e * 0.6
        if (i % 3 == 1) v = exp(v)
        line = line (i ? "," : "") sprintf("%.4f", v * 10 + 50)
      }
      line = line "," (z[0] > 0.5 ? "high" : z[0] > -0.5 ? "mid" : "low")
      line = line "," substr("ABCDEFGH", int(rand() * 8) + 1, 1)
      line = line "," (z[1] > 0 ? "yes" : "no")
      line = line "," (rand() < 0.9 ? "common" : "rare")
      line = line "," int(z[2] * 15 + 100) "," int(rand() * 1000)
      print line
    }
  }' >"$work/big.csv"
  learn=$("$SEEDFORGE" learn --from "$work/big.csv" --model copula --out "$work/big.model" 2>&1)
  learn=${learn%%$'\n'*}
  echo
  echo "copula on 1,000,000 x 20: fit $(field "$learn" ' in ([0-9.]+) s') s (reading the CSV: $(field "$learn" 'read ([0-9.]+) s') s)"
fi
