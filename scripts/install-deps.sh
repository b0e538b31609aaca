#!/usr/bin/env bash
# Installs the Debian packages seedforge needs to build, test and run.
# Idempotent and quiet when everything is already there.
# Usage: scripts/install-deps.sh [--fuzz]
#   --fuzz  also clang and libFuzzer's runtime, for scripts/fuzz.sh
set -euo pipefail

packages=(
  build-essential cmake pkg-config ccache
  libyaml-cpp-dev libfmt-dev libcli11-dev libeigen3-dev
  libkainjow-mustache-dev nlohmann-json3-dev
  libpqxx-dev libpq-dev libssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libtorch-dev libopenblas0-openmp
  postgresql-15 postgresql-client-15
  time
  libxlsxwriter-dev libzip-dev
  libcpp-httplib-dev libsodium-dev libsqlite3-dev
  golang-go golang-github-lib-pq-dev python3-openpyxl python3-docx python3-psycopg2 python3-pytest
  chromium  # the browser test of `seedforge serve` (tests/serve/browser_test.sh) drives it headless
)
# Node for the tests of `seedforge codegen --lang typescript` (their npm
# packages come from scripts/install-node-tools.sh, run by the tests). Only
# when there is no node at all: a NodeSource nodejs already bundles npm and
# conflicts with Debian's npm package.
command -v node >/dev/null || packages+=(nodejs npm)
for arg in "$@"; do
  case $arg in
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;
    *) echo "install-deps.sh: unknown option '$arg' (known: --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "seedforge: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi
