// The wasm boundary's answers: the typed entry points of api.hpp with JSON options in and JSON
// out, as web/colloquy.js reads them. Only wasm/boundary.cpp (and the tests of these shapes)
// use this header; the CLI and the server call api.hpp directly. JSON is read with the core's
// own reader (json_reader.hpp) and written with its writer (json_writer.hpp).
//
//   std::string out = colloquy::render_comments(document_bytes, R"({"sort":"oldest"})");
//   // out = <meta JSON> '\0' <HTML>
//
// Meta is a small JSON object: {"ok":true,"count":3,"top_level":3,"next":null,"chunks":[…],
// "problems":[{"code":…,"id":…,"index":…,"field":…}],"problemsOmitted":0} or {"ok":false,"error":{…}}
// ("problems" holds the first 1,000, limits::max_problems; "problemsOmitted" counts the rest; a
// document that is not JSON has "line" and "column" in its error).
// `chunks` are byte offsets into the HTML where top-level threads start (for sliced insertion).
// Meta adds "live", "page":{"offset","threads","next"} and "ignored" (the options not honoured,
// by name). Options: "sort", "maxDepth", "sortReplies", "pageSize", "offset", "static",
// "locale", "timeZone", "now", "relativeDays", "storiesCount", "summaryLength", "pageUrl",
// "votes", "avatars" (booleans or "on"/"off", default true), "theme" ("auto", "light", "dark"),
// "voted" ({"<id>": 1 | -1}: this reader's votes), "editable" (["<id>"] or {"<id>": {"until": ms}}: the
// comments this reader may edit or delete now) (see widget_options in api.hpp). Keys of every object are
// written in sorted order.
#pragma once
#include <algorithm>
#include <iterator>
#include <string>
#include <string_view>

#include "colloquy/api.hpp"
#include "colloquy/cold.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/feed_tree.hpp"
#include "colloquy/json_reader.hpp"
#include "colloquy/json_writer.hpp"
#include "colloquy/widget.hpp"

