#!/usr/bin/env python3
"""Conformance check: layerscope's JSON report against the independent Python oracle.

For each image, runs `LAYERSCOPE analyze --format json IMAGE` and tests/oracle/oracle.py, and
compares every field of the contract (totals.* and layers[i].* -- see README.md beside this
file).  When the oracle says the input is not an image or is corrupt, layerscope must exit 3
with exactly one non-empty line on stderr; that is a PASS.  With --dive the analyzer's
`efficiency` object is also compared with tests/oracle/dive_metrics.py (score compared as an
exact float64).

  compare.py --layerscope build/layerscope IMAGE [IMAGE...]
  compare.py --layerscope build/layerscope --shared [--dive]

--shared adds every image under $LAYERSCOPE_SHARED/images and $LAYERSCOPE_SHARED/peer-images
(default <repo>/../shared) and skips cleanly (exit 0) when that material is absent.
Exit status: 0 all passed, 1 some image failed, 2 usage error.
"""

import argparse
import json
import math
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(REPO, "tests", "oracle"))
import dive_metrics  # noqa: E402
import oracle  # noqa: E402

TOTAL_FIELDS = ("layers", "compressed_bytes", "tar_bytes", "content_bytes", "final_bytes", "files")
LAYER_FIELDS = ("index", "digest", "diff_id", "compression", "compressed_bytes", "tar_bytes",
                "content_bytes", "entries", "files")
DIFF_FIELDS = ("added", "modified", "deleted")
EFFICIENCY_FIELDS = ("score", "wasted_bytes", "user_wasted_percent", "image_bytes", "user_bytes",
                     "layer_bytes", "inefficient_paths")
SKIP_SUFFIXES = (".Dockerfile", ".dockerignore", ".md")
MISSING = "<missing>"


def shared_root():
    return os.path.normpath(os.environ.get("LAYERSCOPE_SHARED")
                            or os.path.join(REPO, "..", "shared"))


def is_layout_dir(path):
    return any(os.path.exists(os.path.join(path, n)) for n in ("index.json", "manifest.json",
                                                              "oci-layout"))


def shared_images(root):
    """Every image file and image-layout directory under root/images and root/peer-images."""
    out = []

    def walk(d):
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if os.path.isdir(p):
                if is_layout_dir(p):
                    out.append(p)
                else:
                    walk(p)
            elif os.path.isfile(p):
                if name.startswith("README") or name.endswith(SKIP_SUFFIXES) or name.startswith("."):
                    continue
                out.append(p)

    for sub in ("images", "peer-images"):
        d = os.path.join(root, sub)
        if os.path.isdir(d):
            walk(d)
    return out


