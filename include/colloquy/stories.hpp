// Latest Stories: a JSON Feed (DESIGN §5) in, story cards out.
//
//   auto feed = colloquy::read_feed(json_feed_text);      // feed.ok, feed.items, feed.problems
//   std::string html;
//   colloquy::render_stories_html(html, feed.items, {});  // newest 3, cut at ~130 characters
//
// The core reads JSON Feed 1.0 and 1.1. RSS and Atom are mapped to JSON Feed items by the loader
// (web/colloquy.js, with the browser's XML parser) and arrive here with their fields untouched:
// every policy (dates, HTML to text, URL policy, sorting, duplicates, cutting) is in this file.
#pragma once
#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "colloquy/date.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/json_reader.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/read.hpp"
#include "colloquy/references.hpp"
#include "colloquy/unicode.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy {

namespace limits {
// A blog's feed is tens of KB; the largest real feed we test is 444 KB. 8 MB bounds the work
// while leaving room for feeds that embed whole articles.
inline constexpr std::size_t max_feed_bytes = 8u << 20;
// Text kept per summary or title, in bytes: the cut happens at 2,000 characters at most (the
// widest summaryLength), so 8 KB of UTF-8 always suffices, and a 400 KB content_html is never
// converted in full.
inline constexpr std::size_t max_story_text_bytes = 8192;
// How far past the configured length the cut may look for a space before it gives up on the
// word (a very long word, or a script written without spaces).
inline constexpr std::size_t max_cut_overrun = 30;
}  // namespace limits

struct story {
  std::string id, url, title;  // title is plain text
  // As the feed wrote it: plain text, or HTML when summary_is_html. Reduced to text only for the
  // cards shown (see story_summary_text), so a feed of long articles costs little.
  std::string summary;
  bool summary_is_html = false;
  std::string image;                 // an http(s) URL or empty
  std::optional<int64_t> published;  // ms since the epoch; none: shown undated, sorted last
  std::size_t index = 0;             // position in the feed
};

struct feed_result {
  bool ok = false;
  problem error;             // when !ok: not_json, not_feed, feed_is_xml, feed_is_html, ...
  std::vector<story> items;  // usable items, in feed order
  problem_list problems;     // items skipped (no usable link) or repaired (bad date, image)
};

struct stories_options {
  const locale_data* locale = &locale_en;
  std::size_t count = 3;             // cards shown
  std::size_t summary_length = 130;  // characters before the cut (at the next word boundary)
  std::string exclude_url;           // the current page: never a card of itself
  time_zone zone;
  // Images are shown at the card's width; these attributes only give the browser the aspect
  // ratio to reserve, so nothing moves when the image arrives.
  int image_width = 640, image_height = 360;
};

// --- Dates -------------------------------------------------------------------------------

