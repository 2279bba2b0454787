// Dates: reading ISO 8601 and Unix times, civil-calendar arithmetic, ISO output.
// All times are milliseconds since the Unix epoch, UTC. No <chrono> time zones: the widget's
// zone is a fixed offset in minutes chosen by the caller.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "colloquy/cold.hpp"

namespace colloquy {

struct civil_time {
  int year = 1970;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0, minute = 0, second = 0, millisecond = 0;
  int weekday = 4;  // 0 = Sunday
};

namespace detail {
// Howard Hinnant's days_from_civil / civil_from_days (public domain algorithms), valid for
// every date the proleptic Gregorian calendar can name in an int64 of days.
constexpr int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

constexpr int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

inline bool digits(std::string_view s, std::size_t pos, std::size_t n, int& value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  value = v;
  return true;
}

constexpr int days_in_month(int y, int m) {
  constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : days[m - 1];
}
}  // namespace detail

// Range the reader accepts: years 1..9999, so every date prints as four ISO digits.
inline constexpr int64_t min_time_ms = -62135596800000;  // 0001-01-01T00:00:00Z
inline constexpr int64_t max_time_ms = 253402300799999;  // 9999-12-31T23:59:59.999Z

// Parses "2010-09-25T14:03:00Z", "2010-09-25T14:03:00.123+02:00", "2010-09-25 14:03:00-0500",
// "2010-09-25T14:03Z" and a bare "2010-09-25" (midnight UTC). A missing zone is read as UTC.
inline std::optional<int64_t> parse_iso8601(std::string_view s) {
  using detail::digits;
  int y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' || !digits(s, 8, 2, d))
    return std::nullopt;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > detail::days_in_month(y, mo)) return std::nullopt;
  std::size_t p = 10;
  int offset_min = 0;
  if (p < s.size()) {
    if (s[p] != 'T' && s[p] != 't' && s[p] != ' ') return std::nullopt;
    ++p;
    if (!digits(s, p, 2, h) || p + 2 >= s.size() || s[p + 2] != ':' || !digits(s, p + 3, 2, mi)) return std::nullopt;
    p += 5;
    if (p < s.size() && s[p] == ':') {
      if (!digits(s, p + 1, 2, sec)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        std::size_t start = p;
        int scale = 100;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          ms += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;  // 60: a leap second, folded below
    if (p < s.size()) {
      char z = s[p];
      if ((z == 'Z' || z == 'z') && p + 1 == s.size()) {
      } else if (z == '+' || z == '-') {
        int oh, om;
        if (!digits(s, p + 1, 2, oh)) return std::nullopt;
        std::size_t q = p + 3;
        if (q < s.size() && s[q] == ':') ++q;
        if (!digits(s, q, 2, om) || q + 2 != s.size() || oh > 23 || om > 59) return std::nullopt;
        offset_min = (oh * 60 + om) * (z == '-' ? -1 : 1);
      } else {
        return std::nullopt;
      }
    }
  }
  if (sec == 60) sec = 59;
  int64_t days = detail::days_from_civil(y, unsigned(mo), unsigned(d));
  int64_t t = ((days * 24 + h) * 60 + mi - offset_min) * 60 + sec;
  return t * 1000 + ms;
}

// Unix seconds (fraction allowed) to milliseconds, rejecting NaN and out-of-range values.
inline std::optional<int64_t> from_unix_seconds(double seconds) {
  if (!(seconds >= double(min_time_ms) / 1000 && seconds <= double(max_time_ms) / 1000)) return std::nullopt;
  double ms = seconds * 1000.0;
  return static_cast<int64_t>(ms < 0 ? ms - 0.5 : ms + 0.5);
}

// Milliseconds since the epoch, shifted by a zone offset, to calendar fields. This and
// format_iso8601 run once per day of a thread (render.hpp's date_cache): built for size.
COLLOQUY_COLD_BEGIN
inline civil_time to_civil(int64_t ms, int offset_minutes = 0) {
  ms += int64_t(offset_minutes) * 60000;
  int64_t days = detail::floor_div(ms, 86400000);
  int64_t rem = ms - days * 86400000;
  civil_time c;
  c.millisecond = int(rem % 1000);
  rem /= 1000;
  c.second = int(rem % 60);
  c.minute = int(rem / 60 % 60);
  c.hour = int(rem / 3600);
  c.weekday = int(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  c.day = int(doy - (153 * mp + 2) / 5 + 1);
  c.month = int(mp < 10 ? mp + 3 : mp - 9);
  c.year = int(int64_t(yoe) + era * 400 + (c.month <= 2));
  return c;
}

namespace detail {
// `v` as printf's "%0<width>d" writes it (zero-padded, the sign counted in the width), without
// printf: snprintf brought ~4 KB of formatting code into the widget's module for this alone.
inline void append_padded(std::string& out, int v, int width) {
  char buf[16];
  char* p = buf + sizeof buf;
  unsigned m = v < 0 ? 0u - unsigned(v) : unsigned(v);
  do {
    *--p = char('0' + m % 10);
    m /= 10;
  } while (m);
  int digits = int(buf + sizeof buf - p);
  if (v < 0) {
    out += '-';
    --width;
  }
  for (; digits < width; ++digits) out += '0';
  out.append(p, std::size_t(buf + sizeof buf - p));
}
}  // namespace detail

// "2010-09-25T14:03:00Z" (UTC, whole seconds; milliseconds only when present).
inline std::string format_iso8601(int64_t ms) {
  civil_time c = to_civil(ms);
  std::string out;
  out.reserve(24);
  detail::append_padded(out, c.year, 4);
  const int parts[] = {c.month, c.day, c.hour, c.minute, c.second};
  const char before[] = {'-', '-', 'T', ':', ':'};
  for (int i = 0; i < 5; ++i) {
    out += before[i];
    detail::append_padded(out, parts[i], 2);
  }
  if (c.millisecond) {
    out += '.';
    detail::append_padded(out, c.millisecond, 3);
  }
  out += 'Z';
  return out;
}

COLLOQUY_COLD_END
}  // namespace colloquy
