// Other comment systems' exports to Colloquy comments, ready for the store. Native only
// (colloquy import); not part of the widget's module.
//
//   colloquy::import_result r = colloquy::import_disqus(xml_bytes);
//   // r.ok; r.threads[0].thread == "/2010/09/24/post"; r.threads[0].comments[0].id == "disqus-4711"
//   // r.problems: every item skipped or repaired, each with a stable code
//
// Formats (the test data's README cites each published description):
//   Disqus XML export   <disqus>: <thread dsq:id> with <link>; <post dsq:id> with <message>
//                       (HTML), <createdAt>, <author><name>, <isDeleted>, <isSpam>, <thread dsq:id>,
//                       <parent dsq:id>
//   WordPress WXR 1.x   <rss><channel><item> with <link> and <wp:comment>: comment_id, _author,
//                       _author_url, _date_gmt, _content (HTML, newlines as paragraphs), _approved
//                       (1, 0, spam, trash), _type, _parent
//   Isso                its SQLite database: rows of comments joined to threads (uri), read by
//                       the CLI (import_isso takes the rows); text is Markdown, kept as markup
//   Remark42 backup     JSON lines: a header {"version": 1, …}, then one comment per line: id, pid,
//                       text (HTML), user.name, locator.url, time, delete, votes, edit.time
//   Colloquy            comments documents (DESIGN §2), one or several (one per line), as
//                       colloquy export writes them
//
// Threads are keyed by the path of the post's URL. A foreign comment gets the public id
// "<source>-<source id>" and the key "<source>:<source id>" (the store's client_id), so a second
// import of the same file adds nothing; Colloquy documents keep their ids. HTML bodies go through
// html_to_markup. Every field is normalised as a posted draft's is (compose.hpp) and bounded by
// limits.hpp; parents missing from the file and reply cycles are repaired (the comment goes to
// the top level), and each thread's comments are ordered parents first, oldest first.
#pragma once
#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "colloquy/compose.hpp"
#include "colloquy/date.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/html_import.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/read.hpp"
#include "colloquy/xml.hpp"

namespace colloquy {

struct imported_comment {
  std::string id;      // public id
  std::string key;     // idempotency key (the store's client_id); empty for Colloquy documents
  std::string parent;  // public id of the parent; empty: top level
  std::string name, location, url;
  std::int64_t created = 0, edited = 0;  // ms since the epoch
  std::string text;                      // comment markup
  std::string status = "published";      // published, pending, deleted or rejected (spam)
  std::string status_before_delete;      // deleted: "pending" or "rejected" when never shown ("": published)
  std::int64_t up = 0, down = 0;
  std::size_t item = 0;  // its place in the file (import_result::read when added): problems' index
};

struct imported_thread {
  std::string thread;
  std::vector<imported_comment> comments;  // parents before replies, oldest first (a Colloquy document: as given)
};

struct import_result {
  bool ok = false;
  problem error;                         // when !ok: the file is unusable
  std::vector<imported_thread> threads;  // in order of first appearance
  problem_list problems;                 // items skipped or repaired (id: the source key)
  std::size_t read = 0;                  // items found in the file
};

// One Isso row (comments joined to threads), as the CLI reads it from Isso's database.
struct isso_row {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent;
  double created = 0;
  std::optional<double> modified;
  std::int64_t mode = 1;  // 1 accepted, 2 awaiting moderation, 4 deleted
  std::string uri, text, author, website;
  std::int64_t likes = 0, dislikes = 0;
};

namespace detail::import {

// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
inline std::string_view utf8_prefix(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// The path of a post's URL as a browser's URL parser gives it (`new URL(link).pathname`, the
// widget's default thread): "https://blog.example/2010/09/p/?x#y" -> "/2010/09/p/", "//host/p"
// -> "/p", "/café/a/../b" -> "/caf%C3%A9/b" (dot segments resolved, '\\' read as '/', and
// spaces, controls, '"', '<', '>', '`', '{', '}' and bytes past ASCII percent-encoded). A URL that
// is already a path is read the same way. Empty when there is none.
inline std::string url_path(std::string_view url) {
  std::size_t start = 0;
  const std::size_t scheme = url.find("://");
  if (scheme != std::string_view::npos && scheme < url.find('/')) start = url.find('/', scheme + 3);
  else if (url.substr(0, 2) == "//") start = url.find('/', 2);
  else if (url.empty() || url[0] != '/') return {};
  if (start == std::string_view::npos) return "/";
  const std::string_view path = url.substr(start, url.find_first_of("?#", start) - start);
  auto lower_is = [](std::string_view s, std::string_view want) {
    if (s.size() != want.size()) return false;
    for (std::size_t k = 0; k < s.size(); ++k)
      if ((s[k] >= 'A' && s[k] <= 'Z' ? char(s[k] - 'A' + 'a') : s[k]) != want[k]) return false;
    return true;
  };
  auto dot = [&](std::string_view s) { return s == "." || lower_is(s, "%2e"); };
  auto dots = [&](std::string_view s) {
    return s == ".." || lower_is(s, ".%2e") || lower_is(s, "%2e.") || lower_is(s, "%2e%2e");
  };
  std::vector<std::string> segments;
  for (std::size_t i = 1;;) {  // path[0] is '/'
    const std::size_t end = std::min(path.find_first_of("/\\", i), path.size());
    const std::string_view s = path.substr(i, end - i);
    const bool last = end == path.size();
    if (dots(s) && !segments.empty()) segments.pop_back();
    if (dot(s) || dots(s)) {
      if (last) segments.emplace_back();
    } else {
      std::string& out = segments.emplace_back();
      static constexpr char hex[] = "0123456789ABCDEF";
      for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7F || std::string_view("\"<>`{}").find(ch) != std::string_view::npos) {
          out += '%';
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
      }
    }
    if (last) break;
    i = end + 1;
  }
  std::string out;
  for (const std::string& s : segments) out += '/' + s;
  return out.empty() ? "/" : out;
}

// Collects comments per thread, normalising and bounding each field, then repairs and orders
// each thread (finish).
class builder {
 public:
  explicit builder(import_result& r) : r_(r) {}

