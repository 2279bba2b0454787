// Stable error codes. Tests assert them and JavaScript shows them; never rename one.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/limits.hpp"

namespace colloquy {

// Whether problem_list::add keeps a problem's message (see there).
#ifdef COLLOQUY_PROBLEM_CODES_ONLY
inline constexpr bool problem_messages = false;
#else
inline constexpr bool problem_messages = true;
#endif

// A problem found while reading input: a stable code, where it was, and a readable message.
// `id` is the item's id when it has one; `index` its position in the input array. A document
// that is not JSON says where the reader stopped: `line` and `column` (1-based, the column in
// characters; 0 when there is no position).
struct problem {
  std::string code;
  std::string id;
  std::size_t index = 0;
  std::string field;
  std::string message;
  std::size_t line = 0;
  std::size_t column = 0;
};

// The problems of one input: the first limits::max_problems, then only a count of the rest.
// A document of junk has a problem per item; keeping (and serialising) all of them made a
// 20 MB document take minutes and gigabytes, while nobody reads past the first screenful.
//
//   problem_list ps;
//   ps.push_back(p);                        // kept, or counted in ps.omitted()
//   for (const problem& p : ps) ...;        // the kept ones, in order
class problem_list {
 public:
  using value_type = problem;
  using const_iterator = std::vector<problem>::const_iterator;

  // True once pushing only counts: callers may skip building a problem nobody keeps.
  bool full() const { return items_.size() >= limits::max_problems; }
  void push_back(problem p) {
    if (full()) ++omitted_;
    else items_.push_back(std::move(p));
  }
  // The same, building the problem's strings only when it is kept. The widget's reading modules
  // build theirs without the message (COLLOQUY_PROBLEM_CODES_ONLY): the page's author is told
  // the code (web/colloquy-warn.js) and `colloquy check` tells the rest, so the ~1.4 KB of
  // messages stay out of the module (link-time optimisation drops the unused strings).
  void add(std::string_view code, std::string_view id, std::size_t index, std::string_view field,
           std::string_view message) {
    if (full()) ++omitted_;
    else
      items_.push_back({std::string(code), std::string(id), index, std::string(field),
                        std::string(problem_messages ? message : std::string_view())});
  }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  std::size_t omitted() const { return omitted_; }  // problems found but not kept
  std::size_t total() const { return items_.size() + omitted_; }
  problem& operator[](std::size_t i) { return items_[i]; }
  const problem& operator[](std::size_t i) const { return items_[i]; }
  problem& front() { return items_.front(); }
  const problem& front() const { return items_.front(); }
  problem& back() { return items_.back(); }
  auto begin() { return items_.begin(); }
  auto end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  void clear() {
    items_.clear();
    omitted_ = 0;
  }
  // Counts `n` problems found elsewhere and not kept (a later page's omitted ones).
  void add_omitted(std::size_t n) { omitted_ += n; }

