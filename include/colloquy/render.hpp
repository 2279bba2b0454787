// Rendering a thread to compact HTML in the DOM contract of DESIGN §7.
//
//   std::string html;
//   colloquy::render_thread_html(html, thread, {});
//
// Per comment: a div with role=article, avatar (a span the stylesheet draws), byline (+ author
// link), date ("edited" adds a span and a date), body, two vote buttons, reply and link buttons
// (edit and delete on the reader's own): at most 14 elements plus the body's own, 9 on most
// comments (10 with an author link). The list is flat: nesting is shown by data-depth, so
// slices can be inserted independently. Pages (sort.hpp) never split a top-level thread; a
// "load more" button (button[data-action=more][data-next]) follows a page that is not the last.
//
// Only elements Chromium's fast-path fragment parser takes (a b br button div footer i input li
// label option ol p select span strong ul): one <article>, <time> or <svg> anywhere in a slice
// sends all of it to the full HTML parser, which took 2.3–4× as long on a 1,000-comment thread
// (PERFORMANCE.md, 2026-11-30; README, "Contract note (DESIGN §7's …)"). So a comment is a div
// with role=article (the same role for assistive technology), its dates spans with data-datetime.
// Its buttons carry no type="button": none is ever inside a form (the widget's forms are
// siblings of the comments, in its shadow root; a static page has no buttons), and each
// attribute is parsed a thousand times on a long thread.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "colloquy/avatar.hpp"
#include "colloquy/cold.hpp"
#include "colloquy/date.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/markup.hpp"
#include "colloquy/sort.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

// What this reader did and may do (the widget keeps it: votes it sent, edit tokens it holds):
// per comment id, the vote (1 up, -1 down, 0 none) and whether it gets Edit and Delete. Kept
// sorted by id (normalize() does it), so each comment is one binary search.
struct reader_actions {
  struct mark {
    std::string id;
    int vote = 0;
    bool editable = false;
  };
  std::vector<mark> marks;

  void add_vote(std::string id, int vote) { marks.push_back({std::move(id), vote, false}); }
  void add_editable(std::string id) { marks.push_back({std::move(id), 0, true}); }
  // Sorts by id and merges the marks of one id (its first vote is kept).
  void normalize();
  int vote_of(std::string_view id) const {
    const mark* m = find(id);
    return m ? m->vote : 0;
  }
  bool may_edit(std::string_view id) const {
    const mark* m = find(id);
    return m && m->editable;
  }

 private:
  const mark* find(std::string_view id) const {
    auto it = std::lower_bound(marks.begin(), marks.end(), id,
                               [](const mark& m, std::string_view k) { return std::string_view(m.id) < k; });
    return it != marks.end() && it->id == id ? &*it : nullptr;
  }
};

// Where a long page's HTML goes while it is rendered (`colloquy render` writes it out): once
// `out` holds `every` bytes or more between two articles, `write(to, out)` is called and `out`
// is cleared, so the whole page is never in memory at once (80 MB for 100,000 comments, most
// of a process's time in first touches of fresh pages). No `write`: everything stays in `out`.
struct render_options;
struct html_drain {
  void (*write)(void* to, std::string_view html) = nullptr;
  void* to = nullptr;
  std::size_t every = 256 * 1024;
#if !defined(__EMSCRIPTEN__)
  // The page's articles rendered by the caller instead of by render_page_html, which it must
  // match byte for byte: `colloquy render` spreads them over two threads. (Not in the widget's
  // module: wasm has no threads there.)
  void (*articles)(std::string& out, const thread& t, const page_range& range, const render_options& o) = nullptr;
#endif
};

COLLOQUY_SMALL_BEGIN
// Sorted by id, stably, so a vote given twice keeps the first (detail::merge_sort: in the
// widget's module, std::sort's instantiation for these marks cost ~2.5 KB gzip, for a list read
// once per call); then one mark per comment.
inline void reader_actions::normalize() {
  std::vector<mark> from(std::make_move_iterator(marks.begin()), std::make_move_iterator(marks.end())), scratch;
  detail::merge_sort(from.data(), from.data() + from.size(), scratch,
                     [](const mark& x, const mark& y) { return x.id < y.id; });
  marks.clear();
  for (mark& m : from) {
    if (marks.empty() || marks.back().id != m.id) {
      marks.push_back(std::move(m));
      continue;
    }
    if (marks.back().vote == 0) marks.back().vote = m.vote;
    marks.back().editable = marks.back().editable || m.editable;
  }
}
COLLOQUY_SMALL_END

