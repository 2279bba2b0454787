// The core's JSON writer: what the wasm boundary and the CLI answer with (meta objects, drafts,
// problem lists). Small on purpose: strings, integers, booleans and null are all the answers
// hold, so no floating point and no printf are linked in.
//
//   std::string out;
//   colloquy::json_writer w(out);
//   w.begin_object().key("ok").boolean(true).key("count").number(3).end_object();  // {"ok":true,"count":3}
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "colloquy/decimal.hpp"
#include "colloquy/error.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy {

class json_writer {
 public:
  explicit json_writer(std::string& out) : out_(out) {}

  json_writer& begin_object() { return open('{'); }
  json_writer& end_object() { return close('}'); }
  json_writer& begin_array() { return open('['); }
  json_writer& end_array() { return close(']'); }
  json_writer& key(std::string_view k) {
    separate();
    quoted(k);
    out_ += ':';
    comma_ = false;
    return *this;
  }
  json_writer& string(std::string_view s) {
    separate();
    quoted(s);
    return *this;
  }
  // A string, or null when it is empty (a cursor, a parent id).
  json_writer& string_or_null(std::string_view s) { return s.empty() ? null() : string(s); }
  // A member of the object being written: "key":"value" or "key":123.
  json_writer& member(std::string_view k, std::string_view v) { return key(k).string(v); }
  template <class Int>
  requires std::is_integral_v<Int> &&(!std::is_same_v<Int, bool>)json_writer& member(std::string_view k, Int v) {
    return key(k).number(v);
  }
  template <class Int>
  requires std::is_integral_v<Int> &&(!std::is_same_v<Int, bool>)json_writer& number(Int v) {
    separate();
    append_decimal(out_, v);
    return *this;
  }
  json_writer& boolean(bool v) {
    separate();
    out_ += v ? "true" : "false";
    return *this;
  }
  json_writer& null() {
    separate();
    out_ += "null";
    return *this;
  }

 private:
  json_writer& open(char c) {
    separate();
    out_ += c;
    comma_ = false;
    return *this;
  }
  json_writer& close(char c) {
    out_ += c;
    comma_ = true;
    return *this;
  }
  void separate() {
    if (comma_) out_ += ',';
    comma_ = true;
  }
  // RFC 8259 escaping, as nlohmann's dump writes it (ensure_ascii off): '"', '\\' and controls
  // escaped, everything else as is; a byte that is not valid UTF-8 becomes U+FFFD, so the
  // answer is always valid JSON for JSON.parse.
  void quoted(std::string_view s) {
    static constexpr char hex[] = "0123456789abcdef";
    out_ += '"';
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size();) {
      const unsigned char c = static_cast<unsigned char>(s[i]);
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
        ++i;
        continue;
      }
      const std::size_t n = c >= 0x80 ? detail::utf8_sequence(s, i) : 1;
      if (c >= 0x80 && n) {
        i += n;
        continue;
      }
      out_.append(s.data() + run, i - run);
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\b': out_ += "\\b"; break;
        case '\f': out_ += "\\f"; break;
        case '\n': out_ += "\\n"; break;
        case '\r': out_ += "\\r"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (c < 0x20) {
            out_ += "\\u00";
            out_ += hex[c >> 4];
            out_ += hex[c & 15];
          } else {
            out_ += "\xEF\xBF\xBD";
          }
      }
      run = ++i;
    }
    out_.append(s.data() + run, s.size() - run);
    out_ += '"';
  }

  std::string& out_;
  bool comma_ = false;
};

// A problem as the loader and `colloquy check` show it: {"code","column","field","id","index",
// "line","message"}, each key in sorted order; column and line only for a position in a text,
// field, id and message only when known (the widget's reading modules keep no message for a
// comment's problems: error.hpp, problem_list::add).
inline void write_json(json_writer& w, const problem& p) {
  w.begin_object().key("code").string(p.code);
  if (p.line) w.key("column").number(p.column);
  if (!p.field.empty()) w.key("field").string(p.field);
  if (!p.id.empty()) w.key("id").string(p.id);
  w.key("index").number(p.index);
  if (p.line) w.key("line").number(p.line);
  if (!p.message.empty()) w.key("message").string(p.message);
  w.end_object();
}

}  // namespace colloquy
