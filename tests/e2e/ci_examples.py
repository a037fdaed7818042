#!/usr/bin/env python3
"""The copy-paste CI examples of docs/ci.md must keep working.

Usage: ci_examples.py LAYERSCOPE ROOT

Every `layerscope …` command in a fenced code block of docs/ci.md (backslash continuations
joined, a YAML list dash allowed in front) is run against the built binary twice, in a fresh
working directory:
  - `image.tar` -> sample_images/pyapp-slim.docker.tar, `--budget` -> a permissive 10GB:
    must exit 0 and report no failure;
  - `image.tar` -> sample_images/pyapp-demo.oci.tar, `--budget` -> 500MB: must exit 1.
`--dockerfile Dockerfile` points at the sample's Dockerfile. Every `--output FORMAT=PATH` the
command names must be written and must validate (JUnit: XSD; SARIF: SARIF 2.1.0 schema;
Markdown: tables render with cmark-gfm; JSON: parses and has the gate). Commands from the
GitHub Actions example run with GITHUB_ACTIONS=true and a GITHUB_STEP_SUMMARY file, which
must receive the Markdown, and stdout must carry the annotations. The YAML around the
commands must hand `upload-sarif` and `reports: junit` the paths the commands write.

Exit 77 (ctest: skipped) when the binary has no `check` command at all.
"""
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ci_validators as cv  # noqa: E402

SKIP = 77
# Flags the docs use that land on main from another branch. While the binary lacks one, it is
# dropped from the command (with its value) and the rest still runs; delete an entry once the
# flag is everywhere. Any other unknown flag is a failure: that is documentation rot.
PENDING_FLAGS = {}

SCENARIOS = [
    # name, image, Dockerfile, budget, expected exit
    ("pass", "sample_images/pyapp-slim.docker.tar", "sample_images/pyapp-slim.Dockerfile", "10GB", 0),
    ("fail", "sample_images/pyapp-demo.oci.tar", "sample_images/pyapp-demo.Dockerfile", "500MB", 1),
]


def code_blocks(markdown):
    """(info string, text) of every fenced code block."""
    blocks, lines, i = [], markdown.split("\n"), 0
    while i < len(lines):
        m = re.match(r"^(\s*)(```+|~~~+)\s*(\S*)", lines[i])
        if not m:
            i += 1
            continue
        fence, info, body = m.group(2), m.group(3), []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        blocks.append((info, "\n".join(body)))
        i += 1
    return blocks


def commands(block):
    """The layerscope command lines of a block, continuations joined."""
    out, lines, i = [], block.split("\n"), 0
    while i < len(lines):
        text = lines[i].strip()
        if text.startswith("- "):
            text = text[2:].strip()
        if text.startswith("layerscope "):
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            out.append(text)
        i += 1
    return out


def is_github(block):
    return "runs-on:" in block or "uses: actions/" in block


def yaml_values(block, key):
    return [m.group(1).strip() for m in re.finditer(r"^\s*%s:\s*(\S+)\s*$" % re.escape(key), block, flags=re.M)]


def help_text(binary):
    r = subprocess.run([binary, "check", "--help"], capture_output=True, text=True, timeout=60)
    return r.returncode, r.stdout + r.stderr


def adapt(argv, scenario, root, known_flags, notes):
    """The documented command with the sample image, budget and Dockerfile substituted."""
    _, image, dockerfile, budget, _ = scenario
    out, i = [], 0
    while i < len(argv):
        a = argv[i]
        if a in PENDING_FLAGS and a not in known_flags:
            notes.add("%s is not in this build yet: dropped from the command" % a)
            i += 1 + PENDING_FLAGS[a]
            continue
        if a == "--budget" and i + 1 < len(argv):
            out += [a, budget]
            i += 2
            continue
        if a == "--dockerfile" and i + 1 < len(argv):
            out += [a, os.path.join(root, dockerfile)]
            i += 2
            continue
        out.append(os.path.join(root, image) if a == "image.tar" else a)
        i += 1
    return out


