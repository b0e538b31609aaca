#!/usr/bin/env bash
# Rows per second of the loaders `seedforge codegen` writes, on one core:
# the C++ CSV and JSON Lines loaders (g++ -O2) and the Python ones
# (/usr/bin/python3), reading ROWS employees (the `employee` domain: 14 text,
# date and key columns) into typed records. The figure is the median of
# REPEATS loads, file reading and index building included, process start and
# the manifest check excluded (both are per run, not per row). Wall time
# and CPU time are both shown: on a shared machine the CPU time is the figure
# of one core.
#
# Usage: bench/codegen_loader.sh
#   SEEDFORGE=path/to/seedforge  (default build/seedforge)
#   ROWS=1000000  REPEATS=5  PY_ROWS=200000 (the Python loader reads fewer rows)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seedforge=${SEEDFORGE:-$here/build/seedforge}
rows=${ROWS:-1000000}
py_rows=${PY_ROWS:-200000}
repeats=${REPEATS:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$seedforge" generate --domain employee --rows employees="$rows" --seed 1 --as-of 2026-01-01 --out "$work/csv" -q
"$seedforge" generate --domain employee --rows employees="$rows" --seed 1 --as-of 2026-01-01 --out "$work/jsonl" --format jsonl -q
"$seedforge" codegen --domain employee --lang cpp --out "$work/cpp" -q
"$seedforge" codegen --domain employee --lang python --out "$work/py" -q

cat > "$work/cpp/bench.cpp" <<'CPP'
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <vector>
#include "employee_fixtures.h"
int main(int argc, char** argv) {
  const std::string format = argv[2];
  const int repeats = std::stoi(argv[3]);
  std::vector<double> seconds, cpu;
  std::size_t rows = 0;
  for (int r = 0; r < repeats; ++r) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
    auto fx = format == "csv" ? employee::load_csv(argv[1]) : employee::load_jsonl(argv[1]);
    cpu.push_back(static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC);
    seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    rows = fx->employees.size();
  }
  std::sort(seconds.begin(), seconds.end());
  std::sort(cpu.begin(), cpu.end());
  const double median = seconds[seconds.size() / 2], median_cpu = cpu[cpu.size() / 2];
  std::printf("cpp %-5s %zu rows: %.3f s wall, %.0f rows/s; %.3f s CPU, %.0f rows/s per CPU second\n",
              format.c_str(), rows, median, rows / median, median_cpu, rows / median_cpu);
}
CPP
g++ -std=c++20 -O2 -o "$work/cpp/bench" "$work/cpp/bench.cpp" -I "$work/cpp"
taskset -c 0 "$work/cpp/bench" "$work/csv" csv "$repeats"
taskset -c 0 "$work/cpp/bench" "$work/jsonl" jsonl "$repeats"

# Python: the first PY_ROWS rows (the same files cut; the manifest kept).
mkdir -p "$work/pycsv" "$work/pyjsonl"
cp "$work/csv/employee.manifest.json" "$work/pycsv/"
cp "$work/jsonl/employee.manifest.json" "$work/pyjsonl/"
head -n $((py_rows + 1)) "$work/csv/employees.csv" > "$work/pycsv/employees.csv"
head -n "$py_rows" "$work/jsonl/employees.jsonl" > "$work/pyjsonl/employees.jsonl"
for format in csv jsonl; do
  PYTHONPATH="$work/py" taskset -c 0 /usr/bin/python3 - "$work/py$format" "$format" "$repeats" <<'PY'
import sys, time, statistics
import employee_fixtures as m
directory, fmt, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
times, cpu = [], []
for _ in range(repeats):
    start, cpu_start = time.perf_counter(), time.process_time()
    fx = (m.load_csv if fmt == "csv" else m.load_jsonl)(directory)
    cpu.append(time.process_time() - cpu_start)
    times.append(time.perf_counter() - start)
median, median_cpu = statistics.median(times), statistics.median(cpu)
n = len(fx.employees)
print(f"python {fmt:5} {n} rows: {median:.3f} s wall, {n / median:.0f} rows/s; "
      f"{median_cpu:.3f} s CPU, {n / median_cpu:.0f} rows/s per CPU second")
PY
done