  void report(std::string_view code, std::string_view key, std::string_view field, std::string message) {
    r_.problems.add(code, shown_key(key), r_.read, field, message);
  }
  // The same, at an item's own index in its source (a comment's place in its document).
  void report_at(std::size_t index, std::string_view code, std::string_view key, std::string_view field,
                 std::string message) {
    r_.problems.add(code, shown_key(key), index, field, message);
  }
  void report(const imported_comment& c, std::string_view code, std::string_view field, std::string message) {
    r_.problems.add(code, shown_key(c.key.empty() ? c.id : c.key), c.item, field, message);
  }

  // A source key as a problem names it: the first 256 bytes (whole characters) and "…", so one
  // item with a 50 MB id never writes a 50 MB line.
  static std::string shown_key(std::string_view key) {
    return key.size() <= 256 ? std::string(key) : std::string(utf8_prefix(key, 256)) + "\xE2\x80\xA6";
  }

  // Adds `c` to the thread of `url` (a URL or a path; with keep_thread_ids, the thread id as
  // given): skipped when it has none.
  void add(std::string_view url, imported_comment c) {
    std::string thread = normalise_field(keep_thread_ids_ ? std::string(url) : url_path(url), false);
    const std::string& key = c.key.empty() ? c.id : c.key;
    if (thread.empty()) return report(errc::bad_url, key, "thread", "the post's URL has no path: skipped");
    if (thread.size() > limits::max_thread_bytes)
      return report(errc::thread_too_long, key, "thread",
                    keep_thread_ids_ ? "the thread id is longer than 512 bytes: skipped"
                                     : "the post's URL path is longer than 512 bytes: skipped");
    // The reader's rule for ids (read.hpp), so that every stored comment can be read back.
    if (c.id.empty() || c.id.size() > limits::max_id_bytes || id_has_control(c.id))
      return report(c.id.empty() ? errc::missing_id : errc::bad_id, key, "id", "no usable id: skipped");
    // A source key names one comment in the whole file (it becomes the store's unique
    // clientId): a second one in another thread is skipped here, one in the same thread by order().
    if (!c.key.empty()) {
      const std::size_t where = std::hash<std::string>{}(thread);
      if (auto [at, fresh] = key_threads_.try_emplace(c.key, where); !fresh && at->second != where)
        return report(errc::duplicate_id, key, "id", "a second comment with this id, in another thread: skipped");
    }
    field(c.name, key, "name", limits::max_name_bytes, false, errc::bad_author);
    field(c.location, key, "location", limits::max_location_bytes, false, errc::bad_author);
    field(c.text, key, "text", limits::max_text_bytes, true, errc::text_truncated);
    if (c.text.find_first_not_of(" \t\n") == std::string::npos && (c.status == "published" || c.status == "pending")) {
      report(errc::text_required, key, "text", "no text: kept as deleted (shown only to hold its replies)");
      c.status = "deleted";
    }
    if (!c.url.empty()) {
      c.url = normalise_field(c.url, false);
      if (c.url.size() > limits::max_url_bytes || !is_safe_url(c.url, url_policy::web)) {
        report(errc::bad_author_url, key, "url", "the author's URL is not an absolute http(s) URL: dropped");
        c.url.clear();
      }
    }
    c.item = r_.read;
    auto [it, added] = index_.try_emplace(thread, r_.threads.size());
    if (added) r_.threads.push_back({thread, {}});
    if (keep_thread_ids_) return r_.threads[it->second].comments.push_back(std::move(c));
    // Links that differ only in their query ("/?p=2", "/?p=3") are one page path, which is the
    // widget's thread too: said once per thread, so the page can be given a data-thread.
    std::string_view query = url.substr(std::min(url.find('?'), url.size()));
    query = query.substr(0, query.find('#'));
    auto [first, fresh] = queries_.try_emplace(thread, query);
    if (!fresh && first->second != query && merged_.insert(thread).second)
      report(errc::threads_merged, key, "thread",
             "posts whose links differ only in their query (" + (first->second.empty() ? "none" : first->second) +
                 ", " + std::string(query) + ") share the thread " + thread +
                 ": give each page its own data-thread and move the comments apart");
    r_.threads[it->second].comments.push_back(std::move(c));
  }

