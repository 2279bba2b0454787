// A small, strict XML reader for import files (Disqus exports, WordPress WXR): bytes in, a tree
// of elements out. Native only (colloquy import); the widget reads feeds with the browser's parser.
//
//   colloquy::xml::document d = colloquy::xml::parse("<a x='1'><b>hi &amp; bye</b></a>");
//   // d.ok; d.root().name == "a"; d.child(d.root(), "b")->text == "hi & bye"
//
// Safe by construction, because import files come from elsewhere:
// - a document type declaration (<!DOCTYPE …>, hence any <!ENTITY …>) is refused with
//   xml_doctype_refused: nothing is ever expanded but the five predefined entities and numeric
//   character references, so no billion laughs and no external entity can exist;
// - nesting deeper than max_xml_depth is refused (xml_too_deep) and the parser keeps its own
//   stack (no recursion); the input is read once, so time and memory are linear in its size;
// - anything not well-formed (an unclosed or mismatched tag, an unknown entity, a '<' in an
//   attribute, text after the root, an encoding other than UTF-8) is refused as not_xml with its
//   line and column, except an '&' that starts no reference at all, read as itself and counted
//   (document::bare_ampersands), since exporters write URLs so. Bytes are not checked for UTF-8 here: callers normalise every field they keep.
//
// Names are kept as written, prefix included ("wp:comment", "dsq:id"), except that a caller may
// name the prefixes it matches by namespace (parse's `prefix_for`): an element or attribute whose
// prefix is bound (xmlns:x="…", in scope) to a namespace it knows is renamed to that prefix, so a
// file that spells Disqus's namespace "d:" still reads as "dsq:".
// Each element keeps its character data (text and CDATA sections, concatenated; comments and
// processing instructions dropped) and its child elements in order.
//
// A file of many items need not be held as a tree: given a `stream`, each element of that name
// at that depth (the root is at depth 0) is handed over as it closes, with the tree read so far
// (its ancestors and their earlier children), then dropped with everything in it. The tree then
// holds one item at a time, and the rest of the file as usual:
//
//   xml::parse(bytes, nullptr, {1, "post", [&](const xml::document& d, const xml::element& parent,
//                                               const xml::element& post) { … }});
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/decimal.hpp"
#include "colloquy/error.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/unicode.hpp"

namespace colloquy::xml {

// Element nesting accepted. Real exports nest five or six levels; 256 is far beyond any of them
// and still a small stack of indexes, so a "<a><a><a>…" bomb is refused early and cheaply.
inline constexpr std::size_t max_xml_depth = 256;

struct attribute {
  std::string name, value;
};

struct element {
  std::string name;
  std::vector<attribute> attributes;
  std::string text;                   // character data directly inside this element
  std::vector<std::size_t> children;  // indexes into document::elements, in order
};

struct document {
  bool ok = false;
  problem error;                  // when !ok: code, message, line and column
  std::vector<element> elements;  // [0] is the root when ok
  // '&'s that start no reference ("?id=7&ref=blog", as some exporters write URLs), read as
  // themselves: how many, and the first one (code not_xml, line and column) for the caller to say.
  std::size_t bare_ampersands = 0;
  problem first_bare_ampersand;

