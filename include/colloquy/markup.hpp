// Comment markup (DESIGN §4) to safe HTML: a documented subset of CommonMark 0.31.2.
//
//   std::string html;
//   colloquy::append_markup_html(html, "Nice *work* :)\n\nSee https://example.com.");
//   // html == "<p>Nice <em>work</em> :)</p>\n<p>See <a href=\"https://example.com\"
//   //          rel=\"nofollow ugc noopener\">https://example.com</a>.</p>\n"
//
// Supported: paragraphs, soft and hard line breaks, emphasis and strong emphasis (the full
// delimiter-run algorithm), code spans, fenced and indented code blocks, block quotes, bullet
// and ordered lists (tight and loose), inline links, autolinks (<https://…>, <user@host>) and
// bare http(s):// and www. URLs (GitHub's extended autolinks, trailing punctuation excluded),
// backslash escapes, entity and numeric character references, thematic breaks (<hr />).
// Not supported, shown as text: raw HTML (always escaped, never passed through), headings
// ("# Title" stays a paragraph), images ("![alt](src)" becomes "!" and a link: no remote images),
// reference-style links and their definitions ("[text][ref]" and "[ref]: /url" stay text).
// Links carry rel="nofollow ugc noopener" and must pass is_safe_url(…, url_policy::link)
// (http:, https:, mailto: or relative); any other link stays visible as its source text.
//
// Cost: linear in the input (bounded look-ahead, no recursion: the block tree and the inline
// list are walked with loops), no allocation per character; scratch buffers are reused.
#pragma once
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/cold.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/references.hpp"
#include "colloquy/unicode.hpp"

namespace colloquy {

namespace limits {
// Block quotes and list items nested deeper than this are read as text: real comments quote a
// few levels at most, and the cap bounds the per-line work of matching open containers (and the
// depth of the HTML we hand to the browser) for inputs like 5,000 '>' in a row.
inline constexpr int max_markup_nesting = 32;
// Backtick strings longer than this never open a code span (cmark's limit): the table that makes
// closing-backtick search linear is indexed by length.
inline constexpr std::size_t max_code_span_ticks = 1000;
// Nested parentheses in a link destination (cmark's limit).
inline constexpr int max_link_paren_depth = 32;
}  // namespace limits

// The full parser, for text that may hold markup: built for size in the widget (colloquy/cold.hpp).
COLLOQUY_SMALL_BEGIN
namespace detail::md {

inline constexpr int tab_stop = 4;
inline constexpr int code_indent = 4;

// ---------------------------------------------------------------------------------------------
// Shared helpers

inline bool is_space_or_tab(char c) { return c == ' ' || c == '\t'; }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_alnum(char c) { return is_digit(c) || is_ascii_alpha(c); }
inline bool is_punct(char c) { return is_ascii_punctuation(static_cast<unsigned char>(c)); }

// An entity or numeric character reference at s[pos] ('&'), CommonMark's rules: appends its
// text to `out` and returns the bytes it spans, or 0 when there is none (the '&' is literal).
inline std::size_t decode_entity(std::string_view s, std::size_t pos, std::string& out) {
  return decode_reference(s, pos, out, reference_rules::commonmark);
}

// Backslash escapes and character references resolved (link destinations, titles, info strings).
inline void append_unescaped(std::string& out, std::string_view s) {
  std::size_t i = 0, run = 0;
  while (i < s.size()) {
    if (s[i] == '\\' && i + 1 < s.size() && is_punct(s[i + 1])) {
      out.append(s.data() + run, i - run);
      out += s[i + 1];
      i += 2;
      run = i;
    } else if (s[i] == '&') {
      out.append(s.data() + run, i - run);
      std::size_t n = decode_entity(s, i, out);
      if (n == 0) {
        out += '&';
        n = 1;
      }
      i += n;
      run = i;
    } else {
      ++i;
    }
  }
  out.append(s.data() + run, s.size() - run);
}

// The code point that ends just before s[pos] / starts at s[pos]; a line end at the edges.
inline char32_t code_point_before(std::string_view s, std::size_t pos) {
  if (pos == 0) return '\n';
  std::size_t i = pos - 1;
  int back = 0;
  while (i > 0 && back < 3 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) {
    --i;
    ++back;
  }
  auto lead = static_cast<unsigned char>(s[i]);
  if (lead < 0x80) return lead;
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra != back) return 0xFFFD;
  char32_t cp = lead & (0x3F >> extra);
  for (std::size_t k = i + 1; k < pos; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[k]) & 0x3F);
  return cp;
}
inline char32_t code_point_at(std::string_view s, std::size_t pos) {
  if (pos >= s.size()) return '\n';
  auto lead = static_cast<unsigned char>(s[pos]);
  if (lead < 0x80) return lead;
  std::size_t extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  if (extra == 0 || pos + extra >= s.size()) return 0xFFFD;
  char32_t cp = lead & (0x3F >> extra);
  for (std::size_t k = 1; k <= extra; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[pos + k]) & 0x3F);
  return cp;
}

// ---------------------------------------------------------------------------------------------
// Inlines: a doubly linked list of nodes over the paragraph's text, plus the spec's delimiter
// and bracket stacks (https://spec.commonmark.org/0.31.2/#phase-2-inline-structure).

enum class inline_kind : std::uint8_t {
  text,       // s[off, off+len), escaped on output
  decoded,    // buf[off, off+len): a character reference's text or a neutralised autolink
  reference,  // s[off, off+len): a named reference left to the browser, copied (references.hpp)
  softbreak,
  hardbreak,
  code,  // s[off, off+len), line ends shown as spaces
  em_open,
  em_close,
  strong_open,
  strong_close,
  link_open,  // url buf[off, off+len), title buf[off2, off2+len2) when has_title
  link_close,
  autolink,  // url buf[off, off+len), text buf[off2, off2+len2)
};

struct inline_node {
  inline_kind kind;
  bool pinned = false;  // referenced by a delimiter or bracket: never merged into
  bool has_title = false;
  std::uint32_t off = 0, len = 0, off2 = 0, len2 = 0;
  int prev = -1, next = -1;
};

struct delimiter {
  int node;
  char c;
  bool can_open, can_close;
  std::uint32_t original, count;
  int prev, next;
};

struct bracket {
  int node;
  int previous_delimiter;
  bool active;
  int prev;
};

struct scratch {
  std::vector<inline_node> nodes;
  std::vector<delimiter> delimiters;
  std::vector<bracket> brackets;
  std::vector<std::size_t> backticks;
  std::string buf;
};

// GitHub's extended autolinks: "www." or "http(s)://", a domain with a dot, then anything up
// to whitespace or '<', minus trailing punctuation, unbalanced ')' and a trailing entity-like
// "&name;". Returns the end, or 0. Only where one may start (bare_url_may_follow). Also
// html_import's; always inlined, so the widget's module, with its one call, is no larger for it.
[[gnu::always_inline]] inline std::size_t bare_url_end(std::string_view s, std::size_t i, bool& www) {
  auto starts = [&](std::string_view p) {
    if (s.size() - i < p.size()) return false;
    for (std::size_t k = 0; k < p.size(); ++k)
      if (ascii_lower(s[i + k]) != p[k]) return false;
    return true;
  };
  std::size_t d;
  if (starts("www.")) {
    www = true;
    d = i;
  } else if (starts("http://")) {
    www = false;
    d = i + 7;
  } else if (starts("https://")) {
    www = false;
    d = i + 8;
  } else return 0;
  // Domain: segments of alphanumerics, '_' and '-' separated by '.', at least one '.', no '_'
  // in the last two segments.
  std::size_t j = d;
  int dots = 0;
  bool underscore_last = false, underscore_before_last = false;
  while (j < s.size()) {
    char c = s[j];
    if (c == '.') {
      if (j == d || s[j - 1] == '.') break;
      ++dots;
      underscore_before_last = underscore_last;
      underscore_last = false;
    } else if (c == '_') {
      underscore_last = true;
    } else if (!(is_alnum(c) || c == '-' || static_cast<unsigned char>(c) >= 0x80)) {
      break;
    }
    ++j;
  }
  if (j > d && s[j - 1] == '.') {
    --j;
    --dots;
    underscore_last = underscore_before_last;
  }
  if (dots < 1 || underscore_last || underscore_before_last || j == d) return 0;
  // The rest of the link, up to whitespace or '<'. Brackets end it too, so "[see www.x.org](…)"
  // keeps its inline link.
  while (j < s.size() && static_cast<unsigned char>(s[j]) > 0x20 && s[j] != '<' && s[j] != '[' && s[j] != ']') ++j;
  // Trailing punctuation, and ')' while there are more than '(' (counted once: linear).
  std::size_t open = 0, close = 0;
  for (std::size_t k = i; k < j; ++k) {
    open += s[k] == '(';
    close += s[k] == ')';
  }
  while (j > d) {
    char c = s[j - 1];
    if (std::string_view("?!.,:*_~'\"").find(c) != std::string_view::npos) {
      --j;
      continue;
    }
    if (c == ')') {
      if (close > open) {
        --j;
        --close;
        continue;
      }
      break;
    }
    if (c == ';') {
      std::size_t k = j - 1;
      while (k > d && is_alnum(s[k - 1])) --k;
      if (k > d && s[k - 1] == '&' && k < j - 1) {
        j = k - 1;
        continue;
      }
      break;
    }
    break;
  }
  return j > d ? j : 0;
}
// A bare URL starts a text run or follows one of these (text_run; html_import escapes around them).
inline bool bare_url_may_follow(char before) {
  return std::string_view(" \t\n*_~(").find(before) != std::string_view::npos;
}

