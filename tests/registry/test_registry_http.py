#!/usr/bin/env python3
"""docker:// against a plain-HTTP docker-registry on a loopback port (plain HTTP is allowed
for loopback, as docker does): analysing from the registry gives the same report as
analysing the OCI layout that was pushed, for gzip and zstd layers; every command takes
registry references; inspect lists every platform of an index with compressed sizes;
--platform and --all-platforms; registry errors exit 3 with the registry's code."""

import json
import shutil
import tempfile
import time
import unittest

import harness
from harness import layerscope
import registry_fixtures as fx


class PlainHttpRegistry(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="ls-reg-http-")
        cls.registry = None
        cls.images = fx.find_images(harness.ROOT, cls.work)
        if cls.images is None:
            raise unittest.SkipTest("no sample_images/ or ../shared/images to push")
        cls.registry = fx.Registry(cls.work).start()
        host = cls.registry.host
        fx.skopeo_copy(fx.oci_ref(cls.images, "gzip"), f"docker://{host}/img-gzip:1.0")
        fx.skopeo_copy(fx.oci_ref(cls.images, "zstd"), f"docker://{host}/img-zstd:1.0")
        fx.skopeo_copy(fx.oci_ref(cls.images, "multi"), f"docker://{host}/multi:1.0", all_images=True)
        cls.host = host

    @classmethod
    def tearDownClass(cls):
        if cls.registry:
            cls.registry.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def analyze_json(self, ref, *extra):
        r = layerscope("analyze", "--format", "json", *extra, ref)
        self.assertEqual(r.rc, 0, r)
        return json.loads(r.out)

    def assert_same_as_layout(self, key, repo):
        remote = self.analyze_json(f"docker://{self.host}/{repo}:1.0")
        local = self.analyze_json(fx.oci_ref(self.images, key))
        self.assertEqual(remote["image"]["transport"], "docker")
        self.assertEqual(remote["image"]["layout"], "registry")
        self.assertEqual(remote["image"]["reference"], f"docker://{self.host}/{repo}:1.0")
        self.assertEqual(fx.strip_source_fields(remote), fx.strip_source_fields(local))
        self.assertTrue(all(layer["verified"] for layer in remote["layers"]))
        return remote

    def test_gzip_layers_report_equals_the_layout_report(self):
        r = self.assert_same_as_layout("gzip", "img-gzip")
        self.assertIn("gzip", {layer["compression"] for layer in r["layers"]})

    def test_zstd_layers_report_equals_the_layout_report(self):
        r = self.assert_same_as_layout("zstd", "img-zstd")
        self.assertIn("zstd", {layer["compression"] for layer in r["layers"]})

    def test_one_connection_gives_the_same_report(self):
        one = self.analyze_json(f"docker://{self.host}/img-gzip:1.0", "--max-connections", "1", "-j", "1")
        many = self.analyze_json(f"docker://{self.host}/img-gzip:1.0", "--max-connections", "8")
        self.assertEqual(one, many)

    def test_other_commands_take_registry_references(self):
        remote = layerscope("tree", "--depth", "0", f"docker://{self.host}/img-gzip:1.0")
        local = layerscope("tree", "--depth", "0", fx.oci_ref(self.images, "gzip"))
        self.assertEqual(remote.rc, 0, remote)
        self.assertEqual(remote.out, local.out)
        text = layerscope("analyze", f"docker://{self.host}/img-zstd:1.0")
        self.assertEqual(text.rc, 0, text)
        self.assertIn("docker / registry", text.out)

    def test_pull_by_digest_and_by_tag_and_digest(self):
        by_tag = self.analyze_json(f"docker://{self.host}/img-gzip:1.0")
        digest = by_tag["image"]["manifest_digest"]
        for ref in (f"docker://{self.host}/img-gzip@{digest}", f"docker://{self.host}/img-gzip:1.0@{digest}"):
            by_digest = self.analyze_json(ref)
            self.assertEqual(by_digest["image"]["manifest_digest"], digest)
            self.assertEqual(by_digest["layers"], by_tag["layers"])
            self.assertEqual(by_digest["totals"], by_tag["totals"])

    def test_inspect_lists_every_platform_with_compressed_sizes(self):
        start = time.monotonic()
        r = layerscope("inspect", "--format", "json", f"docker://{self.host}/multi:1.0")
        elapsed = time.monotonic() - start
        self.assertEqual(r.rc, 0, r)
        doc = json.loads(r.out)
        platforms = {p["platform"]: p for p in doc["platforms"]}
        self.assertEqual(set(platforms), {"linux/amd64", "linux/arm64/v8"})
        # The sizes are the descriptors' sizes: the blob files of the pushed layout.
        layout, _ = self.images["multi"]
        for p in doc["platforms"]:
            self.assertTrue(p["layers"])
            total = 0
            for layer in p["layers"]:
                alg, hexd = layer["digest"].split(":")
                with open(f"{layout}/blobs/{alg}/{hexd}", "rb") as f:
                    size = len(f.read())
                self.assertEqual(layer["compressed_bytes"], size)
                total += size
            self.assertEqual(p["compressed_bytes"], total)
            self.assertTrue(p["config_digest"].startswith("sha256:"))
            self.assertIsInstance(p["history"], list)
        # Same answer as the local layout (apart from where it came from).
        local = json.loads(layerscope("inspect", "--format", "json", fx.oci_ref(self.images, "multi")).out)
        self.assertEqual(doc["platforms"], local["platforms"])
        self.assertLess(elapsed, 3.0, "inspect should answer from manifests alone, fast")
        text = layerscope("inspect", f"docker://{self.host}/multi:1.0")
        self.assertEqual(text.rc, 0, text)
        self.assertIn("linux/amd64", text.out)
        self.assertIn("linux/arm64/v8", text.out)

    def test_platform_selection(self):
        arm = self.analyze_json(f"docker://{self.host}/multi:1.0", "--platform", "linux/arm64")
        self.assertEqual(arm["image"]["platform"], "linux/arm64/v8")
        amd = self.analyze_json(f"docker://{self.host}/multi:1.0", "--platform", "linux/amd64")
        self.assertEqual(amd["image"]["platform"], "linux/amd64")
        self.assertNotEqual(arm["image"]["manifest_digest"], amd["image"]["manifest_digest"])
        bad = layerscope("analyze", "--platform", "linux/s390x", f"docker://{self.host}/multi:1.0")
        self.assertEqual(bad.rc, 3, bad)
        self.assertIn("no manifest for platform linux/s390x", bad.err)

    def test_all_platforms_table_and_json(self):
        ref = f"docker://{self.host}/multi:1.0"
        text = layerscope("analyze", "--all-platforms", ref)
        self.assertEqual(text.rc, 0, text)
        rows = [line for line in text.out.splitlines() if line.strip().startswith("linux/")]
        self.assertEqual(len(rows), 2, text.out)
        r = layerscope("analyze", "--all-platforms", "--format", "json", ref)
        self.assertEqual(r.rc, 0, r)
        reports = json.loads(r.out)
        self.assertEqual([x["image"]["platform"] for x in reports], ["linux/amd64", "linux/arm64/v8"])
        for report in reports:
            single = self.analyze_json(ref, "--platform", report["image"]["platform"])
            single["diagnostics"] = [d for d in single["diagnostics"] if d["code"] != "platform-chosen"]
            self.assertEqual(report, single)

    def test_registry_errors_exit_3_with_the_registry_code(self):
        r = layerscope("analyze", f"docker://{self.host}/img-gzip:no-such-tag")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("MANIFEST_UNKNOWN", r.err)
        r = layerscope("inspect", f"docker://{self.host}/no/such/repo:1.0")
        self.assertEqual(r.rc, 3, r)
        self.assertTrue("NAME_UNKNOWN" in r.err or "MANIFEST_UNKNOWN" in r.err, r)
        other = self.analyze_json(f"docker://{self.host}/img-zstd:1.0")["image"]["manifest_digest"]
        r = layerscope("analyze", f"docker://{self.host}/multi@{other}")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("MANIFEST_UNKNOWN", r.err)
        for r in (layerscope("analyze", "docker://Upper/Case:1"), layerscope("analyze", "docker://")):
            self.assertEqual(r.rc, 2, r)
        closed = fx.free_port()
        r = layerscope("analyze", "--retries", "0", f"docker://127.0.0.1:{closed}/x:1")
        self.assertEqual(r.rc, 3, r)
        self.assertIn(f"127.0.0.1:{closed}", r.err)
        for r in harness_results_with_errors():
            self.assertEqual(r.count("\n"), 1, "one line on stderr")
            self.assertNotIn("<html", r.lower())

    def test_bare_name_suggests_docker_transport(self):
        r = layerscope("analyze", "python:3.12")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("docker://python:3.12", r.err)


def harness_results_with_errors():
    return [err for _, _, err in harness.OUTPUTS if err]


if __name__ == "__main__":
    harness.main()
