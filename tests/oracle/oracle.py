#!/usr/bin/env python3
"""Reference reader ("oracle") for container images: the ground truth of the conformance tests.

What: reads an image from its files alone -- docker-save tarballs (legacy `<id>/layer.tar`,
Docker 25+ `blobs/sha256/...`, kaniko / go-containerregistry `sha256:<hex>` config with
`.tar.gz` layers, pre-1.10 `repositories`-only saves), the same gzipped as a whole, OCI image
layout directories and OCI archives, and skopeo `dir:` layouts -- verifies every digest, walks
every layer with Python's `tarfile`, replays the layers (whiteouts included) and prints the
per-layer facts and totals that layerscope's JSON report must contain.

Why: it is written straight from the specs and shares no code with the C++ analyzer, so a
disagreement between the two points at a bug in one of them rather than at a shared mistake.

Specs followed:
  * OCI image-spec image-layout.md (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`),
    image-index.md / manifest.md (descriptors, platform), descriptor.md (digest + size checks),
    config.md (`rootfs.diff_ids` = sha256 of the uncompressed layer tar).
  * OCI image-spec layer.md "Whiteouts": `.wh.NAME` deletes NAME, `.wh..wh..opq` makes the
    directory opaque; both apply to the lower layers only.
  * docker save `manifest.json` (`Config`, `RepoTags`, `Layers`), and the legacy
    `repositories` + `<id>/json` "parent" chain.

The definitions of every number are in tests/conformance/README.md; they are implemented here
literally.  Usage:  oracle.py IMAGE [--image NAME:TAG] [--platform os/arch[/variant]]
Exit 0 with the JSON report, or exit 3 with {"error": "..."} for input that is not an image
or is corrupt.
"""

import argparse
import gzip
import hashlib
import io
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import zlib

CHUNK = 1 << 20
BLOCK = 512

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

INDEX_MEDIA_TYPES = {
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
}
MANIFEST_MEDIA_TYPES = {
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v2+json",
}
SUPPORTED_ALGS = {"sha256": 64, "sha512": 128}
REF_NAME_ANNOTATIONS = (
    "org.opencontainers.image.ref.name",
    "io.containerd.image.name",
    "io.cncf.containerd.image.name",
)


class ImageError(Exception):
    """The input is not an image, or it is corrupt.  Maps to exit code 3."""


# --------------------------------------------------------------------------------------------
# Paths


def clean_path(name):
    """Go `path.Clean`, relative to the root: '' is the root itself."""
    parts = []
    for comp in name.split("/"):
        if comp in ("", "."):
            continue
        if comp == "..":
            if parts:
                parts.pop()
            continue
        parts.append(comp)
    return "/".join(parts)


def split_path(path):
    if "/" in path:
        d, b = path.rsplit("/", 1)
        return d, b
    return "", path


# --------------------------------------------------------------------------------------------
# Readers that hash what passes through them


class CountingReader(io.RawIOBase):
    """Wraps a readable; hashes (sha256 and optionally another algorithm) and counts bytes."""

    def __init__(self, raw, extra_alg=None):
        super().__init__()
        self.raw = raw
        self.sha256 = hashlib.sha256()
        self.extra = hashlib.new(extra_alg) if extra_alg and extra_alg != "sha256" else None
        self.count = 0
        self.prefix = b""

    def readable(self):
        return True

    def _take(self, n):
        if self.prefix:
            data = self.prefix[:n] if n >= 0 else self.prefix
            self.prefix = self.prefix[len(data):]
            return data
        data = self.raw.read(n if n >= 0 else CHUNK)
        if data:
            self.sha256.update(data)
            if self.extra is not None:
                self.extra.update(data)
            self.count += len(data)
        return data

    def peek_head(self, n):
        """Read n bytes (or fewer at EOF) and push them back for the next reads."""
        head = b""
        while len(head) < n:
            d = self._take(n - len(head))
            if not d:
                break
            head += d
        self.prefix = head + self.prefix
        return head

    def read(self, n=-1):
        if n is None or n < 0:
            out = []
            while True:
                d = self._take(CHUNK)
                if not d:
                    break
                out.append(d)
            return b"".join(out)
        return self._take(n)

    def readinto(self, b):
        d = self._take(len(b))
        b[: len(d)] = d
        return len(d)

    def drain(self):
        while self._take(CHUNK):
            pass

    def hexdigest(self, alg="sha256"):
        if alg == "sha256":
            return self.sha256.hexdigest()
        return self.extra.hexdigest()


