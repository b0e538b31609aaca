#!/usr/bin/env bash
# Multi-table quality of `seedforge learn --from`: a database learned whole,
# generated at its own size, scored by `seedforge report` with SDMetrics'
# multi-table definitions (Column Shapes, Column Pair Trends, Cardinality,
# Intertable Trends, and their mean). Also times the learning and the
# generation (rows/s of the synthetic copy, one thread and all cores).
#
# Usage: bench/multitable_quality.sh [path/to/seedforge]
#   DATASETS="chinook banking"   which databases
#   SEEDS="1 2 3"                learning and generation seeds (figures per seed and their mean)
#   KEEP=dir                     keep the real CSV, learned domains and synthetic files there
#
# chinook: seeds/chinook/Chinook_PostgreSql.sql loaded into a throwaway
#   PostgreSQL server (`seedforge sandbox`), learned with `learn --from URI`;
#   its tables exported with \copy are the real side of the report.
# banking: seeds/banking (customers.csv, accounts.csv), learned with
#   `learn --from seeds/banking` (links inferred).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-$here/build/seedforge}")
DATASETS=${DATASETS:-"chinook banking"}
SEEDS=${SEEDS:-"1 2 3"}
work=${KEEP:-$(mktemp -d /tmp/seedforge-mtq-XXXXXX)}
mkdir -p "$work"
chmod 755 "$work"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
sandbox="$work/sandbox"
cleanup() {
  "$bin" sandbox down --dir "$sandbox" >/dev/null 2>&1 || true
  [[ -n "${KEEP:-}" ]] || rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# real DIR, learned domain, synthetic DIR -> one line of figures
score() {
  "$bin" report --real "$1" --synthetic "$3" --domain "$2" --json "$3.json" -q -j 0 >/dev/null
  python3 - "$3.json" <<'PY'
import json, sys
q = json.load(open(sys.argv[1]))["quality"]
p = dict(q["properties"], overall=q["overall"])
def f(k):
    v = p.get(k)
    return "n/a" if v is None else f"{v:.3f}"
print(f"shapes {f('column_shapes')}  pairs {f('column_pair_trends')}  cardinality {f('cardinality')}  "
      f"intertable {f('intertable_trends')}  overall {f('overall')}")
PY
}

rows_in() { find "$1" -name '*.csv' -exec cat {} + | wc -l; }

for dataset in $DATASETS; do
  case $dataset in
    chinook)
      uri=$("$bin" sandbox up --dir "$sandbox")
      psql "$uri" -f "$here/seeds/chinook/Chinook_PostgreSql.sql" >/dev/null 2>&1
      curi="${uri%/*}/chinook"
      real="$work/chinook-real"
      mkdir -p "$real"
      for t in $(psql "$curi" -At -c "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
        psql "$curi" -c "\\copy (SELECT * FROM $t) TO '$real/$t.csv' CSV HEADER"
      done
      from="$curi" ;;
    banking)
      real="$here/seeds/banking"
      from="$real" ;;
    *) echo "unknown dataset $dataset" >&2; exit 2 ;;
  esac
  for seed in $SEEDS; do
    learned="$work/$dataset-learned-$seed"
    rm -rf "$learned"
    t0=$(now)
    "$bin" learn --from "$from" --out "$learned" --seed "$seed" -q
    t1=$(now)
    synth="$work/$dataset-synth-$seed"
    rm -rf "$synth"
    "$bin" generate --domain "$learned/domain.yaml" --seed "$seed" --scale "${SCALE:-1}" --format csv --out "$synth" -q
    line=$(score "$real" "$learned/domain.yaml" "$synth")
    printf '%-8s seed %s  learn %5.1f s  %s\n' "$dataset" "$seed" "$(echo "$t1 - $t0" | bc)" "$line"
  done
  # Sampling speed at scale: the learned domain at --scale 100 (one thread, then all cores), to /dev/null-like tmpfs.
  big="$work/$dataset-big"
  for threads in 1 0; do
    rm -rf "$big"
    t0=$(now)
    "$bin" generate --domain "$learned/domain.yaml" --scale 100 --format csv --out "$big" -q -j $threads
    t1=$(now)
    n=$(rows_in "$big")
    printf '%-8s generate --scale 100 -j %s: %s rows in %.2f s = %.0f rows/s\n' "$dataset" "$threads" "$n" \
      "$(echo "$t1 - $t0" | bc)" "$(echo "$n / ($t1 - $t0)" | bc -l)"
  done
  rm -rf "$big"
  [[ $dataset == chinook ]] && "$bin" sandbox down --dir "$sandbox" >/dev/null
done
