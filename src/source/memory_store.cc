#include "source/memory_store.h"

#include "layerscope/error.h"
#include "util/digest.h"

namespace layerscope {

std::string MemoryStore::put_blob(const std::string& bytes) {
  Digest d = digest_of(bytes);
  files_["blobs/sha256/" + d.hex] = bytes;
  return d.str();
}

std::optional<uint64_t> MemoryStore::size_of(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return std::nullopt;
  return it->second.size();
}

std::string MemoryStore::read_small(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) throw Error(ErrorKind::kNotFound, name_ + ": no file '" + path + "'");
  return it->second;
}

std::unique_ptr<ByteSource> MemoryStore::open(const std::string& path) const {
  return std::make_unique<MemorySource>(read_small(path));
}

std::vector<std::string> MemoryStore::top_level_files() const {
  std::vector<std::string> out;
  for (const auto& [p, b] : files_) {
    if (p.find('/') == std::string::npos) out.push_back(p);
  }
  return out;
}

}  // namespace layerscope
