// The reference server's comment store: SQLite (WAL), schema created and migrated on open.
//
//   std::string error;
//   auto db = colloquy::server::store::open("colloquy.db", error);
//   if (db && db->created()) db->import_document(seed_json, error);
//   auto r = db->post(draft, "published", now_ms, "127.0.0.1");   // r.outcome == created
//   auto p = db->list("/thread", 10, 0);                            // p.comments, p.next_root
//
// Thread safety: every method may be called from any thread. Writes go through one connection
// behind a mutex (SQLite has one writer at a time anyway); reads use pooled connections, which
// WAL lets run beside the writer. Idempotency rests on the UNIQUE constraint on client_id, so it
// also holds with several processes on one database file.
#pragma once
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "colloquy/compose.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace colloquy::server {

struct stored_comment {
  std::int64_t seq = 0;  // insertion order: server-side only, never shown
  std::string thread, id, parent, name, location, url, text, status, client_id;
  std::int64_t created = 0, edited = 0, up = 0, down = 0;  // times in ms since the epoch
};

enum class post_outcome { created, repeated, parent_not_found, failed };

struct post_result {
  post_outcome outcome = post_outcome::failed;
  stored_comment comment;
  std::string error;  // when failed: SQLite's message
};

struct page {
  std::vector<stored_comment> comments;  // in insertion order, pending ones left out
  std::int64_t next_root = 0;            // 0: no more; else the cursor for the next page
  std::int64_t version = 0;              // the thread's version this page was read at
  bool ok = true;
};

enum class moderation { approve, reject };

class store {
 public:
  // The current schema version (PRAGMA user_version) this build writes.
  static constexpr int schema_version = 2;

  // Opens or creates the database at `path` and migrates it; nullptr with `error` on failure.
  static std::unique_ptr<store> open(const std::string& path, std::string& error);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  // True when open() created the schema (a new database): the time to import a seed.
  bool created() const { return created_; }

  // Imports a comments document (DESIGN §2, read by the core) into its thread, or into
  // `default_thread` when the document is a bare array. Ids, dates, votes and statuses are
  // kept. Returns the number of comments stored, or -1 with `error`.
  long import_document(std::string_view json, std::string& error, std::string_view default_thread = {});

  // Stores a validated draft, or finds the comment already stored under its clientId.
  post_result post(const draft& d, const std::string& status, std::int64_t now_ms, const std::string& address);

  // Top-level threads of `thread` after the one whose root is `after_root` (0: from the start),
  // `limit` of them (0: all), each with all its visible replies.
  // Pending and rejected comments are never listed.
  page list(const std::string& thread, std::size_t limit, std::int64_t after_root);

  // Comments awaiting moderation (all threads when `thread` is empty), oldest first.
  std::vector<stored_comment> pending(const std::string& thread, std::size_t limit);

  // Approves or rejects a pending comment; nullopt when no pending comment has that id.
  std::optional<stored_comment> moderate(const std::string& thread, const std::string& id, moderation m);

  // The thread's version: raised by every write to it, by any process (0: never written);
  // -1 when the database cannot be read.
  std::int64_t version(const std::string& thread);

  // Number of comments stored with a clientId (tests and the load test's bookkeeping).
  std::int64_t count_posted();

  // Checkpoints the WAL into the database and closes every connection. Idempotent.
  void close();

  // Import, export and feeds (colloquy import / export, /api/feed.atom).
  // Stores `comments` in `thread` as given (ids, parents, dates, statuses including 'rejected',
  // votes), each under its client_id key when it has one. A comment whose key or (thread, id) is
  // already stored is left alone, so importing a file twice adds nothing. Parents must come
  // before their replies. Returns the number added, or -1 with `error` (nothing is written).
  long import_comments(const std::string& thread, const std::vector<stored_comment>& comments, std::string& error);
  // Every comment of `thread` (of every thread when empty), any status, by thread then insertion.
  std::vector<stored_comment> all_comments(const std::string& thread);
  // The newest `limit` published comments of `thread` (of every thread when empty), newest first.
  std::vector<stored_comment> recent(const std::string& thread, std::size_t limit);

 private:
  store() = default;
  struct connection;
  std::unique_ptr<connection> reader();
  static std::int64_t read_version(connection& c, const std::string& thread);
  void give_back(std::unique_ptr<connection> c);

  std::string path_;
  bool created_ = false;
  std::mutex write_mutex_;
  std::unique_ptr<connection> writer_;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<connection>> readers_;
  bool closed_ = false;
};

}  // namespace colloquy::server