// Options and answers are read and written once per call: built for size in the widget.
COLLOQUY_COLD_BEGIN
namespace colloquy {

namespace detail {
// "voted": {"<id>": 1 | -1, …} and "editable": ["<id>", …] (ids as strings or integers, like
// comment ids) or {"<id>": {"until": ms, …}, …} (those whose window is open at "now"). Entries that are not of that shape are skipped and "voted"/"editable" listed in
// `ignored`; at most limits::max_comments of each are kept (no more comments can be shown).
inline void read_reader_actions(const json_document::ref& j, widget_options& o) {
  auto id_of = [](const json_document::ref& v, std::string& out) {
    if (auto s = v.string()) out = *s;
    else if (v.is(json_value::kind::integer) && !v.value().negative) out = decimal(v.value().magnitude);
    else return false;
    return !out.empty() && out.size() <= limits::max_id_bytes;
  };
  bool bad = false;
  std::size_t votes = 0, editable_ids = 0;
  const json_document::ref voted = j["voted"];
  if (voted.is(json_value::kind::object)) {
    for (const json_document::ref m : voted) {
      const json_value& v = m.value();
      if (v.is(json_value::kind::integer) && v.magnitude == 0) continue;  // no vote
      const bool vote = v.is(json_value::kind::integer) && v.magnitude == 1;
      if (!vote || m.key().empty() || m.key().size() > limits::max_id_bytes || votes >= limits::max_comments) {
        bad = true;
        continue;
      }
      o.reader.add_vote(std::string(m.key()), v.negative ? -1 : 1);
      ++votes;
    }
  } else {
    bad = voted.exists();
  }
  if (bad) o.ignored.emplace_back("voted");
  bad = false;
  const json_document::ref editable = j["editable"];
  if (editable.is(json_value::kind::array) || editable.is(json_value::kind::object)) {
    std::string id;
    for (const json_document::ref v : editable) {
      // The object form keeps what the widget stored per comment: only an open window counts.
      if (editable.is(json_value::kind::object)) {
        const json_value& until = v["until"].value();
        const bool timed = until.is(json_value::kind::integer) || until.is(json_value::kind::real);
        if (!timed) bad = true;
        if (!timed || number_value(until) <= double(o.now_ms)) continue;
        id = std::string(v.key());
      }
      const bool named = editable.is(json_value::kind::object) ? !id.empty() && id.size() <= limits::max_id_bytes
                                                               : id_of(v, id);
      if (!named || editable_ids >= limits::max_comments) {
        bad = true;
        continue;
      }
      o.reader.add_editable(std::move(id));
      ++editable_ids;
    }
  } else {
    bad = editable.exists();
  }
  if (bad) o.ignored.emplace_back("editable");
  o.reader.normalize();
}
}  // namespace detail

// The loader's options JSON read into widget_options (unknown keys ignored; a value that cannot
// be used is listed in `ignored` and the default kept).
inline widget_options parse_widget_options(std::string_view json) {
  widget_options o;
  detail::json_document doc;
  if (json.empty() || doc.parse(json) != detail::json_document::status::ok) return o;
  const detail::json_document::ref j = doc.root();
  if (!j.is(detail::json_value::kind::object)) return o;
  auto num = [&](const char* key, std::int64_t lo, std::int64_t hi, auto& out) {
    if (detail::read_int(j, key, lo, hi, out) == detail::int_field::bad) o.ignored.emplace_back(key);
  };
  // true or false, or as a data-* attribute says it: "on" or "off".
  auto boolean = [&](const char* key, bool& out) {
    const detail::json_value& v = j[key].value();
    if (v.is(detail::json_value::kind::boolean)) out = v.magnitude != 0;
    else if (auto s = j.string_at(key); s && (*s == "on" || *s == "off")) out = *s == "on";
    else if (s) o.ignored.emplace_back(key);
  };
  if (auto s = j.string_at("locale")) {
    o.locale = *s;
    if (!has_locale(*s)) o.ignored.emplace_back("locale");
  }
  if (auto s = j.string_at("sort")) {
    if (auto order = sort_order_from_name(*s)) o.order = *order;
    else o.ignored.emplace_back("sort");
  }
  if (auto s = j.string_at("pageUrl")) o.page_url = *s;
  num("maxDepth", 0, limits::max_max_depth, o.max_depth);
  if (auto s = j.string_at("timeZone")) {
    if (auto zone = parse_time_zone(*s)) o.zone = *zone;
    else o.ignored.emplace_back("timeZone");
  }
  if (const detail::json_value& now = j["now"].value();
      now.is(detail::json_value::kind::integer) || now.is(detail::json_value::kind::real)) {
    const double ms = detail::number_value(now);
    if (ms > 0 && ms < double(max_time_ms)) o.now_ms = static_cast<int64_t>(ms);
  }
  int relative_days = 7;
  num("relativeDays", 0, 3650, relative_days);
  o.relative_max_ms = relative_days * 86400000LL;
  num("storiesCount", 0, 50, o.stories_count);
  num("summaryLength", 10, 2000, o.summary_length);
  num("pageSize", 0, limits::max_page_size, o.page_size);
  num("offset", 0, limits::max_comments, o.page_offset);
  boolean("sortReplies", o.sort_replies);
  boolean("static", o.static_page);
  boolean("votes", o.votes);
  boolean("avatars", o.avatars);
  if (auto s = j.string_at("theme")) {
    static constexpr std::string_view themes[] = {"auto", "light", "dark"};
    const std::string_view* t = std::find(std::begin(themes), std::end(themes), *s);
    if (t != std::end(themes)) o.theme = *t;
    else o.ignored.emplace_back("theme");
  }
  read_reader_actions(j, o);
  return o;
}

// The posting options: "parent", "parentDepth", "state" ("stored", "sending", "unsent") and
// "clientId".
inline compose_options parse_compose_options(std::string_view json) {
  compose_options c;
  detail::json_document doc;
  if (doc.parse(json) != detail::json_document::status::ok) return c;
  const detail::json_document::ref j = doc.root();
  if (auto s = j.string_at("parent")) c.parent = *s;
  if (auto s = j.string_at("clientId")) c.client_id = *s;
  if (auto s = j.string_at("edit")) c.edit = *s;
  if (auto s = j.string_at("state")) c.state = parse_local_state(*s);
  std::int64_t depth = -1;
  if (detail::read_int(j, "parentDepth", INT64_MIN + 1, INT64_MAX, depth) == detail::int_field::ok)
    c.parent_depth = depth < 0 || depth > 1000 ? -1 : int(depth);
  return c;
}

namespace detail {
// The "problems" array and "problemsOmitted" (how many more there were) of a meta.
inline void write_problems(json_writer& w, const problem_list& ps) {
  w.key("problems").begin_array();
  for (const problem& p : ps) write_json(w, p);
  w.end_array().key("problemsOmitted").number(ps.omitted());
}
// {"error":{…},"ok":false}
inline void write_failure(std::string& out, const problem& error) {
  json_writer w(out);
  w.begin_object().key("error");
  write_json(w, error);
  w.key("ok").boolean(false).end_object();
}
// A draft's problems as the compose form shows them: {code, field, message} each.
inline void write_draft_problems(json_writer& w, const std::vector<problem>& ps) {
  w.key("problems").begin_array();
  for (const problem& p : ps)
    w.begin_object().key("code").string(p.code).key("field").string(p.field).key("message").string(p.message).end_object();
  w.end_array();
}
}  // namespace detail

namespace detail {
// A comments view as the loader reads it: meta + '\0' + HTML. A session's page adds "rest"
// ({"from","to"}: the entries still to render, or null) and "session" (its id).
inline std::string comments_answer(comments_view&& v, const widget_options& o, std::uint32_t session = 0) {
  std::string head;
  if (!v.ok) {
    write_failure(head, v.error);
  } else {
    json_writer w(head);
    w.begin_object().key("chunks").begin_array();
    for (std::size_t c : v.chunks) w.number(c);
    w.end_array().key("count").number(v.count).key("ignored").begin_array();
    for (const std::string& k : o.ignored) w.string(k);
    w.end_array().key("live").number(v.live).key("next").string_or_null(v.next).key("ok").boolean(true);
    w.key("page").begin_object().key("next");
    if (v.page.next) w.number(*v.page.next);
    else w.null();
    w.key("offset").number(v.page.offset).key("threads").number(v.page.threads).end_object();
    write_problems(w, v.problems);
    if (session) {
      w.key("rest");
      if (v.rest_from < v.rest_to)
        w.begin_object().key("from").number(v.rest_from).key("to").number(v.rest_to).end_object();
      else w.null();
      w.key("session").number(session);
    }
    w.key("top_level").number(v.top_level).end_object();
  }
  // The HTML can be tens of MB: prepend the meta in place rather than copying it to a new string.
  head += '\0';
  v.html.insert(0, head);
  return std::move(v.html);
}
}  // namespace detail

// Comments document (or pages, see read_comment_pages) in, meta + '\0' + HTML out.
inline std::string render_comments(std::string_view document, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  return detail::comments_answer(render_comments_view(document, o), o);
}

// The session a call names (options "session": the id its page answer gave); 0 when none.
inline std::uint32_t session_of(std::string_view options_json) {
  std::uint32_t id = 0;
  detail::json_document doc;
  if (doc.parse(options_json) == detail::json_document::status::ok)
    detail::read_int(doc.root(), "session", 1, UINT32_MAX, id);
  return id;
}

// A session still reading its document (api.hpp comments_session::read): {"ok":true,
// "reading":true,"session":id}; the loader asks it to read on, then for its page.
inline std::string session_reading(std::uint32_t id) {
  std::string out;
  json_writer(out).begin_object().key("ok").boolean(true).key("reading").boolean(true).key("session").number(id).end_object();
  return out + '\0';
}

// The answer to a call naming a session that is not open (closed, or the core started afresh).
inline std::string no_such_session() {
  std::string out;
  detail::write_failure(
      out, problem{std::string(errc::bad_option), "", 0, "session", "no such session: render the thread again"});
  return out + '\0';
}

// A session's page (api.hpp comments_session::render_page) at the options' "offset": the
// answer of render_comments with only the page's first slice of articles, plus "rest" and
// "session" (`id`, the caller's name for the session).
//
//   colloquy::render_session_page(session, R"({"pageSize":20})", 1)
//   // {…,"rest":{"from":16,"to":130},"session":1,…} '\0' <section class="comments" …
inline std::string render_session_page(comments_session& s, std::string_view options_json, std::uint32_t id) {
  const widget_options o = parse_widget_options(options_json);
  return detail::comments_answer(s.render_page(o), o, id);
}

// The next slice of a session's page: options "from" and "to" (a "rest"); meta + '\0' + the
// slice's articles out, meta {"ok":true,"rest":{"from","to"} or null}.
//
//   colloquy::render_session_slice(session, R"({"from":16,"to":130})")
//   // {"ok":true,"rest":{"from":64,"to":130}} '\0' <div class="comment" role="article" …
inline std::string render_session_slice(comments_session& s, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  std::size_t from = 0, to = 0;
  detail::json_document doc;
  if (doc.parse(options_json) == detail::json_document::status::ok) {
    detail::read_int(doc.root(), "from", 0, INT64_MAX, from);
    detail::read_int(doc.root(), "to", 0, INT64_MAX, to);
  }
  comments_slice slice = s.render_slice(from, to, o);
  std::string head;
  json_writer w(head);
  w.begin_object().key("ok").boolean(true).key("rest");
  if (slice.rest_from < slice.rest_to)
    w.begin_object().key("from").number(slice.rest_from).key("to").number(slice.rest_to).end_object();
  else w.null();
  w.end_object();
  head += '\0';
  slice.html.insert(0, head);
  return std::move(slice.html);
}

// JSON Feed in, meta + '\0' + cards HTML out. Meta: {"ok":true,"count":cards,"items":usable
// items,"problems":[…]} or {"ok":false,"error":{…}}. No cards: empty HTML (the strip disappears).
inline std::string render_stories(std::string_view feed, std::string_view options_json) {
  stories_view v = render_stories_view(feed, parse_widget_options(options_json));
  std::string out;
  if (!v.ok) {
    detail::write_failure(out, v.error);
  } else {
    json_writer w(out);
    w.begin_object().key("count").number(v.count).key("items").number(v.items).key("ok").boolean(true);
    detail::write_problems(w, v.problems);
    w.end_object();
  }
  out += '\0';
  out += v.html;
  return out;
}

// ISO 8601 times in (one per line), their labels out (api.hpp time_labels).
inline std::string format_times(std::string_view times, std::string_view options_json) {
  return time_labels(times, parse_widget_options(options_json));
}

// A message of the widget's own, in its language, by key (api.hpp ui_text); the counted ones,
// "new_comments" and "more_loaded", take {"count":N} and the language's plural rules.
//
//   colloquy::ui_message("new_comments", R"({"locale":"ru","count":2})")  // "2 новых комментария"
inline std::string ui_message(std::string_view key, std::string_view options_json) {
  const locale_data& loc = parse_widget_options(options_json).language();
  const plural_text* counted = key == "new_comments"  ? &loc.new_comments
                               : key == "more_loaded" ? &loc.more_loaded
                                                      : nullptr;
  if (!counted) return std::string(ui_text(key, loc));
  std::int64_t n = 0;
  detail::json_document opts;
  if (opts.parse(options_json) == detail::json_document::status::ok)
    detail::read_int(opts.root(), "count", 0, INT32_MAX, n);
  std::string out;
  expand_pattern(
      plural_form(loc, *counted, n), [&](std::string_view) { append_decimal(out, n); }, out);
  return out;
}

// The comments a thread on show lacks: its pages, then a fresh page from the server as the last
// page, in; meta out: {"count":N,"ok":true,"threads":T}, N the published comments of the fresh
// page whose ids the pages before it do not hold (what the live update offers as "N new
// comments"; a reply whose thread is on a server page not read yet is not one: see
// read_comment_pages), T how many of them start a thread (no parent).
//
//   colloquy::new_comments("[{\"id\":\"c1\",…}]\0[{\"id\":\"c1\",…},{\"id\":\"c2\",…}]", "{}")
//   // {"count":1,"ok":true,"threads":1}
inline std::string new_comments(std::string_view pages, std::string_view /*options_json*/) {
  // A later page's copy of a comment takes the earlier one's place, so what follows the pages
  // before the fresh one is what it adds.
  const std::size_t last = pages.rfind('\0');
  const std::size_t known = last == std::string_view::npos ? 0
                                                           : read_comment_pages(pages.substr(0, last)).comments.size();
  read_result r = read_comment_pages(pages);
  std::string out;
  if (!r.ok) {
    detail::write_failure(out, r.error);
    return out;
  }
  std::int64_t n = 0, threads = 0;
  for (std::size_t i = known; i < r.comments.size(); ++i) {
    if (r.comments[i].status != comment_status::published) continue;
    ++n;
    if (r.comments[i].parent.empty()) ++threads;
  }
  json_writer(out).begin_object().key("count").number(n).key("ok").boolean(true).key("threads").number(threads).end_object();
  return out;
}

// Comment text in, its formatted body HTML out (what the thread will show), for the live preview.
//
//   colloquy::preview("Hello *there*", "{}")  // {"ok":true} '\0' <p>Hello …</p>
inline std::string preview(std::string_view text, std::string_view /*options_json*/) {
  std::string out = R"({"ok":true})";
  out += '\0';
  append_markup_html(out, text);
  return out;
}

namespace detail {
// A form as the loader reads it: {"depth":N,"ok":true} '\0' <form …>.
inline std::string form_answer(const compose_view& v) {
  std::string out;
  json_writer(out).begin_object().key("depth").number(v.depth).key("ok").boolean(true).end_object();
  out += '\0';
  out += v.html;
  return out;
}
}  // namespace detail

// The compose form: at the bottom of the thread (no "parent") or as a reply form under a
// comment ({"parent":"c1","parentDepth":0}). The input bytes are unused.
//
//   colloquy::render_compose("", R"({"locale":"en"})")  // {"depth":0,"ok":true} '\0' <form class="compose" …
inline std::string render_compose(std::string_view /*input*/, std::string_view options_json) {
  return detail::form_answer(render_compose_view(parse_widget_options(options_json), parse_compose_options(options_json)));
}

// The form that edits the reader's comment {"edit":"c1","parentDepth":1} (its id and depth;
// api.hpp render_edit_view), holding the comment's text as the thread's pages (the input, as
// for render_comments) have it now. A comment the pages do not hold: no_such_comment, no form.
//
//   colloquy::render_edit("[{\"id\":\"c1\",…,\"text\":\"Hi\"}]", R"({"edit":"c1","parentDepth":1})")
//   // {"depth":1,"ok":true} '\0' <form class="compose reply edit" part="compose" data-parent="" data-edit="c1" …
inline std::string render_edit(std::string_view pages, std::string_view options_json) {
  const compose_options c = parse_compose_options(options_json);
  const read_result r = read_comment_pages(pages);
  const auto at = r.ok ? r.ids.find(c.edit, [&](std::uint32_t k) -> std::string_view { return r.comments[k].id; })
                       : std::nullopt;
  if (!at) {
    std::string out;
    detail::write_failure(out,
                          problem{std::string(errc::no_such_comment), c.edit, 0, "edit", "no comment with that id"});
    return out;
  }
  return detail::form_answer(render_edit_view(parse_widget_options(options_json), c, r.comments[*at].text));
}

// What only posting says, by key (api.hpp action_text), in the options' language.
inline std::string action_message(std::string_view key, std::string_view options_json) {
  return std::string(action_text(key, parse_widget_options(options_json).language()));
}

// One comment (DESIGN §2 object) in, its div.comment out: options add "parentDepth", "state"
// and "clientId" (api.hpp render_comment_view).
//
//   colloquy::render_comment(R"({"id":"c9","created":0,"text":"hi","status":"pending"})", "{}")
//   // {"depth":0,"ok":true} '\0' <div class="comment pending" …><p class="state">Awaiting moderation</p></div>
inline std::string render_comment(std::string_view comment_json, std::string_view options_json) {
  comment_view v = render_comment_view(comment_json, parse_widget_options(options_json),
                                       parse_compose_options(options_json));
  std::string out;
  if (!v.ok) detail::write_failure(out, v.error);
  else json_writer(out).begin_object().key("depth").number(v.depth).key("ok").boolean(true).end_object();
  out += '\0';
  out += v.html;
  return out;
}

namespace detail {
// The meta of check_draft and check_compose: {"draft":{…},"ok":…,"problems":[…]}.
inline std::string check_draft_meta(std::string_view json, std::string_view options_json, const locale_data* loc) {
  draft_options o;
  json_document opts;
  if (opts.parse(options_json) == json_document::status::ok) {
    const json_value& v = opts.root()["requireClientId"].value();
    if (v.is(json_value::kind::boolean)) o.require_client_id = v.magnitude != 0;
  }
  const draft_result r = check_draft_in(json, o, loc);
  const draft& d = r.value;
  std::string out;
  json_writer w(out);
  w.begin_object().key("draft").begin_object();
  w.key("author").begin_object().key("location").string(d.location).key("name").string(d.name).end_object();
  w.key("clientId").string(d.client_id).key("parent").string_or_null(d.parent).key("text").string(d.text);
  w.key("thread").string(d.thread).end_object().key("ok").boolean(r.ok());
  write_draft_problems(w, r.problems);
  w.end_object();
  return out;
}
}  // namespace detail

// Draft JSON (the posting shape, DESIGN §3, plus an optional "honeypot") in, meta JSON out; no
// '\0' and no HTML follow it. Options: {"requireClientId": false} while the reader types.
//
//   colloquy::check_draft(R"({"thread":"/p","text":" hi\r\n","clientId":"a1"})", "{}");
//   // {"draft":{"author":{"location":"","name":""},"clientId":"a1","parent":null,"text":"hi",
//   //  "thread":"/p"},"ok":true,"problems":[]}
//   // problems: [{"code":"text_required","field":"text","message":"the comment is empty"}, …]
inline std::string check_draft(std::string_view json, std::string_view options_json) {
  return detail::check_draft_meta(json, options_json, nullptr);
}

// check_draft with each problem's message in the widget's "locale": what the compose form shows
// next to each field. Same input, options and meta shape as check_draft.
inline std::string check_compose(std::string_view json, std::string_view options_json) {
  return detail::check_draft_meta(json, options_json, &parse_widget_options(options_json).language());
}

// Problems from elsewhere (a server's {"code","field","message"} refusal) in, the same problems
// worded in the widget's language out (meta only). Items that are not objects are skipped.
//
//   colloquy::describe_problems(R"([{"code":"text_too_long","field":"text"}])", "{}")
//   // {"ok":true,"problems":[{"code":"text_too_long","field":"text","message":"This comment is too long."}]}
inline std::string describe_problems(std::string_view problems_json, std::string_view options_json) {
  const locale_data& loc = parse_widget_options(options_json).language();
  detail::json_document in;
  const bool parsed = in.parse(problems_json) == detail::json_document::status::ok;
  const bool list = parsed && in.root().is(detail::json_value::kind::array);
  std::vector<problem> problems;
  if (list)
    for (const detail::json_document::ref p : in.root()) {
      if (!p.is(detail::json_value::kind::object)) continue;
      problem& q = problems.emplace_back();
      if (auto s = p.string_at("code")) q.code = *s;
      if (auto s = p.string_at("field")) q.field = *s;
      append_draft_message(q.message, q.code.empty() ? "unknown" : q.code, loc);
    }
  std::string out;
  json_writer w(out);
  w.begin_object().key("ok").boolean(list);
  detail::write_draft_problems(w, problems);
  w.end_object();
  return out;
}

// A comments server's answer to a post, judged (api.hpp judge_answer_view): its body in,
// options {"status":N} (the HTTP status), meta JSON out with "outcome".
//
//   colloquy::judge_answer("<html>Created</html>", R"({"status":201})")
//   // {"error":{"code":"bad_answer","field":""},"outcome":"refused"}
inline std::string judge_answer(std::string_view body, std::string_view options_json) {
  int status = 0;
  detail::json_document opts;
  if (opts.parse(options_json) == detail::json_document::status::ok)
    detail::read_int(opts.root(), "status", INT32_MIN, INT32_MAX, status);
  const answer_verdict v = judge_answer_view(body, status);
  switch (v.result) {
    case answer_verdict::outcome::delivered: return R"({"outcome":"delivered"})";
    case answer_verdict::outcome::retry: return R"({"outcome":"retry"})";
    case answer_verdict::outcome::refused: break;
  }
  std::string out;
  json_writer(out)
      .begin_object()
      .key("error")
      .begin_object()
      .key("code")
      .string(v.code)
      .key("field")
      .string(v.field)
      .end_object()
      .key("outcome")
      .string("refused")
      .end_object();
  return out;
}

// ---- The loader's questions (widget.hpp, feed_tree.hpp) ---------------------------------------

// The loader's defaults (widget_options' own and the loader's, widget.hpp) and the messages it
// shows, in the options' language. With "{}" this is the table the build writes into the
// shipped loader (defaults and English messages), so neither is spelled in JavaScript; the
// loader asks again with its options once the module is loaded, for the messages in its language.
//
//   colloquy::widget_setup("", R"({"locale":"fr"})")
//   // {"defaults":{"sort":"oldest",…,"target":"#colloquy",…},"messages":{"retry":"Réessayer",…},"lang":"fr","dir":"ltr"}
inline std::string widget_setup(std::string_view /*input*/, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  const widget_options d;
  std::string out;
  json_writer w(out);
  w.begin_object()
      .key("defaults")
      .begin_object()
      .member("sort", name_of(d.order))
      .member("locale", find_locale(d.locale).tag)
      .member("pageSize", d.page_size)
      .member("storiesCount", d.stories_count)
      .member("summaryLength", d.summary_length)
      .member("relativeDays", d.relative_max_ms / 86400000)
      .member("timeZone", "UTC");
  write_loader_defaults(w);
  w.end_object().key("messages").begin_object();
  write_loader_messages(w, find_locale(o.locale));
  // The language of those words and its direction: the widget's root carries them (lang, dir),
  // for screen readers and for the order of the words.
  const locale_data& loc = find_locale(o.locale);
  w.end_object().member("lang", loc.tag).member("dir", loc.dir).end_object();
  return out;
}

// An RSS or Atom feed as the loader's element tree (feed_tree.hpp) in, the answer of
// render_stories out: the tree is mapped to a JSON Feed, which is then read like any other.
inline std::string render_feed_tree(std::string_view tree, std::string_view options_json) {
  feed_tree_result mapped = map_feed_tree(tree);
  if (mapped.ok) return render_stories(mapped.json, options_json);
  std::string out;
  detail::write_failure(out, mapped.error);
  out += '\0';
  return out;
}

// The widget's scheme: the options' "theme" when it is "light" or "dark"; for "auto" (or none),
// the page's colours in, "light" or "dark" out, followed by " opaque" when the widget paints its
// own background of that scheme (widget.hpp choose_scheme). Input: the page's color-scheme on
// the first line, "dark" on the second when the reader prefers dark, then one background per line
// ("r g b a", 0..255, then the background-image: "none", a url(), a gradient) from the mount
// element up.
//
//   colloquy::page_scheme("normal\n\n0 0 0 0\n17 17 17 255", "{}")   // "dark"
//   colloquy::page_scheme("normal\n\n0 0 0 0\n17 17 17 255", R"({"theme":"light"})")   // "light"
//   colloquy::page_scheme("normal\n\n119 119 119 255", "{}")   // "light opaque": #222 on #777 is 3.5:1
inline std::string page_scheme(std::string_view input, std::string_view options_json) {
  const std::string_view theme = parse_widget_options(options_json).theme;
  if (theme != "auto") return std::string(theme);
  std::size_t first = std::min(input.find('\n'), input.size());
  std::size_t second = std::min(input.find('\n', first + 1), input.size());
  page_colors page{input.substr(0, first),
                   input.substr(std::min(first + 1, input.size()), second - std::min(first + 1, second)) == "dark"};
  return std::string(choose_scheme(input.substr(std::min(second + 1, input.size())), page));
}

// Where a new comment goes in the thread on show: the thread's pages in (as for render_comments),
// the last page holding the new comment first (the widget appends it as a page of its own,
// which takes the place of a copy the thread has: read_comment_pages); meta out: its "id",
// "parent" and "pending" (status), "after", the id of the comment it follows in display order
// under the options' sort (null: first), and "count", the header's count with it. The widget inserts one article
// there instead of rendering the thread again.
//
//   colloquy::place_comment("[…]\0[{\"id\":\"c9\",…}]", R"({"sort":"newest"})")
//   // {"ok":true,"id":"c9","parent":null,"pending":false,"after":null,"count":"4 Comments"}
inline std::string place_comment(std::string_view pages, std::string_view options_json) {
  const widget_options o = parse_widget_options(options_json);
  auto failed = [](const problem& p) {
    std::string out;
    detail::write_failure(out, p);
    return out;
  };
  const std::size_t last = pages.rfind('\0');
  read_result page = read_comments(last == std::string_view::npos ? pages : pages.substr(last + 1));
  if (!page.ok || page.comments.empty())
    return failed(page.ok ? problem{std::string(errc::no_comments), "", 0, "", "no comment to place"} : page.error);
  const comment& placed = page.comments.front();
  read_result r = read_comment_pages(pages);
  if (!r.ok) return failed(r.error);
  thread t = build_thread(std::move(r.comments), {o.order, o.max_depth, o.sort_replies}, nullptr, &r.ids);
  std::string_view after;
  for (const thread_entry& e : t.entries) {
    if (t.comments[e.index].id == placed.id) break;
    after = t.comments[e.index].id;
  }
  std::string count;
  append_comment_count(count, find_locale(o.locale), t.live, server_total(r));
  std::string out;
  json_writer(out)
      .begin_object()
      .key("ok")
      .boolean(true)
      .member("id", placed.id)
      .key("parent")
      .string_or_null(placed.parent)
      .key("pending")
      .boolean(placed.status == comment_status::pending)
      .key("after")
      .string_or_null(after)
      .member("count", count)
      .end_object();
  return out;
}

}  // namespace colloquy
COLLOQUY_COLD_END
