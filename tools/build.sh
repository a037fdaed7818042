#!/usr/bin/env bash
# Configures and builds layerscope. Usage: tools/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/ (Release).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
