// The pipeline's entry points, typed: bytes and options in, a result struct out. The wasm
// boundary (boundary.hpp, wasm/boundary.cpp) turns these into JSON for the loader; the CLI and
// the server use them directly.
//
//   colloquy::widget_options o;
//   o.order = colloquy::sort_order::top;
//   colloquy::comments_view v = colloquy::render_comments_view(document_bytes, o);
//   if (v.ok) std::fwrite(v.html.data(), 1, v.html.size(), stdout);  // v.problems: what was repaired
//
// Threads: `order`, `max_depth`, `sort_replies`, `page_size` (top-level threads per page, 0 =
// all) and `page_offset`. With offset 0 the HTML is the whole section with the first page;
// with offset > 0 (a previous view's page.next) it is only that page's articles followed by
// the next "load more" button, to append to the list. `static_page`: HTML for a page without
// the script, the whole section with the page at `page_offset`, no reply, sort or "load more"
// controls (render.hpp).
#pragma once
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/cold.hpp"
#include "colloquy/compose.hpp"
#include "colloquy/compose_render.hpp"
#include "colloquy/error.hpp"
#include "colloquy/id_index.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/read.hpp"
#include "colloquy/render.hpp"
#include "colloquy/sort.hpp"
#include "colloquy/stories.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

// Options shared by every entry point.
struct widget_options {
  std::string locale = "en";
  sort_order order = sort_order::oldest;
  int max_depth = limits::default_max_depth;
  time_zone zone;                                // UTC, ±hh:mm, local, or an IANA name
  int64_t now_ms = 0;                            // the reader's clock (ms); 0: absolute dates only
  int64_t relative_max_ms = 7 * 24 * 3600000LL;  // relative dates up to this age
  std::size_t stories_count = 3;
  std::size_t summary_length = 130;
  std::string page_url;
  // Threads (sort.hpp): top-level threads per page (0 = all), the page's first thread, and
  // whether replies follow `order` too (default: replies oldest first).
  std::size_t page_size = 0;
  std::size_t page_offset = 0;
  bool sort_replies = false;
  // Options given but not usable (an unknown sort, a language not built in, a number out of
  // range): the default is used, and the views list them so the loader can say so.
  std::vector<std::string> ignored;
  // A page without the script (render.hpp render_options::static_page).
  bool static_page = false;
  // Reader actions (render.hpp): vote buttons, avatars, and this reader's votes and editable
  // comments (kept sorted: call reader.normalize() after filling it by hand).
  bool votes = true;
  bool avatars = true;
  reader_actions reader;
  // A static page's HTML handed on as it is rendered (render.hpp html_drain): the view's
  // `html` then holds only the end of it, and its `chunks` are left empty.
  html_drain drain = {};
  // data-theme: "auto" (the page behind the widget decides, widget.hpp scheme_for), "light" or
  // "dark".
  std::string_view theme = "auto";

  const locale_data& language() const { return find_locale(locale); }
  date_style dates() const { return {now_ms, relative_max_ms}; }
  // The renderer's options for `page` (the caller adds the document's cursor and feed).
  render_options render(page_request page) const {
    render_options ro;
    ro.locale = &language();
    ro.zone = zone;
    ro.dates = dates();
    ro.order = order;
    ro.page = page;
    ro.static_page = static_page;
    ro.votes = votes;
    ro.avatars = avatars;
    ro.reader = &reader;
    if (static_page) ro.drain = drain;
    return ro;
  }
};

// What follows up to render_comments_view runs once per call: built for size.
COLLOQUY_COLD_BEGIN

// ---- Comments: document in, HTML out ------------------------------------------------------

// A rendered thread (or one page of it) and what the loader or the CLI needs to know about it.
struct comments_view {
  bool ok = false;
  problem error;                    // when !ok: the document is unusable
  std::size_t count = 0;            // entries shown (comments and placeholders)
  std::size_t live = 0;             // entries that are not deleted placeholders
  std::size_t top_level = 0;        // top-level threads
  std::string next;                 // the server's cursor ("" when none)
  page_range page;                  // the page rendered
  std::vector<std::size_t> chunks;  // byte offsets into `html` where top-level threads start
  problem_list problems;            // items skipped or repaired, by document index
  std::string html;
  // A session's page rendered a slice at a time: the page's entries still to render, in display
  // order, [rest_from, rest_to) (empty: the page is all in `html`). See comments_session.
  std::size_t rest_from = 0, rest_to = 0;
};

