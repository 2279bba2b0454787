// The reference server's comment store, behind one interface with two backends: SQLite (WAL;
// the embedded default, store.cpp) and PostgreSQL (libpq, for several server processes on one
// database: store_pg.cpp). Both create and migrate their schema on open, with the same
// migrations, constraints and answers.
//
//   std::string error;
//   auto db = colloquy::server::store::open("colloquy.db", error);   // or "postgresql://u@h:5432/d"
//   if (db && db->created()) db->import_document(seed_json, error);
//   auto r = db->post(draft, "published", now_ms, "127.0.0.1", token_hash);   // r.outcome == created
//   auto p = db->list("/thread", 10, 0);                            // p.comments, p.next_root
//
// Thread safety: every method may be called from any thread. Idempotency rests on the UNIQUE
// constraint on client_id, so it also holds with several processes on one database.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/compose.hpp"

namespace colloquy::server {

struct stored_comment {
  std::int64_t seq = 0;  // insertion order: server-side only, never shown
  std::string thread, id, parent, name, location, url, text, status, client_id;
  std::int64_t created = 0, edited = 0, up = 0, down = 0;  // times in ms since the epoch
  // A deleted comment's status before its delete, which a restore gives back ("": published).
  // Read by all_comments() and written by import_comments() only.
  std::string status_before_delete;
};

enum class post_outcome { created, repeated, parent_not_found, failed };

// A reader's vote on a comment (DESIGN §8): `vote` 1, -1 or 0 (none) by `voter`, sent from
// `address` (http::address_key). A voter new to the comment is refused (address_full) when
// `per_address` voters from that address have votes on it already; 0: no such cap.
struct ballot {
  std::string thread, comment, voter, address;
  int vote = 0;
  int per_address = 0;
  std::int64_t now_ms = 0;
};
// The comment's counts after a vote, and the voter's own.
struct vote_result {
  enum class outcome { done, no_comment, address_full, failed } result = outcome::failed;
  std::int64_t up = 0, down = 0;
  int mine = 0;  // 1, -1 or 0
};

// A reader's edit or delete of their own comment, proven by its edit token (only its hash is
// stored) and allowed for a while after posting (--edit-window).
enum class author_outcome { done, no_comment, bad_token, window_closed, failed };
struct author_change {
  std::string text;     // the new text (an edit); ignored by a delete
  bool remove = false;  // delete instead of edit
  std::string token_hash;
  std::int64_t now_ms = 0, window_ms = 0;
  std::string address;  // the reader's client address, for the audit log
  // --moderate: an edit puts the comment back to pending, so no text goes public unreviewed.
  bool moderated = false;
};
struct author_result {
  author_outcome outcome = author_outcome::failed;
  stored_comment comment;  // when done: as it is now
};

struct post_result {
  post_outcome outcome = post_outcome::failed;
  stored_comment comment;
  std::string error;  // when failed: the database's message
};

// A listed top-level comment as list_ordered passes it to be put in order.
struct root_summary {
  std::int64_t seq = 0;
  std::string id;
  std::int64_t created = 0, up = 0, down = 0;
};

struct page {
  std::vector<stored_comment> comments;  // in insertion order, pending ones left out
  std::int64_t next_root = 0;            // 0: no more; else the cursor for the next page
  std::size_t next_offset = 0;           // list_ordered: 0: no more; else where the next page starts
  std::size_t roots_read = 0;            // list_ordered: the top-level comments read to order them
  std::int64_t version = 0;              // the thread's version this page was read at
  std::int64_t total = -1;               // a page (limit or cursor): the thread's published comments
  bool ok = true;
};

// What a moderator can do to a comment. approve and reject act on a pending comment; remove
// deletes any comment that is not deleted yet (its place stays, as a placeholder while it has
// replies); restore gives a deleted comment back the status it had before.
enum class moderation { approve, reject, remove, restore };

const char* moderation_name(moderation m);

// What a moderator's action did. An approval names the version of the text the moderator saw
// (the comment's `edited` time, 0 for text never edited): when the author has edited it since,
// nothing changes and the answer is `stale`, with the comment as it is now.
struct moderation_result {
  enum class outcome { done, not_applicable, stale, failed } result = outcome::failed;
  stored_comment comment;  // done: as it is now; stale: as it is now, its current text
};

// One moderator action, as the audit log keeps it.
struct audit_entry {
  std::int64_t seq = 0, at = 0;  // at: ms since the epoch
  std::string address;           // the moderator's client address, or "command line"
  std::string action, thread, id, status_before, status_after;
};

// What the moderation page asks for: comments of any status, newest first.
struct comment_query {
  std::string thread;  // empty: every thread
  std::string status;  // empty: any
  std::string text;    // empty: any; else a case-insensitive substring of the author's name or the text
  std::size_t limit = 100;
};

class store {
 public:
  // The current schema version this build writes (SQLite: PRAGMA user_version; PostgreSQL: the
  // colloquy_schema table).
  static constexpr int schema_version = 7;

  // Opens or creates the database and migrates it: `where` is a SQLite file path, or a
  // postgresql:// (postgres://) URL. nullptr with `error` on failure.
  static std::unique_ptr<store> open(const std::string& where, std::string& error);
  // True when `where` names a PostgreSQL database rather than a SQLite file.
  static bool is_postgresql(std::string_view where);
  virtual ~store() = default;
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // True when open() created the schema (a new database): the time to import a seed.
  bool created() const { return created_; }

