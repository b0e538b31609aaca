#!/usr/bin/env bash
# Loading speed: `seedforge load` (COPY while generating) against `psql \copy`
# of ready CSV files of the same rows, into a throwaway PostgreSQL 15 server.
#
# Usage: bench/load_bench.sh [path/to/seedforge] [customers]
#   customers: 20000 gives about 1,000,000 rows of the banking domain.
# Prints rows/s of both and their ratio (load / \copy). Needs PostgreSQL 15
# binaries (scripts/install-deps.sh); runs the server as `postgres` when root.
set -euo pipefail
bin=$(realpath "${1:-build/seedforge}")
customers=${2:-20000}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/seedforge-loadbench-XXXXXX)
chmod 755 "$work"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_pg[@]}" "$pgbin/initdb" -D "$work/data" -A trust -U bench -E UTF8 --locale=C >/dev/null
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$work/data" -l "$work/log" -w \
  -o "-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_wal_size=4GB" start >/dev/null
uri="postgresql://bench@127.0.0.1:$port"
psql() { "$pgbin/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }

now() { date +%s.%N; }
args=(--domain banking --rows "customers=$customers" --seed 1 --as-of 2026-01-01)

# 1. seedforge load, schema created in the same transaction.
psql "$uri/postgres" -c "CREATE DATABASE via_load"
t0=$(now)
"$bin" load "${args[@]}" --db "$uri/via_load" --create-schema -q
t1=$(now)
rows=$(psql "$uri/via_load" -At -c "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM accounts) + (SELECT count(*) FROM transactions) + (SELECT count(*) FROM campaigns) + (SELECT count(*) FROM campaign_contacts) + (SELECT count(*) FROM campaign_events)")

# 2. The same rows as ready CSV files, loaded with psql \copy in one
# transaction, foreign keys added afterwards as `load` does. Generating the
# files is not timed.
"$bin" generate "${args[@]}" --format csv --out "$work/csv" -q
"$bin" generate "${args[@]}" --format ddl --out "$work/ddl" -q
psql "$uri/postgres" -c "CREATE DATABASE via_copy"
script="$work/copy.sql"
{
  echo "BEGIN;"
  sed -n '/^CREATE TABLE/,/^);/p' "$work/ddl/banking.ddl.sql"
  for t in customers accounts campaigns transactions campaign_contacts campaign_events; do
    echo "\\copy $t FROM '$work/csv/$t.csv' WITH (FORMAT csv, HEADER true)"
  done
  sed -n '/^ALTER TABLE/,/;$/p' "$work/ddl/banking.ddl.sql"
  echo "COMMIT;"
} >"$script"
t2=$(now)
psql "$uri/via_copy" -f "$script"
t3=$(now)

python3 - "$rows" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
rows = int(sys.argv[1]); t0, t1, t2, t3 = map(float, sys.argv[2:])
load, copy = t1 - t0, t3 - t2
print(f"banking rows: {rows}")
print(f"seedforge load: {load:.2f} s, {rows / load:,.0f} rows/s (generation included)")
print(f"psql \\copy of ready CSV: {copy:.2f} s, {rows / copy:,.0f} rows/s")
print(f"ratio load / \\copy (rows/s): {copy / load:.2f}")
PY