namespace detail {
// A comments document read and threaded: what rendering a page needs (a session keeps it).
struct threaded_document {
  read_result read;  // its comments are moved into `thread`
  thread threaded;
  sort_order order = sort_order::oldest;
};

// Threads what was read (d.read) in the options' order.
inline void thread_read(threaded_document& d, const widget_options& o) {
  if (!d.read.ok) return;
  read_result& r = d.read;
#if !defined(__EMSCRIPTEN__)
  // A page for everyone (`colloquy render`: made natively, never by the widget's module) shows
  // no comment awaiting moderation: it is as deleted, a placeholder while it has replies.
  if (o.static_page)
    for (comment& c : r.comments)
      if (c.status == comment_status::pending) c.status = comment_status::deleted;
#endif
  std::size_t from = r.problems.size();
  d.threaded = build_thread(std::move(r.comments), {o.order, o.max_depth, o.sort_replies}, &r.problems, &r.ids);
  to_document_indexes(r, from);
  d.order = o.order;
}

// Comments read (read_comment_pages, or `colloquy render`'s two readers), threaded.
inline threaded_document thread_of(read_result read, const widget_options& o) {
  threaded_document d;
  d.read = std::move(read);
  thread_read(d, o);
  return d;
}

// The page at o.page_offset of a threaded document, its entries from `until` on left out (a
// session renders them in slices: v.rest_from, v.rest_to).
inline comments_view render_threaded(const threaded_document& d, const widget_options& o, std::size_t until = SIZE_MAX) {
  comments_view v;
  if (!d.read.ok) {
    v.error = d.read.error;
    return v;
  }
  const thread& t = d.threaded;
  render_options ro = o.render({o.page_offset, o.page_size});
  ro.order = d.order;
  ro.cursor = d.read.next;
  ro.total = server_total(d.read);
  ro.feed = d.read.feed;
  v.page = page_of(t.starts, t.entries.size(), ro.page);
  if (o.page_offset == 0 || o.static_page) {  // a static page is always a whole section
    render_thread_html(v.html, t, ro, ro.drain.write ? nullptr : &v.chunks, o.static_page ? SIZE_MAX : until);
  } else {
    // "Load more": only the page's articles, then the next button (or nothing), for the
    // widget to append to the list it already shows.
    page_range shown = v.page;
    shown.last = std::max(shown.first, std::min(shown.last, until));
    render_page_html(v.html, t, shown, ro, &v.chunks);
    v.chunks.push_back(v.html.size());
    render_more_html(v.html, v.page, ro);
  }
  if (until < v.page.last && !o.static_page) {
    v.rest_from = std::max(v.page.first, until);
    v.rest_to = v.page.last;
  }
  v.ok = true;
  v.count = t.entries.size();
  v.live = t.live;
  v.top_level = t.top_level;
  v.next = d.read.next;
  v.problems = d.read.problems;
  return v;
}
}  // namespace detail
COLLOQUY_COLD_END

// Comments document (or pages, see read_comment_pages) in, the thread's HTML out.
inline comments_view render_comments_view(std::string_view document, const widget_options& o) {
  return detail::render_threaded(detail::thread_of(read_comment_pages(document), o), o);
}

// The same for comments already read (`colloquy render` reads a large document on two threads).
inline comments_view render_comments_view(read_result read, const widget_options& o) {
  return detail::render_threaded(detail::thread_of(std::move(read), o), o);
}

// ---- Comments a slice at a time: the widget's first paint -----------------------------------

// Where a slice that starts at entry `from` of the display order ends (at most `to`): after
// `comments` entries, or sooner once their text passes limits::slice_bytes. Never empty when
// from < to. The list is flat (render.hpp), so a slice may end inside a top-level thread.
inline std::size_t slice_end(const thread& t, std::size_t from, std::size_t to, std::size_t comments) {
  std::size_t end = from, bytes = 0;
  while (end < to && end - from < comments && bytes < limits::slice_bytes)
    bytes += t.comments[t.entries[end++].index].text.size() + 400;
  return end;
}

// The articles of one slice, in a <div class="slice"> (none for an empty slice), and the
// entries of the page still to render after it, [rest_from, rest_to) (empty: none left).
struct comments_slice {
  std::size_t rest_from = 0, rest_to = 0;
  std::string html;
};