class inline_parser {
 public:
  inline_parser(std::string_view s, scratch& sc) : s_(s), sc_(sc) {
    sc_.nodes.clear();
    sc_.delimiters.clear();
    sc_.brackets.clear();
    sc_.backticks.clear();
    sc_.buf.clear();
  }

  void parse() {
    while (pos_ < s_.size()) {
      switch (s_[pos_]) {
        case '\n': newline(); break;
        case '`': code_span(); break;
        case '\\': backslash(); break;
        case '&': entity(); break;
        case '<': angle(); break;
        case '*':
        case '_': delimiter_run(); break;
        case '[': open_bracket(); break;
        case ']': close_bracket(); break;
        default: text_run(); break;
      }
    }
    process_emphasis(-1);
  }

  void render(std::string& out) const {
    const std::string& buf = sc_.buf;
    for (int n = head_; n != -1; n = sc_.nodes[n].next) {
      const inline_node& x = sc_.nodes[n];
      switch (x.kind) {
        case inline_kind::text: append_escaped(out, s_.substr(x.off, x.len)); break;
        case inline_kind::decoded: append_escaped(out, std::string_view(buf).substr(x.off, x.len)); break;
        case inline_kind::reference: out.append(s_.substr(x.off, x.len)); break;
        case inline_kind::softbreak: out += '\n'; break;
        case inline_kind::hardbreak: out += "<br />\n"; break;
        case inline_kind::code: {
          out += "<code>";
          std::string_view code = s_.substr(x.off, x.len);
          std::size_t run = 0;
          for (std::size_t i = 0; i < code.size(); ++i) {
            if (code[i] != '\n') continue;
            append_escaped(out, code.substr(run, i - run));
            out += ' ';
            run = i + 1;
          }
          append_escaped(out, code.substr(run));
          out += "</code>";
          break;
        }
        case inline_kind::em_open: out += "<em>"; break;
        case inline_kind::em_close: out += "</em>"; break;
        case inline_kind::strong_open: out += "<strong>"; break;
        case inline_kind::strong_close: out += "</strong>"; break;
        case inline_kind::link_open:
        case inline_kind::autolink:
          out += "<a href=\"";
          append_escaped_url(out, std::string_view(buf).substr(x.off, x.len));
          out += "\" rel=\"nofollow ugc noopener\"";
          if (x.kind == inline_kind::link_open && x.has_title) {
            out += " title=\"";
            append_escaped(out, std::string_view(buf).substr(x.off2, x.len2));
            out += '"';
          }
          out += '>';
          if (x.kind == inline_kind::autolink) {
            append_escaped(out, std::string_view(buf).substr(x.off2, x.len2));
            out += "</a>";
          }
          break;
        case inline_kind::link_close: out += "</a>"; break;
      }
    }
  }

 private:
  std::string_view s_;
  scratch& sc_;
  std::size_t pos_ = 0;
  int head_ = -1, tail_ = -1;
  int last_delimiter_ = -1;
  int last_bracket_ = -1;
  bool scanned_backticks_ = false;

  int append_node(inline_kind kind, std::size_t off = 0, std::size_t len = 0) {
    inline_node n;
    n.kind = kind;
    n.off = static_cast<std::uint32_t>(off);
    n.len = static_cast<std::uint32_t>(len);
    n.prev = tail_;
    sc_.nodes.push_back(n);
    int id = static_cast<int>(sc_.nodes.size()) - 1;
    if (tail_ != -1) sc_.nodes[tail_].next = id;
    else head_ = id;
    tail_ = id;
    return id;
  }
  int insert_after(int at, inline_kind kind) {
    inline_node n;
    n.kind = kind;
    n.prev = at;
    n.next = sc_.nodes[at].next;
    sc_.nodes.push_back(n);
    int id = static_cast<int>(sc_.nodes.size()) - 1;
    if (n.next != -1) sc_.nodes[n.next].prev = id;
    else tail_ = id;
    sc_.nodes[at].next = id;
    return id;
  }
  int insert_before(int at, inline_kind kind) {
    int p = sc_.nodes[at].prev;
    if (p != -1) return insert_after(p, kind);
    inline_node n;
    n.kind = kind;
    n.next = at;
    sc_.nodes.push_back(n);
    int id = static_cast<int>(sc_.nodes.size()) - 1;
    sc_.nodes[at].prev = id;
    head_ = id;
    return id;
  }
  void unlink(int n) {
    inline_node& x = sc_.nodes[n];
    if (x.prev != -1) sc_.nodes[x.prev].next = x.next;
    else head_ = x.next;
    if (x.next != -1) sc_.nodes[x.next].prev = x.prev;
    else tail_ = x.prev;
  }
  // Source text; merged into the previous text node when they touch.
  int add_text(std::size_t from, std::size_t to) {
    if (tail_ != -1) {
      inline_node& t = sc_.nodes[tail_];
      if (t.kind == inline_kind::text && !t.pinned && t.off + t.len == from) {
        t.len += static_cast<std::uint32_t>(to - from);
        return tail_;
      }
    }
    return append_node(inline_kind::text, from, to - from);
  }
  int add_decoded(std::size_t buf_from) {
    return append_node(inline_kind::decoded, buf_from, sc_.buf.size() - buf_from);
  }

  void skip_spaces() {
    while (pos_ < s_.size() && is_space_or_tab(s_[pos_])) ++pos_;
  }

  void newline() {
    std::size_t spaces = 0;
    while (spaces < pos_ && s_[pos_ - 1 - spaces] == ' ') ++spaces;
    if (spaces && tail_ != -1) {
      inline_node& t = sc_.nodes[tail_];
      if (t.kind == inline_kind::text && t.off + t.len == pos_)
        t.len -= std::min<std::uint32_t>(t.len, static_cast<std::uint32_t>(spaces));
    }
    append_node(spaces >= 2 ? inline_kind::hardbreak : inline_kind::softbreak);
    ++pos_;
    skip_spaces();
  }

  void backslash() {
    if (pos_ + 1 < s_.size() && is_punct(s_[pos_ + 1])) {
      add_text(pos_ + 1, pos_ + 2);
      pos_ += 2;
    } else if (pos_ + 1 < s_.size() && s_[pos_ + 1] == '\n') {
      append_node(inline_kind::hardbreak);
      pos_ += 2;
      skip_spaces();
    } else {
      add_text(pos_, pos_ + 1);
      ++pos_;
    }
  }

