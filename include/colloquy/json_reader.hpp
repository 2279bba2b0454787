// A hand-written, single-pass JSON reader for the comments document (DESIGN §2): the fast path
// behind colloquy::read_comments.
//
//   colloquy::detail::comments_document_reader reader(bytes);
//   read_result r = reader.read();   // same answer as read_comments_reference(bytes)
//
// Why not nlohmann here: nlohmann builds a DOM and parses ~35 MB/s in wasm, several times slower
// than the browser's JSON.parse (TOOLCHAIN.md). This reader never builds a DOM: it walks the
// bytes once, validates all of them (RFC 8259 grammar, UTF-8 per RFC 3629 in strings, a
// leading BOM allowed), keeps only the fields a comment uses, and hands each item to the same
// rules as the reference reader (detail::finish_item in read.hpp). nlohmann stays as the
// oracle: the tests and the fuzzer check that both readers give the same answer on every
// document.
//
// What the grammar allows but nlohmann refuses is read as a browser's JSON.parse reads it, so
// that one odd value never turns a whole thread into `not_json`: a number beyond the range of a
// double is +-infinity (the item rules refuse it wherever a number is used: a date, votes), and
// an escaped surrogate that is not half of a pair ("\ud800", "\udc00") is U+FFFD, as the
// browser's UTF-8 encoder writes it (strings stay valid UTF-8). The reference reader is given
// the same reading (json_dom.hpp parse_json_limited).
//
// Semantics matched on purpose: a duplicate key keeps its last value (as nlohmann's DOM does);
// the first syntax error in document order wins; a value nested past limits::max_json_depth
// is validated and skipped, and the comment holding it is refused alone (json_too_deep), which
// the reference reader matches by marking such values (json_dom.hpp, parse_json_limited).
//
// No recursion: nesting is tracked in a byte per level (json_scanner::skip_value).
#pragma once
#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "colloquy/cold.hpp"
#include "colloquy/comment.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy::detail {

// A JSON number with a fraction or an exponent (already validated) as a double, without strtod:
// strtod brings libc's long double arithmetic into the widget's module (~5 KB gzip), for
// numbers that are Unix times and options. Correctly rounded, as strtod, when the significant
// digits fit 2^53 and the power of ten is at most 22 (Clinger's fast path: both factors are
// exact doubles and IEEE rounds the one product or quotient once): every time with
// milliseconds and every option. Longer or larger numbers come within a few units in the last
// place; too large is infinity (as JSON.parse reads it), too small is zero.
inline double decimal_to_double(std::string_view text) {
  static constexpr double exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                     1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
  constexpr int max_exact = 22;
  std::size_t i = 0;
  const bool negative = !text.empty() && text[0] == '-';
  if (negative) ++i;
  std::uint64_t digits = 0;  // the first 19 significant digits
  long exponent = 0;         // digits * 10^exponent is the number (past those 19 digits: truncated)
  bool fraction = false;
  for (; i < text.size() && text[i] != 'e' && text[i] != 'E'; ++i) {
    if (text[i] == '.') {
      fraction = true;
    } else if (digits <= (UINT64_MAX - 9) / 10) {
      digits = digits * 10 + unsigned(text[i] - '0');
      if (fraction) --exponent;
    } else if (!fraction) {
      ++exponent;
    }
  }
  if (i < text.size()) {  // the exponent, clamped far beyond any double
    bool minus = false;
    long e = 0;
    for (++i; i < text.size(); ++i) {
      if (text[i] == '-') minus = true;
      else if (text[i] != '+' && e < 100000) e = e * 10 + (text[i] - '0');
    }
    exponent += minus ? -e : e;
  }
  double d = double(digits);
  if (digits != 0) {
    while (exponent > max_exact && d - d == 0) {  // until infinity
      d *= exact[max_exact];
      exponent -= max_exact;
    }
    while (exponent < -max_exact && d > 0) {
      d /= exact[max_exact];
      exponent += max_exact;
    }
    if (exponent > max_exact) d = d * exact[max_exact];  // infinity by now
    else if (exponent >= 0) d *= exact[exponent];
    else if (exponent >= -max_exact) d /= exact[-exponent];
  }
  return negative ? -d : d;
}