struct render_options {
  const locale_data* locale = &locale_en;
  time_zone zone;    // the widget's time zone (UTC by default)
  date_style dates;  // relative dates ("3 hours ago") when a clock is given
  sort_order order = sort_order::oldest;
  page_request page{};      // top-level threads to render; {0, 0}: all of them
  std::string_view cursor;  // the server's "next" cursor: more threads to fetch after the last page
  // The thread's comments as the server counts them, pages not loaded included (read.hpp's
  // total, with what the widget learnt since); -1: unknown, the comments held are counted.
  std::int64_t total = -1;
  // A page with no script (`colloquy render`, static sites): the section is marked
  // `colloquy-static` (web/colloquy-static.css styles it, and only it) and the controls that
  // need the script are left out: reply buttons, the sort menu, "load more".
  bool static_page = false;
  // The thread's Atom feed (the document's "feed", a URL read.hpp judged safe): linked from
  // the header, so readers can follow the discussion. Empty: no link.
  std::string_view feed = {};
  // Reader actions (DESIGN §7): vote buttons with the counts, identicon avatars, and what this
  // reader voted and may edit (null: nothing).
  bool votes = true;
  bool avatars = true;
  const reader_actions* reader = nullptr;
  html_drain drain = {};
};

namespace detail {

// Text of known length at `p` (the article's fixed parts are assembled in a local buffer and
// appended at once: fewer, larger appends).
inline char* write_text(char* p, std::string_view s) {
  std::memcpy(p, s.data(), s.size());
  return p + s.size();
}

// Dates of a thread, formatted once per day: comments cluster on a few days, and formatting
// (calendar arithmetic, locale patterns) was the largest share of rendering in wasm. The
// output is exactly format_iso8601 and append_when (date.hpp, format.hpp); a test checks it.
class date_cache {
 public:
  date_cache(const locale_data& loc, const time_zone& zone, const date_style& style)
      : loc_(loc), zone_(zone), style_(style) {}

  // "2010-09-25T14:03:00Z" (milliseconds only when present), as format_iso8601.
  void append_iso(std::string& out, std::int64_t ms) {
    char buf[iso_max];
    out.append(buf, std::size_t(write_iso(buf, ms) - buf));
  }
  // The same written at `p` (iso_max bytes at most), returning the end.
  static constexpr std::size_t iso_max = 24;
  char* write_iso(char* p, std::int64_t ms) {
    const std::int64_t day = floor_div(ms, 86400000);
    entry& e = iso_[static_cast<std::size_t>(day) & (size - 1)];
    if (e.day != day || e.text.empty()) {
      e.day = day;
      e.text = format_iso8601(day * 86400000).substr(0, 11);  // "YYYY-MM-DDT"
    }
    p = write_text(p, e.text);
    std::int64_t rem = ms - day * 86400000;
    const int milli = int(rem % 1000);
    rem /= 1000;
    // One line per part of the time: hh:mm:ss.mmmZ.
    // clang-format off
    char buf[13] = {char('0' + rem / 36000), char('0' + rem / 3600 % 10), ':',
                    char('0' + rem / 600 % 6), char('0' + rem / 60 % 10), ':',
                    char('0' + rem % 60 / 10), char('0' + rem % 10), '.',
                    char('0' + milli / 100), char('0' + milli / 10 % 10), char('0' + milli % 10), 'Z'};
    // clang-format on
    if (milli) return write_text(p, {buf, 13});
    p = write_text(p, {buf, 8});
    *p++ = 'Z';
    return p;
  }

  // "3 hours ago" or "September 25, 2010" in the locale and time zone, as append_when. Only
  // absolute dates are cached: relative ones are few (recent comments) and change by the minute.
  void append_shown(std::string& out, std::int64_t ms) {
    if (style_.now_ms != 0 && ms > style_.now_ms - style_.relative_max_ms) {
      append_when(out, ms, loc_, zone_, style_);
      return;
    }
    append_full(out, ms);
  }
  // "September 25, 2010" always, as append_date.
  void append_full(std::string& out, std::int64_t ms) {
    const std::int64_t day = floor_div(ms + std::int64_t(zone_offset(zone_, ms)) * 60000, 86400000);
    entry& e = shown_[static_cast<std::size_t>(day) & (size - 1)];
    if (e.day != day || e.text.empty()) {
      e.day = day;
      e.text.clear();
      append_date(e.text, ms, loc_, zone_);
    }
    out += e.text;
  }

