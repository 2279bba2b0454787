// The data-in/data-out entry points shared by the wasm boundary, the CLI and the server.
//
//   std::string out = colloquy::render_comments(document_bytes, R"({"sort":"oldest"})");
//   // out = <meta JSON> '\0' <HTML>
//
// Meta is a small JSON object: {"ok":true,"count":3,"top_level":3,"next":null,"chunks":[…],
// "problems":[{"code":…,"id":…,"index":…,"field":…}],"problemsOmitted":0} or {"ok":false,"error":{…}}
// ("problems" holds the first 1,000, limits::max_problems; "problemsOmitted" counts the rest; a
// document that is not JSON has "line" and "column" in its error).
// `chunks` are byte offsets into the HTML where top-level threads start (for sliced insertion).
// Threads: options `sort` (oldest|newest|top|hot|controversial), `maxDepth`, `sortReplies`,
// `pageSize` (top-level threads per page, 0 = all) and `offset`. With offset 0 the HTML is the
// whole section with the first page; with offset > 0 (a previous meta's "page":{"next":N}) it
// is only that page's articles followed by the next "load more" button, to append to the list.
// Meta adds "live" (comments that are not deleted placeholders),
// "page":{"offset","threads","next"} and "ignored" (the options not honoured, by name).
// `static` (true): HTML for a page without the script, the whole section with the page at
// `offset`, no reply, sort or "load more" controls (render.hpp).
#pragma once
#include <optional>
#include <string>
#include <type_traits>
#include <vector>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/compose.hpp"
#include "colloquy/compose_render.hpp"
#include "colloquy/error.hpp"
#include "colloquy/feed_tree.hpp"
#include "colloquy/id_index.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/read.hpp"
#include "colloquy/render.hpp"
#include "colloquy/sort.hpp"
#include "colloquy/stories.hpp"
#include "colloquy/thread.hpp"
#include "colloquy/widget.hpp"

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
  // Threads (sort.hpp): top-level threads per page (0 = all), the page's first thread, and
  // whether replies follow `order` too (default: replies oldest first).
  std::size_t page_size = 0;
  std::size_t page_offset = 0;
  bool sort_replies = false;
  // Options given but not usable (an unknown sort, a language not built in, a number out of
  // range): the default is used, and render_comments lists them as meta "ignored" so the
  // loader can say so.
  std::vector<std::string> ignored;
  // "static": a page without the script (render.hpp render_options::static_page).
  bool static_page = false;
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
    if (f == j.end()) return;
    auto v = f->is_number_integer() ? f->get<int64_t>() : int64_t(lo) - 1;
    if (v >= int64_t(lo) && v <= int64_t(hi)) out = static_cast<std::remove_reference_t<decltype(out)>>(v);
    else o.ignored.emplace_back(key);
  };
  if (auto s = str("locale")) {
    o.locale = *s;
    if (!has_locale(*s)) o.ignored.emplace_back("locale");
  }
  if (auto s = str("sort")) {
    if (auto order = parse_sort_order(*s)) o.order = *order;
    else o.ignored.emplace_back("sort");
  }
  if (auto s = str("pageUrl")) o.page_url = *s;
  num("maxDepth", 0, limits::max_max_depth, o.max_depth);
  if (auto s = str("timeZone")) o.zone = parse_time_zone(*s).value_or(o.zone);
  if (auto f = j.find("now"); f != j.end() && f->is_number() && f->get<double>() > 0 && f->get<double>() < double(max_time_ms))
    o.now_ms = static_cast<int64_t>(f->get<double>());
  int relative_days = 7;
  num("relativeDays", 0, 3650, relative_days);
  o.relative_max_ms = relative_days * 86400000LL;
  num("storiesCount", 0, 50, o.stories_count);
  num("summaryLength", 10, 2000, o.summary_length);
  num("pageSize", 0, limits::max_page_size, o.page_size);
  num("offset", 0, limits::max_comments, o.page_offset);
  if (auto f = j.find("sortReplies"); f != j.end() && f->is_boolean()) o.sort_replies = f->get<bool>();
  if (auto f = j.find("static"); f != j.end() && f->is_boolean()) o.static_page = f->get<bool>();
  return o;
}

