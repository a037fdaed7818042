#!/usr/bin/env python3
"""dive-compatible efficiency metrics, computed independently: the reference for layerscope's
`efficiency` object.

What: dive (wagoodman/dive v0.13.1) gates CI on three numbers -- efficiency, wasted bytes and
user wasted percent.  This module recomputes them, plus dive's image / user / per-layer sizes
and its list of inefficient paths, from the image files alone (via oracle.py's reader), exactly
as /work/shared/DIVE-COMPAT.md ("dive compatibility: what its numbers mean") defines them.

Why: layerscope promises the same float and the same verdict as dive, so the conformance test
needs a second implementation written from that description.

The rules, in short (DIVE-COMPAT.md is authoritative):
  * layer size = sum of the size of every tar entry, where only regular files that are not
    whiteout markers have a size; image size = sum; user size = sum over layers 1..n-1.
  * each layer has its own tree: names cleaned, `.` skipped, missing parents implicit (size 0,
    not a directory); a `.wh.NAME` entry is a node (keyed `.wh.NAME`) standing for path NAME;
    an opaque marker `.wh..wh..opq` is not a node (its missing parents still are).
  * the walk visits, layer by layer, the leaves of that layer's own tree depth-first, children
    before parents, siblings in byte order of their key.  A leaf's size is its entry size, or for
    a whiteout the size of what it hides in the stack of the layers below: a directory there
    counts its whole subtree (itself included), anything else 0.  A whiteout whose target is
    missing counts 0 and the walk carries on (dive stops visiting that layer instead: a bug we
    deliberately do not copy; a diagnostic records it).
  * per path: count, cumulative, min.  efficiency = sum(min) / sum(cumulative) (1.0 when the
    denominator is 0); inefficient paths = count >= 2; wasted = sum of their cumulative;
    user wasted percent = wasted / user size (0/0 = NaN -> JSON null, x/0 = +Inf -> "+Inf").

Usage: dive_metrics.py IMAGE [--image NAME:TAG] [--platform os/arch[/variant]]
"""

import argparse
import json
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import oracle  # noqa: E402  (image reading and tar listing only)

WHITEOUT = ".wh."
DOUBLE_WHITEOUT = ".wh..wh.."


class DNode:
    __slots__ = ("key", "parent", "size", "is_dir", "children")

    def __init__(self, key, parent, size=0, is_dir=False):
        self.key = key
        self.parent = parent
        self.size = size
        self.is_dir = is_dir
        self.children = {}

    def is_whiteout(self):
        return self.key.startswith(WHITEOUT)

    def path(self):
        names = []
        node = self
        while node.parent is not None:
            names.append(node.key)
            node = node.parent
        if names and names[0].startswith(WHITEOUT):
            names[0] = names[0][len(WHITEOUT):]  # the prefix is fictitious on the node itself
        return "/" + "/".join(reversed(names))

    def copy(self, parent):
        n = DNode(self.key, parent, self.size, self.is_dir)
        for k, ch in self.children.items():
            n.children[k] = ch.copy(n)
        return n


def sorted_children(node):
    return [node.children[k] for k in sorted(node.children, key=lambda k: k.encode("utf-8", "surrogateescape"))]


def visit_child_first(node, fn, leaves_only=False, include_self=True):
    """Depth-first, children before parent, siblings in byte order; the tree root is never
    visited (call with include_self=False for it)."""
    stack = [(node, False)]
    while stack:
        cur, expanded = stack.pop()
        if expanded:
            if cur is node and not include_self:
                continue
            if not leaves_only or not cur.children:
                fn(cur)
            continue
        stack.append((cur, True))
        for ch in reversed(sorted_children(cur)):
            stack.append((ch, False))


def add_path(root, comps, size, is_dir, implicit=False):
    """Add or replace the node at comps, keeping its children; create missing parents as
    implicit nodes; a missing component named `.wh..wh..*` (opaque marker) stops the add."""
    node = root
    last = len(comps) - 1
    for i, name in enumerate(comps):
        ch = node.children.get(name)
        if ch is None:
            if name.startswith(DOUBLE_WHITEOUT):
                return None
            ch = DNode(name, node)
            node.children[name] = ch
        node = ch
        if i == last:
            node.size = 0 if implicit else size
            node.is_dir = False if implicit else is_dir
    return node


def get_node(root, comps):
    node = root
    for name in comps:
        node = node.children.get(name)
        if node is None:
            return None
    return node


def node_comps(node):
    """The components of node.path() (whiteout prefix trimmed on the node itself)."""
    p = node.path().strip("/")
    return [c for c in p.split("/") if c]


