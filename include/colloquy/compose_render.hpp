// The posting side of the widget's DOM: the compose form, one comment rendered on its own (a
// comment being sent, one waiting in the outbox, or the server's answer), and draft errors in
// the reader's language. Validation itself is compose.hpp's; this header only shows results.
//
//   std::string html;
//   colloquy::render_compose_form_html(html, {&colloquy::locale_en, "c1", 1});
//   // <form class="compose reply" part="compose" data-parent="c1" data-depth="1" …>…</form>
//
// Every value comes from the reader or the server, so all of it goes through append_escaped.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "colloquy/decimal.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/read.hpp"
#include "colloquy/render.hpp"
#include "colloquy/thread.hpp"

namespace colloquy {

struct compose_form_options {
  const locale_data* locale = &locale_en;
  std::string parent;  // empty: the form at the bottom of the thread
  int depth = 0;       // display depth of the reply it will become (indents the reply form)
};

// The form that edits the text of the reader's comment `id` (the posting module's), worded by
// `words`; it goes under the comment, at the comment's depth.
struct edit_form_options {
  std::string_view id;
  std::string_view text;  // the comment's text as it stands, the field's first value
  const action_words* words = &action_words_en;
};

namespace detail {
// A form's ids: "colloquy-compose" for the bottom form (the skip link's target), and for a reply
// form "colloquy-reply-" (an edit form "colloquy-edit-") plus its comment's id with every byte
// but [A-Za-z0-9-] written "_xx": unique in the shadow root, whatever the id holds (spaces
// would split aria-describedby).
inline void append_form_id(std::string& out, std::string_view parent, std::string_view edit = {}) {
  if (parent.empty() && edit.empty()) {
    out += "colloquy-compose";
    return;
  }
  out += edit.empty() ? "colloquy-reply-" : "colloquy-edit-";
  static constexpr char hex[] = "0123456789abcdef";
  for (const char c : edit.empty() ? parent : edit) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '-') {
      out += c;
    } else {
      out += '_';
      out += hex[u >> 4];
      out += hex[u & 15];
    }
  }
}
}  // namespace detail

// Appends a form.compose (DESIGN §7): fields name, location, text, a honeypot field `website`
// (kept off screen by the stylesheet, not by `hidden`, which simple bots skip), a live preview,
// and an error slot after each field that the loader fills with check_compose()'s messages;
// each field (and the Post button, for the form-wide slot) names its slot in aria-describedby,
// so a screen reader reads the error with the field. The text is `required` (the form is
// `novalidate`: the core's messages, not the browser's, say what is wrong).
//
// An edit form (`e`) is a reply form's twin holding only the text field (filled with the
// comment's text), with Save and Cancel: class "compose reply edit" and data-edit, the
// comment's id.
inline void render_compose_form_html(std::string& out, const compose_form_options& o,
                                     const edit_form_options* e = nullptr) {
  const locale_data& loc = *o.locale;
  const bool edit = e != nullptr;
  const bool reply = !o.parent.empty() || edit;
  std::string id;
  detail::append_form_id(id, o.parent, edit ? e->id : std::string_view());
  out += edit    ? "<form class=\"compose reply edit\" part=\"compose\" data-parent=\""
         : reply ? "<form class=\"compose reply\" part=\"compose\" data-parent=\""
                 : "<form class=\"compose\" part=\"compose\" data-parent=\"";
  append_escaped(out, o.parent);
  if (edit) {
    out += "\" data-edit=\"";
    append_escaped(out, e->id);
  }
  out += "\" data-depth=\"";
  append_decimal(out, o.depth);
  out += "\" id=\"";
  out += id;
  // The bottom form is a form landmark named by its heading. A reply form opens under its
  // comment, inside the thread's role=feed, which may own articles only: its fields are in an
  // article ("Your reply"), the form itself having no role of its own.
  out += reply ? "\" novalidate><div class=\"reply-box\" role=\"article\" aria-label=\""
               : "\" aria-labelledby=\"colloquy-compose-title\" novalidate>";
  if (reply) {
    append_escaped(out, edit ? e->words->edit_label : loc.reply_form_label);
    out += "\">";
  } else {
    out += "<h3 id=\"colloquy-compose-title\">";
    append_escaped(out, loc.compose_heading);
    out += "</h3>";
  }
  auto field = [&](std::string_view name, std::string_view label, std::string_view autocomplete) {
    const std::string error_id = id + "-" + std::string(name) + "-error";
    out += "<p class=\"field field-";
    out += name;
    out += "\"><label>";
    append_escaped(out, label);
    if (name == "text") {
      // dir="auto" on each field: what the reader types shows in its own direction.
      out += "<textarea name=\"text\" rows=\"5\" dir=\"auto\" required aria-describedby=\"";
      out += error_id;
      out += "\">";
      if (e) {  // the parser drops one newline right after <textarea>: this one, never the text's own
        out += '\n';
        append_escaped(out, e->text);
      }
      out += "</textarea>";
    } else {
      out += "<input name=\"";
      out += name;
      out += "\" autocomplete=\"";
      out += autocomplete;
      out += "\" dir=\"auto\" aria-describedby=\"";
      out += error_id;
      out += "\">";
    }
    out += "</label><span class=\"error\" id=\"";
    out += error_id;
    out += "\" data-for=\"";
    out += name;
    out += "\" role=\"alert\" hidden></span></p>";
  };
  if (!edit) {  // an edit changes the text only (DESIGN §8)
    field("name", loc.field_name, "name");
    field("location", loc.field_location, "address-level2");
  }
  field("text", loc.field_text, "off");
  if (!edit) {
    out += "<p class=\"hp\" aria-hidden=\"true\"><label>";
    append_escaped(out, loc.honeypot_label);
    out += "<input name=\"website\" tabindex=\"-1\" autocomplete=\"off\"></label></p>";
  }
  // The preview comes after the buttons: it appears while the reader types, and above them it
  // would move the Post button under a pointer already on its way there (a lost click).
  out += "<p class=\"actions\"><button type=\"submit\" aria-describedby=\"";
  out += id;
  out += "-form-error\">";
  append_escaped(out, edit ? e->words->save : reply ? loc.submit_reply : loc.submit);
  out += "</button>";
  if (reply) {
    out += "<button type=\"button\" data-action=\"cancel\">";
    append_escaped(out, loc.cancel);
    out += "</button>";
  }
  out += "<span class=\"error\" id=\"";
  out += id;
  out += "-form-error\" data-for=\"\" role=\"alert\" hidden></span></p>";
  out += "<div class=\"preview\" hidden><p class=\"preview-label\">";
  append_escaped(out, loc.preview_label);
  out += "</p><div class=\"body\"></div></div>";
  out += reply ? "</div></form>" : "</form>";
}

