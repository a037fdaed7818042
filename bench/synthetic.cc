#include "synthetic.h"

#include <algorithm>
#include <random>

#include "decode/byte_source.h"
#include "layer/indexer.h"
#include "support/image_builder.h"

namespace lsbench {

namespace {

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t next() { return engine_(); }
  uint64_t below(uint64_t n) { return engine_() % n; }  // the modulo bias does not matter here

 private:
  std::mt19937_64 engine_;
};

const std::vector<std::string>& vocabulary() {
  static const std::vector<std::string> words = [] {
    Rng rng(1);
    std::vector<std::string> out(512);
    for (std::string& w : out) {
      for (uint64_t len = 2 + rng.below(8); len > 0; --len) w += static_cast<char>('a' + rng.below(26));
    }
    return out;
  }();
  return words;
}

// Words separated by spaces and newlines: compresses about as well as source text.
void append_text(std::string& out, Rng& rng, size_t n) {
  const std::vector<std::string>& words = vocabulary();
  size_t end = out.size() + n;
  while (out.size() < end) {
    out += words[rng.below(words.size())];
    out += rng.below(8) == 0 ? '\n' : ' ';
  }
  out.resize(end);
}

void append_random(std::string& out, Rng& rng, size_t n) {
  size_t end = out.size() + n;
  while (out.size() < end) {
    uint64_t v = rng.next();
    for (int i = 0; i < 8; ++i) out += static_cast<char>(v >> (8 * i));
  }
  out.resize(end);
}

std::string text(Rng& rng, size_t n) {
  std::string s;
  append_text(s, rng, n);
  return s;
}

std::string build_layer_tar() {
  Rng rng(2);
  lstest::TarBuilder b;
  for (int d = 0; d < 100; ++d) {
    std::string dir = "usr/share/pkg" + std::to_string(d);
    b.dir(dir);
    for (int f = 0; f < 50; ++f) b.file(dir + "/file" + std::to_string(f) + ".txt", text(rng, rng.below(4097)));
  }
  b.dir("usr/bin");
  for (int s = 0; s < 250; ++s) {
    b.symlink("usr/bin/tool" + std::to_string(s),
              "../share/pkg" + std::to_string(rng.below(100)) + "/file" + std::to_string(rng.below(50)) + ".txt");
  }
  b.dir("usr/lib");
  for (int f = 0; f < 4; ++f) {
    std::string data;
    for (int block = 0; block < 1024; ++block) {
      if (rng.below(2)) {
        append_random(data, rng, 4096);
      } else {
        append_text(data, rng, 4096);
      }
    }
    b.file("usr/lib/libbig" + std::to_string(f) + ".so", data);
  }
  return b.finish();
}

// Writes the layers of layer_stack() one after the other, keeping track of what the layers
// so far leave visible so that every whiteout, overwrite and opaque directory hits something.
class StackWriter {
 public:
  std::string base() {
    lstest::TarBuilder b;
    for (int d = 0; d < 100; ++d) {
      std::string dir = "usr/lib/pkg" + std::to_string(d);
      b.dir(dir);
      for (int f = 0; f < 49; ++f) add_file(b, dir + "/mod" + std::to_string(f) + ".so");
      dirs_.push_back(dir);
    }
    commit();
    return b.finish();
  }

  std::string upper(int layer) {
    lstest::TarBuilder b;
    std::string tag = std::to_string(layer);
    // Whiteouts hide what the layers below hold: pick them before this layer adds anything.
    for (int i = 0; i < 100; ++i) {
      size_t k = rng_.below(files_.size());
      b.whiteout(files_[k]);
      files_[k] = files_.back();
      files_.pop_back();
    }
    if (layer % 2 == 0) b.whiteout(take_dir());
    std::string opaque = take_dir();
    b.dir(opaque).opaque(opaque);
    for (int i = 0; i < 3; ++i) add_file(b, opaque + "/refill" + tag + "-" + std::to_string(i));
    added_dirs_.push_back(opaque);
    for (int i = 0; i < 1000; ++i) b.file(files_[rng_.below(files_.size())], content());
    for (int d = 0; d < 50; ++d) {
      std::string dir = "opt/layer" + tag + "/d" + std::to_string(d);
      b.dir(dir);
      for (int f = 0; f < 77; ++f) add_file(b, dir + "/f" + std::to_string(f));
      added_dirs_.push_back(dir);
    }
    commit();
    return b.finish();
  }

 private:
  std::string content() { return text(rng_, rng_.below(513)); }

  void add_file(lstest::TarBuilder& b, const std::string& path) {
    b.file(path, content());
    added_.push_back(path);
  }

  // Removes a lower directory and the files below it from what is visible.
  std::string take_dir() {
    size_t k = rng_.below(dirs_.size());
    std::string dir = dirs_[k];
    dirs_.erase(dirs_.begin() + static_cast<std::ptrdiff_t>(k));
    std::erase_if(files_, [&](const std::string& f) { return f.starts_with(dir + "/"); });
    return dir;
  }

  void commit() {
    files_.insert(files_.end(), added_.begin(), added_.end());
    dirs_.insert(dirs_.end(), added_dirs_.begin(), added_dirs_.end());
    added_.clear();
    added_dirs_.clear();
  }

  Rng rng_{3};
  std::vector<std::string> files_;  // regular files visible in the layers written so far
  std::vector<std::string> dirs_;   // their directories that a later layer may remove
  std::vector<std::string> added_, added_dirs_;  // by the layer being written
};

LayerStack build_layer_stack() {
  LayerStack stack;
  StackWriter writer;
  for (int layer = 0; layer < 9; ++layer) {
    layerscope::MemorySource src(layer == 0 ? writer.base() : writer.upper(layer));
    stack.layers.push_back(layerscope::index_layer(src, "synthetic layer " + std::to_string(layer), {}));
    stack.entries += stack.layers.back().entries.size();
  }
  for (const layerscope::LayerIndex& l : stack.layers) stack.pointers.push_back(&l);
  return stack;
}

}  // namespace

const std::string& layer_tar() {
  static const std::string tar = build_layer_tar();
  return tar;
}

const LayerStack& layer_stack() {
  static const LayerStack stack = build_layer_stack();
  return stack;
}

const std::string& mebibyte() {
  static const std::string bytes = [] {
    Rng rng(4);
    std::string s;
    append_random(s, rng, 1 << 20);
    return s;
  }();
  return bytes;
}

}  // namespace lsbench
