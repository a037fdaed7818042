#!/usr/bin/env python3
"""The hostile-input catalogue (docs/hardening.md): every case builds a hostile image in a
temporary directory and runs layerscope on it with a timeout.

A refused case must exit 3 with exactly one line on stderr ("layerscope: error: ..." naming
the layer, path or offset at fault), print nothing on stdout, stay under its wall-time and
peak-RSS bounds and never crash or hang. An analysable case must exit 0 with a correct
report and the diagnostic the case deserves.

Usage: hostile_inputs.py LAYERSCOPE [CASE-SUBSTRING...]
Needs python3 (stdlib) and the zstd CLI.
"""
import gzip
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zlib

LS = None
TMP = None
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
MT = {
    "gzip": "application/vnd.oci.image.layer.v1.tar+gzip",
    "zstd": "application/vnd.oci.image.layer.v1.tar+zstd",
    "none": "application/vnd.oci.image.layer.v1.tar",
}
MiB = 1 << 20
GiB = 1 << 30
# A diff_id for layers whose uncompressed stream is too big to hash in a fast test (a bomb's
# 10 GiB of zeros takes python ~40 s to hash here). Those cases are refused mid-stream, before
# any digest is compared: a layerscope that inflated everything would fail on this diff_id
# instead, and the checks on the message and on the wall time catch that.
UNHASHED = "sha256:" + "0" * 64


# ---------------------------------------------------------------- tar bytes, written by hand

def octal(n, width):
    return b"%0*o\0" % (width - 1, n)


def header(name, size=0, typ=b"0", linkname=b"", mode=0o644, size_field=None, extra=None):
    """One 512-byte ustar header; `size_field` replaces the 12-byte size field verbatim."""
    name = name.encode() if isinstance(name, str) else name
    linkname = linkname.encode() if isinstance(linkname, str) else linkname
    h = bytearray(512)
    h[0:len(name[:100])] = name[:100]
    h[100:108] = octal(mode, 8)
    h[108:116] = octal(0, 8)
    h[116:124] = octal(0, 8)
    h[124:136] = size_field if size_field is not None else octal(size, 12)
    h[136:148] = octal(0, 12)
    h[148:156] = b" " * 8
    h[156:157] = typ
    h[157:157 + len(linkname[:100])] = linkname[:100]
    h[257:265] = b"ustar\x0000"
    for off, raw in (extra or {}).items():
        h[off:off + len(raw)] = raw
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def pad(n):
    return b"\0" * (-n % 512)


def pax_record(key, value):
    key = key.encode() if isinstance(key, str) else key
    value = value.encode() if isinstance(value, str) else value
    body = b" " + key + b"=" + value + b"\n"
    n = len(body) + len(str(len(body)))
    if len(str(n)) != len(str(n - len(body))):
        n = len(body) + len(str(n))
    return str(n).encode() + body


def pax(records, typ=b"x"):
    data = b"".join(pax_record(k, v) for k, v in records)
    return header("PaxHeaders/entry", len(data), typ) + data + pad(len(data))


def member(name, data=b"", typ=b"0", linkname=b"", records=None, **kw):
    data = data.encode() if isinstance(data, str) else data
    out = pax(records) if records else b""
    return out + header(name, len(data), typ, linkname, **kw) + data + pad(len(data))


def d(name):
    return member(name, typ=b"5", mode=0o755)


END = b"\0" * 1024


def tar(*members):
    return b"".join(members) + END


# ---------------------------------------------------------------- compression, digests

def gz(data):
    return gzip.compress(data, compresslevel=6, mtime=0)


def zst(data):
    return subprocess.run(["zstd", "-q", "-1", "-c"], input=data, capture_output=True, check=True).stdout


def sha(data, alg="sha256"):
    return alg + ":" + hashlib.new(alg, data).hexdigest()


class Layer:
    def __init__(self, tar_bytes=None, compression="gzip", blob=None, diff_id=None, media_type=None):
        if blob is None:
            blob = {"gzip": gz, "zstd": zst, "none": lambda b: b}[compression](tar_bytes)
        self.blob = blob
        self.diff_id = diff_id or sha(tar_bytes)
        self.media_type = media_type or MT[compression]