  void entity() {
    std::size_t from = sc_.buf.size();
    std::size_t n = decode_entity(s_, pos_, sc_.buf);
#if defined(COLLOQUY_BROWSER_ENTITIES)
    if (n == 0 && (n = browser_reference(s_, pos_)) != 0) {
      append_node(inline_kind::reference, pos_, n);
      pos_ += n;
      return;
    }
#endif
    if (n == 0) {
      add_text(pos_, pos_ + 1);
      ++pos_;
      return;
    }
    add_decoded(from);
    pos_ += n;
  }

  // The closing backtick string of exactly `ticks` after pos_, or npos. Linear over a paragraph:
  // every run seen is remembered by length, and once the end is reached unsuccessfully a
  // length that was not seen after the current position is known to have no closer.
  std::size_t find_closing_backticks(std::size_t from, std::size_t ticks) {
    auto& seen = sc_.backticks;
    if (seen.empty()) seen.assign(limits::max_code_span_ticks + 1, 0);
    if (scanned_backticks_ && seen[ticks] <= from) return std::string_view::npos;
    std::size_t i = from;
    while (i < s_.size()) {
      while (i < s_.size() && s_[i] != '`') ++i;
      if (i >= s_.size()) break;
      std::size_t start = i;
      while (i < s_.size() && s_[i] == '`') ++i;
      std::size_t n = i - start;
      // The last run of each length (a scan that stops early must not move it back).
      if (n <= limits::max_code_span_ticks && start > seen[n]) seen[n] = start;
      if (n == ticks) return start;
    }
    scanned_backticks_ = true;
    return std::string_view::npos;
  }

