// Latest Stories: a JSON Feed (DESIGN §5) in, story cards out.
//
//   auto feed = colloquy::read_feed(json_feed_text);
//   std::string html;
//   colloquy::render_stories_html(html, feed.items, {});
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/date.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/locale.hpp"

namespace colloquy {

struct story {
  std::string id, url, title, summary;  // summary is plain text
  int64_t published = 0;
};

struct feed_result {
  bool ok = false;
  problem error;
  std::vector<story> items;
};

struct stories_options {
  const locale_data* locale = &locale_en;
  std::size_t count = 3;              // cards shown
  std::size_t summary_length = 130;   // characters before the cut (at the next word boundary)
  std::string exclude_url;            // the current page: never a card of itself
  time_zone zone;
};

namespace detail {
// Plain text of an HTML fragment: tags dropped, whitespace collapsed. Entities are kept as
// written and escaped again on output, so nothing in them can become markup.
inline std::string html_to_text(std::string_view html) {
  std::string out;
  bool in_tag = false, space = false;
  for (char c : html) {
    if (in_tag) {
      if (c == '>') in_tag = false;
      continue;
    }
    if (c == '<') {
      in_tag = true;
      space = true;
      continue;
    }
    if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

// Cuts `text` at the first word boundary at or after `length` code points.
inline std::string_view cut_at_word(std::string_view text, std::size_t length, bool& was_cut) {
  std::size_t points = 0, i = 0;
  for (; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++points;
    if (points > length && text[i] == ' ') break;
  }
  was_cut = i < text.size();
  return text.substr(0, i);
}

inline const std::string* string_field(const nlohmann::json& o, const char* key) {
  auto f = o.find(key);
  return f != o.end() && f->is_string() ? &f->get_ref<const std::string&>() : nullptr;
}
}  // namespace detail

inline feed_result read_feed(std::string_view json) {
  feed_result r;
  auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded()) {
    r.error = problem{std::string(errc::not_json), "", 0, "", "feed is not valid JSON"};
    return r;
  }
  auto items = doc.is_object() ? doc.find("items") : doc.end();
  if (!doc.is_object() || items == doc.end() || !items->is_array()) {
    r.error = problem{std::string(errc::not_feed), "", 0, "items", "feed has no items array"};
    return r;
  }
  r.ok = true;
  for (const auto& it : *items) {
    if (!it.is_object()) continue;
    story s;
    if (auto v = detail::string_field(it, "url")) s.url = *v;
    if (!is_safe_url(s.url, url_policy::web)) continue;
    if (auto v = detail::string_field(it, "id")) s.id = *v;
    if (auto v = detail::string_field(it, "title")) s.title = detail::html_to_text(*v);
    if (auto v = detail::string_field(it, "summary")) s.summary = detail::html_to_text(*v);
    else if (auto t = detail::string_field(it, "content_text")) s.summary = detail::html_to_text(*t);
    else if (auto h = detail::string_field(it, "content_html")) s.summary = detail::html_to_text(*h);
    if (auto v = detail::string_field(it, "date_published"))
      if (auto t = parse_iso8601(*v)) s.published = *t;
    r.items.push_back(std::move(s));
  }
  return r;
}

// Appends the strip and returns the number of cards in it.
inline std::size_t render_stories_html(std::string& out, std::vector<story> items, const stories_options& o) {
  std::stable_sort(items.begin(), items.end(), [](const story& a, const story& b) { return a.published > b.published; });
  out += "<section class=\"stories\" part=\"stories\"><h2>";
  append_escaped(out, o.locale->latest_stories);
  out += "</h2>";
  std::vector<std::string_view> seen;
  std::size_t shown = 0;
  for (const auto& s : items) {
    if (shown == o.count) break;
    if (!o.exclude_url.empty() && s.url == o.exclude_url) continue;
    bool dup = std::any_of(seen.begin(), seen.end(), [&](std::string_view k) { return k == s.url || (!s.id.empty() && k == s.id); });
    if (dup) continue;
    seen.push_back(s.url);
    if (!s.id.empty()) seen.push_back(s.id);
    ++shown;
    out += "<article class=\"story-card\">";
    if (s.published) {
      out += "<time datetime=\"";
      out += format_iso8601(s.published);
      out += "\">";
      append_date(out, s.published, *o.locale, o.zone);
      out += "</time>";
    }
    out += "<h3><a href=\"";
    append_escaped(out, s.url);
    out += "\">";
    append_escaped(out, s.title);
    out += "</a></h3><p>";
    bool cut = false;
    append_escaped(out, detail::cut_at_word(s.summary, o.summary_length, cut));
    if (cut) out += "\xE2\x80\xA6";
    out += " <a class=\"more\" href=\"";
    append_escaped(out, s.url);
    out += "\">";
    append_escaped(out, o.locale->more);
    out += "</a></p></article>";
  }
  out += "</section>";
  return shown;
}

}  // namespace colloquy