// Parses an RFC 822 / RFC 2822 date as RSS writes them: "Mon, 07 Mar 2011 15:00:00 -0500",
// "7 Mar 11 15:00 EST", "Sat, 07 May 2016 23:53:30 GMT". The day name is optional, 2-digit
// years follow RFC 2822 §4.3 (< 50: 20xx), the seconds and zone are optional (no zone: UTC), and
// an unknown alphabetic zone counts as UTC, as §4.3 says. A trailing "(comment)" is allowed.
inline std::optional<int64_t> parse_rfc822(std::string_view s) {
  std::size_t p = 0;
  auto skip_space = [&] {
    while (p < s.size() && (s[p] == ' ' || s[p] == '\t' || s[p] == '\r' || s[p] == '\n')) ++p;
  };
  auto word = [&] {
    std::size_t start = p;
    while (p < s.size() && detail::is_ascii_alpha(s[p])) ++p;
    return s.substr(start, p - start);
  };
  auto number = [&](std::size_t min_digits, std::size_t max_digits, int& value) {
    std::size_t start = p;
    int v = 0;
    while (p < s.size() && p - start < max_digits && s[p] >= '0' && s[p] <= '9') v = v * 10 + (s[p++] - '0');
    value = v;
    return p - start >= min_digits && !(p < s.size() && s[p] >= '0' && s[p] <= '9');
  };
  auto lower_equals = [](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (detail::ascii_lower(a[i]) != b[i]) return false;
    return true;
  };
  skip_space();
  if (p < s.size() && detail::is_ascii_alpha(s[p])) {  // day of week
    word();
    if (p < s.size() && s[p] == ',') ++p;
    skip_space();
  }
  int day, year, hour = 0, minute = 0, second = 0;
  if (!number(1, 2, day)) return std::nullopt;
  skip_space();
  if (p < s.size() && s[p] == '-') ++p;  // "07-Mar-2011" (RFC 850 style)
  std::string_view month_name = word();
  if (month_name.size() < 3) return std::nullopt;
  static constexpr std::array<std::string_view, 12> months = {"jan", "feb", "mar", "apr", "may", "jun",
                                                              "jul", "aug", "sep", "oct", "nov", "dec"};
  int month = 0;
  for (std::size_t i = 0; i < 12; ++i)
    if (lower_equals(month_name.substr(0, 3), months[i])) month = int(i) + 1;
  if (!month) return std::nullopt;
  skip_space();
  if (p < s.size() && s[p] == '-') ++p;
  std::size_t year_start = p;
  if (!number(2, 4, year)) return std::nullopt;
  std::size_t year_digits = p - year_start;
  if (year_digits == 2) year += year < 50 ? 2000 : 1900;
  else if (year_digits == 3) year += 1900;
  if (year < 1 || day < 1 || day > detail::days_in_month(year, month)) return std::nullopt;
  skip_space();
  int offset_min = 0;
  if (p < s.size() && s[p] >= '0' && s[p] <= '9') {
    if (!number(1, 2, hour) || p >= s.size() || s[p] != ':') return std::nullopt;
    ++p;
    if (!number(2, 2, minute)) return std::nullopt;
    if (p < s.size() && s[p] == ':') {
      ++p;
      if (!number(2, 2, second)) return std::nullopt;
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (second == 60) second = 59;  // a leap second, folded as the ISO reader does
    skip_space();
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
      bool minus = s[p++] == '-';
      int oh, om;
      if (!detail::digits(s, p, 2, oh)) return std::nullopt;
      p += 2;
      if (p < s.size() && s[p] == ':') ++p;
      if (!detail::digits(s, p, 2, om) || oh > 23 || om > 59) return std::nullopt;
      p += 2;
      offset_min = (oh * 60 + om) * (minus ? -1 : 1);
    } else if (p < s.size() && detail::is_ascii_alpha(s[p])) {
      std::string_view zone = word();
      static constexpr std::pair<std::string_view, int> zones[] = {
          {"ut", 0},     {"gmt", 0},    {"utc", 0},    {"z", 0},      {"est", -300}, {"edt", -240},
          {"cst", -360}, {"cdt", -300}, {"mst", -420}, {"mdt", -360}, {"pst", -480}, {"pdt", -420}};
      for (const auto& [name, minutes] : zones)
        if (lower_equals(zone, name)) offset_min = minutes;
    }
  }
  skip_space();
  if (p < s.size() && s[p] == '(') {  // "+0000 (UTC)"
    auto close = s.find(')', p);
    if (close == std::string_view::npos) return std::nullopt;
    p = close + 1;
    skip_space();
  }
  if (p != s.size()) return std::nullopt;
  int64_t days = detail::days_from_civil(year, unsigned(month), unsigned(day));
  return (((days * 24 + hour) * 60 + minute - offset_min) * 60 + second) * 1000;
}

// A feed date: ISO 8601 (JSON Feed, Atom, dc:date) or RFC 822 (RSS pubDate), spaces trimmed.
inline std::optional<int64_t> parse_feed_date(std::string_view s) {
  s = trimmed(s);
  if (auto t = parse_iso8601(s)) return t;
  return parse_rfc822(s);
}

