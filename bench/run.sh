#!/usr/bin/env bash
# Runs every benchmark of a build and prints the results; see docs/BENCHMARKS.md.
set -euo pipefail
build=${1:-build}
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(uname -r)"
for b in "$build"/bench/*_bench; do
    echo "== $(basename "$b")"
    "$b" --benchmark_min_time=1 --benchmark_counters_tabular=true
done
