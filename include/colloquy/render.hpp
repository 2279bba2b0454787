// Rendering a thread to compact HTML in the DOM contract of DESIGN §7.
//
//   std::string html;
//   colloquy::render_thread_html(html, thread, {});
//
// Per comment: article, byline, time, body, reply button (5 elements, plus the body's own).
// The list is flat: nesting is shown by data-depth, so slices can be inserted independently.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/markup.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

struct render_options {
  const locale_data* locale = &locale_en;
  time_zone zone;          // the widget's time zone (UTC by default)
  date_style dates;        // relative dates ("3 hours ago") when a clock is given
  sort_order order = sort_order::oldest;
};

// Appends one comment's <article>.
inline void render_comment_html(std::string& out, const thread& t, const thread_entry& e, const render_options& o) {
  const comment& c = t.comments[e.index];
  const locale_data& loc = *o.locale;
  out += "<article class=\"comment";
  if (e.orphan) out += " orphan";
  if (e.placeholder) out += " deleted";
  if (c.status == comment_status::pending) out += " pending";
  out += "\" part=\"comment\" data-id=\"";
  append_escaped(out, c.id);
  out += "\" data-depth=\"";
  out += std::to_string(e.depth);
  out += "\"><p class=\"byline\">";
  append_byline_html(out, c.author, loc);
  out += "</p><time datetime=\"";
  out += format_iso8601(c.created);
  out += "\">";
  append_when(out, c.created, loc, o.zone, o.dates);
  out += "</time><div class=\"body\">";
  append_markup_html(out, c.text);
  out += "</div><button type=\"button\" data-action=\"reply\">";
  append_escaped(out, loc.reply);
  out += "</button></article>\n";
}

// Appends the whole comments section. `chunks`, when given, receives the byte offset in `out`
// where each top-level thread starts, so a caller can insert the HTML in slices.
inline void render_thread_html(std::string& out, const thread& t, const render_options& o,
                               std::vector<std::size_t>* chunks = nullptr) {
  const locale_data& loc = *o.locale;
  std::size_t live = 0;
  for (const auto& e : t.entries) live += !e.placeholder;
  out += "<section class=\"comments\" part=\"comments\"><header><h2>";
  expand_pattern(plural_form(loc, loc.comments_count, int64_t(live)),
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
  option("oldest", loc.sort_oldest, o.order == sort_order::oldest);
  option("newest", loc.sort_newest, o.order == sort_order::newest);
  out += "</select></label></header><div class=\"list\">\n";
  for (const auto& e : t.entries) {
    if (chunks && e.depth == 0 && !e.capped) chunks->push_back(out.size());
    render_comment_html(out, t, e, o);
  }
  if (chunks) chunks->push_back(out.size());
  out += "</div></section>";
}

}  // namespace colloquy
