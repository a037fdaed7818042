#include "decode/tar_reader.h"

#include <algorithm>
#include <cstring>

#include "layerscope/error.h"
#include "util/checked.h"
#include "util/path.h"

namespace layerscope {

namespace {

constexpr size_t kBlock = 512;
constexpr uint64_t kMaxExtensionHeader = 1 << 20;  // pax / GNU long-name data we accept
// With a lending source: what fill() copies at a time (headers and the start of the data
// after them), and the largest span of data handed to the sink at once, small enough that
// the sha256 tee and the content hash both find the span in the core's L2 cache.
constexpr size_t kBorrowingFill = 16 * 1024;
constexpr uint64_t kBorrowSpan = 256 * 1024;

struct Field {
  size_t off, len;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12},
    kMtime{136, 12}, kChksum{148, 8}, kLinkname{157, 100}, kMagic{257, 6}, kPrefix{345, 155},
    kGnuRealSize{483, 12};
constexpr size_t kTypeflag = 156, kGnuIsExtended = 482;

std::string field_string(const uint8_t* h, Field f) {
  const char* p = reinterpret_cast<const char*>(h + f.off);
  return std::string(p, strnlen(p, f.len));
}

bool all_zero(const uint8_t* p, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (p[i]) return false;
  }
  return true;
}

// Octal (optionally space/NUL padded) or GNU base-256 (high bit of the first byte set).
bool parse_numeric(const uint8_t* h, Field f, uint64_t* out, bool* negative) {
  const uint8_t* p = h + f.off;
  *negative = false;
  if (p[0] & 0x80) {
    if (p[0] == 0xff) {
      *negative = true;
      return true;
    }
    uint64_t v = p[0] & 0x3f;  // 0x80 marker; 0x40 would be the sign bit
    if (p[0] & 0x40) {
      *negative = true;
      return true;
    }
    for (size_t i = 1; i < f.len; ++i) {
      if (v >> 56) return false;  // overflow
      v = (v << 8) | p[i];
    }
    *out = v;
    return true;
  }
  size_t i = 0;
  while (i < f.len && (p[i] == ' ' || p[i] == 0)) ++i;
  uint64_t v = 0;
  bool digits = false;
  for (; i < f.len; ++i) {
    uint8_t c = p[i];
    if (c == ' ' || c == 0) break;
    if (c < '0' || c > '7') return false;
    if (v >> 61) return false;
    v = v * 8 + (c - '0');
    digits = true;
  }
  for (; i < f.len; ++i) {
    if (p[i] != ' ' && p[i] != 0) return false;
  }
  *out = digits ? v : 0;
  return true;
}

bool checksum_ok(const uint8_t* h, uint64_t stored) {
  uint64_t unsigned_sum = 0;
  int64_t signed_sum = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    uint8_t c = (i >= kChksum.off && i < kChksum.off + kChksum.len) ? ' ' : h[i];
    unsigned_sum += c;
    signed_sum += static_cast<int8_t>(c);
  }
  return stored == unsigned_sum || static_cast<int64_t>(stored) == signed_sum;
}

TarType type_of(char flag) {
  switch (flag) {
    case '0': case '\0': case '7': return TarType::kRegular;
    case 'S': return TarType::kSparse;
    case '1': return TarType::kHardlink;
    case '2': return TarType::kSymlink;
    case '3': return TarType::kChar;
    case '4': return TarType::kBlock;
    case '5': return TarType::kDirectory;
    case '6': return TarType::kFifo;
    default: return TarType::kOther;
  }
}

bool header_only(TarType t) {
  return t == TarType::kHardlink || t == TarType::kSymlink || t == TarType::kChar ||
         t == TarType::kBlock || t == TarType::kDirectory || t == TarType::kFifo;
}

}  // namespace

TarReader::TarReader(ByteSource& src, std::string what, size_t buffer_size)
    : src_(src),
      what_(std::move(what)),
      buf_(std::max(buffer_size, 4 * kBlock)),
      borrowing_(src.can_borrow()),
      fill_chunk_(borrowing_ ? std::min(buf_.size(), kBorrowingFill) : buf_.size()) {}

void TarReader::fail(const std::string& why, uint64_t at) const {
  std::string where = current_name_.empty() ? "" : ": " + current_name_;
  throw Error(ErrorKind::kFormat, what_ + where + ": " + why + " at tar offset " + std::to_string(at));
}

