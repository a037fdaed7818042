#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

#include "layerscope/error.h"
#include "source/blob_store.h"

namespace layerscope {

namespace {

// A blob stream that owns its file.
class OwnedFileSource : public ByteSource {
 public:
  explicit OwnedFileSource(const std::string& path)
      : file_(path), range_(file_.fd(), 0, file_.size(), path) {}
  size_t read(uint8_t* buf, size_t cap) override { return range_.read(buf, cap); }
  uint64_t skip(uint64_t n) override { return range_.skip(n); }

 private:
  File file_;
  FileRangeSource range_;
};

class DirStore : public BlobStore {
 public:
  explicit DirStore(std::string root) : root_(std::move(root)) {
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }

  std::string describe() const override { return root_; }

  bool exists(const std::string& path) const override {
    struct stat st {};
    return ::stat(full(path).c_str(), &st) == 0 && S_ISREG(st.st_mode);
  }

  std::optional<uint64_t> size_of(const std::string& path) const override {
    struct stat st {};
    if (::stat(full(path).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
    return static_cast<uint64_t>(st.st_size);
  }

  std::string read_small(const std::string& path) const override {
    if (!exists(path)) throw Error(ErrorKind::kNotFound, full(path) + ": no such file");
    // Why: an oversized index.json or manifest is refused on its size, not after 64 MiB of reading.
    uint64_t size = size_of(path).value_or(0);
    if (size > kMaxMetadataBytes) {
      throw Error(ErrorKind::kLimit, full(path) + ": " + std::to_string(size) + " bytes, over the " +
                                         std::to_string(kMaxMetadataBytes) + "-byte limit for metadata");
    }
    OwnedFileSource src(full(path));
    return read_all(src, kMaxMetadataBytes, full(path));
  }

  std::unique_ptr<ByteSource> open(const std::string& path) const override {
    if (!exists(path)) throw Error(ErrorKind::kNotFound, full(path) + ": blob is missing");
    return std::make_unique<OwnedFileSource>(full(path));
  }

  std::vector<std::string> top_level_files() const override {
    std::vector<std::string> out;
    DIR* d = ::opendir(root_.c_str());
    if (!d) return out;
    while (dirent* ent = ::readdir(d)) {
      std::string name = ent->d_name;
      if (name != "." && name != ".." && exists(name)) out.push_back(name);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
  }

 private:
  std::string full(const std::string& path) const { return root_ + "/" + path; }
  std::string root_;
};

}  // namespace

std::unique_ptr<BlobStore> open_dir_store(const std::string& root) { return std::make_unique<DirStore>(root); }

}  // namespace layerscope
