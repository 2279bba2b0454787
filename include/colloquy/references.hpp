// Character references (&amp; &#233; &#xE9;): the one decoder, under the two sets of rules the
// core reads text by. Comment markup follows CommonMark (a reference needs its ';', at most 7
// decimal or 6 hex digits); feed text follows HTML, as the browser that wrote it did (a numeric
// reference may lack its ';', and 0x80..0x9F mean the Windows-1252 characters, as feeds
// written from Word say &#146; for ’).
//
//   std::string out;
//   std::size_t n = colloquy::detail::decode_reference("&eacute;t", 0, out, reference_rules::commonmark);
//   // n == 8, out == "\xC3\xA9"
//
// Built with COLLOQUY_BROWSER_ENTITIES (the widget's reading module, colloquy.wasm), the table
// of named references holds only the names a browser could read differently from CommonMark
// (entities.hpp): the browser knows every HTML5 name, so comment text leaves the others to it
// as they were typed (browser_reference), and the module saves the table (~11 KB gzip). Where a
// reference must be decided here (link destinations and titles, whose URL policy must see the
// text), such a name is not a reference: the '&' stays literal, as for an unknown name.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "colloquy/cold.hpp"
#include "colloquy/entities.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy::detail {

enum class reference_rules : std::uint8_t { commonmark, html };

// HTML's "numeric character reference end state" table: what 0x80..0x9F stand for.
inline constexpr std::uint16_t windows_1252[32] = {0x20AC, 0x81,   0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                                   0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8D,   0x017D, 0x8F,
                                                   0x90,   0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                                   0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D,   0x017E, 0x0178};

// The reference at s[pos] ('&'): appends its text to `out` and returns the bytes it spans, or 0
// when there is none (the '&' is then literal). 0, surrogates and values past U+10FFFF become
// U+FFFD; named references always need their ';'. Rare in comments: built for size.
COLLOQUY_COLD_BEGIN
inline std::size_t decode_reference(std::string_view s, std::size_t pos, std::string& out, reference_rules rules) {
  const bool html = rules == reference_rules::html;
  std::size_t i = pos + 1;
  if (i < s.size() && s[i] == '#') {
    ++i;
    const bool hex = i < s.size() && (s[i] == 'x' || s[i] == 'X');
    if (hex) ++i;
    const std::size_t start = i;
    // CommonMark bounds the digits; HTML reads them all (the value stops growing past U+10FFFF).
    const std::size_t max_digits = html ? s.size() : hex ? 6 : 7;
    char32_t cp = 0;
    for (; i < s.size() && i - start < max_digits; ++i) {
      const int d = hex ? hex_value(s[i]) : s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1;
      if (d < 0) break;
      if (cp <= 0x10FFFF) cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(d);
    }
    if (i == start) return 0;
    if (i < s.size() && s[i] == ';') ++i;
    else if (!html) return 0;
    if (html && cp >= 0x80 && cp <= 0x9F) cp = windows_1252[cp - 0x80];
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    append_utf8(out, cp);
    return i - pos;
  }
  const std::size_t start = i;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < s.size() && i - start <= longest_entity_name && alnum(s[i])) ++i;
  if (i == start || i >= s.size() || s[i] != ';') return 0;
  const auto value = find_entity(s.substr(start, i - start));
  if (!value) return 0;
  out += *value;
  return i + 1 - pos;
}
COLLOQUY_COLD_END

#if defined(COLLOQUY_BROWSER_ENTITIES)
// Whether `name` begins with one of HTML's legacy names (which browsers decode even without
// their ';': `&notit;` reads as "¬it;"), so that only the table can say what it means.
inline bool has_legacy_prefix(std::string_view name) {
  for (std::string_view rest(legacy_entity_names, sizeof legacy_entity_names - 1); !rest.empty();) {
    const std::string_view legacy = rest.substr(0, rest.find('\0'));
    if (name.substr(0, legacy.size()) == legacy) return true;
    rest.remove_prefix(std::min(rest.size(), legacy.size() + 1));
  }
  return false;
}

// The named reference at s[pos] ('&') that comment text may leave to the browser: its length
// when it is '&', a name of letters and digits and ';', and the browser would read it as
// CommonMark does (it decodes a name it knows and shows any other as typed, which is what
// CommonMark shows: the name does not begin with a legacy name); else 0. decode_reference has
// been tried first. Copied as it is, it is only letters, digits, '&' and ';': inert in text.
inline std::size_t browser_reference(std::string_view s, std::size_t pos) {
  std::size_t i = pos + 1;
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  while (i < s.size() && i - pos <= longest_entity_name && alnum(s[i])) ++i;
  if (i == pos + 1 || i >= s.size() || s[i] != ';' || has_legacy_prefix(s.substr(pos + 1, i - pos - 1))) return 0;
  return i + 1 - pos;
}
#endif

}  // namespace colloquy::detail