namespace detail {
inline nlohmann::json problem_json(const problem& p) {
  nlohmann::json j = {{"code", p.code}, {"message", p.message}};
  if (!p.id.empty()) j["id"] = p.id;
  j["index"] = p.index;
  if (!p.field.empty()) j["field"] = p.field;
  if (p.line) {
    j["line"] = p.line;
    j["column"] = p.column;
  }
  return j;
}
// The "problems" array of a meta: the kept problems (the first limits::max_problems).
// The meta says how many more there were in "problemsOmitted".
inline nlohmann::json problems_json(const problem_list& ps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : ps) out.push_back(problem_json(p));
  return out;
}
inline std::string dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }
}  // namespace detail

// Several comments documents in one input, separated by '\0' (JSON holds no raw NUL): the pages
// of a thread as a server sent them, one after another. Comments are read in that order
// (duplicate ids across pages keep the first); "next" is the last page's; a page after the
// first that is unusable is reported as a problem (its document error, at the index of its
// first comment) and skipped, so the pages already shown stay.
inline read_result read_comment_pages(std::string_view input) {
  std::size_t end = input.find('\0');
  read_result r = read_comments(input.substr(0, end));
  if (!r.ok) return r;
  while (end != std::string_view::npos) {
    std::size_t start = end + 1;
    end = input.find('\0', start);
    read_result page = read_comments(input.substr(start, end == std::string_view::npos ? end : end - start));
    const std::size_t base = r.comments.size();
    if (!page.ok) {
      page.error.index = base;
      r.problems.push_back(std::move(page.error));
      continue;
    }
    auto id_of = [&](std::uint32_t k) -> std::string_view { return r.comments[k].id; };
    r.store.absorb(std::move(page.store));
    for (auto& p : page.problems) {
      p.index += base;
      r.problems.push_back(std::move(p));
    }
    r.problems.add_omitted(page.problems.omitted());
    for (auto& c : page.comments) {
      if (r.ids.find(c.id, id_of)) {
        r.problems.add(errc::duplicate_id, c.id, base, "id", "duplicate id across pages: the first is kept");
        continue;
      }
      r.comments.push_back(std::move(c));
      r.ids.insert(r.comments.back().id, std::uint32_t(r.comments.size() - 1), id_of);
    }
    r.next = std::move(page.next);
  }
  return r;
}

// Comments document (or pages, see read_comment_pages) in, meta + '\0' + HTML out.
inline std::string render_comments(std::string_view document, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  read_result r = read_comment_pages(document);
  nlohmann::json meta;
  std::string html;
  if (!r.ok) {
    meta = {{"ok", false}, {"error", detail::problem_json(r.error)}};
  } else {
    std::size_t from = r.problems.size();
    thread t = build_thread(std::move(r.comments), {o.order, o.max_depth, o.sort_replies}, &r.problems, &r.ids);
    to_document_indexes(r, from);
    std::vector<std::size_t> chunks;
    render_options ro{&find_locale(o.locale), o.zone, {o.now_ms, o.relative_max_ms}, o.order, {o.page_offset, o.page_size}, r.next,
                      o.static_page};
    page_range range = page_of(t.starts, t.entries.size(), ro.page);
    if (o.page_offset == 0 || o.static_page) {  // a static page is always a whole section
      render_thread_html(html, t, ro, &chunks);
    } else {
      // "Load more": only the page's articles, then the next button (or nothing), for the
      // widget to append to the list it already shows.
      render_page_html(html, t, range, ro, &chunks);
      chunks.push_back(html.size());
      render_more_html(html, range, ro);
    }
    meta = {{"ok", true},
            {"count", t.entries.size()},
            {"live", t.live},
            {"top_level", t.top_level},
            {"next", r.next.empty() ? nlohmann::json() : nlohmann::json(r.next)},
            {"page", {{"offset", range.offset},
                      {"threads", range.threads},
                      {"next", range.next ? nlohmann::json(*range.next) : nlohmann::json()}}},
            {"chunks", chunks},
            {"ignored", o.ignored},
            {"problems", detail::problems_json(r.problems)},
            {"problemsOmitted", r.problems.omitted()}};
  }
  // The HTML can be tens of MB: prepend the meta in place rather than copying it to a new string.
  std::string head = detail::dump(meta);
  head += '\0';
  html.insert(0, head);
  return html;
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
    meta = {{"ok", true},
            {"count", shown},
            {"items", f.items.size()},
            {"problems", detail::problems_json(f.problems)},
            {"problemsOmitted", f.problems.omitted()}};
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
  if (key == "loading") return std::string(loc.loading);
  if (key == "local_only") return std::string(loc.local_only);
  if (key == "retry") return std::string(loc.retry);
  return {};
}

