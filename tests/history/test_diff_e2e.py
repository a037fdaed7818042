#!/usr/bin/env python3
"""End-to-end checks of `layerscope diff` against an independent computation.

For pairs of sample images (same and different formats, related and unrelated images):
  * every directory whose bytes changed is in the diff with the exact old and new bytes
    computed by tests/history/diff_oracle.py, and no other directory has a non-zero delta;
  * every file added, removed, grown or shrunk is listed with its exact sizes;
  * the `delta` totals equal the differences of the two `layerscope analyze` totals;
  * an image diffed with itself is all zeros;
  * the formats render, the budget gate and the error exit codes behave.
Usage: test_diff_e2e.py --layerscope PATH
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SAMPLES = os.path.join(ROOT, "sample_images")
sys.path.insert(0, HERE)
import diff_oracle  # noqa: E402
import imagegen  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def run(ls, *args, expect=0):
    p = subprocess.run([ls, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(p.returncode == expect, "%s: exit %d, expected %d (stderr: %s)" % (" ".join(args), p.returncode, expect,
                                                                           p.stderr.strip()))
    return p.stdout


def flatten(node, out):
    out[node["path"]] = node
    for c in node["children"]:
        flatten(c, out)
    return out


def check_pair(ls, old, new):
    label = "%s -> %s" % (os.path.basename(old), os.path.basename(new))
    d = json.loads(run(ls, "diff", old, new, "--format", "json", "--depth", "0", "--files", "0"))
    want = diff_oracle.diff(old, new)

    # Directories: the same set with a non-zero delta, with exact sizes.
    got_dirs = flatten(d["directories"], {})
    nonzero = {p: n for p, n in got_dirs.items() if n["delta"] != 0}
    check(set(nonzero) == set(want["directories"]),
          "%s: directories with a delta differ: only layerscope %s, only oracle %s" % (
              label, sorted(set(nonzero) - set(want["directories"]))[:5],
              sorted(set(want["directories"]) - set(nonzero))[:5]))
    for p, (a, b) in want["directories"].items():
        n = got_dirs.get(p)
        if n is None:
            continue
        check((n["old_bytes"], n["new_bytes"], n["delta"]) == (a, b, b - a),
              "%s: %s is %s/%s/%s, oracle %s/%s/%s" % (label, p, n["old_bytes"], n["new_bytes"], n["delta"], a, b, b - a))
    # Children come largest change first.
    for p, n in got_dirs.items():
        mags = [abs(c["delta"]) for c in n["children"]]
        check(mags == sorted(mags, reverse=True), "%s: children of %s not ordered by |delta|" % (label, p))

    # Files: every size change, exactly.
    got_files = {f["path"]: [f["change"], f["old_bytes"], f["new_bytes"]]
                 for f in d["files"]["list"] if f["change"] != "modified"}
    check(got_files == want["files"], "%s: file changes differ: layerscope-only %s, oracle-only %s" % (
        label, [k for k in got_files if got_files[k] != want["files"].get(k)][:5],
        [k for k in want["files"] if want["files"][k] != got_files.get(k)][:5]))
    check(d["files"]["total"] == len(d["files"]["list"]), "%s: --files 0 lists every file" % label)
    summary = d["files"]["summary"]
    for kind in ("added", "removed", "grown", "shrunk"):
        n = sum(1 for v in want["files"].values() if v[0] == kind)
        b = sum(v[2] - v[1] for v in want["files"].values() if v[0] == kind)
        check((summary[kind]["files"], summary[kind]["bytes"]) == (n, b), "%s: %s summary" % (label, kind))

    # Totals: NEW minus OLD of what `analyze` reports.
    ao = json.loads(run(ls, "analyze", old, "--format", "json"))["totals"]
    an = json.loads(run(ls, "analyze", new, "--format", "json"))["totals"]
    for key in ("content_bytes", "compressed_bytes", "final_bytes", "tar_bytes", "files", "layers"):
        check(d["delta"][key] == an[key] - ao[key], "%s: delta.%s %s != %s" % (label, key, d["delta"][key], an[key] - ao[key]))
        check(d["old"][key] == ao[key] and d["new"][key] == an[key], "%s: old/new %s" % (label, key))
    check(want["final_bytes"] == [ao["final_bytes"], an["final_bytes"]], "%s: oracle final bytes" % label)
    check(d["directories"]["delta"] == d["delta"]["final_bytes"], "%s: root delta is the final delta" % label)
    print("ok   %s: %d directories, %d files changed, content %+d" % (
        label, len(want["directories"]), len(want["files"]), d["delta"]["content_bytes"]))
    return d


def check_self(ls, image):
    d = json.loads(run(ls, "diff", image, image, "--format", "json", "--depth", "0", "--files", "0"))
    label = "self-diff of " + os.path.basename(image)
    check(all(v == 0 for v in d["delta"].values()), "%s: delta %s" % (label, d["delta"]))
    check(all(l["change"] == "unchanged" and l["content_delta"] == 0 and l["compressed_delta"] == 0
              for l in d["layers"]), "%s: layers" % label)
    check(d["shared_layers"] == d["old"]["layers"], "%s: every layer shared" % label)
    check(d["instructions"] == [], "%s: instructions" % label)
    check(d["directories"]["children"] == [] and d["directories"]["delta"] == 0, "%s: directories" % label)
    check(d["files"]["total"] == 0, "%s: files" % label)
    print("ok   " + label)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscope", required=True)
    ls = ap.parse_args().layerscope
    s = lambda name: os.path.join(SAMPLES, name)  # noqa: E731

    pairs = [
        (s("pyapp-bloated.docker.tar"), s("pyapp-slim.docker.tar")),
        (s("pyapp-slim.docker.tar"), s("pyapp-bloated.oci.tar")),   # across formats
        (s("edge.docker.tar"), s("pyapp-slim.oci.tar")),            # whiteouts, links, odd names
        (s("pyapp-bloated.oci.tar"), s("edge.docker25.tar")),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        # Two generated builds: a changed COPY layer and a new pip layer over a shared base.
        base = {"created_by": "/bin/sh -c #(nop) ADD file:base in /",
                "files": [("usr/lib/libc.so", imagegen.content("libc", 60000)), ("etc/os-release", b"ID=test\n")]}
        app1 = {"created_by": "COPY . /app # buildkit",
                "files": [("app/main.py", imagegen.content("main1", 900)), ("app/data/a.bin", imagegen.content("a", 5000))]}
        app2 = {"created_by": "COPY . /app # buildkit",
                "files": [("app/main.py", imagegen.content("main2", 1400)), ("app/data/b.bin", imagegen.content("b", 7000))]}
        pip = {"created_by": "RUN /bin/sh -c pip install torch # buildkit",
               "files": [("usr/local/lib/python3.11/site-packages/torch/lib.so", imagegen.content("t", 30000))]}
        b1, b2 = os.path.join(tmp, "b1.tar"), os.path.join(tmp, "b2.tar")
        imagegen.write_docker_archive(b1, "ci/app:1", [base, app1])
        imagegen.write_docker_archive(b2, "ci/app:2", [base, pip, app2])
        pairs.append((b1, b2))
        for old, new in pairs:
            check_pair(ls, old, new)

        d = json.loads(run(ls, "diff", b1, b2, "--format", "json"))
        check([l["change"] for l in d["layers"]] == ["unchanged", "added", "changed"], "builds: layer changes")
        check(d["layers"][1]["directories"][0]["path"] == "/usr/local/lib/python3.11/site-packages/torch",
              "builds: the pip layer is explained by torch")
        md = run(ls, "diff", b1, b2, "--format", "markdown")
        check("30.0 kB of it from `RUN pip install torch` in layer 1, mostly `site-packages/torch`" in md,
              "builds: markdown headline:\n" + md[:400])
        text = run(ls, "diff", b1, b2)
        check("Layers (1 shared by diff_id" in text, "builds: text")

        # Gates and errors.
        run(ls, "diff", b1, b2, "--budget", "1kB", expect=1)
        run(ls, "diff", b1, b2, "--budget", "10MB", expect=0)
        run(ls, "diff", b1, b2, "--budget", "lots", expect=2)
        run(ls, "diff", b1, os.path.join(tmp, "missing.tar"), expect=3)
        run(ls, "diff", b1, expect=2)

    for image in (s("pyapp-bloated.docker.tar"), s("edge.oci"), s("edge.docker.tar.gz")):
        check_self(ls, image)
    # The same image in two formats: the same files and layers, only the blobs differ.
    d = json.loads(run(ls, "diff", s("edge.docker.tar"), s("edge-mixed.oci"), "--format", "json", "--depth", "0"))
    check(d["delta"]["content_bytes"] == 0 and d["delta"]["final_bytes"] == 0 and d["files"]["total"] == 0,
          "edge across formats: no content change")
    check(all(l["change"] == "unchanged" for l in d["layers"]), "edge across formats: layers matched by diff_id")

    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all diff checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
