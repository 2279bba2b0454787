// The one escaping path and the one URL policy every renderer uses.
#pragma once
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "colloquy/utf8.hpp"

namespace colloquy {

namespace detail::swar {
// Eight bytes at a time with plain 64-bit integers (no SIMD: the same code serves wasm). Each
// test works on the low seven bits of every byte (`y`, bytes below 0x80) and answers in the high
// bit of each byte, exactly: no sum carries into the next byte. Callers mask the answer with
// ~w & highs so that bytes from 0x80 up (UTF-8) never match.
inline constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
constexpr std::uint64_t bytes(unsigned char c) { return ones * c; }
inline std::uint64_t load(const char* p) {
  std::uint64_t w;
  std::memcpy(&w, p, 8);
  return w;
}
inline void store(char* p, std::uint64_t w) { std::memcpy(p, &w, 8); }
// High bit set in each byte of `y` (below 0x80) that is >= lo and < hi (lo, hi <= 0x80).
constexpr std::uint64_t in_range(std::uint64_t y, unsigned lo, unsigned hi) {
  return (y + bytes(static_cast<unsigned char>(0x80 - lo))) & ~(y + bytes(static_cast<unsigned char>(0x80 - hi)));
}
// High bit set in each byte of `y` (below 0x80) equal to c (c < 0x80).
constexpr std::uint64_t equal(std::uint64_t y, unsigned char c) { return ~((y ^ bytes(c)) + bytes(0x7F)); }
// The position in memory of the first byte whose high bit is set in a non-zero mask.
inline std::size_t first_byte(std::uint64_t mask) {
  if constexpr (std::endian::native == std::endian::little) return std::size_t(std::countr_zero(mask)) / 8;
  else return std::size_t(std::countl_zero(mask)) / 8;
}
// The bytes append_escaped replaces: & < > " ' and NUL.
inline std::uint64_t escape_mask(std::uint64_t w) {
  const std::uint64_t y = w & bytes(0x7F);
  return (equal(y, '"') | in_range(y, '&', '\'' + 1) | equal(y, '<') | equal(y, '>') | equal(y, 0)) & ~w & highs;
}
}  // namespace detail::swar

namespace detail {
// What append_escaped writes for `c`, or an empty view when `c` stays as it is.
inline std::string_view escape_of(char c) {
  using namespace std::string_view_literals;
  switch (c) {
    case '&': return "&amp;"sv;
    case '<': return "&lt;"sv;
    case '>': return "&gt;"sv;
    case '"': return "&quot;"sv;
    case '\'': return "&#39;"sv;
    case '\0': return "\xEF\xBF\xBD"sv;
    default: return {};
  }
}

// The first byte in [p, end) that append_escaped replaces, or end.
inline const char* find_escape(const char* p, const char* end) {
  for (; end - p >= 8; p += 8)
    if (const std::uint64_t m = swar::escape_mask(swar::load(p))) return p + swar::first_byte(m);
  while (p != end && escape_of(*p).empty()) ++p;
  return p;
}
}  // namespace detail

// Appends `s` with the five HTML-significant characters replaced by entities, so the result is
// safe both as element text and inside a double- or single-quoted attribute value (OWASP XSS
// prevention rule #1 and #2). NUL becomes U+FFFD, as an HTML parser would make it.
inline void append_escaped(std::string& out, std::string_view s) {
  const char* p = s.data();
  const char* const end = p + s.size();
  for (;;) {
    const char* q = detail::find_escape(p, end);
    out.append(p, std::size_t(q - p));
    if (q == end) return;
    const std::string_view rep = detail::escape_of(*q);
    out.append(rep.data(), rep.size());
    p = q + 1;
  }
}

inline std::string escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_escaped(out, s);
  return out;
}

// Which URLs a link may carry.
enum class url_policy {
  web,   // absolute http: or https: only (author links, story links)
  link,  // http:, https:, mailto:, or a scheme-less (relative) reference (comment markup)
};

namespace detail {
inline bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
}  // namespace detail

