#!/usr/bin/env python3
"""--target and --build-arg, as given to `docker build`, on the bundled pyapp-slim sample.

The sample's Dockerfile is rewritten (line numbers kept) into the shape that needs both: the
final stage's base comes from a global ARG, the stage is named, and a later stage that was
not built follows it. With `--target runtime --build-arg BASE=<the real base>` the layers map
to the same lines and base as with the original Dockerfile; without them they do not.

usage: dockerfile_target.py LAYERSCOPE REPO_ROOT
"""
import json
import os
import subprocess
import sys
import tempfile


def analyze(ls, image, *extra):
    p = subprocess.run([ls, "analyze", "--format", "json", *extra, image], capture_output=True, timeout=300)
    return p.returncode, (json.loads(p.stdout) if p.returncode in (0, 1) else None), p.stderr.decode()


def lines_and_base(report):
    return [l["dockerfile_line"] for l in report["layers"]], report["attribution"]["base_image"]


def desc(rep, err):
    return str(lines_and_base(rep)) if rep else err


def main():
    ls, root = sys.argv[1], sys.argv[2]
    image = os.path.join(root, "sample_images", "pyapp-slim.oci.tar")
    original = os.path.join(root, "sample_images", "pyapp-slim.Dockerfile")
    failures = []

    def check(cond, what):
        print(("ok   " if cond else "FAIL ") + what)
        if not cond:
            failures.append(what)

    rc, rep, err = analyze(ls, image, "--dockerfile", original)
    check(rc == 0, "original Dockerfile: exit %d %s" % (rc, err))
    want_lines, want_base = lines_and_base(rep)
    check(any(x is not None for x in want_lines), "original Dockerfile maps layers: %s" % want_lines)

    lines = open(original).read().split("\n")
    froms = [i for i, l in enumerate(lines) if l.startswith("FROM ")]
    final = froms[-1]
    check(lines[final] == "FROM " + want_base, "final FROM is the reported base: %r" % lines[final])
    check(lines[1].startswith("#"), "line 2 is a comment that can become the ARG")
    lines[1] = "ARG BASE=python:3.10-slim"
    lines[final] = "FROM ${BASE} AS Runtime"
    text = "\n".join(lines) + "\nFROM alpine:3.19 AS debug\nRUN echo debugging tools\n"
    with tempfile.NamedTemporaryFile("w", suffix=".Dockerfile", delete=False) as f:
        f.write(text)
        variant = f.name
    try:
        rc, rep, err = analyze(ls, image, "--dockerfile", variant, "--target", "runtime",
                               "--build-arg", "BASE=" + want_base)
        check(rc == 0 and lines_and_base(rep) == (want_lines, want_base),
              "--target runtime --build-arg BASE=...: %s" % desc(rep, err))
        env = dict(os.environ, BASE=want_base)
        p = subprocess.run([ls, "analyze", "--format", "json", "--dockerfile", variant, "--target", "runtime",
                            "--build-arg", "BASE", image], capture_output=True, env=env, timeout=300)
        check(p.returncode == 0 and json.loads(p.stdout)["attribution"]["base_image"] == want_base,
              "--build-arg BASE takes the value from the environment")
        rc, rep, err = analyze(ls, image, "--dockerfile", variant, "--target", "runtime")
        check(rc == 0 and lines_and_base(rep)[1] == "python:3.10-slim",
              "the ARG default without --build-arg: %s" % desc(rep, err))
        rc, rep, err = analyze(ls, image, "--dockerfile", variant)
        check(rc == 0 and lines_and_base(rep)[1] == "alpine:3.19" and lines_and_base(rep)[0] != want_lines,
              "without --target the last stage is taken: %s" % desc(rep, err))
        rc, rep, err = analyze(ls, image, "--dockerfile", variant, "--target", "release")
        check(rc == 2 and "no stage of that name" in err and "stages: build, Runtime, debug" in err,
              "unknown --target exits 2 naming the stages: %d %s" % (rc, err.strip()))
        rc, rep, err = analyze(ls, image, "--build-arg", "BASE=x")
        check(rc == 2 and "--dockerfile" in err, "--build-arg without --dockerfile exits 2: %d %s" % (rc, err.strip()))
    finally:
        os.unlink(variant)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
