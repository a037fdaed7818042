#!/usr/bin/env python3
"""Authentication and TLS against real registries.

BasicOverTls: docker-registry with HTTPS (a CA made by openssl here) and htpasswd basic
auth. Credentials come from a docker config.json (auths), a credential helper
(credHelpers with a fake docker-credential-test on PATH), podman's auth.json through
--authfile, or --creds. Wrong or missing credentials exit 3 with UNAUTHORIZED; an
untrusted certificate exits 3 and is never downgraded to plain HTTP.

BearerTokens: docker-registry with token auth and the token server of the fixtures
(JWTs signed RS256). Password and refresh-token (identitytoken) grants, anonymous
refusal, client-side refresh when a token expires mid-pull, and redirects of blob GETs
to another host (like object storage) that must not carry the Authorization header.

No password, token or Authorization value ever reaches stdout or stderr."""

import base64
import json
import os
import shutil
import stat
import subprocess
import tempfile
import unittest

import harness
from harness import layerscope
import registry_fixtures as fx

USER, PASSWORD = "alice", "Pa55-w0rd-for-basic"
WRONG = "not-the-password-123"


def b64(s):
    return base64.b64encode(s.encode()).decode()


class BasicOverTls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="ls-reg-tls-")
        cls.registry = None
        cls.images = fx.find_images(harness.ROOT, cls.work)
        if cls.images is None:
            raise unittest.SkipTest("no sample_images/ or ../shared/images to push")
        certs = fx.make_ca_and_server_cert(cls.work)
        cls.trust = os.path.join(cls.work, "trust")  # only the CA: a cert dir as skopeo/containers read it
        os.makedirs(cls.trust)
        shutil.copy(certs["ca"], os.path.join(cls.trust, "ca.crt"))
        htpasswd = os.path.join(cls.work, "htpasswd")
        subprocess.run(["htpasswd", "-Bbc", htpasswd, USER, PASSWORD], check=True, capture_output=True)
        cls.registry = fx.Registry(cls.work, tls=certs, htpasswd=htpasswd).start()
        cls.host = cls.registry.host
        cls.ref = f"docker://{cls.host}/img-gzip:1.0"
        fx.skopeo_copy(fx.oci_ref(cls.images, "gzip"), cls.ref, creds=f"{USER}:{PASSWORD}", cert_dir=cls.trust,
                       tls_verify=True)
        cls.local = layerscope("analyze", "--format", "json", fx.oci_ref(cls.images, "gzip"))

    @classmethod
    def tearDownClass(cls):
        if cls.registry:
            cls.registry.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def tearDown(self):
        harness.assert_no_secret(self, [PASSWORD, WRONG, b64(f"{USER}:{PASSWORD}"), b64(f"{USER}:{WRONG}")])

    def home(self, config=None, name="home"):
        home = tempfile.mkdtemp(prefix=name, dir=self.work)
        if config is not None:
            os.makedirs(os.path.join(home, ".docker"))
            with open(os.path.join(home, ".docker", "config.json"), "w") as f:
                json.dump(config, f)
        return home

    def assert_same_as_layout(self, result):
        self.assertEqual(result.rc, 0, result)
        self.assertEqual(fx.strip_source_fields(result.out), fx.strip_source_fields(self.local.out))

    def test_docker_config_json_credentials_over_verified_tls(self):
        home = self.home({"auths": {self.host: {"auth": b64(f"{USER}:{PASSWORD}")}}})
        r = layerscope("analyze", "--format", "json", "--cert-dir", self.trust, self.ref, env=fx.clean_env(home))
        self.assert_same_as_layout(r)

    def test_legacy_url_keys_in_config_json(self):
        home = self.home({"auths": {f"https://{self.host}/v1/": {"auth": b64(f"{USER}:{PASSWORD}")}}})
        r = layerscope("inspect", "--cert-dir", self.trust, self.ref, env=fx.clean_env(home))
        self.assertEqual(r.rc, 0, r)

    def test_wrong_password_exits_3_with_unauthorized(self):
        home = self.home({"auths": {self.host: {"auth": b64(f"{USER}:{WRONG}")}}})
        r = layerscope("analyze", "--cert-dir", self.trust, self.ref, env=fx.clean_env(home))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("UNAUTHORIZED", r.err)
        self.assertIn("config.json", r.err)  # says where the refused credentials came from
        r = layerscope("analyze", "--cert-dir", self.trust, "--creds", f"{USER}:{WRONG}", self.ref,
                       env=fx.clean_env(self.home()))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("UNAUTHORIZED", r.err)

    def test_no_credentials_exits_3_and_says_where_it_looked(self):
        r = layerscope("analyze", "--cert-dir", self.trust, self.ref, env=fx.clean_env(self.home()))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("UNAUTHORIZED", r.err)
        self.assertIn("no credentials for " + self.host, r.err)

    def test_creds_flag(self):
        r = layerscope("analyze", "--format", "json", "--cert-dir", self.trust, "--creds", f"{USER}:{PASSWORD}",
                       self.ref, env=fx.clean_env(self.home()))
        self.assert_same_as_layout(r)

    def test_credential_helper_from_cred_helpers(self):
        home = self.home({"credHelpers": {self.host: "test"}})
        bindir = os.path.join(home, "bin")
        os.makedirs(bindir)
        helper = os.path.join(bindir, "docker-credential-test")
        with open(helper, "w") as f:
            f.write("#!/bin/sh\n"
                    "read -r url\n"
                    f"if [ \"$1\" = get ] && [ \"$url\" = \"{self.host}\" ]; then\n"
                    f"  echo '{{\"ServerURL\":\"{self.host}\",\"Username\":\"{USER}\",\"Secret\":\"{PASSWORD}\"}}'\n"
                    "else echo 'credentials not found in native keychain'; exit 1; fi\n")
        os.chmod(helper, os.stat(helper).st_mode | stat.S_IEXEC)
        env = fx.clean_env(home)
        env["PATH"] = bindir + ":" + env.get("PATH", "/usr/bin:/bin")
        r = layerscope("analyze", "--format", "json", "--cert-dir", self.trust, self.ref, env=env)
        self.assert_same_as_layout(r)

    def test_podman_authfile_and_registry_auth_file(self):
        authfile = os.path.join(self.work, "auth.json")
        with open(authfile, "w") as f:
            json.dump({"auths": {f"{self.host}/img-gzip": {"auth": b64(f"{USER}:{PASSWORD}")}}}, f)
        r = layerscope("inspect", "--cert-dir", self.trust, "--authfile", authfile, self.ref,
                       env=fx.clean_env(self.home()))
        self.assertEqual(r.rc, 0, r)
        env = fx.clean_env(self.home())
        env["REGISTRY_AUTH_FILE"] = authfile
        r = layerscope("inspect", "--cert-dir", self.trust, self.ref, env=env)
        self.assertEqual(r.rc, 0, r)

    def test_untrusted_certificate_is_an_error_not_a_downgrade(self):
        home = self.home({"auths": {self.host: {"auth": b64(f"{USER}:{PASSWORD}")}}})
        r = layerscope("analyze", self.ref, env=fx.clean_env(home))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("not trusted", r.err)
        self.assertIn("--cert-dir", r.err)

    def test_tls_verify_false_skips_the_certificate_check(self):
        home = self.home({"auths": {self.host: {"auth": b64(f"{USER}:{PASSWORD}")}}})
        r = layerscope("analyze", "--format", "json", "--tls-verify=false", self.ref, env=fx.clean_env(home))
        self.assert_same_as_layout(r)


