#!/usr/bin/env python3
"""Self-check of the test oracles (stdlib unittest).

* dive_metrics reproduces every value that dive's own test-suite asserts for
  peer-images/dive/test-docker-image.tar (quoted in shared/DIVE-COMPAT.md).
* oracle.py agrees with GNU `tar -tv`, `sha256sum`, `gzip -dc` and `zstd -dc` on shared images,
  and rejects the shared negative cases.
* oracle.py's whiteout semantics and its strictness (digest, truncation, header checksum,
  compression, JSON) on small images built here in a temporary directory.

Shared material is found at $LAYERSCOPE_SHARED, else <repo>/../shared; tests needing it are
skipped when it is absent.  Run:  python3 -m unittest discover -s tests/oracle -p 'test_*.py'
"""

import gzip
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import dive_metrics  # noqa: E402
import oracle  # noqa: E402

SHARED = os.environ.get("LAYERSCOPE_SHARED") or os.path.join(REPO, "..", "shared")
HAVE_SHARED = os.path.isdir(os.path.join(SHARED, "peer-images")) and \
    os.path.isdir(os.path.join(SHARED, "images"))
HAVE_ZSTD = shutil.which("zstd") is not None
HAVE_TAR = shutil.which("tar") is not None


def shared(*parts):
    return os.path.join(SHARED, *parts)


def run(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, check=True).stdout


def gnu_tar_listing(data):
    """(entries, regular files incl. markers, their bytes, marker count) from `tar -tv`."""
    out = run(["tar", "--quoting-style=literal", "-tvf", "-"], stdin=data).decode("utf-8", "replace")
    entries = reg = size = markers = 0
    for line in out.splitlines():
        if not line.strip():
            continue
        entries += 1
        fields = line.split()
        if line[0] == "-":
            reg += 1
            size += int(fields[2])
            name = " ".join(fields[5:])  # mode, owner, size, date, time, name
            if name.rstrip("/").rsplit("/", 1)[-1].startswith(".wh."):
                markers += 1
    return entries, reg, size, markers


# ------------------------------------------------------------------------------------------
@unittest.skipUnless(HAVE_SHARED, "shared material absent")
class DiveSelfCheck(unittest.TestCase):
    """The values DIVE-COMPAT.md quotes from dive's own test-suite."""

    @classmethod
    def setUpClass(cls):
        cls.eff, cls.diags = dive_metrics.metrics(shared("peer-images", "dive", "test-docker-image.tar"))

    def test_efficiency_exact_float(self):
        self.assertEqual(self.eff["score"], 0.9844212134184309)

    def test_sizes(self):
        self.assertEqual(self.eff["image_bytes"], 1220598)
        self.assertEqual(self.eff["user_bytes"], 66237)
        self.assertEqual(self.eff["wasted_bytes"], 32025)

    def test_user_wasted_percent(self):
        self.assertEqual(self.eff["user_wasted_percent"], 0.4834911001404049)

    def test_inefficient_files(self):
        got = {(p["path"], p["cumulative_bytes"], p["count"]) for p in self.eff["inefficient_paths"]}
        self.assertEqual(got, {("/root/saved.txt", 12810, 2),
                               ("/root/example/somefile1.txt", 12810, 2),
                               ("/root/example/somefile3.txt", 6405, 2)})
        # sorted by cumulative desc, ties by path
        self.assertEqual([p["path"] for p in self.eff["inefficient_paths"]],
                         ["/root/example/somefile1.txt", "/root/saved.txt",
                          "/root/example/somefile3.txt"])

    def test_layer_sizes(self):
        self.assertEqual(self.eff["layer_bytes"],
                         [1154361, 6405, 0, 6405, 6405, 6405, 6405, 6405, 6405, 0, 2187, 6405,
                          6405, 6405])

    def test_no_diagnostics(self):
        self.assertEqual(self.diags, [])

    def test_missing_whiteout_target_counts_zero_and_walk_goes_on(self):
        eff, diags = dive_metrics.metrics(shared("peer-images", "synthetic", "whiteout-missing-path.tar"))
        self.assertEqual(len(diags), 1)
        paths = {p["path"]: p for p in eff["inefficient_paths"]}
        # `aaa` and `zzz` sort after `.wh.nothere`: dive stops before them, we carry on.
        self.assertEqual(paths["/aaa"]["count"], 2)
        self.assertEqual(eff["layer_bytes"][1], 31)


