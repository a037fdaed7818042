#!/usr/bin/env bash
# Same input, same bytes out, at any -j: JSON and text reports at -j1 and -j8 (and a second
# run) must be byte-identical, for every sample image format.
set -euo pipefail
bin=$1; root=$2
cd "$root"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
fail=0
# DETERMINISM_IMAGES narrows the list (the ThreadSanitizer pass skips the 826 MB demo image).
images=${DETERMINISM_IMAGES:-"sample_images/edge.docker.tar sample_images/edge.docker.tar.gz sample_images/edge-mixed.oci
  sample_images/edge.kaniko.tar sample_images/pyapp-bloated.oci.tar sample_images/pyapp-demo.oci.tar"}
for img in $images; do
  for fmt in json text; do
    "$bin" analyze --no-cache --format $fmt -j1 "$img" > "$tmp/a"
    "$bin" analyze --no-cache --format $fmt -j8 "$img" > "$tmp/b"
    "$bin" analyze --format $fmt -j8 "$img" > "$tmp/c"
    if ! cmp -s "$tmp/a" "$tmp/b" || ! cmp -s "$tmp/b" "$tmp/c"; then
      echo "FAIL $img ($fmt): output differs between runs or job counts"; fail=1
    else
      echo "ok   $img ($fmt)"
    fi
  done
done
exit $fail