TOKEN_USER, TOKEN_PASSWORD = "tokenuser", "t0ken-Pa55word"
REFRESH_TOKEN = "refresh-token-0123456789abcdef"


class BearerTokens(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.work = tempfile.mkdtemp(prefix="ls-reg-token-")
        cls.registry = cls.tokens = cls.proxy = None
        cls.images = fx.find_images(harness.ROOT, cls.work)
        if cls.images is None:
            raise unittest.SkipTest("no sample_images/ or ../shared/images to push")
        cls.tokens = fx.TokenServer(cls.work, {TOKEN_USER: TOKEN_PASSWORD}).start()
        cls.tokens.refresh_tokens[REFRESH_TOKEN] = TOKEN_USER
        cls.registry = fx.Registry(cls.work, token=cls.tokens.registry_config()).start()
        cls.proxy = fx.FaultProxy(cls.registry.host).start()
        fx.skopeo_copy(fx.oci_ref(cls.images, "gzip"), f"docker://{cls.registry.host}/img-gzip:1.0",
                       creds=f"{TOKEN_USER}:{TOKEN_PASSWORD}")
        cls.ref = f"docker://{cls.registry.host}/img-gzip:1.0"
        cls.local = layerscope("analyze", "--format", "json", fx.oci_ref(cls.images, "gzip"))
        manifest = fx.layout_manifest(*cls.images["gzip"])
        cls.layer_digests = [layer["digest"] for layer in manifest["layers"]]

    @classmethod
    def tearDownClass(cls):
        for s in (cls.proxy, cls.registry, cls.tokens):
            if s:
                s.stop()
        shutil.rmtree(cls.work, ignore_errors=True)

    def setUp(self):
        self.tokens.expires_in = 300
        self.proxy.reset()
        self.home = tempfile.mkdtemp(prefix="home", dir=self.work)

    def tearDown(self):
        with self.tokens.lock:
            issued = list(self.tokens.issued)
        secrets = [TOKEN_PASSWORD, WRONG, REFRESH_TOKEN, b64(f"{TOKEN_USER}:{TOKEN_PASSWORD}")] + issued
        # A token is three base64url parts; its signature alone must not leak either.
        secrets += [t.rsplit(".", 1)[1] for t in issued]
        harness.assert_no_secret(self, secrets)

    def requests_since(self, n):
        with self.tokens.lock:
            return self.tokens.requests[n:]

    def test_password_grant(self):
        before = len(self.tokens.requests)
        r = layerscope("analyze", "--format", "json", "--creds", f"{TOKEN_USER}:{TOKEN_PASSWORD}", self.ref,
                       env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(fx.strip_source_fields(r.out), fx.strip_source_fields(self.local.out))
        grants = self.requests_since(before)
        self.assertTrue(grants)
        self.assertTrue(all(g[1] == TOKEN_USER and g[3] == "password" for g in grants), grants)
        self.assertTrue(all(g[2] == "repository:img-gzip:pull" for g in grants), grants)
        # One token serves every layer stream: no fetch per request.
        self.assertLessEqual(len(grants), 2, grants)

    def test_refresh_token_grant_from_identitytoken(self):
        os.makedirs(os.path.join(self.home, ".docker"))
        with open(os.path.join(self.home, ".docker", "config.json"), "w") as f:
            json.dump({"auths": {self.registry.host: {"identitytoken": REFRESH_TOKEN}}}, f)
        before = len(self.tokens.requests)
        r = layerscope("inspect", self.ref, env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 0, r)
        self.assertIn(("POST", TOKEN_USER, "repository:img-gzip:pull", "refresh_token"), self.requests_since(before))

    def test_wrong_password_exits_3_with_unauthorized(self):
        r = layerscope("analyze", "--creds", f"{TOKEN_USER}:{WRONG}", self.ref, env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("UNAUTHORIZED", r.err)

    def test_anonymous_is_refused(self):
        r = layerscope("analyze", self.ref, env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 3, r)
        self.assertIn("UNAUTHORIZED", r.err)
        self.assertIn("no credentials", r.err)

    def test_expired_token_is_refreshed_mid_pull(self):
        # Tokens live 1 s and every layer GET is held back 1.2 s by the proxy, so the layer
        # requests after the first wave go out after the first token expired.
        self.tokens.expires_in = 1
        self.proxy.reset([{"match": d, "action": "delay", "seconds": 1.2} for d in self.layer_digests])
        before = len(self.tokens.requests)
        r = layerscope("analyze", "--format", "json", "--max-connections", "1", "--creds",
                       f"{TOKEN_USER}:{TOKEN_PASSWORD}", f"docker://{self.proxy.host}/img-gzip:1.0",
                       env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(fx.strip_source_fields(r.out), fx.strip_source_fields(self.local.out))
        self.assertGreaterEqual(len(self.requests_since(before)), 2, "the token should have been refreshed")

    def test_redirected_blobs_do_not_carry_the_authorization_header(self):
        self.proxy.reset([{"match": d, "action": "redirect", "times": 10} for d in self.layer_digests])
        r = layerscope("analyze", "--format", "json", "--creds", f"{TOKEN_USER}:{TOKEN_PASSWORD}",
                       f"docker://{self.proxy.host}/img-gzip:1.0", env=fx.clean_env(self.home))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(fx.strip_source_fields(r.out), fx.strip_source_fields(self.local.out))
        redirected = self.proxy.requests(action="redirected")
        self.assertEqual(len(redirected), len(set(self.layer_digests)))
        self.assertFalse(any(e["authorization"] for e in redirected), redirected)
        self.assertTrue(all(e["authorization"] for e in self.proxy.requests(action="redirect")))


if __name__ == "__main__":
    harness.main()
