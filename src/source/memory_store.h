// An in-memory BlobStore: tests build image layouts in memory and run the real
// interpreters and pipeline over them, with no disk and no network.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "source/blob_store.h"

namespace layerscope {

class MemoryStore : public BlobStore {
 public:
  explicit MemoryStore(std::string name = "memory") : name_(std::move(name)) {}
  void put(const std::string& path, std::string bytes) { files_[path] = std::move(bytes); }
  // Stores under blobs/sha256/<hex> and returns the digest.
  std::string put_blob(const std::string& bytes);

  std::string describe() const override { return name_; }
  bool exists(const std::string& path) const override { return files_.count(path) != 0; }
  std::optional<uint64_t> size_of(const std::string& path) const override;
  std::string read_small(const std::string& path) const override;
  std::unique_ptr<ByteSource> open(const std::string& path) const override;
  std::vector<std::string> top_level_files() const override;

 private:
  std::string name_;
  std::map<std::string, std::string> files_;
};

}  // namespace layerscope
