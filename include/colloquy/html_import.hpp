// HTML comment bodies (Disqus, WordPress, Remark42 exports) to comment markup (DESIGN §4).
// Native only (colloquy import).
//
//   colloquy::html_markup m = colloquy::html_to_markup("<p>Hi <b>there</b></p><p><a href=\"https://x.org\">x</a></p>");
//   // m.text == "Hi **there**\n\n[x](<https://x.org>)"
//
// What survives as markup: paragraphs (p, div and the other blocks), line breaks, links (href
// judged by is_safe_url: http, https, mailto, relative), emphasis (em, i) and strong (strong, b),
// inline code and pre blocks, block quotes, ordered and bullet lists. Everything else becomes
// text: an unknown element is unwrapped (its words kept), an image leaves its alt text, and the
// content of script, style, textarea and friends is shown as the text it was. Nothing is ever
// passed through as HTML (the markup renderer would show it as text anyway), and every character
// of text is escaped so that it reads back as itself: no words lost, nothing executable.
// Repairs are reported as flags: a link that was dropped (unsafe_link), an element or attribute
// that could run code in a browser (unsafe_html).
//
// Cost: linear in the input. The element tree is capped at max_html_depth (deeper elements are
// unwrapped), block quotes and lists at limits::max_markup_nesting (deeper ones become plain
// paragraphs), so the output is bounded and renderable.
#pragma once
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/entities.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/markup.hpp"

namespace colloquy {

struct html_markup {
  std::string text;          // comment markup
  bool unsafe_link = false;  // a link with a scheme other than http(s)/mailto lost its href
  bool unsafe_html = false;  // script-like elements or on* attributes were found (made inert)
};

namespace detail::html {

// Elements nested deeper than this are unwrapped into their parent (their text stays).
inline constexpr std::size_t max_html_depth = 128;

struct node {
  bool is_text = false;
  std::string name;  // lowercase tag name; empty for text
  std::string text;  // decoded character data (text nodes)
  std::string href, start, cls, alt;
  std::vector<std::size_t> children;
};

inline bool in(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}
inline bool is_void(std::string_view n) {
  return in(n, {"br", "hr", "img", "input", "wbr", "meta", "link", "area", "base", "col", "embed", "param", "source",
                "track", "keygen", "frame"});
}
// Elements whose content is text up to their end tag (script, style: raw; textarea, title: with
// references decoded).
inline bool is_raw_text(std::string_view n) {
  return in(n,
            {"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"});
}
inline bool is_unsafe_element(std::string_view n) {
  return in(n,
            {"script", "style",    "iframe", "object", "embed", "frame", "frameset", "applet", "form",     "input",
             "button", "textarea", "select", "meta",   "link",  "base",  "svg",      "math",   "noscript", "template"});
}
inline bool is_block(std::string_view n) {
  return in(n, {"p",      "div",        "section", "article", "header",  "footer",     "main",     "aside", "nav",
                "figure", "figcaption", "address", "center",  "details", "summary",    "fieldset", "form",  "h1",
                "h2",     "h3",         "h4",      "h5",      "h6",      "blockquote", "ul",       "ol",    "menu",
                "dir",    "li",         "dl",      "dt",      "dd",      "pre",        "hr",       "table", "thead",
                "tbody",  "tfoot",      "tr",      "caption", "hgroup",  "body",       "html"});
}

inline char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
inline bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// HTML character references (all HTML5 names, numeric) decoded; a '&' that starts none is text.
inline void append_decoded(std::string& out, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      if (std::size_t n = md::decode_entity(s, i, out)) {
        i += n;
        continue;
      }
    }
    out += s[i++];
  }
}

// The tokenizer and tree builder: lenient as browsers are (unknown end tags ignored, unclosed
// elements closed at the end), never failing.
class tree_builder {
 public:
  tree_builder(std::string_view s, html_markup& flags) : s_(s), flags_(flags) { nodes_.push_back({}); }