def same(expected, actual):
    """Equal values of the same JSON kind (a count must not be `true`, 1.0 may be 1)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float):
        if not isinstance(actual, (int, float)):
            return False
        if math.isnan(expected):
            return isinstance(actual, float) and math.isnan(actual)
        return float(actual) == expected
    if isinstance(expected, int):
        return isinstance(actual, int) and actual == expected
    if isinstance(expected, list):
        return isinstance(actual, list) and len(actual) == len(expected) and \
            all(same(e, a) for e, a in zip(expected, actual))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and set(actual) == set(expected) and \
            all(same(expected[k], actual[k]) for k in expected)
    return type(expected) is type(actual) and expected == actual


def field(obj, key):
    if isinstance(obj, dict) and key in obj:
        return obj[key]
    return MISSING


def compare_contract(exp, act):
    diffs = []

    def check(path, e, a):
        if a is MISSING or not same(e, a):
            diffs.append((path, e, a))

    for k in TOTAL_FIELDS:
        check("totals." + k, exp["totals"][k], field(field(act, "totals"), k))
    alayers = field(act, "layers")
    if not isinstance(alayers, list):
        diffs.append(("layers", "list of %d layers" % len(exp["layers"]), alayers))
        return diffs
    if len(alayers) != len(exp["layers"]):
        diffs.append(("len(layers)", len(exp["layers"]), len(alayers)))
    for i, el in enumerate(exp["layers"]):
        al = alayers[i] if i < len(alayers) else MISSING
        for k in LAYER_FIELDS:
            check("layers[%d].%s" % (i, k), el[k], field(al, k))
        for k in DIFF_FIELDS:
            for sub in ("files", "bytes"):
                check("layers[%d].%s.%s" % (i, k, sub), el[k][sub], field(field(al, k), sub))
    return diffs


def compare_efficiency(exp_eff, act):
    diffs = []
    aeff = field(act, "efficiency")
    expected = dive_metrics.to_json_value(exp_eff)
    for k in EFFICIENCY_FIELDS:
        e = expected[k]
        a = field(aeff, k)
        if a is MISSING or not same(e, a):
            diffs.append(("efficiency." + k, e, a))
    return diffs


def short(v, limit=160):
    s = v if v is MISSING else json.dumps(v)
    return s if len(s) <= limit else s[:limit] + "..."


def run_analyzer(binary, image, args):
    cmd = [binary, "analyze", "--format", "json"]
    if args.platform:
        cmd += ["--platform", args.platform]
    if args.image:
        cmd += ["--image", args.image]
    cmd.append(image)
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired:
        return None


def check_image(binary, image, args):
    """(passed, detail lines)."""
    try:
        plan, lds = oracle.load_layers(image, args.image, args.platform)
        expected = oracle.build_report(plan, lds)
        oracle_error = None
    except oracle.ImageError as e:
        oracle_error = str(e)
    except Exception as e:  # a bug in the oracle must not look like a verdict on layerscope
        return False, ["oracle crashed: %s: %s" % (type(e).__name__, e)]

    proc = run_analyzer(binary, image, args)
    if proc is None:
        return False, ["layerscope timed out after %ss" % args.timeout]
    stderr = proc.stderr.decode("utf-8", "replace")
    stderr_lines = [l for l in stderr.splitlines() if l.strip()]

    if oracle_error is not None:
        problems = []
        if proc.returncode != 3:
            problems.append("exit code: expected 3, actual %d" % proc.returncode)
        if len(stderr_lines) != 1:
            problems.append("stderr: expected exactly one non-empty line, actual %d: %s"
                            % (len(stderr_lines), short(stderr.strip())))
        detail = ["oracle: %s" % oracle_error]
        if not problems:
            return True, detail + ["layerscope: %s" % stderr_lines[0]]
        return False, detail + problems

    if proc.returncode != 0:
        return False, ["exit code: expected 0, actual %d" % proc.returncode,
                       "stderr: %s" % short(stderr.strip(), 400)]
    try:
        actual = json.loads(proc.stdout.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        return False, ["stdout is not JSON: %s" % e]
    diffs = compare_contract(expected, actual)
    if args.dive:
        eff, _diags = dive_metrics.compute([ld.entries for ld in lds])
        diffs += compare_efficiency(eff, actual)
    if diffs:
        return False, ["%s: expected %s, actual %s" % (p, short(e), short(a)) for p, e, a in diffs]
    return True, ["%d layers, %d files, %d bytes" % (expected["totals"]["layers"],
                                                     expected["totals"]["files"],
                                                     expected["totals"]["final_bytes"])]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--layerscope", required=True, metavar="PATH", help="the analyzer binary")
    ap.add_argument("--dive", action="store_true",
                    help="also compare the efficiency object with dive_metrics")
    ap.add_argument("--shared", action="store_true",
                    help="add every image of $LAYERSCOPE_SHARED/{images,peer-images}")
    ap.add_argument("--image", metavar="NAME:TAG", help="passed to both as --image")
    ap.add_argument("--platform", metavar="os/arch[/variant]", help="passed to both as --platform")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds per analyzer run")
    ap.add_argument("-v", "--verbose", action="store_true", help="detail lines for passes too")
    ap.add_argument("images", nargs="*", metavar="IMAGE")
    args = ap.parse_args(argv)

    images = list(args.images)
    if args.shared:
        root = shared_root()
        if not (os.path.isdir(os.path.join(root, "images"))
                or os.path.isdir(os.path.join(root, "peer-images"))):
            print("shared material absent: skipped")
            if not images:
                return 0
        else:
            images += shared_images(root)
    if not images:
        ap.error("no IMAGE given (and no --shared)")
    if not (os.path.isfile(args.layerscope) and os.access(args.layerscope, os.X_OK)):
        print("layerscope binary not found or not executable: %s" % args.layerscope,
              file=sys.stderr)
        return 2

    failed = 0
    for image in images:
        ok, detail = check_image(args.layerscope, image, args)
        print("%s %s" % ("PASS" if ok else "FAIL", image))
        if not ok or args.verbose:
            for line in detail:
                print("    " + line)
        failed += 0 if ok else 1
    print("%d passed, %d failed" % (len(images) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
