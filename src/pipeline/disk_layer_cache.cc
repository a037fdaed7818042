#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <vector>

#include "layer/index_codec.h"
#include "layerscope/layer_cache.h"
#include "util/digest.h"

namespace layerscope {

namespace {

constexpr const char* kSuffix = ".lsidx";

bool make_dirs(const std::string& path) {
  std::string p;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || (path[i] == '/' && i > 0)) {
      p = path.substr(0, i);
      if (::mkdir(p.c_str(), 0755) != 0 && errno != EEXIST) return false;
    }
  }
  return true;
}

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {};
  std::string out;
  char buf[1 << 16];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fd);
  return out;
}

class DiskLayerCache : public LayerCache {
 public:
  DiskLayerCache(std::string dir, uint64_t max_bytes) : dir_(std::move(dir)), max_bytes_(max_bytes) {
    usable_ = make_dirs(dir_) && ::access(dir_.c_str(), W_OK) == 0;
  }

  std::optional<LayerIndex> get(const std::string& key) override {
    if (!usable_) return std::nullopt;
    std::string path = path_of(key);
    std::string bytes = read_file(path);
    if (bytes.empty()) return std::nullopt;
    auto index = decode_layer_index(bytes, key);
    if (!index) {
      ::unlink(path.c_str());  // damaged or stale: never trusted, rewritten by the next put
      return std::nullopt;
    }
    ::utimensat(AT_FDCWD, path.c_str(), nullptr, 0);  // recently used
    return index;
  }

  void put(const std::string& key, const LayerIndex& index) override {
    if (!usable_) return;
    std::string bytes = encode_layer_index(index, key);
    std::string tmp = dir_ + "/.tmp-XXXXXX";
    int fd = ::mkstemp(tmp.data());
    if (fd < 0) return;
    bool ok = true;
    for (size_t off = 0; ok && off < bytes.size();) {
      ssize_t n = ::write(fd, bytes.data() + off, bytes.size() - off);
      if (n <= 0) ok = false;
      else off += static_cast<size_t>(n);
    }
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path_of(key).c_str()) != 0) {
      ::unlink(tmp.c_str());
      return;
    }
    evict();
  }

 private:
  std::string path_of(const std::string& key) const { return dir_ + "/" + digest_of(key).hex + kSuffix; }

  // Least recently used first, down to 90% of the cap so eviction does not run on every put.
  void evict() {
    struct Item {
      std::string path;
      uint64_t size;
      int64_t mtime;
    };
    std::vector<Item> items;
    uint64_t total = 0;
    DIR* d = ::opendir(dir_.c_str());
    if (!d) return;
    while (dirent* ent = ::readdir(d)) {
      std::string name = ent->d_name;
      if (name.size() < 7 || name.compare(name.size() - 6, 6, kSuffix) != 0) continue;
      struct stat st {};
      std::string p = dir_ + "/" + name;
      if (::stat(p.c_str(), &st) != 0) continue;
      items.push_back({p, static_cast<uint64_t>(st.st_size), static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec});
      total += static_cast<uint64_t>(st.st_size);
    }
    ::closedir(d);
    if (total <= max_bytes_) return;
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) { return a.mtime < b.mtime; });
    for (const auto& it : items) {
      if (total <= max_bytes_ / 10 * 9) break;
      if (::unlink(it.path.c_str()) == 0) total -= it.size;
    }
  }

  std::string dir_;
  uint64_t max_bytes_;
  bool usable_ = false;
};

}  // namespace

std::unique_ptr<LayerCache> open_disk_layer_cache(const std::string& dir, uint64_t max_bytes) {
  return std::make_unique<DiskLayerCache>(dir, max_bytes);
}

std::string default_cache_dir() {
  if (const char* d = std::getenv("LAYERSCOPE_CACHE_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/layerscope";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/layerscope";
  return "";
}

}  // namespace layerscope
