// The data-in/data-out entry points shared by the wasm boundary, the CLI and the server.
//
//   std::string out = colloquy::render_comments(document_bytes, R"({"sort":"oldest"})");
//   // out = <meta JSON> '\0' <HTML>
//
// Meta is a small JSON object: {"ok":true,"count":3,"top_level":3,"next":null,"chunks":[…],
// "problems":[{"code":…,"id":…,"index":…,"field":…}]} or {"ok":false,"error":{…}}.
// `chunks` are byte offsets into the HTML where top-level threads start (for sliced insertion).
#pragma once
#include <optional>
#include <string>
#include <type_traits>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/error.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/read.hpp"
#include "colloquy/render.hpp"
#include "colloquy/stories.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

// Options shared by every entry point, read from the loader's JSON (unknown keys ignored).
struct widget_options {
  std::string locale = "en";
  sort_order order = sort_order::oldest;
  int max_depth = limits::default_max_depth;
  time_zone zone;                                // "timeZone": UTC, ±hh:mm, local, or an IANA name
  int64_t now_ms = 0;                            // "now": the reader's clock (ms); 0: absolute dates only
  int64_t relative_max_ms = 7 * 24 * 3600000LL;  // "relativeDays": relative dates up to this age
  std::size_t stories_count = 3;
  std::size_t summary_length = 130;
  std::string page_url;
};

inline std::optional<sort_order> parse_sort_order(std::string_view s) {
  if (s == "oldest") return sort_order::oldest;
  if (s == "newest") return sort_order::newest;
  return std::nullopt;
}

inline widget_options parse_widget_options(std::string_view json) {
  widget_options o;
  if (json.empty()) return o;
  auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (!j.is_object()) return o;
  auto str = [&](const char* key) -> const std::string* { return detail::string_field(j, key); };
  auto num = [&](const char* key, auto lo, auto hi, auto& out) {
    auto f = j.find(key);
    if (f != j.end() && f->is_number_integer()) {
      auto v = f->get<int64_t>();
      if (v >= int64_t(lo) && v <= int64_t(hi)) out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    }
  };
  if (auto s = str("locale")) o.locale = *s;
  if (auto s = str("sort")) o.order = parse_sort_order(*s).value_or(o.order);
  if (auto s = str("pageUrl")) o.page_url = *s;
  num("maxDepth", 0, 64, o.max_depth);
  if (auto s = str("timeZone")) o.zone = parse_time_zone(*s).value_or(o.zone);
  if (auto f = j.find("now"); f != j.end() && f->is_number() && f->get<double>() > 0 && f->get<double>() < double(max_time_ms))
    o.now_ms = static_cast<int64_t>(f->get<double>());
  int relative_days = 7;
  num("relativeDays", 0, 3650, relative_days);
  o.relative_max_ms = relative_days * 86400000LL;
  num("storiesCount", 0, 50, o.stories_count);
  num("summaryLength", 10, 2000, o.summary_length);
  return o;
}

namespace detail {
inline nlohmann::json problem_json(const problem& p) {
  nlohmann::json j = {{"code", p.code}, {"message", p.message}};
  if (!p.id.empty()) j["id"] = p.id;
  j["index"] = p.index;
  if (!p.field.empty()) j["field"] = p.field;
  return j;
}
inline std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }
}  // namespace detail

// Comments document in, meta + '\0' + HTML out.
inline std::string render_comments(std::string_view document, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  read_result r = read_comments(document);
  nlohmann::json meta;
  std::string html;
  if (!r.ok) {
    meta = {{"ok", false}, {"error", detail::problem_json(r.error)}};
  } else {
    thread t = build_thread(std::move(r.comments), {o.order, o.max_depth});
    std::vector<std::size_t> chunks;
    render_options ro{&find_locale(o.locale), o.zone, {o.now_ms, o.relative_max_ms}, o.order};
    render_thread_html(html, t, ro, &chunks);
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : r.problems) problems.push_back(detail::problem_json(p));
    meta = {{"ok", true},
            {"count", t.entries.size()},
            {"top_level", t.top_level},
            {"next", r.next.empty() ? nlohmann::json() : nlohmann::json(r.next)},
            {"chunks", chunks},
            {"problems", std::move(problems)}};
  }
  std::string out = detail::dump(meta);
  out += '\0';
  out += html;
  return out;
}

// JSON Feed in, meta + '\0' + cards HTML out. Meta: {"ok":true,"count":cards,"items":usable
// items,"problems":[…]} or {"ok":false,"error":{…}}. No cards: empty HTML (the strip disappears).
inline std::string render_stories(std::string_view feed, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  feed_result f = read_feed(feed, o.page_url);
  nlohmann::json meta;
  std::string html;
  if (!f.ok) {
    meta = {{"ok", false}, {"error", detail::problem_json(f.error)}};
  } else {
    stories_options so{&find_locale(o.locale), o.stories_count, o.summary_length, o.page_url, o.zone};
    std::size_t shown = render_stories_html(html, f.items, so);
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : f.problems) problems.push_back(detail::problem_json(p));
    meta = {{"ok", true}, {"count", shown}, {"items", f.items.size()}, {"problems", std::move(problems)}};
  }
  std::string out = detail::dump(meta);
  out += '\0';
  out += html;
  return out;
}

// Labels for the widget's <time> elements, refreshed while it stays open: ISO 8601 times in
// (one per line), their labels out (one per line, plain text, same order; empty for a bad line).
inline std::string format_times(std::string_view times, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  const locale_data& loc = find_locale(o.locale);
  std::string out;
  std::size_t pos = 0;
  while (pos <= times.size()) {
    std::size_t end = times.find('\n', pos);
    if (end == std::string_view::npos) end = times.size();
    if (auto t = parse_iso8601(times.substr(pos, end - pos))) append_when(out, *t, loc, o.zone, {o.now_ms, o.relative_max_ms});
    if (end == times.size()) break;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

// A message of the widget's own, in its language, by key ("comments_unavailable", ...); the
// loader shows these when something fails. Unknown keys answer an empty string.
inline std::string ui_message(std::string_view key, std::string_view options_json) {
  const locale_data& loc = find_locale(parse_widget_options(options_json).locale);
  if (key == "comments_unavailable") return std::string(loc.comments_unavailable);
  if (key == "comments_unusable") return std::string(loc.comments_unusable);
  if (key == "stories_unavailable") return std::string(loc.stories_unavailable);
  return {};
}

}  // namespace colloquy
