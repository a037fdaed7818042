#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test through ctest: the Release build
# first, then the whole suite again under AddressSanitizer + UndefinedBehaviorSanitizer, then
# the tests that run threads (layer jobs at -j8, the async pipeline stage, concurrent history
# writers, the registry's connection pool) under ThreadSanitizer.
#   tools/test.sh            everything (what CI runs)
#   tools/test.sh --quick    Release build only, no sanitizer pass
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
quick=0
[ "${1:-}" = "--quick" ] && quick=1

tools/deps.sh --test
jobs=$(nproc)

echo "== Release build and tests"
# The micro-benchmarks (bench/) are compiled here so they cannot rot, but never run:
# tools/microbench.sh runs them.
tools/build.sh "$root/build" -DLAYERSCOPE_BENCH=ON
(cd build && ctest --output-on-failure -j "$jobs")

if [ $quick -eq 0 ]; then
  echo "== ASan + UBSan build and tests"
  # -O1 -g1: sanitizer builds need line tables for their reports, not full debug info, and
  # compile much faster than -O2 -g, which keeps CI well inside its time budget.
  # Unity batches (16 sources per compiler run) cut these builds to less than half. The
  # Release build above stays one source per run, so a missing #include still fails there.
  tools/build.sh "$root/build-asan" -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" \
    -DLAYERSCOPE_SANITIZE=address,undefined -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16
  (cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j "$jobs" -LE no-sanitizer)

  echo "== TSan build and the parallel tests at -j8"
  cmake -S "$root" -B "$root/build-tsan" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DLAYERSCOPE_SANITIZE=thread \
    -DCMAKE_UNITY_BUILD=ON -DCMAKE_UNITY_BUILD_BATCH_SIZE=16 >/dev/null
  cmake --build "$root/build-tsan" -j "$jobs" --target layerscope unit_tests
  (cd build-tsan && TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
     ctest --output-on-failure -j "$jobs" -L tsan)
fi
echo "== all tests passed"
