// Reading an image archive (docker save, oci-archive) without extracting it.
//
// Plain tar: one pass over the headers only (member data skipped with seeks) records each
// member's offset and size; blobs are then read in place with pread, several at a time.
// Compressed tar (`docker save | gzip`): the archive can only be read front to back, and
// manifest.json usually comes last, so every member is dealt with as it passes: metadata
// (JSON, small files) is kept in memory and every other member goes to the visitor, which
// indexes it as a candidate layer. Symlink and hardlink members (podman writes
// `<id>/layer.tar -> ../<diffid>.tar`) are resolved by name at lookup time.
#include <algorithm>
#include <cstring>
#include <map>

#include "decode/compression.h"
#include "decode/tar_reader.h"
#include "layerscope/error.h"
#include "source/blob_store.h"
#include "util/path.h"

namespace layerscope {

namespace {

struct Member {
  uint64_t offset = 0;
  uint64_t size = 0;
  bool is_link = false;   // symlink or hardlink member
  std::string target;     // cleaned archive path the link points at
  bool in_memory = false; // sequential mode: content kept
  bool streamed = false;  // sequential mode: handed to the visitor
  bool too_large = false; // sequential mode: a metadata name over the cap, skipped
  std::string content;
};

bool is_metadata_name(const std::string& path) {
  std::string_view base = base_name(path);
  return base == "manifest.json" || base == "index.json" || base == "oci-layout" || base == "repositories" ||
         base == "json" || base == "VERSION" ||
         (base.size() > 5 && base.substr(base.size() - 5) == ".json");
}

bool looks_like_json(const std::vector<uint8_t>& head) {
  for (uint8_t c : head) {
    if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
    return c == '{' || c == '[';
  }
  return false;
}

class ArchiveStore : public BlobStore {
 public:
  ArchiveStore(const std::string& path, const MemberVisitor& visitor) : file_(path) {
    std::vector<uint8_t> magic(4, 0);
    FileRangeSource probe(file_.fd(), 0, file_.size(), path);
    magic = read_up_to(probe, 4);
    Compression c = sniff_compression(magic.data(), magic.size());
    if (c == Compression::kNone) {
      index_plain();
    } else {
      sequential_ = true;
      stream_compressed(c, visitor);
    }
  }

  std::string describe() const override { return file_.path(); }
  bool sequential() const override { return sequential_; }

  bool exists(const std::string& path) const override { return lookup(path) != nullptr; }

  std::optional<uint64_t> size_of(const std::string& path) const override {
    const Member* m = lookup(path);
    if (!m) return std::nullopt;
    return m->size;
  }

  std::string canonical(const std::string& path) const override {
    std::string p = clean_entry_path(path).path;
    for (int hops = 0; hops < 16; ++hops) {
      auto it = members_.find(p);
      if (it == members_.end() || !it->second.is_link) return p;
      p = it->second.target;
    }
    throw Error(ErrorKind::kFormat, file_.path() + ": member '" + path + "': too many levels of links");
  }

  std::string read_small(const std::string& path) const override {
    const Member* m = lookup(path);
    if (!m) throw Error(ErrorKind::kNotFound, file_.path() + ": no member '" + path + "'");
    if (m->size > kMaxMetadataBytes && (m->too_large || !sequential_)) {
      throw Error(ErrorKind::kLimit, file_.path() + ": member '" + path + "' is " + std::to_string(m->size) +
                                         " bytes, over the " + std::to_string(kMaxMetadataBytes) +
                                         "-byte limit for metadata");
    }
    if (sequential_) {
      if (!m->in_memory) {
        throw Error(ErrorKind::kFormat, file_.path() + ": member '" + path + "' is not a metadata file");
      }
      return m->content;
    }
    FileRangeSource src(file_.fd(), m->offset, m->size, file_.path() + ": " + path);
    return read_all(src, kMaxMetadataBytes, file_.path() + ": " + path);
  }