  void code_span() {
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] == '`') ++pos_;
    std::size_t ticks = pos_ - start;
    std::size_t close = ticks <= limits::max_code_span_ticks ? find_closing_backticks(pos_, ticks)
                                                             : std::string_view::npos;
    if (close == std::string_view::npos) {
      add_text(start, pos_);
      return;
    }
    std::size_t a = pos_, b = close;
    // One space (or line end) is stripped from each side when both are there and the content
    // is not all spaces: "`` `x` ``" shows "`x`".
    if (b - a >= 2 && (s_[a] == ' ' || s_[a] == '\n') && (s_[b - 1] == ' ' || s_[b - 1] == '\n')) {
      bool all_space = true;
      for (std::size_t i = a; i < b && all_space; ++i) all_space = s_[i] == ' ' || s_[i] == '\n';
      if (!all_space) {
        ++a;
        --b;
      }
    }
    append_node(inline_kind::code, a, b - a);
    pos_ = close + ticks;
  }

  // '<': an autolink (<scheme:…>, <user@host>); anything else is a literal '<'. An autolink whose
  // URL the policy rejects is shown whole as text, so the reader sees what was written.
  void angle() {
    std::size_t i = pos_ + 1;
    // URI autolink: scheme of 2-32 characters, ':', then no spaces, controls, '<' or '>'.
    std::size_t j = i;
    if (j < s_.size() && is_ascii_alpha(s_[j])) {
      ++j;
      while (j < s_.size() && j - i < 32 && (is_alnum(s_[j]) || s_[j] == '+' || s_[j] == '.' || s_[j] == '-')) ++j;
      if (j - i >= 2 && j < s_.size() && s_[j] == ':') {
        std::size_t k = j + 1;
        while (k < s_.size() && s_[k] != '>' && s_[k] != '<' && static_cast<unsigned char>(s_[k]) > 0x20) ++k;
        if (k < s_.size() && s_[k] == '>') {
          emit_autolink(i, k, false);
          return;
        }
      }
    }
    // Email autolink.
    j = i;
    while (j < s_.size() &&
           (is_alnum(s_[j]) || std::string_view(".!#$%&'*+/=?^_`{|}~-").find(s_[j]) != std::string_view::npos))
      ++j;
    if (j > i && j < s_.size() && s_[j] == '@') {
      std::size_t k = j + 1;
      bool ok = true;
      while (ok) {
        std::size_t label = k;
        while (k < s_.size() && k - label < 63 && (is_alnum(s_[k]) || (s_[k] == '-' && k > label))) ++k;
        if (k == label || s_[k - 1] == '-') {
          ok = false;
          break;
        }
        if (k < s_.size() && s_[k] == '.') {
          ++k;
          continue;
        }
        break;
      }
      if (ok && k < s_.size() && s_[k] == '>') {
        emit_autolink(i, k, true);
        return;
      }
    }
    // Raw HTML is never passed through, but it is still recognised, so that it keeps the
    // precedence the spec gives it ("*<a title="*">" has no emphasis) and shows whole as text.
    if (std::size_t end = match_raw_html(pos_)) {
      append_node(inline_kind::text, pos_, end - pos_);
      pos_ = end;
      return;
    }
    add_text(pos_, pos_ + 1);
    ++pos_;
  }

  // The next `c` at or after `from`, or npos; remembered per character, so repeated failing
  // searches (many unclosed '<!--' or quotes) stay linear.
  struct memo {
    std::size_t from = 1, found = 0;
  };
  memo memo_[6];
  std::size_t find_memo(int slot, std::string_view what, std::size_t from) {
    memo& m = memo_[slot];
    if (m.from <= from && (m.found == std::string_view::npos || from <= m.found)) return m.found;
    m.from = from;
    m.found = s_.find(what, from);
    return m.found;
  }

  // Whitespace in a tag: spaces and tabs with at most one line end.
  std::size_t skip_tag_space(std::size_t i) const { return skip_whitespace_with_one_newline(i); }

  // The end of the raw HTML (spec 6.6) starting at s[i] == '<', or 0.
  std::size_t match_raw_html(std::size_t i) {
    std::size_t n = s_.size();
    std::size_t j = i + 1;
    if (j >= n) return 0;
    auto name_char = [](char c) { return is_alnum(c) || c == '-'; };
    if (is_ascii_alpha(s_[j])) {  // open tag
      while (j < n && name_char(s_[j])) ++j;
      for (;;) {
        std::size_t k = skip_tag_space(j);
        if (k < n && s_[k] == '>') return k + 1;
        if (k + 1 < n && s_[k] == '/' && s_[k + 1] == '>') return k + 2;
        if (k == j) return 0;  // an attribute needs whitespace before it
        if (k >= n || !(is_ascii_alpha(s_[k]) || s_[k] == '_' || s_[k] == ':')) return 0;
        while (k < n && (is_alnum(s_[k]) || s_[k] == '_' || s_[k] == '.' || s_[k] == ':' || s_[k] == '-')) ++k;
        j = k;
        k = skip_tag_space(j);
        if (k < n && s_[k] == '=') {
          k = skip_tag_space(k + 1);
          if (k >= n) return 0;
          if (s_[k] == '"' || s_[k] == '\'') {
            std::size_t close = find_memo(s_[k] == '"' ? 0 : 1, std::string_view(&s_[k], 1), k + 1);
            if (close == std::string_view::npos) return 0;
            j = close + 1;
          } else {
            std::size_t v = k;
            while (v<n&& static_cast<unsigned char>(s_[v])> 0x20 &&
                   std::string_view("\"'=<>`").find(s_[v]) == std::string_view::npos)
              ++v;
            if (v == k) return 0;
            j = v;
          }
        }
      }
    }
    if (s_[j] == '/') {  // closing tag
      ++j;
      if (j >= n || !is_ascii_alpha(s_[j])) return 0;
      while (j < n && name_char(s_[j])) ++j;
      j = skip_tag_space(j);
      return j < n && s_[j] == '>' ? j + 1 : 0;
    }
    if (s_[j] == '?') {
      std::size_t e = find_memo(2, "?>", j + 1);
      return e == std::string_view::npos ? 0 : e + 2;
    }
    if (s_[j] != '!') return 0;
    if (s_.substr(j, 3) == "!--") {
      if (s_.substr(j + 3, 1) == ">") return j + 4;
      if (s_.substr(j + 3, 2) == "->") return j + 5;
      std::size_t e = find_memo(3, "-->", j + 3);
      return e == std::string_view::npos ? 0 : e + 3;
    }
    if (s_.substr(j, 8) == "![CDATA[") {
      std::size_t e = find_memo(4, "]]>", j + 8);
      return e == std::string_view::npos ? 0 : e + 3;
    }
    if (j + 1 < n && is_ascii_alpha(s_[j + 1])) {
      std::size_t e = find_memo(5, ">", j + 1);
      return e == std::string_view::npos ? 0 : e + 1;
    }
    return 0;
  }

  void emit_autolink(std::size_t from, std::size_t to, bool email) {
    std::string& buf = sc_.buf;
    std::size_t url = buf.size();
    if (email) buf += "mailto:";
    append_unescaped_entities_only(buf, s_.substr(from, to - from));
    std::size_t url_len = buf.size() - url;
    if (!is_safe_url(std::string_view(buf).substr(url, url_len), url_policy::link)) {
      buf.resize(url);
      add_text(pos_, to + 1);
      pos_ = to + 1;
      return;
    }
    std::size_t text = buf.size();
    append_unescaped_entities_only(buf, s_.substr(from, to - from));
    int n = append_node(inline_kind::autolink, url, url_len);
    sc_.nodes[n].off2 = static_cast<std::uint32_t>(text);
    sc_.nodes[n].len2 = static_cast<std::uint32_t>(buf.size() - text);
    pos_ = to + 1;
  }

  static void append_unescaped_entities_only(std::string& out, std::string_view s) {
    std::size_t i = 0, run = 0;
    while (i < s.size()) {
      if (s[i] != '&') {
        ++i;
        continue;
      }
      out.append(s.data() + run, i - run);
      std::size_t n = decode_entity(s, i, out);
      if (n == 0) {
        out += '&';
        n = 1;
      }
      i += n;
      run = i;
    }
    out.append(s.data() + run, s.size() - run);
  }

  void delimiter_run() {
    char c = s_[pos_];
    std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] == c) ++pos_;
    char32_t before = code_point_before(s_, start);
    char32_t after = code_point_at(s_, pos_);
    bool before_space = is_unicode_whitespace(before), after_space = is_unicode_whitespace(after);
    bool before_punct = is_unicode_punctuation(before), after_punct = is_unicode_punctuation(after);
    bool left = !after_space && (!after_punct || before_space || before_punct);
    bool right = !before_space && (!before_punct || after_space || after_punct);
    bool can_open, can_close;
    if (c == '*') {
      can_open = left;
      can_close = right;
    } else {
      can_open = left && (!right || before_punct);
      can_close = right && (!left || after_punct);
    }
    int node = append_node(inline_kind::text, start, pos_ - start);
    if (!can_open && !can_close) return;
    sc_.nodes[node].pinned = true;
    auto count = static_cast<std::uint32_t>(pos_ - start);
    sc_.delimiters.push_back({node, c, can_open, can_close, count, count, last_delimiter_, -1});
    int id = static_cast<int>(sc_.delimiters.size()) - 1;
    if (last_delimiter_ != -1) sc_.delimiters[last_delimiter_].next = id;
    last_delimiter_ = id;
  }

  void remove_delimiter(int d) {
    delimiter& x = sc_.delimiters[d];
    if (x.prev != -1) sc_.delimiters[x.prev].next = x.next;
    if (x.next != -1) sc_.delimiters[x.next].prev = x.prev;
    else last_delimiter_ = x.prev;
  }

  // The spec's "process emphasis" over the delimiters above `bottom` (an index, or -1 for all).
  // Delimiter indices grow in source order, so "openers_bottom" is an index bound: each kind of
  // closer searches below a given point at most once, which keeps the whole pass linear.
  void process_emphasis(int bottom) {
    int openers_bottom[2][2][3];
    for (auto& a : openers_bottom)
      for (auto& b : a)
        for (int& v : b) v = bottom;
    int closer = last_delimiter_;
    while (closer != -1 && sc_.delimiters[closer].prev > bottom) closer = sc_.delimiters[closer].prev;
    if (closer != -1 && closer <= bottom) closer = -1;
    // `closer` is now the first delimiter above bottom.
    while (closer != -1) {
      delimiter& cl = sc_.delimiters[closer];
      if (!cl.can_close) {
        closer = cl.next;
        continue;
      }
      int& floor = openers_bottom[cl.c == '_'][cl.can_open][cl.original % 3];
      int opener = cl.prev;
      bool found = false;
      while (opener != -1 && opener > bottom && opener > floor) {
        const delimiter& op = sc_.delimiters[opener];
        if (op.can_open && op.c == cl.c) {
          bool odd = (cl.can_open || op.can_close) && (op.original + cl.original) % 3 == 0 &&
                     !(op.original % 3 == 0 && cl.original % 3 == 0);
          if (!odd) {
            found = true;
            break;
          }
        }
        opener = op.prev;
      }
      if (!found) {
        floor = cl.prev;
        int next = cl.next;
        if (!cl.can_open) remove_delimiter(closer);
        closer = next;
        continue;
      }
      delimiter& op = sc_.delimiters[opener];
      std::uint32_t use = (cl.count >= 2 && op.count >= 2) ? 2 : 1;
      op.count -= use;
      cl.count -= use;
      sc_.nodes[op.node].len -= use;
      sc_.nodes[cl.node].len -= use;
      insert_after(op.node, use == 2 ? inline_kind::strong_open : inline_kind::em_open);
      insert_before(cl.node, use == 2 ? inline_kind::strong_close : inline_kind::em_close);
      // Delimiters between the pair can no longer match anything.
      for (int d = cl.prev; d != opener && d != -1; d = sc_.delimiters[d].prev) remove_delimiter(d);
      if (op.count == 0) {
        unlink(op.node);
        remove_delimiter(opener);
      }
      if (cl.count == 0) {
        int next = cl.next;
        unlink(cl.node);
        remove_delimiter(closer);
        closer = next;
      }
    }
    // Everything above bottom is done with.
    while (last_delimiter_ != -1 && last_delimiter_ > bottom) remove_delimiter(last_delimiter_);
  }

  void open_bracket() {
    int node = append_node(inline_kind::text, pos_, 1);
    sc_.nodes[node].pinned = true;
    sc_.brackets.push_back({node, last_delimiter_, true, last_bracket_});
    last_bracket_ = static_cast<int>(sc_.brackets.size()) - 1;
    ++pos_;
  }

  std::size_t skip_whitespace_with_one_newline(std::size_t i) const {
    while (i < s_.size() && is_space_or_tab(s_[i])) ++i;
    if (i < s_.size() && s_[i] == '\n') {
      ++i;
      while (i < s_.size() && is_space_or_tab(s_[i])) ++i;
    }
    return i;
  }

  struct link_parts {
    std::size_t dest_from, dest_to, title_from = 0, title_to = 0, end;
    bool has_title = false;
  };

  // An inline link's "(destination "title")" at s[i] == '('.
  bool parse_inline_link(std::size_t i, link_parts& p) const {
    i = skip_whitespace_with_one_newline(i + 1);
    if (i < s_.size() && s_[i] == '<') {
      std::size_t j = i + 1;
      while (j < s_.size() && s_[j] != '>' && s_[j] != '<' && s_[j] != '\n')
        j += (s_[j] == '\\' && j + 1 < s_.size() && is_punct(s_[j + 1])) ? 2 : 1;
      if (j >= s_.size() || s_[j] != '>') return false;
      p.dest_from = i + 1;
      p.dest_to = j;
      i = j + 1;
    } else {
      std::size_t j = i;
      int depth = 0;
      while (j < s_.size()) {
        char c = s_[j];
        if (c == '\\' && j + 1 < s_.size() && is_punct(s_[j + 1])) {
          j += 2;
          continue;
        }
        if (static_cast<unsigned char>(c) <= 0x20) break;
        if (c == '(') {
          if (++depth > limits::max_link_paren_depth) return false;
        } else if (c == ')') {
          if (depth == 0) break;
          --depth;
        }
        ++j;
      }
      if (depth != 0) return false;
      p.dest_from = i;
      p.dest_to = j;
      i = j;
    }
    std::size_t k = skip_whitespace_with_one_newline(i);
    if (k > i && k < s_.size() && (s_[k] == '"' || s_[k] == '\'' || s_[k] == '(')) {
      char close = s_[k] == '(' ? ')' : s_[k];
      std::size_t j = k + 1;
      while (j < s_.size() && s_[j] != close) {
        if (s_[j] == '\\' && j + 1 < s_.size() && is_punct(s_[j + 1])) {
          j += 2;
          continue;
        }
        if (close == ')' && s_[j] == '(') return false;
        if (s_[j] == '\n') {  // a title may span lines, but not a blank one
          std::size_t b = j + 1;
          while (b < s_.size() && is_space_or_tab(s_[b])) ++b;
          if (b < s_.size() && s_[b] == '\n') return false;
        }
        ++j;
      }
      if (j >= s_.size()) return false;
      p.has_title = true;
      p.title_from = k + 1;
      p.title_to = j;
      i = j + 1;
    }
    i = skip_whitespace_with_one_newline(i);
    if (i >= s_.size() || s_[i] != ')') return false;
    p.end = i + 1;
    return true;
  }

  void close_bracket() {
    std::size_t at = pos_++;
    if (last_bracket_ == -1) {
      add_text(at, at + 1);
      return;
    }
    bracket b = sc_.brackets[last_bracket_];
    link_parts p;
    if (b.active && pos_ < s_.size() && s_[pos_] == '(' && parse_inline_link(pos_, p)) {
      std::string& buf = sc_.buf;
      std::size_t url = buf.size();
      append_unescaped(buf, s_.substr(p.dest_from, p.dest_to - p.dest_from));
      std::size_t url_len = buf.size() - url;
      if (is_safe_url(std::string_view(buf).substr(url, url_len), url_policy::link)) {
        inline_node& open = sc_.nodes[b.node];
        open.kind = inline_kind::link_open;
        open.off = static_cast<std::uint32_t>(url);
        open.len = static_cast<std::uint32_t>(url_len);
        if (p.has_title) {
          std::size_t title = buf.size();
          append_unescaped(buf, s_.substr(p.title_from, p.title_to - p.title_from));
          open.has_title = true;
          open.off2 = static_cast<std::uint32_t>(title);
          open.len2 = static_cast<std::uint32_t>(buf.size() - title);
        }
        append_node(inline_kind::link_close);
        process_emphasis(b.previous_delimiter);
        last_bracket_ = b.prev;
        // No links inside links: earlier '[' can no longer open one. Openers below an inactive
        // one are inactive already, so the walk stops there.
        for (int t = last_bracket_; t != -1 && sc_.brackets[t].active; t = sc_.brackets[t].prev)
          sc_.brackets[t].active = false;
        // Autolinks inside the text show as text.
        for (int n = sc_.nodes[b.node].next; n != -1; n = sc_.nodes[n].next) {
          inline_node& x = sc_.nodes[n];
          if (x.kind == inline_kind::autolink) {
            x.kind = inline_kind::decoded;
            x.off = x.off2;
            x.len = x.len2;
          }
        }
        pos_ = p.end;
        return;
      }
      buf.resize(url);  // a link the URL policy rejects stays text, as it was typed
    }
    last_bracket_ = b.prev;
    add_text(at, at + 1);
  }

  void text_run() {
    std::size_t start = pos_;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\n' || c == '`' || c == '\\' || c == '&' || c == '<' || c == '*' || c == '_' || c == '[' || c == ']')
        break;
      if ((c == 'h' || c == 'H' || c == 'w' || c == 'W') && (pos_ == 0 || bare_url_may_follow(s_[pos_ - 1]))) {
        bool www = false;
        if (std::size_t end = bare_url_end(s_, pos_, www)) {
          if (pos_ > start) add_text(start, pos_);
          std::string& buf = sc_.buf;
          std::size_t url = buf.size();
          if (www) buf += "http://";
          append_unescaped_entities_only(buf, s_.substr(pos_, end - pos_));
          std::size_t text = buf.size();
          append_unescaped_entities_only(buf, s_.substr(pos_, end - pos_));
          int n = append_node(inline_kind::autolink, url, text - url);
          sc_.nodes[n].off2 = static_cast<std::uint32_t>(text);
          sc_.nodes[n].len2 = static_cast<std::uint32_t>(buf.size() - text);
          pos_ = end;
          return;
        }
      }
      ++pos_;
    }
    add_text(start, pos_);
  }
};

// ---------------------------------------------------------------------------------------------
// Blocks: cmark's line-by-line algorithm (https://spec.commonmark.org/0.31.2/#phase-1-block-structure)
// over a flat vector of blocks linked by index. Only one leaf is open at a time, so every leaf's
// text is one contiguous range of a shared arena.

enum class block_kind : std::uint8_t { document, quote, list, item, paragraph, fenced, indented, rule };

inline bool is_container_kind(block_kind k) {
  return k == block_kind::document || k == block_kind::quote || k == block_kind::list || k == block_kind::item;
}

struct block {
  block_kind kind;
  bool open = true;
  bool last_line_blank = false;
  bool tight = true;
  bool ordered = false;
  char marker = 0;  // bullet character, or '.' / ')' for ordered lists
  char fence_char = 0;
  int start = 1;
  int marker_offset = 0, padding = 0;
  int fence_length = 0, fence_offset = 0;
  int depth = 0;  // container nesting
  int start_line = 0;
  int parent = -1, first_child = -1, last_child = -1, next = -1;
  std::size_t content_begin = 0, content_end = 0;
  std::size_t info_begin = 0, info_end = 0;
};

struct list_marker {
  bool ordered = false;
  char marker = 0;
  int start = 1;
};

class block_parser {
 public:
  block_parser(std::vector<block>& blocks, std::string& arena) : b_(blocks), arena_(arena) {}

  void run(std::string_view text) {
    b_.clear();
    arena_.clear();
    b_.push_back(block{block_kind::document});
    current_ = 0;
    std::size_t p = 0;
    while (p < text.size()) {
      std::size_t e = p;
      while (e < text.size() && text[e] != '\n' && text[e] != '\r') ++e;
      process_line(text.substr(p, e - p));
      if (e < text.size() && text[e] == '\r' && e + 1 < text.size() && text[e + 1] == '\n') ++e;
      p = e + 1;
    }
    while (current_ != 0) current_ = finalize(current_);
    finalize(0);
  }

 private:
  std::vector<block>& b_;
  std::string& arena_;
  int current_ = 0;
  int line_number_ = 0;
  std::string_view line_;
  std::size_t offset_ = 0, first_nonspace_ = 0;
  int column_ = 0, first_nonspace_column_ = 0, indent_ = 0;
  bool blank_ = false, partially_consumed_tab_ = false;

  char peek(std::size_t i) const { return i < line_.size() ? line_[i] : (i == line_.size() ? '\n' : '\0'); }

  void find_first_nonspace() {
    int chars_to_tab = tab_stop - (column_ % tab_stop);
    if (first_nonspace_ <= offset_) {
      first_nonspace_ = offset_;
      first_nonspace_column_ = column_;
      for (;;) {
        char c = peek(first_nonspace_);
        if (c == ' ') {
          ++first_nonspace_;
          ++first_nonspace_column_;
          if (--chars_to_tab == 0) chars_to_tab = tab_stop;
        } else if (c == '\t') {
          ++first_nonspace_;
          first_nonspace_column_ += chars_to_tab;
          chars_to_tab = tab_stop;
        } else {
          break;
        }
      }
    }
    indent_ = first_nonspace_column_ - column_;
    blank_ = peek(first_nonspace_) == '\n';
  }

  void advance(std::size_t count, bool columns) {
    while (count > 0) {
      char c = peek(offset_);
      if (c == '\0') break;
      if (c == '\t') {
        int chars_to_tab = tab_stop - (column_ % tab_stop);
        if (columns) {
          partially_consumed_tab_ = static_cast<std::size_t>(chars_to_tab) > count;
          std::size_t step = std::min<std::size_t>(count, static_cast<std::size_t>(chars_to_tab));
          column_ += static_cast<int>(step);
          offset_ += partially_consumed_tab_ ? 0 : 1;
          count -= step;
        } else {
          partially_consumed_tab_ = false;
          column_ += chars_to_tab;
          offset_ += 1;
          count -= 1;
        }
      } else {
        partially_consumed_tab_ = false;
        offset_ += 1;
        column_ += 1;
        count -= 1;
      }
    }
  }

  static bool is_container(block_kind k) {
    return k == block_kind::document || k == block_kind::quote || k == block_kind::item;
  }
  static bool can_contain(block_kind parent, block_kind child) {
    if (parent == block_kind::list) return child == block_kind::item;
    return is_container(parent) && child != block_kind::item;
  }
  static bool accepts_lines(block_kind k) {
    return k == block_kind::paragraph || k == block_kind::fenced || k == block_kind::indented;
  }

  int add_child(int parent, block_kind kind) {
    while (!can_contain(b_[parent].kind, kind)) parent = finalize(parent);
    block child{kind};
    child.parent = parent;
    child.start_line = line_number_;
    child.content_begin = child.content_end = arena_.size();
    child.depth = b_[parent].depth + (kind == block_kind::quote || kind == block_kind::item ? 1 : 0);
    b_.push_back(child);
    int id = static_cast<int>(b_.size()) - 1;
    block& p = b_[parent];
    if (p.last_child != -1) b_[p.last_child].next = id;
    else p.first_child = id;
    p.last_child = id;
    return id;
  }

  bool ends_with_blank_line(int n) const {
    while (n != -1) {
      if (b_[n].last_line_blank) return true;
      n = (b_[n].kind == block_kind::list || b_[n].kind == block_kind::item) ? b_[n].last_child : -1;
    }
    return false;
  }

  int finalize(int n) {
    block& x = b_[n];
    x.open = false;
    switch (x.kind) {
      case block_kind::fenced: {
        // The opening line's rest is the info string.
        std::size_t nl = arena_.find('\n', x.content_begin);
        if (nl == std::string::npos || nl >= x.content_end) nl = x.content_end;
        x.info_begin = x.content_begin;
        x.info_end = nl;
        x.content_begin = nl < x.content_end ? nl + 1 : x.content_end;
        break;
      }
      case block_kind::indented: {
        std::size_t e = x.content_end;
        while (e > x.content_begin && (arena_[e - 1] == ' ' || arena_[e - 1] == '\t' || arena_[e - 1] == '\n')) --e;
        if (e > x.content_begin) {
          std::size_t nl = arena_.find('\n', e);
          x.content_end = nl == std::string::npos ? x.content_end : std::min(x.content_end, nl + 1);
        } else {
          x.content_end = x.content_begin;
        }
        break;
      }
      case block_kind::list: {
        bool tight = true;
        for (int item = x.first_child; item != -1 && tight; item = b_[item].next) {
          if (b_[item].last_line_blank && b_[item].next != -1) {
            tight = false;
            break;
          }
          for (int sub = b_[item].first_child; sub != -1; sub = b_[sub].next) {
            if ((b_[item].next != -1 || b_[sub].next != -1) && ends_with_blank_line(sub)) {
              tight = false;
              break;
            }
          }
        }
        b_[n].tight = tight;
        break;
      }
      default: break;
    }
    return b_[n].parent;
  }

  void add_line(int to) {
    if (partially_consumed_tab_) {
      offset_ += 1;
      arena_.append(static_cast<std::size_t>(tab_stop - (column_ % tab_stop)), ' ');
    }
    if (offset_ < line_.size()) arena_.append(line_.substr(offset_));
    arena_ += '\n';
    b_[to].content_end = arena_.size();
  }

  // Length of an opening code fence at `pos`, or 0.
  std::size_t open_fence(std::size_t pos) const {
    char c = peek(pos);
    if (c != '`' && c != '~') return 0;
    std::size_t n = 0;
    while (peek(pos + n) == c) ++n;
    if (n < 3) return 0;
    if (c == '`' && line_.find('`', pos + n) != std::string_view::npos) return 0;
    return n;
  }
  std::size_t close_fence(std::size_t pos, char c) const {
    std::size_t n = 0;
    while (peek(pos + n) == c) ++n;
    if (n < 3) return 0;
    for (std::size_t i = pos + n; i < line_.size(); ++i)
      if (!is_space_or_tab(line_[i])) return 0;
    return n;
  }
  bool thematic_break(std::size_t pos) const {
    char c = peek(pos);
    if (c != '*' && c != '-' && c != '_') return false;
    int count = 0;
    for (std::size_t i = pos; i < line_.size(); ++i) {
      if (line_[i] == c) ++count;
      else if (!is_space_or_tab(line_[i])) return false;
    }
    return count >= 3;
  }
  std::size_t parse_list_marker(std::size_t pos, bool interrupts_paragraph, list_marker& m) const {
    std::size_t start = pos;
    char c = peek(pos);
    if (c == '*' || c == '-' || c == '+') {
      ++pos;
      m.ordered = false;
      m.marker = c;
    } else if (is_digit(c)) {
      int value = 0, digits = 0;
      while (digits < 9 && is_digit(peek(pos))) {
        value = value * 10 + (peek(pos) - '0');
        ++pos;
        ++digits;
      }
      if (interrupts_paragraph && value != 1) return 0;
      c = peek(pos);
      if (c != '.' && c != ')') return 0;
      ++pos;
      m.ordered = true;
      m.marker = c;
      m.start = value;
    } else {
      return 0;
    }
    char after = peek(pos);
    if (!(after == ' ' || after == '\t' || after == '\n')) return 0;
    if (interrupts_paragraph) {
      std::size_t i = pos;
      while (is_space_or_tab(peek(i))) ++i;
      if (peek(i) == '\n') return 0;
    }
    return pos - start;
  }

  void process_line(std::string_view line) {
    line_ = line;
    offset_ = first_nonspace_ = 0;
    column_ = first_nonspace_column_ = indent_ = 0;
    blank_ = partially_consumed_tab_ = false;
    ++line_number_;
    bool all_matched = false;
    int last_matched = check_open_blocks(all_matched);
    if (last_matched < 0) return;
    int container = last_matched;
    open_new_blocks(container, all_matched);
    add_text_to_container(container, last_matched);
  }

  int check_open_blocks(bool& all_matched) {
    int c = 0;
    bool keep_going = true;
    all_matched = false;
    for (;;) {
      int last = b_[c].last_child;
      if (last == -1 || !b_[last].open) {
        all_matched = true;
        break;
      }
      c = last;
      find_first_nonspace();
      bool matched = true;
      switch (b_[c].kind) {
        case block_kind::quote:
          matched = indent_ <= 3 && peek(first_nonspace_) == '>';
          if (matched) {
            advance(static_cast<std::size_t>(indent_) + 1, true);
            if (is_space_or_tab(peek(offset_))) advance(1, true);
          }
          break;
        case block_kind::item:
          if (indent_ >= b_[c].marker_offset + b_[c].padding) {
            advance(static_cast<std::size_t>(b_[c].marker_offset + b_[c].padding), true);
          } else if (blank_ && b_[c].first_child != -1) {
            advance(first_nonspace_ - offset_, false);
          } else {
            matched = false;
          }
          break;
        case block_kind::fenced: {
          std::size_t n = 0;
          if (indent_ <= 3 && peek(first_nonspace_) == b_[c].fence_char)
            n = close_fence(first_nonspace_, b_[c].fence_char);
          if (n >= static_cast<std::size_t>(b_[c].fence_length)) {
            keep_going = false;
            current_ = finalize(c);
            matched = false;
          } else {
            for (int i = b_[c].fence_offset; i > 0 && is_space_or_tab(peek(offset_)); --i) advance(1, true);
          }
          break;
        }
        case block_kind::indented:
          if (indent_ >= code_indent) advance(code_indent, true);
          else if (blank_) advance(first_nonspace_ - offset_, false);
          else matched = false;
          break;
        case block_kind::paragraph: matched = !blank_; break;
        case block_kind::rule: matched = false; break;
        default: break;
      }
      if (!matched) break;
    }
    if (!all_matched) c = b_[c].parent;
    return keep_going ? c : -1;
  }

  void open_new_blocks(int& container, bool all_matched) {
    bool maybe_lazy = b_[current_].kind == block_kind::paragraph;
    block_kind ct = b_[container].kind;
    while (ct != block_kind::fenced && ct != block_kind::indented) {
      find_first_nonspace();
      bool indented = indent_ >= code_indent;
      char c = peek(first_nonspace_);
      bool room = b_[container].depth < limits::max_markup_nesting;
      std::size_t n = 0;
      list_marker m;
      if (!indented && c == '>' && room) {
        advance(first_nonspace_ + 1 - offset_, false);
        if (is_space_or_tab(peek(offset_))) advance(1, true);
        container = add_child(container, block_kind::quote);
      } else if (!indented && (n = open_fence(first_nonspace_)) != 0) {
        int fence_offset = static_cast<int>(first_nonspace_ - offset_);
        container = add_child(container, block_kind::fenced);
        b_[container].fence_char = c;
        b_[container].fence_length = static_cast<int>(n);
        b_[container].fence_offset = fence_offset;
        advance(first_nonspace_ + n - offset_, false);
      } else if (!indented && !(ct == block_kind::paragraph && !all_matched) && thematic_break(first_nonspace_)) {
        container = add_child(container, block_kind::rule);
        advance(line_.size() - offset_, false);
      } else if (indent_ < code_indent && room &&
                 (n = parse_list_marker(first_nonspace_, ct == block_kind::paragraph, m)) != 0) {
        advance(first_nonspace_ + n - offset_, false);
        bool saved_tab = partially_consumed_tab_;
        std::size_t saved_offset = offset_;
        int saved_column = column_;
        while (column_ - saved_column <= 5 && is_space_or_tab(peek(offset_))) advance(1, true);
        int spaces = column_ - saved_column;
        int padding;
        if (spaces >= 5 || spaces < 1 || peek(offset_) == '\n') {
          padding = static_cast<int>(n) + 1;
          offset_ = saved_offset;
          column_ = saved_column;
          partially_consumed_tab_ = saved_tab;
          if (spaces > 0) advance(1, true);
        } else {
          padding = static_cast<int>(n) + spaces;
        }
        if (ct != block_kind::list || b_[container].ordered != m.ordered || b_[container].marker != m.marker) {
          container = add_child(container, block_kind::list);
          b_[container].ordered = m.ordered;
          b_[container].marker = m.marker;
          b_[container].start = m.start;
        }
        int marker_offset = indent_;
        container = add_child(container, block_kind::item);
        b_[container].marker_offset = marker_offset;
        b_[container].padding = padding;
      } else if (indented && !maybe_lazy && !blank_) {
        advance(code_indent, true);
        container = add_child(container, block_kind::indented);
      } else {
        break;
      }
      ct = b_[container].kind;
      if (accepts_lines(ct) || ct == block_kind::rule) break;
      maybe_lazy = false;
    }
  }

  void add_text_to_container(int container, int last_matched) {
    find_first_nonspace();
    if (blank_ && b_[container].last_child != -1) b_[b_[container].last_child].last_line_blank = true;
    block_kind ct = b_[container].kind;
    b_[container].last_line_blank = blank_ && ct != block_kind::quote && ct != block_kind::rule &&
                                    ct != block_kind::fenced &&
                                    !(ct == block_kind::item && b_[container].first_child == -1 &&
                                      b_[container].start_line == line_number_);
    for (int t = container; b_[t].parent != -1; t = b_[t].parent) b_[b_[t].parent].last_line_blank = false;

    if (current_ != last_matched && container == last_matched && !blank_ && b_[current_].kind == block_kind::paragraph) {
      // A lazy continuation line: a paragraph line like any other, so its leading spaces go
      // (spec 4.8, "removing initial and final spaces or tabs"); a code span across it keeps
      // none of them.
      advance(first_nonspace_ - offset_, false);
      add_line(current_);
      return;
    }
    while (current_ != last_matched) current_ = finalize(current_);
    if (ct == block_kind::fenced || ct == block_kind::indented) {
      add_line(container);
    } else if (blank_ || ct == block_kind::rule) {
      // nothing to add
    } else if (ct == block_kind::paragraph) {
      advance(first_nonspace_ - offset_, false);
      add_line(container);
    } else {
      container = add_child(container, block_kind::paragraph);
      advance(first_nonspace_ - offset_, false);
      add_line(container);
    }
    current_ = container;
  }
};

