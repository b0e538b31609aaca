#!/usr/bin/env bash
# PII detection: precision and recall per kind on the labelled corpus of
# tests/pii_corpus_test.cpp (tests/fixtures/pii_corpus.yaml at seeds 1-3,
# plus look-alikes, each column under helpful, neutral and misleading
# headers), then the time `seedforge profile` takes on the corpus's 37
# columns at ROWS rows (the detector reads at most 5,000 values a column;
# the rest is reading, typing and summarizing).
#
# Usage: bench/pii_detection.sh
#   BUILD=build   ROWS=200000   REPEATS=3   SEEDS=3 (corpus seeds 1-SEEDS; the test runs 3)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
ROWS=${ROWS:-200000}
REPEATS=${REPEATS:-3}
SEEDS=${SEEDS:-3}
TESTS=$BUILD/seedforge_tests
SEEDFORGE=$BUILD/seedforge

echo "== precision and recall per kind (labelled corpus, seeds 1-$SEEDS) =="
SEEDFORGE_PII_SEEDS=$SEEDS "$TESTS" --gtest_filter='PiiCorpus.*' 2>&1 | sed -n '/^kind /,/^all: /p;/miss:/p'

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$SEEDFORGE" generate -q --as-of 2026-01-01 -d tests/fixtures/pii_corpus.yaml --rows corpus="$ROWS" --out "$work"
bytes=$(stat -c %s "$work/corpus.csv")
echo
echo "== seedforge profile on $ROWS rows x 42 columns ($((bytes / 1000000)) MB), median of $REPEATS =="
times=()
for _ in $(seq "$REPEATS"); do
  start=$(date +%s.%N)
  "$SEEDFORGE" profile -q --from "$work/corpus.csv" --json "$work/p.json"
  end=$(date +%s.%N)
  times+=("$(echo "$end - $start" | bc -l)")
done
median=$(printf '%s\n' "${times[@]}" | sort -g | sed -n "$(( (REPEATS + 1) / 2 ))p")
printf 'seconds %.2f   rows/s %.0f   MB/s %.1f\n' "$median" "$(echo "$ROWS / $median" | bc -l)" \
  "$(echo "$bytes / 1000000 / $median" | bc -l)"
