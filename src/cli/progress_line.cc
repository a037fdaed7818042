#include "cli/progress_line.h"

#include <cmath>

#include "util/units.h"

namespace layerscope::cli {

namespace {

constexpr auto kTick = std::chrono::milliseconds(100);
constexpr double kMinRateSeconds = 0.2;  // a rate from the first few milliseconds is noise

std::string rate_text(double bytes_per_second) {
  return human_bytes(static_cast<uint64_t>(bytes_per_second)) + "/s";
}

// "3s", "2m05s", "1h02m": coarse on purpose, the rate moves.
std::string eta_text(double seconds) {
  uint64_t s = static_cast<uint64_t>(std::ceil(seconds));
  char buf[32];
  if (s < 60) std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                                   static_cast<unsigned long long>(s % 60));
  else std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                     static_cast<unsigned long long>(s / 60 % 60));
  return buf;
}

}  // namespace

std::string progress_text(const ProgressState& s) {
  if (s.phase != "index" || s.layers == 0) {
    if (s.archive_bytes == 0) return s.phase;
    std::string t = s.phase + "  " + human_bytes(s.archive_bytes);
    if (s.bytes_per_second > 0) t += "  " + rate_text(s.bytes_per_second);
    return t;
  }
  std::string t = "layers " + std::to_string(s.layers_done) + "/" + std::to_string(s.layers) + "  " +
                  human_bytes(s.bytes_done);
  if (s.bytes_total) t += " / " + human_bytes(*s.bytes_total);
  if (s.bytes_per_second > 0) {
    t += "  " + rate_text(s.bytes_per_second);
    if (s.bytes_total && *s.bytes_total >= s.bytes_done) {
      t += "  ETA " + eta_text(static_cast<double>(*s.bytes_total - s.bytes_done) / s.bytes_per_second);
    }
  }
  return t;
}

ProgressLine::ProgressLine(std::FILE* out) : out_(out), ticker_([this] { tick(); }) {}

ProgressLine::~ProgressLine() { stop(); }

void ProgressLine::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    stopped_ = true;
    // Overwrite with blanks rather than an escape sequence: works on any terminal.
    if (drawn_) std::fprintf(out_, "\r%*s\r", static_cast<int>(drawn_), "");
    std::fflush(out_);
  }
  wake_.notify_all();
  ticker_.join();
}

// A new phase shows at once unless the line was drawn less than a tick ago; then the ticker
// shows it (or whatever came next) at the next tick.
void ProgressLine::phase_begin(const std::string& name) {
  std::lock_guard lock(mu_);
  phase_ = name;
  if (name == "open") archive_bytes_ = 0;
  if (name == "index") {  // another image's layers (diff) start from zero
    layers_ = layers_done_ = 0;
    total_.reset();
    finished_bytes_ = read_bytes_ = 0;
    in_flight_.clear();
  }
  started_ = Clock::now();
  draw_locked();
}

void ProgressLine::layers_begin(size_t layers, std::optional<uint64_t> compressed_total) {
  std::lock_guard lock(mu_);
  layers_ = layers;
  total_ = compressed_total;
  started_ = Clock::now();
  draw_locked();
}

void ProgressLine::layer_bytes(size_t index, uint64_t delta) {
  std::lock_guard lock(mu_);
  in_flight_[index] += delta;
  read_bytes_ += delta;
}

void ProgressLine::layer_end(size_t index, const LayerStats& stats) {
  std::lock_guard lock(mu_);
  ++layers_done_;
  in_flight_.erase(index);
  finished_bytes_ += stats.compressed_bytes;
}

void ProgressLine::archive_bytes(uint64_t delta) {
  std::lock_guard lock(mu_);
  archive_bytes_ += delta;
}

ProgressState ProgressLine::state_locked() const {
  ProgressState s;
  s.phase = phase_;
  s.layers = layers_;
  s.layers_done = layers_done_;
  s.bytes_done = finished_bytes_;
  for (const auto& [index, bytes] : in_flight_) s.bytes_done += bytes;
  s.bytes_total = total_;
  s.archive_bytes = phase_ == "open" ? archive_bytes_ : 0;
  double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
  uint64_t read = phase_ == "index" ? read_bytes_ : s.archive_bytes;
  if (elapsed >= kMinRateSeconds && read) s.bytes_per_second = read / elapsed;
  return s;
}

void ProgressLine::draw_locked() {
  if (stopped_ || Clock::now() - drawn_at_ < kTick) return;
  std::string text = progress_text(state_locked());
  if (text == last_) return;
  drawn_at_ = Clock::now();
  int pad = drawn_ > text.size() ? static_cast<int>(drawn_ - text.size()) : 0;
  std::fprintf(out_, "\r%s%*s", text.c_str(), pad, "");
  std::fflush(out_);
  drawn_ = text.size() + pad;
  last_ = std::move(text);
}

void ProgressLine::tick() {
  std::unique_lock lock(mu_);
  while (!stopped_) {
    wake_.wait_for(lock, kTick, [this] { return stopped_; });
    draw_locked();
  }
}

}  // namespace layerscope::cli
