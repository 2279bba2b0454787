// An HTML allowlist checker for the core's output: the oracle of the XSS tests and the fuzzer.
// It is deliberately strict and independent of the code it checks (its own tokenizer and URL
// reading; only the named-entity table is shared data). Header-only, no doctest, so the libFuzzer
// target can use it too.
//
//   if (auto why = colloquy::test::allowlist_violation(html)) FAIL(*why);
//   // *why reads like: "element <script> is not allowed at byte 120: …<script>alert(1)…"
//
// What it accepts, and nothing else:
// - elements and attributes listed in the allowlist (default: what the markup formatter and the
//   comments renderer emit), lowercase, attribute values double-quoted, no duplicates;
// - text and attribute values whose every '&' starts a well-formed character reference and
//   which contain no raw '<' (attribute values no raw '"' either);
// - URL attributes (href, src, …) whose value, decoded and read the way a browser reads a scheme
//   (leading C0 controls and spaces skipped, tabs and newlines ignored, case folded), is
//   relative or has an allowed scheme (http, https, mailto);
// - required attribute values (every <a> carries rel="nofollow ugc noopener");
// - balanced tags: every element closed in order, void elements (br, hr) never closed.
// Comments, doctypes, processing instructions and CDATA are violations.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/entities.hpp"

namespace colloquy::test {

struct allowlist {
  std::map<std::string, std::set<std::string>, std::less<>> elements;  // element -> attributes
  std::set<std::string, std::less<>> void_elements{"br", "hr"};
  std::set<std::string, std::less<>> url_attributes{"href",       "src",    "action", "formaction",
                                                    "xlink:href", "poster", "srcset"};
  std::set<std::string, std::less<>> url_schemes{"http", "https", "mailto"};
  // element -> {attribute, exact value} that must be present.
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> required;
};

// What append_markup_html may emit.
inline const allowlist& markup_allowlist() {
  static const allowlist a = [] {
    allowlist x;
    for (const char* e : {"p", "br", "em", "strong", "pre", "blockquote", "ul", "li", "hr"}) x.elements[e];
    x.elements["code"] = {"class"};
    x.elements["ol"] = {"start"};
    x.elements["a"] = {"href", "rel", "title"};
    x.required["a"] = {"rel", "nofollow ugc noopener"};
    return x;
  }();
  return a;
}

// What render_comments may emit: the formatter's elements plus the renderer's (DESIGN §7).
inline const allowlist& comments_allowlist() {
  static const allowlist a = [] {
    allowlist x = markup_allowlist();
    // The accessible structure: a named region holding a role=feed of named articles.
    x.elements["section"] = {"class", "part", "lang", "dir", "aria-labelledby"};
    x.elements["header"] = {"class"};
    x.elements["h2"] = {"class", "id"};
    x.elements["label"] = {"class"};
    x.elements["select"] = {"name", "class"};
    x.elements["option"] = {"value", "selected"};
    // A comment is a div with role=article (render.hpp: markup Chromium's fast-path parser takes).
    x.elements["div"] = {"class",      "role",         "aria-labelledby", "part",          "id",           "data-id",
                         "data-depth", "data-replies", "data-reply-to",   "aria-posinset", "aria-setsize", "aria-label",
                         "dir"};
    x.elements["p"] = {"class"};
    // The dates (data-datetime), the avatar (avatar.hpp: classes the stylesheet draws, no URL,
    // no style) and an author's name and place, each isolated in its byline (dir, format.hpp).
    x.elements["span"] = {"class", "data-datetime", "aria-hidden", "dir"};
    x.elements["button"] = {"type",      "class",     "data-action",  "data-id",
                            "data-next", "data-vote", "aria-pressed", "aria-label"};
    x.elements["a"] = {"href", "rel", "title", "class"};
    return x;
  }();
  return a;
}

// What render_stories may emit (Latest Stories cards, DESIGN §5 and §7).
inline const allowlist& stories_allowlist() {
  static const allowlist a = [] {
    allowlist x;
    x.void_elements.insert("img");
    x.elements["section"] = {"class", "part"};
    x.elements["h2"] = {};
    x.elements["article"] = {"class"};
    x.elements["time"] = {"datetime"};
    x.elements["h3"] = {"dir"};
    x.elements["p"] = {"dir"};
    x.elements["a"] = {"href", "class"};
    x.elements["img"] = {"src", "alt", "loading", "decoding", "width", "height"};
    x.url_schemes = {"http", "https"};  // story links and images: absolute http(s) only
    return x;
  }();
  return a;
}

namespace detail {

inline bool is_lower_name_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

inline void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += char(cp);
    return;
  }
  if (cp < 0x800) {
    out += char(0xC0 | (cp >> 6));
    out += char(0x80 | (cp & 0x3F));
    return;
  }
  if (cp < 0x10000) {
    out += char(0xE0 | (cp >> 12));
    out += char(0x80 | ((cp >> 6) & 0x3F));
    out += char(0x80 | (cp & 0x3F));
    return;
  }
  out += char(0xF0 | (cp >> 18));
  out += char(0x80 | ((cp >> 12) & 0x3F));
  out += char(0x80 | ((cp >> 6) & 0x3F));
  out += char(0x80 | (cp & 0x3F));
}

