#!/usr/bin/env python3
"""End-to-end check of `layerscope record` and `layerscope trend` over 24 generated builds.

The builds (docker-save archives from imagegen.py) share a base layer and plant, to the byte:
  build  7  a jump:  a new `RUN pip install torch` layer, +150 kB (+15%)
  build 11  a drop:  /app/data shrinks by 140 kB (-12%)
  builds 16-22 creep: /app/data grows 11 kB per build (about 1.1%, each step under the 5%
            threshold); build 20 is the first more than 5% above the baseline (the median
            of builds 11-15), so it is flagged as creep and becomes the new reference
  build 23  a jump:  /app/data grows by 80 kB (+7.4%) in the same COPY layer
and small noise (at most 200 bytes) in /app/main.py everywhere else. With thresholds of 5%
and 10 kB, `trend` must flag exactly builds 7, 11, 20 and 23 and explain each with the
layer, instruction and directory that moved. The other formats must carry the same series:
CSV rows, Markdown, and an SVG that parses as XML with one point per build.
The growth gate is checked the way CI would run it: after build 23 (fails at 5% and at
50 kB, passes at 100 kB) and after build 24 (passes).
Usage: test_trend_e2e.py --layerscope PATH
"""

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import imagegen  # noqa: E402

FAILURES = []
PLANTED = [(7, "jump"), (11, "drop"), (20, "creep"), (23, "jump")]
TORCH_DIR = "/usr/local/lib/python3.11/site-packages/torch"


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def run(ls, *args, expect=0):
    p = subprocess.run([ls, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode == expect, "%s: exit %d, expected %d (stderr: %s)" % (" ".join(args[:3]), p.returncode, expect,
                                                                           p.stderr.strip()))
    return p.stdout


def data_bytes(b):
    if b <= 10:
        return 200_000
    if b <= 15:
        return 60_000
    if b <= 22:
        return 60_000 + 11_000 * (b - 15)
    return 60_000 + 11_000 * 7 + 80_000


def layers_of(b):
    base = {"created_by": "/bin/sh -c #(nop) ADD file:3a4b5c in /",
            "files": [("etc/os-release", imagegen.content("os", 100)),
                      ("usr/lib/libc.so", imagegen.content("libc", 600_000))]}
    apt = {"created_by": "/bin/sh -c apt-get update && apt-get install -y curl",
           "files": [("usr/bin/curl", imagegen.content("curl", 200_000))]}
    layers = [base, apt]
    if b >= 7:
        layers.append({"created_by": "RUN /bin/sh -c pip install torch # buildkit",
                       "files": [(TORCH_DIR[1:] + "/libtorch.so", imagegen.content("torch", 150_000))]})
    layers.append({"created_by": "COPY . /app # buildkit",
                   "files": [("app/main.py", imagegen.content("main%d" % b, 1000 + (b * 37) % 200)),
                             ("app/data/blob.bin", imagegen.content("data", data_bytes(b)))]})
    return layers


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscope", required=True)
    ls = ap.parse_args().layerscope
    tmp = tempfile.mkdtemp(prefix="ls-trend-")
    try:
        db = os.path.join(tmp, "ci", "history.db")
        expected = {}
        for b in range(1, 25):
            path = os.path.join(tmp, "build-%02d.tar" % b)
            info = imagegen.write_docker_archive(path, "ci/app:build-%d" % b, layers_of(b))
            expected[b] = info["content_bytes"]
            out = run(ls, "record", path, "--db", db, "--time", "2026-03-%02dT06:00:00Z" % b,
                      "--label", "build=%d" % b, "--label", "branch=main", "--format", "json")
            rec = json.loads(out) if out else {}
            check(rec.get("id") == b and rec.get("series") == "ci/app", "record %d: %s" % (b, out.strip()))
            check(rec.get("content_bytes") == expected[b], "record %d: content %s != %s" % (b, rec.get("content_bytes"), expected[b]))
            if b == 23:
                # The CI gate as it would run right after build 23 was recorded.
                run(ls, "trend", "--db", db, "--jump-percent", "5", "--jump-bytes", "10kB", "--fail-on-growth", "5%",
                    expect=1)
                run(ls, "trend", "--db", db, "--jump-percent", "5", "--jump-bytes", "10kB", "--fail-on-growth", "50kB",
                    expect=1)
                run(ls, "trend", "--db", db, "--jump-percent", "5", "--jump-bytes", "10kB", "--fail-on-growth", "100kB",
                    expect=0)
        args = ["--db", db, "--jump-percent", "5", "--jump-bytes", "10kB"]

        t = json.loads(run(ls, "trend", *args, "--format", "json"))
        check(t["series"] == "ci/app" and len(t["builds"]) == 24, "trend: 24 builds of ci/app")
        check([b["content_bytes"] for b in t["builds"]] == [expected[b] for b in range(1, 25)], "trend: sizes")
        found = [(int(e["id"]), e["kind"]) for e in t["events"]]
        check(found == PLANTED, "trend: flagged %s, planted %s" % (found, PLANTED))
        events = {int(e["id"]): e for e in t["events"]}
        if 7 in events:
            e = events[7]
            check(e["against"] == "previous" and e["delta"] == expected[7] - expected[6], "build 7: against build 6")
            top = e["explanation"]["layers"][0]
            check(top["change"] == "added" and top["instruction"] == "RUN pip install torch", "build 7: layer %s" % top)
            check(e["explanation"]["directories"][0]["path"] == TORCH_DIR, "build 7: directory")
        if 11 in events:
            e = events[11]
            check(e["delta"] == expected[11] - expected[10], "build 11: delta")
            check(e["explanation"]["layers"][0]["instruction"] == "COPY . /app", "build 11: the COPY layer")
            check(e["explanation"]["directories"][0]["path"] == "/app/data", "build 11: /app/data")
        if 20 in events:
            e = events[20]
            check(e["against"] == "baseline", "build 20: creep is measured against the baseline")
            check(11 <= e["compared_id"] <= 15, "build 20: the baseline is one of builds 11-15")
            check(e["delta"] == expected[20] - expected[e["compared_id"]], "build 20: delta")
            check(e["explanation"]["directories"][0]["path"] == "/app/data", "build 20: /app/data")
            check(e["explanation"]["layers"][0]["change"] == "changed", "build 20: the COPY layer changed")
        if 23 in events:
            e = events[23]
            check(e["against"] == "previous" and e["delta"] == expected[23] - expected[22], "build 23: delta")
        for b in t["builds"]:
            check(b["labels"] == {"branch": "main", "build": str(b["id"])}, "labels of build %s" % b["id"])
        # After build 24 the latest build is steady against its baseline (build 23).
        gate = json.loads(run(ls, "trend", *args, "--format", "json", "--fail-on-growth", "5%"))["gate"]
        check(gate["evaluated"] and not gate["failed"] and gate["baseline"] == expected[23], "gate after build 24: %s" % gate)

        # Windows: --last and --since select builds; the window starts a fresh segment.
        last = json.loads(run(ls, "trend", *args, "--format", "json", "--last", "5"))
        check([b["id"] for b in last["builds"]] == [20, 21, 22, 23, 24], "--last 5")
        since = json.loads(run(ls, "trend", *args, "--format", "json", "--since", "2026-03-21"))
        check([b["id"] for b in since["builds"]] == [21, 22, 23, 24], "--since")
        check([int(e["id"]) for e in since["events"]] == [23], "--since: build 23 still jumps")

        # CSV: one row per build, the same numbers and events.
        rows = list(csv.DictReader(io.StringIO(run(ls, "trend", *args, "--format", "csv"), newline="")))
        check(len(rows) == 24, "csv: 24 rows")
        check([int(r["content_bytes"]) for r in rows] == [expected[b] for b in range(1, 25)], "csv: sizes")
        check([(int(r["id"]), r["event"]) for r in rows if r["event"]] == PLANTED, "csv: events")

        # SVG: well-formed, self-contained, one point per build in each series, events marked.
        svg_path = os.path.join(tmp, "trend.svg")
        run(ls, "trend", *args, "--format", "svg", "-o", svg_path)
        if shutil.which("xmllint"):
            p = subprocess.run(["xmllint", "--noout", svg_path], stderr=subprocess.PIPE, text=True)
            check(p.returncode == 0, "xmllint: " + p.stderr)
        ns = {"s": "http://www.w3.org/2000/svg"}
        root = ET.parse(svg_path).getroot()
        check(root.tag == "{http://www.w3.org/2000/svg}svg", "svg: root element")
        svg_text = open(svg_path, encoding="utf-8").read()
        check("href" not in svg_text and "<script" not in svg_text and "@import" not in svg_text,
              "svg: no external references")
        for series, key in (("content", "content_bytes"), ("compressed", "compressed_bytes")):
            g = root.find(".//s:g[@data-series='%s']" % series, ns)
            check(g is not None, "svg: %s series" % series)
            if g is None:
                continue
            points = g.find("s:polyline", ns).get("points").split()
            check(len(points) == 24, "svg: %s polyline has %d points" % (series, len(points)))
            xs = [float(p.split(",")[0]) for p in points]
            check(xs == sorted(xs), "svg: %s x increases with the build" % series)
            circles = g.findall("s:circle", ns)
            check([int(c.get("data-bytes")) for c in circles] == [b[key] for b in t["builds"]],
                  "svg: %s values" % series)
            check([int(c.get("data-id")) for c in circles] == list(range(1, 25)), "svg: %s ids" % series)
        marks = [(int(g.get("data-id")), g.get("data-kind")) for g in root.iter("{http://www.w3.org/2000/svg}g")
                 if g.get("data-kind")]
        check(marks == PLANTED, "svg: event marks %s" % marks)
        check(run(ls, "trend", *args, "--format", "svg") == open(svg_path, encoding="utf-8").read(),
              "svg: deterministic")

        md = run(ls, "trend", *args, "--format", "markdown")
        check("`RUN pip install torch`" in md and "mostly `site-packages/torch`" in md, "markdown: build 7 explained")
        text = run(ls, "trend", *args)
        check("Flagged builds (4)" in text, "text: 4 flagged builds")

        # Usage and input errors.
        run(ls, "trend", "--db", db, "--image", "nope", expect=3)
        run(ls, "trend", "--db", os.path.join(tmp, "missing.db"), expect=3)
        run(ls, "trend", "--db", db, "--fail-on-growth", "lots", expect=2)
        run(ls, "trend", "--db", db, "--since", "March", expect=2)
        run(ls, "record", os.path.join(tmp, "build-01.tar"), "--db", db, "--label", "novalue", expect=2)
        run(ls, "record", os.path.join(tmp, "build-01.tar"), "--db", db, "--time", "2026-03-01T00:00", expect=2)
        # A second series makes --image necessary.
        run(ls, "record", os.path.join(tmp, "build-01.tar"), "--db", db, "--series", "other", "--time", "2026-03-01")
        run(ls, "trend", "--db", db, expect=2)
        check(len(json.loads(run(ls, "trend", "--db", db, "--image", "ci/app", "--format", "json"))["builds"]) == 24,
              "--image selects the series")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all trend checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
