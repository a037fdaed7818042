#!/usr/bin/env python3
"""diff_oracle: the expected result of `layerscope diff`, computed independently.

What: reads both images with the conformance oracle (tests/oracle/oracle.py: Python's
`tarfile`, digests verified), replays each image's layers itself (OCI layer.md: whiteouts
and opaque markers apply to the lower layers first, then the layer's entries in tar order),
and compares the two final trees: the regular-file bytes under every directory, and every
regular file added, removed, grown or shrunk. Hardlinks, symlinks and other entries carry no
bytes, as in the analyzer's accounting.

Why: the diff must name every changed directory with exact byte deltas; this computes them
from the tar streams without any of layerscope's code. Files whose size stayed the same but
whose bytes changed are not reported here (the oracle does not hash file contents).

Usage: diff_oracle.py OLD NEW  -> JSON {"directories": {path: [old, new]}, "files": {...}}
"""

import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "oracle"))
import oracle  # noqa: E402


def final_tree(path, image=None):
    _plan, layer_datas = oracle.load_layers(path, image)
    root = oracle.Node("dir")
    for ld in layer_datas:
        markers = [e for e in ld.entries if e.path != "" and oracle.is_marker(e)]
        for m in markers:
            d, base = oracle.split_path(m.path)
            if base == ".wh..wh..opq":
                target = oracle.lookup(root, d)
                if target is not None and target.kind == "dir":
                    target.children.clear()
                continue
            name = base[4:]
            if name in ("", ".", ".."):
                continue
            parent = oracle.lookup(root, d)
            if parent is not None and parent.kind == "dir":
                parent.children.pop(name, None)
        for e in ld.entries:
            if e.path == "" or oracle.is_marker(e):
                continue
            oracle.add_entry(root, e)
    return root


def regular_files(root):
    """{"/a/b": size} for every regular file of the tree."""
    out = {}
    stack = [("", root)]
    while stack:
        prefix, node = stack.pop()
        for name, child in node.children.items():
            p = prefix + "/" + name
            if child.kind == "file":
                out[p] = child.size
            elif child.kind == "dir":
                stack.append((p, child))
    return out


def dir_bytes(files):
    """{"/": total, "/a": bytes under /a, ...}: only directories that hold a file."""
    out = {"/": 0}
    for p, size in files.items():
        out["/"] += size
        parts = p.split("/")[1:-1]
        for i in range(1, len(parts) + 1):
            d = "/" + "/".join(parts[:i])
            out[d] = out.get(d, 0) + size
    return out


def diff(old_path, new_path):
    fo = regular_files(final_tree(old_path))
    fn = regular_files(final_tree(new_path))
    do, dn = dir_bytes(fo), dir_bytes(fn)
    dirs = {}
    for d in set(do) | set(dn):
        a, b = do.get(d, 0), dn.get(d, 0)
        if a != b:
            dirs[d] = [a, b]
    files = {}
    for p in set(fo) | set(fn):
        a, b = fo.get(p), fn.get(p)
        if a is None:
            files[p] = ["added", 0, b]
        elif b is None:
            files[p] = ["removed", a, 0]
        elif b > a:
            files[p] = ["grown", a, b]
        elif b < a:
            files[p] = ["shrunk", a, b]
    return {"directories": dirs, "files": files,
            "final_bytes": [sum(fo.values()), sum(fn.values())]}


if __name__ == "__main__":
    print(json.dumps(diff(sys.argv[1], sys.argv[2]), indent=1, sort_keys=True))