// One JSON value as the item rules see it, whichever parser produced it. Strings are decoded
// views that stay valid while the current item is being finished.
struct json_value {
  enum class kind : std::uint8_t { absent, null, boolean, integer, real, string, object, array };
  kind k = kind::absent;
  bool negative = false;        // integer: its sign
  std::uint64_t magnitude = 0;  // integer: its absolute value
  double real = 0;              // real
  std::string_view text;        // string

  bool present() const { return k != kind::absent && k != kind::null; }
  bool is(kind x) const { return k == x; }
};

// The fields of one comment item that the rules read (DESIGN §2). `author_*` and `votes_*` are
// set only when `author` / `votes` is an object.
struct raw_item {
  json_value id, parent, created, edited, text, status, author, votes;
  json_value author_name, author_location, author_url, votes_up, votes_down;
  bool too_deep = false;  // a field nests deeper than limits::max_json_depth: the item is refused

  // Every field absent, for the next item. Only the kinds: a value is read only by its kind,
  // and zeroing the whole item (520 bytes) for each comment was 15% of reading a document.
  void clear() {
    for (json_value* v : {&id, &parent, &created, &edited, &text, &status, &author, &votes})
      v->k = json_value::kind::absent;
    too_deep = false;
  }
};

// Low-level scanning shared by the document reader. Positions are indices into `s`.
class json_scanner {
 public:
  explicit json_scanner(std::string_view s) : s_(s) {}

  enum class failure : std::uint8_t { none, syntax, too_deep };
  failure error() const { return error_; }
  // Where the first error was found: a byte offset into the input (its size: the input ended).
  std::size_t error_offset() const { return error_at_; }
  bool failed() const { return error_ != failure::none; }

  bool skip_bom() {
    if (!s_.empty() && static_cast<unsigned char>(s_[0]) == 0xEF) {
      if (s_.size() < 3 || static_cast<unsigned char>(s_[1]) != 0xBB || static_cast<unsigned char>(s_[2]) != 0xBF)
        return fail();
      p_ = 3;
    }
    return true;
  }