  std::unique_ptr<ByteSource> open(const std::string& path) const override {
    const Member* m = lookup(path);
    if (!m) throw Error(ErrorKind::kNotFound, file_.path() + ": layer member '" + path + "' is missing");
    if (sequential_) throw Error(ErrorKind::kInternal, "open() on a sequential archive");
    return std::make_unique<FileRangeSource>(file_.fd(), m->offset, m->size, file_.path() + ": " + path);
  }

  std::vector<std::string> top_level_files() const override {
    std::vector<std::string> out;
    for (const auto& [name, m] : members_) {
      if (name.find('/') == std::string::npos) out.push_back(name);
    }
    return out;
  }

 private:
  const Member* lookup(const std::string& path) const {
    auto it = members_.find(canonical(path));
    return it == members_.end() ? nullptr : &it->second;
  }

  void add_link(const TarEntry& e, const std::string& name) {
    Member m;
    m.is_link = true;
    // Symlink targets are relative to the link's directory; hardlink targets to the root.
    m.target = e.type == TarType::kSymlink ? resolve_relative(dir_name(name), e.linkname)
                                           : clean_entry_path(e.linkname).path;
    members_[name] = std::move(m);
  }

  void index_plain() {
    FileRangeSource src(file_.fd(), 0, file_.size(), file_.path());
    TarReader tar(src, file_.path(), 16 * 1024);
    TarEntry e;
    while (tar.next(e)) {
      std::string name = clean_entry_path(e.name).path;
      if (e.type == TarType::kSymlink || e.type == TarType::kHardlink) {
        add_link(e, name);
        continue;
      }
      if (e.type != TarType::kRegular) continue;
      Member m;
      m.offset = tar.offset();
      m.size = e.size;
      if (m.offset + m.size > file_.size()) {
        throw Error(ErrorKind::kFormat, file_.path() + ": truncated archive: member '" + name + "' needs " +
                                            std::to_string(m.size) + " bytes at offset " + std::to_string(m.offset) +
                                            " but the file ends at " + std::to_string(file_.size()));
      }
      members_[name] = std::move(m);
    }
  }

  // The current member's data, pulled through `tar`, as a ByteSource for the visitor.
  class MemberSource : public ByteSource {
   public:
    explicit MemberSource(TarReader& tar) : tar_(tar) {}
    size_t read(uint8_t* buf, size_t cap) override { return tar_.read_data_some(buf, cap); }

   private:
    TarReader& tar_;
  };

  void stream_compressed(Compression c, const MemberVisitor& visitor) {
    FileRangeSource raw(file_.fd(), 0, file_.size(), file_.path());
    auto decoder = make_decoder(c, raw, file_.path());
    TarReader tar(*decoder, file_.path());
    TarEntry e;
    while (tar.next(e)) {
      std::string name = clean_entry_path(e.name).path;
      if (e.type == TarType::kSymlink || e.type == TarType::kHardlink) {
        add_link(e, name);
        continue;
      }
      if (e.type != TarType::kRegular) continue;
      Member m;
      m.size = e.size;
      // Why: an oversized manifest.json / index.json is not a layer; handing it to the
      // visitor inflated all of it and the error then said "not a metadata file".
      if (e.size > kMaxMetadataBytes && is_metadata_name(name)) {
        m.too_large = true;
        members_[name] = std::move(m);
        continue;
      }
      MemberSource data(tar);
      std::vector<uint8_t> head = read_up_to(data, 512);
      bool metadata = e.size <= kMaxMetadataBytes && (e.size == 0 || is_metadata_name(name) || looks_like_json(head));
      if (metadata) {
        m.in_memory = true;
        m.content.assign(head.begin(), head.end());
        m.content += read_all(data, kMaxMetadataBytes, file_.path() + ": " + name);
      } else {
        m.streamed = true;
        PrefixedSource whole(std::move(head), data);
        visitor(name, whole, e.size);
      }
      members_[name] = std::move(m);
    }
  }


  File file_;
  bool sequential_ = false;
  std::map<std::string, Member> members_;
};

}  // namespace

std::unique_ptr<BlobStore> open_archive_store(const std::string& path, const MemberVisitor& visitor) {
  return std::make_unique<ArchiveStore>(path, visitor);
}

}  // namespace layerscope
