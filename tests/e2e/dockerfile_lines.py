#!/usr/bin/env python3
"""End-to-end: layers of ../shared/images/tiny.docker.tar map to tiny.Dockerfile's lines.

tiny was built by buildah from tiny.Dockerfile, which records `COPY dir:<hash> in /` and
`/bin/sh -c <command>`; the final stage is FROM scratch, so every layer is the image's own.
Also checks the base/own/unknown split adds up, that a malformed Dockerfile exits 2 naming
its line, and that `du` sizes add up from children to parents. Exits 77 (skipped) when the
shared material is absent, so a fresh clone still passes.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def run(cmd):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=False)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscope", required=True)
    args = ap.parse_args()
    shared = os.environ.get("LAYERSCOPE_SHARED") or os.path.join(REPO, "..", "shared")
    image = os.path.join(shared, "images", "tiny.docker.tar")
    dockerfile = os.path.join(shared, "images", "tiny.Dockerfile")
    if not (os.path.exists(image) and os.path.exists(dockerfile)):
        print("shared material absent: skipped")
        return 77
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    p = run([args.layerscope, "analyze", "--format", "json", "--dockerfile", dockerfile, image])
    check(p.returncode == 0, "analyze exit %d: %s" % (p.returncode, p.stderr.decode()))
    report = json.loads(p.stdout)
    layers = report["layers"]
    # COPY rootfs/ / is line 4; the three RUNs start on lines 6, 18 and 22 (see cat -n).
    check([l["dockerfile_line"] for l in layers] == [4, 6, 18, 22],
          "dockerfile_line: %s" % [l["dockerfile_line"] for l in layers])
    check([l["dockerfile_last_line"] for l in layers] == [4, 14, 20, 22],
          "dockerfile_last_line: %s" % [l["dockerfile_last_line"] for l in layers])
    check(all(l["origin"] == "own" for l in layers), "origins: %s" % [l["origin"] for l in layers])
    check(layers[0]["instruction"] == "COPY rootfs/ /", "layer 0 instruction: %r" % layers[0]["instruction"])
    check(layers[3]["instruction"] == "RUN chmod 0600 /opt/keep/secret.txt",
          "layer 3 instruction: %r" % layers[3]["instruction"])
    att = report["attribution"]
    check(att["method"] == "dockerfile" and att["base_image"] == "scratch" and att["from_line"] == 2,
          "attribution: %s" % att)
    t = report["totals"]
    for kind in ("content", "compressed"):
        parts = t["base_%s_bytes" % kind] + t["own_%s_bytes" % kind] + t["unknown_%s_bytes" % kind]
        check(parts == t["%s_bytes" % kind], "%s split %d != %d" % (kind, parts, t["%s_bytes" % kind]))
    check([i["dockerfile_line"] for i in report["instructions"]] == [4, 6, 18, 22],
          "instructions: %s" % report["instructions"])
    check(sum(i["content_bytes"] for i in report["instructions"]) == t["content_bytes"],
          "instructions do not add up to the content bytes")

    text = run([args.layerscope, "analyze", "--dockerfile", dockerfile, image]).stdout.decode()
    check("Dockerfile:6-14" in text and "By instruction" in text, "text report lacks the Dockerfile lines")

    # --target and --build-arg, as given to `docker build`: the same Dockerfile with its first
    # line an ARG for the base, its final stage named, and a later stage that was not built.
    # Line numbers stay those of tiny.Dockerfile.
    lines = open(dockerfile).read().split("\n")
    check(lines[1] == "FROM scratch", "tiny.Dockerfile line 2 is %r" % lines[1])
    lines[0] = "ARG BASE=busybox:1.36"
    lines[1] = "FROM ${BASE} AS app"
    multi = "\n".join(lines) + "\nFROM alpine:3.19 AS debug\nRUN echo debugging tools\n"
    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as f:
        f.write(multi)
        multi_path = f.name
    try:
        p = run([args.layerscope, "analyze", "--format", "json", "--dockerfile", multi_path,
                 "--target", "APP", "--build-arg", "BASE=scratch", image])
        check(p.returncode == 0, "--target app: exit %d: %s" % (p.returncode, p.stderr.decode()))
        rep = json.loads(p.stdout)
        check([l["dockerfile_line"] for l in rep["layers"]] == [4, 6, 18, 22],
              "--target app: lines %s" % [l["dockerfile_line"] for l in rep["layers"]])
        check(rep["attribution"]["base_image"] == "scratch", "--build-arg BASE=scratch: %s" % rep["attribution"])
        # Without --target the last stage ("debug", on another base) is taken as the image: its
        # RUN matches none of the image's history, so the layers are not mapped to app's lines.
        p = run([args.layerscope, "analyze", "--format", "json", "--dockerfile", multi_path, "--target", "app", image])
        check(p.returncode == 0 and json.loads(p.stdout)["attribution"]["base_image"] == "busybox:1.36",
              "ARG default without --build-arg: %s" % p.stdout[:300])
        p = run([args.layerscope, "analyze", "--format", "json", "--dockerfile", multi_path, image])
        rep = json.loads(p.stdout)
        check(p.returncode == 0 and rep["attribution"]["base_image"] == "alpine:3.19",
              "without --target: %s" % rep["attribution"])
        lines_no_target = [l["dockerfile_line"] for l in rep["layers"]]
        check(lines_no_target != [4, 6, 18, 22], "without --target the debug stage must not map: %s" % lines_no_target)
        p = run([args.layerscope, "analyze", "--dockerfile", multi_path, "--target", "release", image])
        check(p.returncode == 2 and b"no stage of that name" in p.stderr and b"stages: app, debug" in p.stderr,
              "--target release: exit %d %r" % (p.returncode, p.stderr))
        p = run([args.layerscope, "analyze", "--target", "app", image])
        check(p.returncode == 2 and b"--dockerfile" in p.stderr, "--target without --dockerfile: exit %d %r"
              % (p.returncode, p.stderr))
    finally:
        os.unlink(multi_path)

    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as f:
        f.write("FROM scratch\nCOPY rootfs/ /\nRUNN true\n")
        bad = f.name
    try:
        p = run([args.layerscope, "analyze", "--dockerfile", bad, image])
        check(p.returncode == 2, "malformed Dockerfile: exit %d" % p.returncode)
        check(b"Dockerfile:3: unknown instruction: RUNN" in p.stderr, "malformed Dockerfile: %r" % p.stderr)
    finally:
        os.unlink(bad)

    for extra in ([], ["--layer", "1"]):
        p = run([args.layerscope, "du", "--format", "json", "--depth", "0", image] + extra)
        check(p.returncode == 0, "du exit %d" % p.returncode)
        rows = json.loads(p.stdout)["directories"]
        by_path = {r["path"]: r for r in rows}
        for r in rows:
            kids = [c for c in rows if c["path"] != "/" and os.path.dirname(c["path"]) == r["path"]]
            check(r["bytes"] == r["own_bytes"] + sum(c["bytes"] for c in kids), "du %s %s" % (extra, r["path"]))
        total = layers[1]["content_bytes"] if extra else t["final_bytes"]
        check(by_path["/"]["bytes"] == total, "du %s root %d != %d" % (extra, by_path["/"]["bytes"], total))

    for f in failures:
        print("FAIL:", f)
    print("ok" if not failures else "%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
