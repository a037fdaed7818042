#!/usr/bin/env python3
"""Every sample image must give the exit code sample_images/expected.json records; a bad one
must fail with exactly one line on stderr naming what is at fault, and print nothing else."""
import json
import os
import subprocess
import sys

def main():
    binary, root = sys.argv[1], sys.argv[2]
    expected = json.load(open(os.path.join(root, "sample_images", "expected.json")))
    failures = 0
    for name, want in sorted(expected.items()):
        path = os.path.join("sample_images", name.rstrip("/"))
        r = subprocess.run([binary, "analyze", "--no-cache", "--format", "json", path], cwd=root, capture_output=True, text=True,
                           timeout=120)
        problems = []
        if r.returncode != want["exit"]:
            problems.append(f"exit {r.returncode}, expected {want['exit']}")
        if want["exit"] == 3:
            lines = [l for l in r.stderr.splitlines() if l.strip()]
            if len(lines) != 1:
                problems.append(f"{len(lines)} stderr lines, expected exactly 1")
            if r.stdout:
                problems.append("printed a report despite failing")
            for m in want.get("error_mentions", []):
                if m not in r.stderr:
                    problems.append(f"error does not mention {m!r}")
        elif r.stderr.strip():
            problems.append("unexpected stderr: " + r.stderr.strip()[:200])
        status = "FAIL" if problems else "ok"
        print(f"{status:4} {name}: {r.stderr.strip()[:160] or 'exit 0'}")
        for p in problems:
            print("       " + p)
        failures += bool(problems)
    print(f"{len(expected) - failures} passed, {failures} failed")
    return 1 if failures else 0

if __name__ == "__main__":
    sys.exit(main())
