#!/usr/bin/env python3
"""`analyze --format html` end to end.

On sample images: the page parses with Python's html.parser with every element it opens
closed in order, it carries no script, external resource or URL, every layer digest and every
finding's rule id of `--format json` appears, the totals and the layer sizes carry the JSON's
numbers (data-bytes / data-value attributes), and the bytes are identical across two runs and
at -j1 vs -j4. On an image built here with hostile file names and history (markup, quotes,
invalid UTF-8), nothing from a name reaches the page as markup and the page is valid UTF-8.
`--all-platforms --format html` is a usage error (exit 2). When chromium is on the PATH, its
headless DOM dump must hold the layers table; otherwise that check prints SKIP.

Usage: html_report.py LAYERSCOPE ROOT
"""
import hashlib
import html.parser
import io
import json
import math
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

# Elements the renderer writes; each must be closed, in order. <meta> is void.
PAIRED = {"html", "head", "body", "title", "style", "header", "h1", "h2", "dl", "dt", "dd", "main", "section", "table",
          "thead", "tbody", "tr", "th", "td", "details", "summary", "ul", "li", "p", "span", "div", "code", "strong",
          "footer"}
VOID = {"meta"}
FORBIDDEN_ATTRS = {"src", "href", "action", "srcset", "background", "poster", "data"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []
        self.by_id = {}          # id -> attrs of that element
        self.values = {}         # totals row id -> [data-bytes/data-value inside it, in order]
        self.layer_bytes = {}    # layer index -> [data-bytes inside its row]
        self.rules, self.digests = [], []
        self._row = None
        self._grab = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in VOID:
            return
        if tag not in PAIRED:
            self.errors.append("unexpected element <%s>" % tag)
        for k in a:
            if k in FORBIDDEN_ATTRS or k.startswith("on"):
                self.errors.append("attribute %s on <%s>" % (k, tag))
        self.stack.append(tag)
        if "id" in a:
            self.by_id[a["id"]] = a
        if tag == "tr" and "id" in a:
            self._row = (a["id"], len(self.stack))
        if self._row:
            for k in ("data-bytes", "data-value"):
                if k in a:
                    self.values.setdefault(self._row[0], []).append(a[k])
        cls = a.get("class", "")
        if tag == "span" and cls == "rule":
            self._grab = ("rule", len(self.stack), [])
        if tag == "dd" and cls == "digest":
            self._grab = ("digest", len(self.stack), [])

    def handle_startendtag(self, tag, attrs):
        if tag not in VOID:
            self.errors.append("self-closed <%s/>" % tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        if self._grab and self._grab[1] == len(self.stack):
            kind, _, parts = self._grab
            (self.rules if kind == "rule" else self.digests).append("".join(parts))
            self._grab = None
        if self._row and self._row[1] == len(self.stack):
            self._row = None
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self._grab:
            self._grab[2].append(data)


def parse(raw):
    text = raw.decode("utf-8")  # strict: the page must be valid UTF-8
    p = Page()
    p.feed(text)
    p.close()
    if p.stack:
        p.errors.append("never closed: %s" % p.stack)
    return p, text


class Checker:
    def __init__(self, binary, root, tmp):
        self.binary, self.root, self.tmp, self.failures = binary, root, tmp, []

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
            print("FAIL", what)
        return cond

    def run(self, *args, timeout=300):
        return subprocess.run([self.binary] + list(args), cwd=self.root, capture_output=True, timeout=timeout)

    def html(self, image, extra, jobs, name):
        out = os.path.join(self.tmp, name)
        r = self.run("analyze", "--no-cache", "-j", str(jobs), "--format", "html", "-o", out, image, *extra)
        self.check(r.returncode == 0, "%s: exit %d: %s" % (name, r.returncode, r.stderr.decode(errors="replace")))
        with open(out, "rb") as f:
            return f.read()

    def sample(self, image, extra=()):
        label = os.path.basename(image) + (" " + " ".join(extra) if extra else "")
        r = self.run("analyze", "--no-cache", "--format", "json", image, *extra)
        if not self.check(r.returncode == 0, "%s: json exit %d" % (label, r.returncode)):
            return
        rep = json.loads(r.stdout)
        tag = hashlib.sha256(label.encode()).hexdigest()[:8]
        one = self.html(image, extra, 1, tag + "-j1.html")
        again = self.html(image, extra, 1, tag + "-j1b.html")
        four = self.html(image, extra, 4, tag + "-j4.html")
        self.check(one == again, "%s: two runs differ" % label)
        self.check(one == four, "%s: -j1 and -j4 differ" % label)
        page, text = parse(one)
        for e in page.errors[:5]:
            self.check(False, "%s: %s" % (label, e))
        self.check('<meta charset="utf-8">' in text, "%s: no charset" % label)
        self.check("default-src 'none'; style-src 'unsafe-inline'" in text, "%s: no CSP" % label)
        style = text[text.find("<style>"):text.find("</style>")]
        self.check("url(" not in style and "@import" not in style, "%s: the style sheet loads something" % label)
        digests = [l["digest"] for l in rep["layers"]]
        self.check(page.digests == digests, "%s: layer digests %r, json %r" % (label, page.digests, digests))
        rules = [f["rule"] for f in rep["findings"]]
        self.check(page.rules == rules, "%s: rule ids %r, json %r" % (label, page.rules, rules))
        t, e = rep["totals"], rep["efficiency"]
        want = {"total-content": t["content_bytes"], "total-compressed": t["compressed_bytes"],
                "total-final": t["final_bytes"], "total-files": t["files"], "total-layers": t["layers"],
                "wasted": e["wasted_bytes"], "reclaimable": e["reclaimable_bytes"], "savings": rep["savings_bytes"]}
        if "budget" in rep:
            want["budget"] = rep["budget"]["budget_bytes"]
            want["budget-projected"] = rep["budget"]["projected_bytes"]
        else:
            self.check("budget" not in page.by_id, "%s: a budget row without --budget" % label)
        for row, value in want.items():
            got = page.values.get(row, [None])[0]
            self.check(got == str(value), "%s: %s is %r, json %r" % (label, row, got, value))
        score = page.values.get("efficiency-score", [None])[0]
        self.check(score is not None and (float(score) == e["score"] or
                                          (e["score"] is None and math.isnan(float(score)))),
                   "%s: efficiency %r, json %r" % (label, score, e["score"]))
        for l in rep["layers"]:
            got = page.values.get("layer-%d" % l["index"], [])
            want_layer = [str(l["compressed_bytes"]), str(l["content_bytes"]), str(l["added"]["files"]),
                          str(l["modified"]["files"]), str(l["deleted"]["files"])]
            self.check(got == want_layer, "%s: layer %d cells %r, json %r" % (label, l["index"], got, want_layer))
        self.check("tree" in page.by_id, "%s: no tree section" % label)
        print("ok  ", label)
        return os.path.join(self.tmp, tag + "-j1.html")

    def hostile(self):
        names = ["app/<script>alert(1)</script>", "app/\"><img src=x onerror=alert(1)>",
                 "app/bad-\udcff\udcfe-name", "app/x' onload='y", "<SCRIPT>/deep/file"]
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=tarfile.GNU_FORMAT, encoding="utf-8",
                          errors="surrogateescape") as tf:
            for i, n in enumerate(names):
                data = b"x" * (i + 1)
                ti = tarfile.TarInfo(n)
                ti.size, ti.mtime = len(data), 0
                tf.addfile(ti, io.BytesIO(data))
        layer = buf.getvalue()
        image = os.path.join(self.tmp, "hostile.oci")
        blobs = os.path.join(image, "blobs", "sha256")
        os.makedirs(blobs)

        def put(data):
            h = hashlib.sha256(data).hexdigest()
            with open(os.path.join(blobs, h), "wb") as f:
                f.write(data)
            return {"digest": "sha256:" + h, "size": len(data)}

        diff_id = "sha256:" + hashlib.sha256(layer).hexdigest()
        cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {"User": "<b>root</b>"},
                          "rootfs": {"type": "layers", "diff_ids": [diff_id]},
                          "history": [{"created_by": "/bin/sh -c echo '<script>alert(2)</script>' \xff"}]}).encode()
        man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                          "config": dict(put(cfg), mediaType="application/vnd.oci.image.config.v1+json"),
                          "layers": [dict(put(layer), mediaType="application/vnd.oci.image.layer.v1.tar")]}).encode()
        index = {"schemaVersion": 2, "manifests": [dict(put(man), mediaType="application/vnd.oci.image.manifest.v1+json",
                                                        annotations={"org.opencontainers.image.ref.name": "<i>x"})]}
        with open(os.path.join(image, "index.json"), "w") as f:
            json.dump(index, f)
        with open(os.path.join(image, "oci-layout"), "w") as f:
            f.write('{"imageLayoutVersion":"1.0.0"}')
        raw = self.html(image, (), 2, "hostile.html")
        try:
            page, text = parse(raw)
        except UnicodeDecodeError as e:
            self.check(False, "hostile: not valid UTF-8: %s" % e)
            return
        for e in page.errors[:5]:
            self.check(False, "hostile: %s" % e)
        low = text.lower()
        for bad in ("<script", "<img", "<b>", "<i>", "onerror=alert(1)>"):
            self.check(bad not in low, "hostile: raw %r in the page" % bad)
        body = "".join(page.text)
        self.check("<script>alert(1)<" in body, "hostile: the script name is not shown as text")
        self.check('"><img src=x onerror=alert(1)>' in body, "hostile: the img name is not shown as text")
        self.check("bad-\ufffd\ufffd-name" in body, "hostile: invalid UTF-8 not replaced by U+FFFD")
        self.check("x' onload='y" in body, "hostile: the quote name is not shown as text")
        print("ok   hostile names")

    def usage(self):
        r = self.run("analyze", "--no-cache", "--all-platforms", "--format", "html", "sample_images/multiarch.oci")
        err = r.stderr.decode(errors="replace").strip().splitlines()
        self.check(r.returncode == 2 and len(err) == 1 and "--format html" in err[0],
                   "--all-platforms --format html: exit %d, stderr %r" % (r.returncode, err))
        print("ok   --all-platforms --format html is a usage error")

    def chromium(self, page):
        browser = shutil.which("chromium") or shutil.which("chromium-browser")
        if not browser:
            print("SKIP chromium check: neither chromium nor chromium-browser is on the PATH")
            return
        try:
            r = subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--dump-dom",
                                "file://" + os.path.abspath(page)], capture_output=True, timeout=120)
        except subprocess.TimeoutExpired:
            self.check(False, "chromium: timed out")
            return
        dom = r.stdout.decode(errors="replace")
        self.check(r.returncode == 0 and '<table class="layers">' in dom and 'id="layer-0"' in dom,
                   "chromium: exit %d, no layers table in the DOM dump" % r.returncode)
        print("ok   chromium renders the layers table")


def main():
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        c = Checker(binary, root, tmp)
        first = c.sample("sample_images/pyapp-demo.oci.tar")
        c.sample("sample_images/pyapp-bloated.docker.tar",
                 ("--dockerfile", "sample_images/pyapp-bloated.Dockerfile", "--budget", "500MB"))
        c.sample("sample_images/edge.docker.tar")
        c.hostile()
        c.usage()
        if first:
            c.chromium(first)
        if c.failures:
            print("%d failure(s)" % len(c.failures))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