# ------------------------------------------------------------------------------------------
@unittest.skipUnless(HAVE_SHARED and HAVE_TAR, "shared material or GNU tar absent")
class OracleSpotChecks(unittest.TestCase):

    def test_docker_archive_against_gnu_tar_and_sha256sum(self):
        path = shared("images", "tiny.docker.tar")
        rep = oracle.analyze(path)
        manifest = json.loads(run(["tar", "-xOf", path, "manifest.json"]))
        self.assertEqual(rep["totals"]["layers"], len(manifest[0]["Layers"]))
        for i, name in enumerate(manifest[0]["Layers"]):
            data = run(["tar", "-xOf", path, name])
            lay = rep["layers"][i]
            sha = run(["sha256sum"], stdin=data).split()[0].decode()
            self.assertEqual(lay["digest"], "sha256:" + sha)
            self.assertEqual(lay["diff_id"], "sha256:" + sha)
            self.assertEqual(lay["compressed_bytes"], len(data))
            self.assertEqual(lay["tar_bytes"], len(data))
            entries, reg, size, markers = gnu_tar_listing(data)
            self.assertEqual(lay["entries"], entries, name)
            self.assertEqual(lay["files"], reg - markers, name)
            self.assertEqual(lay["content_bytes"], size, name)

    def test_oci_archive_gzip_layers_against_gzip_and_tar(self):
        path = shared("images", "tiny.oci.tar")
        rep = oracle.analyze(path)
        index = json.loads(run(["tar", "-xOf", path, "index.json"]))
        mdig = index["manifests"][0]["digest"].split(":")[1]
        manifest = json.loads(run(["tar", "-xOf", path, "blobs/sha256/" + mdig]))
        for i, desc in enumerate(manifest["layers"]):
            blob = run(["tar", "-xOf", path, "blobs/sha256/" + desc["digest"].split(":")[1]])
            lay = rep["layers"][i]
            self.assertEqual(lay["digest"], desc["digest"])
            self.assertEqual(lay["compressed_bytes"], desc["size"])
            self.assertEqual(lay["compression"], "gzip")
            plain = run(["gzip", "-dc"], stdin=blob)
            self.assertEqual(lay["tar_bytes"], len(plain))
            self.assertEqual(lay["diff_id"], "sha256:" + hashlib.sha256(plain).hexdigest())
            entries, reg, size, markers = gnu_tar_listing(plain)
            self.assertEqual((lay["entries"], lay["files"], lay["content_bytes"]),
                             (entries, reg - markers, size))

    @unittest.skipUnless(HAVE_ZSTD, "zstd absent")
    def test_zstd_chunked_same_diff_ids_as_gzip(self):
        z = oracle.analyze(shared("images", "tiny-zstdchunked-oci"))
        g = oracle.analyze(shared("images", "tiny-oci"))
        self.assertEqual([l["diff_id"] for l in z["layers"]], [l["diff_id"] for l in g["layers"]])
        self.assertEqual(z["totals"]["tar_bytes"], g["totals"]["tar_bytes"])
        for lay in z["layers"]:
            self.assertEqual(lay["compression"], "zstd")
            blob = os.path.join(shared("images", "tiny-zstdchunked-oci"), "blobs", "sha256",
                                lay["digest"].split(":")[1])
            plain = run(["zstd", "-dc", blob])
            self.assertEqual(len(plain), lay["tar_bytes"])
            self.assertEqual("sha256:" + hashlib.sha256(plain).hexdigest(), lay["diff_id"])

    def test_all_tiny_variants_agree(self):
        names = ["tiny.docker.tar", "tiny.docker.tar.gz", "tiny.oci.tar", "tiny-oci",
                 "tiny-vfs.docker.tar"] + (["tiny-zstd-oci", "tiny-zstdchunked-oci"] if HAVE_ZSTD else [])
        keys = ("layers", "tar_bytes", "content_bytes", "final_bytes", "files")
        base = oracle.analyze(shared("images", names[0]))
        for n in names[1:]:
            rep = oracle.analyze(shared("images", n))
            self.assertEqual({k: rep["totals"][k] for k in keys},
                             {k: base["totals"][k] for k in keys}, n)
            for a, b in zip(rep["layers"], base["layers"]):
                for k in ("files", "added", "modified", "deleted"):
                    self.assertEqual(a[k], b[k], "%s layer %d %s" % (n, a["index"], k))

    def test_tiny_layer_facts_from_readme(self):
        rep = oracle.analyze(shared("images", "tiny.docker.tar"))
        l2 = rep["layers"][2]
        # /etc/motd, /srv/blob.bin, /srv/noise.bin and the 3 files of the old /opt/data
        self.assertEqual(l2["deleted"]["files"], 6)
        self.assertEqual(l2["modified"]["files"], 1)  # /etc/app.conf
        self.assertEqual(l2["added"]["files"], 1)  # /opt/data/new.txt
        self.assertEqual(rep["layers"][3]["modified"]["files"], 1)  # chmod-ed secret.txt

    def test_negative_cases(self):
        for p in (("peer-images", "dive", "test-uncompressed-image.tar"),
                  ("peer-images", "go-containerregistry", "tarball-null_manifest.tar")):
            with self.assertRaises(oracle.ImageError, msg=p[-1]):
                oracle.analyze(shared(*p))

    def test_cli_exit_codes(self):
        ok = subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"),
                             shared("peer-images", "synthetic", "overwrite-3x.tar")],
                            stdout=subprocess.PIPE)
        self.assertEqual(ok.returncode, 0)
        self.assertEqual(json.loads(ok.stdout)["totals"]["final_bytes"], 1250)
        bad = subprocess.run([sys.executable, os.path.join(HERE, "oracle.py"),
                              shared("peer-images", "go-containerregistry", "tarball-null_manifest.tar")],
                             stdout=subprocess.PIPE)
        self.assertEqual(bad.returncode, 3)
        self.assertIn("error", json.loads(bad.stdout))

    def test_symlinked_layer_and_image_choice(self):
        p = shared("peer-images", "go-containerregistry", "tarball-test_link.tar")
        first = oracle.analyze(p)
        third = oracle.analyze(p, image="bazel/v1/tarball:test_image_3")
        self.assertEqual(first["totals"]["layers"], 1)
        self.assertEqual(third["totals"]["layers"], 2)
        # layer 0 of test_image_3 is a symlink to test_image_1's layer.tar
        self.assertEqual(third["layers"][0]["digest"], first["layers"][0]["digest"])

    def test_legacy_repositories_only(self):
        rep = oracle.analyze(shared("peer-images", "go-containerregistry", "tarball-no_manifest.tar"))
        self.assertEqual(rep["source"]["format"], "docker-archive-legacy")
        self.assertEqual(rep["layers"][0]["diff_id"],
                         "sha256:fbec6100edacb7a6374f75545cfdfac2d83f74d0f5ed813645e4c3944c68c761")


