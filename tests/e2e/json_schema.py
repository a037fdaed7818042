#!/usr/bin/env python3
"""The JSON report matches docs/report.schema.json: real output of analyze (every input
format, with and without --dockerfile and --budget) and of check --format json is validated
with Ajv, and a damaged report (a required field removed, a wrong type) must be rejected."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ci_validators as cv  # noqa: E402


def main():
    binary, root = sys.argv[1], sys.argv[2]
    err = cv.ensure_ajv(root)
    if err:
        print(err)
        return 1
    runs = [
        ["analyze", "sample_images/edge.docker.tar"],
        ["analyze", "sample_images/edge.docker25.tar"],
        ["analyze", "sample_images/edge.kaniko.tar"],
        ["analyze", "sample_images/edge.docker.tar.gz"],
        ["analyze", "sample_images/edge-mixed.oci"],
        ["analyze", "sample_images/edge.dir"],
        ["analyze", "sample_images/multiarch.oci", "--platform", "linux/arm64"],
        ["analyze", "sample_images/pyapp-bloated.docker.tar", "--dockerfile", "sample_images/pyapp-bloated.Dockerfile",
         "--budget", "500MB", "--finding-paths", "0"],
        ["check", "sample_images/pyapp-demo.oci.tar", "--budget", "500MB", "--require-non-root"],
    ]
    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for n, args in enumerate(runs):
            r = subprocess.run([binary, args[0], "--no-cache", "--format", "json"] + args[1:], cwd=root,
                               capture_output=True, text=True, timeout=300)
            if r.returncode not in (0, 1):
                print("FAIL", args, r.stderr)
                return 1
            path = os.path.join(tmp, "report%d.json" % n)
            with open(path, "w") as f:
                f.write(r.stdout)
            files.append(path)
        # Negative controls: the validator must reject these.
        doc = json.load(open(files[0]))
        del doc["totals"]["final_bytes"]
        bad1 = os.path.join(tmp, "bad-missing.json")
        json.dump(doc, open(bad1, "w"))
        doc = json.load(open(files[0]))
        doc["layers"][0]["compression"] = "brotli"
        bad2 = os.path.join(tmp, "bad-enum.json")
        json.dump(doc, open(bad2, "w"))
        schema = os.path.join(root, "docs", "report.schema.json")
        script = os.path.join(root, "tests", "schemas", "validate_json.js")
        good = subprocess.run(["node", script, schema] + files, capture_output=True, text=True)
        print(good.stdout)
        if good.returncode != 0:
            return 1
        for bad in (bad1, bad2):
            r = subprocess.run(["node", script, schema, bad], capture_output=True, text=True)
            if r.returncode == 0:
                print("FAIL: the validator accepted", os.path.basename(bad))
                return 1
        print("ok   damaged reports are rejected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