def write_oci(name, layers, alg="sha256", diff_alg="sha256", config=None, layer_digests=None, manifest_type=None):
    """An OCI image layout directory with correct digests (in `alg`), one image."""
    root = os.path.join(TMP, name)
    os.makedirs(os.path.join(root, "blobs", alg))

    def put(data):
        dg = sha(data, alg)
        with open(os.path.join(root, "blobs", alg, dg.split(":")[1]), "wb") as f:
            f.write(data)
        return dg

    diff_ids = [l.diff_id if diff_alg == "sha256" else l.diff_id_alt for l in layers]
    cfg = config if config is not None else json.dumps({
        "architecture": "amd64", "os": "linux", "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": []}).encode()
    descs = []
    for i, l in enumerate(layers):
        dg = put(l.blob)
        if layer_digests and layer_digests[i]:
            dg = layer_digests[i]
        descs.append({"mediaType": l.media_type, "digest": dg, "size": len(l.blob)})
    man = json.dumps({"schemaVersion": 2, "mediaType": OCI_MANIFEST,
                      "config": {"mediaType": OCI_CONFIG, "digest": put(cfg), "size": len(cfg)},
                      "layers": descs}).encode()
    idx = {"schemaVersion": 2, "mediaType": OCI_INDEX,
           "manifests": [{"mediaType": manifest_type or OCI_MANIFEST, "digest": put(man), "size": len(man),
                          "annotations": {"org.opencontainers.image.ref.name": "hostile"}}]}
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump(idx, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return root


def oci(name, *tars, compression="gzip"):
    return write_oci(name, [Layer(t, compression) for t in tars])


def write_docker_save(name, tars, manifest=None):
    """A `docker save` tar (plain), layers stored uncompressed under <diff_id hex>/layer.tar."""
    path = os.path.join(TMP, name)
    diff_ids = [sha(t) for t in tars]
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": diff_ids}, "history": []}).encode()
    cfg_name = sha(cfg).split(":")[1] + ".json"
    layer_names = [dg.split(":")[1] + "/layer.tar" for dg in diff_ids]
    if manifest is None:
        manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["hostile:1"], "Layers": layer_names}]).encode()
    members = [member(n, t) for n, t in zip(layer_names, tars)]
    members += [member(cfg_name, cfg), member("manifest.json", manifest)]
    with open(path, "wb") as f:
        f.write(tar(*members))
    return path


# ---------------------------------------------------------------- running layerscope