// ---- Posting: the compose form, the live preview, one comment on its own ----------------------
//
// Options add to widget_options: "parent" (the comment replied to, "" for top level),
// "parentDepth" (its data-depth; absent or -1 for top level), "state" ("stored", "sending",
// "unsent") and "clientId" (the post's idempotency key, kept on the article).

namespace detail {
struct compose_options {
  std::string parent, client_id;
  int parent_depth = -1;
  std::optional<local_state> state = local_state::stored;
};
inline compose_options parse_compose_options(std::string_view json) {
  compose_options c;
  auto j = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (!j.is_object()) return c;
  auto str = [&](const char* key) -> const std::string* {
    auto f = j.find(key);
    return f != j.end() && f->is_string() ? &f->get_ref<const std::string&>() : nullptr;
  };
  if (auto s = str("parent")) c.parent = *s;
  if (auto s = str("clientId")) c.client_id = *s;
  if (auto s = str("state")) c.state = parse_local_state(*s);
  if (auto f = j.find("parentDepth"); f != j.end() && f->is_number_integer()) {
    auto v = f->get<int64_t>();
    c.parent_depth = v < 0 || v > 1000 ? -1 : int(v);
  }
  return c;
}
// The depth a reply to a comment at `parent_depth` is shown at (-1: a top-level comment).
inline int reply_depth(int parent_depth, int max_depth) {
  return parent_depth < 0 ? 0 : std::min(parent_depth + 1, std::max(0, max_depth));
}
}  // namespace detail

// Comment text in, its formatted body HTML out (what the thread will show), for the live preview.
//
//   colloquy::preview("Hello *there*", "{}")  // {"ok":true} '\0' <p>Hello …</p>
inline std::string preview(std::string_view text, std::string_view /*options_json*/) {
  std::string out = R"({"ok":true})";
  out += '\0';
  append_markup_html(out, text);
  return out;
}

// The compose form in the widget's language: at the bottom of the thread (no "parent") or as a
// reply form under a comment ({"parent":"c1","parentDepth":0}). The input bytes are unused.
//
//   colloquy::render_compose("", R"({"locale":"en"})")  // {"ok":true,"depth":0} '\0' <form class="compose" …
inline std::string render_compose(std::string_view /*input*/, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  detail::compose_options c = detail::parse_compose_options(options_json);
  int depth = c.parent.empty() ? 0 : detail::reply_depth(c.parent_depth, o.max_depth);
  std::string out = detail::dump({{"ok", true}, {"depth", depth}});
  out += '\0';
  render_compose_form_html(out, {&find_locale(o.locale), c.parent, depth});
  return out;
}