  // Reports an HTML body's repairs.
  void html_flags(const html_markup& m, std::string_view key) {
    if (m.unsafe_html)
      report(errc::unsafe_html, key, "text", "script-like HTML (elements, on* attributes) made inert: shown as text");
    if (m.unsafe_link)
      report(errc::unsafe_link, key, "text", "a link that is not http(s) or mailto was removed; its text is kept");
  }

  void finish() {
    for (imported_thread& t : r_.threads) order(t);
    r_.ok = true;
  }

  // A Colloquy document (colloquy export) lists each thread in its order already: kept when
  // parents come before their replies. Its times cannot order it: a server numbers comments as
  // it stores them, and two posted in the same moment may be stored in the other order than
  // their times say, so sorting by time would make a round trip reorder the thread.
  void keep_given_order() { keep_given_order_ = true; }
  // A Colloquy document's thread is an id (DESIGN §2: any data-thread a page gives, "post-42",
  // "/p?x=1", "/café/"), not a post's URL: kept as the server keeps it, so an export imported
  // again lands every comment where the page asks for it.
  void keep_thread_ids() { keep_thread_ids_ = true; }

 private:
  import_result& r_;
  std::unordered_map<std::string, std::size_t> index_;
  std::unordered_map<std::string, std::string> queries_;      // thread -> the query of its first link
  std::set<std::string> merged_;                              // threads reported as threads_merged
  std::unordered_map<std::string, std::size_t> key_threads_;  // source key -> its thread (hashed)
  bool keep_given_order_ = false;
  bool keep_thread_ids_ = false;

  // True when every comment whose parent is in `in` comes after that parent.
  static bool parents_first(const std::vector<imported_comment>& in) {
    std::set<std::string_view> all, seen;
    for (const imported_comment& c : in) all.insert(c.id);
    for (const imported_comment& c : in) {
      if (!c.parent.empty() && all.count(c.parent) && !seen.count(c.parent)) return false;
      seen.insert(c.id);
    }
    return true;
  }

  // Normalises one field (compose.hpp's rules) and cuts it at `max` bytes.
  void field(std::string& v, std::string_view key, std::string_view name, std::size_t max, bool multiline,
             std::string_view too_long) {
    if (has_invalid_utf8(v)) report(errc::bad_utf8, key, name, "invalid UTF-8 replaced by U+FFFD");
    v = normalise_field(v, multiline);
    if (v.size() > max) {
      report(too_long, key, name, std::string(name) + " longer than " + std::to_string(max) + " bytes: cut");
      v = std::string(utf8_prefix(v, max));
    }
  }

