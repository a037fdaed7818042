#!/usr/bin/env python3
"""Regenerates fuzz/corpus/<target>/ from the repository's own inputs (python3 stdlib only).

  fuzz_manifest_json    metadata files (manifest.json, index.json, oci-layout, repositories,
                        configs, image manifests and nested indexes) of every sample image,
                        one seed per image in the member format of fuzz_common.h, plus each
                        config alone and a few hand-made layouts using "sha256:@K" references
  fuzz_tar_stream       small layer blobs of the sample images (gzip, zstd, plain; large ones
                        truncated), each behind the control byte that names its compression,
                        and synthetic tars written by tarfile (pax, GNU long names, links)
  fuzz_merge            deterministic pseudo-random layer-stack encodings
  fuzz_dockerfile       the sample Dockerfiles with their images' config history, and the
                        Dockerfiles of tests/unit/dockerfile_parser_test.cc
  fuzz_www_authenticate real WWW-Authenticate headers, token / error bodies, references

Usage: fuzz/make_corpus.py  (rewrites the corpus directories; output is deterministic)
"""
import ast
import gzip
import hashlib
import io
import json
import os
import random
import re
import shutil
import tarfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SAMPLES = os.path.join(ROOT, "sample_images")
OUT = os.path.join(ROOT, "fuzz", "corpus")
MAX_LAYER_SEED = 48 * 1024


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def members_seed(members, opt=b"\x00"):
    """The member format of fuzz_common.h: "@@NAME\\nBODY" joined by "\\n"."""
    parts = [b"@@" + n.encode() + b"\n" + body for n, body in members]
    return b"\n".join(parts) + b"\n@@opt\n" + opt


def is_json(b):
    try:
        json.loads(b)
        return True
    except Exception:
        return False


def image_files(path):
    """(name, bytes) of every file of a sample image, directory or (compressed) tar."""
    out = []
    if os.path.isdir(path):
        for dp, _, fs in os.walk(path):
            for f in sorted(fs):
                full = os.path.join(dp, f)
                with open(full, "rb") as fh:
                    out.append((os.path.relpath(full, path), fh.read()))
    else:
        try:
            with tarfile.open(path) as t:
                for m in t.getmembers():
                    if m.isfile():
                        out.append((m.name.lstrip("./") if m.name.startswith("./") else m.name, t.extractfile(m).read()))
        except (tarfile.TarError, EOFError, OSError):
            pass
    return sorted(out)


def samples():
    return sorted(os.listdir(SAMPLES))


def manifest_corpus():
    configs = {}
    for s in samples():
        files = image_files(os.path.join(SAMPLES, s))
        meta = [(n, b) for n, b in files
                if len(b) <= 64 * 1024 and (n in ("oci-layout", "version") or is_json(b))]
        if not meta:
            continue
        write("fuzz_manifest_json", "sample-" + s, members_seed(meta))
        for n, b in meta:
            try:
                doc = json.loads(b)
            except Exception:
                continue
            if isinstance(doc, dict) and "rootfs" in doc:
                configs[hashlib.sha256(b).hexdigest()[:16]] = b
    for h, b in sorted(configs.items()):
        write("fuzz_manifest_json", "config-" + h, b)
    # Hand-made OCI layout: index -> nested index -> manifest -> config by placeholder.
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": ["sha256:" + "0" * 64]},
                      "history": [{"created_by": "/bin/sh -c #(nop) ADD file:x in /"}],
                      "config": {"Env": ["PATH=/bin", "SECRET=x"], "Cmd": ["sh"], "ExposedPorts": {"80/tcp": {}},
                                 "Labels": {"a": "b"}, "Healthcheck": {"Test": ["CMD", "true"]}}})
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:@3", "size": len(cfg)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + "1" * 64, "size": 10}]})
    nested = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                         "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:@3", "size": 1,
                                        "platform": {"os": "linux", "architecture": "arm64", "variant": "v8"}},
                                       {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:@3",
                                        "platform": {"os": "linux", "architecture": "amd64"},
                                        "annotations": {"org.opencontainers.image.ref.name": "latest"}}]})
    index = json.dumps({"schemaVersion": 2, "manifests": [
        {"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:@1",
         "annotations": {"org.opencontainers.image.ref.name": "example:latest"}}]})
    # Members: 0 index.json, 1 nested index, 2 manifest, 3 config (placeholders point forward).
    manifest = manifest.replace("sha256:@3", "sha256:@3")
    nested = nested.replace("sha256:@3", "sha256:@2")
    write("fuzz_manifest_json", "handmade-oci-nested",
          members_seed([("index.json", index.encode()), ("nested", nested.encode()), ("manifest", manifest.encode()),
                        ("config", cfg.encode()), ("oci-layout", b'{"imageLayoutVersion":"1.0.0"}')], b"\x01"))
    save = json.dumps([{"Config": "sha256:@1", "RepoTags": ["example:latest", None], "Layers": ["x/layer.tar", "blobs/sha256/" + "2" * 64],
                        "LayerSources": {"sha256:" + "2" * 64: {"mediaType": "application/vnd.docker.image.rootfs.diff.tar", "size": 3}}}])
    write("fuzz_manifest_json", "handmade-docker-save",
          members_seed([("manifest.json", save.encode()), ("config", cfg.encode())], b"\x04"))
    v1 = [("repositories", b'{"example":{"latest":"top"}}'), ("top/json", b'{"id":"top","parent":"base","os":"linux"}'),
          ("base/json", b'{"id":"base","architecture":"amd64"}')]
    write("fuzz_manifest_json", "handmade-docker-v1", members_seed(v1))


