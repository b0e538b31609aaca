#!/usr/bin/env bash
# CTGAN seconds per epoch: seedforge against the reference implementation
# (sdv-dev/CTGAN, Python) on the same CSV files, architecture (generator and
# discriminator 256,256; embedding 128; pac 10), batch size and thread count,
# on this machine. Runs alternate (ours, reference, ours, ...) so that load
# from other jobs hits both alike; the table shows the median of REPEATS runs
# each and the ratio ours / reference.
#
# Usage: CTGAN_REF=/path/to/harness bench/ctgan_reference.sh
#   SEEDFORGE=path/to/seedforge   binary (default build/seedforge)
#   PYTHON=python3                interpreter with torch, numpy, pandas, scikit-learn, tqdm
#   DATA=dir                      datasets (default ../shared/data beside the repo)
#   DATASETS="diamonds birdstrikes"  EPOCHS=3  BATCH=500  THREADS=2  REPEATS=3
#
# Seconds per epoch count the training loop only (after the data transform)
# on both sides: seedforge's own figure ("s/epoch" in `learn`'s summary), and
# the harness's timing of the reference's epoch loop.
#
# The harness is not part of this repository. To assemble it (tested with
# Debian bookworm's python3-torch 1.13.1, python3-sklearn 1.2.1,
# python3-pandas 1.5.3, python3-tqdm; the same LibTorch as seedforge's):
#   $CTGAN_REF/ctgan/synthesizers/ctgan.py   from sdv-dev/CTGAN (the CTGAN
#       class, its fit loop unchanged; timed: commit 011d408, whose fit
#       calls DataSampler.sample_data(train_data, n, col, opt));
#   $CTGAN_REF/ctgan/data_sampler.py         from sdv-dev/CTGAN (commit
#       06f749f), with sample_data taking the data as its first argument;
#   $CTGAN_REF/ctgan/data_transformer.py     an sdv-dev/CTGAN version (commit
#       06f749f) that fits sklearn's BayesianGaussianMixture directly (before
#       rdt's ClusterBasedNormalizer), so only rdt's OneHotEncodingTransformer is
#       needed: $CTGAN_REF/rdt/transformers.py, a few lines (fit records the
#       distinct values as `dummies`, transform one-hot encodes, reverse takes
#       the argmax);
#   $CTGAN_REF/ctgan/synthesizers/base.py    BaseSynthesizer and a random_state
#       decorator that only calls through (the fit loop does not use them);
#   $CTGAN_REF/run.py                        the driver:
#       run.py --csv F --epochs N --batch B --threads T
#     reads F with pandas (object columns are discrete, the others float),
#     sets torch.set_num_threads(T), builds CTGAN(epochs=N, batch_size=B,
#     pac=10) with the default dimensions, replaces the tqdm used by fit's
#     epoch loop with a generator that timestamps each epoch, and prints
#     "... S s/epoch", S = (last timestamp - first) / N.
#
# OpenBLAS 0.3.21 (Debian's) does not recognise some virtual CPUs and falls
# back to its Prescott (SSE3) kernels; OPENBLAS_CORETYPE=SkylakeX or Haswell
# selects a better one. It applies to both sides alike, since both run the
# same libopenblas; the script passes the environment through unchanged.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
SEEDFORGE=${SEEDFORGE:-$here/build/seedforge}
PYTHON=${PYTHON:-python3}
DATA=${DATA:-$here/../shared/data}
DATASETS=${DATASETS:-"diamonds birdstrikes"}
EPOCHS=${EPOCHS:-3}
BATCH=${BATCH:-500}
THREADS=${THREADS:-2}
REPEATS=${REPEATS:-3}
if [[ -z "${CTGAN_REF:-}" || ! -f "$CTGAN_REF/run.py" ]]; then
  echo "ctgan_reference: set CTGAN_REF to the harness directory (see the comment at the top)" >&2
  exit 2
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# prepare DATASET OUT (the table both programs read).
source "$here/bench/reference_data.sh"

median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

printf '%-12s %7s %6s %5s %7s %12s %12s %7s\n' dataset rows epochs batch threads ours_s/ep ref_s/ep ratio
for ds in $DATASETS; do
  csv="$work/$ds.csv"
  prepare "$ds" "$csv"
  rows=$(($(wc -l <"$csv") - 1))
  : >"$work/ours" && : >"$work/ref"
  for ((i = 0; i < REPEATS; i++)); do
    "$SEEDFORGE" learn --from "$csv" --model ctgan --epochs "$EPOCHS" --batch-size "$BATCH" --threads "$THREADS" \
      --out "$work/model" 2>&1 | sed -nE '1s|.*, ([0-9.]+) s/epoch.*|\1|p' >>"$work/ours"
    (cd "$CTGAN_REF" && "$PYTHON" run.py --csv "$csv" --epochs "$EPOCHS" --batch "$BATCH" --threads "$THREADS" 2>/dev/null) |
      sed -nE 's|.* ([0-9.]+) s/epoch.*|\1|p' >>"$work/ref"
  done
  ours=$(median <"$work/ours")
  ref=$(median <"$work/ref")
  printf '%-12s %7s %6s %5s %7s %12s %12s %7s\n' "$ds" "$rows" "$EPOCHS" "$BATCH" "$THREADS" "$ours" "$ref" \
    "$(awk -v a="$ours" -v b="$ref" 'BEGIN {printf "%.2f", a / b}')"
  echo "  ours: $(tr '\n' ' ' <"$work/ours")  reference: $(tr '\n' ' ' <"$work/ref")"
done