class Run:
    def __init__(self, args, rc, out, err, seconds, rss, timed_out):
        self.args, self.rc, self.out, self.err = args, rc, out, err
        self.seconds, self.rss, self.timed_out = seconds, rss, timed_out

    def err_lines(self):
        return [l for l in self.err.decode(errors="replace").splitlines() if l.strip()]

    def summary(self):
        first = self.err_lines()[0] if self.err_lines() else "exit %d" % self.rc
        return "%s  [%.1fs, %d MiB]" % (first[:170], self.seconds, self.rss // MiB)


# Peak RSS must be measured from a small parent: Linux carries the forking process's
# high-water mark into the child's ru_maxrss across fork+exec, so a layerscope forked from
# this (large) python would report python's RSS. A fresh interpreter forks it instead and
# reports wait4's rusage of that one child.
RUNNER = r"""
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as f:
    f.write("%d %d" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss))
"""


def run(args, timeout=30, cwd=None, env=None):
    """Runs layerscope under a timeout (the whole process group is killed)."""
    args = [LS] + args
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", dir=TMP, delete=False) as usage:
        start = time.monotonic()
        p = subprocess.Popen([sys.executable, "-c", RUNNER, usage.name] + args, stdout=out, stderr=err,
                             cwd=cwd, env=env, start_new_session=True)
        try:
            p.wait(timeout)
            timed_out = False
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            p.wait()
            timed_out = True
        seconds = time.monotonic() - start
        fields = usage.read().split()
        os.unlink(usage.name)
        rc, rss_kib = (int(fields[0]), int(fields[1])) if len(fields) == 2 else (-9, 0)
        out.seek(0)
        err.seek(0)
        return Run(args, rc, out.read(), err.read(), seconds, rss_kib * 1024, timed_out)


def analyze(image, *extra, timeout=30):
    return run(["analyze", "--no-cache", "-j", "2", "--format", "json", image] + list(extra), timeout=timeout)


def refused(r, *mentions, seconds=None, rss_mib=None):
    """Exit 3, one `layerscope: error:` line naming what is at fault, nothing on stdout."""
    p = []
    if r.timed_out:
        return ["timed out (killed)"]
    if r.rc != 3:
        p.append("exit %d, expected 3" % r.rc)
    lines = r.err_lines()
    if len(lines) != 1:
        p.append("%d stderr lines, expected 1: %r" % (len(lines), lines[:3]))
    elif not lines[0].startswith("layerscope: error: "):
        p.append("stderr does not start with 'layerscope: error: '")
    if r.out:
        p.append("printed %d bytes on stdout" % len(r.out))
    text = r.err.decode(errors="replace")
    for m in mentions:
        if m not in text:
            p.append("error does not mention %r" % m)
    if seconds is not None and r.seconds > seconds:
        p.append("took %.1f s, bound %s s" % (r.seconds, seconds))
    if rss_mib is not None and r.rss > rss_mib * MiB:
        p.append("peak RSS %d MiB, bound %d MiB" % (r.rss // MiB, rss_mib))
    return p


def analysed(r, codes=(), seconds=None, rss_mib=None):
    """Exit 0, nothing on stderr, a JSON report carrying each diagnostic code in `codes`.
    Returns (problems, report)."""
    if r.timed_out:
        return ["timed out (killed)"], None
    p = []
    if r.rc != 0:
        return ["exit %d, expected 0: %s" % (r.rc, r.err.decode(errors="replace").strip()[:300])], None
    if r.err.strip():
        p.append("unexpected stderr: %r" % r.err[:200])
    try:
        rep = json.loads(r.out)
    except ValueError as e:
        return p + ["stdout is not JSON: %s" % e], None
    have = {dg["code"] for dg in rep.get("diagnostics", [])}
    for c in codes:
        if c not in have:
            p.append("no %r diagnostic (have %s)" % (c, sorted(have)))
    if seconds is not None and r.seconds > seconds:
        p.append("took %.1f s, bound %s s" % (r.seconds, seconds))
    if rss_mib is not None and r.rss > rss_mib * MiB:
        p.append("peak RSS %d MiB, bound %d MiB" % (r.rss // MiB, rss_mib))
    return p, rep


def expect(cond, text, problems):
    if not cond:
        problems.append(text)


def diag(rep, code):
    return [x for x in rep["diagnostics"] if x["code"] == code]


def tree_text(image, *extra):
    r = run(["tree", "--no-cache", "-j", "2", "--sort", "name", image] + list(extra))
    return r


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


# ---------------------------------------------------------------- decompression bombs

ZEROS = {}


def zero_members(compressor, chunk, count):
    """`count` copies of one compressed chunk of `chunk` zero bytes: concatenated gzip
    members or zstd frames, so 10 GiB of zeros costs one compression of 64 MiB."""
    key = (compressor, chunk)
    if key not in ZEROS:
        ZEROS[key] = compressor(bytes(chunk))
    return ZEROS[key] * count


def gz_fast(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def zst_fast(data):
    return subprocess.run(["zstd", "-q", "-3", "-c"], input=data, capture_output=True, check=True).stdout


BOMB_BYTES = 10 * GiB  # what each bomb inflates to


def bomb_in_file(comp):
    # One file that declares 10 GiB (base-256 size field, beyond the 8 GiB octal range) and
    # holds 10 GiB of zeros: the headers justify it, only --max-layer-size stops it.
    size_field = b"\x80" + BOMB_BYTES.to_bytes(11, "big")
    head = header("zeros", size_field=size_field)
    first = {"gzip": gz_fast, "zstd": zst_fast}[comp](head)
    blob = first + zero_members({"gzip": gz_fast, "zstd": zst_fast}[comp], 64 * MiB, BOMB_BYTES // (64 * MiB))
    img = write_oci("bomb-file-" + comp, [Layer(blob=blob, compression=comp, diff_id=UNHASHED)])
    r = analyze(img, "--max-layer-size", "64MiB")
    return refused(r, "layer 0", "67108864-byte limit", "--max-layer-size", seconds=8, rss_mib=300), r


def bomb_after_end(comp):
    # A tiny honest tar, its end-of-archive marker, then 10 GiB of zeros nobody needs. With
    # the default limits the reader stops 16 MiB past the marker.
    t = tar(member("etc/hostname", "bomb\n"))
    c = {"gzip": gz_fast, "zstd": zst_fast}[comp]
    blob = c(t) + zero_members(c, 64 * MiB, BOMB_BYTES // (64 * MiB))
    img = write_oci("bomb-trailing-" + comp, [Layer(blob=blob, compression=comp, diff_id=UNHASHED)])
    r = analyze(img)
    return refused(r, "layer 0", "follow the end-of-archive marker", seconds=8, rss_mib=300), r


@case
def gzip_bomb_one_file():
    return bomb_in_file("gzip")


@case
def zstd_bomb_one_file():
    return bomb_in_file("zstd")


@case
def gzip_bomb_after_end_of_archive():
    return bomb_after_end("gzip")


@case
def zstd_bomb_after_end_of_archive():
    return bomb_after_end("zstd")


# ---------------------------------------------------------------- entry counts, deep and long paths

def many_entries_chunks(total, per_chunk=1000):
    """Zero-byte files d<k><9999-k>/f<i>: the digits of each directory name sum to 36, so every
    chunk has the same header checksums and is the template with one name replaced."""
    tmpl = b"".join(header(b"d00009999/f%03d" % i) for i in range(per_chunk))
    for k in range(total // per_chunk):
        yield tmpl.replace(b"d00009999", b"d%04d%04d" % (k, 9999 - k))


@case
def two_million_entries_max_entries():
    # 2,000,000 zero-byte files (1 GiB of tar headers, zstd-compressed; zlib would take the
    # test 12 s): --max-entries 1000000 stops the indexer at the millionth-and-first entry.
    path = os.path.join(TMP, "two-million.zst")
    with open(path, "wb") as f:
        p = subprocess.Popen(["zstd", "-q", "-1", "-T2", "-c"], stdin=subprocess.PIPE, stdout=f)
        for chunk in many_entries_chunks(2_000_000):
            p.stdin.write(chunk)
        p.stdin.write(END)
        p.stdin.close()
        p.wait()
    blob = open(path, "rb").read()
    img = write_oci("two-million", [Layer(blob=blob, compression="zstd", diff_id=UNHASHED)])
    r = analyze(img, "--max-entries", "1000000", timeout=60)
    return refused(r, "layer 0", "more than 1000000 tar entries", "--max-entries", seconds=25, rss_mib=900), r


@case
def many_entries_gzip_default_limits():
    # 100,000 zero-byte files in a gzip layer are analysed with the default limits in
    # bounded memory (the default --max-entries of 3,000,000 for the whole image keeps the
    # analysis near 2 GB), and --max-entries 50000 refuses the same layer.
    t = b"".join(many_entries_chunks(100_000)) + END
    img = write_oci("many-gzip", [Layer(blob=gzip.compress(t, compresslevel=1, mtime=0), diff_id=sha(t))])
    r = analyze(img, timeout=60)
    p, rep = analysed(r, seconds=30, rss_mib=400)
    if rep:
        expect(rep["layers"][0]["entries"] == 100_000, "entries %r" % rep["layers"][0]["entries"], p)
        expect(rep["layers"][0]["files"] == 100_000, "files %r" % rep["layers"][0]["files"], p)
    r2 = analyze(img, "--max-entries", "50000")
    p += refused(r2, "layer 0", "more than 50000 tar entries", seconds=10, rss_mib=200)
    return p, r


@case
def max_entries_counts_the_whole_image():
    # Three layers of 30,000 entries: each is under --max-entries 50000, the image is not.
    # Every layer's index is held until the merge, so the limit must bound their sum.
    t = b"".join(many_entries_chunks(30_000)) + END
    layers = [Layer(blob=gzip.compress(t, compresslevel=1, mtime=0), diff_id=sha(t)) for _ in range(3)]
    img = write_oci("many-layers-entries", layers)
    r = analyze(img, "--max-entries", "50000")
    p = refused(r, "the image has more than 50000 tar entries", "--max-entries", seconds=10)
    r2 = analyze(img, "--max-entries", "90000")
    p2, _ = analysed(r2, seconds=20)
    return p + p2, r


@case
def deep_path_thousands_of_components():
    # 5000 components in a pax path: refused (no filesystem path is that deep).
    deep = "/".join(["a"] * 5000) + "/file"
    t = tar(member("x", "data", records=[("path", deep)]))
    r = analyze(oci("deep-5000", t))
    return refused(r, "layer 0", "tar offset 0", "deeper or longer"), r


@case
def deep_path_under_the_limit_renders():
    # 1000 nested directories (under the 1024-component cap) are analysed, and every view of
    # them (tree, du) renders without running out of stack.
    deep = "/".join(["d"] * 1000)
    t = tar(member("x", "1234", records=[("path", deep + "/leaf")]))
    img = oci("deep-1000", t)
    p, rep = analysed(analyze(img))
    tr = run(["tree", "--no-cache", "--depth", "0", img])
    expect(tr.rc == 0 and b"leaf" in tr.out, "tree exit %d: %r" % (tr.rc, tr.err[:200]), p)
    du = run(["du", "--no-cache", "--depth", "0", "--format", "json", img])
    expect(du.rc == 0, "du exit %d: %r" % (du.rc, du.err[:200]), p)
    return p, tr


@case
def pax_path_of_one_mebibyte():
    # A 1 MiB pax path: the pax header is over the 1 MiB extension-header cap.
    t = tar(member("x", "data", records=[("path", "n" * MiB)]))
    r = analyze(oci("pax-1mib", t))
    return refused(r, "layer 0", "pax header of", "1 MiB limit", "tar offset 512", rss_mib=200), r


@case
def pax_path_just_under_the_header_cap():
    # 1,000,000 bytes of name fit the pax cap but no filesystem allows them: refused by name.
    t = tar(member("x", "data", records=[("path", "n" * 1_000_000)]))
    r = analyze(oci("pax-1m", t))
    return refused(r, "layer 0", "deeper or longer", "tar offset 0", rss_mib=200), r


@case
def gnu_long_name_of_one_mebibyte():
    name = b"L" * (MiB + 1)
    t = tar(header("././@LongLink", len(name), b"L") + name + pad(len(name)) + header("x", 0))
    r = analyze(oci("gnu-long", t))
    return refused(r, "layer 0", "GNU long name", "1 MiB limit"), r


# ---------------------------------------------------------------- paths and links

@case
def dotdot_and_absolute_paths():
    # Analysed: '..' is clamped at the root (as every runtime extracts it) with a
    # diagnostic; a leading '/' is just stripped.
    t = tar(member("../../escape", "e"), member("/abs/escape", "ab"), member("a/../../b", "bbb"),
            member("./ok", "ok!!"))
    p, rep = analysed(analyze(oci("dotdot", t)), ["path-escapes-root"])
    if rep:
        expect(rep["totals"]["final_files"] == 4 if "final_files" in rep["totals"] else True, "final files", p)
        expect(rep["layers"][0]["content_bytes"] == 10, "content %r" % rep["layers"][0]["content_bytes"], p)
        tr = tree_text(oci("dotdot-tree", t))
        for want in (b"escape", b"abs", b"b", b"ok"):
            expect(want in tr.out, "tree lacks %r" % want, p)
    return p, None


@case
def nul_byte_in_pax_path():
    # A NUL cannot be part of a file name; Go's archive/tar refuses such a pax record.
    t = tar(member("x", "data", records=[("path", b"evil\0name")]))
    r = analyze(oci("nul-path", t))
    return refused(r, "layer 0", "contains a NUL byte", "tar offset"), r


@case
def nul_byte_in_pax_linkpath():
    t = tar(member("l", typ=b"2", linkname="t", records=[("linkpath", b"/etc\0/passwd")]))
    r = analyze(oci("nul-link", t))
    return refused(r, "layer 0", "contains a NUL byte", "tar offset"), r


@case
def invalid_utf8_names():
    # Analysed with a diagnostic; the JSON report stays valid JSON.
    t = tar(member(b"caf\xe9", "x"), member("y", "yy", records=[("path", b"bad\xff\xfename")]))
    r = analyze(oci("utf8", t))
    p, rep = analysed(r, ["path-not-utf8"])
    if rep:
        expect(rep["layers"][0]["files"] == 2, "files %r" % rep["layers"][0]["files"], p)
    tr = tree_text(oci("utf8-tree", t))
    expect(tr.rc == 0, "tree exit %d" % tr.rc, p)
    return p, r


@case
def symlink_loops():
    # Analysed: symlinks are recorded, never followed while indexing or merging.
    t = tar(member("a", typ=b"2", linkname="b"), member("b", typ=b"2", linkname="a"),
            member("self", typ=b"2", linkname="self"), member("dot", typ=b"2", linkname="."),
            d("dir"), member("dir/up", typ=b"2", linkname="../dir/up"), member("f", "data"))
    img = oci("symloop", t, tar(member("a/inside", "x")))
    r = analyze(img)
    # Layer 1 writes through the symlink 'a': 'a' becomes a directory (as a runtime
    # extracting the tar would refuse; layerscope reports the type change).
    p, rep = analysed(r, ["parent-not-directory"])
    for sub in (["tree", "--no-cache", img], ["du", "--no-cache", img], ["check", "--no-cache", img]):
        x = run(sub)
        expect(x.rc in (0, 1) and not x.timed_out, "%s exit %d" % (sub[0], x.rc), p)
    return p, r


@case
def hardlinks_to_missing_targets():
    t = tar(member("h", typ=b"1", linkname="nothere"), member("g", typ=b"1", linkname="../../etc/passwd"),
            member("f", "data"))
    # Analysed (a hardlink carries no bytes), with one diagnostic for the layer: a runtime
    # would fail to extract it.
    r = analyze(oci("hardlink", t))
    p, rep = analysed(r, ["hardlink-missing-target"])
    if rep:
        hl = diag(rep, "hardlink-missing-target")
        expect(len(hl) == 1 and hl[0]["path"] == "h" and "2 hardlinks" in hl[0]["message"], "diagnostics %r" % hl, p)
        expect(rep["layers"][0]["entries"] == 3, "entries", p)
        expect(rep["layers"][0]["content_bytes"] == 4, "content", p)
    return p, r


@case
def file_to_directory_and_back():
    l0 = tar(member("x", "0" * 100))
    l1 = tar(d("x"), member("x/y", "1" * 10))
    l2 = tar(member("x", "2" * 7))
    img = oci("flipflop", l0, l1, l2)
    r = analyze(img)
    p, rep = analysed(r)
    if rep:
        L = rep["layers"]
        expect([l["added"]["files"] for l in L] == [1, 1, 0], "added %r" % [l["added"] for l in L], p)
        expect(rep["totals"]["final_bytes"] == 7, "final_bytes %r" % rep["totals"]["final_bytes"], p)
        expect(rep["totals"]["content_bytes"] == 117, "content_bytes %r" % rep["totals"]["content_bytes"], p)
        expect(rep["efficiency"]["reclaimable_bytes"] == 110, "reclaimable %r" % rep["efficiency"]["reclaimable_bytes"], p)
    tr = tree_text(img)
    lines = tr.out.decode().splitlines()
    expect(tr.rc == 0 and any(l.endswith("M2     └── x") for l in lines), "tree: %r" % lines, p)
    expect(not any(l.endswith(" y") for l in lines), "tree still shows x/y: %r" % lines, p)
    return p, r


@case
def whiteouts_first_layer_and_missing_targets():
    l0 = tar(member(".wh.ghost"), member("etc/.wh..wh..opq"), member("etc/a", "aa"))
    l1 = tar(member(".wh.nothing"), member("etc/.wh.a"), member("x/.wh.y"))
    r = analyze(oci("whiteouts", l0, l1))
    p, rep = analysed(r, ["whiteout-missing-target"])
    if rep:
        missing = {x["path"] for x in diag(rep, "whiteout-missing-target")}
        expect({"ghost", "nothing", "x/y"} <= missing, "missing-target paths %r" % missing, p)
        expect(rep["layers"][1]["deleted"]["files"] == 1, "deleted %r" % rep["layers"][1]["deleted"], p)
        expect(rep["totals"]["final_bytes"] == 0, "final_bytes %r" % rep["totals"]["final_bytes"], p)
    return p, r


@case
def duplicate_entries():
    t = tar(member("dup", "first"), member("dup", "second-longer"), d("dd"), d("dd"))
    r = analyze(oci("dup", t))
    p, rep = analysed(r, ["duplicate-entry"])
    if rep:
        expect(rep["totals"]["final_bytes"] == 13, "final_bytes %r" % rep["totals"]["final_bytes"], p)
        expect(rep["totals"]["content_bytes"] == 18, "content_bytes %r" % rep["totals"]["content_bytes"], p)
    return p, r


# ---------------------------------------------------------------- sizes in headers

def size_case(name, raw_tar, *mentions):
    r = analyze(oci(name, raw_tar, compression="none"))
    return refused(r, "layer 0", *mentions), r


@case
def size_field_not_octal():
    return size_case("size-garbage", tar(header("x", size_field=b"12345678x90\0")), "invalid size field", "tar offset 0")


@case
def size_field_base256_negative():
    return size_case("size-neg", tar(header("x", size_field=b"\xff" * 12)), "invalid size field", "tar offset 0")


@case
def size_field_base256_overflow():
    return size_case("size-ovf", tar(header("x", size_field=b"\x80" + b"\xff" * 11)), "invalid size field")


@case
def size_field_octal_beyond_the_stream():
    # 12 octal digits, no terminator: 68 GB declared, a few bytes present.
    return size_case("size-big", tar(header("x", size_field=b"777777777777"), b"abc"), "truncated tar", "'x'" if False else "x")


@case
def size_larger_than_remaining_stream_gzip():
    t = header("big", 1 << 30) + b"only this"
    r = analyze(oci("size-remaining", t))
    return refused(r, "layer 0", "big", "truncated tar"), r


@case
def pax_size_negative():
    return size_case("pax-neg", tar(member("x", records=[("size", "-1")])), "malformed pax size", "'-1'")


@case
def pax_size_overflowing():
    return size_case("pax-ovf", tar(member("x", records=[("size", "99999999999999999999")])), "pax size overflows")


@case
def pax_size_max_uint64():
    return size_case("pax-max", tar(member("x", records=[("size", "18446744073709551615")])), "x")


@case
def pax_size_not_numeric():
    return size_case("pax-nan", tar(member("x", records=[("size", "12abc")])), "malformed pax size")


@case
def gnu_sparse_old_format():
    # Type 'S' with a real size of 1 MiB and 512 stored bytes (one extension block): analysed,
    # counted as the stored bytes, with a sparse-entry diagnostic.
    ext = {257: b"ustar  \0", 483: octal(MiB, 12), 386: octal(0, 12), 398: octal(512, 12)}
    t = tar(header("sparse", 512, b"S", extra=ext) + b"s" * 512, member("plain", "p"))
    p, rep = analysed(analyze(oci("sparse-S", t, compression="none")), ["sparse-entry"])
    if rep:
        expect(rep["layers"][0]["content_bytes"] == 513, "content %r" % rep["layers"][0]["content_bytes"], p)
    return p, None


@case
def gnu_sparse_pax_formats():
    t = tar(member("s01", "x" * 100, records=[("GNU.sparse.size", "1048576"), ("GNU.sparse.numblocks", "1"),
                                              ("GNU.sparse.offset", "0"), ("GNU.sparse.numbytes", "100")]),
            member("GNUSparseFile.0/s10", "1\n0\n100\n" + "y" * 100,
                   records=[("GNU.sparse.major", "1"), ("GNU.sparse.minor", "0"), ("GNU.sparse.name", "s10"),
                            ("GNU.sparse.realsize", "1048576")]))
    p, rep = analysed(analyze(oci("sparse-pax", t)), ["sparse-entry"])
    return p, None


@case
def gnu_sparse_endless_extension_blocks():
    # Every extension block says another follows until the stream ends.
    ext = {257: b"ustar  \0", 483: octal(MiB, 12), 482: b"\x01"}
    blk = bytearray(512)
    blk[504] = 1
    t = header("sparse", 0, b"S", extra=ext) + bytes(blk) * 64
    return size_case("sparse-endless", t, "truncated tar", "sparse header")


# ---------------------------------------------------------------- JSON documents

def nested(depth):
    return ("[" * depth + "]" * depth).encode()


@case
def index_json_nested_100k():
    img = oci("deep-index", tar(member("f", "x")))
    with open(os.path.join(img, "index.json"), "wb") as f:
        f.write(b'{"schemaVersion":2,"manifests":' + nested(100_000) + b"}")
    r = analyze(img)
    return refused(r, "index.json", "nests deeper than 256"), r


@case
def config_nested_100k():
    cfg = b'{"rootfs":{"type":"layers","diff_ids":[]},"x":' + nested(100_000) + b"}"
    img = write_oci("deep-config", [Layer(tar(member("f", "x")))], config=cfg)
    r = analyze(img)
    return refused(r, "config", "nests deeper than 256"), r


@case
def docker_manifest_nested_100k():
    img = write_docker_save("deep-manifest.tar", [tar(member("f", "x"))], manifest=nested(100_000))
    r = analyze(img)
    return refused(r, "manifest.json", "nests deeper than 256"), r


def sparse_file(path, prefix, size, suffix=b""):
    with open(path, "wb") as f:
        f.write(prefix)
        f.seek(size - len(suffix))
        f.write(suffix)


@case
def index_json_of_200mb():
    img = oci("big-index", tar(member("f", "x")))
    sparse_file(os.path.join(img, "index.json"), b'{"manifests":[', 200_000_000, b"]}")
    r = analyze(img)
    return refused(r, "index.json", "200000000 bytes", "limit for metadata", seconds=2, rss_mib=200), r


@case
def manifest_blob_of_200mb():
    # The index promises a 200 MB manifest: refused on the descriptor's size, before reading.
    img = oci("big-manifest", tar(member("f", "x")))
    idx = json.load(open(os.path.join(img, "index.json")))
    dg = "sha256:" + "1" * 64
    idx["manifests"][0].update(digest=dg, size=200_000_000)
    json.dump(idx, open(os.path.join(img, "index.json"), "w"))
    sparse_file(os.path.join(img, "blobs", "sha256", "1" * 64), b"{", 200_000_000, b"}")
    r = analyze(img)
    return refused(r, "manifest", "200000000 bytes", "limit for metadata", seconds=2, rss_mib=200), r


@case
def docker_save_manifest_of_200mb():
    # A plain docker-save whose manifest.json member is 200 MB (a hole in the archive file).
    t = tar(member("f", "x"))
    img = write_docker_save("big-manifest.tar", [t], manifest=b"[]")
    raw = open(img, "rb").read()
    cut = raw.rfind(header("manifest.json", 2))
    with open(img, "wb") as f:
        f.write(raw[:cut] + header("manifest.json", 200_000_000))
        f.seek(cut + 512 + 200_000_000)
        f.write(END)
    r = analyze(img)
    return refused(r, "manifest.json", "200000000 bytes", "limit for metadata", seconds=2, rss_mib=200), r


@case
def docker_save_gzip_manifest_of_200mb():
    # The same, gzip-compressed: the archive streams once, so the oversized manifest.json
    # passes by as a would-be layer; the error must still say what is wrong with it.
    t = tar(member("f", "x"))
    img = write_docker_save("big-manifest-gz.tar", [t], manifest=b"[]")
    raw = open(img, "rb").read()
    cut = raw.rfind(header("manifest.json", 2))
    body = raw[:cut] + header("manifest.json", 200_000_000) + b"["
    zero = gz_fast(bytes(64 * MiB))
    blob = gz_fast(body) + zero * 2 + gz_fast(bytes(200_000_000 - 1 - 128 * MiB) + END)
    path = img + ".gz"
    open(path, "wb").write(blob)
    r = analyze(path, timeout=60)
    return refused(r, "manifest.json", "200000000 bytes", "limit for metadata", seconds=15, rss_mib=300), r


@case
def sha512_everywhere():
    # blobs/sha512/…: manifest, config and layers named by sha512; diff_ids stay sha256 (what
    # builders write), then sha512 diff_ids too. Both must work end to end and verify.
    t0, t1 = tar(member("a", "a" * 10)), tar(member("b", "b" * 20), member(".wh.a"))
    p, rep = analysed(analyze(write_oci("sha512", [Layer(t0), Layer(t1, "zstd")], alg="sha512")))
    if rep:
        expect(rep["layers"][0]["digest"].startswith("sha512:"), "digest %r" % rep["layers"][0]["digest"], p)
        expect(rep["totals"]["final_bytes"] == 20, "final_bytes", p)
    l0, l1 = Layer(t0), Layer(t1, "zstd")
    l0.diff_id_alt, l1.diff_id_alt = sha(t0, "sha512"), sha(t1, "sha512")
    p2, rep2 = analysed(analyze(write_oci("sha512-diffids", [l0, l1], alg="sha512", diff_alg="sha512")))
    p += ["sha512 diff_ids: " + x for x in p2]
    # And a wrong sha512 diff_id is caught.
    l1.diff_id_alt = sha(t0, "sha512")
    r3 = analyze(write_oci("sha512-bad-diffid", [l0, l1], alg="sha512", diff_alg="sha512"))
    p += ["wrong sha512 diff_id: " + x for x in refused(r3, "layer 1", "diff_id mismatch")]
    return p, None


@case
def sha512_in_a_compressed_oci_archive():
    # An oci-archive piped through gzip streams its layers before index.json and the config
    # are read: sha512 digests cannot be verified then, which the report says.
    import tarfile
    t0 = tar(member("a", "a" * 10))
    l0 = Layer(t0)
    l0.diff_id_alt = sha(t0, "sha512")
    root = write_oci("sha512-archive", [l0], alg="sha512", diff_alg="sha512")
    path = root + ".oci.tar.gz"
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for n in ("blobs", "oci-layout", "index.json"):  # blobs first, as a streamer meets them
            tf.add(os.path.join(root, n), arcname=n)
    p, rep = analysed(analyze("oci-archive:" + path), ["digest-not-verified", "diff-id-not-verified"])
    if rep:
        expect(rep["totals"]["final_bytes"] == 10, "final_bytes", p)
    return p, None


@case
def unknown_digest_algorithm():
    t = tar(member("f", "x"))
    img = write_oci("md5", [Layer(t)], layer_digests=["md5:" + hashlib.md5(t).hexdigest()])
    r = analyze(img)
    return refused(r, "md5"), r


@case
def media_type_disagrees_with_bytes():
    # Analysed by the magic bytes, with a media-type-mismatch diagnostic.
    t = tar(member("f", "xyz"))
    layers = [Layer(t, "zstd", media_type=MT["gzip"]), Layer(t, "gzip", media_type=MT["none"]),
              Layer(t, "none", media_type=MT["zstd"])]
    p, rep = analysed(analyze(write_oci("mt-mismatch", layers)), ["media-type-mismatch"])
    if rep:
        expect(len(diag(rep, "media-type-mismatch")) == 3, "mismatches %d" % len(diag(rep, "media-type-mismatch")), p)
    return p, None


@case
def index_says_manifest_is_an_index():
    img = write_oci("mt-index", [Layer(tar(member("f", "x")))], manifest_type=OCI_INDEX)
    r = analyze(img)
    return refused(r, "index", "manifests"), r


@case
def two_hundred_layers():
    # Docker's overlay mounts stop at 127 layers; an analyzer reads them all.
    tars = [tar(member("f%03d" % i, "x" * i), member("shared", "v%d" % i)) for i in range(200)]
    r = analyze(write_oci("200-layers", [Layer(t) for t in tars]), timeout=60)
    p, rep = analysed(r, seconds=30)
    if rep:
        expect(len(rep["layers"]) == 200, "layers %d" % len(rep["layers"]), p)
        expect(rep["layers"][199]["modified"]["files"] == 1, "modified %r" % rep["layers"][199]["modified"], p)
    return p, r


# ---------------------------------------------------------------- nothing written anywhere

@case
def nothing_written():
    tag = "layerscope-hostile-%d" % os.getpid()
    rel_target = "../../../../../../../../tmp/%s-rel/escape" % tag
    abs_target = "/tmp/%s-abs/escape" % tag
    sym_target = "/tmp/%s-sym" % tag
    escapes = ["/tmp/%s-rel" % tag, "/tmp/%s-abs" % tag, sym_target]
    t = tar(member(rel_target, "rel"), member(abs_target, "abs"), member("evil", typ=b"2", linkname=sym_target),
            member("evil/x", "through the symlink"), member("hl", typ=b"1", linkname="/etc/passwd"))
    images = [oci("nothing-written", t, tar(member("evil/y", "again"), member("../evil/z", "z"))),
              write_docker_save("nothing-written.tar", [t])]
    work = tempfile.mkdtemp(dir=TMP, prefix="cwd-")
    home = tempfile.mkdtemp(dir=TMP, prefix="home-")
    env = dict(os.environ, HOME=home, XDG_CACHE_HOME=os.path.join(home, "cache"),
               XDG_CONFIG_HOME=os.path.join(home, "config"), LAYERSCOPE_CACHE_DIR=os.path.join(home, "lcache"),
               TMPDIR=home)
    env.pop("GITHUB_ACTIONS", None)
    env.pop("GITHUB_STEP_SUMMARY", None)
    p = []
    oci_img, save_img = images
    runs = [["analyze", "--no-cache", oci_img], ["analyze", "--no-cache", "--format", "json", oci_img],
            ["tree", "--no-cache", oci_img], ["tree", "--no-cache", "--layer", "0", oci_img],
            ["du", "--no-cache", "--format", "json", oci_img]]
    runs += [["check", "--no-cache", "--output", o + "=-", oci_img] for o in ("junit", "sarif", "markdown", "json")]
    runs += [["analyze", "--no-cache", save_img], ["tree", "--no-cache", save_img], ["du", "--no-cache", save_img],
             ["check", "--no-cache", "--output", "text=-", save_img]]
    for args in runs:
        r = run(args, cwd=work, env=env)
        if r.rc not in (0, 1) or r.timed_out:
            p.append("%s: exit %d %r" % (" ".join(args), r.rc, r.err[:200]))
    for where in (work, home):
        for dirpath, dirs, files in os.walk(where):
            for n in dirs + files:
                p.append("wrote %s" % os.path.join(dirpath, n))
    for e in escapes:
        if os.path.lexists(e):
            p.append("created %s" % e)
            shutil.rmtree(e, ignore_errors=True)
    return p, None


# ---------------------------------------------------------------- main

def main():
    global LS, TMP
    LS = os.path.abspath(sys.argv[1])
    only = sys.argv[2:]
    failures = 0
    ran = 0
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="layerscope-hostile-") as tmp:
        TMP = tmp
        for fn in CASES:
            if only and not any(o in fn.__name__ for o in only):
                continue
            ran += 1
            t0 = time.monotonic()
            try:
                problems, r = fn()
            except Exception as e:  # a generator bug must fail the test, not hide the rest
                problems, r = ["test error: %r" % e], None
            status = "FAIL" if problems else "ok"
            note = r.summary() if r else "exit 0"
            print("%-4s %-45s %5.1fs  %s" % (status, fn.__name__, time.monotonic() - t0, note), flush=True)
            for pr in problems:
                print("       " + pr)
            failures += bool(problems)
    print("%d passed, %d failed in %.1f s" % (ran - failures, failures, time.monotonic() - start))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