// A thread read and threaded once, then rendered a slice at a time, so that no call (and no
// insertion of its HTML) holds the page for long and the first comments show before the rest
// are rendered. The document is read in steps too (read(budget): a 20 MB document is not one
// long call). The session keeps the document's bytes (its comments view them), its sort order
// and threading; a new order is a new session.
//
//   colloquy::comments_session s(std::move(document), o);
//   while (!s.read(colloquy::limits::read_step_bytes)) {}  // each step a short call
//   colloquy::comments_view v = s.render_page(o);  // the section with the page's first slice
//   for (std::size_t from = v.rest_from, to = v.rest_to; from < to;) {
//     colloquy::comments_slice part = s.render_slice(from, to, o);  // append part.html
//     from = part.rest_from, to = part.rest_to;
//   }
class comments_session {
 public:
  comments_session(std::string document, const widget_options& o)
      : document_(std::move(document)), bytes_(document_), options_(o) {}
  // The same on `size` bytes at `kept`, taken over rather than copied (the wasm boundary's input
  // block: a 20 MB thread is not written twice into fresh memory) and given to `release` at the end.
  comments_session(char* kept, std::size_t size, void (*release)(char*), const widget_options& o)
      : kept_(kept, release), bytes_(kept, size), options_(o) {}
  comments_session(const comments_session&) = delete;  // the comments view bytes_
  comments_session& operator=(const comments_session&) = delete;

  // Reads on for about `budget` more bytes (whole comments, one page of the document's pages
  // at most, see read_comment_pages); once every page is read, the next call threads them (a
  // step of its own: threading 50,000 comments is as long as a step of reading). True once
  // the thread is read and threaded.
  bool read(std::size_t budget = SIZE_MAX) {
    if (read_) return true;
    const std::string_view all = bytes_;
    if (page_start_ > all.size()) {
      detail::thread_read(d_, options_);
      return read_ = true;
    }
    const std::size_t end = std::min(all.find('\0', page_start_), all.size());
    if (!reader_) reader_ = std::make_unique<detail::document_reader>(all.substr(page_start_, end - page_start_));
    if (!reader_->read_step(budget)) return false;
    read_result page = reader_->result();
    reader_.reset();
    if (page_start_ == 0) d_.read = std::move(page);
    else add_page(d_.read, std::move(page));
    page_start_ = d_.read.ok ? end + 1 : all.size() + 1;  // the next page, or the threading
    return false;
  }

  // Reads and threads what is left in one go.
  void read_all() {
    while (!read()) {}
  }

  // Whether the document could be read (after read() is done).
  bool ok() const { return read_ && d_.read.ok; }

  // The page at o.page_offset (o.page_size top-level threads), as render_comments_view gives
  // it, with only its first slice of articles; the rest are [v.rest_from, v.rest_to). Reads
  // what is left to read first.
  comments_view render_page(const widget_options& o) {
    read_all();
    const thread& t = d_.threaded;
    const page_range page = page_of(t.starts, t.entries.size(), {o.page_offset, o.page_size});
    return detail::render_threaded(d_, o, slice_end(t, page.first, page.last, limits::first_slice_comments));
  }

  // The articles of the slice that starts at entry `from`, ending at most at `to` (a page's
  // rest_to); entries outside the thread render nothing.
  comments_slice render_slice(std::size_t from, std::size_t to, const widget_options& o) {
    read_all();
    const thread& t = d_.threaded;
    comments_slice s;
    to = std::min(to, t.entries.size());
    from = std::min(from, to);
    const std::size_t end = slice_end(t, from, to, limits::slice_comments);
    // The page's options (votes, avatars, this reader's votes and editable comments) in the
    // order the session was threaded in.
    render_options ro = o.render({});
    ro.order = d_.order;
    page_range slice;
    slice.first = from;
    slice.last = end;
    // Each slice in a box of its own that the stylesheet skips while off screen (content-
    // visibility): the browser then tracks one box per slice, not one per comment, in every frame.
    if (from < end) s.html += "<div class=\"slice\">";
    render_page_html(s.html, t, slice, ro);
    if (from < end) s.html += "</div>";
    if (end < to) s.rest_from = end, s.rest_to = to;
    return s;
  }

 private:
  std::string document_;
  std::unique_ptr<char, void (*)(char*)> kept_{nullptr, nullptr};  // or the bytes taken over
  std::string_view bytes_;                                         // the document: either
  widget_options options_;                                         // the threading's (order, depth)
  std::unique_ptr<detail::document_reader> reader_;                // the page being read
  std::size_t page_start_ = 0;
  bool read_ = false;
  detail::threaded_document d_;
};