  // Duplicates dropped, missing parents and cycles repaired, then parents first, oldest first
  // (or as given: keep_given_order).
  void order(imported_thread& t) {
    std::vector<imported_comment> in;
    std::set<std::string> seen;
    for (imported_comment& c : t.comments) {
      if (!seen.insert(c.id).second) {
        report(c, errc::duplicate_id, "id", "a second comment with this id: skipped");
        continue;
      }
      in.push_back(std::move(c));
    }
    if (!keep_given_order_ || !parents_first(in))
      std::stable_sort(in.begin(), in.end(), [](const auto& a, const auto& b) { return a.created < b.created; });
    std::unordered_map<std::string, std::size_t> at;
    for (std::size_t i = 0; i < in.size(); ++i) at[in[i].id] = i;
    for (imported_comment& c : in) {
      if (c.parent == c.id) {
        report(c, errc::self_parent, "parent", "a comment replying to itself: moved to the top level");
        c.parent.clear();
      } else if (!c.parent.empty() && !at.count(c.parent)) {
        report(c, errc::orphan, "parent", "parent " + c.parent + " is not in this thread: moved to the top level");
        c.parent.clear();
      }
    }
    // Emit each comment once its parent is out; replies wait under their parent. What never
    // comes out sits on a reply cycle (or under one): the oldest such comment is cut loose.
    std::vector<std::vector<std::size_t>> waiting(in.size());
    std::vector<bool> out_done(in.size(), false);
    std::vector<std::size_t> order;
    auto emit = [&](std::size_t first) {
      std::vector<std::size_t> stack{first};
      while (!stack.empty()) {
        std::size_t i = stack.back();
        stack.pop_back();
        if (out_done[i]) continue;  // a cycle's cut comment, still waiting under its old parent
        out_done[i] = true;
        order.push_back(i);
        for (auto w = waiting[i].rbegin(); w != waiting[i].rend(); ++w) stack.push_back(*w);
      }
    };
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (in[i].parent.empty()) emit(i);
      else if (out_done[at[in[i].parent]]) emit(i);
      else waiting[at[in[i].parent]].push_back(i);
    }
    for (std::size_t i = 0; i < in.size(); ++i) {
      if (out_done[i]) continue;
      report(in[i], errc::reply_cycle, "parent", "replies form a cycle: cut here, moved to the top level");
      in[i].parent.clear();
      emit(i);
    }
    t.comments.clear();
    for (std::size_t i : order) t.comments.push_back(std::move(in[i]));
  }
};

inline import_result refuse(std::string_view code, std::string message) {
  import_result r;
  r.error.code = std::string(code);
  r.error.message = std::move(message);
  return r;
}

// The XML reader's refusal (line and column in the message), as the import's.
inline import_result refuse(problem error) {
  import_result r;
  r.error = std::move(error);
  return r;
}

inline std::optional<std::int64_t> iso_time(std::string_view s) { return parse_iso8601(trimmed(s)); }

// An element's text or attribute without surrounding white space, as a string.
inline std::string trimmed_copy(std::string_view s) { return std::string(trimmed(s)); }

// WordPress stores comments as typed: blank lines are paragraphs and single newlines are line
// breaks (its wpautop filter adds the tags when it shows them), except inside <pre>, kept as it
// is. Bodies that already have <p> are taken as HTML as they are.
inline std::string wordpress_html(std::string_view content) {
  for (std::string_view p : {"<p>", "<p ", "<P>", "<P "})
    if (content.find(p) != std::string_view::npos) return std::string(content);
  auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
  auto at = [&](std::size_t i, std::string_view tag) {  // `tag` (lower case) at i, then '>' or white space
    if (content.size() - i <= tag.size()) return false;
    for (std::size_t k = 0; k < tag.size(); ++k)
      if (lower(content[i + k]) != tag[k]) return false;
    const char next = content[i + tag.size()];
    return next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r';
  };
  std::string out = "<p>";
  std::size_t newlines = 0;
  auto flush_newlines = [&] {
    if (newlines >= 2) out += "</p><p>";
    else if (newlines == 1) out += "<br>";
    newlines = 0;
  };
  for (std::size_t i = 0; i < content.size(); ++i) {
    const char c = content[i];
    if (c == '<' && at(i, "<pre")) {  // through its end tag (or the end), as it is
      flush_newlines();
      std::size_t end = i + 4;
      while (end < content.size() && !(content[end] == '<' && at(end, "</pre"))) ++end;
      out.append(content.substr(i, end - i));
      i = end - 1;
      continue;
    }
    if (c == '\r') continue;
    if (c == '\n') {
      ++newlines;
      continue;
    }
    if (newlines && (c == ' ' || c == '\t')) continue;  // indentation of the next line
    flush_newlines();
    out += c;
  }
  return out + "</p>";
}

// The prefixes the importers match, by namespace (xml.hpp parse): Disqus's "dsq", WordPress's
// "wp" (its export namespace of any version, http://wordpress.org/export/1.2/).
inline std::string_view disqus_prefix(std::string_view uri) {
  return uri == "http://disqus.com/disqus-internals" ? "dsq" : "";
}
inline std::string_view wordpress_prefix(std::string_view uri) {
  for (std::string_view base : {"http://wordpress.org/export/", "https://wordpress.org/export/"}) {
    if (uri.substr(0, base.size()) != base) continue;
    std::string_view version = uri.substr(base.size());
    if (!version.empty() && version.back() == '/') version.remove_suffix(1);
    const bool numbers = !version.empty() && version.find_first_not_of("0123456789.") == std::string_view::npos;
    return numbers ? "wp" : "";
  }
  return "";
}

// The XML reader's repairs, said once for the file (with the first one's line and column).
inline void report_repairs(const xml::document& d, import_result& r) {
  if (!d.bare_ampersands) return;
  const problem& p = d.first_bare_ampersand;
  r.problems.add(p.code, "", 0, "", p.message + " (" + std::to_string(d.bare_ampersands) + " in all)");
}

}  // namespace detail::import

