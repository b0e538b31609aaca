#!/usr/bin/env bash
# The main job on a fresh Debian machine: install what is missing, build,
# and generate the linked `banking` fixture set into ./out.
# Extra arguments go to `seedforge generate` (e.g. --format sql --seed 7).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
./build/seedforge generate --domain banking --out out "$@"
ls -l out