bool TarReader::fill(size_t need) {
  if (len_ - pos_ >= need) return true;
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, len_ - pos_);
    len_ -= pos_;
    pos_ = 0;
  }
  while (len_ < need && !eof_) {
    size_t room = buf_.size() - len_;
    size_t got = src_.read(buf_.data() + len_, need - len_ <= fill_chunk_ ? std::min(room, fill_chunk_) : room);
    if (got == 0) {
      eof_ = true;
      break;
    }
    len_ += got;
  }
  return len_ - pos_ >= need;
}

void TarReader::consume(size_t n) {
  pos_ += n;
  offset_ += n;
}

void TarReader::skip_bytes(uint64_t n, const char* inside) {
  uint64_t in_buf = std::min<uint64_t>(n, len_ - pos_);
  consume(static_cast<size_t>(in_buf));
  n -= in_buf;
  if (n == 0) return;
  uint64_t skipped = eof_ ? 0 : src_.skip(n);
  offset_ += skipped;
  if (skipped < n) fail(std::string("truncated tar: stream ends inside ") + inside, offset_);
}

void TarReader::read_exact(std::string& out, uint64_t n, const char* what) {
  if (n > kMaxExtensionHeader) {
    throw Error(ErrorKind::kLimit, what_ + ": " + what + " of " + std::to_string(n) +
                                       " bytes exceeds the 1 MiB limit at tar offset " + std::to_string(offset_));
  }
  out.clear();
  while (out.size() < n) {
    if (!fill(1)) fail(std::string("truncated tar: stream ends inside ") + what, offset_);
    size_t take = static_cast<size_t>(std::min<uint64_t>(n - out.size(), len_ - pos_));
    out.append(reinterpret_cast<const char*>(buf_.data() + pos_), take);
    consume(take);
  }
}

void TarReader::apply_pax(const std::string& data, TarEntry& e, bool global) {
  size_t i = 0;
  while (i < data.size()) {
    size_t sp = data.find(' ', i);
    if (sp == std::string::npos) fail("malformed pax record", offset_);
    uint64_t len = 0;
    for (size_t k = i; k < sp; ++k) {
      if (data[k] < '0' || data[k] > '9' || len > (1u << 24)) fail("malformed pax record length", offset_);
      len = len * 10 + static_cast<uint64_t>(data[k] - '0');
    }
    if (len < sp - i + 3 || i + len > data.size() || data[i + len - 1] != '\n') {
      fail("malformed pax record", offset_);
    }
    std::string rec = data.substr(sp + 1, i + len - 1 - (sp + 1));
    i += len;
    size_t eq = rec.find('=');
    if (eq == std::string::npos) fail("malformed pax record (no '=')", offset_);
    std::string key = rec.substr(0, eq);
    std::string value = rec.substr(eq + 1);
    if (global) continue;  // global pax records (comments, mtimes) do not change what we count
    // Why: a NUL cannot be part of a file name, and a C-string consumer (a runtime's
    // extraction, our text report) would see a different name than the tar says. Go's
    // archive/tar refuses these records too (validPAXRecord).
    if ((key == "path" || key == "linkpath" || key == "GNU.sparse.name") && value.find('\0') != std::string::npos) {
      fail("pax " + key + " contains a NUL byte", offset_);
    }
    auto number = [&](uint64_t* out) {
      uint64_t v = 0;
      if (value.empty()) fail("malformed pax " + key, offset_);
      for (char c : value) {
        if (c < '0' || c > '9') fail("malformed pax " + key + " '" + value.substr(0, 32) + "'", offset_);
        if (v > (UINT64_MAX - 9) / 10) fail("pax " + key + " overflows", offset_);
        v = v * 10 + static_cast<uint64_t>(c - '0');
      }
      *out = v;
    };
    if (key == "path") {
      e.name = value;
      if (!is_valid_utf8(value)) e.pax_path_invalid_utf8 = true;
    } else if (key == "linkpath") {
      e.linkname = value;
    } else if (key == "size") {
      pax_size_set_ = true;
      number(&e.declared_size);
      e.size = e.declared_size;
    } else if (key == "uid") {
      number(&e.uid);
    } else if (key == "gid") {
      number(&e.gid);
    } else if (key == "mtime") {
      e.mtime = std::strtoll(value.c_str(), nullptr, 10);
    } else if (key == "GNU.sparse.name") {
      e.name = value;
      e.type = TarType::kSparse;
    } else if (key.rfind("GNU.sparse.", 0) == 0) {
      e.type = TarType::kSparse;
    }
  }
}

