// Credential lookup: --creds, podman's auth.json and docker's config.json (auths with URL
// and namespaced keys, credHelpers, credsStore) with a fake docker-credential-test helper on
// PATH. Everything lives in a temporary directory; the process environment is not consulted.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "layerscope/error.h"
#include "source/registry/credentials.h"
#include "util/base64.h"

using namespace layerscope;
using namespace layerscope::registry;
namespace fs = std::filesystem;

namespace {

class RegistryCredentials : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ls-creds-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    fs::create_directories(dir_ / "home/.docker");
    fs::create_directories(dir_ / "bin");
    // The helper answers for two servers and says "not found" for everything else; it also
    // records what it was asked, so tests can check the server URL protocol.
    write(dir_ / "bin/docker-credential-test",
          "#!/bin/sh\n"
          "[ \"$1\" = get ] || exit 2\n"
          "read -r url\n"
          "echo \"$url\" >> \"" + (dir_ / "asked").string() + "\"\n"
          "case \"$url\" in\n"
          "  helper.example.com) echo '{\"ServerURL\":\"helper.example.com\",\"Username\":\"helperuser\",\"Secret\":\"helpersecret\"}';;\n"
          "  https://index.docker.io/v1/) echo '{\"ServerURL\":\"x\",\"Username\":\"<token>\",\"Secret\":\"identity-token\"}';;\n"
          "  broken.example.com) echo 'secret-in-error-output' ; exit 3;;\n"
          "  *) echo 'credentials not found in native keychain'; exit 1;;\n"
          "esac\n");
    ::chmod((dir_ / "bin/docker-credential-test").c_str(), 0755);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", ((dir_ / "bin").string() + ":" + old_path_).c_str(), 1);
    settings_.home = (dir_ / "home").string();
  }
  void TearDown() override {
    ::setenv("PATH", old_path_.c_str(), 1);
    fs::remove_all(dir_);
  }
  static void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
  }
  void docker_config(const std::string& json) { write(dir_ / "home/.docker/config.json", json); }
  std::string asked() {
    std::ifstream f(dir_ / "asked");
    std::string s((std::istreambuf_iterator<char>(f)), {});
    return s;
  }

  fs::path dir_;
  std::string old_path_;
  CredentialSettings settings_;
};

std::string auth(const std::string& user_pass) { return base64_encode(user_pass); }

}  // namespace

TEST_F(RegistryCredentials, NoneWhenNothingIsConfigured) {
  EXPECT_FALSE(find_credentials(settings_, "127.0.0.1:5000", "app"));
}

TEST_F(RegistryCredentials, CredsFlagWinsAndIsValidated) {
  docker_config(R"({"auths":{"127.0.0.1:5000":{"auth":")" + auth("file:filepass") + R"("}}})");
  settings_.creds = "flag:pa:ss";
  auto c = find_credentials(settings_, "127.0.0.1:5000", "app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "flag");
  EXPECT_EQ(c->password, "pa:ss");  // only the first colon separates
  EXPECT_EQ(c->source, "--creds");
  settings_.creds = "nopassword";
  try {
    find_credentials(settings_, "127.0.0.1:5000", "app");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_EQ(e.text().find("nopassword"), std::string::npos);
  }
}

TEST_F(RegistryCredentials, DockerConfigAuthsByHostAndByUrl) {
  docker_config(R"({"auths":{
      "https://127.0.0.1:5000/v2/":{"auth":")" + auth("alice:s3cret") + R"("},
      "https://index.docker.io/v1/":{"auth":")" + auth("hubuser:hubpass") + R"("}}})");
  auto c = find_credentials(settings_, "127.0.0.1:5000", "team/app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "alice");
  EXPECT_EQ(c->password, "s3cret");
  EXPECT_EQ(c->source, (dir_ / "home/.docker/config.json").string());
  auto hub = find_credentials(settings_, "docker.io", "library/python");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->username, "hubuser");
  EXPECT_FALSE(find_credentials(settings_, "127.0.0.1:5001", "team/app"));
}

TEST_F(RegistryCredentials, UsernamePasswordAndIdentityTokenFields) {
  docker_config(R"({"auths":{"a.example.com":{"username":"u","password":"p"},
                             "b.example.com":{"identitytoken":"refresh-me"}}})");
  auto a = find_credentials(settings_, "a.example.com", "x");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->username, "u");
  EXPECT_EQ(a->password, "p");
  auto b = find_credentials(settings_, "b.example.com", "x");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->identity_token, "refresh-me");
}

