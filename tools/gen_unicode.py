#!/usr/bin/env python3
"""Writes include/colloquy/unicode.hpp: the Unicode character classes CommonMark's emphasis
rules need, from the Unicode database Python ships (unicodedata). Run through the CMake target
`colloquy_generate` (or: python3 tools/gen_unicode.py include/colloquy/unicode.hpp)."""
import sys
import unicodedata

HEAD = """// Unicode character classes CommonMark's emphasis rules need (spec 0.31.2, "Unicode punctuation
// character" = general category P or S; "Unicode whitespace character" = Zs, tab, LF, FF, CR).
// Generated from Unicode {version} (Python's unicodedata) by tools/gen_unicode.py: ranges of
// code points >= U+0080. Do not edit: run the CMake target colloquy_generate.
//
//   colloquy::detail::is_unicode_punctuation(0x20AC)  // true: the euro sign is a symbol (Sc)
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>

#include "colloquy/utf8.hpp"

namespace colloquy::detail {{

struct code_point_range {{
  char32_t first, last;
}};

// Whether `c` falls in one of the `n` ranges at `table` (sorted, not overlapping): one binary
// search for every table of a module.
inline bool in_ranges(const code_point_range* table, std::size_t n, char32_t c) {{
  auto it = std::upper_bound(table, table + n, c, [](char32_t v, const code_point_range& r) {{ return v < r.first; }});
  return it != table && c <= std::prev(it)->last;
}}
template <std::size_t N>
inline bool in_ranges(const code_point_range (&table)[N], char32_t c) {{
  return in_ranges(table, N, c);
}}

inline constexpr code_point_range unicode_punctuation_ranges[] = {{
"""

TAIL = """}};

inline bool is_ascii_punctuation(char32_t c) {{
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}}

inline bool is_unicode_punctuation(char32_t c) {{
  return c < 0x80 ? is_ascii_punctuation(c) : in_ranges(unicode_punctuation_ranges, c);
}}

inline bool is_unicode_whitespace(char32_t c) {{
  switch (c) {{
    case ' ': case '\\t': case '\\n': case '\\f': case '\\r':
{spaces}
      return true;
    default:
      return false;
  }}
}}

}}  // namespace colloquy::detail
"""


def ranges(predicate):
    out, start = [], None
    for cp in range(0x80, 0x110000):
        if predicate(cp):
            if start is None:
                start = cp
        elif start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def main(path):
    punct = ranges(lambda cp: unicodedata.category(chr(cp))[0] in "PS")
    cells = ["{0x%X, 0x%X}" % r for r in punct]
    lines = ["    " + ", ".join(cells[i:i + 6]) for i in range(0, len(cells), 6)]
    spaces = [cp for cp in range(0x80, 0x110000) if unicodedata.category(chr(cp)) == "Zs"]
    text = (HEAD.format(version=unicodedata.unidata_version) + ",\n".join(lines) + "\n" +
            TAIL.format(spaces="\n".join("    case 0x%X:" % cp for cp in spaces)))
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main(sys.argv[1])
