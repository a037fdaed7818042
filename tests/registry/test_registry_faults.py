#!/usr/bin/env python3
"""Transfers that go wrong, through the fault-injecting proxy of the fixtures in front of a
plain-HTTP docker-registry: a connection dropped mid-blob resumes with a Range request; a
500 or a 429 is retried; a stall (before the headers or mid-body) hits --stall-timeout and
is retried or resumed; errors that persist exit 3 with the status or the registry's code,
never an HTML page; a registry that answers a by-digest request with other bytes is caught;
inspect downloads no layer blob. Every run's report must equal the undisturbed one."""

import json
import shutil
import tempfile
import time
import unittest

import harness
from harness import layerscope
import registry_fixtures as fx

HTML_500 = "<html><body><h1>500 Internal Server Error</h1><p>upstream exploded</p></body></html>"


class Faults(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="ls-reg-faults-")
        cls.registry = cls.proxy = None
        cls.images = fx.find_images(harness.ROOT, cls.work)
        if cls.images is None:
            raise unittest.SkipTest("no sample_images/ or ../shared/images to push")
        cls.registry = fx.Registry(cls.work).start()
        fx.skopeo_copy(fx.oci_ref(cls.images, "gzip"), f"docker://{cls.registry.host}/img-gzip:1.0")
        fx.skopeo_copy(fx.oci_ref(cls.images, "zstd"), f"docker://{cls.registry.host}/img-zstd:1.0")
        cls.proxy = fx.FaultProxy(cls.registry.host).start()
        cls.ref = f"docker://{cls.proxy.host}/img-gzip:1.0"
        direct = layerscope("analyze", "--format", "json", f"docker://{cls.registry.host}/img-gzip:1.0")
        assert direct.rc == 0, direct
        cls.expected = fx.strip_source_fields(direct.out)
        manifest = fx.layout_manifest(*cls.images["gzip"])
        layers = sorted(manifest["layers"], key=lambda layer: -layer["size"])
        cls.big, cls.big_size = layers[0]["digest"], layers[0]["size"]
        cls.layer_digests = [layer["digest"] for layer in manifest["layers"]]
        cls.manifest_digest = json.loads(direct.out)["image"]["manifest_digest"]

    @classmethod
    def tearDownClass(cls):
        for s in (cls.proxy, cls.registry):
            if s:
                s.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def analyze(self, *extra, ref=None):
        return layerscope("analyze", "--format", "json", *extra, ref or self.ref)

    def assert_good(self, r):
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(fx.strip_source_fields(r.out), self.expected)

    def test_connection_dropped_mid_blob_resumes_with_range(self):
        half = self.big_size // 2
        self.proxy.reset([{"match": self.big, "action": "drop", "after_bytes": half}])
        self.assert_good(self.analyze())
        gets = self.proxy.requests(self.big)
        self.assertEqual(len(gets), 2, gets)
        self.assertIsNone(gets[0]["range"])
        self.assertEqual(gets[1]["range"], f"bytes={half}-")

    def test_two_drops_in_a_row_still_resume(self):
        self.proxy.reset([{"match": self.big, "action": "drop", "after_bytes": 1000, "times": 2}])
        self.assert_good(self.analyze())
        # Each drop lets 1000 more bytes through before cutting; each resume starts later.
        self.assertEqual([e["range"] for e in self.proxy.requests(self.big)], [None, "bytes=1000-", "bytes=2000-"])

    def test_500_and_429_once_are_retried(self):
        self.proxy.reset([
            {"match": "/manifests/", "action": "status", "status": 500, "body": HTML_500, "content_type": "text/html"},
            {"match": self.big, "action": "status", "status": 429, "retry_after": "0",
             "body": '{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}'},
        ])
        self.assert_good(self.analyze())
        self.assertEqual(len(self.proxy.requests("/manifests/")), 2)
        self.assertEqual([e["action"] for e in self.proxy.requests(self.big)], ["status", "forward"])

    def test_stall_mid_body_hits_the_stall_timeout_and_resumes(self):
        self.proxy.reset([{"match": self.big, "action": "stall", "after_bytes": 1000, "seconds": 6}])
        start = time.monotonic()
        self.assert_good(self.analyze("--stall-timeout", "1"))
        self.assertLess(time.monotonic() - start, 5.5, "the stall should have been cut after about 1 s")
        self.assertEqual([e["range"] for e in self.proxy.requests(self.big)], [None, "bytes=1000-"])

    def test_stall_before_the_headers_is_retried(self):
        self.proxy.reset([{"match": self.big, "action": "delay", "seconds": 4}])
        start = time.monotonic()
        self.assert_good(self.analyze("--stall-timeout", "1"))
        self.assertLess(time.monotonic() - start, 3.9)
        self.assertEqual(len(self.proxy.requests(self.big)), 2)

    def test_persistent_500_exits_3_without_the_html(self):
        self.proxy.reset([{"match": self.big, "action": "status", "status": 500, "body": HTML_500,
                           "content_type": "text/html", "times": 100}])
        r = self.analyze("--retries", "2")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("HTTP 500", r.err)
        self.assertNotIn("<html", r.err.lower())
        self.assertNotIn("exploded", r.err)
        self.assertIn(self.big[:19], r.err)  # names the blob
        self.assertEqual(len(self.proxy.requests(self.big)), 3)

    def test_persistent_429_exits_3_with_toomanyrequests(self):
        self.proxy.reset([{"match": "/manifests/", "action": "status", "status": 429, "retry_after": "0",
                           "times": 100, "body": '{"errors":[{"code":"TOOMANYREQUESTS","message":"pull rate limit"}]}'}])
        r = layerscope("inspect", "--retries", "1", self.ref)
        self.assertEqual(r.rc, 3, r)
        self.assertIn("TOOMANYREQUESTS: pull rate limit", r.err)

    def test_unknown_blob_and_denied(self):
        self.proxy.reset([{"match": self.big, "action": "status", "status": 404,
                           "body": '{"errors":[{"code":"BLOB_UNKNOWN","message":"blob unknown to registry"}]}'}])
        r = self.analyze()
        self.assertEqual(r.rc, 3, r)
        self.assertIn("BLOB_UNKNOWN: blob unknown to registry", r.err)
        self.proxy.reset([{"match": "/manifests/", "action": "status", "status": 403,
                           "body": '{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"}]}'}])
        r = self.analyze()
        self.assertEqual(r.rc, 3, r)
        self.assertIn("DENIED: requested access to the resource is denied", r.err)

    def test_manifest_that_does_not_match_the_digest_asked_for(self):
        other = layerscope("inspect", "--format", "json", f"docker://{self.registry.host}/img-zstd:1.0")
        self.assertEqual(other.rc, 0, other)
        zstd_layout, ref = self.images["zstd"]
        body = json.dumps(fx.layout_manifest(zstd_layout, ref))
        self.proxy.reset([{"match": f"/manifests/{self.manifest_digest}", "action": "status", "status": 200,
                           "body": body, "content_type": "application/vnd.oci.image.manifest.v1+json"}])
        r = self.analyze(ref=f"docker://{self.proxy.host}/img-gzip@{self.manifest_digest}")
        self.assertEqual(r.rc, 3, r)
        self.assertIn("digest mismatch", r.err)

    def test_inspect_downloads_no_layer(self):
        self.proxy.reset()
        r = layerscope("inspect", "--format", "json", self.ref)
        self.assertEqual(r.rc, 0, r)
        paths = [e["path"] for e in self.proxy.requests()]
        for d in self.layer_digests:
            self.assertFalse(any(d in p for p in paths), paths)
        self.assertTrue(any("/manifests/" in p for p in paths))

    def test_zstd_through_the_proxy_with_a_drop(self):
        manifest = fx.layout_manifest(*self.images["zstd"])
        big = max(manifest["layers"], key=lambda layer: layer["size"])
        self.proxy.reset([{"match": big["digest"], "action": "drop", "after_bytes": big["size"] // 3}])
        r = self.analyze(ref=f"docker://{self.proxy.host}/img-zstd:1.0")
        self.assertEqual(r.rc, 0, r)
        direct = layerscope("analyze", "--format", "json", fx.oci_ref(self.images, "zstd"))
        self.assertEqual(fx.strip_source_fields(r.out), fx.strip_source_fields(direct.out))
        self.assertEqual(len(self.proxy.requests(big["digest"])), 2)


if __name__ == "__main__":
    harness.main()
