// Bytes and characters: the one UTF-8 encoder, the one UTF-8 validator and the one hex-digit
// reader, shared by the JSON reader and writer, the markup formatter, the feed reader and the
// draft checks.
//
//   std::size_t n = colloquy::detail::utf8_sequence(s, i);  // 0: not valid UTF-8 at s[i]
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace colloquy::detail {

// Appends the UTF-8 encoding of a code point (callers pass valid scalar values: U+FFFD replaces
// surrogates and values past U+10FFFF before this is called).
inline void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the valid UTF-8 sequence at s[i] (i < s.size()), or 0 when it is invalid: RFC 3629
// table 3-7, so no overlongs, no encoded surrogates, nothing above U+10FFFF.
inline std::size_t utf8_sequence(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 0;
  if (n == 0 || c > 0xF4 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((b(i + k) & 0xC0) != 0x80) return 0;
  if (c == 0xE0 && b(i + 1) < 0xA0) return 0;   // overlong
  if (c == 0xED && b(i + 1) >= 0xA0) return 0;  // UTF-16 surrogate
  if (c == 0xF0 && b(i + 1) < 0x90) return 0;   // overlong
  if (c == 0xF4 && b(i + 1) >= 0x90) return 0;  // above U+10FFFF
  return n;
}

// How many bytes at s[i] one U+FFFD replaces when utf8_sequence(s, i) is 0: the longest start
// of a well-formed sequence, at least one byte, as the WHATWG Encoding Standard's decoder reads
// it (TextDecoder, and so a browser's fetch().json()).
inline std::size_t utf8_invalid_span(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  const std::size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 1;
  unsigned char lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
  unsigned char hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
  std::size_t k = 1;
  for (; k < n && i + k < s.size() && b(i + k) >= lo && b(i + k) <= hi; ++k) lo = 0x80, hi = 0xBF;
  return k;
}

#if defined(__SSE2__)
// utf8_sequence's rules for 16 bytes at once (SSE2, every x86-64), so that text with accents,
// Cyrillic or emoji is not checked one sequence, and one mispredicted branch, at a time. `v`
// starts at a sequence boundary and `high` is its bytes >= 0x80 (_mm_movemask_epi8). Returns
// how many bytes before `limit` (at most 16) are whole sequences utf8_sequence accepts, ending
// before any sequence that reaches `limit`; or, when one of them is not well-formed, the index
// of the first byte >= 0x80, from which the caller checks one sequence at a time with
// utf8_sequence (so an error is found, and placed, exactly as there).
inline unsigned utf8_block_prefix(__m128i v, unsigned high, unsigned limit) {
  // Signed byte compares: 0x80..0xFF are the negative bytes, in order.
  auto below = [v](int b) { return unsigned(_mm_movemask_epi8(_mm_cmplt_epi8(v, _mm_set1_epi8(char(b))))); };
  auto above = [v](int b) { return unsigned(_mm_movemask_epi8(_mm_cmpgt_epi8(v, _mm_set1_epi8(char(b))))); };
  auto equal = [v](int b) { return unsigned(_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(char(b))))); };
  const unsigned cont = below(0xC0);  // 80..BF
  const unsigned lead = high & ~cont;
  const unsigned from_e0 = lead & above(0xDF), from_f0 = lead & above(0xEF);
  const unsigned two = lead & ~from_e0, three = from_e0 & ~from_f0, four = from_f0;
  // A sequence whose last byte is at `limit` or beyond ends the prefix at its lead.
  auto from = [limit](unsigned k) { return limit >= k ? ~0u << (limit - k) : ~0u; };
  const unsigned crossing = (two & from(1)) | (three & from(2)) | (four & from(3));
  const unsigned end = crossing && unsigned(__builtin_ctz(crossing)) < limit ? unsigned(__builtin_ctz(crossing)) : limit;
  const unsigned window = (1u << end) - 1;
  const unsigned l2 = two & window, l3 = three & window, l4 = four & window;
  // Every lead's continuation bytes, and nothing else, are 80..BF; no C0, C1 or F5..FF;
  // after E0 A0..BF (no overlong), after ED 80..9F (no surrogate), after F0 90..BF (no
  // overlong), after F4 80..8F (nothing past U+10FFFF).
  const unsigned expected = (l2 | l3 | l4) << 1 | (l3 | l4) << 2 | l4 << 3;
  const unsigned bad_lead = lead & (below(0xC2) | above(0xF4));
  const unsigned low_a0 = below(0xA0), low_90 = below(0x90);  // 80..9F, 80..8F
  const unsigned bad_second = (equal(0xE0) << 1 & low_a0) | (equal(0xED) << 1 & cont & ~low_a0) |
                              (equal(0xF0) << 1 & low_90) | (equal(0xF4) << 1 & cont & ~low_90);
  if (expected == (cont & window) && !((bad_lead | bad_second) & window)) return end;
  return unsigned(__builtin_ctz(high));
}
#endif

// True when `s` holds a sequence utf8_sequence refuses.
inline bool has_invalid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) return true;
    i += n;
  }
  return false;
}

// The value of one hex digit, or -1.
inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace colloquy::detail