// A comments document checked: reading and threading problems, nothing rendered (`colloquy check`).
struct check_view {
  bool ok = false;
  problem error;             // when !ok
  std::size_t comments = 0;  // comments read
  std::size_t shown = 0;     // entries the thread shows
  std::size_t top_level = 0;
  problem_list problems;  // reading problems, then threading repairs (orphans, cycles, ...)
};

inline check_view check_comments(std::string_view document) {
  check_view v;
  read_result r = read_comments(document);
  if (!r.ok) {
    v.error = std::move(r.error);
    return v;
  }
  v.ok = true;
  v.comments = r.comments.size();
  std::size_t from = r.problems.size();
  thread t = build_thread(std::move(r.comments), {}, &r.problems, &r.ids);
  to_document_indexes(r, from);
  v.shown = t.entries.size();
  v.top_level = t.top_level;
  v.problems = std::move(r.problems);
  return v;
}

// ---- Latest Stories: JSON Feed in, cards out ----------------------------------------------

struct stories_view {
  bool ok = false;
  problem error;          // when !ok: not_json, not_feed, feed_is_xml, feed_is_html, ...
  std::size_t count = 0;  // cards shown
  std::size_t items = 0;  // usable items in the feed
  problem_list problems;
  std::string html;  // no cards: empty (the strip disappears)
};

inline stories_view render_stories_view(std::string_view feed, const widget_options& o) {
  stories_view v;
  feed_result f = read_feed(feed, o.page_url);
  if (!f.ok) {
    v.error = std::move(f.error);
    return v;
  }
  stories_options so{&o.language(), o.stories_count, o.summary_length, o.page_url, o.zone};
  v.ok = true;
  v.count = render_stories_html(v.html, f.items, so);
  v.items = f.items.size();
  v.problems = std::move(f.problems);
  return v;
}

// ---- Dates and the widget's own words -------------------------------------------------------

// Labels for the widget's <time> elements, refreshed while it stays open: ISO 8601 times in
// (one per line), their labels out (one per line, plain text, same order; empty for a bad line).
inline std::string time_labels(std::string_view times, const widget_options& o) {
  const locale_data& loc = o.language();
  std::string out;
  std::size_t pos = 0;
  while (pos <= times.size()) {
    std::size_t end = times.find('\n', pos);
    if (end == std::string_view::npos) end = times.size();
    if (auto t = parse_iso8601(times.substr(pos, end - pos))) append_when(out, *t, loc, o.zone, o.dates());
    if (end == times.size()) break;
    out += '\n';
    pos = end + 1;
  }
  return out;
}

// A message of the widget's own, in its language, by key ("comments_unavailable", ...); the
// loader shows these when something fails. Unknown keys answer an empty string.
inline std::string_view ui_text(std::string_view key, const locale_data& loc) {
  if (key == "comments_unavailable") return loc.comments_unavailable;
  if (key == "comments_unusable") return loc.comments_unusable;
  if (key == "loading") return loc.loading;
  if (key == "local_only") return loc.local_only;
  if (key == "retry") return loc.retry;
  if (key == "not_sent") return loc.not_sent;
  return {};
}

// What only posting says (locale.hpp action_words: a reader's edit or delete, the posting
// status, the Link and vote buttons' words) by key; the posting module asks for them, so the
// reading module carries none. Unknown keys answer an empty string.
inline std::string_view action_text(std::string_view key, const locale_data& loc) {
  const action_words& words = find_action_words(loc);
  if (key == "cancel") return loc.cancel;
  if (key == "delete_question") return words.delete_question;
  if (key == "comment_saved") return words.saved;
  if (key == "comment_deleted") return words.removed;
  if (key == "change_failed") return words.change_failed;
  // Said by the live region after a post, and by the Link and vote buttons (colloquy-post.js).
  if (key == "comment_posted") return words.comment_posted;
  if (key == "not_sent") return loc.not_sent;
  if (key == "link_copied") return words.link_copied;
  if (key == "copy_link") return words.copy_link;
  if (key == "vote_failed") return words.vote_failed;
  return {};
}

// ---- Posting: the compose form, one comment on its own, drafts, a server's answer ------------

// What a posting call adds to widget_options: the comment replied to ("" for top level), its
// depth (-1 for top level), how a comment is shown (stored, sending, unsent; nullopt: an
// unknown state was asked for) and the post's idempotency key, kept on the article.
struct compose_options {
  std::string parent, client_id;
  std::string edit;  // the reader's comment an edit form is for (render_edit_view)
  int parent_depth = -1;
  std::optional<local_state> state = local_state::stored;
};

