#!/usr/bin/env bash
# Installs the npm packages the tests of the TypeScript code that
# `seedforge codegen --lang typescript` writes need: typescript (tsc),
# @types/node, pg, @types/pg and vitest, and puppeteer-core for the browser
# test of `seedforge serve` (it drives Debian's chromium). They go into a project-local,
# git-ignored folder (default .cache/node-tools, or $SEEDFORGE_NODE_TOOLS),
# never globally, from the committed scripts/node-tools/package.json and
# package-lock.json (`npm ci`, so every machine gets the same versions).
# Idempotent and quiet when they are there: a stamp holds the hash of the
# lock file installed last. Prints nothing on success; the folder holds
# node_modules/.bin/tsc and node_modules/.bin/vitest.
# Usage: scripts/install-node-tools.sh [--print-dir]
#   --print-dir  print the folder after installing (for tests and scripts)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
spec="$root/scripts/node-tools"
dir=${SEEDFORGE_NODE_TOOLS:-$root/.cache/node-tools}
print_dir=0
for arg in "$@"; do
  case $arg in
    --print-dir) print_dir=1 ;;
    *) echo "install-node-tools.sh: unknown option '$arg' (known: --print-dir)" >&2; exit 2 ;;
  esac
done

if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "install-node-tools.sh: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
  exit 1
fi

want=$(sha256sum "$spec/package-lock.json" | cut -d' ' -f1)
stamp="$dir/.installed-lock-sha256"
if [[ ! -f $stamp || $(cat "$stamp") != "$want" || ! -x $dir/node_modules/.bin/tsc ]]; then
  mkdir -p "$dir"
  # Two runs at once (ctest -j) must not install over each other.
  exec 9>"$dir/.install.lock"
  flock 9
  if [[ ! -f $stamp || $(cat "$stamp") != "$want" || ! -x $dir/node_modules/.bin/tsc ]]; then
    cp "$spec/package.json" "$spec/package-lock.json" "$dir/"
    log="$dir/.npm-ci.log"
    if ! (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >"$log" 2>&1); then
      echo "install-node-tools.sh: npm ci failed in $dir:" >&2
      cat "$log" >&2
      exit 1
    fi
    echo "$want" >"$stamp"
  fi
  exec 9>&-
fi
((print_dir)) && echo "$dir"
exit 0