def outputs_of(argv):
    specs = [argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--output"]
    specs += [a.split("=", 1)[1] for a in argv if a.startswith("--output=")]
    return [tuple(s.split("=", 1)) for s in specs]


def check_outputs(rep, label, cwd, outputs, root, scenario):
    failing = scenario[4] == 1
    for fmt, path in outputs:
        full = os.path.join(cwd, path)
        if not rep.check(os.path.isfile(full) and os.path.getsize(full) > 0, "%s: wrote %s (%s)" % (label, path, fmt)):
            continue
        if fmt == "junit":
            ok, text = cv.validate_junit(root, [full])
            rep.check(ok, "%s: %s validates against junit-10.xsd" % (label, path), text)
            problems = cv.junit_problems(full)
            rep.check(not problems, "%s: %s counts agree" % (label, path), "\n".join(problems))
            failures = int(ET.parse(full).getroot().get("failures", "0"))
            rep.check((failures > 0) == failing, "%s: %s reports %d failed checks" % (label, path, failures))
        elif fmt == "sarif":
            ok, text = cv.validate_sarif(root, [full])
            rep.check(ok, "%s: %s validates against SARIF 2.1.0" % (label, path), text)
            problems = cv.sarif_problems(full)
            rep.check(not problems, "%s: %s rules and results agree" % (label, path), "\n".join(problems))
            results = json.load(open(full, encoding="utf-8"))["runs"][0]["results"]
            errors = [r for r in results if r["level"] == "error"]
            rep.check(bool(errors) == failing, "%s: %s has %d error results" % (label, path, len(errors)))
        elif fmt == "markdown":
            source, rendered, problems = cv.markdown_tables(full)
            rep.check(not problems and source == rendered and source > 0,
                      "%s: %s renders %s of %d tables" % (label, path, rendered, source), "\n".join(problems))
        elif fmt == "json":
            report = json.load(open(full, encoding="utf-8"))
            gate = report.get("gate", {})
            rep.check(gate.get("passed") is (not failing) and gate.get("checks"),
                      "%s: %s carries the gate (passed=%s)" % (label, path, gate.get("passed")))


class Report:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, ok, what, detail=""):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok and detail:
            print("     " + str(detail).strip()[:3000].replace("\n", "\n     "))
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        return ok


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    rc, help_out = help_text(binary)
    if rc != 0 or "--output" not in help_out:
        print("skipped: %s has no `check` command with --output yet" % binary)
        return SKIP
    known_flags = set(re.findall(r"(--[a-z][a-z0-9-]*)", help_out))

    doc = open(os.path.join(root, "docs", "ci.md"), encoding="utf-8").read()
    rep, notes, ran = Report(), set(), 0
    for info, block in code_blocks(doc):
        cmds = commands(block)
        github = is_github(block)
        written = set()
        for cmd in cmds:
            if "$" in cmd:
                rep.check(False, "no shell variables in a tested command: " + cmd)
                continue
            argv = shlex.split(cmd)
            rep.check(argv[:2] == ["layerscope", "check"] and argv.count("image.tar") == 1,
                      "documented command is `layerscope check image.tar …`: " + cmd)
            outputs = outputs_of(argv)
            written |= {p for _, p in outputs}
            for flag in sorted({a.split("=")[0] for a in argv if a.startswith("--")}):
                if flag in known_flags:
                    rep.check(True, "`check --help` knows %s" % flag)
                else:
                    rep.check(flag in PENDING_FLAGS, "%s: unknown to `check --help`%s" %
                              (flag, " (pending: lands from another branch)" if flag in PENDING_FLAGS else ""))
            for scenario in SCENARIOS:
                label = "%s example, %s (%s)" % ("GitHub" if github else info or "shell", scenario[0],
                                                 os.path.basename(scenario[1]))
                with tempfile.TemporaryDirectory() as cwd:
                    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
                    summary = os.path.join(cwd, "step-summary.md")
                    if github:
                        env["GITHUB_ACTIONS"] = "true"
                        env["GITHUB_STEP_SUMMARY"] = summary
                    args = adapt(argv, scenario, root, known_flags, notes)
                    r = subprocess.run([binary] + args[1:], cwd=cwd, env=env, capture_output=True, text=True,
                                       timeout=600)
                    ran += 1
                    rep.check(r.returncode == scenario[4], "%s: exit %d" % (label, r.returncode),
                              "expected %d\n$ %s\n%s%s" % (scenario[4], " ".join(args), r.stdout[-1500:], r.stderr))
                    check_outputs(rep, label, cwd, outputs, root, scenario)
                    if github:
                        md = open(summary, encoding="utf-8").read() if os.path.exists(summary) else ""
                        verdict = "layerscope check failed" if scenario[4] else "layerscope check passed"
                        rep.check(verdict in md, "%s: the job summary says '%s'" % (label, verdict))
                        has_error = re.search(r"^::error ", r.stdout, flags=re.M) is not None
                        rep.check(has_error == bool(scenario[4]), "%s: %s ::error annotations" %
                                  (label, "prints" if scenario[4] else "prints no"))
        # The YAML must consume what the commands produce.
        for key in ("sarif_file", "junit"):
            for value in yaml_values(block, key):
                rep.check(value in written, "the %s the YAML uploads (%s) is written by its command" % (key, value),
                          "written: %s" % sorted(written))
    rep.check(ran >= 6, "ran %d documented command/scenario pairs" % ran)
    for n in sorted(notes):
        print("note: " + n)
    print("%d passed, %d failed" % (rep.passed, rep.failed))
    return 1 if rep.failed else 0


if __name__ == "__main__":
    sys.exit(main())
