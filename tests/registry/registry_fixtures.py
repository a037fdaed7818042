"""Real registries for the end-to-end tests, started and stopped by the tests themselves.

- Registry: Debian's `docker-registry` (CNCF distribution) on a free loopback port with a
  temporary storage directory; plain HTTP, HTTPS with a CA made here by openssl, htpasswd
  basic auth (apache2-utils), or token auth.
- TokenServer: a small token service (docker registry token spec, distribution
  docs/spec/auth/token.md and oauth.md) in a thread of the test process. Tokens are JWTs
  signed RS256 by `openssl dgst`, with the signing certificate in the `x5c` header; the
  registry trusts that certificate through `rootcertbundle`.
- FaultProxy: a loopback HTTP proxy in front of a registry that can drop a response
  mid-body, answer an error status, stall, delay, or redirect a blob GET to another host
  name, once or several times, and logs every request.

Every child process is started with PR_SET_PDEATHSIG so nothing outlives the test, even
when ctest kills it; stop() is still called from finally blocks.
"""

import base64
import ctypes
import hashlib
import http.client
import http.server
import json
import os
import shutil
import signal
import socket
import socketserver
import subprocess
import tempfile
import threading
import time
import uuid

SKIP = 77  # ctest SKIP_RETURN_CODE


def have_tools():
    missing = [t for t in ("docker-registry", "skopeo", "openssl", "htpasswd") if shutil.which(t) is None]
    return missing


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


# ---------------------------------------------------------------------------- certificates

def make_ca_and_server_cert(d):
    """A CA and a server certificate for 127.0.0.1/localhost signed by it. Returns paths."""
    ca_key, ca_crt = os.path.join(d, "ca.key"), os.path.join(d, "ca.crt")
    key, csr, crt = os.path.join(d, "server.key"), os.path.join(d, "server.csr"), os.path.join(d, "server.crt")
    ext = os.path.join(d, "ext.cnf")
    run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=layerscope test CA",
         "-keyout", ca_key, "-out", ca_crt])
    run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1", "-keyout", key, "-out", csr])
    with open(ext, "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial", "-days", "2",
         "-extfile", ext, "-out", crt])
    return {"ca": ca_crt, "cert": crt, "key": key}


# ------------------------------------------------------------------------------ registry