  std::vector<node> build() {
    open_.push_back(0);
    while (p_ < s_.size()) {
      if (s_[p_] == '<' && tag()) continue;
      std::size_t next = s_.find('<', p_ + 1);
      if (next == std::string_view::npos) next = s_.size();
      text(s_.substr(p_, next - p_), true);
      p_ = next;
    }
    return std::move(nodes_);
  }

 private:
  std::string_view s_;
  html_markup& flags_;
  std::size_t p_ = 0;
  std::vector<node> nodes_;
  std::vector<std::size_t> open_;

  void text(std::string_view raw, bool decode) {
    node& parent = nodes_[open_.back()];
    if (parent.children.empty() || !nodes_[parent.children.back()].is_text) {
      node t;
      t.is_text = true;
      parent.children.push_back(nodes_.size());
      nodes_.push_back(std::move(t));
    }
    std::string& out = nodes_[nodes_[open_.back()].children.back()].text;
    if (decode) append_decoded(out, raw);
    else out.append(raw);
  }

  // Skips to just past `end`, or to the end of the input.
  void skip_past(std::string_view end) {
    std::size_t e = s_.find(end, p_);
    p_ = e == std::string_view::npos ? s_.size() : e + end.size();
  }

  // At '<': a tag, comment or declaration consumed (true), or a literal '<' (false).
  bool tag() {
    std::string_view rest = s_.substr(p_);
    if (rest.substr(0, 4) == "<!--") {
      p_ += 4;
      skip_past("-->");
      return true;
    }
    if (rest.substr(0, 9) == "<![CDATA[") {  // XHTML's CDATA: its words are text
      std::size_t e = s_.find("]]>", p_ + 9);
      std::size_t end = e == std::string_view::npos ? s_.size() : e;
      text(s_.substr(p_ + 9, end - p_ - 9), false);
      p_ = e == std::string_view::npos ? s_.size() : e + 3;
      return true;
    }
    if (rest.size() > 1 && (rest[1] == '!' || rest[1] == '?')) {
      skip_past(">");
      return true;
    }
    const bool end_tag = rest.size() > 1 && rest[1] == '/';
    std::size_t i = end_tag ? 2 : 1;
    if (i >= rest.size() || !detail::is_ascii_alpha(rest[i])) {
      if (end_tag) {  // "</3" and the like: a bogus comment to the next '>'
        skip_past(">");
        return true;
      }
      return false;
    }
    std::string name;
    while (i < rest.size() && !is_space(rest[i]) && rest[i] != '/' && rest[i] != '>') name += lower(rest[i++]);
    node n;
    n.name = name;
    i = attributes(rest, i, n);
    p_ += i;
    if (end_tag) close(name);
    else open(std::move(n));
    return true;
  }

  // Attributes from rest[i] to the tag's '>'; returns the index past it.
  std::size_t attributes(std::string_view rest, std::size_t i, node& n) {
    for (;;) {
      while (i < rest.size() && (is_space(rest[i]) || rest[i] == '/')) ++i;
      if (i >= rest.size()) return i;
      if (rest[i] == '>') return i + 1;
      std::string attr;
      while (i < rest.size() && !is_space(rest[i]) && rest[i] != '/' && rest[i] != '>' && rest[i] != '=')
        attr += lower(rest[i++]);
      if (attr.empty()) attr += rest[i++];  // a stray '=': skipped as a nameless attribute
      std::string value;
      std::size_t j = i;
      while (j < rest.size() && is_space(rest[j])) ++j;
      if (j < rest.size() && rest[j] == '=') {
        ++j;
        while (j < rest.size() && is_space(rest[j])) ++j;
        std::size_t start = j, end;
        if (j < rest.size() && (rest[j] == '"' || rest[j] == '\'')) {
          std::size_t q = rest.find(rest[j], j + 1);
          start = j + 1;
          end = q == std::string_view::npos ? rest.size() : q;
          j = q == std::string_view::npos ? rest.size() : q + 1;
        } else {
          while (j < rest.size() && !is_space(rest[j]) && rest[j] != '>') ++j;
          end = j;
        }
        append_decoded(value, rest.substr(start, end - start));
        i = j;
      }
      if (attr.size() > 2 && attr[0] == 'o' && attr[1] == 'n') flags_.unsafe_html = true;
      if (attr == "href") n.href = std::move(value);
      else if (attr == "start") n.start = std::move(value);
      else if (attr == "class") n.cls = std::move(value);
      else if (attr == "alt") n.alt = std::move(value);
    }
  }

