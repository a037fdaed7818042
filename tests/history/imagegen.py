#!/usr/bin/env python3
"""imagegen: tiny deterministic docker-save archives for the history tests (stdlib only).

What: `write_docker_archive(path, tag, layers)` writes the legacy `docker save` layout
(moby image/tarexport: `manifest.json`, `<config sha256>.json`, `<v1 id>/layer.tar`) with
uncompressed layer tars. Every tar entry has mtime 0, uid/gid 0 and sorted names, so the
same layer spec always gives the same bytes and therefore the same diff_id: a base layer
written into two builds is one shared layer, exactly like a real cached base.

Why: the trend test needs 20+ builds whose sizes are planted to the byte, and the kill test
a small image to record over and over; neither should depend on docker or the network.
"""

import hashlib
import io
import json
import tarfile


def content(seed, size):
    """`size` deterministic bytes that differ per seed (SHAKE-256 stream)."""
    return hashlib.shake_256(seed.encode()).digest(size) if size else b""


def _tar(entries):
    """entries: [(path, bytes)] -> tar bytes with parent directories, sorted, mtime 0."""
    buf = io.BytesIO()
    dirs = set()
    for path, _ in entries:
        parts = path.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    items = [(d, None) for d in dirs] + list(entries)
    items.sort(key=lambda x: x[0])
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tf:
        for path, data in items:
            ti = tarfile.TarInfo(path)
            ti.mtime = 0
            ti.uid = ti.gid = 0
            ti.uname = ti.gname = ""
            if data is None:
                ti.type = tarfile.DIRTYPE
                ti.mode = 0o755
                tf.addfile(ti)
            else:
                ti.mode = 0o644
                ti.size = len(data)
                tf.addfile(ti, io.BytesIO(data))
    return buf.getvalue()


def _add(tf, name, data):
    ti = tarfile.TarInfo(name)
    ti.mtime = 0
    ti.mode = 0o644
    ti.size = len(data)
    tf.addfile(ti, io.BytesIO(data))


def write_docker_archive(path, tag, layers):
    """layers: [{"created_by": str, "files": [(path, bytes)]}] -> writes `path`.

    Returns {"diff_ids": [...], "content_bytes": int} for the test's own bookkeeping.
    """
    tars = [_tar(l["files"]) for l in layers]
    diff_ids = ["sha256:" + hashlib.sha256(t).hexdigest() for t in tars]
    config = {
        "architecture": "amd64",
        "os": "linux",
        "created": "1970-01-01T00:00:00Z",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
        "history": [{"created": "1970-01-01T00:00:00Z", "created_by": l["created_by"]} for l in layers],
    }
    config_bytes = json.dumps(config, sort_keys=True, separators=(",", ":")).encode()
    config_name = hashlib.sha256(config_bytes).hexdigest() + ".json"
    layer_names = []
    parent = ""
    for d in diff_ids:
        v1 = hashlib.sha256((parent + d).encode()).hexdigest()
        layer_names.append(v1 + "/layer.tar")
        parent = v1
    manifest = [{"Config": config_name, "RepoTags": [tag], "Layers": layer_names}]
    with open(path, "wb") as f, tarfile.open(fileobj=f, mode="w", format=tarfile.PAX_FORMAT) as out:
        for name, t in sorted(zip(layer_names, tars)):
            _add(out, name, t)
        _add(out, config_name, config_bytes)
        _add(out, "manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
    return {
        "diff_ids": diff_ids,
        "content_bytes": sum(len(data) for l in layers for _, data in l["files"]),
    }