def tar_corpus():
    seen = set()
    kinds = {}
    for s in samples():
        for n, b in image_files(os.path.join(SAMPLES, s)):
            if len(b) < 64 or is_json(b):
                continue
            if b[:2] == b"\x1f\x8b":
                c = 1
            elif b[:4] == b"\x28\xb5\x2f\xfd":
                c = 2
            elif len(b) >= 512 and b[257:262] == b"ustar":
                c = 0
            else:
                continue
            h = hashlib.sha256(b).hexdigest()
            if h in seen:
                continue
            seen.add(h)
            kinds.setdefault(c, []).append((len(b), h, b))
    for c, blobs in sorted(kinds.items()):
        for size, h, b in sorted(blobs)[:6]:
            write("fuzz_tar_stream", "layer-%s-%s" % (["plain", "gzip", "zstd"][c], h[:12]), bytes([c]) + b[:MAX_LAYER_SEED])
    # Synthetic tars: every header flavour tarfile can write, and the OCI markers.
    for fmt, fname in ((tarfile.PAX_FORMAT, "pax"), (tarfile.GNU_FORMAT, "gnu"), (tarfile.USTAR_FORMAT, "ustar")):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
            def add(name, typ=tarfile.REGTYPE, data=b"", link=""):
                ti = tarfile.TarInfo(name)
                ti.type = typ
                ti.size = len(data)
                ti.linkname = link
                ti.mtime = 1700000000
                if fmt == tarfile.PAX_FORMAT:
                    ti.pax_headers = {"comment": "x"}
                t.addfile(ti, io.BytesIO(data) if data else None)
            add("./", tarfile.DIRTYPE)
            add("etc/", tarfile.DIRTYPE)
            add("etc/passwd", data=b"root:x:0:0\n")
            add("root/.npmrc", data=b"//registry.npmjs.org/:_authToken=abc\n")
            add("key.pem", data=b"-----BEGIN RSA PRIVATE KEY-----\nMII\n")
            add("etc/.wh.shadow")
            add("var/.wh..wh..opq")
            add("bin/sh", tarfile.SYMTYPE, link="busybox")
            add("bin/ls", tarfile.LNKTYPE, link="etc/passwd")
            add("dev/null", tarfile.CHRTYPE)
            add("fifo", tarfile.FIFOTYPE)
            if fmt != tarfile.USTAR_FORMAT:
                add("long/" + "d" * 120 + "/file", data=b"x" * 600)
        raw = buf.getvalue()
        write("fuzz_tar_stream", "synthetic-" + fname, b"\x00" + raw)
        write("fuzz_tar_stream", "synthetic-" + fname + "-gz", b"\x01" + gzip.compress(raw, mtime=0))