  void open(node n) {
    if (is_unsafe_element(n.name)) flags_.unsafe_html = true;
    const std::string name = n.name;
    // A new paragraph-level element ends an open <p>; a new <li> ends the open item of its list.
    if (is_block(name) && nodes_[open_.back()].name == "p") open_.pop_back();
    if (name == "li") {
      for (std::size_t k = open_.size(); k-- > 1;) {
        const std::string& o = nodes_[open_[k]].name;
        if (o == "ul" || o == "ol") break;
        if (o == "li") {
          open_.resize(k);
          break;
        }
      }
    }
    if (open_.size() >= max_html_depth && !is_raw_text(name)) return;  // unwrapped: its content joins the parent
    const std::size_t index = nodes_.size();
    nodes_[open_.back()].children.push_back(index);
    nodes_.push_back(std::move(n));
    if (is_raw_text(name)) {
      // Content up to </name (any case), taken as text.
      std::size_t e = p_;
      for (;; ++e) {
        e = s_.find("</", e);
        if (e == std::string_view::npos) break;
        std::string_view cand = s_.substr(e + 2, name.size());
        bool same = cand.size() == name.size() &&
                    std::equal(cand.begin(), cand.end(), name.begin(), [](char a, char b) { return lower(a) == b; });
        if (same) break;
      }
      const std::size_t end = e == std::string_view::npos ? s_.size() : e;
      open_.push_back(index);
      text(s_.substr(p_, end - p_), name == "textarea" || name == "title");
      open_.pop_back();
      p_ = end;
      if (e != std::string_view::npos) skip_past(">");
      return;
    }
    if (!is_void(name)) open_.push_back(index);
  }

  void close(const std::string& name) {
    for (std::size_t k = open_.size(); k-- > 1;) {
      if (nodes_[open_[k]].name == name) {
        open_.resize(k);
        return;
      }
    }
  }
};

// The markup writer over the tree.
class writer {
 public:
  writer(const std::vector<node>& nodes, html_markup& flags) : n_(nodes), flags_(flags) {}

  std::string document() { return blocks(0, 0); }

 private:
  const std::vector<node>& n_;
  html_markup& flags_;
  static constexpr char hard_break = '\x01';  // marks <br> in inline runs until a paragraph is laid out

  // Text escaped so that the markup parser reads it back as itself. Outside a link's text, a bare
  // URL the markup links when typed (markup.hpp bare_url_end) is written as an autolink,
  // <https://…>, whose '_', '*' and '~' need no escape (a backslash would be part of its address).
  static void append_text(std::string& out, std::string_view s, bool in_link) {
    for (std::size_t i = 0; i < s.size(); ++i) {
      const char c = s[i];
      const char before = i ? s[i - 1] : out.empty() ? ' ' : out.back();
      bool www = false;
      const std::size_t end = !in_link && md::bare_url_may_follow(before) ? md::bare_url_end(s, i, www) : 0;
      if (end && s.substr(i, end - i).find('>') == std::string_view::npos) {
        out += www ? "<http://" : "<";
        for (; i < end; ++i)
          out += s[i] == '&' ? std::string_view("&amp;") : s.substr(i, 1);  // entities are read there
        out += '>';
        --i;
        continue;
      }
      switch (c) {
        case '\\':
        case '`':
        case '*':
        case '_':
        case '[':
        case ']':
        case '<':
        case '>':
        case '&':
        case '~':
          out += '\\';
          out += c;
          break;
        case hard_break: out += ' '; break;
        default: out += c;
      }
    }
  }

