// The HTTP layer under the registry client: libcurl easy handles driven through a curl
// multi handle from the calling thread, so a response body can be pulled a buffer at a time
// by ByteSource::read() (libcurl pushes; we pump it only when the reader wants bytes and
// pause it when our buffer is full, so memory stays bounded and no thread is needed).
//
// HttpPool holds a fixed number of connection slots. A slot (curl multi + easy pair) keeps
// its connections alive between requests; whoever holds its lease is the only thread using
// it, and the number of slots bounds the connections opened to the registry.
//
// Redirects are followed (registries send blob GETs to object storage); libcurl drops a
// custom Authorization header when a redirect leaves the original host. Bodies are never
// decoded (no Accept-Encoding), so blob bytes arrive exactly as stored. TLS is verified
// against the system CAs plus any extra CA certificates given; a stall timer abandons a
// transfer that receives nothing for too long.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace layerscope::registry {

struct HttpSettings {
  bool tls_verify = true;
  std::vector<std::string> ca_files;  // PEM CA certificates trusted on top of the system ones
  std::string client_cert, client_key;  // PEM files for TLS client authentication
  long connect_timeout_ms = 30'000;
  long stall_timeout_ms = 60'000;  // nothing received for this long: the transfer fails
  std::string user_agent = "layerscope";
};

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD or POST
  std::string url;
  std::vector<std::string> headers;  // "Name: value"; may carry credentials, never logged
  std::string body;                  // POST body (application/x-www-form-urlencoded)
  uint64_t range_from = 0;           // > 0: ask for bytes from this offset on (RFC 9110 14.2)
};

struct HttpHeaders {
  std::vector<std::pair<std::string, std::string>> list;  // names lowercased, final response only
  std::string get(const std::string& lowercase_name) const;  // first value or ""
};

// Why a transfer ended without a response, as far as retrying is concerned.
enum class TransportFailure {
  kNone,
  kConnect,     // refused or unreachable: maybe transient
  kTimeout,     // connect timeout or stall
  kReset,       // connection dropped mid-response: transient, resumable
  kTlsHandshake,  // the peer does not speak TLS (or refuses ours)
  kTlsVerify,   // the certificate is not trusted
  kOther,
};

struct TransportError {
  TransportFailure kind = TransportFailure::kNone;
  std::string message;  // libcurl's description; holds host names, never headers
};

class HttpConnection;

class HttpPool {
 public:
  HttpPool(HttpSettings settings, unsigned max_connections);
  ~HttpPool();
  HttpPool(const HttpPool&) = delete;
  HttpPool& operator=(const HttpPool&) = delete;

  class Lease {
   public:
    Lease(HttpPool* pool, HttpConnection* conn) : pool_(pool), conn_(conn) {}
    Lease(Lease&& other) noexcept : pool_(other.pool_), conn_(other.conn_) { other.conn_ = nullptr; }
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    HttpConnection& connection() const { return *conn_; }

   private:
    HttpPool* pool_;
    HttpConnection* conn_;
  };

  // Blocks until a slot is free.
  Lease acquire();
  const HttpSettings& settings() const { return settings_; }

  struct Tls;  // extra CA certificates, shared by every connection

 private:
  friend class Lease;
  void release(HttpConnection* conn);

  HttpSettings settings_;
  std::unique_ptr<Tls> tls_;
  std::vector<std::unique_ptr<HttpConnection>> all_;
  std::vector<HttpConnection*> free_;
  std::mutex mutex_;
  std::condition_variable cv_;
};

// One request in flight on a leased connection. Not thread-safe: one reader.
class HttpTransfer {
 public:
  HttpTransfer(HttpConnection& conn, const HttpRequest& request);
  ~HttpTransfer();
  HttpTransfer(const HttpTransfer&) = delete;
  HttpTransfer& operator=(const HttpTransfer&) = delete;

  // Runs until the final response's headers are in (true) or the transfer ended without
  // one (false: see error()).
  bool wait_headers();
  long status() const { return status_; }
  const HttpHeaders& headers() const { return headers_; }

  // Body bytes of the final response; 0 at its end or when the transfer failed (error()).
  size_t read(uint8_t* buf, size_t cap);
  // Reads the rest of the body, stopping once more than `cap` bytes are in (so a result
  // longer than `cap` means "too large" and the rest was not downloaded).
  std::string read_rest(size_t cap);
  const TransportError& error() const { return error_; }
  bool failed() const { return error_.kind != TransportFailure::kNone; }
  bool finished() const { return done_; }

 private:
  static size_t on_header(char* data, size_t size, size_t n, void* self);
  static size_t on_body(char* data, size_t size, size_t n, void* self);
  void pump();
  void finish(int curl_code);
  void abort(TransportFailure kind, std::string message);

  HttpConnection& conn_;
  void* header_list_ = nullptr;  // curl_slist*
  long status_ = 0;
  HttpHeaders headers_;
  bool headers_final_ = false;
  bool done_ = false;
  bool paused_ = false;
  std::string buffer_;
  size_t buffer_pos_ = 0;
  TransportError error_;
  std::chrono::steady_clock::time_point last_progress_;
};

}  // namespace layerscope::registry