  void skip_ws() {
    while (p_ < s_.size()) {
      char c = s_[p_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
      ++p_;
    }
  }
  bool at_end() const { return p_ >= s_.size(); }
  std::size_t remaining() const { return s_.size() - p_; }
  std::size_t offset() const { return p_; }
  char peek() const { return p_ < s_.size() ? s_[p_] : '\0'; }
  // Consumes `c` after whitespace; false (without failing) when it is not there.
  bool eat(char c) {
    skip_ws();
    if (p_ < s_.size() && s_[p_] == c) {
      ++p_;
      return true;
    }
    return false;
  }
  bool expect(char c) { return eat(c) || fail(); }
  void advance() { ++p_; }
  // Records a syntax error (the first error wins) and returns false.
  bool fail() {
    if (error_ == failure::none) {
      error_ = failure::syntax;
      error_at_ = std::min(p_, s_.size());
    }
    return false;
  }

  bool open() {  // after consuming '[' or '{'
    if (++depth_ > limits::max_json_depth) {
      error_ = failure::too_deep;
      error_at_ = p_ - 1;
      return false;
    }
    return true;
  }
  void close() { --depth_; }
  std::size_t depth() const { return depth_; }
  // Whether a value skipped since the last call nested past limits::max_json_depth.
  bool took_too_deep() {
    const bool deep = too_deep_;
    too_deep_ = false;
    return deep;
  }
  // Moves to `offset`, `depth` levels deep: a second reader starting inside a document.
  void seek(std::size_t offset, std::size_t depth) {
    p_ = offset;
    depth_ = depth;
  }

  // Reads a string (the opening quote not yet consumed). Without escapes the view points into
  // the input; with escapes it is decoded into `scratch`.
  bool string(std::string_view& out, std::string& scratch) {
    skip_ws();
    if (p_ >= s_.size() || s_[p_] != '"') return fail();
#if defined(__SSE2__)
    if (short_plain_string(out)) return true;
#endif
    const std::size_t start = ++p_;
    std::size_t run = start;  // with escapes: start of the bytes not yet copied to scratch
    bool escaped = false;
    for (;;) {
      p_ = plain_end(p_);
      if (p_ >= s_.size()) return fail();
      const unsigned char c = static_cast<unsigned char>(s_[p_]);
      if (c == '"') {
        if (escaped) {
          scratch.append(s_.data() + run, p_ - run);
          out = scratch;
        } else {
          out = s_.substr(start, p_ - start);
        }
        ++p_;
        return true;
      }
      if (c >= 0x80) {
        if (const std::size_t n = utf8_sequence(s_, p_)) {
          p_ += n;
        } else {
          // Not UTF-8: one U+FFFD for it, as a browser's fetch().json() reads it (TextDecoder
          // first), so one bad byte in one comment never costs the whole document.
          if (!escaped) {
            scratch.clear();
            escaped = true;
          }
          scratch.append(s_.data() + run, p_ - run);
          scratch += "\xEF\xBF\xBD";
          p_ += utf8_invalid_span(s_, p_);
          run = p_;
        }
      } else if (c == '\\') {
        if (!escaped) {
          scratch.clear();
          escaped = true;
        }
        scratch.append(s_.data() + run, p_ - run);
        if (!escape(scratch)) return false;
        run = p_;
      } else if (c < 0x20) {
        return fail();
      } else {
        ++p_;
      }
    }
  }

  // Reads a number into `v` (integer when it has no fraction or exponent and fits 64 bits,
  // as nlohmann classifies it; otherwise a double, +-infinity past the largest one).
  bool number(json_value& v) {
    skip_ws();
    const std::size_t start = p_;
    bool neg = false;
    if (p_ < s_.size() && s_[p_] == '-') {
      neg = true;
      ++p_;
    }
    if (p_ >= s_.size() || s_[p_] < '0' || s_[p_] > '9') return fail();
    std::uint64_t mag = 0;
    bool overflow = false;
    if (s_[p_] == '0') {
      ++p_;
    } else {
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') {
        unsigned d = unsigned(s_[p_] - '0');
        if (mag > (UINT64_MAX - d) / 10) overflow = true;
        else mag = mag * 10 + d;
        ++p_;
      }
    }
    bool is_real = false;
    if (p_ < s_.size() && s_[p_] == '.') {
      is_real = true;
      ++p_;
      if (p_ >= s_.size() || s_[p_] < '0' || s_[p_] > '9') return fail();
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    }
    if (p_ < s_.size() && (s_[p_] == 'e' || s_[p_] == 'E')) {
      is_real = true;
      ++p_;
      if (p_ < s_.size() && (s_[p_] == '+' || s_[p_] == '-')) ++p_;
      if (p_ >= s_.size() || s_[p_] < '0' || s_[p_] > '9') return fail();
      while (p_ < s_.size() && s_[p_] >= '0' && s_[p_] <= '9') ++p_;
    }
    if (neg && mag > (std::uint64_t(1) << 63)) overflow = true;  // below INT64_MIN
    if (!is_real && !overflow) {
      v.k = json_value::kind::integer;
      v.negative = neg && mag != 0;
      v.magnitude = mag;
      return true;
    }
    // Past the range of a double: infinity, as JSON.parse reads it (nlohmann refuses the whole
    // document; the item rules refuse the value where a number is used).
    v.k = json_value::kind::real;
    v.real = decimal_to_double(s_.substr(start, p_ - start));
    return true;
  }

  bool literal(std::string_view word) {
    skip_ws();
    if (s_.substr(p_, word.size()) != word) return fail();
    p_ += word.size();
    return true;
  }

