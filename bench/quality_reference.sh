#!/usr/bin/env bash
# Quality of seedforge's CTGAN and TVAE against the reference implementations
# (sdv-dev/CTGAN's CTGAN and TVAE, Python, with SDV's default pre- and
# post-processing) on the same CSV files, epochs and batch size: per dataset,
# model, program and seed, the quality score as SDMetrics' QualityReport
# defines it (Column Shapes, Column Pair Trends and their mean), computed by
# `seedforge report` against the same real CSV for every synthetic file; then
# the mean and range over the seeds. Seedforge's Gaussian copula is scored on
# the same data for comparison (no reference run).
#
# Usage: CTGAN_REF=/path/to/harness bench/quality_reference.sh
#   SEEDFORGE=path/to/seedforge   binary (default build/seedforge)
#   PYTHON=python3                interpreter with torch, numpy, pandas, scikit-learn, tqdm
#   DATA=dir                      datasets (default ../shared/data beside the repo)
#   DATASETS="penguins birdstrikes"  MODELS="ctgan tvae" (empty: none)  SEEDS="1 2 3"
#   EPOCHS=300  BATCH=500         SDV's defaults
#   THREADS=2                     training threads, both programs
#   PROGRAMS="seedforge reference"  either or both
#   COPULA=1                      also score seedforge's copula (0: skip)
#   KEEP=dir                      keep the prepared and synthetic CSV files there
#
# Both programs see the same table: the dataset as bench/ctgan_reference.sh
# prepares it (birdstrikes' date as a day number, rows without a speed
# dropped; the others as they are). Seedforge: `learn --model M --epochs E
# --batch-size B --seed S`, then `sample --rows <real rows> --seed 2`. The
# reference: the harness's run.py --model M --epochs E --batch B --seed S
# --sample-out F (as many rows as the real table). Each synthetic file is
# scored with `seedforge report --real <prepared CSV>`.
#
# The harness is the one of bench/ctgan_reference.sh (its header says how to
# assemble it), with two additions:
#   $CTGAN_REF/ctgan/synthesizers/tvae.py    from sdv-dev/CTGAN (commit
#       023b1dd: TVAESynthesizer, the DataTransformer interface of the
#       CTGAN above), unchanged but for an alias TVAE = TVAESynthesizer;
#   $CTGAN_REF/run.py, four more options:
#       --model ctgan|tvae   which synthesizer (default ctgan);
#       --sample-out F --sample-rows N   after training, write N sampled rows
#           (default: as many as the input) to F;
#       --raw-output         write the models' numbers without the following;
#     and the pre- and post-processing SDV applies around either model by
#     default (SDV's DataProcessor, enforce_rounding and
#     enforce_min_max_values on; rdt's FloatFormatter with
#     missing_value_replacement='mean', missing_value_generation='random'):
#     a numeric column's NULLs are filled with its mean for training and
#     come back as NULLs at the observed rate; sampled numbers are clipped
#     to the column's [min, max] and rounded to the fewest decimals (at
#     most 14) that keep every real value (no fraction written when 0);
#     discrete columns come back as the original strings, NULL (the
#     category 'nan' to the model) as an empty field. The CSV is read with
#     only empty fields as NULL (keep_default_na=False), as seedforge reads it.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SEEDFORGE=${SEEDFORGE:-$here/build/seedforge}
PYTHON=${PYTHON:-python3}
DATA=${DATA:-$here/../shared/data}
DATASETS=${DATASETS:-"penguins birdstrikes"}
MODELS=${MODELS-"ctgan tvae"}  # MODELS= (empty) with COPULA=1: the copula only
SEEDS=${SEEDS:-"1 2 3"}
EPOCHS=${EPOCHS:-300}
BATCH=${BATCH:-500}
THREADS=${THREADS:-2}
PROGRAMS=${PROGRAMS:-"seedforge reference"}
COPULA=${COPULA:-1}
if [[ " $PROGRAMS " == *" reference "* && ( -z "${CTGAN_REF:-}" || ! -f "${CTGAN_REF:-}/run.py" ) ]]; then
  echo "quality_reference: set CTGAN_REF to the harness directory (see the comment at the top)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-$work}
mkdir -p "$keep"

# prepare DATASET OUT: the same table as bench/ctgan_reference.sh.
source "$here/bench/reference_data.sh"

# score REAL SYNTHETIC: "shapes pairs overall" from `seedforge report`.
score() {
  "$SEEDFORGE" report --real "$1" --synthetic "$2" --json "$work/report.json" -q
  "$PYTHON" - "$work/report.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))["quality"]
p = q["properties"]
print(f"{p['column_shapes']:.3f} {p['column_pair_trends']:.3f} {q['overall']:.3f}")
PY
}

# summary FILE: "mean [min, max]" of each of the three columns of FILE.
summary() {
  awk '{for (i = 1; i <= 3; i++) {s[i] += $i; if (NR == 1 || $i < lo[i]) lo[i] = $i; if (NR == 1 || $i > hi[i]) hi[i] = $i}}
       END {for (i = 1; i <= 3; i++) printf "%s%.3f [%.3f-%.3f]", (i > 1 ? "  " : ""), s[i] / NR, lo[i], hi[i]; print ""}' "$1"
}

line() { printf '%-12s %-6s %-9s %4s  %s\n' "$@"; }

line dataset model program seed "shapes pairs quality"
for ds in $DATASETS; do
  real="$keep/$ds.csv"
  prepare "$ds" "$real"
  rows=$(($(wc -l <"$real") - 1))
  models=$MODELS
  [[ $COPULA != 0 ]] && models="copula $models"
  for model in $models; do
    programs=$PROGRAMS
    [[ $model == copula ]] && programs=seedforge
    for program in $programs; do : >"$work/$program.scores"; done
    for seed in $SEEDS; do
      for program in $programs; do
        syn="$keep/$ds.$model.$program.$seed.csv"
        if [[ $program == seedforge ]]; then
          "$SEEDFORGE" learn --from "$real" --model "$model" --epochs "$EPOCHS" --batch-size "$BATCH" \
            --seed "$seed" --threads "$THREADS" --out "$work/model" -q
          "$SEEDFORGE" sample --model "$work/model" --rows "$rows" --seed 2 --out "$syn" -q
        else
          (cd "$CTGAN_REF" && "$PYTHON" run.py --csv "$real" --model "$model" --epochs "$EPOCHS" --batch "$BATCH" \
            --threads "$THREADS" --seed "$seed" --sample-out "$syn" --sample-rows "$rows" >"$work/ref.log" 2>&1) ||
            { cat "$work/ref.log" >&2; exit 1; }
        fi
        s=$(score "$real" "$syn")
        echo "$s" >>"$work/$program.scores"
        line "$ds" "$model" "$program" "$seed" "$(printf '%6s %6s %7s' $s)"
      done
    done
    for program in $programs; do
      line "$ds" "$model" "$program" mean "$(summary "$work/$program.scores")"
    done
  done
done
