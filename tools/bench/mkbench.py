#!/usr/bin/env python3
"""Builds the benchmark images of tools/bench.sh from this machine's /usr, outside the repo.

Files are taken from /usr in sorted order and cut into layers of the requested sizes; tar
streams are written by GNU tar with fixed owners and mtimes, compressed by pigz -6 (gzip)
or zstd -3, and wrapped as real images (an OCI layout, or a docker-save archive), so the
same machine always produces the same images. A machine whose /usr holds fewer bytes than
the cases need (about 4 GB) gets its /usr again under usr-copy1/, usr-copy2/, ..., so every
image has the size its case names. Nothing here is part of the product.
"""
import hashlib
import json
import os
import subprocess
import sys
import tarfile

MB = 1000 * 1000


def usr_files():
    """(name in the tar, size) of every readable regular file under /usr, in sorted order,
    endlessly: pass k > 0 names them usr-copy<k>/... (see LINKS)."""
    listing = []
    for dirpath, dirnames, filenames in os.walk("/usr"):
        dirnames.sort()
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not os.path.isfile(path) or os.path.islink(path) or not os.access(path, os.R_OK):
                continue
            listing.append((path[len("/usr/"):], st.st_size))
    if not sum(size for _, size in listing):
        sys.exit("mkbench: /usr has no readable file content to build images from")
    npass = 0
    while True:
        prefix = "usr" if npass == 0 else "usr-copy%d" % npass
        for rel, size in listing:
            yield prefix + "/" + rel, size
        npass += 1


def collect_files(limit_bytes, skip=0):
    """Files in usr_files() order worth `limit_bytes`, after skipping `skip` bytes' worth."""
    out, total, seen = [], 0, 0
    for name, size in usr_files():
        if seen < skip:
            seen += size
            continue
        out.append(name)
        total += size
        if total >= limit_bytes:
            return out, total


# GNU tar reads every file through a directory of symlinks to /usr (usr, usr-copy1, ...):
# the kernel follows the link in the middle of a path, so the tar holds regular files named
# usr/... as if read from /, and the copies under their own names.
LINKS = "/tmp/layerscope-mkbench-links"


def write_tar(files, dest):
    os.makedirs(LINKS, exist_ok=True)
    for top in sorted({f.split("/", 1)[0] for f in files}):
        link = os.path.join(LINKS, top)
        if not os.path.islink(link):
            try:
                os.symlink("/usr", link)
            except FileExistsError:  # another mkbench made it meanwhile
                pass
    listing = dest + ".list"
    with open(listing, "w") as f:
        for p in files:
            f.write(p + "\n")
    subprocess.run(["tar", "-C", LINKS, "-cf", dest, "--no-recursion", "--files-from", listing, "--mtime=@0",
                    "--owner=0", "--group=0", "--numeric-owner", "--format=pax",
                    "--pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime"], check=True)
    os.unlink(listing)


def compress(src, how):
    if how == "gzip":
        dst = src + ".gz"
        with open(dst, "wb") as out:
            subprocess.run(["pigz", "-6", "-n", "-c", src], stdout=out, check=True)
    elif how == "zstd":
        dst = src + ".zst"
        subprocess.run(["zstd", "-3", "-q", "-f", "-T0", "--no-progress", src, "-o", dst], check=True)
    else:
        return src
    return dst


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 22), b""):
            h.update(chunk)
    return h.hexdigest()


def put_blob(layout, path_or_bytes):
    blobs = os.path.join(layout, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    if isinstance(path_or_bytes, bytes):
        digest = hashlib.sha256(path_or_bytes).hexdigest()
        with open(os.path.join(blobs, digest), "wb") as f:
            f.write(path_or_bytes)
        return digest, len(path_or_bytes)
    digest = sha256_file(path_or_bytes)
    os.replace(path_or_bytes, os.path.join(blobs, digest))
    return digest, os.path.getsize(os.path.join(blobs, digest))


def config_for(diff_ids):
    return json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                       "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d for d in diff_ids]},
                       "history": [{"created_by": "/bin/sh -c #(nop) ADD layer%d" % i} for i in range(len(diff_ids))]},
                      sort_keys=True).encode()


def oci_image(out_dir, layer_sizes_mb, how, skip=0):
    os.makedirs(out_dir, exist_ok=True)
    descs, diff_ids = [], []
    for i, size in enumerate(layer_sizes_mb):
        files, total = collect_files(size * MB, skip)
        skip += total
        tar_path = os.path.join(out_dir, "layer%d.tar" % i)
        write_tar(files, tar_path)
        diff_ids.append(sha256_file(tar_path))
        blob = compress(tar_path, how)
        if blob != tar_path:
            os.unlink(tar_path)
        digest, size_b = put_blob(out_dir, blob)
        mt = "application/vnd.oci.image.layer.v1.tar" + {"gzip": "+gzip", "zstd": "+zstd"}.get(how, "")
        descs.append({"mediaType": mt, "digest": "sha256:" + digest, "size": size_b})
    cfg = config_for(diff_ids)
    cd, cs = put_blob(out_dir, cfg)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": "sha256:" + cd, "size": cs}, "layers": descs}).encode()
    md, ms = put_blob(out_dir, manifest)
    with open(os.path.join(out_dir, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                      "digest": "sha256:" + md, "size": ms}]}, f)