  // All the text under node i, decoded (pre and code content; image alt texts included).
  void text_content(std::size_t i, std::string& out) const {
    const node& x = n_[i];
    if (x.is_text) out += x.text;
    else if (x.name == "img") out += x.alt;
    else if (x.name == "br") out += '\n';
    for (std::size_t c : x.children) text_content(c, out);
  }

  bool is_block_node(std::size_t i) const { return !n_[i].is_text && is_block(n_[i].name); }

  // The inline content of node i's children appended to `out` (raw: whitespace collapsed later).
  void inlines(std::size_t i, std::string& out, bool in_link) {
    for (std::size_t c : n_[i].children) inline_node(c, out, in_link);
  }

  void inline_node(std::size_t i, std::string& out, bool in_link) {
    const node& x = n_[i];
    if (x.is_text) {
      append_text(out, x.text, in_link);
      return;
    }
    const std::string& t = x.name;
    if (t == "br") {
      out += hard_break;
    } else if (t == "img") {
      out += ' ';
      append_text(out, x.alt, in_link);
      out += ' ';
    } else if (t == "em" || t == "i" || t == "cite" || t == "dfn" || t == "var") {
      delimited(i, out, "*", in_link);
    } else if (t == "strong" || t == "b") {
      delimited(i, out, "**", in_link);
    } else if (t == "code" || t == "kbd" || t == "samp" || t == "tt") {
      code_span(i, out);
    } else if (t == "a") {
      link(i, out, in_link);
    } else if (is_block(t) || is_raw_text(t) || t == "td" || t == "th") {
      // A block inside inline content (a <p> in a <span>), or a script's text: its own line.
      out += hard_break;
      inlines(i, out, in_link);
      out += hard_break;
    } else {
      inlines(i, out, in_link);  // unknown or presentational: unwrapped
    }
  }

  // *em* / **strong**, with the white space at the edges moved outside the delimiters (where it
  // would keep them from opening or closing).
  void delimited(std::size_t i, std::string& out, std::string_view mark, bool in_link) {
    std::string inner;
    inlines(i, inner, in_link);
    auto edge = [](char c) { return is_space(c) || c == hard_break; };
    std::size_t a = 0, z = inner.size();
    while (a < z && edge(inner[a])) ++a;
    while (z > a && edge(inner[z - 1])) --z;
    out.append(inner, 0, a);
    if (z > a) {
      out += mark;
      out.append(inner, a, z - a);
      out += mark;
    }
    out.append(inner, z, std::string::npos);
  }

  void code_span(std::size_t i, std::string& out) const {
    std::string content;
    text_content(i, content);
    for (char& c : content)
      if (is_space(c)) c = ' ';
    if (content.find_first_not_of(' ') == std::string::npos) {
      out += content.empty() ? "" : " ";
      return;
    }
    std::size_t longest = 0, run = 0;
    for (char c : content) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    const std::string fence(longest + 1, '`');
    const bool pad = content.front() == '`' || content.back() == '`' || content.front() == ' ' || content.back() == ' ';
    out += fence;
    if (pad) out += ' ';
    out += content;
    if (pad) out += ' ';
    out += fence;
  }

