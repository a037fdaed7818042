// The pure pieces of registry authentication: WWW-Authenticate parsing (RFC 7235), token
// answers and caching, registry error bodies, retry timing, base64.
#include <gtest/gtest.h>

#include "layerscope/error.h"
#include "source/registry/registry_error.h"
#include "source/registry/retry.h"
#include "source/registry/token.h"
#include "source/registry/www_authenticate.h"
#include "util/base64.h"

using namespace layerscope;
using namespace layerscope::registry;
using namespace std::chrono_literals;

TEST(WwwAuthenticate, BearerWithQuotedParameters) {
  auto c = parse_www_authenticate(
      R"(Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/python:pull")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].param("realm"), "https://auth.docker.io/token");
  EXPECT_EQ(c[0].param("service"), "registry.docker.io");
  EXPECT_EQ(c[0].param("scope"), "repository:library/python:pull");
}

TEST(WwwAuthenticate, BasicAndCaseInsensitiveNames) {
  auto c = parse_www_authenticate(R"(BASIC Realm="basic-realm")");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "basic-realm");
}

TEST(WwwAuthenticate, SeveralChallengesSpacesTokensAndEscapes) {
  auto c = parse_www_authenticate(
      R"(Basic realm="a \"quoted\" realm" , Bearer realm=https://t.example/token, service = reg, error="insufficient_scope", scope="repository:a/b:pull,push")");
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].scheme, "basic");
  EXPECT_EQ(c[0].param("realm"), "a \"quoted\" realm");
  EXPECT_EQ(c[1].scheme, "bearer");
  EXPECT_EQ(c[1].param("realm"), "https://t.example/token");
  EXPECT_EQ(c[1].param("service"), "reg");
  EXPECT_EQ(c[1].param("error"), "insufficient_scope");
  EXPECT_EQ(c[1].param("scope"), "repository:a/b:pull,push");  // a comma inside quotes stays
}

TEST(WwwAuthenticate, GarbageYieldsNothingUseful) {
  EXPECT_TRUE(parse_www_authenticate("").empty());
  auto c = parse_www_authenticate(",,, =\"x\"");
  for (const auto& ch : c) EXPECT_TRUE(ch.param("realm").empty());
  auto neg = parse_www_authenticate("Negotiate abc==, Bearer realm=\"r\"");
  ASSERT_EQ(neg.size(), 2u);
  EXPECT_EQ(neg[1].param("realm"), "r");
}

TEST(Token, ParsesTokenOrAccessToken) {
  auto a = parse_token_response(R"({"token":"t1","expires_in":300,"issued_at":"2024-01-01T00:00:00Z"})");
  EXPECT_EQ(a.token, "t1");
  EXPECT_EQ(a.expires_in, 300s);
  auto b = parse_token_response(R"({"access_token":"t2"})");
  EXPECT_EQ(b.token, "t2");
  EXPECT_EQ(b.expires_in, kDefaultTokenLifetime);
  EXPECT_THROW(parse_token_response("<html>nope</html>"), Error);
  EXPECT_THROW(parse_token_response(R"({"token":""})"), Error);
}

TEST(Token, ErrorsNeverQuoteTheBody) {
  try {
    parse_token_response(R"({"secret_field":"hunter2"})");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.text().find("hunter2"), std::string::npos);
  }
}

TEST(Token, UrlEncodesServiceAndScope) {
  EXPECT_EQ(token_url("https://auth/token", "registry.docker.io", "repository:library/python:pull"),
            "https://auth/token?service=registry.docker.io&scope=repository%3Alibrary%2Fpython%3Apull");
  EXPECT_EQ(token_url("https://auth/token?x=1", "", "s p"), "https://auth/token?x=1&scope=s%20p");
}

TEST(TokenCache, ExpiresEarlyAndRefreshes) {
  TokenCache cache;
  auto t0 = TokenCache::Clock::now();
  cache.put("repository:a:pull", "tok", 60s, t0);
  EXPECT_EQ(cache.get("repository:a:pull", t0 + 30s).value_or(""), "tok");
  EXPECT_FALSE(cache.get("repository:b:pull", t0));
  // Refreshed a tenth of the lifetime early, so a request does not leave with a dying token.
  EXPECT_TRUE(cache.get("repository:a:pull", t0 + 53s));
  EXPECT_FALSE(cache.get("repository:a:pull", t0 + 55s));
  // Long lifetimes refresh at most 10 s early.
  cache.put("s", "long", 3600s, t0);
  EXPECT_TRUE(cache.get("s", t0 + 3589s));
  EXPECT_FALSE(cache.get("s", t0 + 3591s));
}

