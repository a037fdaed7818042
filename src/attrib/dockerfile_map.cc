// History <-> Dockerfile alignment and the base/own split; the rules are in dockerfile_map.h.
#include "attrib/dockerfile_map.h"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>

#include "attrib/history_map.h"
#include "attrib/instruction.h"
#include "util/text.h"

namespace layerscope {

namespace {

constexpr int kStrong = 4;   // same command text
constexpr int kWeak = 2;     // same keyword and destination (hashed COPY), heredoc first line
constexpr int kKeyword = 1;  // metadata instruction of the same keyword, text differs
// The alignment is quadratic; in a history longer than this (hostile or absurd) the older
// entries are treated as the base image's without comparing them. Real histories have a few
// hundred entries at most and Dockerfiles a few hundred instructions.
constexpr size_t kMaxWindow = 4096;
constexpr size_t kMaxCells = size_t{4} << 20;

std::string join(const std::vector<std::string>& v, std::string_view sep = " ") {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) {
    if (i) out += sep;
    out += v[i];
  }
  return out;
}

std::vector<std::string> split_spaces(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string_view::npos) j = s.size();
    if (j > i) out.emplace_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// "/a/./b/../c/" -> "/a/c"; relative paths are joined onto `dir` first.
std::string clean_absolute(std::string_view dir, std::string_view path) {
  std::string full = starts_with(path, "/") ? std::string(path) : std::string(dir) + "/" + std::string(path);
  std::vector<std::string> parts;
  for (auto& p : [&] {
         std::vector<std::string> v;
         size_t i = 0;
         while (i <= full.size()) {
           size_t j = full.find('/', i);
           if (j == std::string::npos) j = full.size();
           v.push_back(full.substr(i, j - i));
           i = j + 1;
         }
         return v;
       }()) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(p);
  }
  return "/" + join(parts, "/");
}