def merge_corpus():
    rng = random.Random(1234)
    for i in range(24):
        write("fuzz_merge", "random-%02d" % i, bytes(rng.randrange(256) for _ in range(rng.choice((16, 48, 128, 300)))))
    # Two layers: a file, then its whiteout; an opaque dir over a populated dir.
    write("fuzz_merge", "whiteout", bytes([1, 2, 0, 0, 0, 10, 5, 0, 0, 0x07, 0, 2, 8, 0, 9, 2, 0, 0]))


def c_strings_after(text, call):
    """String literals passed as the first argument of `call(` (adjacent literals joined)."""
    out = []
    for m in re.finditer(re.escape(call) + r"\(\s*((?:\"(?:[^\"\\]|\\.)*\"\s*)+)", text):
        lits = re.findall(r"\"(?:[^\"\\]|\\.)*\"", m.group(1))
        try:
            out.append("".join(ast.literal_eval(l) for l in lits))
        except Exception:
            pass
    return out


def dockerfile_corpus():
    for s in samples():
        if not s.endswith(".Dockerfile"):
            continue
        with open(os.path.join(SAMPLES, s)) as f:
            df = f.read()
        write("fuzz_dockerfile", s, df)
        # The image built from it: its config history, as fuzz_dockerfile.cc reads it.
        stem = s[: -len(".Dockerfile")]
        for img in samples():
            if not img.startswith(stem + ".") or img.endswith(".Dockerfile"):
                continue
            for n, b in image_files(os.path.join(SAMPLES, img)):
                try:
                    doc = json.loads(b)
                except Exception:
                    continue
                if isinstance(doc, dict) and "history" in doc:
                    lines = []
                    for h in doc["history"]:
                        p = "E " if h.get("empty_layer") else ("C " if "buildkit" in h.get("comment", "") else "")
                        lines.append(p + h.get("created_by", "").replace("\n", " "))
                    write("fuzz_dockerfile", img + ".history", df + "\n@@history\n" + "\n".join(lines) + "\n")
                    break
    with open(os.path.join(ROOT, "tests", "unit", "dockerfile_parser_test.cc")) as f:
        text = f.read()
    texts = c_strings_after(text, "parse_dockerfile") + c_strings_after(text, "error_of")
    for i, t in enumerate(sorted(set(texts))):
        write("fuzz_dockerfile", "unit-%03d" % i, t)


def www_corpus():
    seeds = [
        'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull"',
        'Basic realm="a \\"quoted\\" realm" , Bearer realm=https://t.example/token, service = reg, error="insufficient_scope", scope="repository:a/b:pull,push"',
        'Negotiate abc==, Bearer realm="r"',
        'Basic realm="Registry Realm"',
        'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:org/app:pull"',
        'Bearer realm="https://quay.io/v2/auth",service="quay.io"',
        '{"token":"t1","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"}',
        '{"access_token":"t2","refresh_token":"r","expires_in":-5}',
        '{"token":""}',
        '{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]}',
        '{"errors":[{"code":"BAD","message":"line1\\nline2\\u001b[31m"}]}',
        '<html><body>502 Bad Gateway</body></html>',
        'python:3.12',
        'ghcr.io/org/app:v1@sha256:' + '0123456789abcdef' * 4,
        'localhost:5000/a/b',
        '[::1]:5000/app:tag',
        '120',
        'Wed, 21 Oct 2015 07:28:00 GMT',
        'dXNlcjpwYXNz',
        'eyJhbGciOiJIUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.sig',
        'https://index.docker.io/v1/',
    ]
    for i, s in enumerate(seeds):
        write("fuzz_www_authenticate", "seed-%02d" % i, s)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    manifest_corpus()
    tar_corpus()
    merge_corpus()
    dockerfile_corpus()
    www_corpus()
    total = 0
    for dp, _, fs in os.walk(OUT):
        for f in fs:
            total += os.path.getsize(os.path.join(dp, f))
    print("corpus: %d bytes" % total)


if __name__ == "__main__":
    main()
