// Bylines and dates as readers see them ("Mary D. in Kansas writes:", "September 25, 2010").
#pragma once
#include <string>
#include <string_view>

#include "colloquy/comment.hpp"
#include "colloquy/date.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/locale.hpp"

namespace colloquy {

// The first part of a location: "Kansas, USA" -> "Kansas". Trimmed of spaces.
inline std::string_view place_of(std::string_view location) {
  location = location.substr(0, location.find(','));
  while (!location.empty() && location.front() == ' ') location.remove_prefix(1);
  while (!location.empty() && location.back() == ' ') location.remove_suffix(1);
  return location;
}

inline std::string_view trimmed(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// Appends the escaped byline; the name becomes a link when the author has an http(s) url.
inline void append_byline_html(std::string& out, const author_info& author, const locale_data& loc) {
  std::string_view name = trimmed(author.name);
  std::string_view place = place_of(author.location);
  auto emit = [&](std::string_view key) {
    if (key == "name") {
      bool link = !author.url.empty() && is_safe_url(author.url, url_policy::web);
      if (link) {
        out += "<a href=\"";
        append_escaped(out, author.url);
        out += "\" rel=\"nofollow ugc noopener\">";
      }
      append_escaped(out, name.empty() ? loc.anonymous : name);
      if (link) out += "</a>";
    } else if (key == "place") {
      append_escaped(out, place);
    }
  };
  expand_pattern(place.empty() ? loc.byline_no_place : loc.byline, emit, out);
}

// "September 25, 2010" in the locale, for a time shifted by `offset_minutes` from UTC.
inline void append_date(std::string& out, int64_t ms, const locale_data& loc, int offset_minutes = 0) {
  civil_time c = to_civil(ms, offset_minutes);
  auto emit = [&](std::string_view key) {
    if (key == "month") out += loc.months[std::size_t(c.month - 1)];
    else if (key == "day") out += std::to_string(c.day);
    else if (key == "year") out += std::to_string(c.year);
  };
  expand_pattern(loc.date_pattern, emit, out);
}

}  // namespace colloquy