namespace detail {

// --- Text ----------------------------------------------------------------------------------

// Decodes the character reference at s[i] == '&' by HTML's rules (references.hpp); on success
// appends the character, advances `i` past the reference and returns true.
inline bool decode_entity(std::string_view s, std::size_t& i, std::string& out) {
  const std::size_t n = decode_reference(s, i, out, reference_rules::html);
  i += n;
  return n != 0;
}

// Builds one line of plain text: runs of white space become one space, none at either end,
// and it stops growing at `limit` bytes (on a character boundary).
struct text_builder {
  std::string out;
  std::size_t limit;
  bool pending_space = false;
  explicit text_builder(std::size_t max_bytes) : limit(max_bytes) {}
  bool full() const { return out.size() >= limit; }
  void space() { pending_space = !out.empty(); }
  void add(std::string_view piece) {
    for (std::size_t i = 0; i < piece.size() && !full(); ++i) {
      unsigned char c = static_cast<unsigned char>(piece[i]);
      // White space, and the no-break space a decoded &nbsp; gives (it only keeps words apart).
      bool nbsp = c == 0xC2 && i + 1 < piece.size() && static_cast<unsigned char>(piece[i + 1]) == 0xA0;
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || nbsp) {
        if (nbsp) ++i;
        space();
        continue;
      }
      if (c < 0x20 || c == 0x7F) continue;  // other controls carry nothing readable
      if ((c & 0xC0) != 0x80) {
        if (out.size() + 5 > limit) {  // whole characters only: stop before one that may not fit
          limit = out.size();
          return;
        }
        if (pending_space) out += ' ';
        pending_space = false;
      }
      out += char(c);
    }
  }
};

// Plain text (a JSON Feed `summary`, `content_text` or `title`): character references decoded
// (real feeds write "Apple&#8217;s" in plain fields), anything that looks like a tag kept as
// text ("Die Rückkehr von <i> und <b>" is a real title about those tags).
inline std::string plain_to_text(std::string_view text, std::size_t max_bytes = limits::max_story_text_bytes) {
  text_builder b(max_bytes);
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size() && !b.full();) {
    if (text[i] != '&') {
      ++i;
      continue;
    }
    b.add(text.substr(run, i - run));
    std::string decoded;
    if (decode_entity(text, i, decoded)) b.add(decoded);
    else b.add(text.substr(i++, 1));
    run = i;
  }
  if (!b.full() && run < text.size()) b.add(text.substr(run));
  return std::move(b.out);
}

// Elements whose content is never reader-visible prose: dropped with their content.
inline bool is_dropped_element(std::string_view name) {
  for (std::string_view n : {"script", "style", "template", "noscript", "iframe", "noembed", "noframes", "xmp",
                             "textarea", "title", "object"})
    if (name == n) return true;
  return false;
}

// Elements that separate words: "<p>one</p><p>two</p>" reads "one two", "a<em>b</em>" "ab".
inline bool is_block_element(std::string_view name) {
  for (std::string_view n :
       {"address", "article", "aside", "blockquote", "br",  "dd",      "div",   "dl",     "dt", "figcaption", "figure",
        "footer",  "h1",      "h2",    "h3",         "h4",  "h5",      "h6",    "header", "hr", "img",        "li",
        "main",    "nav",     "ol",    "p",          "pre", "section", "table", "td",     "th", "tr",         "ul"})
    if (name == n) return true;
  return false;
}

// Finds the end of the tag that starts at html[i] == '<' (after its name at `p`) the way the
// HTML tokenizer does: a quote opens a value only right after '='. Returns the index after '>'.
inline std::size_t skip_tag(std::string_view html, std::size_t p, bool& self_closing) {
  self_closing = false;
  bool after_equals = false;
  while (p < html.size()) {
    char c = html[p];
    if (c == '>') return p + 1;
    if (c == '=') {
      after_equals = true;
      ++p;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      ++p;
      continue;
    }
    if (after_equals && (c == '"' || c == '\'')) {
      auto close = html.find(c, p + 1);
      if (close == std::string_view::npos) return html.size();
      p = close + 1;
    } else {
      self_closing = c == '/' && p + 1 < html.size() && html[p + 1] == '>';
      ++p;
    }
    after_equals = false;
  }
  return html.size();
}