std::string strip_trailing_slash(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

// A config history entry reduced to keyword + collapsed body, with the parts the scoring
// needs parsed once (the alignment compares every entry with every instruction).
struct Recorded {
  std::string keyword;  // "" when it is not recognisably an instruction
  std::string body;
  // COPY / ADD
  bool hashed = false;               // "dir:<hex> in /dst": only the destination is known
  std::string dest;                  // no trailing '/'
  std::vector<std::string> sources;  // flags dropped
  std::string operands;              // sources and destination, flags dropped
  // CMD / ENTRYPOINT written as a list
  std::optional<std::vector<std::string>> list;
};

// `["a", "b"]` or Go's `["a" "b"]` (classic docker and BuildKit print lists that way).
std::optional<std::vector<std::string>> loose_list(std::string_view s) {
  if (s.size() < 2 || s.front() != '[' || s.back() != ']') return std::nullopt;
  std::vector<std::string> out;
  size_t i = 1;
  while (i + 1 < s.size()) {
    char c = s[i];
    if (c == ' ' || c == ',') {
      ++i;
      continue;
    }
    if (c != '"') return std::nullopt;
    std::string item;
    ++i;
    while (i + 1 < s.size() && s[i] != '"') {
      if (s[i] == '\\' && i + 2 < s.size()) ++i;
      item += s[i++];
    }
    if (s[i] != '"') return std::nullopt;
    ++i;
    out.push_back(collapse_whitespace(item));
  }
  return out;
}

void parse_operands(Recorded& r) {
  if (r.keyword == "CMD" || r.keyword == "ENTRYPOINT") r.list = loose_list(r.body);
  if (r.keyword != "COPY" && r.keyword != "ADD") return;
  // classic docker and buildah hash the sources: "dir:<hex> in /app", "file:<hex> in /",
  // "multi:<hex> in /dst/", even "--chown=1:1dir:<hex> in /app".
  static const std::regex kHashed(R"((?:file|dir|multi):[0-9a-fA-F]+ in (.*)$)");
  std::smatch m;
  if (std::regex_search(r.body, m, kHashed)) {
    r.hashed = true;
    r.dest = strip_trailing_slash(collapse_whitespace(m[1].str()));
    return;
  }
  auto tokens = split_spaces(r.body);
  size_t first = 0;
  while (first < tokens.size() && starts_with(tokens[first], "--")) ++first;
  tokens.erase(tokens.begin(), tokens.begin() + static_cast<long>(first));
  if (tokens.size() < 2) return;
  r.operands = join(tokens);
  r.dest = strip_trailing_slash(tokens.back());
  r.sources.assign(tokens.begin(), tokens.end() - 1);
}

Recorded parse_recorded_text(std::string_view created_by) {
  std::string s = collapse_whitespace(created_by);
  if (ends_with(s, "# buildkit")) s = collapse_whitespace(std::string_view(s).substr(0, s.size() - 10));
  Recorded r;
  auto split_keyword = [&](std::string_view text) {
    std::string kw = instruction_keyword(text);
    if (!kw.empty()) {
      r.keyword = kw;
      r.body = collapse_whitespace(text.substr(kw.size()));
      return true;
    }
    return false;
  };
  // classic docker / buildah / podman: "<shell> -c #(nop) INSTRUCTION …"
  size_t nop = s.find("#(nop)");
  if (nop != std::string::npos) {
    std::string before = collapse_whitespace(std::string_view(s).substr(0, nop));
    if (before.empty() || ends_with(before, "-c")) {
      std::string rest = collapse_whitespace(std::string_view(s).substr(nop + 6));
      if (split_keyword(rest)) return r;
      r.body = rest;
      return r;
    }
  }
  if (starts_with(s, "RUN ")) {  // BuildKit, kaniko
    r.keyword = "RUN";
    r.body = s.substr(4);
    return r;
  }
  if (split_keyword(s)) return r;  // BuildKit / kaniko metadata, COPY, ADD, WORKDIR
  r.keyword = "RUN";               // classic: "/bin/sh -c …", "|2 A=b /bin/sh -c …", exec form
  r.body = s;
  return r;
}

Recorded parse_recorded(std::string_view created_by) {
  Recorded r = parse_recorded_text(created_by);
  parse_operands(r);
  return r;
}

// What a chain instruction may have been recorded as.
struct Expect {
  const DockerfileInstruction* in = nullptr;
  std::string keyword;
  bool can_make_layer = false;
  bool json = false;
  std::vector<std::string> texts;     // whole-body forms that match strongly
  std::vector<std::string> commands;  // RUN: command texts (see score())
  std::string shell;                  // RUN: the SHELL in effect, joined
  std::string heredoc_hint;           // RUN with heredoc: its first body line
  std::vector<std::string> sources;   // COPY/ADD
  std::vector<std::string> dests;     // COPY/ADD: accepted destinations, no trailing '/'
  std::optional<std::vector<std::string>> list;  // CMD/ENTRYPOINT as exec list
};

std::vector<Expect> expectations(const Dockerfile& df) {
  std::vector<Expect> out;
  std::string workdir = "/";
  std::vector<std::string> shell = {"/bin/sh", "-c"};
  for (int s : df.final_chain()) {
    for (const auto& in : df.stages[s].instructions) {
      Expect e;
      e.in = &in;
      e.keyword = in.keyword;
      e.json = in.json_form;
      const std::string& k = in.keyword;
      e.can_make_layer = k == "RUN" || k == "COPY" || k == "ADD" || k == "WORKDIR";
      std::string after_keyword = in.display().substr(std::min(in.display().size(), k.size() + 1));
      e.texts = {collapse_whitespace(in.raw_args), collapse_whitespace(in.expanded), after_keyword};
      if (k == "RUN") {
        e.shell = join(shell);
        if (in.json_form) {
          e.commands.push_back(collapse_whitespace(join(in.args)));
        } else if (in.heredocs.empty()) {
          e.commands.push_back(collapse_whitespace(in.raw_args));
        } else {
          // BuildKit runs a lone heredoc's body through the shell (a shebang body is
          // mounted and run as /dev/pipes/NAME); anything else is re-assembled as
          // "<line>\n<body><NAME>…" for the shell to interpret.
          const DockerfileHeredoc& h = in.heredocs.front();
          std::string trimmed = collapse_whitespace(in.raw_args);
          bool lone = in.heredocs.size() == 1 && starts_with(trimmed, "<<") && trimmed.find(' ') == std::string::npos;
          if (lone && starts_with(h.body, "#!")) e.commands.push_back("/dev/pipes/" + h.name);
          if (lone) e.commands.push_back(collapse_whitespace(h.body));
          std::string full = in.raw_args;
          for (const auto& d : in.heredocs) full += "\n" + d.body + d.name;
          e.commands.push_back(collapse_whitespace(full));
          // Other builders record heredocs their own way; the first body line is evidence.
          size_t start = 0;
          while (start < h.body.size() && e.heredoc_hint.empty()) {
            size_t nl = h.body.find('\n', start);
            if (nl == std::string::npos) nl = h.body.size();
            e.heredoc_hint = collapse_whitespace(std::string_view(h.body).substr(start, nl - start));
            start = nl + 1;
          }
        }
      } else if (k == "COPY" || k == "ADD") {
        e.sources.assign(in.args.begin(), in.args.end() - 1);
        const std::string& dest = in.args.back();
        e.dests = {strip_trailing_slash(dest), clean_absolute(workdir, dest)};
        auto raw_words = split_spaces(collapse_whitespace(in.raw_args));
        if (!raw_words.empty() && !in.json_form) e.dests.push_back(strip_trailing_slash(raw_words.back()));
      } else if (k == "WORKDIR") {
        workdir = clean_absolute(workdir, in.expanded);
        e.texts.push_back(workdir);
      } else if (k == "SHELL") {
        shell = in.args;
      } else if (k == "CMD" || k == "ENTRYPOINT") {
        std::vector<std::string> list;
        if (in.json_form) {
          list = in.args;
        } else if (!in.args.empty()) {
          list = shell;
          list.push_back(in.args.front());
        }
        for (auto& x : list) x = collapse_whitespace(x);
        e.list = list;
      }
      out.push_back(std::move(e));
    }
  }
  return out;
}

int score(const Recorded& r, bool empty_layer, const Expect& e) {
  if (r.keyword.empty() || r.keyword != e.keyword) return 0;
  if (!empty_layer && !e.can_make_layer) return 0;
  const std::string& b = r.body;
  for (const auto& t : e.texts) {
    if (!t.empty() && b == t) return kStrong;
  }
  if (e.keyword == "RUN") {
    for (const auto& c : e.commands) {
      if (c.empty()) continue;
      if (b == c) return kStrong;
      if (b == e.shell + " " + c || ends_with(b, " " + e.shell + " " + c)) return kStrong;
      // Any shell ending in -c (the base image may have set SHELL), after build args.
      if (ends_with(b, "-c " + c)) {
        size_t at = b.size() - c.size() - 3;
        if (at == 0 || b[at - 1] == ' ') return kStrong;
      }
      if (e.json && starts_with(b, "|") && ends_with(b, " " + c)) return kStrong;
    }
    if (!e.heredoc_hint.empty() && b.find(e.heredoc_hint) != std::string::npos) return kWeak;
    return 0;
  }
  if (e.keyword == "COPY" || e.keyword == "ADD") {
    if (r.dest.empty()) return 0;
    bool dest = std::find(e.dests.begin(), e.dests.end(), r.dest) != e.dests.end();
    if (r.hashed) return dest ? kWeak : 0;
    for (const auto& t : e.texts) {
      if (r.operands == t) return kStrong;
    }
    if (dest && r.sources == e.sources) return kStrong;
    return dest ? kWeak : 0;
  }
  if (e.list && r.list && *r.list == *e.list) return kStrong;
  return empty_layer ? kKeyword : 0;
}

std::vector<int> layer_entries(const std::vector<HistoryEntry>& history, size_t layer_count) {
  std::vector<HistoryEntry> copy = history;
  return map_history_to_layers(copy, layer_count);
}

std::string lines_of(const DockerfileInstruction& in) {
  return in.first_line == in.last_line ? std::to_string(in.first_line)
                                       : std::to_string(in.first_line) + "-" + std::to_string(in.last_line);
}

void count_origins(HistoryAttribution& out) {
  for (const auto& l : out.layers) {
    if (l.origin == kOriginBase) ++out.summary.base_layers;
    else if (l.origin == kOriginOwn) ++out.summary.own_layers;
    else ++out.summary.unknown_layers;
  }
}

bool is_buildkit(const HistoryEntry& h) {
  std::string s = collapse_whitespace(h.created_by);
  return h.comment == "buildkit.dockerfile.v0" || ends_with(s, "# buildkit");
}

}  // namespace

