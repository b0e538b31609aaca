#!/usr/bin/env bash
# What differential privacy costs the Gaussian copula: per dataset of
# ../shared/data/, the quality score of `seedforge report` (SDMetrics'
# QualityReport: Column Shapes, Column Pair Trends, overall) and the
# membership-inference attack's ROC AUC, for the copula without privacy and
# with `learn --dp` at epsilon 1 and 10. Each dataset is split 80/20 by a
# seeded shuffle: the synthesizer learns from the 80%, the 20% is the
# attack's holdout (rows it never saw). Bounds and category lists that are
# public knowledge of the domain (a diamond's clarity grades, a penguin's
# species) are declared in bench/dp_public/DATASET.args, one option a line;
# whatever a dataset does not declare (all of birdstrikes) is paid for by a
# share of epsilon (BOUNDS_BUDGET). DP noise comes from the OS, so private
# runs differ: each is repeated REPEATS times and the mean printed, with
# the range.
#
# Usage: bench/dp_bench.sh
#   SEEDFORGE=path/to/seedforge   binary (default build/seedforge)
#   DATA=dir                      datasets (default ../shared/data beside the repo)
#   DATASETS="diamonds birdstrikes penguins"   EPSILONS="1 10"
#   BOUNDS_BUDGET=0.2             share of epsilon for undeclared bounds and categories
#   REPEATS=3                     private fits per setting
#   SPLIT_SEED=7                  seed of the 80/20 shuffle
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SEEDFORGE=${SEEDFORGE:-$here/build/seedforge}
DATA=${DATA:-$here/../shared/data}
DATASETS=${DATASETS:-"diamonds birdstrikes penguins"}
EPSILONS=${EPSILONS:-"1 10"}
BOUNDS_BUDGET=${BOUNDS_BUDGET:-0.2}
REPEATS=${REPEATS:-3}
SPLIT_SEED=${SPLIT_SEED:-7}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# split REAL TRAIN HOLDOUT: a seeded 80/20 split of the rows.
split() {
  python3 - "$1" "$2" "$3" "$SPLIT_SEED" <<'PY'
import random, sys
lines = open(sys.argv[1], newline="").read().splitlines(keepends=True)
head, rows = lines[0], lines[1:]
random.Random(int(sys.argv[4])).shuffle(rows)
cut = len(rows) * 4 // 5
open(sys.argv[2], "w", newline="").writelines([head] + rows[:cut])
open(sys.argv[3], "w", newline="").writelines([head] + rows[cut:])
PY
}

# score MODEL TRAIN HOLDOUT: "shapes pairs overall mia_auc".
score() {
  local rows
  rows=$(($(wc -l <"$2") - 1))
  "$SEEDFORGE" sample --model "$1" --rows "$rows" --seed 2 --out "$work/s.csv" -q
  "$SEEDFORGE" report --real "$2" --holdout "$3" --synthetic "$work/s.csv" --json "$work/r.json" -q
  python3 - "$work/r.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
q = r["quality"]
p = q["properties"]
items = p if isinstance(p, list) else [{"name": k, "score": v} for k, v in p.items()]
get = lambda n: next(i["score"] for i in items if i["name"].lower().replace(" ", "_") == n)
def find(o):
    if isinstance(o, dict):
        if "membership_inference" in o: return o["membership_inference"]["auc"]
        for v in o.values():
            a = find(v)
            if a is not None: return a
    if isinstance(o, list):
        for v in o:
            a = find(v)
            if a is not None: return a
    return None
print(f"{get('column_shapes'):.3f} {get('column_pair_trends'):.3f} {q['overall']:.3f} {find(r):.3f}")
PY
}

printf '%-12s %-14s %-23s %-23s %-23s %-23s\n' dataset setting shapes pairs quality mia_auc
for ds in $DATASETS; do
  split "$DATA/$ds.csv" "$work/train.csv" "$work/holdout.csv"
  "$SEEDFORGE" learn -q --from "$work/train.csv" --out "$work/m.model"
  read -r s p q a < <(score "$work/m.model" "$work/train.csv" "$work/holdout.csv")
  printf '%-12s %-14s %-23s %-23s %-23s %-23s\n' "$ds" "non-private" "$s" "$p" "$q" "$a"
  public=()
  budget=$BOUNDS_BUDGET
  if [[ -f "$here/bench/dp_public/$ds.args" ]]; then
    mapfile -t public <"$here/bench/dp_public/$ds.args"
    budget=0
  fi
  for eps in $EPSILONS; do
    : >"$work/runs"
    refused=""
    for ((k = 0; k < REPEATS; k++)); do
      # A budget too small for a column's bounds or labels is refused: say so.
      if ! "$SEEDFORGE" learn -q --from "$work/train.csv" --dp --epsilon "$eps" --bounds-budget "$budget" \
           ${public[@]+"${public[@]}"} --out "$work/m.model" 2>"$work/err"; then
        refused=$(grep -v 'warning: epsilon' "$work/err" | head -n1)
        break
      fi
      score "$work/m.model" "$work/train.csv" "$work/holdout.csv" >>"$work/runs"
    done
    if [[ -n "$refused" ]]; then
      printf '%-12s %-14s refused: %s\n' "$ds" "epsilon=$eps" "$refused"
      continue
    fi
    python3 - "$ds" "epsilon=$eps" "$work/runs" <<'PY'
import sys
rows = [list(map(float, l.split())) for l in open(sys.argv[3]) if l.strip()]
cols = list(zip(*rows))
cell = lambda c: f"{sum(c)/len(c):.3f} ({min(c):.3f}-{max(c):.3f})"
print(f"{sys.argv[1]:<12} {sys.argv[2]:<14} " + " ".join(f"{cell(c):<23}" for c in cols))
PY
  done
done
