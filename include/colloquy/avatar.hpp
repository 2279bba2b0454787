// Identicon avatars: a 5×5 left-right mirrored pattern in one colour, worked out from the
// author's name and location, drawn as inline SVG. Nothing is fetched (no third-party request
// tells anyone who reads what), no data: URL and no style attribute (the widget runs under
// `style-src 'self'`): the colour is SVG's own fill attribute.
//
//   std::string out;
//   colloquy::append_avatar_svg(out, {"Mary D.", "Kansas, USA"});
//   // <svg class="avatar" viewbox="0 0 5 5" width="32" height="32" aria-hidden="true">
//   //   <path fill="hsl(…)" d="M1 0h3v1h-3z…"></path></svg>   (on one line)
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
// author. `viewbox` is written in lowercase, as the HTML parser reads every attribute name; it
// gives SVG's `viewBox` back (HTML's "adjust SVG attributes" step), and the allowlist checks
// lowercase names only. width and height keep it small where no stylesheet applies.
inline void append_avatar_svg(std::string& out, const author_info& a) {
  const std::uint64_t seed = avatar_seed(a);
  // Bits 0-14: the cells of the left three columns (5 rows × 3), mirrored onto the right two.
  unsigned cells = unsigned(seed & 0x7FFF);
  if (cells == 0) cells = 0x4924;  // never a blank square: the middle column
  // Hue from any angle; saturation and lightness in a band that reads on light and dark cards.
  const unsigned hue = unsigned((seed >> 16) % 360);
  const unsigned saturation = 45 + unsigned((seed >> 32) % 25);
  const unsigned lightness = 38 + unsigned((seed >> 40) % 15);
  // Assembled on the stack and appended once (at most ~300 bytes: three numbers below 360 and
  // 15 runs of 12 bytes): appending piece by piece was a tenth of `colloquy render`.
  constexpr std::string_view head =
      R"(<svg class="avatar" viewbox="0 0 5 5" width="32" height="32" aria-hidden="true"><path fill="hsl()";
  constexpr std::string_view tail = "\"></path></svg>";
  char buf[head.size() + 24 + 15 * 12 + tail.size()];
  char* p = buf;
  auto text = [&p](std::string_view s) {
    std::memcpy(p, s.data(), s.size());
    p += s.size();
  };
  auto number = [&p](unsigned v) {  // below 1000
    if (v >= 100) *p++ = char('0' + v / 100);
    if (v >= 10) *p++ = char('0' + v / 10 % 10);
    *p++ = char('0' + v % 10);
  };
  text(head);
  number(hue);
  *p++ = ',';
  number(saturation);
  text("%,");
  number(lightness);
  text("%)\" d=\"");
  for (unsigned y = 0; y < 5; ++y) {
    bool row[5];
    for (unsigned x = 0; x < 3; ++x) row[x] = row[4 - x] = (cells >> (y * 3 + x)) & 1;
    // One rectangle per run of cells: "M<x> <y>h<w>v1h-<w>z" (every number one digit).
    for (unsigned x = 0; x < 5;) {
      if (!row[x]) {
        ++x;
        continue;
      }
      unsigned w = 1;
      while (x + w < 5 && row[x + w]) ++w;
      const char run[] = {'M', char('0' + x), ' ', char('0' + y), 'h',           char('0' + w),
                          'v', '1',           'h', '-',           char('0' + w), 'z'};
      text({run, sizeof run});
      x += w;
    }
  }
  text(tail);
  out.append(buf, std::size_t(p - buf));
}

}  // namespace colloquy