// Plain text of an HTML fragment (a JSON Feed `content_html`, an RSS description): tags and
// comments dropped, script/style and similar elements dropped with their content, character
// references decoded, white space collapsed. The result is text: it is escaped again on output,
// so nothing in the feed can become markup, however it was nested or disguised.
inline std::string html_to_text(std::string_view html, std::size_t max_bytes = limits::max_story_text_bytes) {
  text_builder b(max_bytes);
  std::size_t i = 0, run = 0;
  auto flush = [&](std::size_t end) {
    if (end > run) b.add(html.substr(run, end - run));
  };
  while (i < html.size() && !b.full()) {
    char c = html[i];
    if (c == '&') {
      flush(i);
      std::string decoded;
      if (decode_entity(html, i, decoded)) b.add(decoded);
      else b.add(html.substr(i++, 1));
      run = i;
      continue;
    }
    if (c != '<' || i + 1 >= html.size()) {
      ++i;
      continue;
    }
    char n = html[i + 1];
    bool end_tag = n == '/' && i + 2 < html.size() && is_ascii_alpha(html[i + 2]);
    if (!is_ascii_alpha(n) && !end_tag && n != '!' && n != '?') {  // "a < b": text
      ++i;
      continue;
    }
    flush(i);
    if (html.substr(i, 4) == "<!--") {
      // Comments end at "-->", or at once for the abrupt "<!-->" and "<!--->".
      std::size_t end = html.substr(i + 4, 1) == ">" ? i + 5 : html.substr(i + 4, 2) == "->" ? i + 6 : 0;
      if (!end) {
        auto close = html.find("-->", i + 4);
        end = close == std::string_view::npos ? html.size() : close + 3;
      }
      i = run = end;
      continue;
    }
    if (n == '!' || n == '?') {  // doctype, CDATA, processing instruction: bogus comments in HTML
      auto close = html.find('>', i);
      i = run = close == std::string_view::npos ? html.size() : close + 1;
      continue;
    }
    std::size_t p = i + (end_tag ? 2 : 1);
    std::string name;
    while (p < html.size() && html[p] != '>' && html[p] != '/' && html[p] != ' ' && html[p] != '\t' &&
           html[p] != '\n' && html[p] != '\r' && html[p] != '\f') {
      if (name.size() < 16) name += ascii_lower(html[p]);
      ++p;
    }
    bool self_closing;
    i = run = skip_tag(html, p, self_closing);
    if (is_block_element(name)) b.space();
    if (!end_tag && !self_closing && is_dropped_element(name)) {
      // Raw text up to the matching end tag: "</script" then white space, '/' or '>'.
      std::size_t q = i;
      for (;;) {
        q = html.find("</", q);
        if (q == std::string_view::npos) {
          i = run = html.size();
          break;
        }
        std::size_t k = 0;
        while (k < name.size() && q + 2 + k < html.size() && ascii_lower(html[q + 2 + k]) == name[k]) ++k;
        std::size_t after = q + 2 + k;
        if (k == name.size() &&
            (after >= html.size() || html[after] == '>' || html[after] == '/' || html[after] == ' ' ||
             html[after] == '\t' || html[after] == '\n' || html[after] == '\r' || html[after] == '\f')) {
          bool ignored;
          i = run = skip_tag(html, after, ignored);
          b.space();
          break;
        }
        q += 2;
      }
    }
  }
  if (!b.full()) flush(std::min(i, html.size()));
  return std::move(b.out);
}

// Grapheme clusters (UAX #29) as far as a cut needs them: what joins the character before it.
// Combining marks (Latin, Greek and Cyrillic diacritics, Hebrew points, Arabic harakat, Thai and
// Devanagari signs), ZWJ and ZWNJ and the character after a ZWJ (emoji sequences: a family),
// variation selectors, emoji skin-tone modifiers, tag characters (subdivision flags), and the
// second of a pair of regional indicators (a flag).
inline constexpr code_point_range grapheme_extenders[] = {
    {0x0300, 0x036F}, {0x0483, 0x0489}, {0x0591, 0x05BD}, {0x05BF, 0x05C7},   {0x0610, 0x061A},   {0x064B, 0x065F},
    {0x0670, 0x0670}, {0x06D6, 0x06ED}, {0x0900, 0x0903}, {0x093A, 0x094F},   {0x0951, 0x0957},   {0x0962, 0x0963},
    {0x0E31, 0x0E31}, {0x0E34, 0x0E3A}, {0x0E47, 0x0E4E}, {0x1AB0, 0x1AFF},   {0x1DC0, 0x1DFF},   {0x200C, 0x200D},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0x1F3FB, 0x1F3FF}, {0xE0020, 0xE007F}, {0xE0100, 0xE01EF}};
