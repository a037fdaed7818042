#!/usr/bin/env python3
"""Same bytes out at any -j, on layers large enough to matter.

The sample images are small: every compressed layer fits one decoder input window, so they
cannot show a report that depends on how the decoder was driven (the compressed-cost
estimates come from checkpoints taken between decoder reads, and -j1 runs without the async
stages). This builds an OCI layout whose gzip and zstd layers each span dozens of input
windows and output chunks (seeded pseudo-random text, so it is the same on every machine),
and requires byte-identical JSON and text reports at -j1, -j2 and -j8.

usage: determinism_large.py LAYERSCOPE
"""
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import tempfile

WORDS = ("layer image tar gzip zstd digest manifest config python wheel cache apt lists site "
         "packages uvicorn celery fastapi dockerfile copy run user health check bloat").split()


def layer_tar(seed, files):
    """A tar of `files` text files of varied size, built with the stdlib (not the code under test)."""
    rng = random.Random(seed)
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as t:
        for i in range(files):
            size = rng.choice((200, 3000, 40000, 250000))
            words = []
            total = 0
            while total < size:
                w = rng.choice(WORDS) if rng.random() < 0.9 else "%08x" % rng.getrandbits(32)
                words.append(w)
                total += len(w) + 1
            data = " ".join(words).encode()[:size]
            info = tarfile.TarInfo("srv/app/d%02d/f%04d.txt" % (i % 17, i))
            info.size, info.mtime, info.mode = len(data), 0, 0o644
            t.addfile(info, io.BytesIO(data))
    return out.getvalue()


def put(root, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(root, "blobs", "sha256", digest), "wb") as f:
        f.write(data)
    return "sha256:" + digest


def build(root):
    os.makedirs(os.path.join(root, "blobs", "sha256"))
    tars = [layer_tar(1, 240), layer_tar(2, 240), layer_tar(3, 60)]
    blobs = [(gzip.compress(tars[0], compresslevel=6, mtime=0), "+gzip")]
    if shutil.which("zstd"):
        z = subprocess.run(["zstd", "-q", "-3", "-c"], input=tars[1], capture_output=True, check=True).stdout
        blobs.append((z, "+zstd"))
    else:
        print("zstd not on PATH: the zstd layer is gzip instead")
        blobs.append((gzip.compress(tars[1], compresslevel=1, mtime=0), "+gzip"))
    blobs.append((tars[2], ""))
    cfg = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                      "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(t).hexdigest()
                                                                for t in tars]}}).encode()
    layers = [{"mediaType": "application/vnd.oci.image.layer.v1.tar" + suffix, "digest": put(root, b),
               "size": len(b)} for b, suffix in blobs]
    man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                      "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                 "digest": put(root, cfg), "size": len(cfg)}, "layers": layers}).encode()
    with open(os.path.join(root, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                      "digest": put(root, man), "size": len(man)}]}, f)
    with open(os.path.join(root, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    return [len(b) for b, _ in blobs], [len(t) for t in tars]


def main():
    ls = sys.argv[1]
    tmp = tempfile.mkdtemp()
    try:
        root = os.path.join(tmp, "img")
        stored, tars = build(root)
        print("layers stored %s bytes, tar %s bytes" % (stored, tars))
        failures = 0
        for fmt in ("json", "text"):
            outs = {}
            for j in ("1", "2", "8"):
                r = subprocess.run([ls, "analyze", "--no-cache", "--format", fmt, "-j" + j, root],
                                   capture_output=True, timeout=300)
                if r.returncode not in (0, 1):
                    print("FAIL -j%s %s: exit %d: %s" % (j, fmt, r.returncode, r.stderr.decode(errors="replace")))
                    return 1
                outs[j] = r.stdout
            same = outs["1"] == outs["2"] == outs["8"]
            print("%s %s at -j1/-j2/-j8" % ("ok  " if same else "FAIL", fmt))
            failures += not same
        if failures:
            return 1
        # The compared reports do carry the estimates that depend on the decoder's checkpoints.
        rep = json.loads(subprocess.run([ls, "analyze", "--no-cache", "--format", "json", root],
                                        capture_output=True, check=False).stdout)
        total = rep["totals"]["compressed_bytes"]
        ests = [d.get("compressed_bytes_est") for d in rep["largest_directories"]]
        print("compressed_bytes_est of the largest directories:", ests[:5], "of", total)
        if not ests or not all(isinstance(e, int) and 0 < e <= total for e in ests):
            print("FAIL directory estimates missing or out of range")
            return 1
        return 0
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    sys.exit(main())