struct markup_scratch {
  std::vector<block> blocks;
  std::string arena;
  scratch inlines;
};

inline void render_paragraph(std::string& out, std::string_view text, scratch& sc) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n')) text.remove_suffix(1);
  inline_parser p(text, sc);
  p.parse();
  p.render(out);
}

inline void render_blocks(std::string& out, markup_scratch& m) {
  const std::vector<block>& b = m.blocks;
  const std::string& arena = m.arena;
  std::size_t first = out.size();
  auto cr = [&] {
    if (out.size() > first && out.back() != '\n') out += '\n';
  };
  auto in_tight_list = [&](int n) {
    int item = b[n].parent;
    int list = item != -1 ? b[item].parent : -1;
    return list != -1 && b[item].kind == block_kind::item && b[list].kind == block_kind::list && b[list].tight;
  };
  auto enter = [&](int n) {
    const block& x = b[n];
    switch (x.kind) {
      case block_kind::quote:
        cr();
        out += "<blockquote>\n";
        break;
      case block_kind::list:
        cr();
        if (!x.ordered) {
          out += "<ul>\n";
        } else if (x.start == 1) {
          out += "<ol>\n";
        } else {
          out += "<ol start=\"";
          append_decimal(out, x.start);
          out += "\">\n";
        }
        break;
      case block_kind::item:
        cr();
        out += "<li>";
        break;
      case block_kind::paragraph: {
        bool tight = in_tight_list(n);
        if (!tight) {
          cr();
          out += "<p>";
        }
        render_paragraph(out, std::string_view(arena).substr(x.content_begin, x.content_end - x.content_begin),
                         m.inlines);
        if (!tight) out += "</p>\n";
        break;
      }
      case block_kind::fenced:
      case block_kind::indented: {
        cr();
        out += "<pre><code";
        if (x.kind == block_kind::fenced) {
          std::string_view info = std::string_view(arena).substr(x.info_begin, x.info_end - x.info_begin);
          while (!info.empty() && is_space_or_tab(info.front())) info.remove_prefix(1);
          // The language is the first word of the info string once its escapes and character
          // references are decoded (as cmark and commonmark.js cut it, at a space or a control
          // character here): "x&#32;avatar" is the word "x", never a second class on the element.
          std::string& tmp = m.inlines.buf;
          tmp.clear();
          append_unescaped(tmp, info);
          std::size_t word = 0;
          while (word < tmp.size() && static_cast<unsigned char>(tmp[word]) > ' ') ++word;
          if (word) {
            tmp.resize(word);
            out += " class=\"language-";
            append_escaped(out, tmp);
            out += '"';
          }
        }
        out += '>';
        append_escaped(out, std::string_view(arena).substr(x.content_begin, x.content_end - x.content_begin));
        out += "</code></pre>\n";
        break;
      }
      case block_kind::rule:
        cr();
        out += "<hr />\n";
        break;
      default: break;
    }
  };
  auto leave = [&](int n) {
    switch (b[n].kind) {
      case block_kind::quote:
        cr();
        out += "</blockquote>\n";
        break;
      case block_kind::list:
        cr();
        out += b[n].ordered ? "</ol>\n" : "</ul>\n";
        break;
      case block_kind::item: out += "</li>\n"; break;
      default: break;
    }
  };
  // Depth-first walk with parent links: no recursion, whatever the nesting.
  int n = b[0].first_child;
  while (n != -1) {
    enter(n);
    if (b[n].first_child != -1 && is_container_kind(b[n].kind)) {
      n = b[n].first_child;
      continue;
    }
    leave(n);
    while (n != -1 && b[n].next == -1) {
      n = b[n].parent;
      if (n <= 0) {
        n = -1;
        break;
      }
      leave(n);
    }
    if (n != -1) n = b[n].next;
  }
}

}  // namespace detail::md
COLLOQUY_SMALL_END