// A Disqus XML export. Posts are read one at a time as the file is parsed (xml::stream) and kept
// as the fields used below, so memory holds the file and its comments, not a tree of the file.
inline import_result import_disqus(std::string_view bytes) {
  using namespace detail::import;
  struct post {
    std::string id, thread, parent, name, username, spam, deleted, message;
    std::optional<std::string> created;  // absent: no <createdAt>
    bool has_thread = false;
  };
  std::vector<post> posts;
  const xml::stream each_post{1,
                              "post",
                              [&](const xml::document& d, const xml::element&, const xml::element& p) {
                                post& q = posts.emplace_back();
                                q.id = xml::attribute_value(p, "dsq:id");
                                if (const xml::element* thread = d.child(p, "thread")) {
                                  q.has_thread = true;
                                  q.thread = xml::attribute_value(*thread, "dsq:id");
                                }
                                if (const xml::element* created = d.child(p, "createdAt")) q.created = created->text;
                                if (const xml::element* parent = d.child(p, "parent"))
                                  q.parent = xml::attribute_value(*parent, "dsq:id");
                                if (const xml::element* author = d.child(p, "author")) {
                                  q.name = d.child_text(*author, "name");
                                  q.username = d.child_text(*author, "username");
                                }
                                q.spam = d.child_text(p, "isSpam");
                                q.deleted = d.child_text(p, "isDeleted");
                                q.message = d.child_text(p, "message");
                              },
                              {"thread"}};
  xml::document d = xml::parse(bytes, disqus_prefix, each_post);
  if (!d.ok) return refuse(d.error);
  if (d.root().name != "disqus")
    return refuse(errc::wrong_format, "not a Disqus export: the root element is <" + d.root().name + ">, not <disqus>");
  import_result r;
  report_repairs(d, r);
  builder b(r);
  std::unordered_map<std::string, std::string> links;  // thread dsq:id -> link
  d.each_child(d.root(), "thread", [&](const xml::element& t) {
    links.emplace(std::string(xml::attribute_value(t, "dsq:id")), trimmed_copy(d.child_text(t, "link")));
  });
  for (post& p : posts) {
    const post q = std::move(p);  // freed as it is read
    ++r.read;
    imported_comment c;
    const std::string source_id = trimmed_copy(q.id);
    c.id = source_id.empty() ? "" : "disqus-" + source_id;
    c.key = source_id.empty() ? "disqus:#" + std::to_string(r.read) : "disqus:" + source_id;
    auto link = q.has_thread ? links.find(q.thread) : links.end();
    if (link == links.end()) {
      b.report(errc::unknown_thread, c.key, "thread", "the post's thread is not in the file: skipped");
      continue;
    }
    auto created = q.created ? iso_time(*q.created) : std::nullopt;
    if (!created) {
      b.report(q.created ? errc::bad_date : errc::missing_date, c.key, "created", "no usable createdAt: skipped");
      continue;
    }
    c.created = *created;
    if (std::string pid = trimmed_copy(q.parent); !pid.empty()) c.parent = "disqus-" + pid;
    c.name = q.name;
    if (trimmed_copy(c.name).empty()) c.name = q.username;
    if (trimmed_copy(q.spam) == "true") c.status = "rejected";
    else if (trimmed_copy(q.deleted) == "true") c.status = "deleted";
    html_markup m = html_to_markup(q.message);
    b.html_flags(m, c.key);
    c.text = std::move(m.text);
    b.add(link->second, std::move(c));
  }
  b.finish();
  return r;
}

