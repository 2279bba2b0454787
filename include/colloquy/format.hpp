// Bylines and dates as readers see them: "Mary D. in Kansas writes:", "September 25, 2010",
// "3 hours ago", in the widget's language and time zone.
//
//   std::string out;
//   colloquy::append_byline_html(out, {"Mary D.", "Kansas, USA", ""}, colloquy::locale_en);
//   colloquy::append_when(out, created_ms, colloquy::locale_en, {}, {.now_ms = now});
#pragma once
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "colloquy/cold.hpp"
#include "colloquy/comment.hpp"
#include "colloquy/date.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/locale.hpp"

#if defined(COLLOQUY_WASM_HOST)
// The standalone module asks the page for the zone offset (minutes east of UTC) at an instant:
// the loader answers with the reader's zone or a named zone (Intl), so DST is always right.
extern "C" __attribute__((import_module("env"), import_name("colloquy_zone_offset"))) int colloquy_zone_offset(double ms);
#endif

namespace colloquy {

// A time zone: a fixed offset from UTC, or the host's zone ("local", or a named zone the host
// resolves: the browser through Intl, the CLI through the TZ environment variable).
struct time_zone {
  bool host = false;
  int offset_minutes = 0;
};

// "UTC", "Z", "+05:30", "-0400", "+01" are fixed; "local" and IANA names ("Europe/Paris") are
// resolved by the host. Returns nullopt for anything else (an empty string included).
inline std::optional<time_zone> parse_time_zone(std::string_view s) {
  if (s == "UTC" || s == "utc" || s == "Z" || s == "GMT") return time_zone{};
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    int h = 0, m = 0;
    std::size_t p = 1;
    if (!detail::digits(s, p, 2, h)) return std::nullopt;
    p += 2;
    if (p < s.size() && s[p] == ':') ++p;
    if (p < s.size() && !detail::digits(s, p, 2, m)) return std::nullopt;
    if (p < s.size() && p + 2 != s.size()) return std::nullopt;
    if (h > 14 || m > 59) return std::nullopt;
    return time_zone{false, (h * 60 + m) * (s[0] == '-' ? -1 : 1)};
  }
  if (s == "local") return time_zone{true, 0};
  // An IANA name: letters, digits and "/_-+", starting with a letter ("America/New_York").
  if (s.empty() || s.size() > 64 || !detail::is_ascii_alpha(s[0])) return std::nullopt;
  for (char c : s)
    if (!detail::is_ascii_alpha(c) && !(c >= '0' && c <= '9') && c != '/' && c != '_' && c != '-' && c != '+')
      return std::nullopt;
  return time_zone{true, 0};
}

// Minutes east of UTC in `zone` at the instant `ms`.
inline int zone_offset(const time_zone& zone, int64_t ms) {
  if (!zone.host) return zone.offset_minutes;
#if defined(COLLOQUY_WASM_HOST)
  int offset = colloquy_zone_offset(static_cast<double>(ms));
  return offset >= -14 * 60 && offset <= 14 * 60 ? offset : 0;
#else
  std::time_t t = static_cast<std::time_t>(detail::floor_div(ms, 1000));
  std::tm local{};
  std::tm utc{};
  if (!localtime_r(&t, &local) || !gmtime_r(&t, &utc)) return 0;
  // The difference of the two broken-down times, without relying on tm_gmtoff.
  int64_t a = detail::days_from_civil(local.tm_year + 1900, unsigned(local.tm_mon + 1), unsigned(local.tm_mday)) * 1440 +
              local.tm_hour * 60 + local.tm_min;
  int64_t b = detail::days_from_civil(utc.tm_year + 1900, unsigned(utc.tm_mon + 1), unsigned(utc.tm_mday)) * 1440 +
              utc.tm_hour * 60 + utc.tm_min;
  return static_cast<int>(a - b);
#endif
}

// The first part of a location: "Kansas, USA" -> "Kansas". Trimmed of spaces.
inline std::string_view place_of(std::string_view location) {
  location = location.substr(0, location.find(','));
  while (!location.empty() && (location.front() == ' ' || location.front() == '\t')) location.remove_prefix(1);
  while (!location.empty() && (location.back() == ' ' || location.back() == '\t')) location.remove_suffix(1);
  return location;
}

inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r'))
    s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// Appends the escaped byline; the name becomes a link when the author has an http(s) url.
// With `to` (a reply shown at the depth cap), the byline names whom it answers ("Joe in
// Kansas, replying to Mary:"); an empty `to` reads as "Anonymous".
inline void append_byline_html(std::string& out, const author_info& author, const locale_data& loc,
                               const std::string_view* to = nullptr) {
  using namespace std::string_view_literals;
  std::string_view name = trimmed(author.name);
  std::string_view place = place_of(author.location);
  // Each name and place isolated, as in a <bdi>: one written right to left ("מרים ד.") keeps
  // its order and leaves the pattern's words and punctuation ("… writes:") where the language
  // puts them. A span with dir="auto" is isolated the same way (HTML's rendering rules give
  // [dir] elements unicode-bidi: isolate) and is markup Chromium's fast-path fragment parser
  // takes, where one <bdi> sends a whole slice to the full parser (render.hpp).
  auto emit = [&](std::string_view key) {
    out += "<span dir=\"auto\">"sv;
    if (key == "name") {
      bool link = !author.url.empty() && is_safe_url(author.url, url_policy::web);
      if (link) {
        out += "<a href=\""sv;
        append_escaped(out, author.url);
        out += "\" rel=\"nofollow ugc noopener\">"sv;
      }
      append_escaped(out, name.empty() ? loc.anonymous : name);
      if (link) out += "</a>"sv;
    } else if (key == "place") {
      append_escaped(out, place);
    } else if (key == "to" && to) {
      append_escaped(out, to->empty() ? loc.anonymous : *to);
    }
    out += "</span>"sv;
  };
  if (to) expand_pattern(place.empty() ? loc.byline_reply_no_place : loc.byline_reply, emit, out);
  else expand_pattern(place.empty() ? loc.byline_no_place : loc.byline, emit, out);
}

// Dates as shown: once per day of a thread, or for the few recent comments (render.hpp's
// date_cache), so built for size.
COLLOQUY_COLD_BEGIN
// "September 25, 2010" in the locale, as the date falls in `zone`.
inline void append_date(std::string& out, int64_t ms, const locale_data& loc, const time_zone& zone = {}) {
  civil_time c = to_civil(ms, zone_offset(zone, ms));
  auto emit = [&](std::string_view key) {
    if (key == "month") out += loc.months[std::size_t(c.month - 1)];
    else if (key == "day") append_decimal(out, c.day);
    else if (key == "year") append_decimal(out, c.year);
  };
  expand_pattern(loc.date_pattern, emit, out);
}

struct date_style {
  int64_t now_ms = 0;                            // 0: no clock, dates are always absolute
  int64_t relative_max_ms = 7 * 24 * 3600000LL;  // older than this: absolute
};

// "3 hours ago" when `ms` is less than `style.relative_max_ms` before `style.now_ms`, otherwise
// the absolute date. A time up to five minutes in the future (clock skew) reads "just now".
inline void append_when(std::string& out, int64_t ms, const locale_data& loc, const time_zone& zone,
                        const date_style& style) {
  int64_t age = style.now_ms - ms;
  if (style.now_ms == 0 || age >= style.relative_max_ms || age < -5 * 60000) return append_date(out, ms, loc, zone);
  int64_t minutes = age / 60000, hours = age / 3600000, days = age / 86400000;
  const plural_text* text = nullptr;
  int64_t n = 0;
  if (minutes < 1) {
    out += loc.just_now;
    return;
  }
  if (hours < 1) text = &loc.minutes_ago, n = minutes;
  else if (days < 1) text = &loc.hours_ago, n = hours;
  else if (days < 7) text = &loc.days_ago, n = days;
  else if (days < 30) text = &loc.weeks_ago, n = days / 7;
  else if (days < 365) text = &loc.months_ago, n = days / 30;
  else text = &loc.years_ago, n = days / 365;
  expand_pattern(
      plural_form(loc, *text, n), [&](std::string_view) { append_decimal(out, n); }, out);
}

COLLOQUY_COLD_END
}  // namespace colloquy