TEST(TokenCache, DropOnlyForgetsTheSameToken) {
  TokenCache cache;
  auto t0 = TokenCache::Clock::now();
  cache.put("s", "new", 60s, t0);
  cache.drop("s", "old");  // another thread already refreshed it
  EXPECT_EQ(cache.get("s", t0).value_or(""), "new");
  cache.drop("s", "new");
  EXPECT_FALSE(cache.get("s", t0));
}

TEST(RegistryError, CodeAndMessageFromTheBody) {
  EXPECT_EQ(describe_registry_error(404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"x"}}]})"),
            "MANIFEST_UNKNOWN: manifest unknown (HTTP 404)");
  EXPECT_EQ(describe_registry_error(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})"),
            "UNAUTHORIZED: authentication required (HTTP 401)");
  EXPECT_EQ(describe_registry_error(403, R"({"errors":[{"code":"DENIED","message":"a"},{"code":"X","message":"b"}]})"),
            "DENIED: a; X: b (HTTP 403)");
}

TEST(RegistryError, HtmlIsNeverShown) {
  std::string html = "<html><body><h1>502 Bad Gateway</h1>nginx</body></html>";
  EXPECT_EQ(describe_registry_error(502, html), "HTTP 502 Bad Gateway");
  EXPECT_EQ(describe_registry_error(401, html), "UNAUTHORIZED: Unauthorized (HTTP 401)");
  EXPECT_EQ(describe_registry_error(429, ""), "TOOMANYREQUESTS: Too Many Requests (HTTP 429)");
  EXPECT_EQ(describe_registry_error(418, "{}"), "HTTP 418");
}

TEST(RegistryError, KindsAndControlCharacters) {
  EXPECT_EQ(registry_error("x", 404, "").kind(), ErrorKind::kNotFound);
  EXPECT_EQ(registry_error("x", 500, "").kind(), ErrorKind::kNetwork);
  std::string msg = describe_registry_error(400, R"({"errors":[{"code":"BAD","message":"line1\nline2\u001b[31m"}]})");
  EXPECT_EQ(msg.find('\n'), std::string::npos);
  EXPECT_EQ(msg.find('\x1b'), std::string::npos);
}

TEST(Retry, WhatIsTransient) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) EXPECT_TRUE(retryable_status(s)) << s;
  for (long s : {400L, 401L, 403L, 404L, 416L}) EXPECT_FALSE(retryable_status(s)) << s;
  EXPECT_TRUE(retryable_failure(TransportFailure::kReset));
  EXPECT_TRUE(retryable_failure(TransportFailure::kTimeout));
  EXPECT_TRUE(retryable_failure(TransportFailure::kConnect));
  EXPECT_FALSE(retryable_failure(TransportFailure::kTlsVerify));
  EXPECT_FALSE(retryable_failure(TransportFailure::kTlsHandshake));
}

TEST(Retry, BackoffDoublesWithJitterAndHonoursRetryAfter) {
  RetryPolicy p;
  for (unsigned f = 1; f <= 8; ++f) {
    auto d = p.delay(f);
    auto nominal = std::min<std::chrono::milliseconds>(p.max_delay, p.base * (1 << (f - 1)));
    EXPECT_GE(d, nominal);
    EXPECT_LE(d, nominal + nominal / 4);
  }
  EXPECT_EQ(p.delay(1, "2"), 2000ms);
  EXPECT_EQ(p.delay(1, "0"), 0ms);
  EXPECT_EQ(p.delay(1, "86400"), p.max_retry_after);
  EXPECT_GE(p.delay(1, "Wed, 21 Oct 2015 07:28:00 GMT"), p.base);  // a date: plain backoff
}

TEST(Base64, RoundTripsAndRejects) {
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("a"), "YQ==");
  EXPECT_EQ(base64_encode("ab"), "YWI=");
  for (const std::string& s : std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(base64_decode(base64_encode(s)).value_or("?"), s);
  }
  EXPECT_EQ(base64_decode("YWI").value_or("?"), "ab");        // unpadded
  EXPECT_EQ(base64_decode("-_8").value_or("?"), "\xfb\xff");  // URL alphabet
  EXPECT_FALSE(base64_decode("a!b="));
  EXPECT_FALSE(base64_decode("YQ==YQ"));
}
