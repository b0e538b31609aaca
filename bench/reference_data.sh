# Sourced by bench/ctgan_reference.sh and bench/quality_reference.sh: the
# dataset preparation both share, so the two compare the same table.
#
# prepare DATASET OUT: writes $DATA/DATASET.csv to OUT as a CSV both
# seedforge and the Python reference read the same way: birdstrikes' date
# becomes a day number (the harness would take the text for a category)
# and rows without a speed are dropped (the reference's mixture cannot fit
# NaN; seedforge would add a NULL flag). The other datasets are copied as
# they are. Needs $DATA and $PYTHON.
prepare() {
  local ds=$1 out=$2
  if [[ $ds == birdstrikes ]]; then
    "$PYTHON" - "$DATA/$ds.csv" "$out" <<'PY'
import csv, datetime, sys
with open(sys.argv[1], newline='') as f, open(sys.argv[2], 'w', newline='') as g:
    r, w = csv.reader(f), csv.writer(g)
    head = next(r)
    w.writerow(head)
    date, speed = head.index('Flight Date'), head.index('Speed IAS in knots')
    for row in r:
        if not row[speed]:
            continue
        row[date] = str((datetime.date.fromisoformat(row[date][:10]) - datetime.date(1970, 1, 1)).days)
        w.writerow(row)
PY
  else
    cp "$DATA/$ds.csv" "$out"
  fi
}