inline bool extends_grapheme(char32_t c) { return in_ranges(grapheme_extenders, c); }
inline bool is_regional_indicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }
// The code point at byte `i` (U+FFFD for a byte that starts no valid sequence) and its length.
inline char32_t code_point_at(std::string_view s, std::size_t i, std::size_t& n) {
  n = utf8_sequence(s, i);
  if (n == 0) return n = 1, 0xFFFD;
  char32_t c = static_cast<unsigned char>(s[i]) & (n == 1 ? 0x7F : n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
  for (std::size_t k = 1; k < n; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return c;
}
// The first grapheme cluster boundary at or after byte `i` (a code point's first byte).
inline std::size_t grapheme_boundary(std::string_view s, std::size_t i) {
  char32_t before = 0;
  std::size_t indicators = 0, n = 0;  // regional indicators in a row just before `at`
  std::size_t at = 0;
  for (; at < i; at += n) {
    before = code_point_at(s, at, n);
    indicators = is_regional_indicator(before) ? indicators + 1 : 0;
  }
  for (; at < s.size(); at += n) {
    const char32_t c = code_point_at(s, at, n);
    const bool pairs = is_regional_indicator(c) && indicators % 2 == 1;
    if (!extends_grapheme(c) && before != 0x200D && !pairs) break;
    indicators = is_regional_indicator(c) ? indicators + 1 : 0;
    before = c;
  }
  return at;
}

// Cuts `text` at a word boundary near `length` code points: at the first space at or after
// `length`; when that is more than max_cut_overrun further (a very long word, a script without
// spaces), at the last space before `length`, or else right at `length`, moved past the rest of
// a character made of several code points (never "e" without its accent, half a flag, or a
// family emoji without its last members). Punctuation and spaces left dangling at the cut are
// dropped, so the ellipsis follows a word.
inline std::string_view cut_at_word(std::string_view text, std::size_t length, bool& was_cut) {
  std::size_t points = 0, last_space_before = std::string_view::npos, hard = text.size();
  std::size_t cut = text.size();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;
    if (points == length) hard = i;
    if (points == length + limits::max_cut_overrun) {  // no space in time: give up on this word
      cut = last_space_before != std::string_view::npos ? last_space_before : grapheme_boundary(text, hard);
      break;
    }
    ++points;
    if (text[i] == ' ') {
      if (points > length) {
        cut = i;
        break;
      }
      last_space_before = i;
    }
  }
  was_cut = cut < text.size();
  if (!was_cut) return text;
  std::string_view kept = text.substr(0, cut);
  static constexpr std::string_view dangling[] = {" ",
                                                  ",",
                                                  ";",
                                                  ":",
                                                  ".",
                                                  "!",
                                                  "?",
                                                  "-",
                                                  "(",
                                                  "[",
                                                  "{",
                                                  "\"",
                                                  "'",
                                                  "/",
                                                  "&",
                                                  "\xE2\x80\x93" /* – */,
                                                  "\xE2\x80\x94" /* — */,
                                                  "\xE2\x80\xA6" /* … */,
                                                  "\xE2\x80\x9C" /* “ */,
                                                  "\xE2\x80\x98" /* ‘ */,
                                                  "\xC2\xAB" /* « */};
  for (bool trimmed_one = true; trimmed_one && !kept.empty();) {
    trimmed_one = false;
    for (std::string_view d : dangling) {
      if (kept.size() >= d.size() && kept.substr(kept.size() - d.size()) == d) {
        kept.remove_suffix(d.size());
        trimmed_one = true;
        break;
      }
    }
  }
  return kept;
}

// --- URLs ----------------------------------------------------------------------------------

// The key two URLs are compared by (duplicates, the current page): scheme dropped (a blog that
// moved to https still lists http links), host lower-cased, default port and a trailing '/'
// dropped. The fragment is kept: some blogs publish each story as an anchor of a day page.
inline std::string url_key(std::string_view url) {
  url = trimmed(url);
  std::string key;
  auto colon = url.find("://");
  if (colon == std::string_view::npos) return std::string(url);
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme += ascii_lower(c);
  std::string_view rest = url.substr(colon + 3);
  std::size_t host_end = rest.find_first_of("/?#");
  std::string_view host = rest.substr(0, host_end);
  std::string_view tail = host_end == std::string_view::npos ? std::string_view() : rest.substr(host_end);
  for (char c : host) key += ascii_lower(c);
  if ((scheme == "http" && key.size() > 3 && key.compare(key.size() - 3, 3, ":80") == 0) ||
      (scheme == "https" && key.size() > 4 && key.compare(key.size() - 4, 4, ":443") == 0))
    key.resize(key.rfind(':'));
  std::size_t path_end = tail.find_first_of("?#");
  std::string_view path = tail.substr(0, path_end);
  while (!path.empty() && path.back() == '/') path.remove_suffix(1);
  key += path;
  if (path_end != std::string_view::npos) key += tail.substr(path_end);
  return key;
}

// Resolves a root-relative ("/2011/03/post") or scheme-relative ("//host/x") link against the
// page's http(s) URL: the feed is the blog's own, so its site is the page's site. Other
// references are returned as given (and then judged by is_safe_url).
inline std::string resolve_against_page(std::string_view url, std::string_view page_url) {
  url = trimmed(url);
  if (url.empty() || url[0] != '/' || !is_safe_url(page_url, url_policy::web)) return std::string(url);
  page_url = trimmed(page_url);
  auto scheme_end = page_url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  if (url.size() > 1 && url[1] == '/') return std::string(page_url.substr(0, scheme_end + 1)) + std::string(url);
  auto host_end = page_url.find_first_of("/?#", scheme_end + 3);
  return std::string(page_url.substr(0, host_end)) + std::string(url);
}

inline problem feed_problem(std::string_view code, const std::string& id, std::size_t index, std::string_view field,
                            std::string_view message) {
  return problem{std::string(code), id, index, std::string(field), std::string(message)};
}

inline bool is_http_url(std::string_view s) {
  s = trimmed(s);
  auto lower_prefix = [&](std::string_view p) {
    if (s.size() < p.size()) return false;
    for (std::size_t i = 0; i < p.size(); ++i)
      if (ascii_lower(s[i]) != p[i]) return false;
    return true;
  };
  return lower_prefix("http://") || lower_prefix("https://");
}

// Reads one JSON Feed item; false when it cannot be a card (reported in `problems`).
inline bool read_story(json_document::ref it, std::size_t index, std::string_view page_url, story& s,
                       problem_list& problems) {
  s.index = index;
  if (!it.is(json_value::kind::object)) {
    problems.push_back(feed_problem(errc::item_not_object, "", index, "", "feed item is not a JSON object"));
    return false;
  }
  const json_value& id = it["id"].value();
  char id_buf[24];
  if (id.is(json_value::kind::string)) s.id = id.text.substr(0, limits::max_id_bytes);
  else if (id.is(json_value::kind::integer)) s.id = integer_text(id, id_buf);
  // The story's link: `url` (the permalink), else `external_url`, else an id that is a URL.
  const std::string_view* url = it.string_at("url");
  const char* field = "url";
  if (!url || trimmed(*url).empty()) url = it.string_at(field = "external_url");
  const std::string_view id_url = s.id;
  if ((!url || trimmed(*url).empty()) && is_http_url(s.id)) {
    url = &id_url;
    field = "id";
  }
  if (!url || trimmed(*url).empty()) {
    problems.push_back(feed_problem(errc::missing_url, s.id, index, "url", "feed item has no link: not shown"));
    return false;
  }
  s.url = resolve_against_page(*url, page_url);
  if (s.url.size() > limits::max_url_bytes || !is_safe_url(s.url, url_policy::web)) {
    problems.push_back(
        feed_problem(errc::bad_url, s.id, index, field, "feed item link is not an http(s) URL: not shown"));
    return false;
  }
  if (auto v = it.string_at("title")) s.title = plain_to_text(*v, 1024);
  for (const char* key : {"summary", "content_text", "content_html"}) {
    const std::string_view* v = it.string_at(key);
    if (!v || trimmed(*v).empty()) continue;
    s.summary = *v;
    s.summary_is_html = std::string_view(key) == "content_html";
    break;
  }
  for (const char* key : {"image", "banner_image"}) {
    const std::string_view* v = it.string_at(key);
    if (!v || v->empty()) continue;
    std::string image = resolve_against_page(*v, page_url);
    if (image.size() <= limits::max_url_bytes && is_safe_url(image, url_policy::web)) {
      s.image = std::move(image);
      break;
    }
    problems.push_back(feed_problem(errc::bad_image, s.id, index, key, "image dropped: not an http(s) URL"));
  }
  for (const char* key : {"date_published", "date_modified"}) {
    const std::string_view* v = it.string_at(key);
    if (!v) continue;
    if ((s.published = parse_feed_date(*v))) break;
    problems.push_back(feed_problem(errc::bad_date, s.id, index, key, "date not understood: shown undated"));
  }
  return true;
}

// An HTML page: after an optional BOM, white space, comments and processing instructions, a
// document type of "html" with no XML declaration before it (an HTML page), or a root element
// <html> (an XHTML page, whatever its document type), names in any case, as whole names. An
// RSS feed under an XML declaration and an XHTML document type is still XML: the root decides.
// The usual mistake is the blog's own address given for its feed's.
inline bool starts_like_html(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; };
  // Takes `word` (lower case) off the front of `s`, in any case.
  auto take = [&s](std::string_view word) {
    if (s.size() < word.size()) return false;
    for (std::size_t i = 0; i < word.size(); ++i)
      if (ascii_lower(s[i]) != word[i]) return false;
    s.remove_prefix(word.size());
    return true;
  };
  auto name_html = [&] { return take("html") && (s.empty() || space(s[0]) || s[0] == '>' || s[0] == '/'); };
  bool xml = false, html_type = false;
  for (s = trimmed(s);; s = trimmed(s)) {
    std::size_t end;
    if (take("<?")) {
      xml = true;
      end = s.find("?>");
    } else if (take("<!--")) {
      end = s.find("-->");
    } else if (take("<!doctype")) {
      if (s.empty() || !space(s[0])) return false;
      s = trimmed(s);
      html_type = name_html();
      const std::size_t close = s.find('>'), subset = s.substr(0, close).find('[');
      end = subset != std::string_view::npos ? s.find(']', subset) : close;  // past an internal subset
      if (end != std::string_view::npos) end = s.find('>', end);
    } else {
      break;
    }
    if (end == std::string_view::npos) return html_type && !xml;
    s.remove_prefix(s.find('>', end) + 1);
  }
  return (html_type && !xml) || (take("<") && name_html());
}

