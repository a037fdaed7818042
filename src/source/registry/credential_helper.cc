#include "source/registry/credential_helper.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "layerscope/error.h"
#include "util/json.h"

extern char** environ;

namespace layerscope::registry {

namespace {

constexpr size_t kMaxHelperOutput = 1 << 20;

struct Fd {
  int fd = -1;
  ~Fd() { close(); }
  void close() {
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
};

bool valid_helper_name(const std::string& name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return false;
  }
  return true;
}

}  // namespace

std::optional<HelperAnswer> run_credential_helper(const std::string& name, const std::string& server_url,
                                                  int timeout_ms) {
  const std::string program = "docker-credential-" + name;
  if (!valid_helper_name(name)) throw Error(ErrorKind::kConfig, "credential helper name '" + name + "' is not valid");
  // stdin is a socket so the write below can use MSG_NOSIGNAL: a helper that exits without
  // reading must not kill us with SIGPIPE, and the signal disposition is process-wide.
  int in_pipe[2], out_pipe[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pipe) != 0) {
    throw Error(ErrorKind::kConfig, program + ": socketpair: " + std::strerror(errno));
  }
  Fd in_r{in_pipe[0]}, in_w{in_pipe[1]};
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) throw Error(ErrorKind::kConfig, program + ": pipe: " + std::strerror(errno));
  Fd out_r{out_pipe[0]}, out_w{out_pipe[1]};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_r.fd, 0);
  posix_spawn_file_actions_adddup2(&actions, out_w.fd, 1);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  char* argv[] = {const_cast<char*>(program.c_str()), const_cast<char*>("get"), nullptr};
  pid_t pid = -1;
  int rc = ::posix_spawnp(&pid, program.c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    if (rc == ENOENT) throw Error(ErrorKind::kConfig, "credential helper " + program + " is not on PATH");
    throw Error(ErrorKind::kConfig, program + ": cannot run: " + std::strerror(rc));
  }
  in_r.close();
  out_w.close();

  // The URL is tiny, far below the socket buffer: one send cannot block.
  [[maybe_unused]] auto sent = ::send(in_w.fd, server_url.data(), server_url.size(), MSG_NOSIGNAL);
  in_w.close();

  std::string out;
  bool timed_out = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{out_r.fd, POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      timed_out = n == 0;
      break;
    }
    char buf[4096];
    ssize_t got = ::read(out_r.fd, buf, sizeof buf);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    if (out.size() + static_cast<size_t>(got) > kMaxHelperOutput) break;
    out.append(buf, static_cast<size_t>(got));
  }
  if (timed_out) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) throw Error(ErrorKind::kConfig, program + " did not answer within " + std::to_string(timeout_ms / 1000) + " s");
  bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  if (!ok) {
    if (out.find("credentials not found") != std::string::npos) return std::nullopt;
    // The helper's own message may quote the secret it failed on; say only that it failed.
    throw Error(ErrorKind::kConfig, program + " get failed (exit status " +
                                        std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + ")");
  }
  nlohmann::ordered_json doc;
  try {
    doc = parse_json(out, program);
  } catch (const Error&) {
    throw Error(ErrorKind::kConfig, program + " get printed something that is not JSON");
  }
  if (!doc.is_object()) throw Error(ErrorKind::kConfig, program + " get printed something that is not a JSON object");
  HelperAnswer a;
  if (auto u = doc.find("Username"); u != doc.end() && u->is_string()) a.username = u->get<std::string>();
  if (auto s = doc.find("Secret"); s != doc.end() && s->is_string()) a.secret = s->get<std::string>();
  if (a.username.empty() && a.secret.empty()) return std::nullopt;
  return a;
}

}  // namespace layerscope::registry
