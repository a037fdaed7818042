#!/usr/bin/env python3
"""The CI outputs of the gate, rendered from the fixtures of tests/support/gate_fixtures.cc
(every check status and severity, violations with and without a Dockerfile line, hostile text)
by the `gate_fixtures` test binary, then checked:

  ci_outputs.py junit  GATE_FIXTURES ROOT   every JUnit file validates against junit-10.xsd
  ci_outputs.py sarif  GATE_FIXTURES ROOT   every SARIF file validates against the SARIF 2.1.0 schema
  ci_outputs.py golden GATE_FIXTURES ROOT   Markdown, text and annotations equal tests/golden/gate/

Each validator also gets deliberately broken documents (negative controls) and must reject
them: a validator that accepts everything would otherwise pass this test.
"""
import copy
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ci_validators as cv  # noqa: E402

GOLDEN_EXTENSIONS = (".md", ".txt", ".annotations")
# Fixtures rendered from the real policy evaluation: validated, not golden (their wording
# belongs to src/report/gate_eval.cc, and a change there should not fail a renderer test).
NOT_GOLDEN = ("evaluated.",)


class Report:
    def __init__(self):
        self.failures = 0
        self.passes = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passes += 1
            print("ok   " + what)
        else:
            self.failures += 1
            print("FAIL " + what)
            if detail:
                print("     " + detail.strip().replace("\n", "\n     "))

    def finish(self):
        print("%d passed, %d failed" % (self.passes, self.failures))
        return 1 if self.failures else 0


def render(fixtures_bin, out):
    subprocess.run([fixtures_bin, out], check=True, timeout=120)
    return sorted(os.listdir(out))


def junit(rep, root, out, files):
    xmls = [os.path.join(out, f) for f in files if f.endswith(".junit.xml")]
    rep.check(len(xmls) >= 5, "%d JUnit files rendered" % len(xmls))
    ok, text = cv.validate_junit(root, xmls)
    rep.check(ok, "JUnit files validate against tests/schemas/junit-10.xsd", text)
    for x in xmls:
        problems = cv.junit_problems(x)
        rep.check(not problems, "%s: counts and failure details agree" % os.path.basename(x), "\n".join(problems))

    # What the fixtures promise: every status, several failures in one test case, an error for
    # a misconfigured policy.
    import xml.etree.ElementTree as ET
    failing = ET.parse(os.path.join(out, "failing.junit.xml")).getroot().find("testsuite")
    cases = {c.get("name"): c for c in failing.findall("testcase")}
    rep.check(len(cases["findings"].findall("failure")) == 4, "findings test case: one <failure> per violation")
    types = sorted(f.get("type") for f in cases["findings"].findall("failure"))
    rep.check(types == ["duplicate-content", "overwritten-later", "pip-cache", "secret-file"],
              "failure types are the finding rules", str(types))
    budget_types = {f.get("type") for f in cases["budget.content"].findall("failure")}
    rep.check(budget_types == {"budget.content"}, "fixes explaining a budget failure are typed by the check", str(budget_types))
    rep.check(cases["budget.final"].find("skipped") is not None, "a skipped check has <skipped/>")
    rep.check(cases["budget.compressed"].find("failure") is None, "a passing check has no <failure>")
    mis = ET.parse(os.path.join(out, "misconfigured.junit.xml")).getroot().find("testsuite")
    rep.check(mis.get("errors") == "1" and mis.find("testcase/error") is not None, "a misconfigured policy is an <error>")
    body = cases["findings"].findall("failure")[2].text
    rep.check("\ufffd" in body and "\x01" not in body, "invalid UTF-8 replaced, control characters dropped")

    # Negative controls: xmllint must reject each of these.
    src = open(os.path.join(out, "failing.junit.xml"), encoding="utf-8").read()
    broken = {
        "no tests attribute on <testsuite>": re.sub(r'(<testsuite name="layerscope check") tests="\d+"', r"\1", src, 1),
        "an element the schema does not know": src.replace("<testcase ", "<bogus/><testcase ", 1),
        "a testcase without a name": src.replace(' name="budget.content" time="0"', ' time="0"', 1),
        "a <failure> outside a <testcase>": src.replace("<testcase ", "<failure/><testcase ", 1),
        "an unescaped '<' (not well-formed)": src.replace('value="layerscope.yml"', 'value="layer<scope.yml"', 1),
    }
    for what, doc in broken.items():
        rep.check(doc != src, "negative control prepared: " + what)
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False, encoding="utf-8") as f:
            f.write(doc)
        try:
            ok, text = cv.validate_junit(root, [f.name])
            rep.check(not ok, "xmllint rejects " + what, text if ok else "")
        finally:
            os.unlink(f.name)


