// Atom 1.0 (RFC 4287) feeds of new comments, per thread or for the whole site: what
// GET /api/feed.atom answers, so readers can follow a discussion in their feed reader.
//
//   colloquy::atom_feed f{.site = "https://blog.example", .self = "https://blog.example/api/feed.atom?thread=%2Fp",
//                         .thread = "/p", .updated = now_ms};
//   std::string xml = colloquy::render_atom(f, {{.id = "c1", .thread = "/p", .author = "Mary", .text = "Hi *all*",
//                                               .created = t}});
//
// Every element RFC 4287 requires is there: the feed's id, title, updated, author (each entry's)
// and link rel="self"; each entry's id (the comment's permalink, <site><thread>#comment-<id>),
// title (the start of its text), updated (edited, else created), published, author and content.
// The content is the comment's markup rendered by the core (the same allowlisted HTML the widget
// shows), escaped as type="html". Every string is escaped, and characters XML forbids (C0
// controls but tab and line ends, U+FFFE, U+FFFF) are dropped, so any stored comment gives a
// well-formed feed.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/compose.hpp"
#include "colloquy/date.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/locale.hpp"
#include "colloquy/markup.hpp"
#include "colloquy/stories.hpp"

namespace colloquy {

struct atom_entry {
  std::string_view id, thread, author;   // author: empty reads as the locale's "Anonymous"
  std::string_view text;                 // comment markup
  std::int64_t created = 0, edited = 0;  // ms since the epoch; edited 0: never
};

struct atom_feed {
  std::string site;          // the site's origin, "https://blog.example": permalinks are <site><thread>
  std::string self;          // this feed's absolute URL (its id and rel="self" link): atom_feed_url
  std::string thread;        // empty: the whole site
  std::int64_t updated = 0;  // used when there are no entries (else the newest entry's time)
};

// Length of an entry's title, in characters: a feed reader's list shows about a line.
inline constexpr std::size_t atom_title_length = 80;

namespace detail {

// Escaped for XML text and attribute values: valid UTF-8 without the characters XML 1.0
// forbids (normalise_field drops the controls; U+FFFE and U+FFFF are dropped here).
inline void append_xml_escaped(std::string& out, std::string_view s) {
  std::string clean = normalise_field(s, true);
  for (std::size_t at; (at = clean.find("\xEF\xBF\xBE")) != std::string::npos ||
                       (at = clean.find("\xEF\xBF\xBF")) != std::string::npos;)
    clean.erase(at, 3);
  append_escaped(out, clean);
}

// "?thread=" and `thread` percent-encoded, onto `url`.
inline void append_thread_query(std::string& url, std::string_view thread) {
  url += "?thread=";
  static constexpr char hex[] = "0123456789ABCDEF";
  for (char ch : thread) {
    auto c = static_cast<unsigned char>(ch);
    if (is_ascii_alpha(ch) || (c >= '0' && c <= '9') || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      url += ch;
    } else {
      url += '%';
      url += hex[c >> 4];
      url += hex[c & 15];
    }
  }
}

// The permalink of a thread or comment: the site plus the thread path, URL-escaped. Anyone can
// name a thread by posting to it, so only a path ("/2010/09/p") is put after the site: any
// other id ("post-42", or ".evil.example/x" and "@evil.example/x", which would move the link to
// another host) names no page, and its comments link to the site with the thread as a query.
inline std::string atom_link(std::string_view site, std::string_view thread, std::string_view id = {}) {
  std::string target(site);
  if (!thread.empty() && thread[0] == '/') {
    target += thread;
  } else {
    target += '/';
    append_thread_query(target, thread);
  }
  if (!id.empty()) target += "#comment-" + std::string(id);
  std::string url;
  append_escaped_url(url, target);
  return url;  // already escaped for an attribute or text
}

inline void atom_element(std::string& out, std::string_view name, std::string_view text) {
  out += '<';
  out += name;
  out += '>';
  append_xml_escaped(out, text);
  out += "</";
  out += name;
  out += ">\n";
}

}  // namespace detail

// The feed's URL on a comments server (origin `server`): /api/feed.atom, and for one thread
// ?thread= with the thread percent-encoded.
inline std::string atom_feed_url(std::string_view server, std::string_view thread) {
  std::string url = std::string(server) + "/api/feed.atom";
  if (!thread.empty()) detail::append_thread_query(url, thread);
  return url;
}

// The feed as an XML document (UTF-8). `entries` newest first, as the feed shows them.
inline std::string render_atom(const atom_feed& f, const std::vector<atom_entry>& entries,
                               const locale_data& loc = *locales[0]) {
  std::int64_t updated = f.updated;
  for (const atom_entry& e : entries) updated = std::max(updated, e.edited ? e.edited : e.created);
  std::string out = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n";
  std::string self;
  append_escaped_url(self, f.self);
  out += "<id>" + self + "</id>\n";
  detail::atom_element(out, "title", f.site + f.thread);  // "https://blog.example/2010/09/p"
  detail::atom_element(out, "updated", format_iso8601(updated));
  out += "<link rel=\"self\" type=\"application/atom+xml\" href=\"" + self + "\"/>\n";
  out += "<link rel=\"alternate\" type=\"text/html\" href=\"" +
         detail::atom_link(f.site, f.thread.empty() ? std::string_view("/") : std::string_view(f.thread)) + "\"/>\n";
  out += "<generator>Colloquy</generator>\n";
  for (const atom_entry& e : entries) {
    std::string html;
    append_markup_html(html, e.text);
    bool cut = false;
    const std::string text = detail::html_to_text(html, 1024);
    std::string title(detail::cut_at_word(text, atom_title_length, cut));
    if (cut) title += "\xE2\x80\xA6";  // …
    const std::string link = detail::atom_link(f.site, e.thread, e.id);
    out += "<entry>\n<id>" + link + "</id>\n";
    detail::atom_element(out, "title", title);
    detail::atom_element(out, "updated", format_iso8601(e.edited ? e.edited : e.created));
    detail::atom_element(out, "published", format_iso8601(e.created));
    out += "<author>";
    detail::atom_element(out, "name", e.author.empty() ? loc.anonymous : e.author);
    out += "</author>\n<link rel=\"alternate\" type=\"text/html\" href=\"" + link + "\"/>\n";
    out += "<content type=\"html\">";
    detail::append_xml_escaped(out, html);
    out += "</content>\n</entry>\n";
  }
  return out + "</feed>\n";
}

}  // namespace colloquy