inline bool starts_like_xml(std::string_view s) {
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  s = trimmed(s);
  return !s.empty() && s[0] == '<';
}

}  // namespace detail

// Reads a JSON Feed (1.0 or 1.1; any `version`, as long as there is an `items` array). Relative
// links are resolved against `page_url` (see detail::resolve_against_page). Items that cannot
// be cards are skipped with a problem; the others are always kept.
inline feed_result read_feed(std::string_view json, std::string_view page_url = {}) {
  feed_result r;
  auto fail = [&](std::string_view code, std::string_view field, std::string_view message) {
    r.error = detail::feed_problem(code, "", 0, field, message);
    return r;
  };
  // What it is comes first, whatever its size: the widget's loader asks the core before it
  // parses XML itself (colloquy-stories.js), and an RSS feed's limit is that of its mapping.
  if (trimmed(json).empty() || trimmed(json) == "\xEF\xBB\xBF") return fail(errc::not_feed, "", "feed is empty");
  if (detail::starts_like_html(json))
    return fail(errc::feed_is_html, "",
                "this is an HTML page, not a feed; give the feed's URL (its <link rel=\"alternate\">)");
  if (detail::starts_like_xml(json))
    return fail(errc::feed_is_xml, "",
                "feed is XML (RSS or Atom): the widget's loader converts those; the core reads JSON Feed");
  if (json.size() > limits::max_feed_bytes) return fail(errc::document_too_large, "", "feed is larger than the limit");
  // The same guard as for comments: a "[[[[…" bomb must not exhaust the parser's stack.
  detail::json_document doc;
  if (const detail::json_document::status st = doc.parse(json); st != detail::json_document::status::ok) {
    const bool deep = st == detail::json_document::status::too_deep;
    const detail::text_position at = detail::position_of(json, doc.error_offset());
    fail(deep ? errc::json_too_deep : errc::not_json, "",
         (deep ? std::string("JSON nesting is deeper than the limit") : "feed is not valid JSON: " + at.what) +
             " at line " + decimal(at.line) + ", column " + decimal(at.column));
    r.error.line = at.line;
    r.error.column = at.column;
    return r;
  }
  const detail::json_document::ref items = doc.root()["items"];
  if (!items.is(detail::json_value::kind::array))
    return fail(errc::not_feed, "items", "not a JSON Feed: no items array");
  r.ok = true;
  std::size_t i = 0;
  for (const detail::json_document::ref item : items) {
    story s;
    if (detail::read_story(item, i++, page_url, s, r.problems)) r.items.push_back(std::move(s));
  }
  return r;
}