 private:
  std::vector<problem> items_;
  std::size_t omitted_ = 0;
};

// Every stable error code, defined here once: its name is the wire string, with the HTTP status
// a server answers it with and the key of the message a reader sees (`message_key`, worded in
// locale.hpp). Core, compose, server and loader all use these; a test checks that no code is
// spelled anywhere else (tests/server/registry_test.cpp, ctest error_registry).
//
//   X(name, http status, message key)
#define COLLOQUY_ERROR_CODES(X)                                                                  \
  /* Document-level: the input cannot be used at all. */                                         \
  X(not_json, 400, rejected)                                                                     \
  X(no_comments, 422, rejected)                                                                  \
  X(json_too_deep, 400, rejected)                                                                \
  X(document_too_large, 413, rejected)                                                           \
  /* Item-level: one comment skipped or repaired, the others kept. */                            \
  X(item_not_object, 422, rejected)                                                              \
  X(missing_id, 422, rejected)                                                                   \
  X(bad_id, 422, rejected)                                                                       \
  X(duplicate_id, 422, rejected)                                                                 \
  X(bad_parent, 400, rejected)                                                                   \
  X(bad_author, 422, rejected)                                                                   \
  X(bad_author_url, 422, rejected)                                                               \
  X(missing_date, 422, rejected)                                                                 \
  X(bad_date, 422, rejected)                                                                     \
  X(missing_text, 422, rejected)                                                                 \
  X(bad_text, 422, rejected)                                                                     \
  X(text_too_long, 400, text_too_long)                                                           \
  X(bad_votes, 422, rejected)                                                                    \
  X(bad_status, 422, rejected)                                                                   \
  X(too_many_comments, 413, rejected)                                                            \
  /* Document fields present but unusable: ignored, the comments kept. */                        \
  X(bad_thread, 422, rejected)                                                                   \
  X(bad_next, 422, rejected)                                                                     \
  X(bad_total, 422, rejected)                                                                    \
  /* Threading (thread.hpp): the comment is kept and shown at top level. */                      \
  X(orphan, 422, rejected)      /* parent not in the thread */                                   \
  X(self_parent, 422, rejected) /* a comment replying to itself */                               \
  X(reply_cycle, 422, rejected) /* cut here to break a cycle */                                  \
  /* Feeds. */                                                                                   \
  X(not_feed, 422, rejected)     /* no items array, unknown XML root, empty */                   \
  X(not_xml, 422, rejected)      /* RSS/Atom not well-formed (loader's XML parser) */            \
  X(feed_is_xml, 422, rejected)  /* RSS/Atom handed to the core, which reads JSON Feed */        \
  X(feed_is_html, 422, rejected) /* a web page (the blog's, say) given where its feed belongs */ \
  X(missing_url, 422, rejected)  /* feed item without a link: skipped */                         \
  X(bad_url, 422, rejected)      /* feed item link not http(s): skipped */                       \
  X(bad_image, 422, rejected)    /* feed item image not http(s): dropped */                      \
  /* Drafts (compose.hpp): what a reader typed. */                                               \
  X(text_required, 400, text_required)                                                           \
  X(name_too_long, 400, name_too_long)                                                           \
  X(location_too_long, 400, location_too_long)                                                   \
  X(thread_required, 400, rejected)                                                              \
  X(thread_too_long, 400, rejected)                                                              \
  X(client_id_required, 400, rejected)                                                           \
  X(bad_client_id, 400, rejected)                                                                \
  X(honeypot_filled, 422, rejected)                                                              \
  X(bad_field, 400, rejected)      /* a JSON value of the wrong type */                          \
  X(body_too_large, 413, rejected) /* the request body itself */                                 \
  X(not_object, 400, rejected)     /* JSON, but not an object */                                 \
  X(bad_option, 400, rejected)     /* a core option the loader sent that cannot be used */       \
  /* The browser-storage mode (loader). */                                                       \
  X(storage_refused, 507, storage_refused)                                                       \
  /* The loader: a comments server's answer it cannot use (a 2xx that is no comment, an error  \
     page instead of a JSON error). Taken as a refusal, so it is not re-sent forever. */ \
  X(bad_answer, 502, bad_answer)                                                                 \
  /* Server: requests. */                                                                        \
  X(bad_request, 400, rejected)                                                                  \
  X(bad_path, 400, rejected)                                                                     \
  X(missing_thread, 400, rejected)   /* GET without ?thread= */                                  \
  X(too_many_threads, 400, rejected) /* counts of more than limits::max_count_threads threads */ \
  X(bad_limit, 400, rejected)                                                                    \
  X(bad_cursor, 400, rejected)                                                                   \
  X(bad_moderation, 400, rejected)                                                               \
  X(unauthorized, 401, rejected)                                                                 \
  X(origin_not_allowed, 403, rejected)                                                           \
  X(not_found, 404, rejected)                                                                    \
  X(not_pending, 404, rejected)                                                                  \
  X(no_such_comment, 404, rejected) /* admin delete: no undeleted comment with that id */        \
  X(not_deleted, 404, rejected)     /* admin restore: no deleted comment with that id */         \
  X(method_not_allowed, 405, rejected)                                                           \
  X(request_timeout, 408, rejected)                                                              \
  X(parent_not_found, 409, rejected)                                                             \
  X(client_id_taken, 409, rejected)                                                              \
  X(comment_changed, 409, rejected) /* approve: its author edited it since */                    \
  X(uri_too_long, 414, rejected)                                                                 \
  X(unsupported_media_type, 415, rejected)                                                       \
  X(unsupported_encoding, 415, rejected)                                                         \
  X(host_not_allowed, 421, rejected)                                                             \
  X(rate_limited, 429, rejected)                                                                 \
  X(headers_too_large, 431, rejected)                                                            \
  X(internal_error, 500, rejected)                                                               \
  /* Server: reader actions (votes, a reader's own edit or delete, DESIGN §8). */               \
  X(bad_vote, 400, rejected)                     /* vote not 1, -1 or 0 */                       \
  X(bad_voter, 400, rejected)                    /* voter id not 8-128 printable characters */   \
  X(too_many_voters, 429, rejected)              /* --votes-per-address voters on the comment */ \
  X(bad_token, 403, bad_token)                   /* edit token missing or not this comment's */  \
  X(edit_window_closed, 403, edit_window_closed) /* past --edit-window (or editing off) */       \
  X(storage_unavailable, 503, rejected)                                                          \
  X(too_many_connections, 503, rejected)                                                         \
  /* Import (colloquy import): the file as a whole. */                                           \
  X(xml_doctype_refused, 422, rejected) /* a DTD or entity declaration: never expanded */        \
  X(xml_too_deep, 422, rejected)        /* elements nested beyond xml::max_xml_depth */          \
  X(wrong_format, 422, rejected)        /* not the format --from names */                        \
  /* Import: one item skipped or repaired, the others kept. */                                   \
  X(unknown_thread, 422, rejected) /* a post whose thread the file does not have: skipped */     \
  X(not_a_comment, 422, rejected)  /* a pingback or trackback: skipped */                        \
  X(text_truncated, 422, rejected) /* cut at limits::max_text_bytes */                           \
  X(bad_utf8, 422, rejected)       /* invalid UTF-8 replaced by U+FFFD */                        \
  X(unsafe_link, 422, rejected)    /* a link's href not http(s)/mailto: its text kept */         \
  X(unsafe_html, 422, rejected)    /* script-like HTML made inert: shown as text or dropped */   \
  X(threads_merged, 422, rejected) /* links differing only in their query: one thread (a path) */

// Which sentence a reader sees for a code (locale.hpp words each in every language).
enum class message_key {
  rejected,
  text_required,
  text_too_long,
  name_too_long,
  location_too_long,
  storage_refused,
  bad_answer,
  bad_token,  // a reader's edit or delete refused (locale.hpp action_words)
  edit_window_closed
};

namespace errc {
#define COLLOQUY_ERRC_NAME(name, status, key) inline constexpr std::string_view name = #name;
COLLOQUY_ERROR_CODES(COLLOQUY_ERRC_NAME)
#undef COLLOQUY_ERRC_NAME
}  // namespace errc

struct error_info {
  std::string_view code;
  int http_status;
  message_key message;
};

inline constexpr error_info error_codes[] = {
#define COLLOQUY_ERRC_INFO(name, status, key) {#name, status, message_key::key},
    COLLOQUY_ERROR_CODES(COLLOQUY_ERRC_INFO)
#undef COLLOQUY_ERRC_INFO
};

// The registry entry of `code`, or nullptr for a code this build does not know.
constexpr const error_info* find_error(std::string_view code) {
  for (const error_info& e : error_codes)
    if (e.code == code) return &e;
  return nullptr;
}

// The HTTP status a server answers `code` with (400 for an unknown code).
constexpr int error_status(std::string_view code) {
  const error_info* e = find_error(code);
  return e ? e->http_status : 400;
}

}  // namespace colloquy
