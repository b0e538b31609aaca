#!/usr/bin/env bash
# The browser test of `seedforge serve` (issue 16): a throwaway --data folder
# with an admin and a requester, the server on a free loopback port, then
# tests/serve/browser_test.mjs in Debian's headless chromium (puppeteer-core
# from scripts/install-node-tools.sh). Afterwards the workbook the browser
# downloaded is compared cell by cell with `seedforge generate --format csv`
# of the same domain, rows and seed (tests/office/check_office.py, Debian's
# /usr/bin/python3 with python3-openpyxl).
# Screenshots, the workbook and the server log stay in OUTPUT_DIR.
# Exits 77 (ctest's SKIP_RETURN_CODE) only when chromium is not installed.
# Usage: browser_test.sh SEEDFORGE SOURCE_DIR OUTPUT_DIR
set -euo pipefail
seedforge=$1
src=$2
out=$3
chromium=${SEEDFORGE_CHROMIUM:-/usr/bin/chromium}
seed=4242
rows=1000

if [[ ! -x $chromium ]]; then
  echo "SKIP: $chromium is not installed (Debian: apt-get install chromium, or scripts/install-deps.sh)"
  exit 77
fi
tools=$("$src/scripts/install-node-tools.sh" --print-dir)

rm -rf "$out"
mkdir -p "$out"
work=$(mktemp -d)
server_pid=
cleanup() {
  if [[ -n $server_pid ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Random passwords: they reach the users only through stdin and the browser
# only through the environment, and are never printed.
admin_password=$(head -c 24 /dev/urandom | base64)
qa_password=$(head -c 24 /dev/urandom | base64)
viewer_password=$(head -c 24 /dev/urandom | base64)
data=$work/data
printf '%s\n' "$admin_password" | "$seedforge" users add admin --role admin --data "$data" --password-stdin
printf '%s\n' "$qa_password" | "$seedforge" users add qa --role requester --data "$data" --password-stdin
printf '%s\n' "$viewer_password" | "$seedforge" users add vera --role viewer --data "$data" --password-stdin

"$seedforge" serve --listen 127.0.0.1:0 --data "$data" >"$out/server.log" 2>&1 &
server_pid=$!
url=
for _ in $(seq 150); do
  url=$(grep -oE 'https?://127\.0\.0\.1:[0-9]+' "$out/server.log" | head -n1 || true)
  [[ -n $url ]] && break
  if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "seedforge serve stopped before printing its URL:" >&2
    cat "$out/server.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [[ -z $url ]]; then
  echo "seedforge serve printed no URL in 15 s:" >&2
  cat "$out/server.log" >&2
  exit 1
fi
echo "server: $url"

SEEDFORGE_URL=$url SEEDFORGE_NODE_TOOLS=$tools CHROMIUM=$chromium BROWSER_TEST_OUT=$out \
ADMIN_PASSWORD=$admin_password QA_PASSWORD=$qa_password VIEWER_PASSWORD=$viewer_password SEED=$seed ROWS=$rows \
  /usr/bin/time -f "browser test: %e s" node "$src/tests/serve/browser_test.mjs"

# A clean stop: exit status 0 (a sanitizer build reports its findings here).
kill "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
if ((status != 0)); then
  echo "seedforge serve exited with status $status:" >&2
  cat "$out/server.log" >&2
  exit 1
fi

# Same domain, rows and seed from the CLI: the browser's workbook must hold
# exactly these rows, under the columns its domain page showed.
"$seedforge" generate --domain employee --rows "employees=$rows" --seed "$seed" --format csv \
  --out "$work/csv" 2>/dev/null
/usr/bin/time -f "workbook check: %e s" /usr/bin/python3 "$src/tests/office/check_office.py" xlsx "$out/download/employee.xlsx" "$work/csv" "$out/layout.json"
data_rows=$(($(wc -l <"$work/csv/employees.csv") - 1))
[[ $data_rows -eq $rows ]] || { echo "the CLI wrote $data_rows rows, not $rows" >&2; exit 1; }
echo "PASS: $rows employee rows downloaded as xlsx match seedforge generate --seed $seed cell by cell"
