#!/usr/bin/env bash
# Regenerates every sample image from sample_images/specs/ into a temporary directory and checks
# that the result is byte-identical to what is committed in sample_images/ (same set of files,
# same bytes). sample_images/README.md and sample_images/specs/ are hand-written and skipped.
# zstd layers come from the zstd CLI, so a different zstd version can change their bytes; the
# failure message then names the *-zstd / *corrupt-zstd outputs.
# Usage: test_mkimages_deterministic.sh REPO_ROOT
set -euo pipefail

root="${1:?usage: $0 REPO_ROOT}"
root="$(cd "$root" && pwd)"
committed="$root/sample_images"
for tool in python3 zstd cmp; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool not found" >&2; exit 1; }
done

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$root/tools/mkimages.py" --out "$tmp/out" --quiet

list_files() {  # regular files and symlinks below $1, relative, sorted
  (cd "$1" && find . \( -path ./specs -o -path ./README.md \) -prune -o \( -type f -o -type l \) -print \
     | sed 's|^\./||' | LC_ALL=C sort)
}

list_files "$committed" >"$tmp/committed.lst"
list_files "$tmp/out" >"$tmp/generated.lst"
status=0
if ! diff -u "$tmp/committed.lst" "$tmp/generated.lst" >"$tmp/list.diff"; then
  echo "FAIL: the set of files differs (- committed, + regenerated):" >&2
  grep -E '^[-+][^-+]' "$tmp/list.diff" >&2 || true
  status=1
fi

ndiff=0
while IFS= read -r f; do
  [ -e "$tmp/out/$f" ] || continue
  if ! cmp -s "$committed/$f" "$tmp/out/$f"; then
    echo "FAIL: differs from a fresh regeneration: sample_images/$f" >&2
    ndiff=$((ndiff + 1))
    status=1
  fi
done <"$tmp/committed.lst"

if [ "$status" -eq 0 ]; then
  echo "ok: $(wc -l <"$tmp/committed.lst") files in sample_images/ regenerate byte-identically"
else
  echo "FAIL: $ndiff file(s) differ; run python3 tools/mkimages.py and review the change" >&2
fi
exit "$status"
