#!/usr/bin/env bash
# Builds and runs the Google Benchmark micro-benchmarks (bench/; README "Performance"): the
# tar reader and index_layer, the merge and dive efficiency, sha256/sha512 and XXH3.
#   tools/microbench.sh [benchmark args...]   e.g. --benchmark_filter=IndexLayer --benchmark_min_time=0.05
# Every argument goes to build/bench/layerscope_bench. Configures build/ (Release) with
# -DLAYERSCOPE_BENCH=ON and builds only that target; build output goes to stderr so the
# benchmark's own output can be redirected. Needs libbenchmark-dev (tools/deps.sh --test).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLAYERSCOPE_BENCH=ON >/dev/null
cmake --build "$root/build" -j "$(nproc)" --target layerscope_bench >&2
exec "$root/build/bench/layerscope_bench" "$@"