class Registry:
    """docker-registry serve CONFIG on 127.0.0.1:<free port>."""

    def __init__(self, workdir, tls=None, htpasswd=None, token=None):
        self.dir = tempfile.mkdtemp(prefix="registry-", dir=workdir)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.tls = tls
        lines = [
            "version: 0.1",
            "log:",
            "  level: error",
            "  accesslog:",
            "    disabled: true",
            "storage:",
            "  filesystem:",
            f"    rootdirectory: {self.dir}/data",
            "  delete:",
            "    enabled: true",
            "http:",
            f"  addr: {self.host}",
        ]
        if tls:
            lines += ["  tls:", f"    certificate: {tls['cert']}", f"    key: {tls['key']}"]
        if htpasswd:
            lines += ["auth:", "  htpasswd:", "    realm: layerscope-test", f"    path: {htpasswd}"]
        if token:
            lines += ["auth:", "  token:", f"    realm: {token['realm']}", f"    service: {token['service']}",
                      f"    issuer: {token['issuer']}", f"    rootcertbundle: {token['rootcertbundle']}"]
        self.config = os.path.join(self.dir, "config.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.log_path = os.path.join(self.dir, "registry.log")
        self.proc = None

    def start(self):
        with open(self.log_path, "w") as log:
            self.proc = subprocess.Popen(["docker-registry", "serve", self.config], stdout=log,
                                         stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.time() + 15
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("docker-registry exited:\n" + self.log())
            try:
                if self.tls:
                    import ssl
                    ctx = ssl.create_default_context(cafile=self.tls["ca"])
                    c = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=2, context=ctx)
                else:
                    c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/v2/")
                status = c.getresponse().status
                c.close()
                if status in (200, 401):
                    return self
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("docker-registry did not become ready:\n" + self.log())

    def log(self):
        try:
            with open(self.log_path) as f:
                return f.read()[-4000:]
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


def skopeo_copy(src, dest, all_images=False, creds=None, cert_dir=None, tls_verify=False):
    """Pushes `src` (a containers-transports reference) to `dest`, keeping the blobs as they are."""
    cmd = ["skopeo", "--insecure-policy", "copy", "--quiet", "--preserve-digests"]
    if all_images:
        cmd.append("--all")
    if creds:
        cmd += ["--dest-creds", creds]
    if cert_dir:
        cmd += ["--dest-cert-dir", cert_dir]
    cmd.append(f"--dest-tls-verify={'true' if tls_verify else 'false'}")
    cmd += [src, dest]
    env = dict(os.environ)
    env.pop("REGISTRY_AUTH_FILE", None)
    subprocess.run(cmd, check=True, capture_output=True, text=True, env=env)


# -------------------------------------------------------------------------------- images

def _read_json(path):
    with open(path) as f:
        return json.load(f)


def _blob(layout, digest):
    alg, hexd = digest.split(":")
    return os.path.join(layout, "blobs", alg, hexd)


def layout_manifest(layout, ref=None):
    """The image manifest an OCI layout's index.json points at (first, or the one named `ref`)."""
    index = _read_json(os.path.join(layout, "index.json"))
    for m in index["manifests"]:
        if ref and m.get("annotations", {}).get("org.opencontainers.image.ref.name") != ref:
            continue
        doc = _read_json(_blob(layout, m["digest"]))
        if "manifests" in doc:
            continue
        return doc
    raise RuntimeError(f"{layout}: no image manifest")


def _put_blob(layout, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    path = _blob(layout, digest)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return digest, len(data)


def make_multiarch_layout(src, ref, out):
    """An OCI layout whose index lists two platforms built from one single-platform layout:
    the original manifest (linux/amd64) and a copy whose config claims linux/arm64/v8."""
    shutil.copytree(src, out)
    manifest = layout_manifest(src, ref)
    config = _read_json(_blob(src, manifest["config"]["digest"]))
    descriptors = []
    for arch, variant in (("amd64", ""), ("arm64", "v8")):
        cfg = dict(config, architecture=arch, os="linux")
        cfg.pop("variant", None)
        if variant:
            cfg["variant"] = variant
        cd, cs = _put_blob(out, json.dumps(cfg, sort_keys=True).encode())
        m = dict(manifest)
        m["config"] = dict(manifest["config"], digest=cd, size=cs)
        m.setdefault("mediaType", "application/vnd.oci.image.manifest.v1+json")
        md, ms = _put_blob(out, json.dumps(m, sort_keys=True).encode())
        platform = {"architecture": arch, "os": "linux"}
        if variant:
            platform["variant"] = variant
        descriptors.append({"mediaType": m["mediaType"], "digest": md, "size": ms, "platform": platform})
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": descriptors}
    idx_d, idx_s = _put_blob(out, json.dumps(index, sort_keys=True).encode())
    top = {"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": idx_d,
                                               "size": idx_s,
                                               "annotations": {"org.opencontainers.image.ref.name": ref}}]}
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(top, f)
    return out


def find_images(root, workdir):
    """OCI layouts to push: gzip layers, zstd layers and a multi-platform index.

    sample_images/ of the repository first, else ../shared/images (a multi-platform index is
    then derived from the gzip image). Returns None when neither is there."""
    sample = os.path.join(root, "sample_images")
    shared = os.path.normpath(os.path.join(root, "..", "shared", "images"))
    if os.path.isdir(os.path.join(sample, "edge.oci")) and os.path.isdir(os.path.join(sample, "edge-zstd.oci")):
        images = {"gzip": (os.path.join(sample, "edge.oci"), "1.0"),
                  "zstd": (os.path.join(sample, "edge-zstd.oci"), "1.0")}
    elif os.path.isdir(os.path.join(shared, "tiny-oci")) and os.path.isdir(os.path.join(shared, "tiny-zstd-oci")):
        images = {"gzip": (os.path.join(shared, "tiny-oci"), "1.0"),
                  "zstd": (os.path.join(shared, "tiny-zstd-oci"), "1.0")}
    else:
        return None
    if os.path.isdir(os.path.join(sample, "multiarch.oci")):
        images["multi"] = (os.path.join(sample, "multiarch.oci"), "1.0")
    else:
        out = os.path.join(workdir, "multiarch.oci")
        images["multi"] = (make_multiarch_layout(images["gzip"][0], images["gzip"][1], out), "1.0")
    return images


def oci_ref(images, key):
    path, ref = images[key]
    return f"oci:{path}:{ref}"


