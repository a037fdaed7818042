"""Shared entry point of the registry test scripts: argument parsing, the skip rule, and a
runner for the layerscope binary that keeps the output of every call for secret checks."""

import argparse
import os
import subprocess
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import registry_fixtures as fx  # noqa: E402

LAYERSCOPE = None
ROOT = None
OUTPUTS = []  # (args, stdout, stderr) of every layerscope run, for the "no secrets" checks


class Result:
    def __init__(self, proc):
        self.rc, self.out, self.err = proc.returncode, proc.stdout, proc.stderr

    def __repr__(self):
        return f"rc={self.rc}\nstdout:\n{self.out[-3000:]}\nstderr:\n{self.err[-3000:]}"


def layerscope(command, *args, env=None, timeout=120):
    # --no-cache: every run must really read the registry (and never fill a user's cache).
    proc = subprocess.run([LAYERSCOPE, command, "--no-cache", *args], capture_output=True, text=True, env=env,
                          timeout=timeout)
    args = (command, *args)
    OUTPUTS.append((args, proc.stdout, proc.stderr))
    return Result(proc)


def assert_no_secret(test, secrets):
    """No run so far printed any of `secrets` (passwords, tokens, Authorization values)."""
    for args, out, err in OUTPUTS:
        for s in secrets:
            if s:
                test.assertNotIn(s, out, f"secret in stdout of {args}")
                test.assertNotIn(s, err, f"secret in stderr of {args}")


def main():
    global LAYERSCOPE, ROOT
    parser = argparse.ArgumentParser()
    parser.add_argument("--layerscope", required=True)
    parser.add_argument("--root", required=True)
    args, rest = parser.parse_known_args()
    LAYERSCOPE, ROOT = os.path.abspath(args.layerscope), os.path.abspath(args.root)
    missing = fx.have_tools()
    if missing:
        print(f"SKIP: {', '.join(missing)} not installed (tools/deps.sh --test installs them)")
        sys.exit(fx.SKIP)
    prog = unittest.main(argv=[sys.argv[0], "-v", *rest], exit=False)
    result = prog.result
    if not result.wasSuccessful():
        sys.exit(1)
    if result.testsRun and len(result.skipped) == result.testsRun:
        sys.exit(fx.SKIP)
    sys.exit(0)
