#!/usr/bin/env python3
"""Findings checked against an independent reading of the image (the tarfile-based oracle):

1. every path a finding lists exists as a regular file in the layer it names, with the size
   the finding reports, and the finding's `bytes` is exactly the sum of those sizes;
2. for the rules defined by where files live, the set of files the rule reports over the
   whole image equals the set a predicate written here selects from the layers (so a rule
   the image really triggers appears, with every file and no other);
3. no byte is claimed by two findings: Σ savings <= Σ content, and savings <= bytes each;
4. the clean image (pyapp-slim) gets no error-severity finding.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import oracle  # noqa: E402


def comps(p):
    return p.split("/")


def seq(p, s):
    return ("/" + p + "/").find("/" + s + "/") >= 0


PREDICATES = {
    "apt-lists": lambda p: p.startswith("var/lib/apt/lists/"),
    "apt-archives": lambda p: p.startswith("var/cache/apt/"),
    "pip-cache": lambda p: seq(p, ".cache/pip"),
    "vcs-dir": lambda p: any(c in (".git", ".svn", ".hg") for c in comps(p)),
    "python-bytecode": lambda p: "__pycache__" in comps(p) or p.endswith(".pyc") or p.endswith(".pyo"),
    "docs-man-locale": lambda p: any(p.startswith(x) for x in (
        "usr/share/doc/", "usr/share/man/", "usr/share/info/", "usr/share/locale/", "usr/local/share/man/",
        "usr/local/share/doc/")),
}


def main():
    binary, root = sys.argv[1], sys.argv[2]
    failures = []
    for image in ("sample_images/pyapp-bloated.docker.tar", "sample_images/pyapp-slim.docker.tar",
                  "sample_images/pyapp-demo.oci.tar"):
        path = os.path.join(root, image)
        r = subprocess.run([binary, "analyze", "--no-cache", "--format", "json", "--finding-paths", "0", path],
                           capture_output=True, text=True, check=True)
        report = json.loads(r.stdout)
        _plan, layers = oracle.load_layers(path, None, None)
        files = [{e.path: e.size for e in l.entries if e.isreg} for l in layers]

        reported = {}
        for f in report["findings"]:
            total = 0
            for p in f["paths"]:
                rel = p["path"].lstrip("/")
                size = files[p["layer"]].get(rel)
                if size is None:
                    failures.append(f"{image}: {f['rule']}: {p['path']} is not a file of layer {p['layer']}")
                    continue
                if size != p["bytes"]:
                    failures.append(f"{image}: {f['rule']}: {p['path']} is {size} bytes, finding says {p['bytes']}")
                total += size
                reported.setdefault(f["rule"], set()).add((p["layer"], rel))
            if len(f["paths"]) == f["path_count"] and total != f["bytes"]:
                failures.append(f"{image}: {f['rule']} layer {f['layer']}: bytes {f['bytes']} != sum of paths {total}")
            if f["savings_bytes"] > f["bytes"]:
                failures.append(f"{image}: {f['rule']}: saves more than it holds")

        for rule, pred in PREDICATES.items():
            want = {(i, p) for i, l in enumerate(files) for p in l if pred(p) and not os.path.basename(p).startswith(".wh.")}
            got = reported.get(rule, set())
            if want != got:
                failures.append(f"{image}: {rule}: {len(want - got)} files missed, {len(got - want)} extra "
                                f"(e.g. {sorted(want ^ got)[:2]})")

        savings = sum(f["savings_bytes"] for f in report["findings"])
        if savings != report["savings_bytes"] or savings > report["totals"]["content_bytes"]:
            failures.append(f"{image}: total savings {savings} inconsistent")
        if "slim" in image:
            errors = [f["rule"] for f in report["findings"] if f["severity"] == "error"]
            if errors:
                failures.append(f"{image}: the clean image has error findings: {errors}")
        print(f"ok   {image}: {len(report['findings'])} findings, {len(reported)} rules with paths checked")
    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
