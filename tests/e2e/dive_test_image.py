#!/usr/bin/env python3
"""dive's own asserted numbers, checked against the layerscope binary.

What: runs `layerscope analyze --format json` (and the text report) on dive's test fixture
`peer-images/dive/test-docker-image.tar` and checks every value ../shared/DIVE-COMPAT.md
quotes from dive's test-suite: efficiency 0.9844212134184309 (exact float64), image size
1220598, user size 66237, wasted bytes 32025, user wasted percent 0.4834911001404049, the
inefficient files and the 14 per-layer sizes.
Why: the oracle comparison (compare.py --dive) proves layerscope equals our reading of dive;
this proves both equal what dive itself asserts.

  dive_test_image.py --layerscope build/layerscope

Exits 0 on success, 1 on a mismatch, 77 (ctest: skipped) when ../shared is absent.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
SKIP = 77

EXPECTED = {
    "score": 0.9844212134184309,
    "image_bytes": 1220598,
    "user_bytes": 66237,
    "wasted_bytes": 32025,
    "user_wasted_percent": 0.4834911001404049,
    "layer_bytes": [1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405, 6405, 6405],
    "inefficient_count": 3,
}
# dive's order among equal sizes is unspecified; layerscope breaks ties by path.
EXPECTED_PATHS = [
    {"path": "/root/example/somefile1.txt", "cumulative_bytes": 12810, "count": 2},
    {"path": "/root/saved.txt", "cumulative_bytes": 12810, "count": 2},
    {"path": "/root/example/somefile3.txt", "cumulative_bytes": 6405, "count": 2},
]
# How dive --ci prints the same figures.
EXPECTED_TEXT = ["98.4421 %", "32025 bytes (32 kB)", "48.3491 %"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscope", required=True, metavar="PATH")
    args = ap.parse_args(argv)

    shared = os.path.normpath(os.environ.get("LAYERSCOPE_SHARED") or os.path.join(REPO, "..", "shared"))
    image = os.path.join(shared, "peer-images", "dive", "test-docker-image.tar")
    if not os.path.isfile(image):
        print("skipped: %s is absent" % image)
        return SKIP

    proc = subprocess.run([args.layerscope, "analyze", "--format", "json", image],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    if proc.returncode != 0:
        print("FAIL: exit %d: %s" % (proc.returncode, proc.stderr.decode("utf-8", "replace").strip()))
        return 1
    eff = json.loads(proc.stdout.decode("utf-8")).get("efficiency", {})

    failures = []
    for key, want in EXPECTED.items():
        got = eff.get(key, "<missing>")
        # Exact equality, floats included: the JSON must round-trip dive's float64.
        if type(got) is not type(want) or got != want:
            failures.append("efficiency.%s: expected %r, actual %r" % (key, want, got))
    if eff.get("inefficient_paths") != EXPECTED_PATHS:
        failures.append("efficiency.inefficient_paths: expected %r, actual %r"
                        % (EXPECTED_PATHS, eff.get("inefficient_paths")))
    # Every hidden byte once: the 5 shadowed 6405-byte copies (not dive's every-copy count).
    if eff.get("reclaimable_bytes") != 5 * 6405:
        failures.append("efficiency.reclaimable_bytes: expected %d, actual %r"
                        % (5 * 6405, eff.get("reclaimable_bytes")))

    text = subprocess.run([args.layerscope, "analyze", image], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, timeout=300).stdout.decode("utf-8", "replace")
    for want in EXPECTED_TEXT:
        if want not in text:
            failures.append("text report lacks %r" % want)

    for f in failures:
        print("FAIL " + f)
    if failures:
        return 1
    print("PASS %s: efficiency %r, wasted %d, user wasted percent %r"
          % (image, eff["score"], eff["wasted_bytes"], eff["user_wasted_percent"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
