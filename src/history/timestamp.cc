// Snapshot times: ISO 8601 (RFC 3339 profile) in, "YYYY-MM-DDTHH:MM:SSZ" out. One fixed-width
// UTC form means the store can order and filter by plain string comparison. The calendar
// arithmetic is Howard Hinnant's days_from_civil / civil_from_days (proleptic Gregorian), so
// nothing depends on the host's time zone or on timegm().
#include <cctype>
#include <chrono>
#include <cstdio>

#include "layerscope/error.h"
#include "layerscope/history.h"

namespace layerscope {

namespace {

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp + (mp < 10 ? 3 : -9);
  y += m <= 2;
}

bool leap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int64_t y, unsigned m) {
  static const unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

std::string format_utc(int64_t seconds) {
  int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
  int64_t rem = seconds - days * 86400;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  return buf;
}

class Cursor {
 public:
  explicit Cursor(std::string_view s) : s_(s) {}
  bool done() const { return i_ == s_.size(); }
  char peek() const { return done() ? '\0' : s_[i_]; }
  bool take(char c) {
    if (peek() != c) return false;
    ++i_;
    return true;
  }
  // Exactly `n` digits.
  bool number(size_t n, unsigned& out) {
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      if (done() || !std::isdigit(static_cast<unsigned char>(s_[i_]))) return false;
      out = out * 10 + static_cast<unsigned>(s_[i_++] - '0');
    }
    return true;
  }
  void skip_digits() {
    while (!done() && std::isdigit(static_cast<unsigned char>(s_[i_]))) ++i_;
  }

 private:
  std::string_view s_;
  size_t i_ = 0;
};

}  // namespace

std::string normalize_timestamp(std::string_view text, std::string_view what) {
  auto bad = [&]() {
    return Error(ErrorKind::kUsage, std::string(what) + ": not an ISO 8601 time: '" + std::string(text) +
                                        "' (expected e.g. 2026-01-05 or 2026-01-05T14:30:00Z)");
  };
  Cursor c(text);
  unsigned year, month, day, hour = 0, minute = 0, second = 0;
  if (!c.number(4, year) || !c.take('-') || !c.number(2, month) || !c.take('-') || !c.number(2, day)) throw bad();
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) throw bad();
  int64_t offset = 0;
  if (!c.done()) {
    if (!c.take('T') && !c.take('t') && !c.take(' ')) throw bad();
    if (!c.number(2, hour) || !c.take(':') || !c.number(2, minute)) throw bad();
    if (c.take(':')) {
      if (!c.number(2, second)) throw bad();
      if (c.take('.') || c.take(',')) c.skip_digits();  // sub-second precision is not kept
    }
    if (hour > 23 || minute > 59 || second > 60) throw bad();
    if (second == 60) second = 59;  // a leap second is stored as the second before it
    if (c.take('Z') || c.take('z')) {
      // UTC
    } else if (c.peek() == '+' || c.peek() == '-') {
      bool negative = c.peek() == '-';
      c.take(c.peek());
      unsigned oh, om = 0;
      if (!c.number(2, oh)) throw bad();
      if (c.take(':')) {
        if (!c.number(2, om)) throw bad();
      } else if (!c.done() && !c.number(2, om)) {
        throw bad();
      }
      if (oh > 23 || om > 59) throw bad();
      offset = (negative ? -1 : 1) * static_cast<int64_t>(oh * 3600 + om * 60);
    } else {
      // A time without a zone would depend on where CI runs; refuse rather than guess.
      throw Error(ErrorKind::kUsage, std::string(what) + ": '" + std::string(text) +
                                         "' has no time zone; add Z (UTC) or an offset such as +02:00");
    }
    if (!c.done()) throw bad();
  }
  int64_t seconds = days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return format_utc(seconds);
}

std::string current_timestamp() {
  auto now = std::chrono::system_clock::now();
  return format_utc(std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count());
}

}  // namespace layerscope