HistoryAttribution map_dockerfile(const Dockerfile& df, const std::vector<HistoryEntry>& history, size_t layer_count) {
  HistoryAttribution out;
  out.layers.resize(layer_count);
  out.entry_line.assign(history.size(), -1);
  std::vector<int> chain = df.final_chain();
  const DockerfileStage& root = df.stages[chain.front()];
  bool scratch = root.base == "scratch" || root.base == "SCRATCH" || root.base == "Scratch";
  out.summary.method = "dockerfile";
  for (const auto& w : df.warnings) out.diagnostics.push_back({"dockerfile-syntax", w, -1, ""});
  out.summary.base_image = root.base;
  out.summary.from_line = root.from.first_line;

  std::vector<Expect> want = expectations(df);
  size_t n_all = history.size();
  size_t m = want.size();
  size_t window = std::min(kMaxWindow, std::max<size_t>(1, kMaxCells / std::max<size_t>(m, 1)));
  size_t offset = n_all > window ? n_all - window : 0;
  size_t n = n_all - offset;
  std::vector<Recorded> rec(n);
  for (size_t h = 0; h < n; ++h) rec[h] = parse_recorded(history[offset + h].created_by);

  // f[h][i]: best total score pairing the first h entries with the first i instructions.
  std::vector<int> sc(n * m), f((n + 1) * (m + 1), 0);
  auto F = [&](size_t h, size_t i) -> int& { return f[h * (m + 1) + i]; };
  for (size_t h = 1; h <= n; ++h) {
    for (size_t i = 1; i <= m; ++i) {
      int s = sc[(h - 1) * m + (i - 1)] = score(rec[h - 1], history[offset + h - 1].empty_layer, want[i - 1]);
      int best = std::max(F(h - 1, i), F(h, i - 1));
      if (s > 0) best = std::max(best, F(h - 1, i - 1) + s);
      F(h, i) = best;
    }
  }
  // Walk back from the end, pairing the latest entries first.
  std::vector<int> match(n_all, -1), strength(n_all, 0);
  std::vector<bool> used(m, false);
  for (size_t h = n, i = m; h > 0 && i > 0;) {
    int s = sc[(h - 1) * m + (i - 1)];
    if (s > 0 && F(h, i) == F(h - 1, i - 1) + s) {
      match[offset + h - 1] = static_cast<int>(i - 1);
      strength[offset + h - 1] = s;
      used[i - 1] = true;
      --h;
      --i;
    } else if (F(h, i) == F(h, i - 1)) {
      --i;
    } else {
      --h;
    }
  }
  size_t boundary = n_all;
  for (size_t h = 0; h < n_all; ++h) {
    if (strength[h] >= kWeak) {
      boundary = h;
      break;
    }
  }
  for (size_t h = 0; h < std::min(boundary, n_all); ++h) {  // metadata guesses inside the base
    if (match[h] >= 0) used[match[h]] = false;
    match[h] = -1;
  }

  std::string from_text = "Dockerfile:" + std::to_string(root.from.first_line) + " FROM " + root.base;
  if (boundary == n_all) {
    out.summary.rule = "no history entry matches the final stage (" + from_text +
                       "): is this the Dockerfile the image was built from?";
    out.diagnostics.push_back({"dockerfile-unmatched",
                               "no history entry of the image matches an instruction of the Dockerfile's final stage; "
                               "every layer is unattributed",
                               -1, ""});
  } else if (scratch) {
    out.summary.rule = "the final stage starts FROM scratch (" + from_text + "): there is no base image";
  } else {
    out.summary.rule = "FROM boundary: history entries before the first one matching the final stage are the base "
                       "image's (" + from_text + ")";
  }

  std::vector<int> entry_of = layer_entries(history, layer_count);
  for (size_t l = 0; l < layer_count; ++l) {
    LayerAttribution& la = out.layers[l];
    int h = entry_of[l];
    if (h < 0) continue;  // no history: unknown
    if (static_cast<size_t>(h) < boundary) {
      if (boundary != n_all && !scratch) la.origin = kOriginBase;
      continue;
    }
    if (match[h] < 0) {
      out.diagnostics.push_back({"layer-unmatched",
                                 clean_instruction(history[h].created_by).substr(0, 120) +
                                     " matches no instruction of the Dockerfile's final stage",
                                 static_cast<int>(l), ""});
      continue;
    }
    const DockerfileInstruction& in = *want[match[h]].in;
    la.origin = kOriginOwn;
    la.first_line = in.first_line;
    la.last_line = in.last_line;
    la.instruction = in.display();
  }
  for (size_t h = 0; h < n_all; ++h) {
    if (match[h] >= 0) out.entry_line[h] = want[match[h]].in->first_line;
  }
  if (boundary != n_all) {
    for (size_t i = 0; i < m; ++i) {
      const DockerfileInstruction& in = *want[i].in;
      bool layer = in.keyword == "RUN" || in.keyword == "COPY" || in.keyword == "ADD";
      if (used[i] || !layer) continue;
      out.diagnostics.push_back({"dockerfile-line-unmatched",
                                 "Dockerfile:" + lines_of(in) + ": " + in.display().substr(0, 120) +
                                     " matches no history entry (changed since the image was built?)",
                                 -1, ""});
    }
  }
  count_origins(out);
  return out;
}

