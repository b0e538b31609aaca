#!/usr/bin/env bash
# What differential privacy costs CTGAN and TVAE (DP-SGD, docs/privacy-neural.md):
# per model and budget (not private, epsilon 10, epsilon 1; delta 1e-5 by
# default), fit seconds, the noise multiplier and steps planned, the quality
# score of `seedforge report` (SDMetrics' Column Shapes, Column Pair Trends
# and their mean) and its membership-inference attack AUC (0.5 = no signal;
# the issue asks <= 0.55 at epsilon <= 10) against held-out rows.
#
# Data: a seeded sample of TRAIN rows of diamonds (53,940 rows) to train on
# and HOLDOUT other rows the models never see. The public bounds and
# categories are bench/dp_public/diamonds.args (what a domain would declare:
# carat 0-6, price 0-20,000, the GIA grades, ...), not read from the data.
#
# Usage: bench/dp_neural_bench.sh
#   SEEDFORGE=path/to/seedforge  DATA=dir (default ../shared/data)
#   SYNTHS="tvae ctgan"  EPSILONS="0 10 1" (0 = not private)  EPOCHS=20  BATCH=500
#   TRAIN=10000  HOLDOUT=5000  THREADS=1 (training threads; docs/privacy-neural.md used 1)
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$here/build
SEEDFORGE=${SEEDFORGE:-$build/seedforge}
DATA=${DATA:-$here/../shared/data}
SYNTHS=${SYNTHS:-"tvae ctgan"}
EPSILONS=${EPSILONS:-"0 10 1"}
EPOCHS=${EPOCHS:-20}
BATCH=${BATCH:-500}
TRAIN=${TRAIN:-10000}
HOLDOUT=${HOLDOUT:-5000}
export THREADS=${THREADS:-1}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A seeded shuffle of the rows, split into train and holdout.
head -n1 "$DATA/diamonds.csv" >"$work/train.csv"
cp "$work/train.csv" "$work/holdout.csv"
tail -n +2 "$DATA/diamonds.csv" | awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort -k1,1 | cut -f2- \
  | awk -v t="$TRAIN" -v h="$HOLDOUT" -v dir="$work" \
      'NR <= t { print >> (dir "/train.csv") } NR > t && NR <= t + h { print >> (dir "/holdout.csv") }'

mapfile -t public <"$here/bench/dp_public/diamonds.args"

printf '%-6s %-8s %7s %8s %6s %7s %7s %7s %8s\n' model epsilon fit_s sigma steps shapes pairs quality mia_auc
for model in $SYNTHS; do
  for eps in $EPSILONS; do
    out="$work/$model.$eps"
    private=()
    [[ $eps != 0 ]] && private=(--dp --epsilon "$eps" "${public[@]}")
    fit=$("$SEEDFORGE" learn --from "$work/train.csv" --model "$model" --epochs "$EPOCHS" --batch-size "$BATCH" \
            --threads "$THREADS" ${private[@]+"${private[@]}"} --out "$out.model" 2>&1)
    "$SEEDFORGE" sample --model "$out.model" --rows "$TRAIN" --seed 2 --out "$out.csv" -q
    "$SEEDFORGE" report --real "$work/train.csv" --synthetic "$out.csv" --holdout "$work/holdout.csv" \
      --json "$out.json" -q
    read -r shapes pairs overall auc < <(python3 - "$out.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
q = r["quality"]
p = q["properties"]
def get(name):
    for item in p if isinstance(p, list) else [{"name": k, "score": v} for k, v in p.items()]:
        if item.get("name", "").lower().replace(" ", "_") == name:
            return item.get("score")
    return float("nan")
auc = r["privacy"][0]["membership_inference"]["auc"]
print(f"{get('column_shapes'):.3f} {get('column_pair_trends'):.3f} {q['overall']:.3f} {auc:.3f}")
PY
)
    sigma=$(sed -nE 's/.*noise multiplier ([0-9.]+).*/\1/p' <<<"$fit" | head -n1); sigma=${sigma:--}
    steps=$(sed -nE 's/.*, steps ([0-9]+).*/\1/p' <<<"$fit" | head -n1); steps=${steps:--}
    secs=$(sed -nE 's/.* in ([0-9.]+) s .*/\1/p' <<<"$fit" | head -n1)
    printf '%-6s %-8s %7s %8s %6s %7s %7s %7s %8s\n' "$model" "$([[ $eps == 0 ]] && echo none || echo "$eps")" \
      "$secs" "$sigma" "$steps" "$shapes" "$pairs" "$overall" "$auc"
  done
done