# ------------------------------------------------------------------------------------------
# Small images built here


def tar_bytes(entries):
    """entries: (name, kind, payload) with kind in file/dir/symlink/hardlink."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for name, kind, payload in entries:
            ti = tarfile.TarInfo(name)
            ti.mtime = 0
            if kind == "file":
                ti.size = len(payload)
                tf.addfile(ti, io.BytesIO(payload))
                continue
            if kind == "dir":
                ti.type = tarfile.DIRTYPE
            elif kind == "symlink":
                ti.type = tarfile.SYMTYPE
                ti.linkname = payload
            elif kind == "hardlink":
                ti.type = tarfile.LNKTYPE
                ti.linkname = payload
            tf.addfile(ti)
    return buf.getvalue()


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def write_docker_save(path, layers, cfg_diff_ids=None, manifest=None, mutate=None):
    members = {}
    names = []
    for i, data in enumerate(layers):
        name = "%064x/layer.tar" % (i + 1)
        members[name] = data
        names.append(name)
    cfg = json.dumps({"rootfs": {"type": "layers",
                                 "diff_ids": cfg_diff_ids or [sha(d) for d in layers]}}).encode()
    cfg_name = hashlib.sha256(cfg).hexdigest() + ".json"
    members[cfg_name] = cfg
    if manifest is None:
        manifest = json.dumps([{"Config": cfg_name, "RepoTags": ["t:1"], "Layers": names}]).encode()
    members["manifest.json"] = manifest
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for n, d in members.items():
            ti = tarfile.TarInfo(n)
            ti.size = len(d)
            tf.addfile(ti, io.BytesIO(d))
    data = raw.getvalue()
    if mutate:
        data = mutate(data)
    with open(path, "wb") as f:
        f.write(data)


def write_oci_dir(root, blobs_plain, compress="gzip", corrupt_layer=None, skopeo_dir=False):
    os.makedirs(root)
    bdir = root if skopeo_dir else os.path.join(root, "blobs", "sha256")
    os.makedirs(bdir, exist_ok=True)

    def put(data):
        dig = sha(data)
        with open(os.path.join(bdir, dig.split(":")[1]), "wb") as f:
            f.write(data)
        return dig

    descs = []
    for plain in blobs_plain:
        if compress == "gzip":
            blob = gzip.compress(plain, mtime=0)
            mt = "application/vnd.oci.image.layer.v1.tar+gzip"
        elif compress == "zstd":
            blob = run(["zstd", "-q", "-c"], stdin=plain)
            mt = "application/vnd.oci.image.layer.v1.tar+zstd"
        else:
            blob, mt = plain, "application/vnd.oci.image.layer.v1.tar"
        descs.append({"mediaType": mt, "digest": put(blob), "size": len(blob)})
    cfg = json.dumps({"architecture": "amd64", "os": "linux",
                      "rootfs": {"type": "layers", "diff_ids": [sha(p) for p in blobs_plain]}}).encode()
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": put(cfg), "size": len(cfg)},
                      "layers": descs}).encode()
    if corrupt_layer is not None:
        p = os.path.join(bdir, descs[corrupt_layer]["digest"].split(":")[1])
        with open(p, "r+b") as f:
            f.seek(20)
            b = f.read(1)
            f.seek(20)
            f.write(bytes([b[0] ^ 0xFF]))
    if skopeo_dir:
        with open(os.path.join(root, "manifest.json"), "wb") as f:
            f.write(man)
        with open(os.path.join(root, "version"), "w") as f:
            f.write("Directory Transport Version: 1.1\n")
        return
    mdig = put(man)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion": "1.0.0"}')
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [
            {"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": mdig,
             "size": len(man), "platform": {"os": "linux", "architecture": "amd64"}}]}, f)


BASE = tar_bytes([("etc", "dir", None), ("etc/passwd", "file", b"x" * 50),
                  ("opt", "dir", None), ("opt/a", "file", b"a" * 10),
                  ("opt/sub", "dir", None), ("opt/sub/b", "file", b"b" * 20),
                  ("f", "file", b"f" * 100), ("h", "hardlink", "f"), ("l", "symlink", "f")])


class BuiltImages(unittest.TestCase):

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="oracle-selfcheck-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def p(self, name):
        return os.path.join(self.tmp, name)

    def test_whiteouts_apply_to_lower_layers_only(self):
        # the same-layer re-add comes BEFORE the whiteout in tar order and still survives
        upper = tar_bytes([("opt", "dir", None), ("opt/a", "file", b"new"),
                           ("opt/.wh.a", "file", b""), ("opt/.wh.sub", "file", b""),
                           ("etc/.wh..wh..opq", "file", b""), ("etc/group", "file", b"g" * 7),
                           (".wh.nothere", "file", b"")])
        write_docker_save(self.p("img.tar"), [BASE, upper])
        rep = oracle.analyze(self.p("img.tar"))
        l1 = rep["layers"][1]
        self.assertEqual(l1["entries"], 7)
        self.assertEqual(l1["files"], 2)
        self.assertEqual(l1["content_bytes"], 10)
        self.assertEqual(l1["modified"], {"files": 1, "bytes": 3})  # opt/a
        self.assertEqual(l1["added"], {"files": 1, "bytes": 7})  # etc/group
        # opt/a (10), opt/sub/b (20), etc/passwd (50)
        self.assertEqual(l1["deleted"], {"files": 3, "bytes": 80})
        # f 100, opt/a 3, etc/group 7; h is a hardlink node, not a regular file
        self.assertEqual(rep["totals"]["files"], 3)
        self.assertEqual(rep["totals"]["final_bytes"], 110)

    def test_file_dir_replacement_and_duplicates(self):
        l1 = tar_bytes([("f", "dir", None), ("f/in", "file", b"i" * 4),
                        ("dup", "file", b"1" * 10), ("dup", "file", b"2" * 20)])
        l2 = tar_bytes([("f", "file", b"z" * 5), ("etc", "dir", None)])
        write_docker_save(self.p("img.tar"), [BASE, l1, l2])
        rep = oracle.analyze(self.p("img.tar"))
        self.assertEqual(rep["layers"][1]["modified"], {"files": 0, "bytes": 0})
        self.assertEqual(rep["layers"][1]["added"], {"files": 3, "bytes": 34})
        self.assertEqual(rep["layers"][2]["modified"], {"files": 1, "bytes": 5})
        # etc/passwd 50, opt/a 10, opt/sub/b 20, dup 20, f 5
        self.assertEqual(rep["totals"]["final_bytes"], 105)
        self.assertEqual(rep["totals"]["files"], 5)

    def test_oci_layout_gzip_and_skopeo_dir(self):
        write_oci_dir(self.p("oci"), [BASE])
        write_oci_dir(self.p("dir"), [BASE], compress="none", skopeo_dir=True)
        a = oracle.analyze(self.p("oci"))
        b = oracle.analyze(self.p("dir"))
        self.assertEqual(a["layers"][0]["compression"], "gzip")
        self.assertEqual(b["layers"][0]["compression"], "none")
        self.assertEqual(a["layers"][0]["diff_id"], b["layers"][0]["diff_id"])
        self.assertEqual(a["totals"]["final_bytes"], 180)

    @unittest.skipUnless(HAVE_ZSTD, "zstd absent")
    def test_oci_layout_zstd(self):
        write_oci_dir(self.p("oci"), [BASE], compress="zstd")
        rep = oracle.analyze(self.p("oci"))
        self.assertEqual(rep["layers"][0]["compression"], "zstd")
        self.assertEqual(rep["layers"][0]["diff_id"], sha(BASE))

    def test_gzipped_whole_archive(self):
        write_docker_save(self.p("img.tar"), [BASE])
        with open(self.p("img.tar"), "rb") as f, open(self.p("img.bin"), "wb") as g:
            g.write(gzip.compress(f.read()))
        self.assertEqual(oracle.analyze(self.p("img.bin"))["layers"][0]["diff_id"], sha(BASE))

    def assertImageError(self, path, fragment):
        with self.assertRaises(oracle.ImageError) as cm:
            oracle.analyze(path)
        self.assertIn(fragment, str(cm.exception))

    def test_negative_cases(self):
        write_docker_save(self.p("empty.tar"), [BASE], manifest=b"[]")
        self.assertImageError(self.p("empty.tar"), "no image")
        write_docker_save(self.p("badjson.tar"), [BASE], manifest=b"[{")
        self.assertImageError(self.p("badjson.tar"), "malformed JSON")
        write_docker_save(self.p("diffid.tar"), [BASE], cfg_diff_ids=[sha(b"other")])
        self.assertImageError(self.p("diffid.tar"), "diff_id mismatch")
        missing = json.dumps([{"Config": "nope.json", "Layers": []}]).encode()
        write_docker_save(self.p("missing.tar"), [BASE], manifest=missing)
        self.assertImageError(self.p("missing.tar"), "missing")

        bad = bytearray(BASE)
        bad[512 + 148:512 + 156] = b"0000000\0"  # checksum of the layer's 2nd header
        write_docker_save(self.p("cksum.tar"), [bytes(bad)])
        self.assertImageError(self.p("cksum.tar"), "bad tar header at offset 512")

        write_docker_save(self.p("trunc.tar"), [BASE[:1024 + 100]])  # inside etc/passwd's data
        self.assertImageError(self.p("trunc.tar"), "unexpected end of data")

        write_docker_save(self.p("trunc-hdr.tar"), [BASE[:1024 + 512 + 100]])  # inside a header
        self.assertImageError(self.p("trunc-hdr.tar"), "truncated tar header")

        write_docker_save(self.p("outer-trunc.tar"), [BASE], mutate=lambda d: d[:1200])
        self.assertImageError(self.p("outer-trunc.tar"), "")

        write_oci_dir(self.p("oci-digest"), [BASE], corrupt_layer=0)
        self.assertImageError(self.p("oci-digest"), "digest mismatch")

        with open(self.p("plain-rootfs.tar"), "wb") as f:
            f.write(BASE)
        self.assertImageError(self.p("plain-rootfs.tar"), "not an image")

    def test_corrupt_gzip_layer(self):
        write_oci_dir(self.p("oci"), [BASE])

        def load(rel):
            with open(self.p(rel), "rb") as f:
                return f.read()

        def store(data):
            dig = sha(data)
            with open(self.p("oci/blobs/sha256/" + dig.split(":")[1]), "wb") as f:
                f.write(data)
            return dig

        # rewrite the layer with a wrong gzip trailer, keeping every digest consistent so that
        # only the gzip stream is wrong
        idx = json.loads(load("oci/index.json"))
        man = json.loads(load("oci/blobs/sha256/" + idx["manifests"][0]["digest"].split(":")[1]))
        blob = load("oci/blobs/sha256/" + man["layers"][0]["digest"].split(":")[1])
        bad = blob[:-8] + bytes(8)
        man["layers"][0]["digest"] = store(bad)
        mdata = json.dumps(man).encode()
        idx["manifests"][0]["digest"] = store(mdata)
        idx["manifests"][0]["size"] = len(mdata)
        with open(self.p("oci/index.json"), "w") as f:
            json.dump(idx, f)
        self.assertImageError(self.p("oci"), "corrupt gzip")

    def test_dive_metrics_on_built_image(self):
        l1 = tar_bytes([("f", "file", b"g" * 60), ("opt", "dir", None), ("opt/.wh.sub", "file", b"")])
        l2 = tar_bytes([(".wh.opt", "file", b"")])
        write_docker_save(self.p("img.tar"), [BASE, l1, l2])
        eff, diags = dive_metrics.metrics(self.p("img.tar"))
        self.assertEqual(diags, [])
        self.assertEqual(eff["layer_bytes"], [180, 60, 0])
        # /f: 100 then 60.  /opt/sub (whiteout in layer 1): a directory below holding b (20).
        # /opt (whiteout in layer 2): a directory in the stack still holding a (10).
        paths = {p["path"]: (p["cumulative_bytes"], p["count"]) for p in eff["inefficient_paths"]}
        self.assertEqual(paths, {"/f": (160, 2)})
        self.assertEqual(eff["wasted_bytes"], 160)
        # sum(min) = 50 + 10 + 20 + 60 + 0 + 0 + 20 + 10, sum(cumulative) = the same with 160 for /f
        self.assertEqual(eff["score"], 170.0 / 270.0)
        self.assertEqual(eff["user_wasted_percent"], 160.0 / 60.0)


if __name__ == "__main__":
    unittest.main()