// Orders and filters cards: newest first (undated items last, in feed order), duplicates by id
// or URL dropped (the first in that order, i.e. the newest, is kept), the current page left
// out, at most `count`.
inline std::vector<const story*> select_stories(const std::vector<story>& items, const stories_options& o) {
  std::vector<const story*> order;
  order.reserve(items.size());
  for (const auto& s : items) order.push_back(&s);
  // std::sort with the feed position as the last key: stable, and ~3 KB less wasm than stable_sort.
  std::sort(order.begin(), order.end(), [](const story* a, const story* b) {
    if (a->published.has_value() != b->published.has_value()) return a->published.has_value();
    if (a->published != b->published) return *a->published > *b->published;
    return a->index < b->index;
  });
  std::string page = o.exclude_url.empty() ? std::string() : detail::url_key(o.exclude_url);
  // Views into `keys` (reserved, so they never move) and into the items' ids.
  std::vector<std::string> keys;
  keys.reserve(order.size());
  std::unordered_set<std::string_view> seen_ids, seen_urls;
  std::vector<const story*> shown;
  for (const story* s : order) {
    if (shown.size() >= o.count) break;
    std::string_view key = keys.emplace_back(detail::url_key(s->url));
    bool is_page = !page.empty() && key == page;
    bool duplicate = seen_urls.count(key) || (!s->id.empty() && seen_ids.count(s->id));
    // Every item claims its id and URL, shown or not: a copy of the page under another URL, or
    // of a duplicate under a third, is the same story.
    seen_urls.insert(key);
    if (!s->id.empty()) seen_ids.insert(s->id);
    if (is_page || duplicate) continue;
    shown.push_back(s);
  }
  return shown;
}

