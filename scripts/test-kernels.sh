#!/usr/bin/env bash
# Reruns the tests that run LibTorch (./build, made by scripts/test.sh)
# with other CPU kernels than the machine's defaults. Training rounds
# differently under each (LibTorch's ATen and oneDNN pick kernels by
# instruction set, OpenBLAS by CPU model), so a statistical test must hold
# under all of them, not only where it was written (docs/testing.md).
#
# Usage: scripts/test-kernels.sh [avx2|sandybridge|skylakex|all] [ctest args...]
#   avx2         ATen and oneDNN held to AVX2, OpenBLAS's Haswell kernels:
#                an AVX2-only machine, on any machine (the default; CI runs it)
#   sandybridge  OpenBLAS's AVX (no FMA) kernels
#   skylakex     OpenBLAS's AVX-512 kernels (needs an AVX-512 CPU)
#   all          each of the above in turn
set -euo pipefail
cd "$(dirname "$0")/.."
[[ -x build/seedforge_tests ]] || { echo "test-kernels: no build/seedforge_tests; run scripts/test.sh first" >&2; exit 2; }
which=${1:-avx2}
[[ $# -gt 0 ]] && shift
# The tests that run LibTorch: they train CTGAN or TVAE (through
# libseedforge_neural.so, in the test or in a seedforge child) or test its
# torch code directly (seedforge_neural_tests). Only LibTorch reads the
# variables below (OpenBLAS is loaded by LibTorch alone; the copula, the
# transforms and sampling are our own code on Eigen, built without -march), so
# any other test, the copula's and the banking domain's included, computes
# the same bits under every kernel set and already ran in scripts/test.sh.
# Measured: with libseedforge_neural.so removed, exactly these fail to train
# (plus a few quick argument checks matched by name); the 111 others of the
# former pattern passed, about 47 test-seconds not worth running twice.
learn_tests='Ctgan|Tvae|ctgan|tvae|ModelCache|LearnCli|Neural|neural|PerExample|PoissonBatch|^LearnDomain\.EpochsAndBatchSizeReachTheFit$'

run() {
  echo "test-kernels: $1" >&2
  shift
  env "$@" ctest --test-dir build --output-on-failure -j"$(nproc)" -R "$learn_tests" "${extra[@]}"
}
extra=("$@")
case $which in
  avx2) run "ATen/oneDNN AVX2, OpenBLAS Haswell" ATEN_CPU_CAPABILITY=avx2 ONEDNN_MAX_CPU_ISA=AVX2 OPENBLAS_CORETYPE=Haswell ;;
  sandybridge) run "OpenBLAS Sandybridge" OPENBLAS_CORETYPE=Sandybridge ;;
  skylakex) run "OpenBLAS SkylakeX" OPENBLAS_CORETYPE=SkylakeX ;;
  all)
    "$0" avx2 "$@"
    "$0" sandybridge "$@"
    if grep -q avx512f /proc/cpuinfo; then "$0" skylakex "$@"; else echo "test-kernels: no AVX-512 here, skylakex skipped" >&2; fi
    ;;
  *) echo "test-kernels: unknown kernel set '$which' (avx2, sandybridge, skylakex, all)" >&2; exit 2 ;;
esac