 private:
  static constexpr std::size_t size = 64;  // direct-mapped by day: a thread spans few days
  struct entry {
    std::int64_t day = 0;
    std::string text;
  };
  const locale_data& loc_;
  time_zone zone_;
  date_style style_;
  entry iso_[size], shown_[size];
};

// What every article of a page shares, worked out once per page.
struct article_context {
  // `feed_size`: the feed's aria-setsize (-1: the server has more); 0 for a comment shown on its own.
  COLLOQUY_COLD explicit article_context(const render_options& o, std::int64_t feed_size = 0)
      : dates(*o.locale, o.zone, o.dates), set_size(feed_size) {
    const locale_data& loc = *o.locale;
    if (o.static_page) return;  // no script: no buttons (the widget's own markup replaces these)
    // The reply button is named "Reply to Mary D.", the link button "Link to the comment by
    // Mary D.", the edit and delete buttons alike: each pattern's text on either side of the name
    // is escaped once here, the name per article.
    auto button = [](std::string& open, std::string& close, std::string_view action, std::string_view pattern,
                     std::string_view text) {
      const std::size_t name = pattern.find("{name}");
      open += "<button data-action=\"";
      open += action;
      open += "\" aria-label=\"";
      append_escaped(open, pattern.substr(0, name));
      if (name != std::string_view::npos) append_escaped(close, pattern.substr(name + 6));
      close += "\">";
      append_escaped(close, text);
      close += "</button>";
    };
    button(reply_open, reply_close, "reply", loc.reply_to, loc.reply);
    button(reply_close, link_close, "link", loc.link_to, loc.link);
    link_owner = link_close;
    button(link_owner, edit_close, "edit", loc.edit_of, loc.edit);
    button(edit_close, delete_close, "delete", loc.delete_of, loc.delete_comment);
  }
  // After the body and the votes: the reply and link buttons, and on the reader's own comments
  // (`owner`) the edit and delete buttons, each named for the article's author (`name`, escaped
  // once here). Kept out of the article writer, which stays small and fast without them.
  COLLOQUY_COLD void append_buttons(std::string& out, std::string_view name, bool owner) {
    escaped_name.clear();
    append_escaped(escaped_name, name);
    const std::string* parts[] = {&reply_open, &reply_close, owner ? &link_owner : &link_close, &edit_close,
                                  &delete_close};
    for (int i = 0, n = owner ? 5 : 3; i < n; ++i) {
      if (i) out += escaped_name;
      out += *parts[i];
    }
  }
  date_cache dates;
  std::int64_t set_size;
  // The buttons, split around the author's name (reply_close empty: no buttons); link_owner is
  // link_close followed by the edit button's opening.
  std::string reply_open, reply_close, link_close, link_owner, edit_close, delete_close;
  std::string escaped_name;  // a buffer kept from one article to the next
};

// The two vote buttons: the counts shown, "Upvote the comment by Mary D., 3" as their names (in a
// list of buttons each says whose comment it is for), pressed as the reader voted. A comment that
// only has a net score shows it on the side it leans to.
inline void append_vote_buttons(std::string& out, const comment& c, const render_options& o, std::string_view name) {
  const std::int64_t up = c.has_up_down ? c.up : std::max<std::int64_t>(c.score(), 0);
  const std::int64_t down = c.has_up_down ? c.down : std::max<std::int64_t>(-c.score(), 0);
  const int mine = o.reader ? o.reader->vote_of(c.id) : 0;
  auto button = [&](std::string_view side, std::string_view glyph, std::string_view pattern, std::int64_t n,
                    bool pressed) {
    out += "<button data-action=\"vote\" data-vote=\"";
    out += side;
    out += pressed ? "\" aria-pressed=\"true\" aria-label=\"" : "\" aria-pressed=\"false\" aria-label=\"";
    const std::string count = decimal(n);
    expand_pattern(
        pattern,
        [&](std::string_view key) {
          if (key == "name") append_escaped(out, name);
          else out += count;
        },
        out);
    out += "\">";
    out += glyph;
    out += count;
    out += "</button>";
  };
  button("up", "\u25B2 ", o.locale->vote_up, up, mine > 0);
  button("down", "\u25BC ", o.locale->vote_down, down, mine < 0);
}

void render_comment_html(std::string& out, const thread& t, const thread_entry& e, const render_options& o,
                         article_context& context, std::size_t position = 0);
}  // namespace detail

