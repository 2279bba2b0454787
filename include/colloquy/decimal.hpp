// Integers as decimal text: the core's one integer formatter (JSON answers, HTML attributes,
// dates, counts, error positions). Not std::to_string: libc++'s to_chars brings a 200-byte
// table of digit pairs and unrolled code, ~0.5 KB gzip of the widget's reading module, for the
// few numbers the core writes per comment.
//
//   std::string s = "depth ";
//   colloquy::append_decimal(s, -3);  // s == "depth -3"
//   colloquy::decimal(42u)            // "42"
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

namespace colloquy {

namespace detail {
// A non-negative integer written at `p` (20 bytes at most), returning the end: the render
// path's, with no string in between.
inline char* write_uint(char* p, std::uint64_t v) {
  char buf[20];
  char* q = buf + sizeof buf;
  do {
    *--q = char('0' + v % 10);
    v /= 10;
  } while (v);
  const std::size_t n = std::size_t(buf + sizeof buf - q);
  std::memcpy(p, q, n);
  return p + n;
}
inline void append_decimal_digits(std::string& out, std::uint64_t magnitude, bool negative) {
  char buf[21] = {'-'};
  out.append(buf, std::size_t(write_uint(buf + negative, magnitude) - buf));
}
}  // namespace detail

template <class Int>
requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>) void append_decimal(std::string& out, Int v) {
  if constexpr (std::is_signed_v<Int>)
    detail::append_decimal_digits(out, v < 0 ? std::uint64_t(0) - std::uint64_t(v) : std::uint64_t(v), v < 0);
  else detail::append_decimal_digits(out, std::uint64_t(v), false);
}

template <class Int>
requires(std::is_integral_v<Int> && !std::is_same_v<Int, bool>) std::string decimal(Int v) {
  std::string s;
  append_decimal(s, v);
  return s;
}

}  // namespace colloquy
