#include "source/registry/http_client.h"

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "layerscope/error.h"
#include "util/text.h"

namespace layerscope::registry {

namespace {

// Past this many buffered body bytes the transfer is paused until the reader catches up.
constexpr size_t kPauseAtBytes = 512 * 1024;
constexpr long kMaxRedirects = 10;
constexpr long kPollSliceMs = 1000;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) ++b;
  while (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) --e;
  return std::string(s.substr(b, e - b));
}

TransportFailure classify(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
      return TransportFailure::kConnect;
    case CURLE_COULDNT_RESOLVE_HOST:  // a misspelt host does not come back on a retry
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportFailure::kOther;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportFailure::kTimeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_PARTIAL_FILE:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return TransportFailure::kReset;
    case CURLE_SSL_CONNECT_ERROR:
      return TransportFailure::kTlsHandshake;
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return TransportFailure::kTlsVerify;
    default:
      return TransportFailure::kOther;
  }
}

}  // namespace

std::string HttpHeaders::get(const std::string& lowercase_name) const {
  for (const auto& [k, v] : list) {
    if (k == lowercase_name) return v;
  }
  return "";
}

// Extra CA certificates, parsed once and added to every TLS context libcurl makes.
struct HttpPool::Tls {
  std::vector<X509*> cas;
  ~Tls() {
    for (X509* c : cas) X509_free(c);
  }
  static CURLcode add_to_context(CURL*, void* ssl_ctx, void* self) {
    X509_STORE* store = SSL_CTX_get_cert_store(static_cast<SSL_CTX*>(ssl_ctx));
    for (X509* c : static_cast<Tls*>(self)->cas) X509_STORE_add_cert(store, c);  // duplicates are ignored
    return CURLE_OK;
  }
};

class HttpConnection {
 public:
  HttpConnection(const HttpSettings& settings, HttpPool::Tls* tls) : settings(settings), tls(tls) {
    multi = curl_multi_init();
    easy = curl_easy_init();
    if (!multi || !easy) throw Error(ErrorKind::kInternal, "libcurl could not be initialised");
  }
  ~HttpConnection() {
    curl_easy_cleanup(easy);
    curl_multi_cleanup(multi);
  }
  const HttpSettings& settings;
  HttpPool::Tls* tls;
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  char errbuf[CURL_ERROR_SIZE] = {};
};

HttpPool::HttpPool(HttpSettings settings, unsigned max_connections)
    : settings_(std::move(settings)), tls_(std::make_unique<Tls>()) {
  global_init();
  for (const auto& path : settings_.ca_files) {
    BIO* bio = BIO_new_file(path.c_str(), "r");
    if (!bio) throw Error(ErrorKind::kConfig, path + ": cannot read the CA certificate");
    size_t before = tls_->cas.size();
    while (X509* cert = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) tls_->cas.push_back(cert);
    BIO_free(bio);
    if (tls_->cas.size() == before) throw Error(ErrorKind::kConfig, path + ": holds no PEM certificate");
  }
  unsigned n = std::max(1u, max_connections);
  for (unsigned i = 0; i < n; ++i) {
    all_.push_back(std::make_unique<HttpConnection>(settings_, tls_.get()));
    free_.push_back(all_.back().get());
  }
}

HttpPool::~HttpPool() = default;

HttpPool::Lease HttpPool::acquire() {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return !free_.empty(); });
  HttpConnection* c = free_.back();
  free_.pop_back();
  return Lease(this, c);
}

void HttpPool::release(HttpConnection* conn) {
  {
    std::lock_guard lock(mutex_);
    free_.push_back(conn);
  }
  cv_.notify_one();
}

HttpPool::Lease::~Lease() {
  if (conn_) pool_->release(conn_);
}

HttpTransfer::HttpTransfer(HttpConnection& conn, const HttpRequest& request) : conn_(conn) {
  CURL* e = conn.easy;
  const HttpSettings& s = conn.settings;
  curl_easy_reset(e);
  conn.errbuf[0] = 0;
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, conn.errbuf);
  curl_easy_setopt(e, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, kMaxRedirects);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, s.connect_timeout_ms);
  curl_easy_setopt(e, CURLOPT_USERAGENT, s.user_agent.c_str());
  curl_easy_setopt(e, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpTransfer::on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpTransfer::on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, this);
  if (!s.tls_verify) {
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  if (!conn.tls->cas.empty()) {
    // The extra CAs are added to the context's store; a cached store would be shared with
    // contexts that never saw them, so caching is off.
    curl_easy_setopt(e, CURLOPT_CA_CACHE_TIMEOUT, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_FUNCTION, &HttpPool::Tls::add_to_context);
    curl_easy_setopt(e, CURLOPT_SSL_CTX_DATA, conn.tls);
  }
  if (!s.client_cert.empty()) {
    curl_easy_setopt(e, CURLOPT_SSLCERT, s.client_cert.c_str());
    curl_easy_setopt(e, CURLOPT_SSLKEY, s.client_key.c_str());
  }
  if (request.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  } else if (request.method == "POST") {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, static_cast<long>(request.body.size()));
    curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, request.body.c_str());
  }
  if (request.range_from > 0) {
    std::string range = std::to_string(request.range_from) + "-";
    curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& h : request.headers) list = curl_slist_append(list, h.c_str());
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip for POSTs
  header_list_ = list;
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
  last_progress_ = std::chrono::steady_clock::now();
  if (curl_multi_add_handle(conn.multi, e) != CURLM_OK) {
    curl_slist_free_all(list);
    header_list_ = nullptr;
    throw Error(ErrorKind::kInternal, "libcurl refused a transfer");
  }
}