# --------------------------------------------------------------------------- token server

def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class TokenServer:
    """Issues registry tokens for users in `users` (name -> password) and OAuth2 refresh
    tokens in `refresh_tokens`; anonymous callers get a token that grants nothing."""

    def __init__(self, workdir, users, service="layerscope-test", issuer="layerscope-test-issuer", expires_in=300):
        self.dir = tempfile.mkdtemp(prefix="token-", dir=workdir)
        self.key = os.path.join(self.dir, "signer.key")
        self.cert = os.path.join(self.dir, "signer.crt")
        run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=token signer",
             "-keyout", self.key, "-out", self.cert])
        der = subprocess.run(["openssl", "x509", "-in", self.cert, "-outform", "DER"], check=True,
                             capture_output=True).stdout
        self.x5c = base64.b64encode(der).decode()
        self.users = users
        self.refresh_tokens = {}
        self.service, self.issuer, self.expires_in = service, issuer, expires_in
        self.issued = []     # every token handed out
        self.requests = []   # (method, user or None, scope, grant)
        self.lock = threading.Lock()
        self.port = free_port()
        self.realm = f"http://127.0.0.1:{self.port}/token"
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _answer(self, status, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                from urllib.parse import urlparse, parse_qs
                q = parse_qs(urlparse(self.path).query)
                user = None
                auth = self.headers.get("Authorization", "")
                if auth.startswith("Basic "):
                    name, _, password = base64.b64decode(auth[6:]).decode().partition(":")
                    if server.users.get(name) != password:
                        server.note("GET", name, q.get("scope", [""])[0], "password-refused")
                        return self._answer(401, {"details": "incorrect username or password"})
                    user = name
                scope = q.get("scope", [""])[0]
                server.note("GET", user, scope, "password" if user else "anonymous")
                self._answer(200, server.token_answer(user, scope))

            def do_POST(self):
                from urllib.parse import parse_qs
                n = int(self.headers.get("Content-Length", "0"))
                form = parse_qs(self.rfile.read(n).decode())
                refresh = form.get("refresh_token", [""])[0]
                scope = form.get("scope", [""])[0]
                user = server.refresh_tokens.get(refresh)
                if form.get("grant_type", [""])[0] != "refresh_token" or user is None:
                    server.note("POST", None, scope, "refresh-refused")
                    return self._answer(401, {"error": "invalid_grant"})
                server.note("POST", user, scope, "refresh_token")
                self._answer(200, server.token_answer(user, scope))

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def registry_config(self):
        return {"realm": self.realm, "service": self.service, "issuer": self.issuer, "rootcertbundle": self.cert}

    def note(self, method, user, scope, grant):
        with self.lock:
            self.requests.append((method, user, scope, grant))

    def token_answer(self, user, scope):
        access = []
        if user and scope.startswith("repository:"):
            _, name, actions = scope.split(":", 2)
            access = [{"type": "repository", "name": name, "actions": actions.split(",")}]
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": self.issuer, "sub": user or "", "aud": self.service, "exp": now + 3600, "nbf": now - 10,
                  "iat": now, "jti": uuid.uuid4().hex, "access": access}
        signing_input = _b64url(json.dumps(header).encode()) + "." + _b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input.encode(),
                             check=True, capture_output=True).stdout
        token = signing_input + "." + _b64url(sig)
        with self.lock:
            self.issued.append(token)
        # expires_in is what the client goes by; the JWT itself stays valid for an hour.
        return {"token": token, "access_token": token, "expires_in": self.expires_in,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ---------------------------------------------------------------------------- fault proxy

class FaultProxy:
    """HTTP proxy to `upstream` ("127.0.0.1:PORT"). Rules are dicts checked in order:
        {"match": substring of the path, "method": "GET", "times": 1, "action": ...}
    actions: "drop" (send headers and `after_bytes` of the body, then cut the connection),
    "status" (answer `status` with `body`, plus `retry_after`), "stall" (send headers and
    `after_bytes`, then go silent for `seconds` and cut), "delay" (wait `seconds`, then
    forward), "redirect" (307 to the same path on http://localhost:PORT/_redirect/…, which
    forwards with the original request's Authorization, like a presigned URL)."""

    def __init__(self, upstream):
        self.upstream = upstream
        self.rules = []
        self.log = []  # dicts: method, path, range, action, authorization (bool)
        self.lock = threading.Lock()
        self.presigned = {}
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_HEAD(self):
                self.handle_any()

            def do_GET(self):
                self.handle_any()

            def handle_any(self):
                path = self.path
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                entry = {"method": self.command, "path": path, "range": self.headers.get("Range"),
                         "authorization": "Authorization" in self.headers, "action": "forward"}
                if path.startswith("/_redirect/"):
                    key, _, rest = path[len("/_redirect/"):].partition("/")
                    path = "/" + rest
                    entry["action"] = "redirected"
                    entry["path"] = path
                    auth = proxy.presigned.get(key)
                    if auth:
                        headers["Authorization"] = auth
                    with proxy.lock:
                        proxy.log.append(entry)
                    return self.forward(path, headers, None)
                rule = proxy.take_rule(self.command, path)
                if rule:
                    entry["action"] = rule["action"]
                with proxy.lock:
                    proxy.log.append(entry)
                if rule is None:
                    return self.forward(path, headers, None)
                action = rule["action"]
                if action == "status":
                    body = rule.get("body", "").encode()
                    self.send_response(rule["status"])
                    self.send_header("Content-Type", rule.get("content_type", "application/json"))
                    self.send_header("Content-Length", str(len(body)))
                    if "retry_after" in rule:
                        self.send_header("Retry-After", rule["retry_after"])
                    self.end_headers()
                    self.wfile.write(body)
                    return
                if action == "delay":
                    time.sleep(rule["seconds"])
                    return self.forward(path, headers, None)
                if action == "redirect":
                    key = uuid.uuid4().hex
                    if "Authorization" in self.headers:
                        proxy.presigned[key] = self.headers["Authorization"]
                    self.send_response(307)
                    self.send_header("Location", f"http://localhost:{proxy.port}/_redirect/{key}{path}")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                return self.forward(path, headers, rule)

            def forward(self, path, headers, rule):
                conn = http.client.HTTPConnection(proxy.upstream, timeout=30)
                try:
                    conn.request(self.command, path, headers=headers)
                    resp = conn.getresponse()
                    self.send_response(resp.status, resp.reason)
                    for k, v in resp.getheaders():
                        if k.lower() not in ("connection", "keep-alive", "transfer-encoding", "date", "server"):
                            self.send_header(k, v)
                    body_len = resp.getheader("Content-Length")
                    if body_len is None and self.command != "HEAD":
                        data = resp.read()
                        self.send_header("Content-Length", str(len(data)))
                        self.end_headers()
                        self.wfile.write(data)
                        return
                    self.end_headers()
                    if self.command == "HEAD":
                        return
                    if rule is None:
                        while True:
                            chunk = resp.read(64 * 1024)
                            if not chunk:
                                break
                            self.wfile.write(chunk)
                        return
                    data = resp.read()
                    self.wfile.write(data[: rule.get("after_bytes", len(data) // 2)])
                    self.wfile.flush()
                    # Let the client take in what was sent before the cut, so the drop
                    # lands mid-body rather than racing the bytes it should follow.
                    time.sleep(rule["seconds"] if rule["action"] == "stall" else 0.3)
                    self.close_connection = True
                    try:
                        self.connection.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True
                finally:
                    conn.close()

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.httpd = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def take_rule(self, method, path):
        with self.lock:
            for r in self.rules:
                if r.get("times", 1) <= 0:
                    continue
                if r.get("method", "GET") != method or r["match"] not in path:
                    continue
                r["times"] = r.get("times", 1) - 1
                return r
        return None

    def requests(self, match="", action=None):
        with self.lock:
            return [e for e in self.log if match in e["path"] and (action is None or e["action"] == action)]

    def reset(self, rules=()):
        with self.lock:
            self.rules = [dict(r) for r in rules]
            self.log = []

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# ------------------------------------------------------------------------------- helpers

def clean_env(home):
    """An environment where credentials come only from what the test puts in `home`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "XDG_RUNTIME_DIR", "http_proxy", "https_proxy",
                        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "all_proxy")}
    env["HOME"] = home
    env["NO_PROXY"] = "*"
    return env


def strip_source_fields(report):
    """An analysis report minus the fields that name where the image was read from."""
    r = json.loads(report) if isinstance(report, str) else report
    for k in ("reference", "transport", "layout"):
        r["image"].pop(k, None)
    return r