// A WordPress eXtended RSS (WXR) export. Items (posts, with their text) are read one at a time
// as the file is parsed (xml::stream) and only their comments kept, as the fields used below.
inline import_result import_wordpress(std::string_view bytes) {
  using namespace detail::import;
  struct wp_comment {
    std::string link, id, type, date_gmt, date, parent, author, url, approved, content;
  };
  std::vector<wp_comment> comments;
  bool any = false;  // a <wp:comment> in an item of the channel
  const xml::stream each_item{
      2,
      "item",
      [&](const xml::document& d, const xml::element& parent, const xml::element& item) {
        if (d.root().name != "rss" || &parent != d.child(d.root(), "channel")) return;  // the first channel's
        const std::string link = trimmed_copy(d.child_text(item, "link"));
        d.each_child(item, "wp:comment", [&](const xml::element& wc) {
          any = true;
          comments.push_back(
              {link, std::string(d.child_text(wc, "wp:comment_id")), std::string(d.child_text(wc, "wp:comment_type")),
               std::string(d.child_text(wc, "wp:comment_date_gmt")), std::string(d.child_text(wc, "wp:comment_date")),
               std::string(d.child_text(wc, "wp:comment_parent")), std::string(d.child_text(wc, "wp:comment_author")),
               std::string(d.child_text(wc, "wp:comment_author_url")),
               std::string(d.child_text(wc, "wp:comment_approved")),
               std::string(d.child_text(wc, "wp:comment_content"))});
        });
      },
      {"wp:wxr_version", "wp:base_site_url", "link"}};
  xml::document d = xml::parse(bytes, wordpress_prefix, each_item);
  if (!d.ok) return refuse(d.error);
  const xml::element* channel = d.root().name == "rss" ? d.child(d.root(), "channel") : nullptr;
  if (!channel)
    return refuse(errc::wrong_format, "not a WordPress export: no <rss><channel> (the root is <" + d.root().name + ">)");
  // Every WXR names its version; an RSS feed has neither that nor comments.
  if (!any && !d.child(*channel, "wp:wxr_version"))
    return refuse(errc::wrong_format,
                  "not a WordPress export: an RSS feed with no <wp:wxr_version> and no <wp:comment> (WordPress's "
                  "export namespace, http://wordpress.org/export/1.2/, is not declared or not used)");
  // Comment ids are a site's own: the key (a stored comment's clientId, what makes an import
  // idempotent) names the site, so a second blog's comment 7 is not taken for the first's.
  std::string site = trimmed_copy(d.child_text(*channel, "wp:base_site_url"));
  if (site.empty()) site = trimmed_copy(d.child_text(*channel, "link"));
  if (std::size_t scheme = site.find("://"); scheme != std::string::npos) site.erase(0, scheme + 3);
  while (!site.empty() && site.back() == '/') site.pop_back();
  for (char& ch : site) ch = ch >= 'A' && ch <= 'Z' ? char(ch - 'A' + 'a') : ch;
  const std::string key_prefix = "wordpress:" + (site.empty() ? "" : site + ":");
  import_result r;
  report_repairs(d, r);
  builder b(r);
  for (wp_comment& each : comments) {
    const wp_comment wc = std::move(each);  // freed as it is read
    ++r.read;
    imported_comment c;
    const std::string source_id = trimmed_copy(wc.id);
    c.id = source_id.empty() ? "" : "wordpress-" + source_id;
    c.key = key_prefix + (source_id.empty() ? "#" + std::to_string(r.read) : source_id);
    const std::string type = trimmed_copy(wc.type);
    if (type == "pingback" || type == "trackback") {
      b.report(errc::not_a_comment, c.key, "type", "a " + type + ", not a reader's comment: skipped");
      continue;
    }
    if (wc.link.empty()) {
      b.report(errc::missing_url, c.key, "thread", "the post has no <link>: skipped");
      continue;
    }
    auto created = iso_time(wc.date_gmt);
    if (!created) {
      // Old exports leave date_gmt at 0000-00-00 00:00:00: the local date is all there is.
      created = iso_time(wc.date);
      if (!created) {
        b.report(errc::bad_date, c.key, "created", "no usable comment_date_gmt or comment_date: skipped");
        continue;
      }
      b.report(errc::bad_date, c.key, "created", "no usable comment_date_gmt: the local comment_date read as UTC");
    }
    c.created = *created;
    const std::string parent = trimmed_copy(wc.parent);
    if (!parent.empty() && parent != "0") c.parent = "wordpress-" + parent;
    c.name = wc.author;
    c.url = trimmed_copy(wc.url);
    const std::string approved = trimmed_copy(wc.approved);
    if (approved == "1" || approved == "approve") c.status = "published";
    else if (approved == "spam") c.status = "rejected";
    else if (approved == "trash" || approved == "post-trashed") c.status = "deleted";
    else {
      if (approved != "0" && approved != "hold")
        b.report(errc::bad_status, c.key, "status", "comment_approved '" + approved + "' unknown: kept as pending");
      c.status = "pending";
    }
    html_markup m = html_to_markup(wordpress_html(wc.content));
    b.html_flags(m, c.key);
    c.text = std::move(m.text);
    b.add(wc.link, std::move(c));
  }
  b.finish();
  return r;
}

// Isso's rows (the CLI reads them from its SQLite database).
inline import_result import_isso(const std::vector<isso_row>& rows) {
  using namespace detail::import;
  import_result r;
  builder b(r);
  for (const isso_row& row : rows) {
    ++r.read;
    imported_comment c;
    c.id = "isso-" + std::to_string(row.id);
    c.key = "isso:" + std::to_string(row.id);
    auto created = from_unix_seconds(row.created);
    if (!created) {
      b.report(errc::bad_date, c.key, "created", "created is not a usable time: skipped");
      continue;
    }
    c.created = *created;
    if (row.modified)
      if (auto edited = from_unix_seconds(*row.modified)) c.edited = *edited;
    if (row.parent) c.parent = "isso-" + std::to_string(*row.parent);
    c.name = row.author;
    c.url = row.website;
    // Isso keeps a website as typed: "bread.example" means http://bread.example.
    if (!c.url.empty() && c.url.find(':') == std::string::npos) c.url = "http://" + c.url;
    c.status = row.mode == 1 ? "published" : row.mode == 4 ? "deleted" : "pending";
    if (row.mode != 1 && row.mode != 2 && row.mode != 4)
      b.report(errc::bad_status, c.key, "status", "mode " + std::to_string(row.mode) + " unknown: kept as pending");
    c.text = row.text;  // Isso stores Markdown: comment markup already
    // Counts as the comments reader takes them (0 to 2^53), so an export reads back with them.
    if (row.likes > std::int64_t(limits::max_votes) || row.dislikes > std::int64_t(limits::max_votes))
      b.report(errc::bad_votes, c.key, "votes", "likes or dislikes past 2^53: votes dropped");
    else c.up = std::max<std::int64_t>(0, row.likes), c.down = std::max<std::int64_t>(0, row.dislikes);
    b.add(row.uri, std::move(c));
  }
  b.finish();
  return r;
}