bool TarReader::next(TarEntry& e) {
  // Finish the previous entry: skip its unread data and padding.
  if (data_left_ || pad_left_) {
    uint64_t rest = data_left_ + pad_left_;
    data_left_ = pad_left_ = 0;
    skip_bytes(rest, "entry data");
  }
  current_name_.clear();
  pax_size_set_ = false;
  e = TarEntry{};
  e.header_offset = offset_;
  bool have_pax = false, have_long_name = false, have_long_link = false;
  TarEntry pax;  // fields set by a preceding pax header
  std::string long_name, long_link;
  for (;;) {
    if (!fill(kBlock)) {
      if (len_ - pos_ == 0 && !have_pax && !have_long_name && !have_long_link) return false;
      fail("truncated tar: stream ends inside a header", offset_);
    }
    const uint8_t* h = buf_.data() + pos_;
    if (all_zero(h, kBlock)) {
      if (have_pax || have_long_name || have_long_link) fail("extension header not followed by an entry", offset_);
      return false;  // end-of-archive marker; finish() accounts for it
    }
    uint64_t chk = 0, size = 0;
    bool neg = false;
    if (!parse_numeric(h, kChksum, &chk, &neg) || !checksum_ok(h, chk)) {
      fail("bad tar header checksum (not a tar archive, or corrupt)", offset_);
    }
    if (!parse_numeric(h, kSize, &size, &neg) || neg) fail("invalid size field in tar header", offset_);
    char flag = static_cast<char>(h[kTypeflag]);
    std::string magic = field_string(h, kMagic);
    bool gnu = std::memcmp(h + kMagic.off, "ustar  ", 8) == 0;
    uint64_t hdr_off = offset_;
    consume(kBlock);
    e.header_bytes += kBlock;

    if (flag == 'x' || flag == 'g' || flag == 'L' || flag == 'K') {
      std::string data;
      const char* label = flag == 'L' ? "GNU long name" : flag == 'K' ? "GNU long link name" : "pax header";
      read_exact(data, size, label);
      uint64_t padded = round_up_512(size, what_);
      if (padded > size) skip_bytes(padded - size, label);
      e.header_bytes += padded;
      if (flag == 'x') {
        apply_pax(data, pax, false);
        have_pax = true;
      } else if (flag == 'g') {
        apply_pax(data, pax, true);
      } else if (flag == 'L') {
        long_name.assign(data.c_str(), strnlen(data.c_str(), data.size()));
        have_long_name = true;
      } else {
        long_link.assign(data.c_str(), strnlen(data.c_str(), data.size()));
        have_long_link = true;
      }
      continue;
    }

    // The real header.
    e.typeflag = flag;
    e.type = type_of(flag);
    std::string name = field_string(h, kName);
    if (!gnu && magic == "ustar") {
      std::string prefix = field_string(h, kPrefix);
      if (!prefix.empty()) name = prefix + "/" + name;
    }
    e.name = have_long_name ? long_name : name;
    e.linkname = have_long_link ? long_link : field_string(h, kLinkname);
    uint64_t v = 0;
    if (!parse_numeric(h, kMode, &v, &neg)) fail("invalid mode field", hdr_off);
    e.mode = static_cast<uint32_t>(v & 07777);
    if (!parse_numeric(h, kUid, &e.uid, &neg)) fail("invalid uid field", hdr_off);
    if (!parse_numeric(h, kGid, &e.gid, &neg)) fail("invalid gid field", hdr_off);
    uint64_t mt = 0;
    if (parse_numeric(h, kMtime, &mt, &neg)) e.mtime = neg ? 0 : static_cast<int64_t>(mt);
    e.declared_size = size;
    e.size = size;
    // An old-style regular entry whose name ends in '/' is a directory (as tarfile and Go read it).
    if (flag == '\0' && !e.name.empty() && e.name.back() == '/') e.type = TarType::kDirectory;

    if (e.type == TarType::kSparse && gnu) {
      uint64_t real = 0;
      parse_numeric(h, kGnuRealSize, &real, &neg);
      bool extended = h[kGnuIsExtended] != 0;
      while (extended) {
        if (!fill(kBlock)) fail("truncated tar: stream ends inside a sparse header", offset_);
        extended = buf_[pos_ + 504] != 0;
        consume(kBlock);
        e.header_bytes += kBlock;
      }
    }
    if (have_pax) {
      if (!pax.name.empty()) e.name = pax.name;
      if (!pax.linkname.empty()) e.linkname = pax.linkname;
      if (pax_size_set_) {
        e.declared_size = pax.declared_size;
        e.size = pax.size;
      }
      if (pax.uid) e.uid = pax.uid;
      if (pax.gid) e.gid = pax.gid;
      if (pax.mtime) e.mtime = pax.mtime;
      if (pax.type == TarType::kSparse) e.type = TarType::kSparse;
      e.pax_path_invalid_utf8 = pax.pax_path_invalid_utf8;
    }
    if (header_only(e.type)) e.size = 0;
    current_name_ = e.name;
    data_left_ = e.size;
    uint64_t padded = round_up_512(e.size, what_);
    pad_left_ = padded - e.size;
    e.padding_bytes = pad_left_;
    data_read_ = false;
    return true;
  }
}