  void link(std::size_t i, std::string& out, bool in_link) {
    const node& x = n_[i];
    std::string href = x.href;
    while (!href.empty() && static_cast<unsigned char>(href.front()) <= 0x20) href.erase(0, 1);
    while (!href.empty() && static_cast<unsigned char>(href.back()) <= 0x20) href.pop_back();
    const bool has_href = !href.empty();
    const bool safe = has_href && is_safe_url(href, url_policy::link);
    if (has_href && !safe) flags_.unsafe_link = true;
    std::string label;
    inlines(i, label, true);
    if (in_link || !safe) {
      out += label;
      return;
    }
    if (label.find_first_not_of(" \t\n\r\f\x01") == std::string::npos) append_text(label, href, true);
    out += '[';
    out += label;
    out += "](<";
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char ch : href) {
      auto c = static_cast<unsigned char>(ch);
      if (c <= 0x20 || c == '<' || c == '>' || c == '\\' || c == 0x7F) {
        out += '%';
        out += hex[c >> 4];
        out += hex[c & 15];
      } else if (c == '&') {
        out += "\\&";  // a reference in a destination would be decoded
      } else {
        out += ch;
      }
    }
    out += ">)";
  }

  // An inline run laid out as a paragraph: white space collapsed, <br> as a hard break, and a
  // line start that the markup parser would read as a block marker escaped ('-', '+', '#', '=':
  // list markers, headings, setext underlines; "1." and "1)" in fix_ordered).
  static std::string paragraph(std::string_view raw) {
    std::string out;
    bool space = false, brk = false;
    std::size_t line_start = 0;
    for (char c : raw) {
      if (c == hard_break) {
        brk = true;
      } else if (is_space(c)) {
        space = true;
      } else {
        if (brk && !out.empty()) {
          out += "\\\n";
          line_start = out.size();
        } else if (space && !out.empty() && out.size() != line_start) {
          out += ' ';
        }
        space = brk = false;
        if (out.size() == line_start && (c == '-' || c == '+' || c == '#' || c == '=')) out += '\\';
        out += c;
      }
    }
    return out;
  }

  // "2010. A year" at a line start would open an ordered list: escape the '.' or ')'.
  static std::string fix_ordered(std::string s) {
    std::string out;
    std::size_t i = 0;
    while (i < s.size()) {
      std::size_t j = i;
      while (j < s.size() && j - i < 10 && s[j] >= '0' && s[j] <= '9') ++j;
      if (j > i && j < s.size() && (s[j] == '.' || s[j] == ')')) {
        out.append(s, i, j - i);
        out += '\\';
        i = j;
      }
      std::size_t nl = s.find('\n', i);
      std::size_t end = nl == std::string::npos ? s.size() : nl + 1;
      out.append(s, i, end - i);
      i = end;
    }
    return out;
  }

  static void prefix_lines(std::string& out, std::string_view body, std::string_view first, std::string_view rest) {
    std::size_t i = 0;
    bool is_first = true;
    while (i <= body.size()) {
      std::size_t nl = body.find('\n', i);
      std::string_view line = body.substr(i, nl == std::string_view::npos ? std::string_view::npos : nl - i);
      std::string_view p = is_first ? first : rest;
      if (line.empty() && !is_first) {
        // A blank line inside a container keeps only the container's marker ('>' for quotes).
        std::size_t keep = p.find_last_not_of(' ');
        out.append(p.substr(0, keep == std::string_view::npos ? 0 : keep + 1));
      } else {
        out += p;
        out += line;
      }
      is_first = false;
      if (nl == std::string_view::npos) break;
      out += '\n';
      i = nl + 1;
    }
  }

  // The blocks among node i's children, separated by blank lines.
  std::string blocks(std::size_t i, int nest) {
    std::vector<std::string> parts;
    std::string run;
    char last_bullet = '+', last_delim = ')';
    bool last_was_list = false;
    auto flush = [&] {
      std::string p = fix_ordered(paragraph(run));
      run.clear();
      if (!p.empty()) {
        parts.push_back(std::move(p));
        last_was_list = false;
      }
    };
    for (std::size_t c : n_[i].children) {
      if (!is_block_node(c)) {
        inline_node(c, run, false);
        continue;
      }
      flush();
      const std::string& t = n_[c].name;
      std::string b;
      if ((t == "ul" || t == "ol" || t == "menu" || t == "dir") && nest < limits::max_markup_nesting) {
        // Two lists in a row with the same marker would merge into one: alternate markers.
        char& last = t == "ol" ? last_delim : last_bullet;
        char mark = !last_was_list ? (t == "ol" ? '.' : '-')
                                   : (t == "ol" ? (last == '.' ? ')' : '.') : (last == '-' ? '+' : '-'));
        last = mark;
        b = list(c, nest, mark);
        if (!b.empty()) {
          parts.push_back(std::move(b));
          last_was_list = true;
        }
        continue;
      }
      if (t == "blockquote" && nest < limits::max_markup_nesting) {
        std::string inner = blocks(c, nest + 1);
        if (!inner.empty()) prefix_lines(b, inner, "> ", "> ");
      } else if (t == "pre") {
        b = code_block(c);
      } else if (t == "hr") {
        b = "---";
      } else {
        b = blocks(c, nest);
      }
      if (!b.empty()) {
        parts.push_back(std::move(b));
        last_was_list = false;
      }
    }
    flush();
    std::string out;
    for (const std::string& p : parts) {
      if (!out.empty()) out += "\n\n";
      out += p;
    }
    return out;
  }

  std::string list(std::size_t i, int nest, char mark) {
    const bool ordered = n_[i].name == "ol";
    long number = 1;
    if (ordered && !n_[i].start.empty()) {
      const std::string& s = n_[i].start;
      if (s.size() <= 9 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
        number = std::stol(s);
    }
    std::string out;
    for (std::size_t c : n_[i].children) {
      std::string item;
      if (!n_[c].is_text && n_[c].name == "li") {
        item = blocks(c, nest + 1);
      } else {
        // Anything else directly in a list (text, stray elements) becomes an item of its own.
        std::string run;
        inline_node(c, run, false);
        item = fix_ordered(paragraph(run));
      }
      if (item.empty()) continue;
      std::string marker = ordered ? std::to_string(number++) + mark : std::string(1, mark);
      if (!out.empty()) out += '\n';
      prefix_lines(out, item, marker + ' ', std::string(marker.size() + 1, ' '));
    }
    return out;
  }

  // <pre> as a fenced code block: the text as it was, the fence longer than any backtick run in
  // it; a language from <code class="language-x"> kept when it is a plain word.
  std::string code_block(std::size_t i) const {
    std::string content;
    text_content(i, content);
    if (!content.empty() && content.front() == '\n') content.erase(0, 1);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) content.pop_back();
    if (content.find_first_not_of(" \t\n\r\f") == std::string::npos) return {};
    std::size_t longest = 0, run = 0;
    for (char c : content) {
      run = c == '`' ? run + 1 : 0;
      longest = std::max(longest, run);
    }
    std::string info;
    for (std::size_t c : n_[i].children) {
      if (n_[c].is_text || n_[c].name != "code") continue;
      std::string_view cls = n_[c].cls;
      for (std::string_view prefix : {"language-", "lang-"}) {
        std::size_t at = cls.find(prefix);
        if (at == std::string_view::npos) continue;
        for (std::size_t k = at + prefix.size(); k < cls.size() && !is_space(cls[k]); ++k) {
          char ch = cls[k];
          if (!(detail::is_ascii_alpha(ch) || (ch >= '0' && ch <= '9') || ch == '-' || ch == '+' || ch == '#' ||
                ch == '.' || ch == '_'))
            break;
          info += ch;
        }
        break;
      }
      break;
    }
    const std::string fence(std::max<std::size_t>(3, longest + 1), '`');
    return fence + info + "\n" + content + "\n" + fence;
  }
};

}  // namespace detail::html

// Converts an HTML fragment to comment markup. Never fails; see the top of this header.
inline html_markup html_to_markup(std::string_view html) {
  html_markup m;
  std::vector<detail::html::node> nodes = detail::html::tree_builder(html, m).build();
  m.text = detail::html::writer(nodes, m).document();
  return m;
}

}  // namespace colloquy