HttpTransfer::~HttpTransfer() {
  if (!done_) curl_multi_remove_handle(conn_.multi, conn_.easy);
  // The header list may hold an Authorization header: wipe it before freeing.
  for (auto* l = static_cast<curl_slist*>(header_list_); l; l = l->next) {
    std::memset(l->data, 0, std::strlen(l->data));
  }
  curl_slist_free_all(static_cast<curl_slist*>(header_list_));
}

size_t HttpTransfer::on_header(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<HttpTransfer*>(self);
  size_t len = size * n;
  std::string_view line(data, len);
  t->last_progress_ = std::chrono::steady_clock::now();
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response (after a redirect or a 1xx): only the last one's headers count.
    t->headers_.list.clear();
    t->headers_final_ = false;
    auto sp = line.find(' ');
    t->status_ = sp == std::string_view::npos ? 0 : std::atol(std::string(line.substr(sp + 1, 3)).c_str());
    return len;
  }
  std::string text = trim(line);
  if (text.empty()) {
    bool informational = t->status_ < 200;
    bool redirect = t->status_ >= 300 && t->status_ < 400 && !t->headers_.get("location").empty();
    if (!informational && !redirect) t->headers_final_ = true;
    return len;
  }
  auto colon = text.find(':');
  if (colon != std::string::npos) {
    t->headers_.list.emplace_back(ascii_lower(text.substr(0, colon)), trim(std::string_view(text).substr(colon + 1)));
  }
  return len;
}

size_t HttpTransfer::on_body(char* data, size_t size, size_t n, void* self) {
  auto* t = static_cast<HttpTransfer*>(self);
  size_t len = size * n;
  if (!t->headers_final_) return len;  // the body of a redirect: not ours
  if (t->buffer_.size() - t->buffer_pos_ >= kPauseAtBytes) {
    t->paused_ = true;
    return CURL_WRITEFUNC_PAUSE;  // libcurl keeps this chunk and hands it over again later
  }
  if (t->buffer_pos_ > 0 && t->buffer_pos_ == t->buffer_.size()) {
    t->buffer_.clear();
    t->buffer_pos_ = 0;
  }
  t->buffer_.append(data, len);
  t->last_progress_ = std::chrono::steady_clock::now();
  return len;
}

void HttpTransfer::finish(int code) {
  curl_multi_remove_handle(conn_.multi, conn_.easy);
  done_ = true;
  if (!headers_final_ && code == CURLE_OK) {
    curl_easy_getinfo(conn_.easy, CURLINFO_RESPONSE_CODE, &status_);
    headers_final_ = true;
  }
  if (code != CURLE_OK) {
    error_.kind = classify(static_cast<CURLcode>(code));
    error_.message = conn_.errbuf[0] ? conn_.errbuf : curl_easy_strerror(static_cast<CURLcode>(code));
  }
}

void HttpTransfer::abort(TransportFailure kind, std::string message) {
  curl_multi_remove_handle(conn_.multi, conn_.easy);  // closes the connection mid-response
  done_ = true;
  error_.kind = kind;
  error_.message = std::move(message);
}

void HttpTransfer::pump() {
  if (done_) return;
  if (paused_) {
    paused_ = false;
    curl_easy_pause(conn_.easy, CURLPAUSE_CONT);  // may deliver the held chunk right away
    if (buffer_pos_ < buffer_.size()) return;
  }
  int running = 0;
  CURLMcode mc = curl_multi_perform(conn_.multi, &running);
  if (mc != CURLM_OK) return abort(TransportFailure::kOther, curl_multi_strerror(mc));
  int left = 0;
  while (CURLMsg* m = curl_multi_info_read(conn_.multi, &left)) {
    if (m->msg == CURLMSG_DONE && m->easy_handle == conn_.easy) return finish(m->data.result);
  }
  if (buffer_pos_ < buffer_.size() || paused_) return;
  auto now = std::chrono::steady_clock::now();
  auto quiet = std::chrono::duration_cast<std::chrono::milliseconds>(now - last_progress_).count();
  long stall = conn_.settings.stall_timeout_ms;
  if (quiet >= stall) {
    char text[64];
    std::snprintf(text, sizeof text, "no data received for %.1f s", static_cast<double>(stall) / 1000.0);
    return abort(TransportFailure::kTimeout, text);
  }
  int fds = 0;
  curl_multi_poll(conn_.multi, nullptr, 0, static_cast<int>(std::min<long>(kPollSliceMs, stall - quiet)), &fds);
}

bool HttpTransfer::wait_headers() {
  last_progress_ = std::chrono::steady_clock::now();
  while (!headers_final_ && !done_) pump();
  return headers_final_ && !failed();
}

size_t HttpTransfer::read(uint8_t* buf, size_t cap) {
  if (buffer_pos_ == buffer_.size()) {
    // The stall clock runs only while we wait: time the reader spent elsewhere is not silence.
    last_progress_ = std::chrono::steady_clock::now();
    while (buffer_pos_ == buffer_.size() && !done_) pump();
  }
  size_t n = std::min(cap, buffer_.size() - buffer_pos_);
  std::memcpy(buf, buffer_.data() + buffer_pos_, n);
  buffer_pos_ += n;
  return n;
}

std::string HttpTransfer::read_rest(size_t cap) {
  std::string out;
  uint8_t buf[16 * 1024];
  while (out.size() <= cap) {
    size_t n = read(buf, std::min(sizeof buf, cap + 1 - out.size()));
    if (n == 0) break;
    out.append(reinterpret_cast<char*>(buf), n);
  }
  return out;
}

}  // namespace layerscope::registry