void TarReader::read_data(const std::function<void(const uint8_t*, size_t)>& sink) {
  while (data_left_) {
    if (pos_ == len_ && borrowing_ && !eof_) {
      // The buffer is drained: take the rest of the data straight from the source's buffer.
      const uint8_t* data = nullptr;
      size_t got = src_.borrow(&data, static_cast<size_t>(std::min(data_left_, kBorrowSpan)));
      if (got == 0) {
        eof_ = true;
        fail("truncated tar: stream ends inside the data of this entry", offset_);
      }
      sink(data, got);
      offset_ += got;
      data_left_ -= got;
      continue;
    }
    if (pos_ == len_) {
      pos_ = len_ = 0;
      if (eof_) fail("truncated tar: stream ends inside the data of this entry", offset_);
      size_t got = src_.read(buf_.data(), buf_.size());
      if (got == 0) {
        eof_ = true;
        fail("truncated tar: stream ends inside the data of this entry", offset_);
      }
      len_ = got;
    }
    size_t take = static_cast<size_t>(std::min<uint64_t>(data_left_, len_ - pos_));
    sink(buf_.data() + pos_, take);
    consume(take);
    data_left_ -= take;
  }
  if (pad_left_) {
    uint64_t pad = pad_left_;
    pad_left_ = 0;
    skip_bytes(pad, "entry padding");
  }
  data_read_ = true;
}

size_t TarReader::read_data_some(uint8_t* out, size_t cap) {
  if (!data_left_ || cap == 0) return 0;
  if (pos_ == len_) {
    pos_ = len_ = 0;
    size_t got = eof_ ? 0 : src_.read(buf_.data(), buf_.size());
    if (got == 0) {
      eof_ = true;
      fail("truncated tar: stream ends inside the data of this entry", offset_);
    }
    len_ = got;
  }
  size_t take = static_cast<size_t>(std::min<uint64_t>({data_left_, len_ - pos_, cap}));
  std::memcpy(out, buf_.data() + pos_, take);
  consume(take);
  data_left_ -= take;
  return take;
}

uint64_t TarReader::finish(uint64_t max_trailing, bool* nonzero) {
  uint64_t start = offset_;
  *nonzero = false;
  for (;;) {
    if (pos_ == len_) {
      pos_ = len_ = 0;
      if (eof_) break;
      size_t got = src_.read(buf_.data(), buf_.size());
      if (got == 0) {
        eof_ = true;
        break;
      }
      len_ = got;
    }
    if (!*nonzero && !all_zero(buf_.data() + pos_, len_ - pos_)) *nonzero = true;
    consume(len_ - pos_);
    if (offset_ - start > max_trailing) {
      throw Error(ErrorKind::kLimit, what_ + ": more than " + std::to_string(max_trailing) +
                                         " bytes follow the end-of-archive marker (decompression bomb?)");
    }
  }
  return offset_ - start;
}

}  // namespace layerscope
