// nlohmann's DOM with a nesting limit: every JSON document the core reads with nlohmann (the
// reference comments reader, JSON Feeds) goes through here, so a "[[[[…" bomb never exhausts the
// parser's stack.
//
//   nlohmann::json doc;
//   switch (colloquy::detail::parse_json_limited(text, doc)) { case json_parse::ok: … }
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/limits.hpp"

namespace colloquy {
namespace detail {
// nlohmann's own DOM builder, stopped when nesting passes limits::max_json_depth.
class depth_limited_sax {
 public:
  using json = nlohmann::json;
  explicit depth_limited_sax(json& result) : dom_(result, false) {}
  bool too_deep = false;

  bool null() { return dom_.null(); }
  bool boolean(bool v) { return dom_.boolean(v); }
  bool number_integer(json::number_integer_t v) { return dom_.number_integer(v); }
  bool number_unsigned(json::number_unsigned_t v) { return dom_.number_unsigned(v); }
  bool number_float(json::number_float_t v, const json::string_t& s) { return dom_.number_float(v, s); }
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
}  // namespace detail

namespace detail {
enum class json_parse { ok, not_json, too_deep };

// Parses `text` into `doc` without exceptions; nesting past limits::max_json_depth stops the
// parse where nlohmann reaches it (a syntax error before that point wins, as in document order).
inline json_parse parse_json_limited(std::string_view text, nlohmann::json& doc) {
  depth_limited_sax sax(doc);
  bool parsed = nlohmann::json::sax_parse(text.begin(), text.end(), &sax);
  if (sax.too_deep) return json_parse::too_deep;
  // nlohmann stops at a NUL byte as if the input ended there (for C strings); JSON allows no
  // raw NUL anywhere, so a text holding one is not JSON, as the fast comments reader says.
  if (!parsed || text.find('\0') != std::string_view::npos) return json_parse::not_json;
  return json_parse::ok;
}
}  // namespace detail

}  // namespace colloquy