// Appends one comment's div.comment[role=article] (DESIGN §7): `id="comment-<id>"`, the avatar, byline, date
// (and "edited" with its date), body, then votes, reply, link and, on the reader's own comments,
// edit and delete buttons. Capped replies name the comment they answer in the byline;
// placeholders of deleted comments show no text, no avatar, no buttons and take no replies.
inline void render_comment_html(std::string& out, const thread& t, const thread_entry& e, const render_options& o) {
  detail::article_context context(o);
  detail::render_comment_html(out, t, e, o, context);
}

namespace detail {
// The name an article and its reply button give the author: the trimmed name, or "Anonymous".
inline std::string_view shown_name(const comment& c, const locale_data& loc) {
  const std::string_view name = trimmed(c.author.name);
  return name.empty() ? loc.anonymous : name;
}

// The article's accessible name, "Comment by Mary D., September 25, 2010". ARIA allows no
// aria-level on an article (nor a listitem role, which would allow it), and a nested list would
// break the flat list that is inserted in slices: a reply's level is in its name ("Reply by
// Ron, level 2, …") and its place in the feed in aria-posinset. The date is the full one: a
// relative "3 hours ago" would go stale in the name, which is not relabelled.
inline void append_article_label(std::string& out, const comment& c, const thread_entry& e, const locale_data& loc,
                                 date_cache& dates) {
  const std::string_view pattern = e.placeholder ? (e.depth ? loc.deleted_reply_label : loc.deleted_label)
                                                 : (e.depth ? loc.reply_label : loc.comment_label);
  expand_pattern(
      pattern,
      [&](std::string_view key) {
        if (key == "name") {
          append_escaped(out, shown_name(c, loc));
        } else if (key == "level") {
          append_decimal(out, e.depth + 1);
        } else if (key == "date") {
          dates.append_full(out, c.created);
        }
      },
      out);
}
}  // namespace detail

inline void detail::render_comment_html(std::string& out, const thread& t, const thread_entry& e,
                                        const render_options& o, article_context& context, std::size_t position) {
  using namespace std::string_view_literals;
  const comment& c = t.comments[e.index];
  const locale_data& loc = *o.locale;
  // The fixed parts between the escaped values go through `buf`, one append each.
  char buf[256];
  char* p = write_text(buf, "<div class=\"comment"sv);
  if (e.orphan) p = write_text(p, " orphan"sv);
  if (e.placeholder) p = write_text(p, " deleted"sv);
  if (e.capped) p = write_text(p, " capped"sv);
  if (c.status == comment_status::pending) p = write_text(p, " pending"sv);
  p = write_text(p, "\" role=\"article\" part=\"comment\" id=\"comment-"sv);
  out.append(buf, std::size_t(p - buf));
  append_escaped(out, c.id);
  out += "\" data-id=\""sv;
  append_escaped(out, c.id);
  p = write_text(buf, "\" data-depth=\""sv);
  p = write_uint(p, e.depth);
  if (e.descendants) {
    p = write_text(p, "\" data-replies=\""sv);
    p = write_uint(p, e.descendants);
  }
  if (e.capped) {
    p = write_text(p, "\" data-reply-to=\""sv);
    out.append(buf, std::size_t(p - buf));
    append_escaped(out, t.comments[e.reply_to].id);
    p = buf;
  }
  // Its place in the thread's role=feed (render_thread_html).
  if (position) {
    p = write_text(p, "\" aria-posinset=\""sv);
    p = write_uint(p, position);
    p = write_text(p, "\" aria-setsize=\""sv);
    p = context.set_size < 0 ? write_text(p, "-1"sv) : write_uint(p, std::uint64_t(context.set_size));
  }
  p = write_text(p, "\" aria-label=\""sv);
  out.append(buf, std::size_t(p - buf));
  append_article_label(out, c, e, loc, context.dates);
  out += "\">"sv;
  if (o.avatars && !e.placeholder) append_avatar(out, c.author);
  out += "<p class=\"byline\">"sv;
  if (e.placeholder) {
    append_escaped(out, loc.deleted);
  } else if (e.capped) {
    const comment& to = t.comments[e.reply_to];
    const std::string_view to_name = to.status == comment_status::deleted ? "" : trimmed(to.author.name);
    append_byline_html(out, c.author, loc, &to_name);
  } else {
    append_byline_html(out, c.author, loc);
  }
  p = write_text(buf, "</p><span class=\"date\" data-datetime=\""sv);
  p = context.dates.write_iso(p, c.created);
  p = write_text(p, "\">"sv);
  out.append(buf, std::size_t(p - buf));
  context.dates.append_shown(out, c.created);
  out += "</span>"sv;
  if (e.placeholder) {
    out += "<div class=\"body\"></div></div>\n"sv;
    return;
  }
  if (c.edited != 0) {
    out += "<span class=\"edited\">"sv;
    expand_pattern(
        loc.edited,
        [&](std::string_view) {
          out += "<span class=\"date\" data-datetime=\""sv;
          context.dates.append_iso(out, c.edited);
          out += "\">"sv;
          context.dates.append_shown(out, c.edited);
          out += "</span>"sv;
        },
        out);
    out += "</span>"sv;
  }
  // The text in its own direction (a Hebrew comment on an English page reads right to left).
  out += "<div class=\"body\" dir=\"auto\">"sv;
  append_markup_html(out, c.text);
  out += "</div>"sv;
  if (!context.reply_close.empty()) {
    const std::string_view name = shown_name(c, loc);
    if (o.votes && c.status == comment_status::published) append_vote_buttons(out, c, o, name);
    context.append_buttons(out, name, o.reader && o.reader->may_edit(c.id));
  }
  // Servers list no comment awaiting moderation: one in the thread is its author's own.
  if (c.status == comment_status::pending) {
    out += "<p class=\"state\">"sv;
    append_escaped(out, loc.awaiting_moderation);
    out += "</p>"sv;
  }
  out += "</div>\n"sv;
}

