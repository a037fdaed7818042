#!/usr/bin/env bash
# Measures layerscope against the physical limit (decompression) on generated images.
#   tools/bench.sh [--runs N] [--dir DIR]
# Builds the benchmark images from this machine's /usr into DIR (default
# ${LAYERSCOPE_BENCH_DIR:-/tmp/layerscope-bench}; ~3 GB, built once), builds layerscope
# (Release), then runs each case and its baselines interleaved, N times (default 5), and
# prints medians, ratios to the baselines and peak RSS. See README "Performance".
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${LAYERSCOPE_BENCH_DIR:-/tmp/layerscope-bench}
runs=5
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --dir) dir=$2; shift 2 ;;
    *) echo "usage: tools/bench.sh [--runs N] [--dir DIR]" >&2; exit 2 ;;
  esac
done
"$root/tools/deps.sh" --test
# The micro-benchmarks too: the floor rows take the paired sha256 rate from one of them.
"$root/tools/build.sh" "$root/build" -DLAYERSCOPE_BENCH=ON >/dev/null
python3 "$root/tools/bench/mkbench.py" "$dir"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
python3 "$root/tools/bench/run.py" --layerscope "$root/build/layerscope" --dir "$dir" --runs "$runs" \
  --microbench "$root/build/bench/layerscope_bench"