  const element& root() const { return elements.front(); }
  // The first child element named `name`, or nullptr.
  const element* child(const element& e, std::string_view name) const {
    for (std::size_t i : e.children)
      if (elements[i].name == name) return &elements[i];
    return nullptr;
  }
  // The text of the first child named `name` ("" when there is none).
  std::string_view child_text(const element& e, std::string_view name) const {
    const element* c = child(e, name);
    return c ? std::string_view(c->text) : std::string_view();
  }
  // Calls f(element) for every child named `name`, in order.
  template <class F>
  void each_child(const element& e, std::string_view name, F&& f) const {
    for (std::size_t i : e.children)
      if (elements[i].name == name) f(elements[i]);
  }
};

// The value of attribute `name` of `e` ("" when absent).
inline std::string_view attribute_value(const element& e, std::string_view name) {
  for (const attribute& a : e.attributes)
    if (a.name == name) return a.value;
  return {};
}

// Which elements parse hands over one by one, and to what (see the top of this header).
struct stream {
  std::size_t depth = 0;
  std::string_view name;
  std::function<void(const document&, const element& parent, const element&)> each;
  // The other elements at `depth` the caller reads from the tree once it is parsed; any other
  // closed there is dropped with its subtree, so a file padded with elements nobody reads
  // (hostile or not) costs no memory. Empty: every one is kept.
  std::vector<std::string_view> keep = {};
};

namespace detail {

inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
// Name characters: anything but the delimiters XML syntax uses (a superset of XML's NameChar,
// which is fine for a reader: a well-formed document never has the difference).
inline bool is_name_char(char c) {
  return !is_space(c) && c != '<' && c != '>' && c != '/' && c != '=' && c != '&' && c != '"' && c != '\'' &&
         c != '?' && c != '!';
}

// A namespace's prefix as the caller matches it ("" for one it does not know).
using prefix_for_namespace = std::string_view (*)(std::string_view uri);

class parser {
 public:
  parser(std::string_view s, prefix_for_namespace prefix_for, const stream* items)
      : s_(s), prefix_for_(prefix_for), items_(items) {}

  document run() {
    document d;
    if (s_.size() > limits::max_import_bytes) {
      fail(errc::document_too_large, "the file is larger than 512 MB");
      return finish(d);
    }
    if (s_.substr(0, 3) == "\xEF\xBB\xBF") p_ = 3;  // a UTF-8 byte order mark
    for (std::string_view utf16 : {std::string_view("\xFF\xFE"), std::string_view("\xFE\xFF"),
                                   std::string_view("<\0", 2), std::string_view("\0<", 2)}) {
      if (s_.substr(0, 2) != utf16) continue;
      malformed("the file is UTF-16 (convert it to UTF-8)");
      return finish(d);
    }
    if (!prolog() || !content(d) || !epilog()) return finish(d);
    d.ok = true;
    d.bare_ampersands = bare_ampersands_;
    d.first_bare_ampersand = first_bare_ampersand_;
    return d;
  }

 private:
  std::string_view s_;
  std::size_t p_ = 0;
  problem error_;
  bool failed_ = false;
  prefix_for_namespace prefix_for_;
  const stream* items_;  // null: the whole tree is kept
  std::size_t bare_ampersands_ = 0;
  problem first_bare_ampersand_;
  struct binding {
    std::string prefix;
    std::string_view known;  // the caller's prefix for its namespace
    std::size_t depth;       // of the element that declared it
  };
  std::vector<binding> bound_;  // in scope, innermost last

  // "x:local" with x bound to a namespace the caller knows: "<its prefix>:local".
  void rename(std::string& name) const {
    const std::size_t colon = name.find(':');
    if (colon == std::string::npos) return;
    for (std::size_t k = bound_.size(); k-- > 0;) {
      if (name.compare(0, colon, bound_[k].prefix) != 0 || bound_[k].prefix.size() != colon) continue;
      if (!bound_[k].known.empty()) name = std::string(bound_[k].known) + name.substr(colon);
      return;
    }
  }
  // The namespace declarations of a start tag at `depth`, then its names, as rename says. Real
  // files declare a handful: more than max_bindings in scope is refused, so renaming stays cheap.
  static constexpr std::size_t max_bindings = 64;
  bool qualify(element& e, std::size_t depth) {
    if (!prefix_for_) return true;
    for (const attribute& a : e.attributes) {
      if (a.name.size() <= 6 || a.name.compare(0, 6, "xmlns:") != 0) continue;
      if (bound_.size() == max_bindings)
        return malformed("more than " + decimal(max_bindings) + " namespace prefixes declared");
      bound_.push_back({a.name.substr(6), prefix_for_(a.value), depth});
    }
    rename(e.name);
    for (attribute& a : e.attributes)
      if (a.name.compare(0, 6, "xmlns:") != 0) rename(a.name);
    return true;
  }
  // Bindings of the element at `depth` go out of scope with it.
  void unbind(std::size_t depth) {
    while (!bound_.empty() && bound_.back().depth >= depth) bound_.pop_back();
  }