// The depth a reply to a comment at `parent_depth` is shown at (-1: a top-level comment).
inline int reply_depth(int parent_depth, int max_depth) {
  return parent_depth < 0 ? 0 : std::min(parent_depth + 1, std::max(0, max_depth));
}

struct compose_view {
  int depth = 0;
  std::string html;
};

// The compose form in the widget's language: at the bottom of the thread (no parent) or as a
// reply form under a comment.
inline compose_view render_compose_view(const widget_options& o, const compose_options& c) {
  compose_view v;
  v.depth = c.parent.empty() ? 0 : reply_depth(c.parent_depth, o.max_depth);
  render_compose_form_html(v.html, {&o.language(), c.parent, v.depth});
  return v;
}

// The form that edits the reader's comment c.edit, shown under it and holding its `text`:
// c.parent_depth is that comment's depth (the form is indented as the comment is).
inline compose_view render_edit_view(const widget_options& o, const compose_options& c, std::string_view text) {
  compose_view v;
  v.depth = std::max(0, c.parent_depth);
  const edit_form_options e{c.edit, text, &find_action_words(o.language())};
  render_compose_form_html(v.html, {&o.language(), "", v.depth}, &e);
  return v;
}

struct comment_view {
  bool ok = false;
  problem error;  // when !ok: bad_option (the state), or why the comment is not readable
  int depth = 0;
  std::string html;
};

// One comment (DESIGN §2 object) in, its div.comment out, at the depth a reply to
// `parent_depth` takes, marked with `state`: how the widget shows a post at once, an unsent one
// after a reload, and the server's answer in its place.
inline comment_view render_comment_view(std::string_view comment_json, const widget_options& o, const compose_options& c) {
  comment_view v;
  v.depth = reply_depth(c.parent_depth, o.max_depth);
  if (!c.state) {
    v.error = problem{std::string(errc::bad_option), "", 0, "state", "state must be stored, sending or unsent"};
    return v;
  }
  render_options ro = o.render({});
  ro.static_page = false;
  v.ok = render_single_comment_html(v.html, comment_json, v.depth, *c.state, c.client_id, ro, &v.error);
  return v;
}

// A draft checked by the same code the server runs (compose.hpp), each problem's message in
// `loc`'s words (what the compose form shows next to each field), or compose.hpp's own English
// messages when `loc` is null.
inline draft_result check_draft_in(std::string_view draft_json, const draft_options& o, const locale_data* loc) {
  draft_result r = read_draft(draft_json, o);
  if (loc)
    for (problem& p : r.problems) {
      p.message.clear();
      append_draft_message(p.message, p.code, *loc);
    }
  return r;
}

// A comments server's answer to a post, judged (DESIGN §3):
//   delivered: a 2xx whose body is a comment (an object with an id);
//   refused, with the error's code and field: a 4xx other than 408 and 429 with a JSON error,
//     or an answer that cannot be used, which is bad_answer (a 2xx that is no comment, an error
//     page for a 4xx): sending the same bytes again would get the same answer;
//   retry: anything else (5xx, 408, 429, no status): the post waits in the outbox.
struct answer_verdict {
  enum class outcome : std::uint8_t { delivered, refused, retry };
  outcome result = outcome::retry;
  std::string code, field;  // refused
};

inline answer_verdict judge_answer_view(std::string_view body, int status) {
  using jk = detail::json_value::kind;
  answer_verdict v;
  detail::json_document doc;
  const bool parsed = doc.parse(body) == detail::json_document::status::ok;
  const detail::json_document::ref j = doc.root();
  auto refused = [&](std::string_view code, std::string_view field) {
    v.result = answer_verdict::outcome::refused;
    v.code = code;
    v.field = field;
    return v;
  };
  if (status >= 200 && status < 300) {
    const detail::json_document::ref id = j["id"];
    const bool comment = parsed && ((id.string() && !id.string()->empty()) || id.is(jk::integer));
    if (!comment) return refused(errc::bad_answer, "");
    v.result = answer_verdict::outcome::delivered;
    return v;
  }
  if (status >= 400 && status < 500 && status != 408 && status != 429) {
    const detail::json_document::ref e = j["error"];
    if (!e.is(jk::object)) return refused(errc::bad_answer, "");
    const std::string_view* code = e.string_at("code");
    const std::string_view* field = e.string_at("field");
    return refused(code && !code->empty() ? *code : errc::bad_answer, field ? *field : std::string_view());
  }
  return v;
}

}  // namespace colloquy
