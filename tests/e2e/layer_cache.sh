#!/usr/bin/env bash
# The layer cache returns exactly what a fresh run computes; a damaged entry is ignored and
# rewritten, never trusted; concurrent runs sharing one cache agree; the size cap evicts.
set -euo pipefail
bin=$1; root=$2
cd "$root"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cache="$tmp/cache"
img=sample_images/pyapp-bloated.docker.tar
"$bin" analyze --no-cache --format json "$img" > "$tmp/fresh.json"
"$bin" analyze --cache-dir "$cache" --format json "$img" > "$tmp/first.json"
n=$(ls "$cache"/*.lsidx | wc -l)
[ "$n" -gt 0 ] || { echo "FAIL: nothing cached"; exit 1; }
"$bin" analyze --cache-dir "$cache" --format json "$img" > "$tmp/second.json"
cmp "$tmp/fresh.json" "$tmp/first.json" && cmp "$tmp/fresh.json" "$tmp/second.json" \
  || { echo "FAIL: cached result differs from a fresh run"; exit 1; }
echo "ok   cached run is byte-identical to a fresh run ($n entries)"

# Damage every entry in a different way: truncate one, flip a byte in the others.
first=1
for f in "$cache"/*.lsidx; do
  if [ $first -eq 1 ]; then head -c 100 "$f" > "$f.t" && mv "$f.t" "$f"; first=0
  else printf '\xff' | dd of="$f" bs=1 seek=60 conv=notrunc status=none; fi
done
"$bin" analyze --cache-dir "$cache" --format json "$img" > "$tmp/damaged.json"
cmp "$tmp/fresh.json" "$tmp/damaged.json" || { echo "FAIL: a damaged cache changed the result"; exit 1; }
"$bin" analyze --cache-dir "$cache" --format json "$img" > "$tmp/rewritten.json"
cmp "$tmp/fresh.json" "$tmp/rewritten.json" || { echo "FAIL: rewritten entries differ"; exit 1; }
echo "ok   damaged entries were ignored and rewritten"

rm -rf "$cache"
for i in 1 2 3 4; do "$bin" analyze --cache-dir "$cache" --format json "$img" > "$tmp/par$i.json" & done
wait
for i in 1 2 3 4; do cmp "$tmp/fresh.json" "$tmp/par$i.json" || { echo "FAIL: concurrent run $i differs"; exit 1; }; done
[ -z "$(ls -A "$cache" | grep -v '\.lsidx$' || true)" ] || { echo "FAIL: temporary files left behind"; exit 1; }
echo "ok   four concurrent runs agree and leave no temporary files"

rm -rf "$cache"
"$bin" analyze --cache-dir "$cache" --cache-size 1kB --format json "$img" > /dev/null
total=$(find "$cache" -name '*.lsidx' -printf '%s\n' | awk '{s+=$1} END {print s+0}')
[ "$total" -le 1000 ] || { echo "FAIL: cache exceeds its cap ($total bytes)"; exit 1; }
echo "ok   the size cap evicts ($total bytes kept)"