TEST_F(RegistryCredentials, BadAuthFieldsAndJsonAreConfigErrorsWithoutSecrets) {
  docker_config(R"({"auths":{"a.example.com":{"auth":"bm9jb2xvbg=="}}})");  // "nocolon"
  try {
    find_credentials(settings_, "a.example.com", "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_EQ(e.text().find("nocolon"), std::string::npos);
  }
  docker_config(R"({"auths": {"a.example.com": {"auth": "c2VjcmV0OnNlY3JldA=="}, )");
  try {
    find_credentials(settings_, "a.example.com", "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_EQ(e.text().find("c2VjcmV0"), std::string::npos);
  }
}

TEST_F(RegistryCredentials, PodmanNamespacedKeysMostSpecificFirst) {
  write(dir_ / "auth.json", R"({"auths":{
      "quay.io":{"auth":")" + auth("org-wide:1") + R"("},
      "quay.io/team":{"auth":")" + auth("team:2") + R"("},
      "quay.io/team/app":{"auth":")" + auth("app:3") + R"("}}})");
  settings_.registry_auth_file = (dir_ / "auth.json").string();
  EXPECT_EQ(find_credentials(settings_, "quay.io", "team/app")->username, "app");
  EXPECT_EQ(find_credentials(settings_, "quay.io", "team/other")->username, "team");
  EXPECT_EQ(find_credentials(settings_, "quay.io", "elsewhere/x")->username, "org-wide");
}

TEST_F(RegistryCredentials, FileOrderAuthfileAloneAndFallthrough) {
  write(dir_ / "xdg/containers/auth.json", R"({"auths":{"r.example.com":{"auth":")" + auth("xdg:1") + R"("}}})");
  docker_config(R"({"auths":{"r.example.com":{"auth":")" + auth("docker:2") + R"("},
                             "only-docker.example.com":{"auth":")" + auth("docker:3") + R"("}}})");
  settings_.xdg_runtime_dir = (dir_ / "xdg").string();
  EXPECT_EQ(find_credentials(settings_, "r.example.com", "x")->username, "xdg");
  // A registry the first file does not know falls through to docker's config.
  EXPECT_EQ(find_credentials(settings_, "only-docker.example.com", "x")->password, "3");
  // --authfile is the only file consulted.
  write(dir_ / "explicit.json", R"({"auths":{}})");
  settings_.authfile = (dir_ / "explicit.json").string();
  EXPECT_FALSE(find_credentials(settings_, "r.example.com", "x"));
  settings_.authfile = (dir_ / "missing.json").string();
  EXPECT_THROW(find_credentials(settings_, "r.example.com", "x"), Error);
  // DOCKER_CONFIG replaces ~/.docker.
  settings_.authfile.clear();
  settings_.xdg_runtime_dir.clear();
  write(dir_ / "dc/config.json", R"({"auths":{"r.example.com":{"auth":")" + auth("dockerconfig:4") + R"("}}})");
  settings_.docker_config = (dir_ / "dc").string();
  EXPECT_EQ(find_credentials(settings_, "r.example.com", "x")->username, "dockerconfig");
}

TEST_F(RegistryCredentials, CredHelpersPerRegistry) {
  docker_config(R"({"credHelpers":{"helper.example.com":"test"},
                    "auths":{"helper.example.com":{"auth":")" + auth("inline:x") + R"("}}})");
  auto c = find_credentials(settings_, "helper.example.com", "app");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "helperuser");
  EXPECT_EQ(c->password, "helpersecret");
  EXPECT_NE(c->source.find("docker-credential-test"), std::string::npos);
  EXPECT_EQ(asked(), "helper.example.com\n");
}

TEST_F(RegistryCredentials, CredsStoreForEveryRegistryAndHubLegacyUrl) {
  docker_config(R"({"credsStore":"test","auths":{"https://index.docker.io/v1/":{}}})");
  auto hub = find_credentials(settings_, "docker.io", "library/python");
  ASSERT_TRUE(hub);
  EXPECT_EQ(hub->identity_token, "identity-token");  // Username "<token>"
  EXPECT_EQ(hub->username, "");
  EXPECT_EQ(asked(), "https://index.docker.io/v1/\n");
  // "credentials not found" is no credentials, not an error.
  EXPECT_FALSE(find_credentials(settings_, "nothing.example.com", "x"));
}

TEST_F(RegistryCredentials, FailingOrMissingHelpersAreConfigErrorsWithoutTheirOutput) {
  docker_config(R"({"credHelpers":{"broken.example.com":"test","gone.example.com":"absent"}})");
  try {
    find_credentials(settings_, "broken.example.com", "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kConfig);
    EXPECT_EQ(e.text().find("secret-in-error-output"), std::string::npos);
  }
  try {
    find_credentials(settings_, "gone.example.com", "x");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(e.text().find("docker-credential-absent"), std::string::npos);
  }
}

TEST(RegistryAuthKeys, Normalisation) {
  EXPECT_EQ(normalize_auth_key("https://index.docker.io/v1/"), "docker.io");
  EXPECT_EQ(normalize_auth_key("index.docker.io"), "docker.io");
  EXPECT_EQ(normalize_auth_key("registry-1.docker.io"), "docker.io");
  EXPECT_EQ(normalize_auth_key("http://127.0.0.1:5000/v2/"), "127.0.0.1:5000");
  EXPECT_EQ(normalize_auth_key("quay.io/org/"), "quay.io/org");
  EXPECT_EQ(normalize_auth_key("docker.io/library/x"), "docker.io/library/x");
}
