#!/usr/bin/env python3
"""`layerscope check --dive-ci FILE` must give dive's verdict: for every peer image (and the
sample images) and every threshold set DIVE-COMPAT.md lists, the expected verdict is worked
out here from the independent dive_metrics oracle and dive's comparison rules (strict
comparisons, `disabled`, MISCONFIGURED on out-of-range values), then compared with the exit
code of the real binary (0 pass, 1 fail). Skips the shared images when ../shared is absent."""
import glob
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "oracle"))
import dive_metrics  # noqa: E402

# (lowestEfficiency, highestWastedBytes, highestUserWastedPercent) as dive reads them.
THRESHOLDS = [
    ("0.99", "1B", "0.01"),
    ("0.9", "50kB", "0.5"),
    ("disabled", "disabled", "disabled"),
    ("1.1", "1BB", "10"),
]
UNITS = {"": 1, "b": 1, "k": 1000, "kb": 1000, "m": 1000**2, "mb": 1000**2, "g": 1000**3, "gb": 1000**3}


def expected_pass(th, eff):
    eff_t, bytes_t, pct_t = th
    # MISCONFIGURED first: no rule is evaluated and the run fails.
    for v in (eff_t, pct_t):
        if v != "disabled" and not (0.0 <= float(v) <= 1.0):
            return False
    if bytes_t != "disabled":
        num = bytes_t.rstrip("bBkKmMgG")
        unit = bytes_t[len(num):].lower()
        if unit not in UNITS:
            return False
    ok = True
    if eff_t != "disabled" and float(eff_t) > eff["score"]:
        ok = False
    if bytes_t != "disabled":
        num = bytes_t.rstrip("bBkKmMgG")
        if eff["wasted_bytes"] > float(num) * UNITS[bytes_t[len(num):].lower()]:
            ok = False
    if pct_t != "disabled":
        if float(pct_t) < eff["user_wasted_percent"]:  # NaN compares false: passes, as in dive
            ok = False
    return ok


def main():
    binary, root = sys.argv[1], sys.argv[2]
    shared = os.environ.get("LAYERSCOPE_SHARED", os.path.join(root, "..", "shared"))
    images = sorted(glob.glob(os.path.join(shared, "peer-images", "*", "*.tar")))
    images += [os.path.join(root, "sample_images", n) for n in
               ("edge.docker.tar", "pyapp-bloated.docker.tar", "pyapp-slim.docker.tar", "multi.docker.tar")]
    if not os.path.isdir(shared):
        print("shared material absent: peer images skipped")
    failures = checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for img in images:
            try:
                eff, _diagnostics = dive_metrics.metrics(img)
            except dive_metrics.oracle.ImageError:
                continue  # not an image (dive cannot judge it either)
            for th in THRESHOLDS:
                cfg = os.path.join(tmp, "dive-ci")
                with open(cfg, "w") as f:
                    f.write("rules:\n  lowestEfficiency: %s\n  highestWastedBytes: %s\n"
                            "  highestUserWastedPercent: %s\n" % th)
                r = subprocess.run([binary, "check", "--no-cache", "--dive-ci", cfg, img], capture_output=True,
                                   text=True, timeout=120)
                want = 0 if expected_pass(th, eff) else 1
                checked += 1
                if r.returncode != want:
                    failures += 1
                    print(f"FAIL {os.path.basename(img)} {th}: exit {r.returncode}, expected {want}\n{r.stderr}")
    print(f"{checked - failures} of {checked} verdicts match")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
