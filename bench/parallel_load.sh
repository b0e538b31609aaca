#!/usr/bin/env bash
# Parallel loading speed (issue 17): `seedforge load --jobs 2` and `--jobs 1`
# against `psql \copy` of the same rows (CSV from `seedforge generate`) into
# the same schema, in one run, on one throwaway PostgreSQL server.
#
# Usage: bench/parallel_load.sh [path/to/seedforge] [customers] [repeats]
#   customers: 20000 gives about 1,000,000 rows of the banking domain;
#   repeats: rounds of the three loads (default 3), in rotating order so
#   that none always runs first on a noisy machine.
#
# The schema is the domain's DDL for all three: tables with their primary
# keys and unique indexes created before the rows, foreign keys added after
# the rows (as `load --create-schema` does, and as a careful DBA would), all
# in one transaction. Generating the CSV files is not timed; `load` times
# include generation. Prints rows/s per load and the ratios to \copy.
set -euo pipefail
bin=$(realpath "${1:-build/seedforge}")
customers=${2:-20000}
repeats=${3:-3}
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/seedforge-parallel-load-XXXXXX)
chmod 755 "$work"
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  chown postgres "$work"
  as_pg=(runuser -u postgres --)
fi
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
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
tables=(customers accounts campaigns transactions campaign_contacts campaign_events)

"$bin" generate "${args[@]}" --format csv --out "$work/csv" -q
"$bin" generate "${args[@]}" --format ddl --out "$work/ddl" -q
script="$work/copy.sql"
{
  echo "BEGIN;"
  sed -n '/^CREATE TABLE/,/^);/p' "$work/ddl/banking.ddl.sql"
  for t in "${tables[@]}"; do echo "\\copy $t FROM '$work/csv/$t.csv' WITH (FORMAT csv, HEADER true)"; done
  sed -n '/^ALTER TABLE/,/;$/p' "$work/ddl/banking.ddl.sql"
  echo "COMMIT;"
} >"$script"

fresh() { psql "$uri/postgres" -c "DROP DATABASE IF EXISTS $1" -c "CREATE DATABASE $1"; }
count() {
  local sum=0 n
  for t in "${tables[@]}"; do n=$(psql "$uri/$1" -At -c "SELECT count(*) FROM $t"); sum=$((sum + n)); done
  echo "$sum"
}
run() {  # run NAME: load into a fresh database, print "NAME seconds rows"
  fresh "$1"
  local t0 t1
  t0=$(now)
  case $1 in
    copy) psql "$uri/copy" -f "$script" ;;
    jobs1) "$bin" load "${args[@]}" --db "$uri/jobs1" --create-schema -q --jobs 1 ;;
    jobs2) "$bin" load "${args[@]}" --db "$uri/jobs2" --create-schema -q --jobs 2 ;;
  esac
  t1=$(now)
  echo "$1 $(/usr/bin/python3 -c "print($t1 - $t0)") $(count "$1")"
}
results="$work/results"
order=(copy jobs1 jobs2)
for ((r = 0; r < repeats; ++r)); do
  for ((i = 0; i < 3; ++i)); do echo "$r $(run "${order[(i + r) % 3]}")" >>"$results"; done
done
/usr/bin/python3 - "$results" <<'PY'
import sys
runs = {}
for line in open(sys.argv[1]):
    r, name, seconds, rows = line.split()
    runs.setdefault(int(r), {})[name] = (float(seconds), int(rows))
print("banking rows: %d (nproc %s)" % (runs[0]["copy"][1], __import__("os").cpu_count()))
print("round  psql \\copy rows/s   load --jobs 1 rows/s   load --jobs 2 rows/s   jobs1/copy  jobs2/copy")
for r in sorted(runs):
    rate = {n: rows / s for n, (s, rows) in runs[r].items()}
    assert len({rows for _, rows in runs[r].values()}) == 1, "row counts differ: %s" % runs[r]
    print("%5d  %18s   %20s   %20s   %9.2f  %10.2f" % (
        r + 1, f"{rate['copy']:,.0f}", f"{rate['jobs1']:,.0f}", f"{rate['jobs2']:,.0f}",
        rate["jobs1"] / rate["copy"], rate["jobs2"] / rate["copy"]))
PY