HistoryAttribution guess_base_layers(const std::vector<HistoryEntry>& history, size_t layer_count) {
  HistoryAttribution out;
  out.layers.resize(layer_count);
  out.entry_line.assign(history.size(), -1);
  out.summary.method = "heuristic";
  std::vector<int> entry_of = layer_entries(history, layer_count);
  std::vector<bool> makes_layer(history.size(), false);
  for (int h : entry_of) {
    if (h >= 0) makes_layer[h] = true;
  }
  auto layers_after = [&](size_t h) {
    for (size_t j = h + 1; j < history.size(); ++j) {
      if (makes_layer[j]) return true;
    }
    return false;
  };
  auto layers_before = [&](size_t h) {
    for (size_t j = 0; j < h && j < history.size(); ++j) {
      if (makes_layer[j]) return true;
    }
    return false;
  };
  std::optional<size_t> boundary;  // first entry of the image's own part
  // Rule 1: the last CMD/ENTRYPOINT followed by a layer.
  for (size_t h = history.size(); h-- > 0;) {
    std::string kw = parse_recorded(history[h].created_by).keyword;
    if ((kw == "CMD" || kw == "ENTRYPOINT") && layers_after(h)) {
      boundary = h + 1;
      out.summary.rule = "the base image's history ends at its last " + kw +
                         " with layers after it (history entry " + std::to_string(h) + ")";
      break;
    }
  }
  // Rule 2: the trailing entries come from another builder than the earlier ones.
  if (!boundary) {
    std::optional<size_t> last_layer;
    for (size_t h = 0; h < history.size(); ++h) {
      if (makes_layer[h]) last_layer = h;
    }
    if (last_layer) {
      bool style = is_buildkit(history[*last_layer]);
      size_t b = *last_layer;
      while (b > 0 && is_buildkit(history[b - 1]) == style) --b;
      if (b > 0 && layers_before(b)) {
        boundary = b;
        out.summary.rule = std::string("the builder changed at history entry ") + std::to_string(b) +
                           (style ? " (BuildKit after another builder)" : " (another builder after BuildKit)");
      }
    }
  }
  if (!boundary) {
    out.summary.method = "none";
    out.summary.rule = "no base image boundary in the history (no CMD/ENTRYPOINT before the last layers, one builder "
                       "throughout); give --dockerfile to decide";
  }
  for (size_t l = 0; l < layer_count; ++l) {
    int h = entry_of[l];
    if (h < 0 || !boundary) continue;
    out.layers[l].origin = static_cast<size_t>(h) < *boundary ? kOriginBase : kOriginOwn;
  }
  count_origins(out);
  return out;
}

