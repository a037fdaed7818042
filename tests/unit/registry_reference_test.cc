// Registry reference parsing and docker's short-name normalisation
// (distribution/reference: ParseNormalizedNamed, the cases of its normalize_test.go).
#include <gtest/gtest.h>

#include "layerscope/error.h"
#include "source/registry/reference.h"

using namespace layerscope;
using namespace layerscope::registry;

namespace {

const std::string kDigest = "sha256:" + std::string(64, 'a');

}  // namespace

TEST(RegistryReference, ShortNamesGoToDockerHubLibrary) {
  auto r = parse_registry_reference("python:3.12");
  EXPECT_EQ(r.domain, "docker.io");
  EXPECT_EQ(r.repository, "library/python");
  EXPECT_EQ(r.tag, "3.12");
  EXPECT_EQ(r.api_host(), "registry-1.docker.io");
  EXPECT_EQ(r.str(), "docker.io/library/python:3.12");
}

TEST(RegistryReference, DefaultTagIsLatest) {
  auto r = parse_registry_reference("busybox");
  EXPECT_EQ(r.str(), "docker.io/library/busybox:latest");
  EXPECT_EQ(r.manifest_reference(), "latest");
}

TEST(RegistryReference, HubUserRepositoriesKeepTheirNamespace) {
  auto r = parse_registry_reference("bitnami/redis:7.2");
  EXPECT_EQ(r.domain, "docker.io");
  EXPECT_EQ(r.repository, "bitnami/redis");
  EXPECT_EQ(parse_registry_reference("index.docker.io/library/alpine").str(), "docker.io/library/alpine:latest");
  EXPECT_EQ(parse_registry_reference("docker.io/alpine").str(), "docker.io/library/alpine:latest");
}

TEST(RegistryReference, FirstComponentIsADomainOnlyWithDotColonOrLocalhost) {
  EXPECT_EQ(parse_registry_reference("ghcr.io/org/app:v1").domain, "ghcr.io");
  EXPECT_EQ(parse_registry_reference("localhost/app").domain, "localhost");
  auto r = parse_registry_reference("127.0.0.1:5000/team/app:1.0");
  EXPECT_EQ(r.domain, "127.0.0.1:5000");
  EXPECT_EQ(r.hostname(), "127.0.0.1");
  EXPECT_EQ(r.repository, "team/app");
  EXPECT_EQ(r.tag, "1.0");
  EXPECT_EQ(r.api_host(), "127.0.0.1:5000");
  // No dot, colon or "localhost": a Hub namespace, not a host.
  EXPECT_EQ(parse_registry_reference("myregistry/app").str(), "docker.io/myregistry/app:latest");
  EXPECT_EQ(parse_registry_reference("localhost:5000/app").domain, "localhost:5000");
}

TEST(RegistryReference, PortIsNotATag) {
  auto r = parse_registry_reference("registry.example.com:8443/app");
  EXPECT_EQ(r.domain, "registry.example.com:8443");
  EXPECT_EQ(r.repository, "app");
  EXPECT_EQ(r.tag, "latest");
}

TEST(RegistryReference, DigestWithAndWithoutTag) {
  auto r = parse_registry_reference("alpine@" + kDigest);
  EXPECT_EQ(r.digest, kDigest);
  EXPECT_EQ(r.tag, "");
  EXPECT_EQ(r.manifest_reference(), kDigest);
  EXPECT_EQ(r.str(), "docker.io/library/alpine@" + kDigest);
  auto both = parse_registry_reference("127.0.0.1:5000/app:1.0@" + kDigest);
  EXPECT_EQ(both.tag, "1.0");
  EXPECT_EQ(both.manifest_reference(), kDigest);  // the digest wins
}

TEST(RegistryReference, RejectsWhatDockerRejects) {
  for (const std::string& bad : std::vector<std::string>{"", "Python:3", "app:", "app:-x", "app@sha256:abc", "a//b", "-app", "app_", "ex ample",
                                "host:port/app", "a..b", "app:" + std::string(129, 't')}) {
    EXPECT_THROW(parse_registry_reference(bad), Error) << bad;
  }
  try {
    parse_registry_reference("MyApp");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(e.text().find("lowercase"), std::string::npos);
  }
}

TEST(RegistryReference, PathComponentSeparators) {
  EXPECT_EQ(parse_registry_reference("a__b/c-d/e.f/g---h").repository, "a__b/c-d/e.f/g---h");
  EXPECT_THROW(parse_registry_reference("a___b"), Error);
}

TEST(RegistryReference, LoopbackHosts) {
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("127.1.2.3"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_FALSE(is_loopback_host("127.0.0.1.example.com"));
  EXPECT_FALSE(is_loopback_host("10.0.0.1"));
  EXPECT_FALSE(is_loopback_host("registry.local"));
}