// The summary as plain text, converted only as far as a cut at `length` characters can need.
inline std::string story_summary_text(const story& s, std::size_t length = 2000) {
  std::size_t bytes = std::min(limits::max_story_text_bytes, 4 * (length + limits::max_cut_overrun + 2));
  return s.summary_is_html ? detail::html_to_text(s.summary, bytes) : detail::plain_to_text(s.summary, bytes);
}

// Appends one card.
inline void render_story_card(std::string& out, const story& s, const stories_options& o) {
  out += "<article class=\"story-card\">";
  if (!s.image.empty()) {
    out += "<img src=\"";
    append_escaped(out, s.image);
    out += "\" alt=\"\" loading=\"lazy\" decoding=\"async\" width=\"";
    append_decimal(out, o.image_width);
    out += "\" height=\"";
    append_decimal(out, o.image_height);
    out += "\">";
  }
  if (s.published) {
    out += "<time datetime=\"";
    out += format_iso8601(*s.published);
    out += "\">";
    append_date(out, *s.published, *o.locale, o.zone);
    out += "</time>";
  }
  if (!s.title.empty()) {
    out += "<h3 dir=\"auto\"><a href=\"";
    append_escaped(out, s.url);
    out += "\">";
    append_escaped(out, s.title);
    out += "</a></h3>";
  }
  out += "<p dir=\"auto\">";  // a summary in its own direction, as a comment's text
  bool cut = false;
  std::string text = story_summary_text(s, o.summary_length);
  std::string_view summary = detail::cut_at_word(text, o.summary_length, cut);
  append_escaped(out, summary);
  if (cut) out += "\xE2\x80\xA6";
  if (!summary.empty()) out += ' ';
  out += "<a class=\"more\" href=\"";
  append_escaped(out, s.url);
  out += "\">";
  append_escaped(out, o.locale->more);
  out += "</a></p></article>";
}

// Appends the strip and returns the number of cards in it. No cards: nothing is appended (the
// strip disappears rather than showing an empty heading).
inline std::size_t render_stories_html(std::string& out, const std::vector<story>& items, const stories_options& o) {
  std::vector<const story*> shown = select_stories(items, o);
  if (shown.empty()) return 0;
  out += "<section class=\"stories\" part=\"stories\"><h2>";
  append_escaped(out, o.locale->latest_stories);
  out += "</h2>";
  for (const story* s : shown) render_story_card(out, *s, o);
  out += "</section>";
  return shown.size();
}

}  // namespace colloquy