  // Imports a comments document (DESIGN §2, read by the core) into its thread, or into
  // `default_thread` when the document is a bare array. Ids, dates, votes and statuses are
  // kept. Returns the number of comments stored, or -1 with `error`.
  virtual long import_document(std::string_view json, std::string& error, std::string_view default_thread = {}) = 0;

  // Stores a validated draft with the hash of its edit token, or finds the comment already
  // stored under its clientId.
  virtual post_result post(const draft& d, const std::string& status, std::int64_t now_ms, const std::string& address,
                           const std::string& token_hash) = 0;

  // Reader actions (DESIGN §8). vote: a ballot on a published comment; the same vote again
  // changes nothing (and does not raise the thread's version). A voter's change or withdrawal
  // of their own vote is never refused for the address cap.
  virtual vote_result vote(const ballot& b) = 0;
  // An author's edit or delete of comment `id`: checked (token, then window) and applied with its
  // audit-log entry and a version bump in one transaction; nothing changes unless `done`.
  virtual author_result author_edit(const std::string& thread, const std::string& id, const author_change& change) = 0;
  // Gives comment `id` a new edit token (a post sent again whose first answer, with the token,
  // was lost). False when no such comment or the database failed.
  virtual bool replace_edit_token(const std::string& thread, const std::string& id, const std::string& token_hash) = 0;

  // Top-level threads of `thread` in the core's oldest order (by creation time, then id in byte
  // order: sql::oldest_roots), after the one whose root is `after_root` (0: from the start),
  // `limit` of them (0: all), each with all its visible replies.
  // Pending and rejected comments are never listed.
  virtual page list(const std::string& thread, std::size_t limit, std::int64_t after_root) = 0;
  // The same in another order: every listed top-level comment of `thread` is passed to `order`,
  // which sorts them (the core's order, in the server); the page is the top-level threads
  // [offset, offset + limit) of that order (limit 0: all from offset), read in one snapshot.
  using root_order = std::function<void(std::vector<root_summary>&)>;
  virtual page list_ordered(const std::string& thread, std::size_t limit, std::size_t offset, const root_order& order) = 0;

  // Comments awaiting moderation (all threads when `thread` is empty), oldest first.
  virtual std::vector<stored_comment> pending(const std::string& thread, std::size_t limit) = 0;

  // Applies `m` to one comment and records it in the audit log (at `now_ms` from `address`),
  // in one transaction; not_applicable when no comment with that id is in a state `m` applies
  // to. `seen_edited`: the `edited` time of the text the moderator approves (0: never edited);
  // an approval of any other version is `stale`.
  moderation_result moderate(const std::string& thread, const std::string& id, moderation m, std::int64_t seen_edited) {
    using namespace std::chrono;
    return moderate(thread, id, m, "command line",
                    duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count(), seen_edited);
  }
  virtual moderation_result moderate(const std::string& thread, const std::string& id, moderation m,
                                     const std::string& address, std::int64_t now_ms, std::int64_t seen_edited) = 0;

  // Comments of any status for moderators, newest first; `ok` false when the database failed.
  virtual std::vector<stored_comment> find(const comment_query& q, bool& ok) = 0;

  // The latest moderator actions, newest first.
  virtual std::vector<audit_entry> audit_log(std::size_t limit, bool& ok) = 0;

  // A token bucket per `key`, kept in the database so that every server process on it counts
  // against the same one: `per_minute` requests, refilled continuously, a burst of the same
  // size. 0 when the request may go ahead, else the seconds to wait; -1 when the database
  // cannot be reached.
  virtual int take_token(const std::string& key, int per_minute, std::int64_t now_ms) = 0;

  // The thread's version: raised by every write to it, by any process (0: never written);
  // -1 when the database cannot be read. Thread "": the site's, raised by every write.
  virtual std::int64_t version(const std::string& thread) = 0;

  // The number of published comments of each of `threads`, in their order (GET
  // /api/comments/counts); `ok` false when the database failed.
  virtual std::vector<std::int64_t> published_counts(const std::vector<std::string>& threads, bool& ok) = 0;
  // The version of each of `threads` (version() for many at once), in their order.
  virtual std::vector<std::int64_t> versions(const std::vector<std::string>& threads, bool& ok) = 0;

  // Number of comments stored with a clientId (tests and the load test's bookkeeping).
  virtual std::int64_t count_posted() = 0;

  // Finishes the database's business (SQLite: checkpoints the WAL) and closes every
  // connection. Idempotent.
  virtual void close() = 0;

  // Import, export and feeds (colloquy import / export, /api/feed.atom).
  // Stores `comments` in `thread` as given (ids, parents, dates, statuses including 'rejected',
  // votes), each under its client_id key when it has one. A comment whose key or (thread, id) is
  // already stored is left alone, so importing a file twice adds nothing. Parents must come
  // before their replies. Returns the number added, or -1 with `error` (nothing is written).
  virtual long import_comments(const std::string& thread, const std::vector<stored_comment>& comments,
                               std::string& error) = 0;
  // Every comment of `thread` (of every thread when empty), any status, by thread then insertion,
  // with its status_before_delete.
  virtual std::vector<stored_comment> all_comments(const std::string& thread) = 0;
  // The newest `limit` published comments of `thread` (of every thread when empty), newest first.
  virtual std::vector<stored_comment> recent(const std::string& thread, std::size_t limit) = 0;

 protected:
  store() = default;
  bool created_ = false;
};

// The backends, opened by store::open.
std::unique_ptr<store> open_sqlite_store(const std::string& path, std::string& error);
std::unique_ptr<store> open_postgresql_store(const std::string& url, std::string& error);

}  // namespace colloquy::server
