#!/usr/bin/env python3
"""`layerscope record` killed mid-write, and several writers at once.

1. Concurrency: six `record` processes start together on one new database (each holding its
   write transaction open for a while through the test hook below); all must succeed.
2. Kills inside the transaction: with LAYERSCOPE_TEST_RECORD_DELAY_MS=5000 the writer sleeps
   after inserting its snapshot row and before its labels and COMMIT; it is SIGKILLed during
   that sleep. The snapshot must not appear, and the next writer must not be blocked.
3. Kills at random points: 25 writers with random in-transaction delays, each SIGKILLed after
   a random time (some finish first).
After each phase the database is opened with Python's own sqlite3 module (independent of
layerscope): PRAGMA integrity_check is "ok", the schema version is 1, the file is in WAL
mode, every writer that exited 0 has exactly one snapshot, no killed writer left a partial
one (every row has its labels and a detail document whose layers add up to the row's
totals), and `layerscope trend` reads all of it.

LAYERSCOPE_TEST_RECORD_DELAY_MS is a test-only hook read by `record` (docs/history.md).
Usage: test_record_kill.py --layerscope PATH
"""

import argparse
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import imagegen  # noqa: E402

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def start(ls, image, db, seq, delay_ms):
    env = dict(os.environ, LAYERSCOPE_TEST_RECORD_DELAY_MS=str(delay_ms))
    return subprocess.Popen([ls, "record", image, "--db", db, "--label", "seq=%d" % seq,
                             "--time", "2026-04-01T00:00:%02dZ" % (seq % 60)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def verify(ls, db, committed, killed, reference, phase):
    con = sqlite3.connect(db, timeout=30)
    try:
        check(con.execute("PRAGMA integrity_check").fetchone()[0] == "ok", phase + ": integrity_check")
        check(con.execute("PRAGMA user_version").fetchone()[0] == 1, phase + ": schema version")
        check(con.execute("PRAGMA journal_mode").fetchone()[0] == "wal", phase + ": WAL mode")
        check(con.execute("PRAGMA foreign_key_check").fetchall() == [], phase + ": foreign keys")
        rows = con.execute("SELECT id, layers, content_bytes, compressed_bytes, final_bytes, detail FROM snapshots").fetchall()
        seqs = {}
        for sid, layers, content, compressed, final, detail in rows:
            labels = dict(con.execute("SELECT key, value FROM snapshot_labels WHERE snapshot_id = ?", (sid,)).fetchall())
            check("seq" in labels, "%s: snapshot %d has no labels (partial write)" % (phase, sid))
            seqs.setdefault(labels.get("seq"), []).append(sid)
            d = json.loads(detail)
            check(d["v"] == 1 and len(d["layers"]) == layers, "%s: snapshot %d detail layers" % (phase, sid))
            check(sum(l["content_bytes"] for l in d["layers"]) == content, "%s: snapshot %d content" % (phase, sid))
            check(sum(l["compressed_bytes"] for l in d["layers"]) == compressed, "%s: snapshot %d compressed" % (phase, sid))
            check((content, compressed, final) == reference, "%s: snapshot %d sizes %s" % (phase, sid, (content, compressed, final)))
        for seq in committed:
            check(len(seqs.get(str(seq), [])) == 1, "%s: committed writer %d has %d snapshots" % (
                phase, seq, len(seqs.get(str(seq), []))))
        for seq in seqs:
            check(seq is not None and (int(seq) in committed or int(seq) in killed), "%s: unknown snapshot seq %s" % (phase, seq))
            check(len(seqs[seq]) == 1, "%s: seq %s recorded twice" % (phase, seq))
        n = len(rows)
    finally:
        con.close()
    t = subprocess.run([ls, "trend", "--db", db, "--format", "json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    check(t.returncode == 0, phase + ": trend reads the database: " + t.stderr)
    if t.returncode == 0:
        check(len(json.loads(t.stdout)["builds"]) == n, phase + ": trend sees every snapshot")
    print("ok   %s: %d snapshots, %d committed writers, %d killed" % (phase, n, len(committed), len(killed)))
    return n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layerscope", required=True)
    ap.add_argument("--seed", type=int, default=int(os.environ.get("KILL_TEST_SEED", "8")))
    args = ap.parse_args()
    ls = args.layerscope
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="ls-kill-")
    try:
        image = os.path.join(tmp, "app.tar")
        imagegen.write_docker_archive(image, "ci/app:1", [
            {"created_by": "/bin/sh -c #(nop) ADD file:base in /", "files": [("usr/lib/a.so", imagegen.content("a", 20000))]},
            {"created_by": "COPY . /app", "files": [("app/main.py", imagegen.content("m", 3000))]},
        ])
        a = json.loads(subprocess.run([ls, "analyze", image, "--format", "json"], stdout=subprocess.PIPE, check=True).stdout)
        reference = (a["totals"]["content_bytes"], a["totals"]["compressed_bytes"], a["totals"]["final_bytes"])
        db = os.path.join(tmp, "state", "history.db")
        committed, killed = set(), set()
        seq = 0

        # 1. Six writers at once on a database none of them has created yet.
        procs = []
        for _ in range(6):
            seq += 1
            procs.append((seq, start(ls, image, db, seq, 150)))
        for s, p in procs:
            _, err = p.communicate(timeout=120)
            check(p.returncode == 0, "concurrent writer %d: exit %d %s" % (s, p.returncode, err.decode().strip()))
            if p.returncode == 0:
                committed.add(s)
        check(verify(ls, db, committed, killed, reference, "concurrent") == 6, "concurrent: 6 snapshots")

        # 2. Killed for certain inside the transaction (the analysis of this image takes
        #    milliseconds; the writer then sleeps 5 s holding the write lock).
        for _ in range(3):
            seq += 1
            p = start(ls, image, db, seq, 5000)
            time.sleep(0.8)
            check(p.poll() is None, "writer %d finished before the kill" % seq)
            p.send_signal(signal.SIGKILL)
            p.wait()
            killed.add(seq)
            # The next writer gets the lock at once and commits.
            seq += 1
            t0 = time.monotonic()
            q = start(ls, image, db, seq, 0)
            _, err = q.communicate(timeout=60)
            check(q.returncode == 0, "writer after a kill: exit %d %s" % (q.returncode, err.decode().strip()))
            check(time.monotonic() - t0 < 10, "writer after a kill waited for a dead lock")
            if q.returncode == 0:
                committed.add(seq)
        n = verify(ls, db, committed, killed, reference, "killed mid-transaction")
        check(n == len(committed), "killed mid-transaction: no killed writer committed")

        # 3. Random kills, sometimes before, during or after the transaction.
        first_random = seq + 1
        for _ in range(25):
            seq += 1
            p = start(ls, image, db, seq, rng.choice([0, 50, 200, 400]))
            time.sleep(rng.uniform(0.0, 0.5))
            if p.poll() is None:
                p.send_signal(signal.SIGKILL)
                p.wait()
                killed.add(seq)
            elif p.returncode == 0:
                committed.add(seq)
            else:
                check(False, "writer %d failed: %s" % (seq, p.stderr.read().decode().strip()))
            if p.stderr:
                p.stderr.close()
        verify(ls, db, committed, killed, reference, "random kills")
        check(len(killed & set(range(first_random, seq + 1))) > 0, "random kills: at least one writer was killed")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if FAILURES:
        print("%d failure(s)" % len(FAILURES))
        return 1
    print("all record-kill checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