// Decodes the character reference at s[i] == '&' into `out`; returns its length, 0 if malformed.
inline std::size_t read_reference(std::string_view s, std::size_t i, std::string& out) {
  std::size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    std::size_t start = j;
    std::uint64_t cp = 0;
    while (j < s.size() && j - start < 8) {
      char c = s[j];
      int d = (c >= '0' && c <= '9')                          ? c - '0'
              : hex && (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                              : -1;
      if (d < 0) break;
      cp = cp * (hex ? 16 : 10) + std::uint64_t(d);
      ++j;
    }
    if (j == start || j >= s.size() || s[j] != ';') return 0;
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
    put_utf8(out, std::uint32_t(cp));
    return j + 1 - i;
  }
  std::size_t start = j;
  while (j < s.size() && j - start <= 40 &&
         ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9')))
    ++j;
  if (j == start || j >= s.size() || s[j] != ';') return 0;
  auto v = colloquy::detail::find_entity(s.substr(start, j - start));
  if (!v) return 0;
  out += *v;
  return j + 1 - i;
}

inline std::string context(std::string_view html, std::size_t at) {
  std::size_t from = at > 40 ? at - 40 : 0;
  return " at byte " + std::to_string(at) + ": …" + std::string(html.substr(from, 100)) + "…";
}

// The scheme of a decoded URL as a browser reads it, lowercased; empty when it is relative.
// A URL whose scheme part holds characters no scheme may have is reported as "(malformed)".
inline std::string url_scheme(std::string_view url) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  for (; i < url.size(); ++i) {
    char c = url[i];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') return scheme.empty() ? "(malformed)" : scheme;
    if (c == '/' || c == '?' || c == '#') return "";
    scheme += (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
  }
  return "";
}

}  // namespace detail