// Where a comment shown on its own stands on its way to the thread.
enum class local_state {
  stored,   // the server's (or the browser store's) copy: a normal comment
  sending,  // posted, no answer yet
  unsent,   // waiting in the outbox: "Not sent yet" and a retry button
};

inline std::optional<local_state> parse_local_state(std::string_view s) {
  if (s.empty() || s == "stored") return local_state::stored;
  if (s == "sending") return local_state::sending;
  if (s == "unsent") return local_state::unsent;
  return std::nullopt;
}

// Appends one comment (a DESIGN §2 object) as the thread would render it, at `depth`, with its
// state: class "sending"/"unsent" plus data-client-id, a state line ("Sending…", "Not sent
// yet" + retry, or "Awaiting moderation" for a pending comment). Returns false, appending
// nothing and filling `error`, when the comment is not readable.
inline bool render_single_comment_html(std::string& out, std::string_view comment_json, int depth, local_state state,
                                       std::string_view client_id, const render_options& o, problem* error = nullptr) {
  std::string doc;
  doc.reserve(comment_json.size() + 2);
  doc += '[';
  doc += comment_json;
  doc += ']';
  read_result r = read_comments(doc);
  if (!r.ok || r.comments.size() != 1) {
    if (error)
      *error = !r.ok                 ? r.error
               : !r.problems.empty() ? r.problems.front()
                                     : problem{std::string(errc::no_comments), "", 0, "", "no comment"};
    return false;
  }
  thread t;
  t.comments = std::move(r.comments);
  thread_entry e;
  e.depth = static_cast<std::uint32_t>(depth < 0 ? 0 : depth);
  t.entries.push_back(e);
  t.top_level = depth == 0;
  std::string article;
  render_comment_html(article, t, e, o);
  const locale_data& loc = *o.locale;
  // render_comment_html writes `<div class="comment…` … `</div>\n`: the state goes in as one
  // more class after "comment" and one more line before the end.
  constexpr std::string_view open = "<div class=\"comment";
  constexpr std::string_view close = "</div>\n";
  std::size_t end = article.rfind(close);
  if (article.compare(0, open.size(), open) != 0 || end == std::string::npos || article.find('"', open.size()) > end) {
    out += article;  // an unexpected shape: show the comment without its state
    return true;
  }
  std::size_t quote = article.find('"', open.size());  // closes the class attribute
  out.append(article, 0, open.size());
  if (state != local_state::stored) out += state == local_state::sending ? " sending" : " unsent";
  out.append(article, open.size(), quote + 1 - open.size());
  if (state != local_state::stored) {
    out += " data-client-id=\"";
    append_escaped(out, client_id);
    out += '"';
  }
  out.append(article, quote + 1, end - quote - 1);
  if (state == local_state::sending) {
    out += "<p class=\"state\">";
    append_escaped(out, loc.sending);
    out += "</p>";
  } else if (state == local_state::unsent) {
    out += "<p class=\"state\">";
    append_escaped(out, loc.not_sent);
    out += " <button type=\"button\" data-action=\"retry\">";
    append_escaped(out, loc.retry);
    out += "</button></p>";
  }
  out.append(article, end);
  return true;
}

// A problem (error.hpp's stable codes) as a sentence in the reader's language: the registry
// names the message. Codes with no sentence of their own, and codes this build does not know,
// read "could not be posted (code)", never nothing.
inline void append_draft_message(std::string& out, std::string_view code, const locale_data& loc) {
  const action_words& words = find_action_words(loc);
  std::string_view m;
  if (const error_info* e = find_error(code)) {
    switch (e->message) {
      case message_key::text_required: m = words.error_text_required; break;
      case message_key::text_too_long: m = words.error_text_too_long; break;
      case message_key::name_too_long: m = words.error_name_too_long; break;
      case message_key::location_too_long: m = words.error_location_too_long; break;
      case message_key::storage_refused: m = words.error_storage_refused; break;
      case message_key::bad_answer: m = words.error_bad_answer; break;
      case message_key::bad_token: m = words.error_bad_token; break;
      case message_key::edit_window_closed: m = words.error_window_closed; break;
      case message_key::rejected: break;
    }
  }
  if (!m.empty()) {
    out += m;
    return;
  }
  expand_pattern(
      words.error_rejected, [&](std::string_view) { out += code; }, out);
}

}  // namespace colloquy
