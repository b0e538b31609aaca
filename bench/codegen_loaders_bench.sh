#!/usr/bin/env bash
# Loader speed of the TypeScript and Go code `seedforge codegen` writes: the
# banking fixtures at --rows customers=N (20000 gives about 1,150,000 rows,
# a million of them transactions) as CSV and as JSON Lines, each read by
# loadFixtures (TypeScript, node) and Load (Go): every file parsed into typed
# records, every link resolved, the schema hash checked. Prints rows/s, the
# best of 3 runs in one process after a warm-up run.
#
# Usage: bench/codegen_loaders_bench.sh [path/to/seedforge] [customers]
# Needs node (tools from scripts/install-node-tools.sh) and go.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${1:-build/seedforge}")
customers=${2:-20000}
work=$(mktemp -d /tmp/seedforge-codegenbench-XXXXXX)
trap 'rm -rf "$work"' EXIT
tools=$("$root/scripts/install-node-tools.sh" --print-dir)

for format in csv jsonl; do
  "$bin" generate --domain banking --seed 7 --rows "customers=$customers" --format "$format" --out "$work/$format" 2>/dev/null
done
rows=$(($(cat "$work"/csv/*.csv | wc -l) - $(ls "$work"/csv/*.csv | wc -l)))
echo "banking, --rows customers=$customers: $rows rows"

"$bin" codegen --domain banking --lang typescript --out "$work/ts" -q
ln -s "$tools/node_modules" "$work/ts/node_modules"
cat >"$work/ts/bench.ts" <<'TS'
import { loadFixtures } from "./banking";
const [dir, rowsText] = process.argv.slice(2);
const rows = Number(rowsText);
let best = Infinity;
for (let run = 0; run < 4; run++) {
  const start = process.hrtime.bigint();
  const fx = loadFixtures(dir);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (fx.transactions.length === 0) throw new Error("no rows");
  if (run > 0) best = Math.min(best, seconds);
}
console.log(`${Math.round(rows / best)} rows/s (${best.toFixed(3)} s)`);
TS
cat >"$work/ts/tsconfig.json" <<'JSON'
{ "compilerOptions": { "target": "ES2022", "module": "commonjs", "strict": true, "types": ["node"],
  "skipLibCheck": true, "outDir": "build" }, "files": ["bench.ts"] }
JSON
(cd "$work/ts" && node_modules/.bin/tsc -p .)
for format in csv jsonl; do
  echo "typescript ($(node --version)), $format: $(node --max-old-space-size=8192 "$work/ts/build/bench.js" "$work/$format" "$rows")"
done

"$bin" codegen --domain banking --lang go --example --out "$work/go" -q
cat >"$work/go/bench_main.go" <<'GO'
//go:build ignore

package main

import (
	"fmt"
	"os"
	"strconv"
	"time"

	banking "seedforge.local/banking"
)

func main() {
	rows, _ := strconv.Atoi(os.Args[2])
	best := time.Duration(1 << 62)
	for run := 0; run < 4; run++ {
		start := time.Now()
		fx, err := banking.Load(os.Args[1])
		elapsed := time.Since(start)
		if err != nil {
			panic(err)
		}
		if fx.Transactions.Len() == 0 {
			panic("no rows")
		}
		if run > 0 && elapsed < best {
			best = elapsed
		}
	}
	fmt.Printf("%.0f rows/s (%.3f s)\n", float64(rows)/best.Seconds(), best.Seconds())
}
GO
(cd "$work/go" && GOPROXY=off GOFLAGS=-mod=mod go build -o bench bench_main.go)
for format in csv jsonl; do
  echo "go ($(go version | cut -d' ' -f3)), $format: $("$work/go/bench" "$work/$format" "$rows")"
done