void apply_attribution(const HistoryAttribution& att, Analysis& a) {
  a.attribution = att.summary;
  Totals& t = a.totals;
  t.base_content_bytes = t.own_content_bytes = t.unknown_content_bytes = 0;
  t.base_compressed_bytes = t.own_compressed_bytes = t.unknown_compressed_bytes = 0;
  a.instructions.clear();
  std::map<int, size_t> by_line;  // Dockerfile line -> index in a.instructions
  std::optional<size_t> base_group;
  for (size_t i = 0; i < a.layers.size(); ++i) {
    LayerReport& r = a.layers[i];
    const LayerAttribution& la = i < att.layers.size() ? att.layers[i] : LayerAttribution{};
    r.origin = la.origin;
    r.dockerfile_line = la.first_line;
    r.dockerfile_last_line = la.last_line;
    if (!la.instruction.empty()) r.instruction = la.instruction;
    if (r.origin == kOriginBase) {
      t.base_content_bytes += r.content_bytes;
      t.base_compressed_bytes += r.compressed_bytes;
    } else if (r.origin == kOriginOwn) {
      t.own_content_bytes += r.content_bytes;
      t.own_compressed_bytes += r.compressed_bytes;
    } else {
      t.unknown_content_bytes += r.content_bytes;
      t.unknown_compressed_bytes += r.compressed_bytes;
    }

    // The base image is one entry; a Dockerfile line is one entry; anything else stands alone.
    size_t slot;
    if (r.origin == kOriginBase && base_group) {
      slot = *base_group;
    } else if (r.dockerfile_line >= 0 && by_line.count(r.dockerfile_line)) {
      slot = by_line[r.dockerfile_line];
    } else {
      InstructionBytes ib;
      ib.origin = r.origin;
      if (r.origin == kOriginBase) {
        bool named = !att.summary.base_image.empty();
        ib.instruction = named ? "FROM " + att.summary.base_image : "(base image)";
        ib.dockerfile_line = ib.dockerfile_last_line = named ? att.summary.from_line : -1;
        base_group = a.instructions.size();
      } else {
        ib.instruction = r.instruction;
        ib.dockerfile_line = r.dockerfile_line;
        ib.dockerfile_last_line = r.dockerfile_last_line;
        if (r.dockerfile_line >= 0) by_line[r.dockerfile_line] = a.instructions.size();
      }
      slot = a.instructions.size();
      a.instructions.push_back(std::move(ib));
    }
    InstructionBytes& ib = a.instructions[slot];
    ib.layers.push_back(static_cast<int>(i));
    ib.content_bytes += r.content_bytes;
    ib.compressed_bytes += r.compressed_bytes;
    ib.added_bytes += r.added.bytes;
  }
  for (const auto& d : att.diagnostics) a.diagnostics.push_back(d);
}

}  // namespace layerscope