# --------------------------------------------------------------------------------------------
# Stores: where the image's files live (a directory, or the members of a tar)


class DirStore:
    def __init__(self, root):
        self.root = root

    def _path(self, name):
        return os.path.join(self.root, *clean_path(name).split("/"))

    def exists(self, name):
        return os.path.isfile(self._path(name))

    def size(self, name):
        return os.path.getsize(self._path(name))

    def open(self, name):
        p = self._path(name)
        if not os.path.isfile(p):
            raise ImageError("missing file: %s" % name)
        return open(p, "rb")

    def names(self):
        out = []
        for dirpath, _dirs, files in os.walk(self.root):
            rel = os.path.relpath(dirpath, self.root)
            for f in files:
                out.append(clean_path(f if rel == "." else rel.replace(os.sep, "/") + "/" + f))
        return out


class TarStore:
    """The members of an (uncompressed, seekable) outer tar, by cleaned name; last one wins."""

    def __init__(self, fileobj, length, label):
        self.label = label
        self.tf, members = strict_tar_members(fileobj, length, label)
        self.members = {}
        for m in members:
            p = clean_path(m.name)
            if p:
                self.members[p] = m

    def _resolve(self, name):
        p = clean_path(name)
        for _ in range(40):
            m = self.members.get(p)
            if m is None:
                return None
            if m.issym():
                base = posixpath.dirname(p)
                p = clean_path(posixpath.join(base, m.linkname) if not m.linkname.startswith("/")
                               else m.linkname)
                continue
            if m.islnk():
                p = clean_path(m.linkname)
                continue
            if m.isreg():
                return m
            return None
        raise ImageError("%s: symlink loop at %s" % (self.label, name))

    def exists(self, name):
        return self._resolve(name) is not None

    def size(self, name):
        m = self._resolve(name)
        if m is None:
            raise ImageError("missing file: %s" % name)
        return m.size

    def open(self, name):
        m = self._resolve(name)
        if m is None:
            raise ImageError("missing file in archive: %s" % name)
        return self.tf.extractfile(m)

    def names(self):
        return list(self.members)


def strict_tar_members(fileobj, length, label):
    """All members of a tar read with `tarfile`, failing on what tarfile silently tolerates:
    a bad header checksum or garbage after the last member, a truncated header or member.
    A zero-length stream is an empty archive.  Returns (TarFile or None, [TarInfo])."""
    fileobj.seek(0)
    if length == 0:
        return None, []
    try:
        tf = tarfile.open(fileobj=fileobj, mode="r:")
        members = []
        while True:
            m = tf.next()
            if m is None:
                break
            members.append(m)
    except (tarfile.TarError, EOFError, ValueError, OverflowError) as e:
        raise ImageError("%s: bad tar: %s" % (label, e))
    # tarfile stops quietly at the first header it cannot parse; decide why it stopped.
    off = tf.offset
    remaining = length - off
    if remaining > 0:
        fileobj.seek(off)
        block = fileobj.read(BLOCK)
        if len(block) < BLOCK:
            raise ImageError("%s: truncated tar header at offset %d" % (label, off))
        if block.count(0) != BLOCK:
            try:
                tarfile.TarInfo.frombuf(block, tarfile.ENCODING, "surrogateescape")
                why = "unreadable header"
            except tarfile.HeaderError as e:
                why = str(e)
            raise ImageError("%s: bad tar header at offset %d: %s" % (label, off, why))
    elif remaining < 0:
        raise ImageError("%s: truncated tar" % label)
    return tf, members




# --------------------------------------------------------------------------------------------
# Layer decoding


class Entry:
    __slots__ = ("name", "path", "kind", "size", "isreg", "isdir")

    def __init__(self, m):
        self.name = m.name
        self.path = clean_path(m.name)
        self.isreg = m.isreg()
        self.isdir = m.isdir()
        if self.isreg:
            self.kind = "file"
        elif self.isdir:
            self.kind = "dir"
        elif m.issym():
            self.kind = "symlink"
        elif m.islnk():
            self.kind = "hardlink"
        else:
            self.kind = "other"
        self.size = m.size


