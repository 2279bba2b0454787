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
  int offset_minutes = 0;
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
  num("offsetMinutes", -14 * 60, 14 * 60, o.offset_minutes);
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
    render_options ro{&find_locale(o.locale), o.offset_minutes, o.order};
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

// Posting: a draft checked by the same code the server runs (compose.hpp).
#include "colloquy/compose.hpp"

namespace colloquy {

// Draft JSON (the posting shape, DESIGN §3, plus an optional "honeypot") in, meta JSON out; no
// '\0' and no HTML follow it. Options: {"requireClientId": false} while the reader types.
//
//   colloquy::check_draft(R"({"thread":"/p","text":" hi\r\n","clientId":"a1"})", "{}");
//   // {"ok":true,"draft":{"thread":"/p","parent":null,"author":{"name":"","location":""},
//   //  "text":"hi","clientId":"a1"},"problems":[]}
//   // problems: [{"code":"text_required","field":"text","message":"the comment is empty"}, …]
inline std::string check_draft(std::string_view json, std::string_view options_json) {
  draft_options o;
  auto opts = nlohmann::json::parse(options_json.begin(), options_json.end(), nullptr, false);
  if (opts.is_object()) {
    auto f = opts.find("requireClientId");
    if (f != opts.end() && f->is_boolean()) o.require_client_id = f->get<bool>();
  }
  draft_result r = read_draft(json, o);
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) problems.push_back({{"code", p.code}, {"field", p.field}, {"message", p.message}});
  nlohmann::json meta = {{"ok", r.ok()}, {"draft", draft_json(r.value)}, {"problems", std::move(problems)}};
  return detail::dump(meta);
}

}  // namespace colloquy
