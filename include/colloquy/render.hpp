// Rendering a thread to compact HTML in the DOM contract of DESIGN §7.
//
//   std::string html;
//   colloquy::render_thread_html(html, thread, {});
//
// Per comment: article, byline (+ author link), time, body, reply button: at most 6 elements
// plus the body's own. The list is flat: nesting is shown by data-depth, so slices can be
// inserted independently. Pages (sort.hpp) never split a top-level thread; a "load more"
// button (button[data-action=more][data-next]) follows a page that is not the last.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/markup.hpp"
#include "colloquy/sort.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

struct render_options {
  const locale_data* locale = &locale_en;
  int offset_minutes = 0;  // the widget's time zone, as an offset from UTC
  sort_order order = sort_order::oldest;
  page_request page{};     // top-level threads to render; {0, 0}: all of them
};

namespace detail {
// "Joe in Kansas, replying to Mary:" for a reply shown below the depth cap; same name rules
// as append_byline_html (format.hpp).
inline void append_reply_byline_html(std::string& out, const author_info& author, std::string_view to,
                                     const locale_data& loc) {
  std::string_view name = trimmed(author.name);
  std::string_view place = place_of(author.location);
  auto emit = [&](std::string_view key) {
    if (key == "name") {
      bool link = !author.url.empty() && is_safe_url(author.url, url_policy::web);
      if (link) {
        out += "<a href=\"";
        append_escaped(out, author.url);
        out += "\" rel=\"nofollow ugc noopener\">";
      }
      append_escaped(out, name.empty() ? loc.anonymous : name);
      if (link) out += "</a>";
    } else if (key == "place") {
      append_escaped(out, place);
    } else if (key == "to") {
      append_escaped(out, to.empty() ? loc.anonymous : to);
    }
  };
  expand_pattern(place.empty() ? or_english(loc.byline_reply_no_place, locale_en.byline_reply_no_place)
                               : or_english(loc.byline_reply, locale_en.byline_reply),
                 emit, out);
}
}  // namespace detail

// Appends one comment's <article>: at most 6 elements outside the body text (article, byline,
// its author link, time, body, reply button). Capped replies name the comment they answer in
// the byline; placeholders of deleted comments show no text and take no replies.
inline void render_comment_html(std::string& out, const thread& t, const thread_entry& e, const render_options& o) {
  const comment& c = t.comments[e.index];
  const locale_data& loc = *o.locale;
  out += "<article class=\"comment";
  if (e.orphan) out += " orphan";
  if (e.placeholder) out += " deleted";
  if (e.capped) out += " capped";
  if (c.status == comment_status::pending) out += " pending";
  out += "\" part=\"comment\" data-id=\"";
  append_escaped(out, c.id);
  out += "\" data-depth=\"";
  out += std::to_string(e.depth);
  if (e.descendants) {
    out += "\" data-replies=\"";
    out += std::to_string(e.descendants);
  }
  if (e.capped) {
    out += "\" data-reply-to=\"";
    append_escaped(out, t.comments[e.reply_to].id);
  }
  out += "\"><p class=\"byline\">";
  if (e.placeholder) {
    append_escaped(out, or_english(loc.deleted, locale_en.deleted));
  } else if (e.capped) {
    const comment& to = t.comments[e.reply_to];
    detail::append_reply_byline_html(out, c.author, to.status == comment_status::deleted ? "" : trimmed(to.author.name), loc);
  } else {
    append_byline_html(out, c.author, loc);
  }
  out += "</p><time datetime=\"";
  out += format_iso8601(c.created);
  out += "\">";
  append_date(out, c.created, loc, o.offset_minutes);
  out += "</time><div class=\"body\">";
  if (e.placeholder) {
    out += "</div></article>\n";
    return;
  }
  append_markup_html(out, c.text);
  out += "</div><button type=\"button\" data-action=\"reply\">";
  append_escaped(out, loc.reply);
  out += "</button></article>\n";
}

// Appends the articles of one page (`range`, see sort.hpp page_of). `chunks`, when given,
// receives the byte offset in `out` where each top-level thread starts.
inline void render_page_html(std::string& out, const thread& t, const page_range& range, const render_options& o,
                             std::vector<std::size_t>* chunks = nullptr) {
  for (std::size_t i = range.first; i < range.last; ++i) {
    const thread_entry& e = t.entries[i];
    if (chunks && e.depth == 0 && !e.capped) chunks->push_back(out.size());
    render_comment_html(out, t, e, o);
  }
}

// The "load more" button after a page, or nothing on the last page.
inline void render_more_html(std::string& out, const page_range& range, const render_options& o) {
  if (!range.next) return;
  out += "<button type=\"button\" class=\"more\" data-action=\"more\" data-next=\"";
  out += std::to_string(*range.next);
  out += "\">";
  append_escaped(out, or_english(o.locale->load_more, locale_en.load_more));
  out += "</button>";
}

// Appends the whole comments section with the page `o.page`. `chunks`, when given, receives
// the byte offset in `out` where each top-level thread starts, so a caller can insert the HTML
// in slices.
inline void render_thread_html(std::string& out, const thread& t, const render_options& o,
                               std::vector<std::size_t>* chunks = nullptr) {
  const locale_data& loc = *o.locale;
  std::size_t live = t.live;
  out += "<section class=\"comments\" part=\"comments\"><header><h2>";
  expand_pattern(live == 1 ? loc.comments_one : loc.comments_many,
                 [&](std::string_view) { out += std::to_string(live); }, out);
  out += "</h2><label>";
  append_escaped(out, loc.sort_label);
  out += " <select name=\"sort\">";
  auto option = [&](std::string_view value, std::string_view label, bool selected) {
    out += "<option value=\"";
    out += value;
    out += selected ? "\" selected>" : "\">";
    append_escaped(out, label);
    out += "</option>";
  };
  const std::string_view labels[] = {loc.sort_oldest, loc.sort_newest, or_english(loc.sort_top, locale_en.sort_top),
                                     or_english(loc.sort_hot, locale_en.sort_hot),
                                     or_english(loc.sort_controversial, locale_en.sort_controversial)};
  for (std::size_t i = 0; i < sort_orders.size(); ++i)
    option(sort_orders[i].first, labels[i], o.order == sort_orders[i].second);
  out += "</select></label></header><div class=\"list\">\n";
  page_range range = page_of(t.starts, t.entries.size(), o.page);
  render_page_html(out, t, range, o, chunks);
  if (chunks) chunks->push_back(out.size());
  out += "</div>";
  render_more_html(out, range, o);
  out += "</section>";
}

}  // namespace colloquy