// Appends `text` (comment markup) as HTML. Never throws on any input; the output only ever
// contains p, br, em, strong, code, pre, blockquote, ul, ol (start), li, hr and
// a (href passing is_safe_url, rel="nofollow ugc noopener", title), code (class="language-…").
namespace detail::md {
// The bytes append_plain_paragraphs must look at, eight at a time (see swar in escape.hpp):
// controls (line ends included) and DEL, the markup bytes \ ` * _ [ ] ! ~ # = | :, the escaped
// & < > " ', '.' ("www.") and '@'. Whole ranges are cheaper to test than single bytes, so the
// harmless $ % ( ) ; ? ^ { } Z z come along and are copied as they are.
inline std::uint64_t plain_mask(std::uint64_t w) {
  using namespace swar;
  const std::uint64_t y = w & bytes(0x7F);
  // Below '0': controls, '!' to '*' and '.', but not the space.
  const std::uint64_t low = (~(y + bytes(0x80 - '+')) | equal(y, '.')) & ~equal(y, ' ');
  // From '0' up, the punctuation ends each row of 32 bytes counted from 0x21 (":;<=>?@", "[\]^_`",
  // "{|}~" and DEL): its low five bits minus one are 0x19 or more, as for no digit or letter but 'Z'
  // and 'z'.
  const std::uint64_t high = (((y + bytes(0x1F)) & bytes(0x1F)) + bytes(0x80 - 0x19)) & (y + bytes(0x80 - '0'));
  return (low | high) & ~w & highs;
}

// The common case, fast: text in which no markup can start is only paragraphs of escaped lines.
// Appends them and returns true, or returns false (leaving `out` as it was) as soon as a byte or
// a line start could begin a construct; the full parser then decides. It must give exactly what
// the parser gives (a test and the markup fuzzer check it), so it is conservative: no markup
// punctuation, no ':' (autolinks) or "www.", no controls or tabs, no line indented 4+ spaces or
// starting with a list marker, digit, '<' or '>', no 2+ trailing spaces (a hard break). '&' is
// allowed where no reference can follow it; '<' mid-line where it can only be literal or raw
// HTML (which is shown escaped either way): with no '@' (email autolinks) in the text and no
// trailing spaces (raw HTML spanning lines keeps them).
// One pass, written straight into `out`: eight bytes are copied at a time and only the bytes
// plain_mask flags are looked at one by one.
inline bool append_plain_paragraphs(std::string& out, std::string_view text) {
  const char* const s = text.data();
  const std::size_t n = text.size();
  const std::size_t start = out.size();
  // Room for the text and some tags and escapes; `room` makes more when they need it. Besides
  // what is yet to be written, there is always room for the rest of the text plus one 8-byte
  // store, so copying a word (output never longer than input) needs no check. (Positions go in
  // and out by value so that the write pointer stays in a register.)
  out.resize(start + n + n / 8 + 64);
  char* p = out.data() + start;
  auto room = [&out, n](char* at, std::size_t i, std::size_t extra) {
    const std::size_t need = (n - i) + extra + 8;
    const std::size_t used = std::size_t(at - out.data());
    if (out.size() - used < need) out.resize(used + need + need / 2);
    return out.data() + used;
  };
  auto put = [](char* at, std::string_view v) {
    std::memcpy(at, v.data(), v.size());
    return at + v.size();
  };
  auto fail = [&out, start] {
    out.resize(start);
    return false;
  };
  using namespace std::string_view_literals;
  bool open = false;            // inside a paragraph
  bool less_than = false;       // a '<' somewhere
  bool at_sign = false;         // an '@' somewhere
  bool trailing_space = false;  // a line ending in one space somewhere
  std::size_t i = 0;
  for (;;) {
    // A line starts at s[i].
    std::size_t indent = 0;
    for (; i < n && s[i] == ' '; ++i) ++indent;
    if (i == n || s[i] == '\n') {  // blank: ends the paragraph
      if (open) {
        p = put(room(p, i, 5), "</p>\n"sv);
        open = false;
      }
      if (i == n) break;
      ++i;
      continue;
    }
    const char first = s[i];
    if (indent >= 4 || first == '-' || first == '+' || first == '<' || first == '>' || is_digit(first)) return fail();
    p = room(p, i, 3);
    if (open) *p++ = '\n';
    else p = put(p, "<p>"sv);
    open = true;
    // The rest of the line: copy words up to the next flagged byte, then deal with that byte.
    for (;;) {
      std::uint64_t w;
      std::size_t k = n - i;
      if (k >= 8) {
        w = swar::load(s + i);
        k = 8;
      } else {
        char tail[8] = {'a', 'a', 'a', 'a', 'a', 'a', 'a', 'a'};  // padding plain_mask never flags
        std::memcpy(tail, s + i, k);
        w = swar::load(tail);
      }
      const std::uint64_t m = plain_mask(w);
      swar::store(p, w);  // only the bytes before the first flagged one are kept
      if (m != 0) k = swar::first_byte(m);
      p += k;
      i += k;
      if (m == 0) {
        if (i == n) break;
        continue;
      }
      const char c = s[i];
      if (c == '\n') break;
      const char* rep;  // the entity, padded to 8 bytes: one store, the padding is overwritten later
      std::size_t rep_size;
      switch (c) {
        case '&':
          if (i + 1 < n && (s[i + 1] == '#' || is_alnum(s[i + 1]))) return fail();  // a reference
          rep = "&amp;\0\0", rep_size = 5;
          break;
        case '<':
          less_than = true;
          rep = "&lt;\0\0\0", rep_size = 4;
          break;
        case '>': rep = "&gt;\0\0\0", rep_size = 4; break;
        case '"': rep = "&quot;\0", rep_size = 6; break;
        case '\'': rep = "&#39;\0\0", rep_size = 5; break;
        case '.':  // "www." begins a bare link in any letter case ("WWW.example.com")
          if (i >= 3 && (s[i - 1] | 0x20) == 'w' && (s[i - 2] | 0x20) == 'w' && (s[i - 3] | 0x20) == 'w') return fail();
          ++p, ++i;  // already copied
          continue;
        case '@':
          at_sign = true;
          ++p, ++i;
          continue;
        case '$':
        case '%':
        case '(':
        case ')':
        case ';':
        case '?':
        case '^':
        case '{':
        case '}':
        case 'Z':
        case 'z': ++p, ++i; continue;
        default:  // controls, DEL and the bytes that may begin markup
          return fail();
      }
      p = room(p, i, 8);
      std::memcpy(p, rep, 8);
      p += rep_size;
      ++i;
    }
    // The line ends at s[i] ('\n' or the end). Its first byte is not a space, so the loop stops
    // inside the line.
    std::size_t trailing = 0;
    for (; p[-1] == ' '; --p) ++trailing;
    if (trailing >= 2) return fail();  // a hard break
    if (trailing) trailing_space = true;
    if (i == n) break;
    ++i;
  }
  if (open) { p = put(room(p, n, 5), "</p>\n"sv); }
  // '<' may open raw HTML, which keeps trailing spaces across lines, or an email autolink.
  if (less_than && (at_sign || trailing_space)) return fail();
  out.resize(std::size_t(p - out.data()));
  return true;
}

COLLOQUY_COLD_BEGIN
// The full parser (block structure, then inlines), for any text.
inline void append_parsed_html(std::string& out, std::string_view text) {
  // Scratch space reused across calls (the core is single-threaded per instance; thread_local
  // keeps native multi-threaded callers safe). It keeps its capacity, so formatting 100,000
  // comments allocates only while the largest comment so far grows it.
  static thread_local detail::md::markup_scratch scratch;
  detail::md::block_parser parser(scratch.blocks, scratch.arena);
  parser.run(text);
  detail::md::render_blocks(out, scratch);
  // An unusually large comment (only direct callers can pass one: read.hpp caps text at
  // limits::max_text_bytes) does not get to pin its buffers for the life of the instance.
  if (scratch.arena.capacity() > (1u << 20) || scratch.inlines.nodes.capacity() > (1u << 16)) scratch = {};
}
COLLOQUY_COLD_END
}  // namespace detail::md

inline void append_markup_html(std::string& out, std::string_view text) {
  if (!detail::md::append_plain_paragraphs(out, text)) detail::md::append_parsed_html(out, text);
}

}  // namespace colloquy