// One comment (DESIGN §2 object) in, its <article> out, at the depth a reply to "parentDepth"
// takes, marked with "state": how the widget shows a post at once, an unsent one after a
// reload, and the server's answer in its place.
//
//   colloquy::render_comment(R"({"id":"c9","created":0,"text":"hi","status":"pending"})", "{}")
//   // {"ok":true,"depth":0} '\0' <article class="comment pending" …><p class="state">Awaiting moderation</p></article>
inline std::string render_comment(std::string_view comment_json, std::string_view options_json) {
  widget_options o = parse_widget_options(options_json);
  detail::compose_options c = detail::parse_compose_options(options_json);
  nlohmann::json meta;
  std::string html;
  problem error;
  int depth = detail::reply_depth(c.parent_depth, o.max_depth);
  render_options ro{&find_locale(o.locale), o.zone, {o.now_ms, o.relative_max_ms}, o.order, {}, {}};
  if (!c.state) {
    meta = {{"ok", false}, {"error", {{"code", "bad_option"}, {"message", "state must be stored, sending or unsent"}, {"field", "state"}}}};
  } else if (!render_single_comment_html(html, comment_json, depth, *c.state, c.client_id, ro, &error)) {
    meta = {{"ok", false}, {"error", detail::problem_json(error)}};
  } else {
    meta = {{"ok", true}, {"depth", depth}};
  }
  std::string out = detail::dump(meta);
  out += '\0';
  out += html;
  return out;
}

namespace detail {
// A draft checked by the same code the server runs (compose.hpp): the meta of check_draft and
// check_compose. `loc` null: compose.hpp's own (English) messages; otherwise the locale's.
inline std::string check_draft_meta(std::string_view json, std::string_view options_json, const locale_data* loc) {
  draft_options o;
  auto opts = nlohmann::json::parse(options_json.begin(), options_json.end(), nullptr, false);
  if (opts.is_object()) {
    auto f = opts.find("requireClientId");
    if (f != opts.end() && f->is_boolean()) o.require_client_id = f->get<bool>();
  }
  draft_result r = read_draft(json, o);
  nlohmann::json problems = nlohmann::json::array();
  for (const auto& p : r.problems) {
    std::string message = p.message;
    if (loc) {
      message.clear();
      append_draft_message(message, p.code, *loc);
    }
    problems.push_back({{"code", p.code}, {"field", p.field}, {"message", std::move(message)}});
  }
  return dump({{"ok", r.ok()}, {"draft", draft_json(r.value)}, {"problems", std::move(problems)}});
}
}  // namespace detail

// Draft JSON (the posting shape, DESIGN §3, plus an optional "honeypot") in, meta JSON out; no
// '\0' and no HTML follow it. Options: {"requireClientId": false} while the reader types.
//
//   colloquy::check_draft(R"({"thread":"/p","text":" hi\r\n","clientId":"a1"})", "{}");
//   // {"ok":true,"draft":{"thread":"/p","parent":null,"author":{"name":"","location":""},
//   //  "text":"hi","clientId":"a1"},"problems":[]}
//   // problems: [{"code":"text_required","field":"text","message":"the comment is empty"}, …]
inline std::string check_draft(std::string_view json, std::string_view options_json) {
  return detail::check_draft_meta(json, options_json, nullptr);
}

// check_draft with each problem's message in the widget's "locale": what the compose form shows
// next to each field. Same input, options and meta shape as check_draft.
//
//   colloquy::check_compose(R"({"thread":"/p","text":"  "})", R"({"requireClientId":false})")
//   // {"ok":false,"draft":{…},"problems":[{"code":"text_required","field":"text","message":"Please write a comment."}]}
inline std::string check_compose(std::string_view json, std::string_view options_json) {
  return detail::check_draft_meta(json, options_json, &find_locale(parse_widget_options(options_json).locale));
}

