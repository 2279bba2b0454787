// Identicon avatars: a 5×5 left-right mirrored pattern in one colour, worked out from the
// author's name and location, drawn by the stylesheet from classes. Nothing is fetched (no
// third-party request tells anyone who reads what), no data: URL, no style attribute (the widget
// runs under `style-src 'self'`) and no SVG: a span with classes is markup Chromium's fast-path
// fragment parser takes, as a thousand inline SVGs were not (PERFORMANCE.md, 2026-11-30).
//
//   std::string out;
//   colloquy::append_avatar(out, {"Mary D.", "Kansas, USA"});
//   // <span class="avatar av-h9 av-a0 av-b1 av-b2 av-c0 av-c1 av-c2 av-d0 av-e1 av-e2"
//   //       aria-hidden="true"></span>
//
// av-h<0-23>: the colour, one of 24 hues 15° apart. av-<row><column>: a filled cell, rows a-e
// from the top, columns 0-2 from the edges in (column 0 is drawn at both edges, 1 beside both,
// 2 is the middle). web/colloquy-static.css holds the rules, once; the build adds them to the
// widget's colloquy.css (wasm/minify-css.mjs --avatar).
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "colloquy/comment.hpp"
#include "colloquy/format.hpp"

namespace colloquy {

namespace detail {
// FNV-1a (64-bit) over `s`, continuing from `h`: the same value on every platform and build
// (std::hash is neither), and quick on short strings.
inline std::uint64_t fnv1a(std::uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = (h ^ c) * 0x100000001B3ull;
  return h;
}
}  // namespace detail

// The avatar's seed: the byline's author (name and location, trimmed as the byline trims them).
// A separator byte that UTF-8 never holds keeps "ab"+"c" apart from "a"+"bc"; the final mix
// (SplitMix64's) spreads every input bit over the bits the pattern and the colour use.
inline std::uint64_t avatar_seed(const author_info& a) {
  std::uint64_t h = detail::fnv1a(0xCBF29CE484222325ull, trimmed(a.name));
  h = detail::fnv1a((h ^ 0xFF) * 0x100000001B3ull, trimmed(a.location));
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
  return h ^ (h >> 31);
}

// Appends the avatar of `a`. The element is decorative (aria-hidden): the byline names the
// author.
inline void append_avatar(std::string& out, const author_info& a) {
  const std::uint64_t seed = avatar_seed(a);
  // Bits 0-14: the cells of the left three columns (5 rows × 3), mirrored onto the right two.
  unsigned cells = unsigned(seed & 0x7FFF);
  if (cells == 0) cells = 0x4924;  // never a blank square: the middle column
  const unsigned hue = unsigned((seed >> 16) % 24);
  // Assembled on the stack and appended once (at most 6 + 15 tokens of 6 bytes and the frame).
  constexpr std::string_view head = R"(<span class="avatar av-h)";
  constexpr std::string_view tail = R"(" aria-hidden="true"></span>)";
  char buf[head.size() + 2 + 15 * 6 + tail.size()];
  char* p = buf;
  auto text = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  text(head);
  if (hue >= 10) *p++ = char('0' + hue / 10);
  *p++ = char('0' + hue % 10);
  for (unsigned i = 0; i < 15; ++i) {
    if (!((cells >> i) & 1)) continue;
    const char token[] = {' ', 'a', 'v', '-', char('a' + i / 3), char('0' + i % 3)};
    text({token, sizeof token});
  }
  text(tail);
  out.append(buf, std::size_t(p - buf));
}

}  // namespace colloquy