// The first line of a Remark42 backup that is not blank, checked as its {"version": 0 or 1, …}
// header: nothing when it is one, else import_remark42's refusal. The CLI asks as soon as that
// line of a gzipped backup is inflated: a file that is no backup is refused before the rest of it
// is inflated (up to 512 MB).
inline std::optional<import_result> remark42_header_refusal(std::string_view first_line) {
  using namespace detail::import;
  using kind = detail::json_value::kind;
  detail::json_document doc;
  if (doc.parse(first_line) != detail::json_document::status::ok || !doc.root()["version"].is(kind::integer))
    return refuse(errc::wrong_format, "not a Remark42 backup: the first line is not its {\"version\": …} header");
  if (const detail::json_value& v = doc.root()["version"].value(); v.magnitude > 1 || (v.negative && v.magnitude != 0))
    return refuse(errc::wrong_format, "Remark42 backup version " + std::string(v.negative ? "-" : "") +
                                          std::to_string(v.magnitude) + " is not supported (0 or 1)");
  return std::nullopt;
}

// A Remark42 backup (decompressed): a header line, then one comment per line.
inline import_result import_remark42(std::string_view bytes) {
  using namespace detail::import;
  if (bytes.size() > limits::max_import_bytes)
    return refuse(errc::document_too_large, "the file is larger than 512 MB");
  std::size_t pos = 0, line_no = 0;
  auto next_line = [&](std::string_view& line) {
    while (pos < bytes.size()) {
      std::size_t nl = bytes.find('\n', pos);
      std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
      line = bytes.substr(pos, end - pos);
      pos = end + 1;
      ++line_no;
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) return true;
    }
    return false;
  };
  std::string_view line;
  if (!next_line(line)) return refuse(errc::wrong_format, "not a Remark42 backup: the file is empty");
  if (std::optional<import_result> refused = remark42_header_refusal(line)) return std::move(*refused);
  // Each line read by the core's JSON reader, as a browser's JSON.parse reads it: a number
  // beyond a double in a field nobody reads does not cost a comment.
  using kind = detail::json_value::kind;
  using json_ref = detail::json_document::ref;
  detail::json_document doc;
  import_result r;
  builder b(r);
  auto text = [](json_ref o, std::string_view k) {
    const std::string_view* s = o.string_at(k);
    return s ? std::string(*s) : std::string();
  };
  while (next_line(line)) {
    ++r.read;
    const detail::json_document::status parsed = doc.parse(line);
    const json_ref j = doc.root();
    const std::string where = "remark42:line " + std::to_string(line_no);
    if (parsed == detail::json_document::status::too_deep) {
      b.report(errc::json_too_deep, where, "",
               "line nests deeper than " + std::to_string(limits::max_json_depth) + " levels: skipped");
      continue;
    }
    if (parsed != detail::json_document::status::ok) {
      const detail::text_position at = detail::position_of(line, doc.error_offset());
      b.report(errc::not_json, where, "",
               "line is not JSON: " + at.what + " at column " + std::to_string(at.column) + ": skipped");
      continue;
    }
    if (!j.is(kind::object)) {
      b.report(errc::item_not_object, where, "", "line is JSON but not an object: skipped");
      continue;
    }
    imported_comment c;
    const std::string source_id = text(j, "id");
    c.id = source_id.empty() ? "" : "remark42-" + source_id;
    c.key = source_id.empty() ? where : "remark42:" + source_id;
    auto created = iso_time(text(j, "time"));
    if (!created) {
      b.report(j["time"].exists() ? errc::bad_date : errc::missing_date, c.key, "created", "no usable time: skipped");
      continue;
    }
    c.created = *created;
    if (auto pid = text(j, "pid"); !pid.empty()) c.parent = "remark42-" + pid;
    std::string url;
    if (const json_ref loc = j["locator"]; loc.is(kind::object)) url = text(loc, "url");
    if (const json_ref user = j["user"]; user.is(kind::object)) c.name = text(user, "name");
    if (const json_ref del = j["delete"]; del.is(kind::boolean) && del.value().magnitude) c.status = "deleted";
    if (const json_ref votes = j["votes"]; votes.is(kind::object))
      for (const json_ref up : votes) (up.is(kind::boolean) && up.value().magnitude ? c.up : c.down) += 1;
    if (const json_ref edit = j["edit"]; edit.is(kind::object))
      if (auto t = iso_time(text(edit, "time"))) c.edited = *t;
    html_markup m = html_to_markup(text(j, "text"));
    b.html_flags(m, c.key);
    c.text = std::move(m.text);
    b.add(url, std::move(c));
  }
  b.finish();
  return r;
}