namespace detail {
// One reading of a URL's scheme for is_safe_url: with `decode`, percent-escapes count as the
// characters they stand for ("javascript%3Ax" has a scheme); without, they are literal, as a
// browser reads them ("http%3Ax:y" has the malformed scheme "http%3Ax").
inline bool scheme_is_safe(std::string_view url, url_policy policy, bool decode) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  char scheme[8];  // long enough for the allowlisted schemes; longer ones are never allowed
  std::size_t length = 0;
  bool has_scheme = false;
  bool scheme_chars_only = true;
  for (std::size_t j = i; j < url.size(); ++j) {
    char c = url[j];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == '/' || c == '?' || c == '#') break;
    if (decode && c == '%' && j + 2 < url.size() && hex_value(url[j + 1]) >= 0 && hex_value(url[j + 2]) >= 0) {
      c = static_cast<char>(hex_value(url[j + 1]) * 16 + hex_value(url[j + 2]));
      j += 2;
      if (c == '\t' || c == '\n' || c == '\r') continue;
    }
    if (c == ':') {
      has_scheme = true;
      break;
    }
    bool ok = is_ascii_alpha(c) || (length > 0 && ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) scheme_chars_only = false;
    if (length < sizeof scheme) scheme[length] = ascii_lower(c);
    ++length;
  }
  if (!has_scheme) {
    // A relative reference. Only the markup policy accepts it, and never an empty one.
    return policy == url_policy::link && i < url.size();
  }
  if (!scheme_chars_only || length > sizeof scheme) return false;
  std::string_view name(scheme, length);
  if (name == "http" || name == "https") return true;
  return policy == url_policy::link && name == "mailto";
}
}  // namespace detail

// True when `url` (already entity-decoded) may be emitted as an href under `policy`.
// The scheme is read more suspiciously than a browser reads it, so that no spelling a browser
// could take for a dangerous scheme gets through: leading C0 controls and spaces are skipped,
// tabs and newlines anywhere in the scheme are ignored ("java\tscript:"), and the URL must be
// safe both with its percent-escapes decoded ("javascript%3Aalert(1)" counts as having a scheme)
// and as written. Anything with a colon before the first '/', '?' or '#' has a scheme and must be
// allowlisted; a character that cannot be in a scheme (a control, '%', non-ASCII) before that
// colon makes it unsafe, not relative.
inline bool is_safe_url(std::string_view url, url_policy policy) {
  return detail::scheme_is_safe(url, policy, true) && detail::scheme_is_safe(url, policy, false);
}

// Appends a URL for an href attribute: bytes that may not appear raw in a URL are
// percent-encoded (existing %XX escapes are kept), then the result goes through append_escaped.
// Quotes, '<', '>', spaces, controls and non-ASCII bytes are percent-encoded, so the attribute
// can never be broken out of. Judge the URL with is_safe_url first. Leading and trailing C0
// controls and spaces are dropped and tabs and newlines removed, as a browser's URL parser does,
// so the emitted URL keeps the scheme is_safe_url judged ("\0mailto:x" must not become the
// different URL "%00mailto:x").
inline void append_escaped_url(std::string& out, std::string_view url) {
  while (!url.empty() && static_cast<unsigned char>(url.front()) <= 0x20) url.remove_prefix(1);
  while (!url.empty() && static_cast<unsigned char>(url.back()) <= 0x20) url.remove_suffix(1);
  static constexpr char hex[] = "0123456789ABCDEF";
  auto safe = [](unsigned char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    switch (c) {
      case '-':
      case '_':
      case '.':
      case '+':
      case '!':
      case '*':
      case '(':
      case ')':
      case ',':
      case '%':
      case '#':
      case '@':
      case '?':
      case '=':
      case ';':
      case ':':
      case '/':
      case '$':
      case '~':
      case '&':
      case '\'': return true;
      default: return false;
    }
  };
  std::size_t run = 0;
  for (std::size_t i = 0; i < url.size(); ++i) {
    auto c = static_cast<unsigned char>(url[i]);
    if (safe(c)) continue;
    append_escaped(out, url.substr(run, i - run));
    run = i + 1;
    if (c == '\t' || c == '\n' || c == '\r') continue;
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  append_escaped(out, url.substr(run));
}

}  // namespace colloquy