  // Reads any value into `v`; containers are validated and skipped (kind only).
  bool value(json_value& v, std::string& scratch) {
    v = json_value{};
    skip_ws();
    switch (peek()) {
      case '"': v.k = json_value::kind::string; return string(v.text, scratch);
      case '{': v.k = json_value::kind::object; return skip_value();
      case '[': v.k = json_value::kind::array; return skip_value();
      case 't':
        v.k = json_value::kind::boolean;
        v.magnitude = 1;
        return literal("true");
      case 'f': v.k = json_value::kind::boolean; return literal("false");
      case 'n': v.k = json_value::kind::null; return literal("null");
      default: return number(v);
    }
  }

  // Validates and skips one value of any shape, iteratively. Nesting past
  // limits::max_json_depth is validated to its end too (a byte per level, so bounded by the
  // input) and noted for took_too_deep: the comment that holds such a value is refused, not the
  // whole document (DESIGN §2: bad items never sink the thread).
  bool skip_value() {
    const std::size_t base = depth_;
    std::string scratch;
    std::string_view ignored;
    json_value number_value;
    for (;;) {
      // A value is expected here.
      skip_ws();
      char c = peek();
      if (c == '{' || c == '[') {
        ++p_;
        if (++depth_ > limits::max_json_depth) too_deep_ = true;
        if (in_object_.size() <= depth_) in_object_.resize(depth_ + 1);
        in_object_[depth_] = c == '{';
        skip_ws();
        if (peek() == (c == '{' ? '}' : ']')) {
          ++p_;
          close();
        } else {
          if (c == '{' && (!string(ignored, scratch) || !expect(':'))) return false;
          continue;
        }
      } else if (c == '"') {
        if (!string(ignored, scratch)) return false;
      } else if (c == 't') {
        if (!literal("true")) return false;
      } else if (c == 'f') {
        if (!literal("false")) return false;
      } else if (c == 'n') {
        if (!literal("null")) return false;
      } else if (!number(number_value)) {
        return false;
      }
      // After a value: close containers or move to the next member.
      for (;;) {
        if (depth_ == base) return true;
        skip_ws();
        char d = peek();
        if (d == ',') {
          ++p_;
          if (in_object_[depth_] && (!string(ignored, scratch) || !expect(':'))) return false;
          break;
        }
        if (d != (in_object_[depth_] ? '}' : ']')) return fail();
        ++p_;
        close();
      }
    }
  }

 private:
  // One escape sequence at p_ (the backslash), decoded onto `out`.
  bool escape(std::string& out) {
    if (++p_ >= s_.size()) return fail();
    switch (s_[p_++]) {
      case '"': out += '"'; return true;
      case '\\': out += '\\'; return true;
      case '/': out += '/'; return true;
      case 'b': out += '\b'; return true;
      case 'f': out += '\f'; return true;
      case 'n': out += '\n'; return true;
      case 'r': out += '\r'; return true;
      case 't': out += '\t'; return true;
      case 'u': {
        std::uint32_t cp;
        if (!hex4(cp)) return fail();
        if (cp >= 0xD800 && cp <= 0xDFFF) {
          // A high surrogate and the low one escaped right after it are one character. Any
          // other surrogate is alone: U+FFFD, and an escape after it is read on its own.
          const std::size_t after = p_;
          std::uint32_t lo = 0;
          if (cp <= 0xDBFF && s_.substr(p_, 2) == "\\u") {
            p_ += 2;
            if (!hex4(lo)) lo = 0;
          }
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else {
            p_ = after;
            cp = 0xFFFD;
          }
        }
        append_utf8(out, cp);
        return true;
      }
      default: return fail();
    }
  }

