#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ if needed and runs one.
#
#   tools/fuzz.sh --list                  the targets
#   tools/fuzz.sh TARGET SECONDS [ARGS…]  run TARGET for SECONDS (extra ARGS go to libFuzzer)
#   tools/fuzz.sh --keep TARGET SECONDS   also merge new coverage into fuzz/corpus/TARGET
#
# The fuzzer works on a scratch copy of fuzz/corpus/TARGET (plus fuzz/regressions/TARGET)
# in build-fuzz/corpus/TARGET, so the committed corpus only grows with --keep. Crashes,
# timeouts and OOMs land in build-fuzz/artifacts/TARGET/; the log in build-fuzz/logs/.
# FUZZ_BUILD_JOBS sets the build parallelism (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$root/build-fuzz
targets=$(sed -n 's/^set(FUZZ_TARGETS \(.*\))$/\1/p' "$root/fuzz/CMakeLists.txt")

if [[ ${1:-} == --list ]]; then
  tr ' ' '\n' <<<"$targets"
  exit 0
fi
keep=0
if [[ ${1:-} == --keep ]]; then
  keep=1
  shift
fi
if [[ $# -lt 2 ]]; then
  echo "usage: tools/fuzz.sh [--keep] TARGET SECONDS [libFuzzer args…] | --list" >&2
  exit 2
fi
target=$1
seconds=$2
shift 2
if ! tr ' ' '\n' <<<"$targets" | grep -qx "$target"; then
  echo "unknown target '$target'; one of: $targets" >&2
  exit 2
fi

if [[ ! -f $dir/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja -DLAYERSCOPE_FUZZ=ON -DLAYERSCOPE_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLAYERSCOPE_SANITIZE=address,undefined >/dev/null
fi
cmake --build "$dir" --target "$target" -j "${FUZZ_BUILD_JOBS:-2}"

work=$dir/corpus/$target
artifacts=$dir/artifacts/$target
rm -rf "$work"
mkdir -p "$work" "$artifacts" "$dir/logs"
cp "$root/fuzz/corpus/$target/"* "$work/"
if [[ -d $root/fuzz/regressions/$target ]]; then
  for f in "$root/fuzz/regressions/$target/"*; do cp "$f" "$work/regression-$(basename "$f")"; done
fi
log=$dir/logs/$target-$(date +%Y%m%d-%H%M%S).log

set +e
"$dir/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$@" "$work" >"$log" 2>&1
rc=$?
set -e

echo "log: $log"
grep -E '^#[0-9]+' "$log" | tail -n 1 || true
grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$log" || true
if [[ $rc -ne 0 ]]; then
  echo "FAILED (exit $rc); artifacts in $artifacts:" >&2
  ls "$artifacts" >&2
  grep -E 'ERROR: |runtime error|SUMMARY' "$log" | head -n 5 >&2 || true
  exit "$rc"
fi
if [[ $keep -eq 1 ]]; then
  "$dir/fuzz/$target" -merge=1 -rss_limit_mb=2048 -timeout=10 "$root/fuzz/corpus/$target" "$work" >>"$log" 2>&1
  echo "merged new coverage into fuzz/corpus/$target"
fi