def entry_size(e):
    base = e.path.rsplit("/", 1)[-1]
    if e.isreg and not base.startswith(WHITEOUT):
        return e.size
    return 0


def layer_tree(entries):
    root = DNode("", None, 0, True)
    for e in entries:
        if e.path == "":
            continue
        add_path(root, e.path.split("/"), entry_size(e), e.isdir)
    return root


def stack_onto(stacked, upper):
    """Stack a layer's tree on the stack of the layers below (all nodes, child-first)."""

    def graft(node):
        comps = node_comps(node)
        if node.is_whiteout():
            target = get_node(stacked, comps)
            if target is not None and target.parent is not None:
                del target.parent.children[target.key]
        else:
            add_path(stacked, comps, node.size, node.is_dir)

    visit_child_first(upper, graft, include_self=False)


def subtree_size(node):
    total = [0]

    def add(n):
        total[0] += n.size

    visit_child_first(node, add)
    return total[0]


def compute(layer_entries):
    """layer_entries: one list of oracle.Entry per layer, base first."""
    diagnostics = []
    layer_bytes = [sum(entry_size(e) for e in entries) for entries in layer_entries]
    trees = [layer_tree(entries) for entries in layer_entries]
    records = {}  # path -> [count, cumulative, min]
    stacked = None  # stack of layers 0..i-1 (dive starts it from a copy of layer 0's tree)

    for i, tree in enumerate(trees):
        def visit(node, i=i):
            path = node.path()
            rec = records.get(path)
            if rec is None:
                rec = records[path] = [0, 0, -1]
            if node.is_whiteout():
                target = get_node(stacked, node_comps(node)) if stacked is not None else None
                if target is None:
                    diagnostics.append("layer %d: whiteout %s: no such path below (counted 0; "
                                       "dive would stop visiting this layer)" % (i, path))
                    size = 0
                elif target.is_dir:
                    size = subtree_size(target)
                else:
                    size = 0
            else:
                size = node.size
            rec[0] += 1
            rec[1] += size
            if rec[2] < 0 or size < rec[2]:
                rec[2] = size

        visit_child_first(tree, visit, leaves_only=True, include_self=False)
        if stacked is None:
            stacked = tree.copy(None)
        stack_onto(stacked, tree)

    sum_min = sum(r[2] for r in records.values())
    sum_cum = sum(r[1] for r in records.values())
    score = 1.0 if sum_cum == 0 else float(sum_min) / float(sum_cum)
    ineff = [(p, r[1], r[0]) for p, r in records.items() if r[0] >= 2]
    ineff.sort(key=lambda t: (-t[1], t[0].encode("utf-8", "surrogateescape")))
    wasted = sum(t[1] for t in ineff)
    image_bytes = sum(layer_bytes)
    user_bytes = sum(layer_bytes[1:])
    if user_bytes == 0:
        uwp = math.nan if wasted == 0 else math.inf
    else:
        uwp = float(wasted) / float(user_bytes)
    return {
        "score": score,
        "wasted_bytes": wasted,
        "user_wasted_percent": uwp,
        "image_bytes": image_bytes,
        "user_bytes": user_bytes,
        "layer_bytes": layer_bytes,
        "inefficient_paths": [{"path": p, "cumulative_bytes": c, "count": n} for p, c, n in ineff],
    }, diagnostics


def to_json_value(eff):
    """NaN -> None (JSON null), +Inf -> "+Inf", as layerscope's JSON encodes them."""
    out = dict(eff)
    v = out["user_wasted_percent"]
    if isinstance(v, float) and math.isnan(v):
        out["user_wasted_percent"] = None
    elif isinstance(v, float) and math.isinf(v):
        out["user_wasted_percent"] = "+Inf" if v > 0 else "-Inf"
    return out


def metrics(path, image=None, platform=None):
    """(efficiency dict with float NaN/Inf, diagnostics) for one image; raises oracle.ImageError."""
    _plan, layers = oracle.load_layers(path, image, platform)
    return compute([ld.entries for ld in layers])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("image_path", metavar="IMAGE")
    ap.add_argument("--image", metavar="NAME:TAG")
    ap.add_argument("--platform", metavar="os/arch[/variant]")
    args = ap.parse_args(argv)
    try:
        eff, diags = metrics(args.image_path, args.image, args.platform)
    except oracle.ImageError as e:
        print(json.dumps({"error": str(e)}))
        return 3
    print(json.dumps({"efficiency": to_json_value(eff), "diagnostics": diags}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