def many_small_and_some_large(n_small, total_bytes, small_below=64 * 1024, large_from=1 << 20):
    """A bloated application image's shape: `n_small` files under 64 KiB (sources, .pyc,
    metadata) and large files (libraries, models) until `total_bytes`, from usr_files()."""
    small, large, bytes_small, bytes_large = [], [], 0, 0
    for name, size in usr_files():
        if size < small_below and len(small) < n_small:
            small.append(name)
            bytes_small += size
        elif size >= large_from and bytes_small + bytes_large < total_bytes:
            large.append(name)
            bytes_large += size
        if len(small) >= n_small and bytes_small + bytes_large >= total_bytes:
            return small, large


def docker_save_files(out_path, n_layers, n_small, total_bytes):
    """A docker-save of `n_layers` layers sharing the files of many_small_and_some_large;
    earlier layers get more of both, as base layers usually do."""
    small, large = many_small_and_some_large(n_small, total_bytes)
    weights = list(range(n_layers, 0, -1))
    def deal(items):
        out, start = [], 0
        for w in weights:
            n = len(items) * w // sum(weights)
            out.append(items[start:start + n])
            start += n
        out[0] += items[start:]
        return out
    per_layer = [sorted(a + b) for a, b in zip(deal(small), deal(large))]
    docker_save(out_path, per_layer)


def docker_save(out_path, layers):
    work = out_path + ".d"
    os.makedirs(work, exist_ok=True)
    names, diff_ids = [], []
    for i, files in enumerate(layers):
        tar_path = os.path.join(work, "layer%d.tar" % i)
        write_tar(files, tar_path)
        d = sha256_file(tar_path)
        os.makedirs(os.path.join(work, d), exist_ok=True)
        os.replace(tar_path, os.path.join(work, d, "layer.tar"))
        names.append(d + "/layer.tar")
        diff_ids.append(d)
    cfg = config_for(diff_ids)
    cd = hashlib.sha256(cfg).hexdigest()
    with open(os.path.join(work, cd + ".json"), "wb") as f:
        f.write(cfg)
    with open(os.path.join(work, "manifest.json"), "w") as f:
        json.dump([{"Config": cd + ".json", "RepoTags": ["bench:latest"], "Layers": names}], f)
    members = ["manifest.json", cd + ".json"] + names
    subprocess.run(["tar", "-C", work, "-cf", out_path, "--mtime=@0", "--owner=0", "--group=0", "--numeric-owner"]
                   + members, check=True)
    subprocess.run(["rm", "-rf", work], check=True)


def many_files(out_dir, count):
    """One uncompressed layer of `count` empty files, 1000 per directory: memory per entry."""
    os.makedirs(out_dir, exist_ok=True)
    tar_path = os.path.join(out_dir, "layer0.tar")
    with tarfile.open(tar_path, "w", format=tarfile.PAX_FORMAT) as t:
        for i in range(count):
            info = tarfile.TarInfo("srv/d%04d/file-%07d.txt" % (i // 1000, i))
            info.mtime = 0
            t.addfile(info)
    diff_id = sha256_file(tar_path)
    digest, size_b = put_blob(out_dir, tar_path)
    cfg = config_for([diff_id])
    cd, cs = put_blob(out_dir, cfg)
    manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                      "digest": "sha256:" + cd, "size": cs},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar",
                                       "digest": "sha256:" + digest, "size": size_b}]}).encode()
    md, ms = put_blob(out_dir, manifest)
    with open(os.path.join(out_dir, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(out_dir, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
                                                      "digest": "sha256:" + md, "size": ms}]}, f)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    cases = {
        "single-gzip": lambda p: oci_image(p, [2000], "gzip"),
        "single-zstd": lambda p: oci_image(p, [2000], "zstd"),
        "multi-gzip": lambda p: oci_image(p, [700, 450, 350, 250, 150, 100], "gzip", skip=2100 * MB),
        "save-9layer-40k.tar": lambda p: docker_save_files(p, 9, 40_000, 1100 * MB),
        "files-100k": lambda p: many_files(p, 100_000),
        "files-400k": lambda p: many_files(p, 400_000),
    }
    for name, make in cases.items():
        path = os.path.join(out, name)
        if os.path.exists(path):
            continue
        print("building", path, flush=True)
        make(path)


if __name__ == "__main__":
    main()