  // The first position at or after `p` holding '"', '\\', a control character or a byte
  // >= 0x80 to check (or a position near the end from which the caller checks byte by byte).
  // Plain text, most of a comment, needs no other work. With SSE2 (every x86-64): 16 bytes at a
  // time, and a block's non-ASCII bytes checked in the block (utf8_block_prefix), so only a
  // sequence that is ill-formed or crosses the block goes through the caller's checks.
  // Elsewhere (the wasm build): 8 bytes at a time with the "has zero byte" / "has byte less
  // than" SWAR tricks, stopping at every byte >= 0x80, where a false alarm only sends one byte
  // through the caller's checks.
  std::size_t plain_end(std::size_t p) const {
    const char* d = s_.data();
    const std::size_t n = s_.size();
#if defined(__SSE2__)
    const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    while (p + 16 <= n) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(d + p));
      const unsigned high = static_cast<unsigned>(_mm_movemask_epi8(v));
      const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, slash)),
                                       _mm_cmplt_epi8(v, space));  // signed: < 0x20 or >= 0x80
      const unsigned special = static_cast<unsigned>(_mm_movemask_epi8(hit)) & ~high;
      if (!(special | high)) {
        p += 16;
        continue;
      }
      const unsigned limit = special ? static_cast<unsigned>(__builtin_ctz(special)) : 16;
      const unsigned plain = high & ((1u << limit) - 1) ? utf8_block_prefix(v, high, limit) : limit;
      p += plain;
      if (plain < 16) return p;
    }
#endif
    while (p + 8 <= n) {
      std::uint64_t w;
      std::memcpy(&w, d + p, 8);
      constexpr std::uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
      std::uint64_t quote_bytes = w ^ (ones * '"'), slash_bytes = w ^ (ones * '\\');
      std::uint64_t special = ((quote_bytes - ones) & ~quote_bytes) | ((slash_bytes - ones) & ~slash_bytes) |
                              (w - ones * 0x20) | w;
      if (special & highs) return p;
      p += 8;
    }
    return p;
  }

#if defined(__SSE2__)
  // At the opening quote: a string of ASCII text without escapes that ends within 32 bytes
  // (most of a comment's strings: every key, ids, dates, names, statuses) read with one or two
  // 16-byte compares and one branch each. The general loop spent more on each string's end (a
  // mispredicted branch per string) than on its bytes. False, having moved nothing, for any
  // other string: the general loop reads it (and finds any error) as before.
  bool short_plain_string(std::string_view& out) {
    const std::size_t start = p_ + 1;
    if (s_.size() - start < 32) return false;
    const __m128i quote = _mm_set1_epi8('"'), slash = _mm_set1_epi8('\\'), space = _mm_set1_epi8(0x20);
    for (std::size_t block = 0; block < 32; block += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s_.data() + start + block));
      const unsigned quotes = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote)));
      // '\\', and (a signed compare) bytes below 0x20 or from 0x80 on.
      const unsigned other = static_cast<unsigned>(
          _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, slash), _mm_cmplt_epi8(v, space))));
      if (other & ((quotes & (0u - quotes)) - 1)) return false;  // before the first quote (or anywhere: none)
      if (quotes) {
        const std::size_t size = block + static_cast<unsigned>(__builtin_ctz(quotes));
        out = s_.substr(start, size);
        p_ = start + size + 1;
        return true;
      }
    }
    return false;
  }
#endif

  bool hex4(std::uint32_t& cp) {
    if (p_ + 4 > s_.size()) return false;
    cp = 0;
    for (int i = 0; i < 4; ++i) {
      int h = hex_value(s_[p_ + std::size_t(i)]);
      if (h < 0) return false;
      cp = cp * 16 + std::uint32_t(h);
    }
    p_ += 4;
    return true;
  }
  std::string_view s_;
  std::size_t p_ = 0;
  std::size_t depth_ = 0;
  failure error_ = failure::none;
  bool too_deep_ = false;  // see took_too_deep
  std::string in_object_;  // skip_value's: per level, whether it is an object (one byte each)
  std::size_t error_at_ = 0;
};