class LayerData:
    def __init__(self):
        self.digest = None
        self.diff_id = None
        self.compression = None
        self.compressed_bytes = 0
        self.tar_bytes = 0
        self.entries = []
        self.media_type = None


def _copy_hashing(src, dst):
    h = hashlib.sha256()
    n = 0
    while True:
        d = src.read(CHUNK)
        if not d:
            break
        h.update(d)
        dst.write(d)
        n += len(d)
    return h, n


def _zstd_decompress(reader, dst, label):
    try:
        proc = subprocess.Popen(["zstd", "-dc", "-q"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise ImageError("%s: cannot run zstd: %s" % (label, e))
    err_holder = []

    def feed():
        try:
            while True:
                d = reader.read(CHUNK)
                if not d:
                    break
                proc.stdin.write(d)
        except (BrokenPipeError, OSError) as e:
            err_holder.append(e)
            reader.drain()
        finally:
            try:
                proc.stdin.close()
            except OSError:
                pass

    stderr_buf = []
    t = threading.Thread(target=feed, daemon=True)
    t2 = threading.Thread(target=lambda: stderr_buf.append(proc.stderr.read()), daemon=True)
    t.start()
    t2.start()
    h, n = _copy_hashing(proc.stdout, dst)
    t.join()
    t2.join()
    rc = proc.wait()
    proc.stdout.close()
    proc.stderr.close()
    if rc != 0:
        msg = b"".join(stderr_buf).decode("utf-8", "replace").strip().splitlines()
        raise ImageError("%s: corrupt zstd stream: %s" % (label, msg[-1] if msg else "rc=%d" % rc))
    return h, n


def decode_layer(raw, label, expect_digest=None, expect_size=None, expect_diff_id=None):
    """Stream a stored layer blob: hash it, sniff and decompress it into a temporary file,
    hash the tar stream, list its members strictly."""
    alg = expect_digest.split(":", 1)[0] if expect_digest else "sha256"
    reader = CountingReader(raw, alg)
    head = reader.peek_head(4)
    out = LayerData()
    with tempfile.TemporaryFile() as tmp:
        decode_error = None
        h, n = hashlib.sha256(), 0
        try:
            if head[:2] == GZIP_MAGIC:
                out.compression = "gzip"
                try:
                    with gzip.GzipFile(fileobj=reader, mode="rb") as gz:
                        h, n = _copy_hashing(gz, tmp)
                except (OSError, EOFError, zlib.error) as e:
                    raise ImageError("%s: corrupt gzip stream: %s" % (label, e or type(e).__name__))
            elif head == ZSTD_MAGIC:
                out.compression = "zstd"
                h, n = _zstd_decompress(reader, tmp, label)
            else:
                out.compression = "none"
                h, n = _copy_hashing(reader, tmp)
        except ImageError as e:
            decode_error = e
        except tarfile.ReadError as e:  # a member of a truncated outer tar
            raise ImageError("%s: cannot read blob: %s" % (label, e))
        try:
            reader.drain()
        except (tarfile.ReadError, OSError) as e:  # a member of a truncated outer tar
            raise ImageError("%s: cannot read blob: %s" % (label, e))
        out.compressed_bytes = reader.count
        out.digest = "sha256:" + reader.hexdigest()
        out.tar_bytes = n
        out.diff_id = "sha256:" + h.hexdigest()
        if expect_digest is not None:
            got = alg + ":" + reader.hexdigest(alg)
            if got != expect_digest:
                raise ImageError("%s: digest mismatch: expected %s, blob is %s"
                                 % (label, expect_digest, got))
        if expect_size is not None and expect_size != reader.count:
            raise ImageError("%s: size mismatch: descriptor says %d, blob has %d bytes"
                             % (label, expect_size, reader.count))
        if decode_error is not None:  # reported after the blob digest, which is more telling
            raise decode_error
        if expect_diff_id is not None and expect_diff_id != out.diff_id:
            raise ImageError("%s: diff_id mismatch: config says %s, uncompressed tar is %s"
                             % (label, expect_diff_id, out.diff_id))
        tmp.flush()
        _tf, members = strict_tar_members(tmp, n, label)
        out.entries = [Entry(m) for m in members]
    return out


# --------------------------------------------------------------------------------------------
# Image formats


class LayerRef:
    def __init__(self, name, expect_digest=None, expect_size=None, media_type=None):
        self.name = name  # file name inside the store
        self.expect_digest = expect_digest
        self.expect_size = expect_size
        self.media_type = media_type


class ImagePlan:
    def __init__(self, fmt, store):
        self.format = fmt
        self.store = store
        self.layers = []
        self.diff_ids = None
        self.selected = None
        self.diagnostics = []


def load_json_bytes(data, what):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise ImageError("%s: malformed JSON: %s" % (what, e))


def read_store_file(store, name, what=None):
    with store.open(name) as f:
        try:
            return f.read()
        except tarfile.ReadError as e:
            raise ImageError("%s: cannot read: %s" % (what or name, e))


def check_digest_string(digest, what):
    if not isinstance(digest, str) or ":" not in digest:
        raise ImageError("%s: invalid digest %r" % (what, digest))
    alg, hexpart = digest.split(":", 1)
    if alg not in SUPPORTED_ALGS:
        raise ImageError("%s: unsupported digest algorithm %r" % (what, alg))
    if not re.fullmatch("[0-9a-f]{%d}" % SUPPORTED_ALGS[alg], hexpart):
        raise ImageError("%s: invalid digest %r" % (what, digest))
    return alg, hexpart


def read_verified_blob(store, name, digest, size, what):
    data = read_store_file(store, name, what)
    alg = digest.split(":", 1)[0]
    got = alg + ":" + hashlib.new(alg, data).hexdigest()
    if got != digest:
        raise ImageError("%s: digest mismatch: expected %s, blob is %s" % (what, digest, got))
    if size is not None and size != len(data):
        raise ImageError("%s: size mismatch: descriptor says %d, blob has %d bytes"
                         % (what, size, len(data)))
    return data


def blob_name_digest(name):
    """`blobs/sha256/<hex>` (or `blobs/sha512/<hex>`) -> the digest its name promises."""
    m = re.fullmatch(r"blobs/(sha256|sha512)/([0-9a-f]+)", clean_path(name))
    if m and len(m.group(2)) == SUPPORTED_ALGS[m.group(1)]:
        return m.group(1) + ":" + m.group(2)
    return None


def config_diff_ids(cfg, what):
    if not isinstance(cfg, dict):
        raise ImageError("%s: config is not a JSON object" % what)
    rootfs = cfg.get("rootfs")
    if not isinstance(rootfs, dict) or rootfs.get("diff_ids") is None:
        return None
    ids = rootfs["diff_ids"]
    if not isinstance(ids, list) or not all(isinstance(x, str) for x in ids):
        raise ImageError("%s: rootfs.diff_ids is not a list of strings" % what)
    return ids


def split_ref(ref):
    """NAME:TAG -> (NAME, TAG); a ':' inside a registry host:port is not the tag separator."""
    name, sep, tag = ref.rpartition(":")
    if not sep or "/" in tag:
        return ref, "latest"
    return name, tag


def normalize_ref(ref):
    name, tag = split_ref(ref)
    for prefix in ("docker.io/library/", "docker.io/", "index.docker.io/library/",
                   "index.docker.io/", "library/"):
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return name + ":" + tag


def plan_docker_save(store, manifest, image):
    if manifest is None or manifest == []:
        raise ImageError("manifest.json is %s: no image in this archive" % json.dumps(manifest))
    if not isinstance(manifest, list) or not all(isinstance(e, dict) for e in manifest):
        raise ImageError("manifest.json is not a list of objects")
    entry = manifest[0]
    if image is not None:
        found = None
        for e in manifest:
            tags = e.get("RepoTags") or []
            if image in tags:
                found = e
                break
        if found is None:
            for e in manifest:
                tags = e.get("RepoTags") or []
                if normalize_ref(image) in [normalize_ref(t) for t in tags if isinstance(t, str)]:
                    found = e
                    break
        if found is None:
            raise ImageError("image %s not found in manifest.json" % image)
        entry = found
    plan = ImagePlan("docker-archive", store)
    plan.selected = (entry.get("RepoTags") or [None])[0]
    cfg_name = entry.get("Config")
    layers = entry.get("Layers")
    if not isinstance(cfg_name, str) or not isinstance(layers, list) \
            or not all(isinstance(x, str) for x in layers):
        raise ImageError("manifest.json entry lacks Config or Layers")
    cfg_data = read_store_file(store, cfg_name, "config " + cfg_name)
    named = blob_name_digest(cfg_name)
    if named:
        got = named.split(":")[0] + ":" + hashlib.new(named.split(":")[0], cfg_data).hexdigest()
        if got != named:
            raise ImageError("config %s: digest mismatch: blob is %s" % (cfg_name, got))
    cfg = load_json_bytes(cfg_data, "config " + cfg_name)
    plan.diff_ids = config_diff_ids(cfg, "config " + cfg_name)
    for name in layers:
        plan.layers.append(LayerRef(name, expect_digest=blob_name_digest(name)))
    if plan.diff_ids is not None and len(plan.diff_ids) != len(plan.layers):
        raise ImageError("config has %d diff_ids but manifest.json lists %d layers"
                         % (len(plan.diff_ids), len(plan.layers)))
    return plan


def plan_repositories(store, image):
    repos = load_json_bytes(read_store_file(store, "repositories"), "repositories")
    if not isinstance(repos, dict) or not repos:
        raise ImageError("repositories file holds no image")
    top = None
    selected = None
    if image is not None:
        name, tag = split_ref(image)
        for rname, tags in repos.items():
            if isinstance(tags, dict) and (rname == name or normalize_ref(rname + ":" + tag)
                                           == normalize_ref(image)) and tag in tags:
                top, selected = tags[tag], rname + ":" + tag
                break
        if top is None:
            raise ImageError("image %s not found in repositories" % image)
    else:
        for rname, tags in repos.items():
            if isinstance(tags, dict) and tags:
                tag, top = next(iter(tags.items()))
                selected = rname + ":" + tag
                break
    if not isinstance(top, str) or not re.fullmatch("[0-9a-f]{64}", top):
        raise ImageError("repositories: invalid layer id %r" % (top,))
    chain = []
    seen = set()
    cur = top
    while cur:
        if cur in seen:
            raise ImageError("repositories: parent loop at %s" % cur)
        seen.add(cur)
        if not store.exists(cur + "/json"):
            raise ImageError("legacy layer %s: missing %s/json" % (cur, cur))
        meta = load_json_bytes(read_store_file(store, cur + "/json"), cur + "/json")
        if not isinstance(meta, dict):
            raise ImageError("%s/json is not an object" % cur)
        chain.append(cur)
        parent = meta.get("parent")
        if parent is not None and (not isinstance(parent, str)
                                   or not re.fullmatch("[0-9a-f]{64}", parent)):
            raise ImageError("%s/json: invalid parent %r" % (cur, parent))
        cur = parent
    chain.reverse()
    plan = ImagePlan("docker-archive-legacy", store)
    plan.selected = selected
    for lid in chain:
        plan.layers.append(LayerRef(lid + "/layer.tar"))
    # Config: the single top-level <hex>.json whose diff_ids count matches, if there is one.
    matches = []
    for name in sorted(store.names()):
        if re.fullmatch("[0-9a-f]{64}\\.json", name):
            try:
                cfg = json.loads(read_store_file(store, name).decode("utf-8"))
                ids = config_diff_ids(cfg, name)
            except (ValueError, UnicodeDecodeError, ImageError):
                continue
            if ids is not None and len(ids) == len(chain):
                matches.append(ids)
    if len(matches) == 1:
        plan.diff_ids = matches[0]
    else:
        plan.diagnostics.append("no unique config for the legacy layer chain; diff_ids not checked")
    return plan


def platform_matches(plat, want):
    if not isinstance(plat, dict):
        return False
    if plat.get("os") != want[0] or plat.get("architecture") != want[1]:
        return False
    if len(want) > 2 and plat.get("variant") != want[2]:
        return False
    return True


def oci_blob_name(digest):
    alg, hexpart = digest.split(":", 1)
    return "blobs/%s/%s" % (alg, hexpart)


def plan_oci_manifest(store, manifest, what, plan, blob_namer):
    if not isinstance(manifest, dict):
        raise ImageError("%s: manifest is not a JSON object" % what)
    cfg = manifest.get("config")
    layers = manifest.get("layers")
    if not isinstance(cfg, dict) or not isinstance(layers, list):
        raise ImageError("%s: not an image manifest (no config/layers)" % what)
    cdig = cfg.get("digest")
    check_digest_string(cdig, what + " config")
    csize = cfg.get("size")
    cfg_data = read_verified_blob(store, blob_namer(cdig), cdig,
                                  csize if isinstance(csize, int) else None, "config " + cdig)
    cfg_json = load_json_bytes(cfg_data, "config " + cdig)
    plan.diff_ids = config_diff_ids(cfg_json, "config " + cdig)
    for i, d in enumerate(layers):
        if not isinstance(d, dict):
            raise ImageError("%s: layer %d descriptor is not an object" % (what, i))
        dig = d.get("digest")
        check_digest_string(dig, "%s layer %d" % (what, i))
        size = d.get("size")
        if not isinstance(size, int):
            raise ImageError("%s: layer %d descriptor has no size" % (what, i))
        plan.layers.append(LayerRef(blob_namer(dig), dig, size, d.get("mediaType")))
    if plan.diff_ids is not None and len(plan.diff_ids) != len(plan.layers):
        raise ImageError("config has %d diff_ids but the manifest lists %d layers"
                         % (len(plan.diff_ids), len(plan.layers)))
    return plan


def plan_oci_layout(store, image, platform, fmt):
    index = load_json_bytes(read_store_file(store, "index.json"), "index.json")
    if not isinstance(index, dict):
        raise ImageError("index.json is not a JSON object")
    candidates = []  # (descriptor, manifest json, ref name)

    def walk(idx, what, depth, inherited_ref):
        if depth > 8:
            raise ImageError("index nesting too deep")
        descs = idx.get("manifests")
        if descs is None:
            descs = []
        if not isinstance(descs, list):
            raise ImageError("%s: manifests is not a list" % what)
        for n, d in enumerate(descs):
            if not isinstance(d, dict):
                raise ImageError("%s: manifests[%d] is not an object" % (what, n))
            dig = d.get("digest")
            check_digest_string(dig, "%s manifests[%d]" % (what, n))
            size = d.get("size")
            data = read_verified_blob(store, oci_blob_name(dig), dig,
                                      size if isinstance(size, int) else None, "manifest " + dig)
            body = load_json_bytes(data, "manifest " + dig)
            ann = d.get("annotations") if isinstance(d.get("annotations"), dict) else {}
            ref = inherited_ref
            for k in REF_NAME_ANNOTATIONS:
                if isinstance(ann.get(k), str):
                    ref = ann[k]
                    break
            mt = d.get("mediaType")
            is_index = mt in INDEX_MEDIA_TYPES or (
                mt not in MANIFEST_MEDIA_TYPES and isinstance(body, dict)
                and "manifests" in body and "layers" not in body)
            if is_index:
                if not isinstance(body, dict):
                    raise ImageError("index %s is not a JSON object" % dig)
                walk(body, "index " + dig, depth + 1, ref)
            elif mt in MANIFEST_MEDIA_TYPES or (isinstance(body, dict) and "layers" in body):
                candidates.append((d, body, ref))
            # other artifact types are not images: skipped

    walk(index, "index.json", 0, None)
    if not candidates:
        raise ImageError("index.json lists no image manifest")
    pool = candidates
    if image is not None:
        pool = [c for c in candidates if c[2] is not None and
                (c[2] == image or normalize_ref(c[2]) == normalize_ref(image)
                 or c[2] == split_ref(image)[1])]
        if not pool:
            raise ImageError("no manifest with reference %s in index.json" % image)
    if platform is not None:
        want = platform.split("/")
        chosen = [c for c in pool if platform_matches(c[0].get("platform"), want)]
        if not chosen:
            raise ImageError("no manifest for platform %s" % platform)
        pick = chosen[0]
    else:
        amd = [c for c in pool if platform_matches(c[0].get("platform"), ("linux", "amd64"))]
        pick = amd[0] if amd else pool[0]
    plan = ImagePlan(fmt, store)
    plan.selected = pick[0].get("digest")
    return plan_oci_manifest(store, pick[1], "manifest " + pick[0]["digest"], plan, oci_blob_name)


def plan_skopeo_dir(store, manifest):
    plan = ImagePlan("dir", store)

    def namer(digest):
        return digest.split(":", 1)[1]

    return plan_oci_manifest(store, manifest, "manifest.json", plan, namer)


def plan_store(store, image, platform, container):
    """Work out the format from the files present."""
    if store.exists("manifest.json"):
        manifest = load_json_bytes(read_store_file(store, "manifest.json"), "manifest.json")
        if isinstance(manifest, dict):
            if "layers" in manifest and "config" in manifest:
                return plan_skopeo_dir(store, manifest)
            raise ImageError("manifest.json is an object but not an image manifest")
        return plan_docker_save(store, manifest, image)
    if store.exists("index.json"):
        return plan_oci_layout(store, image, platform,
                               "oci" if container == "dir" else "oci-archive")
    if store.exists("repositories"):
        return plan_repositories(store, image)
    raise ImageError("not an image: no manifest.json, index.json or repositories")


# --------------------------------------------------------------------------------------------
# Merge (OCI layer.md whiteouts) and per-layer diff


class Node:
    __slots__ = ("kind", "size", "children")

    def __init__(self, kind, size=0):
        self.kind = kind
        self.size = size
        self.children = {} if kind == "dir" else None


def lookup(root, path):
    node = root
    if path == "":
        return node
    for comp in path.split("/"):
        if node.kind != "dir":
            return None
        node = node.children.get(comp)
        if node is None:
            return None
    return node


def regular_files_under(node):
    """(count, bytes) of regular-file nodes in the subtree rooted at node, node included."""
    if node.kind == "file":
        return 1, node.size
    if node.kind != "dir":
        return 0, 0
    n = b = 0
    stack = [node]
    while stack:
        cur = stack.pop()
        for ch in cur.children.values():
            if ch.kind == "file":
                n += 1
                b += ch.size
            elif ch.kind == "dir":
                stack.append(ch)
    return n, b


def add_entry(root, e):
    comps = e.path.split("/")
    node = root
    for comp in comps[:-1]:
        ch = node.children.get(comp)
        if ch is None or ch.kind != "dir":
            ch = Node("dir")  # implicit parent; a non-directory in the way is replaced
            node.children[comp] = ch
        node = ch
    last = comps[-1]
    if e.kind == "dir":
        old = node.children.get(last)
        if old is None or old.kind != "dir":
            node.children[last] = Node("dir")
    else:
        node.children[last] = Node(e.kind, e.size if e.kind == "file" else 0)


def is_marker(e):
    return e.isreg and e.path != "" and split_path(e.path)[1].startswith(".wh.")


def merge_layers(layer_datas, diagnostics):
    root = Node("dir")
    out = []
    for i, ld in enumerate(layer_datas):
        added = [0, 0]
        modified = [0, 0]
        deleted = [0, 0]
        files = 0
        content = 0
        markers = []
        # 1. classify regular files against the lower tree (before this layer's whiteouts)
        for e in ld.entries:
            if e.path == "":
                continue
            if is_marker(e):
                markers.append(e)
                continue
            if e.isreg:
                files += 1
                content += e.size
                bucket = modified if lookup(root, e.path) is not None else added
                bucket[0] += 1
                bucket[1] += e.size
        # 2. whiteouts and opaque markers act on the lower layers only
        for m in markers:
            d, base = split_path(m.path)
            if base == ".wh..wh..opq":
                target = lookup(root, d)
                if target is None or target.kind != "dir":
                    diagnostics.append("layer %d: opaque marker %s: no directory below" % (i, m.path))
                    continue
                for ch in target.children.values():
                    n, b = regular_files_under(ch)
                    deleted[0] += n
                    deleted[1] += b
                target.children.clear()
                continue
            name = base[4:]
            if name in ("", ".", ".."):
                diagnostics.append("layer %d: meaningless whiteout %s ignored" % (i, m.path))
                continue
            parent = lookup(root, d)
            if parent is None or parent.kind != "dir" or name not in parent.children:
                diagnostics.append("layer %d: whiteout %s: nothing below to delete" % (i, m.path))
                continue
            n, b = regular_files_under(parent.children.pop(name))
            deleted[0] += n
            deleted[1] += b
        # 3. the layer's own entries, in tar order
        for e in ld.entries:
            if e.path == "" or is_marker(e):
                continue
            add_entry(root, e)
        out.append({
            "index": i,
            "digest": ld.digest,
            "diff_id": ld.diff_id,
            "compression": ld.compression,
            "compressed_bytes": ld.compressed_bytes,
            "tar_bytes": ld.tar_bytes,
            "content_bytes": content,
            "entries": len(ld.entries),
            "files": files,
            "added": {"files": added[0], "bytes": added[1]},
            "modified": {"files": modified[0], "bytes": modified[1]},
            "deleted": {"files": deleted[0], "bytes": deleted[1]},
        })
    final_files, final_bytes = regular_files_under(root)
    return out, final_files, final_bytes


# --------------------------------------------------------------------------------------------
# Entry points


class OpenedImage:
    """An image's plan plus the temporary files behind it; use as a context manager."""

    def __init__(self, path, image=None, platform=None):
        self.path = path
        self.image = image
        self.platform = platform
        self._files = []

    def __enter__(self):
        path = self.path
        if os.path.isdir(path):
            self.plan = plan_store(DirStore(path), self.image, self.platform, "dir")
            return self
        if not os.path.isfile(path):
            raise ImageError("no such file: %s" % path)
        f = open(path, "rb")
        self._files.append(f)
        head = f.read(4)
        f.seek(0)
        if head[:2] == GZIP_MAGIC:
            tmp = tempfile.TemporaryFile()
            self._files.append(tmp)
            try:
                with gzip.GzipFile(fileobj=f, mode="rb") as gz:
                    shutil.copyfileobj(gz, tmp, CHUNK)
            except (OSError, EOFError, zlib.error) as e:
                raise ImageError("corrupt gzip archive: %s" % (e or type(e).__name__))
            f = tmp
        f.seek(0, 2)
        length = f.tell()
        f.seek(0)
        try:
            store = TarStore(f, length, "archive")
        except ImageError as e:
            raise ImageError("cannot read the archive (not an image, or corrupt): %s" % e)
        self.plan = plan_store(store, self.image, self.platform, "tar")
        return self

    def layers(self):
        """Decode every layer, verifying digests, sizes and diff_ids; yields LayerData."""
        plan = self.plan
        for i, ref in enumerate(plan.layers):
            label = "layer %d (%s)" % (i, ref.name)
            expect_diff = plan.diff_ids[i] if plan.diff_ids is not None else None
            with plan.store.open(ref.name) as raw:
                ld = decode_layer(raw, label, ref.expect_digest, ref.expect_size, expect_diff)
            ld.media_type = ref.media_type
            if ref.media_type:
                mt = ref.media_type
                expect = "zstd" if "zstd" in mt else "gzip" if "gzip" in mt else "none"
                if expect != ld.compression:
                    plan.diagnostics.append("%s: media type %s but the blob is %s"
                                            % (label, mt, ld.compression))
            yield ld

    def __exit__(self, *exc):
        for f in self._files:
            try:
                f.close()
            except OSError:
                pass
        return False


def analyze(path, image=None, platform=None):
    """The oracle's report for one image (raises ImageError)."""
    plan, layer_datas = load_layers(path, image, platform)
    return build_report(plan, layer_datas)


def build_report(plan, layer_datas):
    """The report from decoded layers (see load_layers)."""
    diagnostics = list(plan.diagnostics)
    layers, final_files, final_bytes = merge_layers(layer_datas, diagnostics)
    return {
        "totals": {
            "layers": len(layers),
            "compressed_bytes": sum(l["compressed_bytes"] for l in layers),
            "tar_bytes": sum(l["tar_bytes"] for l in layers),
            "content_bytes": sum(l["content_bytes"] for l in layers),
            "final_bytes": final_bytes,
            "files": final_files,
        },
        "layers": layers,
        "source": {"format": plan.format, "selected": plan.selected},
        "diagnostics": diagnostics,
    }


def load_layers(path, image=None, platform=None):
    """(plan, [LayerData]) for other oracles (dive_metrics)."""
    with OpenedImage(path, image, platform) as img:
        return img.plan, list(img.layers())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image_path", metavar="IMAGE")
    ap.add_argument("--image", metavar="NAME:TAG", help="pick an image of a multi-image save")
    ap.add_argument("--platform", metavar="os/arch[/variant]")
    args = ap.parse_args(argv)
    try:
        result = analyze(args.image_path, args.image, args.platform)
    except ImageError as e:
        print(json.dumps({"error": str(e)}))
        return 3
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
