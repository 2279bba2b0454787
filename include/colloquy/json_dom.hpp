// nlohmann's DOM with a nesting limit: every JSON document the core reads with nlohmann (the
// reference comments reader, JSON Feeds) goes through here, so a "[[[[…" bomb never exhausts the
// parser's stack. It reads what JSON.parse and the core's own reader (json_reader.hpp) read
// where nlohmann alone would refuse the whole document: a number past the range of a double is
// +-infinity, an escaped surrogate that is not half of a pair is U+FFFD, and so are bytes in a
// string that are not UTF-8 (as TextDecoder reads them before JSON.parse).
//
//   nlohmann::json doc;
//   switch (colloquy::detail::parse_json_limited(text, doc)) { case json_parse::ok: … }
#pragma once
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/limits.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy {
namespace detail {

// Spellings of a finite zero that stand for +-infinity in a text rewritten by as_json_parse_reads
// (nlohmann refuses an infinite number before its SAX handler sees it); the same spellings in
// the original text are rewritten to another zero first, so they never mean infinity there.
inline constexpr std::string_view infinity_stand_in = "0.0E-1999", minus_infinity_stand_in = "-0.0E-1999";

// Whether `s` is exactly one JSON number (RFC 8259 grammar).
inline bool is_json_number(std::string_view s) {
  std::size_t i = 0;
  auto digits = [&] {
    const std::size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < s.size() && s[i] == '.' && (++i, !digits())) return false;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

// `text` rewritten so that nlohmann reads it as JSON.parse does (see the top of this file), or
// false when it needs no rewriting. A lone surrogate escape becomes "\uFFFD", bytes in a string
// that are not UTF-8 U+FFFD (utf8_invalid_span); a number that overflows a double becomes an
// infinity stand-in. Only what is already grammatical is
// rewritten, with the same token boundaries, so a text that is not JSON stays not JSON. A pass
// over the whole text: the oracle's business, never the widget's.
inline bool as_json_parse_reads(std::string_view text, std::string& out) {
  auto hex4 = [&](std::size_t at, std::uint32_t& unit) {
    if (at + 4 > text.size()) return false;
    unit = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
      const char c = text[k];
      const int h = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (h < 0) return false;
      unit = unit * 16 + std::uint32_t(h);
    }
    return true;
  };
  bool changed = false;
  std::size_t copied = 0;  // text before this is in `out` (once changed)
  auto replace = [&](std::size_t from, std::size_t to, std::string_view with) {
    if (!changed) out.clear();
    changed = true;
    out.append(text.substr(copied, from - copied));
    out.append(with);
    copied = to;
  };
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {  // a string, to its closing quote
      for (++i; i < text.size() && text[i] != '"';) {
        if (static_cast<unsigned char>(text[i]) >= 0x80) {  // not UTF-8: U+FFFD, as TextDecoder reads it
          std::size_t n = utf8_sequence(text, i);
          if (!n) {
            n = utf8_invalid_span(text, i);
            replace(i, i + n, "\xEF\xBF\xBD");
          }
          i += n;
          continue;
        }
        if (text[i] != '\\') {
          ++i;
          continue;
        }
        std::uint32_t unit, low;
        if (i + 1 < text.size() && text[i + 1] == 'u' && hex4(i + 2, unit) && unit >= 0xD800 && unit <= 0xDFFF) {
          if (unit <= 0xDBFF && text.substr(i + 6, 2) == "\\u" && hex4(i + 8, low) && low >= 0xDC00 && low <= 0xDFFF) {
            i += 12;
          } else {
            replace(i, i + 6, "\\uFFFD");
            i += 6;
          }
        } else {
          i += 2;  // any other escape (a bad one is nlohmann's to refuse)
        }
      }
      ++i;
    } else if (c == '-' || (c >= '0' && c <= '9')) {  // a number: the longest run of its characters
      std::size_t end = i;
      while (end < text.size() && std::string_view("0123456789+-.eE").find(text[end]) != std::string_view::npos) ++end;
      const std::string_view number = text.substr(i, end - i);
      if (is_json_number(number)) {
        const double d = std::strtod(std::string(number).c_str(), nullptr);
        if (std::isinf(d)) replace(i, end, d > 0 ? infinity_stand_in : minus_infinity_stand_in);
        else if (number == infinity_stand_in || number == minus_infinity_stand_in)
          replace(i, end, number[0] == '-' ? "-0.0" : "0.0");
      }
      i = end;
    } else {
      ++i;
    }
  }
  if (changed) out.append(text.substr(copied));
  return changed;
}

// nlohmann's own DOM builder, stopped when nesting passes limits::max_json_depth; an infinity
// stand-in (as_json_parse_reads) is read as infinity. Marking (the reference comments reader):
// instead of stopping, a container that passes the limit is parsed to its end and stands in
// the DOM as a binary value, which JSON text cannot hold (has_too_deep finds it).
template <bool Marking>
class depth_limited_sax {
 public:
  using json = nlohmann::json;
  explicit depth_limited_sax(json& result) : dom_(result, false) {}
  bool too_deep = false;

  bool null() { return skipping_ || dom_.null(); }
  bool boolean(bool v) { return skipping_ || dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return skipping_ || dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return skipping_ || dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    if (skipping_) return true;
    constexpr double infinity = std::numeric_limits<double>::infinity();
    if (s == infinity_stand_in) v = infinity;
    else if (s == minus_infinity_stand_in) v = -infinity;
    return dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return skipping_ || dom_.string(v); }
  bool binary(json::binary_t& v) { return skipping_ || dom_.binary(v); }
  bool key(json::string_t& v) { return skipping_ || dom_.key(v); }
  bool start_object(std::size_t n) { return deeper() && (skipping_ || dom_.start_object(n)); }
  bool end_object() { return shallower() || dom_.end_object(); }
  bool start_array(std::size_t n) { return deeper() && (skipping_ || dom_.start_array(n)); }
  bool end_array() { return shallower() || dom_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& e) {
    return dom_.parse_error(at, token, e);
  }

 private:
  bool deeper() {
    if (++depth_ <= limits::max_json_depth) return true;
    too_deep = true;
    if (!Marking) return false;
    ++skipping_;
    return true;
  }
  // True when the container that ends was one past the limit (the last of them ends as the marker).
  bool shallower() {
    --depth_;
    if (!skipping_) return false;
    json::binary_t marker;
    if (--skipping_ == 0) dom_.binary(marker);
    return true;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::size_t depth_ = 0;
  std::size_t skipping_ = 0;  // levels past the limit (Marking)
};

// Whether `v` holds a container marked as nested past the limit (parse_json_limited, marking).
inline bool has_too_deep(const nlohmann::json& v) {
  if (v.is_binary()) return true;
  if (v.is_structured())
    for (const auto& e : v)
      if (has_too_deep(e)) return true;
  return false;
}
}  // namespace detail

namespace detail {
enum class json_parse { ok, not_json, too_deep };

// Parses `text` into `doc` without exceptions, as JSON.parse reads it (as_json_parse_reads);
// nesting past limits::max_json_depth stops the parse where nlohmann reaches it (a syntax error
// before that point wins, as in document order).
// With `mark_too_deep`, a container nested past the limit is parsed and stands in `doc` as a
// binary value instead (depth_limited_sax): the reference comments reader refuses the comment
// that holds one, as the fast reader does, not the document.
inline json_parse parse_json_limited(std::string_view text, nlohmann::json& doc, bool mark_too_deep = false) {
  // nlohmann stops at a NUL byte as if the input ended there (for C strings); JSON allows no
  // raw NUL anywhere, so a text holding one is not JSON, as the fast comments reader says.
  const bool has_nul = text.find('\0') != std::string_view::npos;
  std::string rewritten;
  if (as_json_parse_reads(text, rewritten)) text = rewritten;
  bool parsed, too_deep;
  if (mark_too_deep) {
    depth_limited_sax<true> sax(doc);
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    too_deep = false;
  } else {
    depth_limited_sax<false> sax(doc);
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    too_deep = sax.too_deep;
  }
  if (too_deep) return json_parse::too_deep;
  if (!parsed || has_nul) return json_parse::not_json;
  return json_parse::ok;
}
}  // namespace detail

}  // namespace colloquy