// Line and column (1-based; the column in characters, counting UTF-8 lead bytes) of byte
// `offset` in `s`, and what is there, for a message: "unexpected end of input",
// "unexpected character 'x'" or "unexpected byte 0xNN". Only run when a document fails, so one
// more pass over it is fine.
struct text_position {
  std::size_t line = 1, column = 1;
  std::string what;
};
inline text_position position_of(std::string_view s, std::size_t offset) {
  text_position at;
  offset = std::min(offset, s.size());
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (s[i] == '\n') {
      ++at.line;
      line_start = i + 1;
    }
  }
  for (std::size_t i = line_start; i < offset; ++i)
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++at.column;
  if (offset >= s.size()) {
    at.what = "unexpected end of input";
  } else {
    const unsigned char c = static_cast<unsigned char>(s[offset]);
    if (c > 0x20 && c < 0x7F) {
      at.what = "unexpected character '";
      at.what += char(c);
      at.what += '\'';
    } else {
      const char* hex = "0123456789ABCDEF";
      at.what = "unexpected byte 0x";
      at.what += hex[c >> 4];
      at.what += hex[c & 15];
    }
  }
  return at;
}

// ---- Small documents read whole: options, drafts, feeds, a server's answer ----

// A JSON document as a tree, for the inputs the core reads whole rather than streams: the
// loader's options, a draft, a JSON Feed, a server's answer, one comment. Same grammar and
// limits as the comments reader (the same scanner): a duplicate key keeps its last value, and
// nesting past limits::max_json_depth is `too_deep`. Strings are views into the text (keep it
// alive) or, decoded, into the document's own store.
//
//   json_document doc;
//   if (doc.parse(R"({"sort":"top","pageSize":20})") == json_document::status::ok)
//     if (auto s = doc.root().string_at("sort")) ...;   // "top"
// Options and small answers, not comments documents: built for size.
COLLOQUY_COLD_BEGIN
class json_document {
 public:
  enum class status : std::uint8_t { ok, not_json, too_deep };
  struct node {
    json_value value;
    std::string_view key;   // a member's key
    std::uint32_t end = 0;  // one past the last node of this value's subtree
  };

  // A value in the document (an absent one when a lookup found nothing).
  class ref {
   public:
    ref() = default;
    ref(const json_document* d, std::uint32_t i) : d_(d), i_(i) {}
    const json_value& value() const { return d_ ? d_->nodes_[i_].value : absent_value(); }
    json_value::kind kind() const { return value().k; }
    bool is(json_value::kind k) const { return value().k == k; }
    bool present() const { return value().present(); }
    bool exists() const { return value().k != json_value::kind::absent; }
    std::string_view key() const { return d_ ? d_->nodes_[i_].key : std::string_view(); }
    const std::string_view* string() const { return is(json_value::kind::string) ? &value().text : nullptr; }

    // An object's member (the last of that name), or an absent value.
    ref operator[](std::string_view name) const {
      ref found;
      if (is(json_value::kind::object))
        for (ref m : *this)
          if (m.key() == name) found = m;
      return found;
    }
    // The member `name` when it is a string, else nullptr.
    const std::string_view* string_at(std::string_view name) const {
      ref m = (*this)[name];
      return m.d_ ? m.string() : nullptr;
    }

    // The elements of an array or the members of an object, in order.
    class iterator {
     public:
      iterator(const json_document* d, std::uint32_t i) : d_(d), i_(i) {}
      ref operator*() const { return {d_, i_}; }
      iterator& operator++() {
        i_ = d_->nodes_[i_].end;
        return *this;
      }
      bool operator!=(const iterator& o) const { return i_ != o.i_; }

     private:
      const json_document* d_;
      std::uint32_t i_;
    };
    iterator begin() const { return {d_, container() ? i_ + 1 : end_index()}; }
    iterator end() const { return {d_, end_index()}; }
    std::size_t size() const {
      std::size_t n = 0;
      for (auto it = begin(); it != end(); ++it) ++n;
      return n;
    }

   private:
    static const json_value& absent_value() {
      static const json_value v;
      return v;
    }
    bool container() const { return is(json_value::kind::object) || is(json_value::kind::array); }
    std::uint32_t end_index() const { return d_ ? d_->nodes_[i_].end : 0; }
    const json_document* d_ = nullptr;
    std::uint32_t i_ = 0;
  };