  document& finish(document& d) {
    d.ok = false;
    d.error = error_;
    d.elements.clear();
    return d;
  }

  bool fail(std::string_view code, std::string message) {
    if (failed_) return false;
    failed_ = true;
    error_ = at(code, std::move(message));
    return false;
  }
  // A problem at p_: its line and column (in characters), 1-based, in it and its message.
  problem at(std::string_view code, std::string message) const {
    problem error;
    error.code = std::string(code);
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i < p_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') {
        ++line;
        column = 1;
      } else if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) {
        ++column;
      }
    }
    error.line = line;
    error.column = column;
    error.message = std::move(message) + " at line " + decimal(line) + ", column " + decimal(column);
    return error;
  }
  bool malformed(std::string message) { return fail(errc::not_xml, "not well-formed XML: " + std::move(message)); }

  bool starts(std::string_view lit) const { return s_.substr(p_, lit.size()) == lit; }
  void skip_space() {
    while (p_ < s_.size() && is_space(s_[p_])) ++p_;
  }

  // Skips past `end` (a comment's "-->", a PI's "?>"), or fails.
  bool skip_past(std::string_view end, const char* what) {
    std::size_t e = s_.find(end, p_);
    if (e == std::string_view::npos) return malformed(std::string("unterminated ") + what);
    p_ = e + end.size();
    return true;
  }

  // Comments, processing instructions and white space, between and around elements. The
  // declaration <?xml …?> is a processing instruction here, read only for its encoding.
  bool misc() {
    for (;;) {
      skip_space();
      if (starts("<!--")) {
        if (!skip_past("-->", "comment")) return false;
      } else if (starts("<!DOCTYPE") || starts("<!doctype")) {
        return fail(errc::xml_doctype_refused,
                    "a document type declaration (DTD) is refused: entity declarations are never expanded");
      } else if (starts("<?")) {
        std::size_t start = p_;
        if (!skip_past("?>", "processing instruction")) return false;
        if (!declaration_ok(s_.substr(start, p_ - start))) return false;
      } else {
        return true;
      }
    }
  }

  // <?xml version="1.0" encoding="…"?>: only UTF-8 (or its subset US-ASCII) is read.
  bool declaration_ok(std::string_view pi) {
    if (pi.substr(0, 6) != "<?xml " && pi.substr(0, 6) != "<?xml\t" && pi.substr(0, 6) != "<?xml\n") return true;
    std::size_t e = pi.find("encoding");
    if (e == std::string_view::npos) return true;
    std::size_t q = pi.find_first_of("\"'", e);
    if (q == std::string_view::npos) return true;
    std::size_t q2 = pi.find(pi[q], q + 1);
    std::string enc(pi.substr(q + 1, q2 == std::string_view::npos ? 0 : q2 - q - 1));
    for (char& c : enc) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    if (enc == "utf-8" || enc == "utf8" || enc == "us-ascii" || enc == "ascii") return true;
    return malformed("encoding " + enc + " is not supported (convert the file to UTF-8)");
  }

  bool prolog() {
    if (!misc()) return false;
    if (p_ >= s_.size() || s_[p_] != '<')
      return malformed(p_ >= s_.size() ? "no root element" : "text before the root element");
    return true;
  }

  bool epilog() {
    if (!misc()) return false;
    if (p_ < s_.size()) return malformed("content after the root element");
    return true;
  }

  // A reference at s_[p_] ('&'): only &lt; &gt; &amp; &quot; &apos; and &#…; / &#x…;. An '&'
  // not followed by a name (or '#' and digits) and ';' is read as itself (document::bare_ampersands).
  bool reference(std::string& out) {
    const std::string_view ahead = s_.substr(p_ + 1, 40);  // the longest reference read, and more
    const std::size_t length = ahead.find_first_not_of(
        "#0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    if (length == 0 || length == std::string_view::npos || ahead[length] != ';') {
      if (bare_ampersands_++ == 0)
        first_bare_ampersand_ = at(errc::not_xml, "an '&' that starts no reference, read as '&'");
      out += '&';
      ++p_;
      return true;
    }
    const std::size_t semi = p_ + 1 + length;
    std::string_view name = s_.substr(p_ + 1, semi - p_ - 1);
    if (name == "lt") out += '<';
    else if (name == "gt") out += '>';
    else if (name == "amp") out += '&';
    else if (name == "quot") out += '"';
    else if (name == "apos") out += '\'';
    else if (!name.empty() && name[0] == '#') {
      bool hex = name.size() > 1 && name[1] == 'x';
      std::string_view digits = name.substr(hex ? 2 : 1);
      if (digits.empty()) return malformed("empty character reference");
      std::uint32_t cp = 0;
      for (char c : digits) {
        int v = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (v < 0) return malformed("bad character reference &" + std::string(name) + ";");
        cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
        if (cp > 0x10FFFF) break;
      }
      // XML's Char production: no NUL, no other C0 control but tab and line ends, no surrogates.
      bool allowed = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                     (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
      if (!allowed) return malformed("character reference &" + std::string(name) + "; is not an XML character");
      colloquy::detail::append_utf8(out, static_cast<char32_t>(cp));
    } else {
      return malformed("undefined entity &" + std::string(name) +
                       "; (only the predefined entities and character references are read)");
    }
    p_ = semi + 1;
    return true;
  }

  bool name(std::string& out) {
    std::size_t start = p_;
    while (p_ < s_.size() && is_name_char(s_[p_])) ++p_;
    if (p_ == start) return malformed("a name was expected");
    out.assign(s_.substr(start, p_ - start));
    return true;
  }

  // <name attr="v" …> or <name … />; p_ at '<'. `empty`: it closed itself.
  bool start_tag(element& e, bool& empty) {
    ++p_;
    if (!name(e.name)) return false;
    for (;;) {
      std::size_t before = p_;
      skip_space();
      if (p_ >= s_.size()) return malformed("unterminated tag <" + e.name + ">");
      if (s_[p_] == '>') {
        ++p_;
        empty = false;
        return true;
      }
      if (starts("/>")) {
        p_ += 2;
        empty = true;
        return true;
      }
      if (before == p_) return malformed("white space expected between attributes of <" + e.name + ">");
      attribute a;
      if (!name(a.name)) return false;
      for (const attribute& x : e.attributes)
        if (x.name == a.name) return malformed("attribute " + a.name + " repeated");
      skip_space();
      if (p_ >= s_.size() || s_[p_] != '=') return malformed("'=' expected after attribute " + a.name);
      ++p_;
      skip_space();
      if (p_ >= s_.size() || (s_[p_] != '"' && s_[p_] != '\'')) return malformed("quoted value expected");
      const char quote = s_[p_++];
      for (;;) {
        if (p_ >= s_.size()) return malformed("unterminated attribute value");
        char c = s_[p_];
        if (c == quote) break;
        if (c == '<') return malformed("'<' in an attribute value");
        if (c == '&') {
          if (!reference(a.value)) return false;
          continue;
        }
        a.value += is_space(c) ? ' ' : c;  // attribute-value normalisation
        ++p_;
      }
      ++p_;
      e.attributes.push_back(std::move(a));
    }
  }

  // An element just closed (not the root), the last child of the innermost open one: handed to
  // the caller and dropped, with its subtree (the last elements read), when the caller streams it.
  void hand_over(document& d, std::size_t index, const std::vector<std::size_t>& open) {
    if (!items_ || open.size() != items_->depth) return;
    const std::string& name = d.elements[index].name;
    if (name == items_->name) items_->each(d, d.elements[open.back()], d.elements[index]);
    else if (items_->keep.empty() || std::find(items_->keep.begin(), items_->keep.end(), name) != items_->keep.end())
      return;
    d.elements.resize(index);
    d.elements[open.back()].children.pop_back();
  }

  // The root element and everything in it, with an explicit stack of open elements.
  bool content(document& d) {
    std::vector<std::size_t> open;
    for (;;) {
      if (p_ >= s_.size())
        return malformed(open.empty() ? "no root element" : "unclosed <" + d.elements[open.back()].name + ">");
      const char c = s_[p_];
      if (c == '<') {
        if (starts("</")) {
          p_ += 2;
          std::string n;
          if (!name(n)) return false;
          rename(n);
          skip_space();
          if (p_ >= s_.size() || s_[p_] != '>') return malformed("unterminated end tag </" + n + ">");
          ++p_;
          if (open.empty() || d.elements[open.back()].name != n)
            return malformed("end tag </" + n + "> does not close " +
                             (open.empty() ? std::string("anything") : "<" + d.elements[open.back()].name + ">"));
          const std::size_t closed = open.back();
          open.pop_back();
          unbind(open.size());
          if (open.empty()) return true;
          hand_over(d, closed, open);
        } else if (starts("<![CDATA[")) {
          if (open.empty()) return malformed("CDATA outside the root element");
          std::size_t e = s_.find("]]>", p_ + 9);
          if (e == std::string_view::npos) return malformed("unterminated CDATA section");
          d.elements[open.back()].text.append(s_.substr(p_ + 9, e - p_ - 9));
          p_ = e + 3;
        } else if (starts("<!--")) {
          if (!skip_past("-->", "comment")) return false;
        } else if (starts("<!")) {
          if (starts("<!DOCTYPE") || starts("<!ENTITY") || starts("<!doctype"))
            return fail(errc::xml_doctype_refused, "a document type or entity declaration is refused");
          return malformed("unexpected <!");
        } else if (starts("<?")) {
          if (!skip_past("?>", "processing instruction")) return false;
        } else {
          if (open.size() >= max_xml_depth)
            return fail(errc::xml_too_deep, "elements nested deeper than " + decimal(max_xml_depth));
          element e;
          bool empty = false;
          if (!start_tag(e, empty)) return false;
          if (!qualify(e, open.size())) return false;
          const std::size_t index = d.elements.size();
          if (!open.empty()) d.elements[open.back()].children.push_back(index);
          d.elements.push_back(std::move(e));
          if (!empty) open.push_back(index);
          else if (unbind(open.size()), open.empty()) return true;
          else hand_over(d, index, open);
        }
      } else {
        if (open.empty()) return malformed("text outside the root element");
        std::string& text = d.elements[open.back()].text;
        if (c == '&') {
          if (!reference(text)) return false;
          continue;
        }
        std::size_t next = s_.find_first_of("<&", p_);
        if (next == std::string_view::npos) next = s_.size();
        std::string_view run = s_.substr(p_, next - p_);
        if (run.find("]]>") != std::string_view::npos) return malformed("']]>' in text");
        text.append(run);
        p_ = next;
      }
    }
  }
};

}  // namespace detail

// Parses `xml`; never throws. See the top of this header for what is refused, for `prefix_for`
// (null: names as written) and for `items` (elements handed over and dropped as they close).
inline document parse(std::string_view xml, detail::prefix_for_namespace prefix_for = nullptr) {
  return detail::parser(xml, prefix_for, nullptr).run();
}
inline document parse(std::string_view xml, detail::prefix_for_namespace prefix_for, const stream& items) {
  return detail::parser(xml, prefix_for, &items).run();
}

}  // namespace colloquy::xml