// Appends the articles of one page (`range`, see sort.hpp page_of). `chunks`, when given,
// receives the byte offset in `out` where each top-level thread starts.
inline void render_page_html(std::string& out, const thread& t, const page_range& range, const render_options& o,
                             std::vector<std::size_t>* chunks = nullptr) {
  // One allocation for the page: the markup is about the text plus ~800 bytes per comment
  // (~500 of them the avatar and the vote buttons).
  std::size_t estimate = 0;
  for (std::size_t i = range.first; i < range.last; ++i) estimate += t.comments[t.entries[i].index].text.size() + 900;
  if (o.drain.write) estimate = std::min(estimate, o.drain.every * 2);
  out.reserve(out.size() + estimate + estimate / 8);
  // The feed's size: every comment of the thread's pages, or unknown (-1) while the server has more.
  detail::article_context context(o, o.cursor.empty() ? std::int64_t(t.entries.size()) : -1);
  // Display order jumps around the document: on large threads, loading each comment and its
  // text was a cache miss. Ask for them a few comments ahead: all of the comment's cache lines
  // 8 ahead, then its id, name and the first 256 bytes of its text 4 ahead, once the comment
  // is likely there. (At 100,000 comments this took ~19% off rendering compared with the first
  // line of the comment and of the text; at 10,000 the difference is within the noise.)
  for (std::size_t i = range.first; i < range.last; ++i) {
    if (i + 8 < range.last) {
      const char* later = reinterpret_cast<const char*>(&t.comments[t.entries[i + 8].index]);
      for (std::size_t off = 0; off < sizeof(comment); off += 64) detail::prefetch(later + off);
      detail::prefetch(later + sizeof(comment) - 1);  // the last line, when the comment is not aligned
    }
    if (i + 4 < range.last) {
      const comment& soon = t.comments[t.entries[i + 4].index];
      detail::prefetch(soon.id.data());
      detail::prefetch(soon.author.name.data());
      const std::string_view text = soon.text;
      for (std::size_t off = 0; off < text.size() && off < 256; off += 64) detail::prefetch(text.data() + off);
    }
    const thread_entry& e = t.entries[i];
    if (chunks && e.depth == 0 && !e.capped) chunks->push_back(out.size());
    detail::render_comment_html(out, t, e, o, context, i + 1);
    if (o.drain.write && out.size() >= o.drain.every) {
      o.drain.write(o.drain.to, out);
      out.clear();
    }
  }
}