// Problems from elsewhere (a server's {"code","field","message"} refusal) in, the same problems
// worded in the widget's language out (meta only). Items that are not objects are skipped.
//
//   colloquy::describe_problems(R"([{"code":"text_too_long","field":"text"}])", "{}")
//   // {"ok":true,"problems":[{"code":"text_too_long","field":"text","message":"This comment is too long."}]}
inline std::string describe_problems(std::string_view problems_json, std::string_view options_json) {
  const locale_data& loc = find_locale(parse_widget_options(options_json).locale);
  auto in = nlohmann::json::parse(problems_json.begin(), problems_json.end(), nullptr, false);
  nlohmann::json problems = nlohmann::json::array();
  if (in.is_array()) {
    for (const auto& p : in) {
      if (!p.is_object()) continue;
      auto text = [&](const char* key) {
        auto f = p.find(key);
        return f != p.end() && f->is_string() ? f->get<std::string>() : std::string();
      };
      std::string code = text("code"), field = text("field"), message;
      append_draft_message(message, code.empty() ? "unknown" : code, loc);
      problems.push_back({{"code", code}, {"field", field}, {"message", std::move(message)}});
    }
  }
  return detail::dump({{"ok", in.is_array()}, {"problems", std::move(problems)}});
}

// A comments server's answer to a post, judged (DESIGN §3): its body in, options {"status":N}
// (the HTTP status), meta JSON out with "outcome":
//   "delivered": a 2xx whose body is a comment (an object with an id);
//   "refused" with "error" {code, field}: a 4xx other than 408 and 429 with a JSON error, or an
//     answer that cannot be used, which is bad_answer (a 2xx that is no comment, an error page
//     for a 4xx): sending the same bytes again would get the same answer, so it is not re-sent;
//   "retry": anything else (5xx, 408, 429, no status): the post waits in the outbox.
//
//   colloquy::judge_answer("<html>Created</html>", R"({"status":201})")
//   // {"outcome":"refused","error":{"code":"bad_answer","field":""}}
inline std::string judge_answer(std::string_view body, std::string_view options_json) {
  auto opts = nlohmann::json::parse(options_json.begin(), options_json.end(), nullptr, false);
  int status = 0;
  if (opts.is_object()) {
    auto f = opts.find("status");
    if (f != opts.end() && f->is_number_integer()) status = f->get<int>();
  }
  auto j = nlohmann::json::parse(body.begin(), body.end(), nullptr, false);
  auto refused = [](std::string_view code, std::string_view field) {
    return detail::dump({{"outcome", "refused"}, {"error", {{"code", code}, {"field", field}}}});
  };
  if (status >= 200 && status < 300) {
    auto id = j.is_object() ? j.find("id") : j.end();
    bool comment = j.is_object() && id != j.end() && ((id->is_string() && !id->get_ref<const std::string&>().empty()) || id->is_number_integer());
    return comment ? std::string(R"({"outcome":"delivered"})") : refused(errc::bad_answer, "");
  }
  if (status >= 400 && status < 500 && status != 408 && status != 429) {
    auto e = j.is_object() ? j.find("error") : j.end();
    if (e == j.end() || !e->is_object()) return refused(errc::bad_answer, "");
    auto text = [&](const char* key) {
      auto f = e->find(key);
      return f != e->end() && f->is_string() ? f->get<std::string>() : std::string();
    };
    std::string code = text("code");
    return refused(code.empty() ? std::string(errc::bad_answer) : code, text("field"));
  }
  return R"({"outcome":"retry"})";
}

// ---- The loader's questions (widget.hpp, feed_tree.hpp) ---------------------------------------

// The loader's defaults (widget_options' own and the loader's, widget.hpp) and the messages it
// shows, in the options' language. With "{}" this is the table the build writes into the
// shipped loader (defaults and English messages), so neither is spelled in JavaScript; the
// loader asks again with its options once the module is loaded, for the messages in its language.
//
//   colloquy::widget_setup("", R"({"locale":"fr"})")
//   // {"defaults":{"sort":"oldest",…,"target":"#colloquy",…},"messages":{"retry":"Réessayer",…}}
inline std::string widget_setup(std::string_view /*input*/, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  const widget_options d;
  std::string out = R"({"defaults":{)";
  detail::append_json_member(out, "sort", name_of(d.order));
  detail::append_json_member(out, "locale", find_locale(d.locale).tag);
  detail::append_json_member(out, "pageSize", int64_t(d.page_size));
  detail::append_json_member(out, "storiesCount", int64_t(d.stories_count));
  detail::append_json_member(out, "summaryLength", int64_t(d.summary_length));
  detail::append_json_member(out, "relativeDays", d.relative_max_ms / 86400000);
  detail::append_json_member(out, "timeZone", "UTC");
  append_loader_defaults(out);
  out += R"(},"messages":{)";
  append_loader_messages(out, find_locale(o.locale));
  out += "}}";
  return out;
}

