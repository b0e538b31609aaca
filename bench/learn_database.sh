#!/usr/bin/env bash
# Learning a whole database: about 1,000,000 rows in a throwaway PostgreSQL
# server (bench/learn_shop.yaml loaded by seedforge itself: customers,
# products, orders, order lines), then
#   1. seedforge learn --from URI --out DIR   wall time and peak RSS (/usr/bin/time -v)
#   2. seedforge generate --domain DIR/domain.yaml   rows/s
# Targets (issue 13): learning under 5 minutes on 2 cores with peak memory
# under 2 GB; generating at 100,000 rows/s or more.
#
# Usage: bench/learn_database.sh [path/to/seedforge] [customers] [--db-only]
#   customers: 20000 (the default) gives about 986,000 rows.
#   --db-only: build the database and print its row counts, learn nothing.
#   SAMPLE_ROWS=N in the environment learns with --sample-rows N.
# Needs PostgreSQL binaries (scripts/install-deps.sh); the sandbox runs the
# server as `postgres` when root.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/seedforge}")
customers=${2:-20000}
db_only=${3:-}
work=$(mktemp -d /tmp/seedforge-learnbench-XXXXXX)
chmod 755 "$work"
cleanup() {
  "$bin" sandbox down --dir "$work/pg" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
now() { date +%s.%N; }
since() { python3 -c "print(f'{$(now) - $1:.1f}')"; }

uri=$("$bin" sandbox up --dir "$work/pg" | grep -o 'postgresql://[^ ]*' | head -1)
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

# The database: generated and loaded by seedforge, then analyzed so that the
# catalog's row counts are what a production database's would be.
t0=$(now)
"$bin" load --domain bench/learn_shop.yaml --rows "customers=$customers" --seed 1 --db "$uri" --create-schema -q
psql "$uri" -c "ANALYZE"
echo "database: built in $(since "$t0") s"
total=0
for t in customers products orders order_lines; do
  n=$(psql "$uri" -At -c "SELECT count(*) FROM $t")
  printf '  %-12s %9d rows\n' "$t" "$n"
  total=$((total + n))
done
printf '  %-12s %9d rows, %s on disk\n' total "$total" \
  "$(psql "$uri" -At -c "SELECT pg_size_pretty(pg_database_size(current_database()))")"
[[ "$db_only" == --db-only ]] && exit 0

if ! "$bin" learn --help | grep -q -- '--sample-rows'; then
  echo "learn: this seedforge cannot learn from a database yet (no learn --from URI); stopping after the database" >&2
  exit 2
fi

# 1. Learning.
sample=()
[[ -n "${SAMPLE_ROWS:-}" ]] && sample=(--sample-rows "$SAMPLE_ROWS")
/usr/bin/time -v -o "$work/learn.time" "$bin" learn --from "$uri" "${sample[@]}" --out "$work/learned" \
  >"$work/learn.log" 2>&1 || { cat "$work/learn.log" "$work/learn.time"; exit 1; }
wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/learn.time")
rss_kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/learn.time")
cpu=$(sed -n 's/.*Percent of CPU this job got: //p' "$work/learn.time")
echo "learn --from ${sample[*]}: wall $wall, peak RSS $((rss_kb / 1024)) MB, CPU $cpu (target: under 5:00 and 2048 MB)"
ls -la "$work/learned" "$work/learned/models" 2>/dev/null | sed 's/^/  /'

# 2. Generating from what was learned, at the database's size.
t0=$(now)
"$bin" generate --domain "$work/learned/domain.yaml" --seed 1 --format csv --out "$work/synth" -q
seconds=$(since "$t0")
rows=0
for f in "$work"/synth/*.csv; do rows=$((rows + $(wc -l <"$f") - 1)); done
echo "generate: $rows rows in $seconds s, $(python3 -c "print(round($rows / max($seconds, 1e-9)))") rows/s (target: 100000)"