// What follows runs once per page or per section: built for size.
COLLOQUY_SMALL_BEGIN
// The "load more" button after a page, or nothing on the last page.
// After the document's last page, a server cursor (the document's "next") gives a button that
// asks the widget to fetch the server's next page (data-cursor) instead.
inline void render_more_html(std::string& out, const page_range& range, const render_options& o) {
  if (o.static_page) return;
  if (range.next) {
    out += "<button class=\"more\" data-action=\"more\" data-next=\"";
    append_decimal(out, *range.next);
  } else if (!o.cursor.empty()) {
    out += "<button class=\"more\" data-action=\"more\" data-cursor=\"";
    append_escaped(out, o.cursor);
  } else {
    return;
  }
  out += "\">";
  append_escaped(out, o.locale->load_more);
  out += "</button>";
}

// The header's count ("3 Comments"): comments that are not deleted placeholders, or the server's
// count of the whole thread (`total`, -1: none) when it has more than the pages held.
inline void append_comment_count(std::string& out, const locale_data& loc, std::size_t live, std::int64_t total) {
  const std::size_t n = std::max<std::size_t>(live, std::size_t(std::max<std::int64_t>(total, 0)));
  expand_pattern(
      plural_form(loc, loc.comments_count, int64_t(n)), [&](std::string_view) { append_decimal(out, n); }, out);
}

// Appends the whole comments section with the page `o.page`. `chunks`, when given, receives
// the byte offset in `out` where each top-level thread starts, so a caller can insert the HTML
// in slices. The page's entries from `until` on are left out (not on a static page): a caller
// rendering in slices appends them to the list later (api.hpp comments_session).
inline void render_thread_html(std::string& out, const thread& t, const render_options& o,
                               std::vector<std::size_t>* chunks = nullptr, std::size_t until = SIZE_MAX) {
  const locale_data& loc = *o.locale;
  // A region named by its heading ("3 Comments"), in the language of its words (a static page
  // may be in another). Its ids are unique in the widget's shadow root; on a static page, one
  // section per page.
  out += o.static_page ? "<section class=\"comments colloquy-static\" part=\"comments\""
                       : "<section class=\"comments\" part=\"comments\"";
  out += " lang=\"";
  out += loc.tag;
  out += "\" dir=\"";
  out += loc.dir;
  out += "\" aria-labelledby=\"colloquy-comments-title\">";
  // The skip link: the form comes after the whole thread (300 comments: ~330 Tab presses). A
  // fragment link cannot reach into a shadow root, and one that only works with the script
  // would promise what it cannot keep: a button, which the loader handles (data-action="skip").
  if (!o.static_page) {
    out += "<button class=\"skip\" data-action=\"skip\">";
    append_escaped(out, loc.skip_to_form);
    out += "</button>";
  }
  out += "<header><h2 id=\"colloquy-comments-title\">";
  append_comment_count(out, loc, t.live, o.total);
  out += "</h2>";
  if (!o.feed.empty()) {
    out += "<a class=\"feed\" href=\"";
    append_escaped_url(out, o.feed);
    out += "\" rel=\"nofollow ugc noopener\">Atom</a>";
  }
  // The thread is a role=feed of articles (WAI-ARIA's pattern for a list that grows as the
  // reader goes: "Load more"); see detail::append_article_label for the replies' level.
  constexpr std::string_view list = "<div class=\"list\" role=\"feed\" aria-labelledby=\"colloquy-comments-title\">\n";
  if (o.static_page) {
    out += "</header>";
    out += list;
    page_range range = page_of(t.starts, t.entries.size(), o.page);
#if !defined(__EMSCRIPTEN__)
    if (o.drain.articles) o.drain.articles(out, t, range, o);
    else
#endif
      render_page_html(out, t, range, o, chunks);
    if (chunks) chunks->push_back(out.size());
    out += "</div></section>";
    return;
  }
  out += "<label>";
  append_escaped(out, loc.sort_label);
  out += " <select name=\"sort\">";
  auto option = [&](std::string_view value, std::string_view label, bool selected) {
    out += "<option value=\"";
    out += value;
    out += selected ? "\" selected>" : "\">";
    append_escaped(out, label);
    out += "</option>";
  };
  for (const auto& [name, order] : sort_orders) option(name, label_of(order, loc), o.order == order);
  out += "</select></label></header>";
  out += list;
  page_range range = page_of(t.starts, t.entries.size(), o.page);
  page_range shown = range;
  shown.last = std::max(range.first, std::min(range.last, until));
  render_page_html(out, t, shown, o, chunks);
  if (chunks) chunks->push_back(out.size());
  out += "</div>";
  render_more_html(out, range, o);
  out += "</section>";
}

COLLOQUY_SMALL_END
}  // namespace colloquy
