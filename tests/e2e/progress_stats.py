#!/usr/bin/env python3
"""Progress and --stats never touch the report: stdout and -o files are byte-identical with and
without --stats, and the table on stderr has one row per layer whose compressed and tar bytes,
digest and compression are the JSON report's. Cache hits say "cache". Without a terminal,
stderr stays empty; on a terminal (a pty) the progress line appears, says "layers", is cleared
at the end and before an error message, and -q silences it."""
import json
import os
import pty
import re
import subprocess
import sys
import tempfile

IMAGES = ["edge.docker.tar", "edge.docker.tar.gz", "edge-mixed.oci", "edge.kaniko.tar", "pyapp-bloated.oci.tar"]
ROW = re.compile(r"^\s*(\d+)\s+(\S+)\s+(none|gzip|zstd)\s+([\d,]+)\s+([\d,]+)\s+([\d.]+)\s+(\S+)(?:\s+(cache|streamed))?$")
PHASES = ["open", "config", "index", "merge", "summaries", "attribution", "findings", "efficiency", "render"]

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(binary, root, *args):
    return subprocess.run([binary, *args], cwd=root, capture_output=True, timeout=300)


def layer_rows(stderr):
    return [ROW.match(l) for l in stderr.decode().splitlines() if ROW.match(l)]


def stats_match_report(name, stderr, report):
    rows = layer_rows(stderr)
    layers = report["layers"]
    check(len(rows) == len(layers), f"{name}: one --stats row per layer ({len(rows)} rows, {len(layers)} layers)")
    for m, l in zip(rows, layers):
        got = (int(m[1]), m[2], m[3], int(m[4].replace(",", "")), int(m[5].replace(",", "")))
        want = (l["index"], l["digest"][:19], l["compression"], l["compressed_bytes"], l["tar_bytes"])
        check(got == want, f"{name}: layer {l['index']} row {got} == report {want}")
    text = stderr.decode()
    for p in PHASES:
        check(re.search(rf"^{p}\s+\d+\.\d{{3}}$", text, re.M) is not None, f"{name}: phase {p} timed")
    return rows


def run_pty(binary, root, *args):
    """Runs with stderr on a pseudo-terminal (stdout and stdin elsewhere); returns (exit, stderr bytes)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([binary, *args], cwd=root, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    data = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: every writer of the terminal is gone
            break
        if not chunk:
            break
        data += chunk
    os.close(master)
    return p.wait(timeout=300), data


def main():
    binary, root = os.path.abspath(sys.argv[1]), sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        for name in IMAGES:
            img = os.path.join("sample_images", name)
            base = run(binary, root, "analyze", "--no-cache", "--format", "json", img)
            check(base.returncode == 0 and base.stderr == b"", f"{name}: no progress on stderr when it is not a terminal")
            report = json.loads(base.stdout)
            for jobs in ("1", "4"):
                s = run(binary, root, "analyze", "--no-cache", "--format", "json", "--stats", "-j", jobs, img)
                check(s.stdout == base.stdout, f"{name} -j{jobs}: --stats leaves stdout byte-identical")
                rows = stats_match_report(f"{name} -j{jobs}", s.stderr, report)
                # A compressed archive is streamed once: its layers are indexed while it opens.
                want = "streamed" if name.endswith(".tar.gz") else None
                check(all(m[8] == want for m in rows), f"{name} -j{jobs}: rows marked {want}")

            plain, stats = os.path.join(tmp, "plain.txt"), os.path.join(tmp, "stats.txt")
            a = run(binary, root, "analyze", "--no-cache", "-o", plain, img)
            b = run(binary, root, "analyze", "--no-cache", "--stats", "-o", stats, img)
            check(a.stdout == b.stdout == b"" and open(plain, "rb").read() == open(stats, "rb").read(),
                  f"{name}: -o file byte-identical with --stats")

        img = "sample_images/pyapp-bloated.docker.tar"
        cache = os.path.join(tmp, "cache")
        run(binary, root, "analyze", "--cache-dir", cache, img)
        hit = run(binary, root, "analyze", "--cache-dir", cache, "--stats", img)
        rows = layer_rows(hit.stderr)
        check(rows and all(m[8] == "cache" for m in rows), "cached layers say 'cache' in --stats")

        old, new = "sample_images/pyapp-bloated.docker.tar", "sample_images/pyapp-slim.docker.tar"
        d0 = run(binary, root, "diff", "--no-cache", old, new)
        d1 = run(binary, root, "diff", "--no-cache", "--stats", old, new)
        check(d0.stdout == d1.stdout and b"image 1 of 2" in d1.stderr and b"image 2 of 2" in d1.stderr,
              "diff --stats: one layer table per image, stdout unchanged")
        c0 = run(binary, root, "check", "--no-cache", "--budget", "1MB", img)
        c1 = run(binary, root, "check", "--no-cache", "--budget", "1MB", "--stats", img)
        check(c0.stdout == c1.stdout and c0.returncode == c1.returncode and layer_rows(c1.stderr),
              "check --stats: same stdout and exit code, the table on stderr")

        # The 826 MB demo image takes long enough to index (most of a second) for the line,
        # redrawn at most every 100 ms, to show its layers; the small ones may be done sooner.
        img = "sample_images/pyapp-demo.oci.tar"
        out = os.path.join(tmp, "tty.json")
        code, err = run_pty(binary, root, "analyze", "--no-cache", "--format", "json", "-o", out, img)
        want = run(binary, root, "analyze", "--no-cache", "--format", "json", img).stdout
        check(code == 0 and b"layers " in err, "on a terminal the progress line shows the layers")
        check(err.endswith(b"\r") and err.split(b"\r")[-1] == b"", "the progress line is cleared at the end")
        check(open(out, "rb").read() == want, "the report is unchanged on a terminal")
        code, err = run_pty(binary, root, "analyze", "--no-cache", "-q", "-o", out, img)
        check(code == 0 and err == b"", "-q: nothing on the terminal")
        code, err = run_pty(binary, root, "analyze", "--no-cache", "--stats", "-o", out, img)
        check(code == 0 and b"layers " in err and re.search(rb"(^|\r)phase\s+wall s", err) is not None,
              "on a terminal --stats starts on the cleared line")
        code, err = run_pty(binary, root, "analyze", "--no-cache", "sample_images/bad-digest-mismatch.oci")
        check(code == 3 and re.search(rb"(^|\r)layerscope: error: ", err) is not None,
              "an error message starts on the cleared line")
    print(f"{len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
