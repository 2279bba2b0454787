// The data-in/data-out entry points shared by the wasm boundary, the CLI and the server.
//
//   std::string out = colloquy::render_comments(document_bytes, R"({"sort":"oldest"})");
//   // out = <meta JSON> '\0' <HTML>
//
// Meta is a small JSON object: {"ok":true,"count":3,"top_level":3,"next":null,"chunks":[…],
// "problems":[{"code":…,"id":…,"index":…,"field":…}]} or {"ok":false,"error":{…}}.
// `chunks` are byte offsets into the HTML where top-level threads start (for sliced insertion).
// Threads: options `sort` (oldest|newest|top|hot|controversial), `maxDepth`, `sortReplies`,
// `pageSize` (top-level threads per page, 0 = all) and `offset`. With offset 0 the HTML is the
// whole section with the first page; with offset > 0 (a previous meta's "page":{"next":N}) it
// is only that page's articles followed by the next "load more" button, to append to the list.
// Meta adds "live" (comments that are not deleted placeholders) and
// "page":{"offset","threads","next"}.
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
#include "colloquy/sort.hpp"
#include "colloquy/stories.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

// Options shared by every entry point, read from the loader's JSON (unknown keys ignored).
struct widget_options {
  std::string locale = "en";
  sort_order order = sort_order::oldest;
  int max_depth = limits::default_max_depth;
  int offset_minutes = 0;
  std::size_t stories_count = 3;
  std::size_t summary_length = 130;
  std::string page_url;
  // Threads (sort.hpp): top-level threads per page (0 = all), the page's first thread, and
  // whether replies follow `order` too (default: replies oldest first).
  std::size_t page_size = 0;
  std::size_t page_offset = 0;
  bool sort_replies = false;
};

inline std::optional<sort_order> parse_sort_order(std::string_view s) { return sort_order_from_name(s); }

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
  num("maxDepth", 0, limits::max_max_depth, o.max_depth);
  num("offsetMinutes", -14 * 60, 14 * 60, o.offset_minutes);
  num("storiesCount", 0, 50, o.stories_count);
  num("summaryLength", 10, 2000, o.summary_length);
  num("pageSize", 0, limits::max_page_size, o.page_size);
  num("offset", 0, limits::max_comments, o.page_offset);
  if (auto f = j.find("sortReplies"); f != j.end() && f->is_boolean()) o.sort_replies = f->get<bool>();
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
    std::size_t from = r.problems.size();
    thread t = build_thread(std::move(r.comments), {o.order, o.max_depth, o.sort_replies}, &r.problems);
    to_document_indexes(r, from);
    std::vector<std::size_t> chunks;
    render_options ro{&find_locale(o.locale), o.offset_minutes, o.order, {o.page_offset, o.page_size}};
    page_range range = page_of(t.starts, t.entries.size(), ro.page);
    if (o.page_offset == 0) {
      render_thread_html(html, t, ro, &chunks);
    } else {
      // "Load more": only the page's articles, then the next button (or nothing), for the
      // widget to append to the list it already shows.
      render_page_html(html, t, range, ro, &chunks);
      chunks.push_back(html.size());
      render_more_html(html, range, ro);
    }
    nlohmann::json problems = nlohmann::json::array();
    for (const auto& p : r.problems) problems.push_back(detail::problem_json(p));
    meta = {{"ok", true},
            {"count", t.entries.size()},
            {"live", t.live},
            {"top_level", t.top_level},
            {"next", r.next.empty() ? nlohmann::json() : nlohmann::json(r.next)},
            {"page", {{"offset", range.offset},
                      {"threads", range.threads},
                      {"next", range.next ? nlohmann::json(*range.next) : nlohmann::json()}}},
            {"chunks", chunks},
            {"problems", std::move(problems)}};
  }
  // The HTML can be tens of MB: prepend the meta in place rather than copying it to a new string.
  std::string head = detail::dump(meta);
  head += '\0';
  html.insert(0, head);
  return html;
}

// JSON Feed in, meta + '\0' + cards HTML out.
inline std::string render_stories(std::string_view feed, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  feed_result f = read_feed(feed);
  nlohmann::json meta;
  std::string html;
  if (!f.ok) {
    meta = {{"ok", false}, {"error", detail::problem_json(f.error)}};
  } else {
    stories_options so{&find_locale(o.locale), o.stories_count, o.summary_length, o.page_url, o.offset_minutes};
    std::size_t shown = render_stories_html(html, std::move(f.items), so);
    meta = {{"ok", true}, {"count", shown}};
  }
  std::string out = detail::dump(meta);
  out += '\0';
  out += html;
  return out;
}

}  // namespace colloquy