// Why `html` is not acceptable under `rules`, or nullopt when it is.
inline std::optional<std::string> allowlist_violation(std::string_view html,
                                                      const allowlist& rules = comments_allowlist()) {
  std::vector<std::string> open;
  std::string decoded;
  std::size_t i = 0;
  auto check_text = [&](std::size_t from, std::size_t to) -> std::optional<std::string> {
    for (std::size_t k = from; k < to; ++k) {
      if (html[k] != '&') continue;
      decoded.clear();
      if (detail::read_reference(html, k, decoded) == 0)
        return "malformed character reference" + detail::context(html, k);
    }
    return std::nullopt;
  };
  while (i < html.size()) {
    std::size_t lt = html.find('<', i);
    if (lt == std::string_view::npos) lt = html.size();
    if (auto why = check_text(i, lt)) return why;
    if (lt == html.size()) break;
    std::size_t k = lt + 1;
    bool closing = k < html.size() && html[k] == '/';
    if (closing) ++k;
    std::size_t name_start = k;
    if (k >= html.size() || !(html[k] >= 'a' && html[k] <= 'z'))
      return "'<' that does not start a plain tag" + detail::context(html, lt);
    while (k < html.size() && detail::is_lower_name_char(html[k])) ++k;
    std::string name(html.substr(name_start, k - name_start));
    auto element = rules.elements.find(name);
    if (element == rules.elements.end()) return "element <" + name + "> is not allowed" + detail::context(html, lt);
    bool is_void = rules.void_elements.count(name) != 0;
    if (closing) {
      if (k >= html.size() || html[k] != '>') return "malformed end tag" + detail::context(html, lt);
      if (is_void) return "end tag of void element </" + name + ">" + detail::context(html, lt);
      if (open.empty() || open.back() != name) return "unbalanced </" + name + ">" + detail::context(html, lt);
      open.pop_back();
      i = k + 1;
      continue;
    }
    std::set<std::string, std::less<>> seen;
    auto required = rules.required.find(name);
    bool required_ok = required == rules.required.end();
    for (;;) {
      if (k >= html.size()) return "unterminated tag" + detail::context(html, lt);
      if (html[k] == '>') {
        ++k;
        break;
      }
      if (is_void && html.substr(k, 3) == " />") {
        k += 3;
        break;
      }
      if (html[k] != ' ') return "unexpected character in tag" + detail::context(html, k);
      ++k;
      std::size_t a = k;
      while (k < html.size() && (detail::is_lower_name_char(html[k]) || html[k] == ':')) ++k;
      std::string attr(html.substr(a, k - a));
      if (attr.empty()) return "malformed attribute" + detail::context(html, a);
      if (attr.size() > 2 && attr[0] == 'o' && attr[1] == 'n')
        return "event handler attribute " + attr + detail::context(html, a);
      if (!element->second.count(attr))
        return "attribute " + attr + " is not allowed on <" + name + ">" + detail::context(html, a);
      if (!seen.insert(attr).second) return "duplicate attribute " + attr + detail::context(html, a);
      std::string value;
      if (k < html.size() && html[k] == '=') {
        if (k + 1 >= html.size() || html[k + 1] != '"')
          return "attribute value not double-quoted" + detail::context(html, k);
        std::size_t v = k + 2;
        std::size_t end = html.find('"', v);
        if (end == std::string_view::npos) return "unterminated attribute value" + detail::context(html, v);
        std::string_view raw = html.substr(v, end - v);
        if (raw.find('<') != std::string_view::npos) return "raw '<' in attribute value" + detail::context(html, v);
        for (std::size_t r = 0; r < raw.size();) {
          if (raw[r] != '&') {
            value += raw[r++];
            continue;
          }
          std::size_t n = detail::read_reference(raw, r, value);
          if (n == 0) return "malformed character reference in attribute" + detail::context(html, v + r);
          r += n;
        }
        k = end + 1;
      }
      if (rules.url_attributes.count(attr)) {
        std::string scheme = detail::url_scheme(value);
        if (!scheme.empty() && !rules.url_schemes.count(scheme))
          return "URL with scheme '" + scheme + "' in " + attr + detail::context(html, a);
      }
      if (!required_ok && attr == required->second.first) {
        if (value != required->second.second)
          return attr + " must be \"" + required->second.second + "\"" + detail::context(html, a);
        required_ok = true;
      }
    }
    if (!required_ok) return "<" + name + "> without " + required->second.first + detail::context(html, lt);
    if (!is_void) open.push_back(name);
    i = k;
  }
  if (!open.empty()) return "unclosed <" + open.back() + "> at end (" + std::to_string(open.size()) + " open)";
  return std::nullopt;
}

}  // namespace colloquy::test