namespace detail::import {
// colloquy export's statusBeforeDelete of each comment of a document that reads (read_comments
// said ok), by id: "" (published), "rejected" or "pending" (any other value: not trusted to be
// public). Each comment of the (last) comments array is parsed on its own, so one the reader
// skips (one nested past the depth limit, say) costs only its own.
inline std::unordered_map<std::string, std::string> statuses_before_delete(std::string_view doc) {
  std::unordered_map<std::string, std::string> found;
  json_scanner sc(doc);
  auto items = [&] {  // at a comments array's '['
    found.clear();
    sc.advance();
    if (!sc.open() || sc.eat(']')) return;
    do {
      sc.skip_ws();
      const std::size_t start = sc.offset();
      if (!sc.skip_value()) return;
      json_document one;
      if (one.parse(doc.substr(start, sc.offset() - start)) != json_document::status::ok) continue;
      const json_document::ref id = one.root()["id"], before = one.root()["statusBeforeDelete"];
      if (!id.exists() || !before.exists()) continue;
      char buf[24];
      const std::string_view key = id.string()                        ? *id.string()
                                   : id.is(json_value::kind::integer) ? integer_text(id.value(), buf)
                                                                      : std::string_view();
      const std::string_view said = before.string() ? *before.string() : std::string_view();
      found[std::string(key)] = said == "published" ? "" : said == "rejected" ? "rejected" : "pending";
    } while (sc.eat(','));
    if (sc.expect(']')) sc.close();
  };
  if (!sc.skip_bom()) return found;
  sc.skip_ws();
  if (sc.peek() == '[') {
    items();
  } else if (sc.eat('{') && sc.open() && !sc.eat('}')) {
    std::string scratch;
    do {
      std::string_view key;
      if (!sc.string(key, scratch) || !sc.expect(':')) break;
      sc.skip_ws();
      if (key == "comments" && sc.peek() == '[') items();
      else if (!sc.skip_value()) break;
    } while (sc.eat(','));
  }
  return found;
}
}  // namespace detail::import

// Colloquy comments documents (DESIGN §2): one document, or one per line (colloquy export).
// A file that is neither (a document broken somewhere, junk) is refused where it breaks, as
// `colloquy check` reports it, and so is a file with no usable document: nothing imported is
// never a success.
inline import_result import_documents(std::string_view bytes) {
  using namespace detail::import;
  if (bytes.size() > limits::max_import_bytes)
    return refuse(errc::document_too_large, "the file is larger than 512 MB");
  std::vector<std::string_view> docs;
  read_result whole = read_comments(bytes);  // the file as one document: read once, used below
  if (whole.ok) {
    docs.push_back(bytes);
  } else {
    for (std::size_t pos = 0; pos < bytes.size();) {
      std::size_t nl = bytes.find('\n', pos);
      std::size_t end = nl == std::string_view::npos ? bytes.size() : nl;
      std::string_view line = bytes.substr(pos, end - pos);
      if (line.find_first_not_of(" \t\r") != std::string_view::npos) docs.push_back(line);
      pos = end + 1;
    }
  }
  if (docs.empty()) return refuse(errc::no_comments, "no comments document in the file");
  import_result r;
  builder b(r);
  b.keep_given_order();
  b.keep_thread_ids();
  std::size_t usable = 0;
  for (std::size_t n = 0; n < docs.size(); ++n) {
    read_result d = whole.ok ? std::move(whole) : read_comments(docs[n]);
    const std::string where = "document " + std::to_string(n + 1);
    if (!d.ok) {
      b.report(d.error.code, where, "", d.error.message + ": skipped");
      continue;
    }
    for (const problem& p : d.problems) b.report_at(p.index, p.code, where + ": " + p.id, p.field, p.message);
    if (detail::normalise_field(d.thread, false).empty()) {
      b.report(errc::bad_thread, where, "thread",
               d.thread.empty() ? "a bare array names no thread: skipped" : "the thread id is blank: skipped");
      continue;
    }
    ++usable;
    // colloquy export's statusBeforeDelete (README, "Import and export"): a comment deleted while
    // it awaited moderation stays unlisted, and a restore gives it back pending. Read beside the
    // core's reader, which knows DESIGN §2 only; any other value is not trusted to be public.
    std::unordered_map<std::string, std::string> before_delete;
    if (docs[n].find("\"statusBeforeDelete\"") != std::string_view::npos)
      before_delete = statuses_before_delete(docs[n]);
    for (const comment& x : d.comments) {
      ++r.read;
      imported_comment c;
      c.id = std::string(x.id);
      c.parent = std::string(x.parent);
      c.name = std::string(x.author.name);
      c.location = std::string(x.author.location);
      c.url = std::string(x.author.url);
      c.created = x.created;
      c.edited = x.edited;
      c.text = std::string(x.text);
      c.status = x.status == comment_status::pending   ? "pending"
                 : x.status == comment_status::deleted ? "deleted"
                                                       : "published";
      // A net score alone is kept as up or down votes.
      c.up = x.has_up_down ? x.up : std::max<std::int64_t>(0, x.up);
      c.down = x.has_up_down ? x.down : std::max<std::int64_t>(0, -x.up);
      if (auto before = before_delete.find(c.id); before != before_delete.end() && c.status == "deleted")
        c.status_before_delete = before->second;
      b.add(d.thread, std::move(c));
    }
  }
  if (usable == 0) {
    // Not JSON lines either: the file as one document, and where it breaks.
    if (!whole.ok) return refuse(std::move(whole.error));
    return refuse(errc::bad_thread, "no document in the file names its thread (a bare array, a blank id)");
  }
  b.finish();
  return r;
}

}  // namespace colloquy
