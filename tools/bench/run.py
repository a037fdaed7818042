#!/usr/bin/env python3
"""Runs the benchmark cases of tools/bench.sh and prints a table of medians and ratios.

Every figure is a ratio against a baseline measured in the same invocation, with the runs
of the tool and its baselines interleaved, because these machines are noisy. Peak RSS comes
from wait4()'s rusage of each child. Targets are the ones the performance issue sets.
"""
import argparse
import glob
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def run(cmd, env=None):
    """Wall seconds and peak RSS (MB) of one shell command."""
    start = time.perf_counter()
    proc = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode(errors="replace")
    proc.stderr.close()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"benchmark command failed: {cmd}\n{err}")
    return wall, usage.ru_maxrss / 1024.0


def layer_blobs(oci_dir):
    index = json.load(open(os.path.join(oci_dir, "index.json")))
    man = json.load(open(os.path.join(oci_dir, "blobs", *index["manifests"][0]["digest"].split(":"))))
    return [os.path.join(oci_dir, "blobs", *l["digest"].split(":")) for l in man["layers"]]


def gzip_isize(path):
    """Uncompressed size from the gzip trailer (ISIZE: exact below 4 GiB, as for these images)."""
    with open(path, "rb") as f:
        f.seek(-4, os.SEEK_END)
        return int.from_bytes(f.read(4), "little")


def sha256_rate():
    """Bytes per second of OpenSSL's sha256 on 1 MiB blocks already in memory: the fastest this
    machine hashes, so the floor below is a true lower bound."""
    out = subprocess.run(["openssl", "speed", "-evp", "sha256", "-bytes", "1048576", "-seconds", "2"],
                         capture_output=True, text=True, check=True).stdout.split()
    return float(out[-1].rstrip("k")) * 1000


def paired_rate(bench_binary, single_rate):
    """Bytes per second of the two streams together when layerscope pairs a blob's sha256 with
    its tar's (util/sha256_pair.h), from the micro-benchmark built beside layerscope; without
    it (or without SHA extensions) the single-stream rate, as layerscope then hashes alone."""
    if not bench_binary or not os.access(bench_binary, os.X_OK):
        return single_rate
    out = subprocess.run([bench_binary, "--benchmark_filter=BM_Sha256Paired/1048576",
                          "--benchmark_format=json", "--benchmark_min_time=1"],
                         capture_output=True, text=True)
    try:
        runs = [b for b in json.loads(out.stdout)["benchmarks"] if "bytes_per_second" in b]
        return max(single_rate, runs[0]["bytes_per_second"]) if runs else single_rate
    except (ValueError, KeyError):
        return single_rate


def verified_floor(blobs, inflate_s, sha_rate, pair_rate, cores):
    """The least wall time of any analysis that verifies digests: inflating (as long as igzip
    takes, even if it could be split perfectly over every core) plus sha256 of every blob and of
    every inflated tar (sequential by nature: one stream each; a blob's bytes hashed two streams
    at a time with as many of its tar's at `pair_rate`, the rest at `sha_rate`), all shared
    among the cores, and never less than the longest single sha256 stream."""
    sha, longest = [], []
    for b in blobs:
        blob, tar = os.path.getsize(b), gzip_isize(b)
        paired = min(blob, tar)
        sha.append(2 * paired / pair_rate + (blob + tar - 2 * paired) / sha_rate)
        longest.append(max(blob, tar) / sha_rate)
    return max(max(longest), (inflate_s + sum(sha)) / cores)


