"""Validators for the CI outputs, shared by tests/e2e/ci_outputs.py and ci_examples.py.

- JUnit XML: xmllint (libxml2-utils) against tests/schemas/junit-10.xsd, plus the counting
  rules the schema cannot express (tests/failures/skipped agree with the test cases).
- SARIF: Ajv + ajv-formats (npm, pinned in tests/schemas/package-lock.json) against the OASIS
  SARIF 2.1.0 schema, plus the cross-references the schema cannot express (ruleId/ruleIndex).
- Markdown: GitHub's own renderer, cmark-gfm with the table extension, to prove the tables
  render as tables.
"""
import fcntl
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET

SCHEMAS = os.path.join("tests", "schemas")


def ensure_ajv(root):
    """Installs Ajv into tests/schemas/node_modules with `npm ci` when it is missing (tools/deps.sh
    normally did it already). Returns an error message, or None when Ajv is ready."""
    d = os.path.join(root, SCHEMAS)
    ready = lambda: all(os.path.exists(os.path.join(d, "node_modules", m, "package.json")) for m in ("ajv", "ajv-formats"))
    if ready():
        return None
    if not shutil.which("npm"):
        return "npm is not installed: cannot install the SARIF validator (see tests/schemas/README.md)"
    # ctest -j runs several tests at once: one installs, the others wait for it.
    tag = hashlib.sha256(os.path.realpath(d).encode()).hexdigest()[:16]
    lock_path = os.path.join(tempfile.gettempdir(), "layerscope-ajv-%s.lock" % tag)
    with open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready():
            return None
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=d, capture_output=True, text=True, timeout=600)
        if r.returncode != 0 or not ready():
            return "npm ci in %s failed:\n%s%s" % (d, r.stdout[-2000:], r.stderr[-2000:])
    return None


def validate_sarif(root, files):
    """(ok, output) from Ajv for the given SARIF files."""
    err = ensure_ajv(root)
    if err:
        return False, err
    r = subprocess.run(["node", os.path.join(root, SCHEMAS, "validate_sarif.js")] + list(files), capture_output=True,
                       text=True, timeout=300)
    return r.returncode == 0, r.stdout + r.stderr


def validate_junit(root, files):
    """(ok, output) from xmllint --schema for the given JUnit files."""
    if not shutil.which("xmllint"):
        return False, "xmllint is not installed (Debian package libxml2-utils; tools/deps.sh --test)"
    r = subprocess.run(["xmllint", "--noout", "--schema", os.path.join(root, SCHEMAS, "junit-10.xsd")] + list(files),
                       capture_output=True, text=True, timeout=300)
    return r.returncode == 0, r.stdout + r.stderr


def junit_problems(path):
    """Counting rules of the Ant/Jenkins convention that an XSD cannot check."""
    problems = []
    root = ET.parse(path).getroot()
    if root.tag != "testsuites":
        return ["root element is <%s>, not <testsuites>" % root.tag]
    total = {"tests": 0, "failures": 0, "errors": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(1 for c in cases if c.find("failure") is not None),
            "errors": sum(1 for c in cases if c.find("error") is not None),
            "skipped": sum(1 for c in cases if c.find("skipped") is not None),
        }
        for key, n in counted.items():
            if suite.get(key) != str(n):
                problems.append("testsuite %s=%s but %d test cases have it" % (key, suite.get(key), n))
        for key in total:
            total[key] += counted[key]
        for c in cases:
            if not c.get("classname", "").startswith("layerscope."):
                problems.append("testcase %s: classname %r" % (c.get("name"), c.get("classname")))
            for f in c.findall("failure"):
                if not f.get("message") or not f.get("type") or not (f.text or "").strip():
                    problems.append("testcase %s: a <failure> without message, type or details" % c.get("name"))
    for key, n in total.items():
        if root.get(key) != str(n):
            problems.append("testsuites %s=%s, expected %d" % (key, root.get(key), n))
    return problems


def sarif_problems(path):
    """Cross-references the SARIF schema cannot express."""
    problems = []
    log = json.load(open(path, encoding="utf-8"))
    for run in log.get("runs", []):
        driver = run["tool"]["driver"]
        for key in ("name", "version", "informationUri", "rules"):
            if key not in driver:
                problems.append("tool.driver has no %s" % key)
        rules = driver.get("rules", [])
        ids = [r["id"] for r in rules]
        if len(ids) != len(set(ids)):
            problems.append("duplicate rule ids")
        for r in rules:
            for key in ("shortDescription", "fullDescription", "help"):
                if key not in r:
                    problems.append("rule %s has no %s" % (r["id"], key))
            if "help" in r and not (r["help"].get("text") and r["help"].get("markdown")):
                problems.append("rule %s: help needs text and markdown" % r["id"])
        fingerprints = set()
        for i, res in enumerate(run.get("results", [])):
            idx = res.get("ruleIndex", -1)
            if not (0 <= idx < len(rules)) or rules[idx]["id"] != res.get("ruleId"):
                problems.append("result %d: ruleIndex %s does not name ruleId %s" % (i, idx, res.get("ruleId")))
            if not res.get("locations"):
                problems.append("result %d has no location (GitHub code scanning needs one)" % i)
            for loc in res.get("locations", []):
                uri = loc.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                if not uri or re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", uri) and not uri.startswith("file:"):
                    problems.append("result %d: location URI %r is empty or has a scheme code scanning rejects" % (i, uri))
            fp = json.dumps(res.get("partialFingerprints"), sort_keys=True)
            if fp in fingerprints:
                problems.append("result %d repeats another result's partialFingerprints" % i)
            fingerprints.add(fp)
    return problems


def markdown_tables(path):
    """(tables in the source, tables cmark-gfm renders, problems). A table in the source is a
    GFM delimiter row; each rendered row must have as many cells as its header."""
    src = open(path, encoding="utf-8").read()
    delimiter = re.compile(r"^\|(\s*:?-+:?\s*\|)+\s*$")
    lines = src.split("\n")
    source_tables = sum(1 for l in lines if delimiter.match(l))
    problems = []
    for i, l in enumerate(lines):
        if delimiter.match(l):
            if i < 2 or lines[i - 2].strip() != "":
                problems.append("line %d: a table needs a blank line before its header" % (i))
    if not shutil.which("cmark-gfm"):
        return source_tables, None, problems + ["cmark-gfm is not installed (tools/deps.sh --test)"]
    r = subprocess.run(["cmark-gfm", "-e", "table", "--unsafe"], input=src, capture_output=True, text=True, timeout=60)
    html = r.stdout
    rendered = html.count("<table>")
    for table in re.findall(r"<table>.*?</table>", html, flags=re.S):
        head = len(re.findall(r"<th[ >]", table))
        for row in re.findall(r"<tbody>.*?</tbody>", table, flags=re.S):
            for tr in re.findall(r"<tr>.*?</tr>", row, flags=re.S):
                cells = len(re.findall(r"<td[ >]", tr))
                if cells != head:
                    problems.append("a rendered row has %d cells, its header %d" % (cells, head))
    for para in re.findall(r"<p>(.*?)</p>", html, flags=re.S):
        if para.lstrip().startswith("|"):
            problems.append("table text rendered as a paragraph: " + para[:80])
    return source_tables, rendered, problems
