#!/usr/bin/env bash
# Every test on a fresh Debian machine: install what is missing, build, run
# the whole suite (unit, end-to-end and PostgreSQL tests) with ctest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh
ctest --test-dir build --output-on-failure -j"$(nproc)"