def sarif(rep, root, out, files):
    docs = [os.path.join(out, f) for f in files if f.endswith(".sarif")]
    rep.check(len(docs) >= 5, "%d SARIF files rendered" % len(docs))
    ok, text = cv.validate_sarif(root, docs)
    rep.check(ok, "SARIF files validate against the SARIF 2.1.0 schema (Ajv + formats)", text)
    for d in docs:
        problems = cv.sarif_problems(d)
        rep.check(not problems, "%s: rules and results cross-reference" % os.path.basename(d), "\n".join(problems))

    failing = json.load(open(os.path.join(out, "failing.sarif"), encoding="utf-8"))
    results = failing["runs"][0]["results"]
    levels = sorted({r["level"] for r in results})
    rep.check(levels == ["error", "note", "warning"], "levels error, warning and note all occur", str(levels))
    with_line = [r for r in results if "dockerfileLine" in r["properties"]]
    without = [r for r in results if "dockerfileLine" not in r["properties"]]
    rep.check(with_line and without, "results with and without a Dockerfile line")
    rep.check(all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docker/app.Dockerfile"
                  and r["locations"][0]["physicalLocation"]["region"]["startLine"] == r["properties"]["dockerfileLine"]
                  for r in with_line), "a known line points at the Dockerfile and that line")
    rep.check(all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "build/acme-orders.tar"
                  and "region" not in r["locations"][0]["physicalLocation"] for r in without),
              "an unknown line points at the image reference")
    rule_ids = {r["id"] for r in failing["runs"][0]["tool"]["driver"]["rules"]}
    rep.check({"secret-file", "pip-cache", "budget.content", "layer_budget.content"} <= rule_ids,
              "rules hold the finding rules and the gate checks")
    nodf = json.load(open(os.path.join(out, "failing-nodockerfile.sarif"), encoding="utf-8"))
    rep.check(all("region" not in r["locations"][0]["physicalLocation"] for r in nodf["runs"][0]["results"]),
              "without --dockerfile every result points at the image")

    # Negative controls: Ajv must reject each of these.
    def mutate(fn):
        doc = copy.deepcopy(failing)
        fn(doc)
        return doc

    run0 = lambda d: d["runs"][0]
    loc0 = lambda d: run0(d)["results"][0]["locations"][0]["physicalLocation"]
    # (what, broken document, a word Ajv's complaint must contain: the right rule caught it)
    broken = [
        ("version 2.0.0", mutate(lambda d: d.update(version="2.0.0")), "/version"),
        ("an unknown result level", mutate(lambda d: run0(d)["results"][0].update(level="fatal")), "/level"),
        ("a URI with a space (format check)", mutate(lambda d: loc0(d)["artifactLocation"].update(uri="a b")),
         "uri-reference"),
        ("a driver without a name", mutate(lambda d: run0(d)["tool"]["driver"].pop("name")), "name"),
        ("an unknown top-level property", mutate(lambda d: d.update(extra=1)), "additional"),
        ("a region line 0", mutate(lambda d: loc0(d)["region"].update(startLine=0)), "startLine"),
    ]
    # One validator run for all of them (compiling the schema is the slow part).
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for i, (_, doc, _) in enumerate(broken):
            paths.append(os.path.join(tmp, "broken-%d.sarif" % i))
            with open(paths[-1], "w", encoding="utf-8") as f:
                json.dump(doc, f)
        ok, text = cv.validate_sarif(root, paths)
        rep.check(not ok, "Ajv fails the run of broken documents", text)
        blocks = {}
        for line in text.splitlines():
            if line.startswith(("valid ", "INVALID ")):
                current = line.split()[1].rstrip(":")
                blocks[current] = [line]
            elif blocks:
                blocks[current].append(line)
        for (what, _, word), path in zip(broken, paths):
            block = "\n".join(blocks.get(path, ["(no verdict for %s)" % path]))
            rep.check(block.startswith("INVALID") and word in block, "Ajv rejects %s (%s)" % (what, word), block)


def golden(rep, root, out, files):
    gdir = os.path.join(root, "tests", "golden", "gate")
    produced = sorted(f for f in files if f.endswith(GOLDEN_EXTENSIONS) and not f.startswith(NOT_GOLDEN))
    expected = sorted(f for f in os.listdir(gdir) if f.endswith(GOLDEN_EXTENSIONS)) if os.path.isdir(gdir) else []
    rep.check(produced == expected, "the golden files are exactly the rendered ones",
              "rendered %s, golden %s; run tools/update_golden.sh" % (produced, expected))
    for name in produced:
        got = open(os.path.join(out, name), "rb").read()
        path = os.path.join(gdir, name)
        want = open(path, "rb").read() if os.path.exists(path) else b""
        diff = ""
        if got != want:
            diff = "".join(difflib.unified_diff(want.decode("utf-8", "replace").splitlines(True),
                                                got.decode("utf-8", "replace").splitlines(True),
                                                "tests/golden/gate/" + name, "rendered", n=2))
            diff += "\n(if the change is intended: tools/update_golden.sh)"
        rep.check(got == want, "golden " + name, diff[:6000])

    # The Markdown must render as tables with GitHub's renderer.
    for name in sorted(f for f in files if f.endswith(".md")):
        source, rendered, problems = cv.markdown_tables(os.path.join(out, name))
        rep.check(not problems and rendered == source and source > 0,
                  "%s: %d tables, %s rendered as tables by cmark-gfm" % (name, source, rendered), "\n".join(problems))

    # Same input, same bytes.
    with tempfile.TemporaryDirectory() as again:
        render(sys.argv[2], again)
        same = all(open(os.path.join(out, f), "rb").read() == open(os.path.join(again, f), "rb").read() for f in files)
        rep.check(same, "a second run renders identical bytes")


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("junit", "sarif", "golden"):
        print(__doc__)
        return 2
    mode, fixtures_bin, root = sys.argv[1], sys.argv[2], os.path.abspath(sys.argv[3])
    rep = Report()
    with tempfile.TemporaryDirectory() as out:
        files = render(fixtures_bin, out)
        {"junit": junit, "sarif": sarif, "golden": golden}[mode](rep, root, out, files)
    return rep.finish()


if __name__ == "__main__":
    sys.exit(main())