// An RSS or Atom feed as the loader's element tree (feed_tree.hpp) in, the answer of
// render_stories out: the tree is mapped to a JSON Feed, which is then read like any other.
inline std::string render_feed_tree(std::string_view tree, std::string_view options_json) {
  feed_tree_result mapped = map_feed_tree(tree);
  if (mapped.ok) return render_stories(mapped.json, options_json);
  std::string out = R"({"ok":false,"error":{)";
  detail::append_json_member(out, "code", mapped.error.code);
  detail::append_json_member(out, "message", mapped.error.message);
  out += "}}";
  out += '\0';
  return out;
}

// data-theme="auto": the page's colours in, "light" or "dark" out (widget.hpp scheme_for). Input:
// the page's color-scheme on the first line, "dark" on the second when the reader prefers dark,
// then one background per line ("r g b a", 0..255) from the mount element up.
//
//   colloquy::page_scheme("normal\n\n0 0 0 0\n17 17 17 255", "{}")   // "dark"
inline std::string page_scheme(std::string_view input, std::string_view /*options_json*/) {
  std::size_t first = std::min(input.find('\n'), input.size());
  std::size_t second = std::min(input.find('\n', first + 1), input.size());
  page_colors page{input.substr(0, first), input.substr(std::min(first + 1, input.size()), second - std::min(first + 1, second)) == "dark"};
  return std::string(scheme_for(input.substr(std::min(second + 1, input.size())), page));
}

// Where a new comment goes in the thread on show: the thread's pages in (as for render_comments),
// the last page holding the new comment first (the widget appends it as a page of its own; a
// copy already in the thread keeps the thread's); meta out: its "id", "parent" and "pending"
// (status), "after", the id of the comment it follows in display order under the options'
// sort (null: first), and "count", the header's count with it. The widget inserts one article
// there instead of rendering the thread again.
//
//   colloquy::place_comment("[…]\0[{\"id\":\"c9\",…}]", R"({"sort":"newest"})")
//   // {"ok":true,"id":"c9","parent":null,"pending":false,"after":null,"count":"4 Comments"}
inline std::string place_comment(std::string_view pages, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  auto failed = [](const problem& p) {
    std::string out = R"({"ok":false,"error":{)";
    detail::append_json_member(out, "code", p.code);
    detail::append_json_member(out, "message", p.message);
    return out + "}}";
  };
  const std::size_t last = pages.rfind('\0');
  read_result page = read_comments(last == std::string_view::npos ? pages : pages.substr(last + 1));
  if (!page.ok || page.comments.empty())
    return failed(page.ok ? problem{std::string(errc::no_comments), "", 0, "", "no comment to place"} : page.error);
  const comment& placed = page.comments.front();
  read_result r = read_comment_pages(pages);
  if (!r.ok) return failed(r.error);
  thread t = build_thread(std::move(r.comments), {o.order, o.max_depth, o.sort_replies}, nullptr, &r.ids);
  std::string out = R"({"ok":true)";
  detail::append_json_member(out, "id", placed.id);
  out += R"(,"parent":)";
  if (placed.parent.empty()) out += "null";
  else detail::append_json_string(out, placed.parent);
  out += placed.status == comment_status::pending ? R"(,"pending":true,"after":)" : R"(,"pending":false,"after":)";
  std::string_view after;
  for (const thread_entry& e : t.entries) {
    if (t.comments[e.index].id == placed.id) break;
    after = t.comments[e.index].id;
  }
  if (after.empty()) out += "null";
  else detail::append_json_string(out, after);
  std::string count;
  append_comment_count(count, find_locale(o.locale), t.live);
  detail::append_json_member(out, "count", count);
  return out + "}";
}

}  // namespace colloquy