  // Parses `text` (kept as views: it must outlive the document). `error_offset()` says where a
  // failed parse stopped.
  status parse(std::string_view text) {
    nodes_.clear();
    json_scanner sc(text);
    bool ok = sc.skip_bom() && value(sc, {});
    if (ok) {
      sc.skip_ws();
      if (!sc.at_end()) ok = sc.fail();
    }
    error_offset_ = sc.failed() ? sc.error_offset() : text.size();
    if (ok) return status::ok;
    nodes_.clear();
    return sc.error() == json_scanner::failure::too_deep ? status::too_deep : status::not_json;
  }
  std::size_t error_offset() const { return error_offset_; }
  // The whole document (absent when the parse failed).
  ref root() const { return nodes_.empty() ? ref() : ref(this, 0); }

 private:
  // One value at the cursor, appended with its subtree. Recursion is bounded by the scanner's
  // nesting limit (limits::max_json_depth frames of a few words).
  bool value(json_scanner& sc, std::string_view key) {
    const auto at = static_cast<std::uint32_t>(nodes_.size());
    nodes_.push_back({{}, key, 0});
    sc.skip_ws();
    const char c = sc.peek();
    bool ok;
    if (c == '{' || c == '[') {
      nodes_[at].value.k = c == '{' ? json_value::kind::object : json_value::kind::array;
      ok = container(sc, c == '{');
    } else {
      json_value v;
      ok = sc.value(v, scratch_);
      if (ok && v.is(json_value::kind::string) && v.text.data() == scratch_.data()) v.text = store_.keep(v.text);
      nodes_[at].value = v;
    }
    nodes_[at].end = static_cast<std::uint32_t>(nodes_.size());
    return ok;
  }
  bool container(json_scanner& sc, bool object) {
    sc.advance();
    if (!sc.open()) return false;
    if (sc.eat(object ? '}' : ']')) {
      sc.close();
      return true;
    }
    do {
      std::string_view key;
      if (object) {
        if (!sc.string(key, scratch_) || !sc.expect(':')) return false;
        if (key.data() == scratch_.data()) key = store_.keep(key);
      }
      if (!value(sc, key)) return false;
    } while (sc.eat(','));
    if (!sc.expect(object ? '}' : ']')) return false;
    sc.close();
    return true;
  }

  std::vector<node> nodes_;
  text_store store_;
  std::string scratch_;
  std::size_t error_offset_ = 0;
};
COLLOQUY_COLD_END

// An integer's decimal form, written backwards into `buf` (a value of kind integer).
inline std::string_view integer_text(const json_value& v, char (&buf)[24]) {
  char* p = buf + sizeof buf;
  std::uint64_t m = v.magnitude;
  do {
    *--p = char('0' + m % 10);
    m /= 10;
  } while (m);
  if (v.negative) *--p = '-';
  return {p, std::size_t(buf + sizeof buf - p)};
}

// A number's value as a double (integer or real).
inline double number_value(const json_value& v) {
  if (v.is(json_value::kind::real)) return v.real;
  return v.negative ? -static_cast<double>(v.magnitude) : static_cast<double>(v.magnitude);
}

// An integer member within [lo, hi] into `out`: `absent`, `ok`, or `bad` when present but not
// such an integer (`out` unchanged; the caller reports it).
enum class int_field { absent, ok, bad };
template <class T>
int_field read_int(json_document::ref object, std::string_view name, std::int64_t lo, std::int64_t hi, T& out) {
  json_document::ref m = object[name];
  if (!m.exists()) return int_field::absent;
  const json_value& v = m.value();
  if (!v.is(json_value::kind::integer) || v.magnitude > std::uint64_t(INT64_MAX)) return int_field::bad;
  const std::int64_t x = v.negative ? -static_cast<std::int64_t>(v.magnitude) : static_cast<std::int64_t>(v.magnitude);
  if (x < lo || x > hi) return int_field::bad;
  out = static_cast<T>(x);
  return int_field::ok;
}

}  // namespace colloquy::detail