def measure(commands, runs):
    """commands: {label: cmd}; runs them interleaved; returns {label: (median_s, max_rss_mb)}."""
    times = {k: [] for k in commands}
    rss = {k: 0.0 for k in commands}
    for _ in range(runs):
        for label, cmd in commands.items():
            wall, mb = run(cmd)
            times[label].append(wall)
            rss[label] = max(rss[label], mb)
    return {k: (statistics.median(v), rss[k]) for k, v in times.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscope", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--microbench", help="layerscope_bench, for the paired sha256 rate of the floor rows")
    args = ap.parse_args()
    ls, d = args.layerscope, args.dir
    nocache = f"{ls} analyze --no-cache -o /dev/null"
    rows = []  # (case, tool, median, rss, ratio, baseline label, target)

    def report(case, results, baseline, targets):
        base = results[baseline][0]
        for label, (med, mb) in results.items():
            target = targets.get(label, "")
            ratio = med / base if base else float("nan")
            ok = ""
            if target:
                kind, limit = target
                ok = "ok" if (ratio <= limit if kind == "ratio" else med <= limit) else "MISSED"
                target = (f"<= {limit}x {baseline}" if kind == "ratio" else f"<= {limit} s") + f" {ok}"
            rows.append((case, label, med, mb, ratio, target))

    single = layer_blobs(os.path.join(d, "single-gzip"))[0]
    results = measure({
        "igzip -dc": f"igzip -dc < {single} > /dev/null",
        "layerscope": f"{nocache} {d}/single-gzip",
        "layerscope --no-verify": f"{nocache} --no-verify {d}/single-gzip",
        "bsdtar -tzf": f"bsdtar -tzf {single} > /dev/null",
        "gzip -dc": f"gzip -dc < {single} > /dev/null",
    }, args.runs)
    report("1 one 2 GB gzip layer", results, "igzip -dc", {"layerscope": ("ratio", 1.15)})
    bsd = results["bsdtar -tzf"][0]
    rows.append(("1 one 2 GB gzip layer", "layerscope vs bsdtar -tzf", results["layerscope"][0], 0,
                 results["layerscope"][0] / bsd, "<= 0.3x bsdtar -tzf " +
                 ("ok" if results["layerscope"][0] / bsd <= 0.3 else "MISSED")))
    # The floor under any analysis with digests verified: inflating (igzip's time, even if it
    # were split perfectly over every core) plus sha256 of the blob and of the inflated tar,
    # which are sequential by nature, all shared among the cores. sha256's speed comes from
    # hashing the blob; the tar's size from the gzip trailer (ISIZE; the image is < 4 GiB).
    sha_rate = sha256_rate()
    pair = paired_rate(args.microbench, sha_rate)
    cores = os.cpu_count() or 1
    floor = verified_floor([single], results["igzip -dc"][0], sha_rate, pair, cores)
    rows.append(("1 one 2 GB gzip layer", f"floor on {cores} cores, verified", floor, 0, floor / bsd,
                 f"(igzip + sha256 of blob and tar, {sha_rate / 1e9:.2f} GB/s one stream, {pair / 1e9:.2f} paired) / cores;"
                 f" 0.3x bsdtar is {0.3 * bsd:.3f} s"))

    blobs = layer_blobs(os.path.join(d, "multi-gzip"))
    sum_igzip = " && ".join(f"igzip -dc < {b} > /dev/null" for b in blobs)
    results = measure({
        "Σ igzip -dc": sum_igzip,
        "layerscope": f"{nocache} {d}/multi-gzip",
        "layerscope --no-verify": f"{nocache} --no-verify {d}/multi-gzip",
    }, args.runs)
    report(f"2 {len(blobs)} gzip layers, 2 GB", results, "Σ igzip -dc",
           {"layerscope": ("ratio", 0.85), "layerscope --no-verify": ("ratio", 0.65)})
    sigma = results["Σ igzip -dc"][0]
    floor = verified_floor(blobs, sigma, sha_rate, pair, cores)
    rows.append((f"2 {len(blobs)} gzip layers, 2 GB", f"floor on {cores} cores, verified", floor, 0, floor / sigma,
                 "(Σ igzip + sha256 of blobs and tars) / cores"))

    save = os.path.join(d, "save-9layer-40k.tar")
    cmds = {"cat > /dev/null": f"cat {save} > /dev/null", "layerscope": f"{nocache} {save}"}
    if shutil.which("dive"):
        cmds["dive"] = f"CI=true dive --ci --source docker-archive {save}"
    results = measure(cmds, args.runs)
    report("3 9-layer docker-save, 40k files", results, "cat > /dev/null", {"layerscope": ("seconds", 2.0)})

    zst = layer_blobs(os.path.join(d, "single-zstd"))[0]
    results = measure({"zstd -dc": f"zstd -dc < {zst} > /dev/null", "layerscope": f"{nocache} {d}/single-zstd"},
                      args.runs)
    report("4 one 2 GB zstd layer", results, "zstd -dc", {"layerscope": ("ratio", 1.15)})

    # Memory grows with the number of entries, not their bytes: the RSS difference between
    # 400,000 and 100,000 empty files, per extra entry.
    results = measure({"layerscope 100k files": f"{nocache} {d}/files-100k",
                       "layerscope 400k files": f"{nocache} {d}/files-400k"}, args.runs)
    (t1, m1), (t4, m4) = results["layerscope 100k files"], results["layerscope 400k files"]
    per_entry = (m4 - m1) * 1e6 / 300_000
    rows.append(("5 memory per file entry", "layerscope 100k files", t1, m1, 1.0, ""))
    rows.append(("5 memory per file entry", "layerscope 400k files", t4, m4, t4 / t1,
                 f"{per_entry:.0f} bytes of RSS per extra entry"))

    cache = os.path.join(d, "cache")
    cold, warm = [], []
    rss = 0.0
    for _ in range(args.runs):
        shutil.rmtree(cache, ignore_errors=True)
        w, m = run(f"{ls} analyze --cache-dir {cache} -o /dev/null {d}/multi-gzip")
        cold.append(w)
        w2, m2 = run(f"{ls} analyze --cache-dir {cache} -o /dev/null {d}/multi-gzip")
        warm.append(w2)
        rss = max(rss, m, m2)
    c, wm = statistics.median(cold), statistics.median(warm)
    rows.append(("6 layer cache (multi-gzip)", "first run (cold cache)", c, rss, 1.0, ""))
    rows.append(("6 layer cache (multi-gzip)", "second run (warm cache)", wm, rss, wm / c,
                 "<= 0.1x first run " + ("ok" if wm / c <= 0.1 else "MISSED")))

    print(f"{'case':<36} {'tool':<28} {'median s':>9} {'ratio':>7} {'peak RSS':>9}  target")
    for case, tool, med, mb, ratio, target in rows:
        rss_s = f"{mb:6.1f} MB" if mb else ""
        print(f"{case:<36} {tool:<28} {med:9.3f} {ratio:7.3f} {rss_s:>9}  {target}")
    # Target 5 bounds the images of cases 1-4 and 6; case 5 measures growth per entry instead.
    peak = max(r[3] for r in rows if (r[1].startswith("layerscope") or "run" in r[1]) and not r[0].startswith("5 "))
    print(f"\npeak RSS of layerscope on cases 1-4 and 6: {peak:.1f} MB (target <= 100 MB "
          f"{'ok' if peak <= 100 else 'MISSED'}); case 5 gives the growth per file entry")


if __name__ == "__main__":
    main()
