#!/usr/bin/env bash
# Regenerates the golden files that tests compare byte for byte, after an intended change
# to a renderer. Review the diff (git diff tests/golden) before committing it.
#   tools/update_golden.sh [BUILD_DIR]     (default: build/)
# Covers tests/golden/gate/: the Markdown, text and GitHub-annotation renderings of the gate
# fixtures (tests/support/gate_fixtures.cc), checked by the ci_golden test.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
"$root/tools/build.sh" "$build"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"$build/tests/gate_fixtures" "$out"
golden="$root/tests/golden/gate"
mkdir -p "$golden"
rm -f "$golden"/*.md "$golden"/*.txt "$golden"/*.annotations
for f in "$out"/*.md "$out"/*.txt "$out"/*.annotations; do
  # evaluated.*: rendered from the real policy evaluation, schema-checked but not golden.
  case "$(basename "$f")" in evaluated.*) continue ;; esac
  cp "$f" "$golden/"
done
echo "updated $(ls "$golden" | wc -l) files in tests/golden/gate/"
