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
# The schema is the domain's DDL for all: the same tables, primary keys,
# unique indexes, checks and foreign keys. psql \copy runs twice, each in one
# transaction: "keys after" as a careful DBA loads (tables without keys,
# \copy, then primary and unique keys, then foreign keys: the reference the
# issue's target is measured against), and "keys before" (tables with their
# keys, \copy, foreign keys: what `load --jobs 1` does). Generating the CSV
# files is not timed; `load` times include generation. Prints rows/s per
# load and the ratios to the careful \copy.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
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
# The DDL's primary and unique keys as separate statements, read from the
# catalog of a scratch database.
psql "$uri/postgres" -c "CREATE DATABASE scratch"
psql "$uri/scratch" -c "$(sed -n '/^CREATE TABLE/,/^);/p' "$work/ddl/banking.ddl.sql")"
keys_sql="SELECT format('ALTER TABLE %I %s CONSTRAINT %I %s;', r.relname, '%s', c.conname, pg_get_constraintdef(c.oid))
  FROM pg_constraint c JOIN pg_class r ON r.oid = c.conrelid WHERE c.contype IN ('p', 'u') AND r.relnamespace = 'public'::regnamespace ORDER BY r.relname, c.conname"
psql "$uri/scratch" -At -c "$keys_sql" | sed 's/ %s CONSTRAINT \(.*\) \(PRIMARY KEY\|UNIQUE\) .*;$/ DROP CONSTRAINT \1;/' >"$work/drop_keys.sql"
psql "$uri/scratch" -At -c "$keys_sql" | sed 's/ %s CONSTRAINT / ADD CONSTRAINT /' >"$work/add_keys.sql"
for variant in before after; do
  {
    echo "BEGIN;"
    sed -n '/^CREATE TABLE/,/^);/p' "$work/ddl/banking.ddl.sql"
    [[ $variant == after ]] && cat "$work/drop_keys.sql"
    for t in "${tables[@]}"; do echo "\\copy $t FROM '$work/csv/$t.csv' WITH (FORMAT csv, HEADER true)"; done
    [[ $variant == after ]] && cat "$work/add_keys.sql"
    sed -n '/^ALTER TABLE/,/;$/p' "$work/ddl/banking.ddl.sql"
    echo "COMMIT;"
  } >"$work/copy_keys_$variant.sql"
done

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
    copy_after) psql "$uri/copy_after" -f "$work/copy_keys_after.sql" ;;
    copy_before) psql "$uri/copy_before" -f "$work/copy_keys_before.sql" ;;
    jobs1) "$bin" load "${args[@]}" --db "$uri/jobs1" --create-schema -q --jobs 1 ;;
    jobs2) "$bin" load "${args[@]}" --db "$uri/jobs2" --create-schema -q --jobs 2 ;;
  esac
  t1=$(now)
  echo "$1 $(/usr/bin/python3 -c "print($t1 - $t0)") $(count "$1")"
}
results="$work/results"
order=(copy_after copy_before jobs1 jobs2)
for ((r = 0; r < repeats; ++r)); do
  for ((i = 0; i < 4; ++i)); do echo "$r $(run "${order[(i + r) % 4]}")" >>"$results"; done
done
/usr/bin/python3 - "$results" <<'PY'
import os, sys
runs = {}
for line in open(sys.argv[1]):
    r, name, seconds, rows = line.split()
    runs.setdefault(int(r), {})[name] = (float(seconds), int(rows))
print("banking rows: %d (nproc %s, load average %s)" % (runs[0]["copy_after"][1], os.cpu_count(),
      open("/proc/loadavg").read().split()[0]))
print("rows/s    \\copy keys after  \\copy keys before  load --jobs 1  load --jobs 2   jobs2/copy  jobs1/copy")
for r in sorted(runs):
    assert len({rows for _, rows in runs[r].values()}) == 1, "row counts differ: %s" % runs[r]
    rate = {n: rows / s for n, (s, rows) in runs[r].items()}
    print("round %d  %16s  %17s  %13s  %13s  %10.2f  %10.2f" % (
        r + 1, f"{rate['copy_after']:,.0f}", f"{rate['copy_before']:,.0f}", f"{rate['jobs1']:,.0f}",
        f"{rate['jobs2']:,.0f}", rate["jobs2"] / rate["copy_after"], rate["jobs1"] / rate["copy_after"]))
PY
