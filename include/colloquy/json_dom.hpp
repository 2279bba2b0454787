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
#include <set>
#include <string>
#include <string_view>
#include <vector>

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
// stand-in (as_json_parse_reads) is read as infinity.
class depth_limited_sax {
 public:
  using json = nlohmann::json;
  explicit depth_limited_sax(json& result) : dom_(result, false) {}
  bool too_deep = false;

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) {
    constexpr double infinity = std::numeric_limits<double>::infinity();
    if (s == infinity_stand_in) v = infinity;
    else if (s == minus_infinity_stand_in) v = -infinity;
    return dom_.number_float(v, s);
  }
  bool string(json::string_t& v) { return dom_.string(v); }
  bool binary(json::binary_t& v) { return dom_.binary(v); }
  bool key(json::string_t& v) { return dom_.key(v); }
  bool start_object(std::size_t n) { return deeper() && dom_.start_object(n); }
  bool end_object() {
    --depth_;
    return dom_.end_object();
  }
  bool start_array(std::size_t n) { return deeper() && dom_.start_array(n); }
  bool end_array() {
    --depth_;
    return dom_.end_array();
  }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& e) {
    return dom_.parse_error(at, token, e);
  }

 private:
  bool deeper() {
    if (++depth_ <= limits::max_json_depth) return true;
    too_deep = true;
    return false;
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::size_t depth_ = 0;
};

// The reference comments reader's builder: as depth_limited_sax, but a container nested past
// the limit is parsed to its end and stands in the DOM as a binary value, which JSON text
// cannot hold (has_too_deep finds it). The fast reader refuses a comment whose text holds such
// a value even where a repeated key replaces it later, so here a member that held one and is
// replaced leaves a binary value behind, under a key no JSON text can spell (raw 0xFF: the text
// is valid UTF-8 once as_json_parse_reads has read it).
class marking_sax {
 public:
  using json = nlohmann::json;
  explicit marking_sax(json& result) : dom_(result, false) {}

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
  bool key(json::string_t& v) {
    if (skipping_) return true;
    frame& f = frames_.back();
    if (f.deep_keys.count(v)) {  // its value held a marker: one stays
      std::string hidden = "\xFF";
      json::binary_t marker;
      if (!dom_.key(hidden) || !dom_.binary(marker)) return false;
    }
    f.key = v;
    return dom_.key(v);
  }
  bool start_object(std::size_t n) { return open(true) && (skipping_ || dom_.start_object(n)); }
  bool end_object() { return close() || dom_.end_object(); }
  bool start_array(std::size_t n) { return open(false) && (skipping_ || dom_.start_array(n)); }
  bool end_array() { return close() || dom_.end_array(); }
  template <class Exception>
  bool parse_error(std::size_t at, const std::string& token, const Exception& e) {
    return dom_.parse_error(at, token, e);
  }

 private:
  struct frame {
    bool object;
    std::string key;                  // the member being read (objects)
    std::set<std::string> deep_keys;  // members whose value held a marker
    bool holds = false;               // a marker somewhere inside
  };
  bool open(bool object) {
    if (++depth_ > limits::max_json_depth) ++skipping_;
    else frames_.push_back({object, {}, {}, false});
    return true;
  }
  // True when the container that ends was past the limit (the outermost of them ends as the marker).
  bool close() {
    --depth_;
    if (skipping_) {
      if (--skipping_ == 0) {
        json::binary_t marker;
        dom_.binary(marker);
        holding();
      }
      return true;
    }
    const bool held = frames_.back().holds;
    frames_.pop_back();
    if (held) holding();
    return false;
  }
  // The value just read, in the innermost open container, held a marker.
  void holding() {
    if (frames_.empty()) return;
    frame& f = frames_.back();
    f.holds = true;
    if (f.object) f.deep_keys.insert(f.key);
  }
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::size_t depth_ = 0;
  std::size_t skipping_ = 0;  // levels past the limit
  std::vector<frame> frames_;
};

// Whether `v` holds a container marked as nested past the limit (marking_sax).
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
// binary value instead (marking_sax): the reference comments reader refuses the comment
// that holds one, as the fast reader does, not the document.
inline json_parse parse_json_limited(std::string_view text, nlohmann::json& doc, bool mark_too_deep = false) {
  // nlohmann stops at a NUL byte as if the input ended there (for C strings); JSON allows no
  // raw NUL anywhere, so a text holding one is not JSON, as the fast comments reader says.
  const bool has_nul = text.find('\0') != std::string_view::npos;
  std::string rewritten;
  if (as_json_parse_reads(text, rewritten)) text = rewritten;
  bool parsed, too_deep = false;
  if (mark_too_deep) {
    marking_sax sax(doc);
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  } else {
    depth_limited_sax sax(doc);
    parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
    too_deep = sax.too_deep;
  }
  if (too_deep) return json_parse::too_deep;
  if (!parsed || has_nul) return json_parse::not_json;
  return json_parse::ok;
}
}  // namespace detail

}  // namespace colloquy
