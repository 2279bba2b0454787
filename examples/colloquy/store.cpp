#include "store.hpp"

#include <dlfcn.h>
#include <sqlite3.h>

#include <algorithm>
#include <cmath>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "cli.hpp"
#include "colloquy/read.hpp"
#include "store_sql.hpp"

namespace colloquy::server {

namespace {

// Each entry moves the schema from version i to i + 1; applied in order inside one transaction.
// Append new migrations; never edit a released one.
const char* const migrations[] = {
    // 1: comments, one row each. Status 'rejected' (a pending comment a moderator refused) is
    // never listed; the row stays so that its clientId keeps answering the same comment. `seq` orders insertion (and pages); `root` is the seq of the
    // comment's top-level ancestor, so a page of top-level threads is one range scan. Public ids
    // are unique per thread; client_id is UNIQUE: that constraint is what makes posting
    // idempotent, whatever the number of threads or processes.
    R"sql(
    CREATE TABLE comments (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      thread TEXT NOT NULL,
      id TEXT NOT NULL,
      parent TEXT,
      root INTEGER NOT NULL DEFAULT 0,
      author_name TEXT NOT NULL DEFAULT '',
      author_location TEXT NOT NULL DEFAULT '',
      author_url TEXT NOT NULL DEFAULT '',
      created INTEGER NOT NULL,
      edited INTEGER NOT NULL DEFAULT 0,
      text TEXT NOT NULL,
      up INTEGER NOT NULL DEFAULT 0,
      down INTEGER NOT NULL DEFAULT 0,
      status TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('published', 'pending', 'deleted', 'rejected')),
      client_id TEXT UNIQUE,
      client_address TEXT NOT NULL DEFAULT '',
      UNIQUE (thread, id)
    );
    CREATE INDEX comments_page ON comments (thread, root, seq);
    CREATE INDEX comments_pending ON comments (seq) WHERE status = 'pending';
    )sql",
    // 2: a version per thread, raised in the same transaction as every write to the thread.
    // Servers keep rendered answers per version, so a write by any process (another server,
    // `colloquy admin`) is seen by all of them on their next read. No row: version 0.
    R"sql(
    CREATE TABLE thread_versions (
      thread TEXT PRIMARY KEY,
      version INTEGER NOT NULL
    ) WITHOUT ROWID;
    )sql",
    // 3: moderation of any comment, votes, the audit log and shared rate limits.
    // status_before_delete: what a restore gives back (a deleted pending comment stays unseen).
    // votes: one per voter and comment (the votes API comes later; the constraint is here now).
    // audit_log: every moderator action with its time and the moderator's address.
    // rate_limits: one token bucket per key, shared by every server process on the database.
    R"sql(
    ALTER TABLE comments ADD COLUMN status_before_delete TEXT;
    CREATE TABLE votes (
      thread TEXT NOT NULL,
      comment TEXT NOT NULL,
      voter TEXT NOT NULL,
      vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
      created INTEGER NOT NULL,
      PRIMARY KEY (thread, comment, voter)
    ) WITHOUT ROWID;
    CREATE TABLE audit_log (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      at INTEGER NOT NULL,
      address TEXT NOT NULL,
      action TEXT NOT NULL,
      thread TEXT NOT NULL,
      id TEXT NOT NULL,
      status_before TEXT NOT NULL,
      status_after TEXT NOT NULL
    );
    CREATE TABLE rate_limits (
      key TEXT PRIMARY KEY,
      tokens REAL NOT NULL,
      at INTEGER NOT NULL
    ) WITHOUT ROWID;
    )sql",
    // 4: edit tokens (store_sql.hpp).
    sql::add_edit_token,
    // 5: the site-wide feed's index (store_sql.hpp).
    sql::add_recent_index,
    // 6: each vote's address, for the cap on voters per address and comment (store_sql.hpp).
    sql::add_vote_address,
    // 7: replies found by their parent (store_sql.hpp).
    sql::add_parent_index,
};

constexpr int migration_count = sizeof migrations / sizeof migrations[0];
static_assert(migration_count == store::schema_version);

}  // namespace

class sqlite_store final : public store {
 public:
  static std::unique_ptr<store> open(const std::string& path, std::string& error);
  ~sqlite_store() override { close(); }

  long import_document(std::string_view json, std::string& error, std::string_view default_thread) override;
  post_result post(const draft& d, const std::string& status, std::int64_t now_ms, const std::string& address,
                   const std::string& token_hash) override;
  vote_result vote(const ballot& b) override;
  author_result author_edit(const std::string& thread, const std::string& id, const author_change& change) override;
  bool replace_edit_token(const std::string& thread, const std::string& id, const std::string& token_hash) override;
  page list(const std::string& thread, std::size_t limit, std::int64_t after_root) override;
  page list_ordered(const std::string& thread, std::size_t limit, std::size_t offset, const root_order& order) override;
  std::vector<stored_comment> pending(const std::string& thread, std::size_t limit) override;
  moderation_result moderate(const std::string& thread, const std::string& id, moderation m, const std::string& address,
                             std::int64_t now_ms, std::int64_t seen_edited) override;
  std::vector<stored_comment> find(const comment_query& q, bool& ok) override;
  std::vector<audit_entry> audit_log(std::size_t limit, bool& ok) override;
  int take_token(const std::string& key, int per_minute, std::int64_t now_ms) override;
  std::int64_t version(const std::string& thread) override;
  std::vector<std::int64_t> published_counts(const std::vector<std::string>& threads, bool& ok) override;
  std::vector<std::int64_t> versions(const std::vector<std::string>& threads, bool& ok) override;
  std::int64_t count_posted() override;
  void close() override;
  long import_comments(const std::string& thread, const std::vector<stored_comment>& comments,
                       std::string& error) override;
  std::vector<stored_comment> all_comments(const std::string& thread) override;
  std::vector<stored_comment> recent(const std::string& thread, std::size_t limit) override;

 private:
  struct connection;
  std::unique_ptr<connection> reader();
  static std::int64_t read_version(connection& c, const std::string& thread);
  static bool read_head(connection& c, const std::string& thread, bool paged, page& p);
  std::vector<std::int64_t> per_thread(const char* query, const std::vector<std::string>& threads, bool& ok);
  void give_back(std::unique_ptr<connection> c);

  std::string path_;
  std::mutex write_mutex_;
  std::unique_ptr<connection> writer_;
  // Rate-limit buckets are written on a connection of their own, with synchronous=NORMAL: a
  // bucket lost in a crash costs nothing, so those commits need not wait for fsync.
  std::mutex limiter_mutex_;
  std::unique_ptr<connection> limiter_;
  std::uint64_t limiter_calls_ = 0;
  std::mutex pool_mutex_;
  std::vector<std::unique_ptr<connection>> readers_;
  bool closed_ = false;
};

// One SQLite connection and its prepared statements (prepared once, reused: SQL parsing is the
// bulk of a small query's cost).
struct sqlite_store::connection {
  sqlite3* db = nullptr;
  std::unordered_map<const char*, sqlite3_stmt*> statements;

  ~connection() { close(); }
  void close() {
    for (auto& [sql, s] : statements) sqlite3_finalize(s);
    statements.clear();
    if (db) sqlite3_close_v2(db);
    db = nullptr;
  }
  std::string error() const { return db ? sqlite3_errmsg(db) : "database closed"; }
  bool exec(const char* sql, std::string* err = nullptr) {
    char* message = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &message);
    if (rc != SQLITE_OK && err) *err = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return rc == SQLITE_OK;
  }
  // The statement for `sql` (a string literal: its address is the key), reset and unbound.
  sqlite3_stmt* statement(const char* sql) {
    auto& s = statements[sql];
    if (!s && sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK) {
      statements.erase(sql);
      return nullptr;
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
  }
};

namespace {

// Binds arguments by position: strings, integers, or a null const char* (or an empty optional)
// for SQL NULL.
void bind_one(sqlite3_stmt* s, int i, std::string_view v) {
  // An empty view may have no data pointer, and SQLite binds a null pointer as NULL.
  sqlite3_bind_text(s, i, v.empty() ? "" : v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}
void bind_one(sqlite3_stmt* s, int i, const std::string& v) { bind_one(s, i, std::string_view(v)); }
void bind_one(sqlite3_stmt* s, int i, std::optional<std::string_view> v) {
  if (v) bind_one(s, i, *v);
  else sqlite3_bind_null(s, i);
}
void bind_one(sqlite3_stmt* s, int i, const char* v) {
  if (v) sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
  else sqlite3_bind_null(s, i);
}
void bind_one(sqlite3_stmt* s, int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
template <class... A>
void bind_all(sqlite3_stmt* s, const A&... a) {
  int i = 0;
  (bind_one(s, ++i, a), ...);
}

std::string text_column(sqlite3_stmt* s, int i) {
  auto p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
}

stored_comment read_row(sqlite3_stmt* s) {
  stored_comment c;
  c.seq = sqlite3_column_int64(s, 0);
  c.thread = text_column(s, 1);
  c.id = text_column(s, 2);
  c.parent = text_column(s, 3);
  c.name = text_column(s, 4);
  c.location = text_column(s, 5);
  c.url = text_column(s, 6);
  c.created = sqlite3_column_int64(s, 7);
  c.edited = sqlite3_column_int64(s, 8);
  c.text = text_column(s, 9);
  c.up = sqlite3_column_int64(s, 10);
  c.down = sqlite3_column_int64(s, 11);
  c.status = text_column(s, 12);
  c.client_id = text_column(s, 13);
  return c;
}

// Runs a statement to completion, collecting rows.
std::vector<stored_comment> rows(sqlite3_stmt* s) {
  std::vector<stored_comment> out;
  while (sqlite3_step(s) == SQLITE_ROW) out.push_back(read_row(s));
  sqlite3_reset(s);
  return out;
}

// Opens one connection with the settings every connection needs. `busy_timeout`: another
// process (or the writer, for a checkpoint) may hold a lock briefly; waiting beats failing.
sqlite3* open_sqlite(const std::string& path, std::string& error) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    error = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return nullptr;
  }
  sqlite3_busy_timeout(db, 5000);
  sqlite3_extended_result_codes(db, 1);
  return db;
}
}  // namespace

std::unique_ptr<store> sqlite_store::open(const std::string& path, std::string& error) {
  std::unique_ptr<sqlite_store> s(new sqlite_store());
  s->path_ = path;
  s->writer_ = std::make_unique<connection>();
  s->writer_->db = open_sqlite(path, error);
  if (!s->writer_->db) return nullptr;
  connection& w = *s->writer_;
  // WAL: readers never block the writer nor each other. synchronous=FULL: a comment is on disk
  // (its WAL frame synced) before the server answers 201, so an acknowledged post survives a
  // crash or power loss, not only a clean exit.
  if (!w.exec("PRAGMA journal_mode=WAL", &error) || !w.exec("PRAGMA synchronous=FULL", &error) ||
      !w.exec("PRAGMA foreign_keys=ON", &error))
    return nullptr;
  sqlite3_stmt* v = w.statement("PRAGMA user_version");
  int version = v && sqlite3_step(v) == SQLITE_ROW ? sqlite3_column_int(v, 0) : -1;
  if (v) sqlite3_reset(v);
  if (version < 0) {
    error = "cannot read the schema version: " + w.error();
    return nullptr;
  }
  if (version > schema_version) {
    error = "the database has schema version " + std::to_string(version) + ", newer than this colloquy (" +
            std::to_string(schema_version) + ")";
    return nullptr;
  }
  if (version < schema_version) {
    if (!w.exec("BEGIN IMMEDIATE", &error)) return nullptr;
    for (int i = version; i < schema_version; ++i) {
      if (!w.exec(migrations[i], &error)) {
        w.exec("ROLLBACK");
        error = "migration to version " + std::to_string(i + 1) + " failed: " + error;
        return nullptr;
      }
    }
    std::string set = "PRAGMA user_version=" + std::to_string(schema_version);
    if (!w.exec(set.c_str(), &error) || !w.exec("COMMIT", &error)) {
      w.exec("ROLLBACK");
      return nullptr;
    }
    s->created_ = version == 0;
  }
  s->limiter_ = std::make_unique<connection>();
  s->limiter_->db = open_sqlite(path, error);
  if (!s->limiter_->db || !s->limiter_->exec("PRAGMA synchronous=NORMAL", &error)) return nullptr;
  return s;
}

void sqlite_store::close() {
  std::lock_guard<std::mutex> wl(write_mutex_);
  std::lock_guard<std::mutex> pl(pool_mutex_);
  if (closed_) return;
  closed_ = true;
  readers_.clear();
  {
    std::lock_guard<std::mutex> ll(limiter_mutex_);
    if (limiter_) limiter_->close();
  }
  if (writer_ && writer_->db) {
    // Fold the WAL back into the database file, so a clean stop leaves one self-contained file.
    writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    writer_->close();
  }
}

std::unique_ptr<sqlite_store::connection> sqlite_store::reader() {
  {
    std::lock_guard<std::mutex> l(pool_mutex_);
    if (closed_) return nullptr;
    if (!readers_.empty()) {
      auto c = std::move(readers_.back());
      readers_.pop_back();
      return c;
    }
  }
  auto c = std::make_unique<connection>();
  std::string error;
  c->db = open_sqlite(path_, error);
  if (!c->db) return nullptr;
  c->exec("PRAGMA query_only=ON");
  return c;
}

void sqlite_store::give_back(std::unique_ptr<connection> c) {
  std::lock_guard<std::mutex> l(pool_mutex_);
  if (!closed_ && c) readers_.push_back(std::move(c));
}

long sqlite_store::import_document(std::string_view json, std::string& error, std::string_view default_thread) {
  read_result r = read_comments(json);
  if (!r.ok) {
    error = r.error.code + ": " + r.error.message;
    return -1;
  }
  const std::string thread(r.thread.empty() ? default_thread : std::string_view(r.thread));
  if (thread.empty()) {
    error = "the document names no thread (a bare array of comments needs --seed-thread)";
    return -1;
  }
  std::lock_guard<std::mutex> l(write_mutex_);
  connection& w = *writer_;
  if (closed_ || !w.exec("BEGIN IMMEDIATE", &error)) return -1;
  std::unordered_map<std::string, std::int64_t> seq_of;
  std::unordered_map<std::string, std::string> parent_of;
  auto fail = [&] {
    error = w.error();
    w.exec("ROLLBACK");
    return -1L;
  };
  static const char* insert =
      "INSERT INTO comments (thread, id, parent, author_name, author_location, author_url, created, edited, "
      "text, up, down, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
  for (const comment& c : r.comments) {
    sqlite3_stmt* s = w.statement(insert);
    if (!s) return fail();
    bind_all(s, thread, c.id, c.parent.empty() ? std::nullopt : std::optional(c.parent), c.author.name,
             c.author.location, c.author.url, c.created, c.edited, c.text, c.up, c.down, sql::status_name(c.status));
    if (sqlite3_step(s) != SQLITE_DONE) return fail();
    if (sqlite3_changes(w.db) == 1) {
      seq_of[std::string(c.id)] = sqlite3_last_insert_rowid(w.db);
      parent_of[std::string(c.id)] = std::string(c.parent);
    }
  }
  static const char* set_root = "UPDATE comments SET root = ? WHERE seq = ?";
  for (const auto& [seq, root] : sql::import_roots(seq_of, parent_of)) {
    sqlite3_stmt* s = w.statement(set_root);
    if (!s) return fail();
    bind_all(s, root, seq);
    if (sqlite3_step(s) != SQLITE_DONE) return fail();
  }
  sqlite3_stmt* v = w.statement(sql::bump_version);
  if (!v) return fail();
  bind_all(v, thread);
  if (sqlite3_step(v) != SQLITE_DONE) return fail();
  if (!w.exec("COMMIT", &error)) return fail();
  return static_cast<long>(seq_of.size());
}

post_result sqlite_store::post(const draft& d, const std::string& status, std::int64_t now_ms,
                               const std::string& address, const std::string& token_hash) {
  post_result r;
  std::lock_guard<std::mutex> l(write_mutex_);
  if (closed_) {
    r.error = "the store is closed";
    return r;
  }
  connection& w = *writer_;
  static const std::string by_client = std::string("SELECT ") + sql::columns + " FROM comments WHERE client_id = ?";
  auto find_client = [&]() -> bool {
    sqlite3_stmt* s = w.statement(by_client.c_str());
    if (!s) return false;
    bind_all(s, d.client_id);
    auto found = rows(s);
    if (found.empty()) return false;
    r.outcome = post_outcome::repeated;
    r.comment = std::move(found.front());
    return true;
  };
  if (find_client()) return r;
  auto fail = [&] {
    r.outcome = post_outcome::failed;
    r.error = w.error();
    w.exec("ROLLBACK");
    return r;
  };
  if (!w.exec("BEGIN IMMEDIATE", &r.error)) return r;
  std::int64_t root = 0;
  if (!d.parent.empty()) {
    // A reply to a comment awaiting moderation is taken (it waits too, under --moderate): its
    // author may answer it, and a reader the placeholder it is listed as (store_sql.hpp listed).
    sqlite3_stmt* s = w.statement(
        "SELECT root FROM comments WHERE thread = ? AND id = ? AND status IN ('published', 'pending')");
    if (!s) return fail();
    bind_all(s, d.thread, d.parent);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) root = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_ROW) {
      w.exec("ROLLBACK");
      r.outcome = post_outcome::parent_not_found;
      return r;
    }
  }
  // The new comment's id is "c<seq>", its seq known ahead (AUTOINCREMENT: one past the largest
  // ever used); an imported comment may already hold that id in this thread, then a suffix.
  std::int64_t next = 1;
  if (sqlite3_stmt* s = w.statement("SELECT seq FROM sqlite_sequence WHERE name = 'comments'")) {
    if (sqlite3_step(s) == SQLITE_ROW) next = sqlite3_column_int64(s, 0) + 1;
    sqlite3_reset(s);
  } else {
    return fail();
  }
  std::string id = "c" + std::to_string(next);
  for (int k = 2;; ++k) {
    sqlite3_stmt* s = w.statement("SELECT 1 FROM comments WHERE thread = ? AND id = ?");
    if (!s) return fail();
    bind_all(s, d.thread, id);
    bool taken = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_reset(s);
    if (!taken) break;
    id = "c" + std::to_string(next) + "-" + std::to_string(k);
  }
  sqlite3_stmt* s = w.statement(
      "INSERT INTO comments (thread, id, parent, root, author_name, author_location, created, text, status, "
      "client_id, client_address, edit_token) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (client_id) DO "
      "NOTHING");
  if (!s) return fail();
  bind_all(s, d.thread, id, d.parent.empty() ? nullptr : d.parent.c_str(), root, d.name, d.location, now_ms, d.text,
           status, d.client_id, address, token_hash);
  if (sqlite3_step(s) != SQLITE_DONE) return fail();
  if (sqlite3_changes(w.db) == 0) {
    // Another process stored this clientId since the lookup above: the constraint held.
    w.exec("ROLLBACK");
    if (find_client()) return r;
    r.error = "clientId conflict without a stored comment";
    return r;
  }
  std::int64_t seq = sqlite3_last_insert_rowid(w.db);
  if (root == 0) {
    sqlite3_stmt* u = w.statement("UPDATE comments SET root = seq WHERE seq = ?");
    if (!u) return fail();
    bind_all(u, seq);
    if (sqlite3_step(u) != SQLITE_DONE) return fail();
  }
  sqlite3_stmt* v = w.statement(sql::bump_version);
  if (!v) return fail();
  bind_all(v, d.thread);
  if (sqlite3_step(v) != SQLITE_DONE) return fail();
  if (!w.exec("COMMIT", &r.error)) return fail();
  r.outcome = post_outcome::created;
  r.comment = sql::posted_comment(d, seq, id, status, now_ms);
  return r;
}

vote_result sqlite_store::vote(const ballot& b) {
  const std::string &thread = b.thread, &comment = b.comment, &voter = b.voter;
  const int vote = b.vote;
  vote_result r;
  std::lock_guard<std::mutex> l(write_mutex_);
  if (closed_) return r;
  connection& w = *writer_;
  auto fail = [&] {
    w.exec("ROLLBACK");
    r.result = vote_result::outcome::failed;
    return r;
  };
  // BEGIN IMMEDIATE: the write lock first, so another process's vote cannot slip in between
  // reading the old vote and changing the counts.
  if (!w.exec("BEGIN IMMEDIATE")) return r;
  sqlite3_stmt* st = w.statement(sql::comment_status_of);
  if (!st) return fail();
  bind_all(st, thread, comment);
  const std::string status = sqlite3_step(st) == SQLITE_ROW ? text_column(st, 0) : std::string();
  sqlite3_reset(st);
  if (status != "published") {
    w.exec("ROLLBACK");
    r.result = vote_result::outcome::no_comment;
    return r;
  }
  sqlite3_stmt* old = w.statement(sql::voter_vote);
  if (!old) return fail();
  bind_all(old, thread, comment, voter);
  const int before = sqlite3_step(old) == SQLITE_ROW ? sqlite3_column_int(old, 0) : 0;
  sqlite3_reset(old);
  if (sql::adds_capped_voter(b, before)) {
    sqlite3_stmt* from = w.statement(sql::address_votes);
    if (!from) return fail();
    bind_all(from, thread, comment, b.address);
    if (sqlite3_step(from) != SQLITE_ROW) return fail();
    const std::int64_t counted = sqlite3_column_int64(from, 0);
    sqlite3_reset(from);
    if (counted >= b.per_address) {
      w.exec("ROLLBACK");
      r.result = vote_result::outcome::address_full;
      return r;
    }
  }
  r.mine = vote;
  if (before != vote) {
    sqlite3_stmt* change = w.statement(vote == 0 ? sql::remove_vote : sql::set_vote);
    if (!change) return fail();
    if (vote == 0) bind_all(change, thread, comment, voter);
    else bind_all(change, thread, comment, voter, std::int64_t(vote), b.now_ms, b.address);
    if (sqlite3_step(change) != SQLITE_DONE) return fail();
    const auto [up, down] = sql::count_change(before, vote);
    sqlite3_stmt* counts = w.statement(sql::add_to_counts);
    if (!counts) return fail();
    bind_all(counts, up, down, thread, comment);
    if (sqlite3_step(counts) != SQLITE_ROW) return fail();
    r.up = sqlite3_column_int64(counts, 0);
    r.down = sqlite3_column_int64(counts, 1);
    sqlite3_reset(counts);
    sqlite3_stmt* v = w.statement(sql::bump_version);
    if (!v) return fail();
    bind_all(v, thread);
    if (sqlite3_step(v) != SQLITE_DONE) return fail();
  } else {
    sqlite3_stmt* counts = w.statement(sql::counts_of);
    if (!counts) return fail();
    bind_all(counts, thread, comment);
    if (sqlite3_step(counts) != SQLITE_ROW) return fail();
    r.up = sqlite3_column_int64(counts, 0);
    r.down = sqlite3_column_int64(counts, 1);
    sqlite3_reset(counts);
  }
  if (!w.exec("COMMIT")) return fail();
  r.result = vote_result::outcome::done;
  return r;
}

author_result sqlite_store::author_edit(const std::string& thread, const std::string& id, const author_change& change) {
  author_result r;
  std::lock_guard<std::mutex> l(write_mutex_);
  if (closed_) return r;
  connection& w = *writer_;
  auto fail = [&] {
    w.exec("ROLLBACK");
    r.outcome = author_outcome::failed;
    return r;
  };
  if (!w.exec("BEGIN IMMEDIATE")) return r;
  sqlite3_stmt* q = w.statement(sql::comment_with_token.c_str());
  if (!q) return fail();
  bind_all(q, thread, id);
  std::optional<stored_comment> found;
  std::string stored_hash;
  if (sqlite3_step(q) == SQLITE_ROW) {
    found = read_row(q);
    stored_hash = text_column(q, 14);
  }
  sqlite3_reset(q);
  r.outcome = found ? sql::author_check(*found, stored_hash, change) : author_outcome::no_comment;
  if (r.outcome != author_outcome::done) {
    w.exec("ROLLBACK");
    return r;
  }
  sqlite3_stmt* u = w.statement(change.remove ? sql::author_delete : sql::author_edit);
  if (!u) return fail();
  if (change.remove) bind_all(u, thread, id);
  else bind_all(u, change.text, change.now_ms, std::int64_t(change.moderated), thread, id);
  if (sqlite3_step(u) != SQLITE_DONE) return fail();
  sqlite3_stmt* again = w.statement(sql::comment_with_token.c_str());
  if (!again) return fail();
  bind_all(again, thread, id);
  if (sqlite3_step(again) != SQLITE_ROW) return fail();
  r.comment = read_row(again);
  sqlite3_reset(again);
  sqlite3_stmt* a = w.statement(sql::add_audit_entry);
  if (!a) return fail();
  bind_all(a, change.now_ms, change.address, change.remove ? sql::author_delete_action : sql::author_edit_action,
           thread, id, found->status, r.comment.status);
  if (sqlite3_step(a) != SQLITE_DONE) return fail();
  sqlite3_stmt* v = w.statement(sql::bump_version);
  if (!v) return fail();
  bind_all(v, thread);
  if (sqlite3_step(v) != SQLITE_DONE || !w.exec("COMMIT")) return fail();
  return r;
}

bool sqlite_store::replace_edit_token(const std::string& thread, const std::string& id, const std::string& token_hash) {
  std::lock_guard<std::mutex> l(write_mutex_);
  if (closed_) return false;
  sqlite3_stmt* s = writer_->statement(sql::set_edit_token);
  if (!s) return false;
  bind_all(s, token_hash, thread, id);
  const bool ok = sqlite3_step(s) == SQLITE_DONE && sqlite3_changes(writer_->db) == 1;
  sqlite3_reset(s);
  return ok;
}

page sqlite_store::list(const std::string& thread, std::size_t limit, std::int64_t after_root) {
  page p;
  auto c = reader();
  if (!c) {
    p.ok = false;
    return p;
  }
  // Read both queries from one snapshot, so a page is consistent even while others post.
  c->exec("BEGIN");
  if (!read_head(*c, thread, limit != 0 || after_root != 0, p)) p.ok = false;
  // The page's roots, as a JSON array for json_each below.
  std::string roots = "[";
  std::int64_t last = 0;
  static const std::string oldest_roots = sql::oldest_roots("");
  sqlite3_stmt* s = c->statement(oldest_roots.c_str());
  if (!s) p.ok = false;
  else {
    bind_all(s, thread, after_root, limit == 0 ? std::int64_t(-1) : std::int64_t(limit) + 1);
    std::size_t n = 0;
    while (sqlite3_step(s) == SQLITE_ROW) {
      std::int64_t seq = sqlite3_column_int64(s, 0);
      if (limit != 0 && n == limit) {
        p.next_root = last;  // there is at least one more top-level thread
        break;
      }
      roots += (n++ == 0 ? "" : ",") + std::to_string(seq);
      last = seq;
    }
    sqlite3_reset(s);
  }
  if (p.ok && last != 0) {
    static const std::string select = std::string("SELECT ") + sql::columns +
                                      " FROM comments WHERE thread = ? AND root IN (SELECT value FROM json_each(?)) "
                                      "AND " +
                                      sql::listed + " ORDER BY seq";
    sqlite3_stmt* q = c->statement(select.c_str());
    if (!q) p.ok = false;
    else {
      bind_all(q, thread, roots + "]");
      p.comments = rows(q);
    }
  }
  c->exec("COMMIT");
  give_back(std::move(c));
  return p;
}

page sqlite_store::list_ordered(const std::string& thread, std::size_t limit, std::size_t offset,
                                const root_order& order) {
  page p;
  auto c = reader();
  if (!c) {
    p.ok = false;
    return p;
  }
  c->exec("BEGIN");
  if (!read_head(*c, thread, limit != 0 || offset != 0, p)) p.ok = false;
  std::vector<root_summary> roots;
  static const std::string all_roots = std::string(
                                           "SELECT seq, id, created, up, down FROM comments WHERE thread = ? AND "
                                           "root = seq AND ") +
                                       sql::listed;
  if (sqlite3_stmt* s = p.ok ? c->statement(all_roots.c_str()) : nullptr) {
    bind_all(s, thread);
    while (sqlite3_step(s) == SQLITE_ROW)
      roots.push_back({sqlite3_column_int64(s, 0), text_column(s, 1), sqlite3_column_int64(s, 2),
                       sqlite3_column_int64(s, 3), sqlite3_column_int64(s, 4)});
    sqlite3_reset(s);
  } else {
    p.ok = false;
  }
  order(roots);
  const std::size_t end = sql::ordered_window(roots.size(), limit, offset, p);
  // One indexed read per top-level thread: in-process, with its statement kept.
  static const std::string one_thread = std::string("SELECT ") + sql::columns +
                                        " FROM comments WHERE thread = ? AND root = ? AND " + sql::listed +
                                        " ORDER BY seq";
  for (std::size_t i = offset; p.ok && i < end; ++i) {
    sqlite3_stmt* q = c->statement(one_thread.c_str());
    if (!q) p.ok = false;
    else {
      bind_all(q, thread, roots[i].seq);
      for (stored_comment& cm : rows(q)) p.comments.push_back(std::move(cm));
    }
  }
  c->exec("COMMIT");
  give_back(std::move(c));
  return p;
}

std::vector<stored_comment> sqlite_store::pending(const std::string& thread, std::size_t limit) {
  auto c = reader();
  if (!c) return {};
  static const std::string select = std::string("SELECT ") + sql::columns +
                                    " FROM comments WHERE status = 'pending' AND (?1 = '' OR thread = ?1) "
                                    "ORDER BY seq LIMIT ?2";
  std::vector<stored_comment> out;
  if (sqlite3_stmt* s = c->statement(select.c_str())) {
    bind_all(s, thread, static_cast<std::int64_t>(limit));
    out = rows(s);
  }
  give_back(std::move(c));
  return out;
}

moderation_result sqlite_store::moderate(const std::string& thread, const std::string& id, moderation m,
                                         const std::string& address, std::int64_t now_ms, std::int64_t seen_edited) {
  moderation_result r;
  std::lock_guard<std::mutex> l(write_mutex_);
  if (closed_) return r;
  connection& w = *writer_;
  if (!w.exec("BEGIN IMMEDIATE")) return r;
  auto fail = [&] {
    w.exec("ROLLBACK");
    r.result = moderation_result::outcome::failed;
    return r;
  };
  static const std::string by_id = std::string("SELECT ") + sql::columns +
                                   " FROM comments WHERE thread = $1 AND id = $2";
  auto read_back = [&]() -> bool {
    sqlite3_stmt* q = w.statement(by_id.c_str());
    if (!q) return false;
    bind_all(q, thread, id);
    auto found = rows(q);
    if (found.empty()) return false;
    r.comment = std::move(found.front());
    return true;
  };
  sqlite3_stmt* b = w.statement(sql::status_of);
  if (!b) return fail();
  bind_all(b, thread, id);
  const bool exists = sqlite3_step(b) == SQLITE_ROW;
  const std::string before = exists ? text_column(b, 0) : std::string();
  const std::int64_t edited = exists ? sqlite3_column_int64(b, 1) : 0;
  sqlite3_reset(b);
  if (sql::stale_approval(m, before, edited, seen_edited)) {
    if (!read_back()) return fail();
    w.exec("ROLLBACK");
    r.result = moderation_result::outcome::stale;
    return r;
  }
  sqlite3_stmt* s = w.statement(sql::moderation_update(m));
  if (!s) return fail();
  bind_all(s, thread, id);
  if (sqlite3_step(s) != SQLITE_DONE) return fail();
  if (sqlite3_changes(w.db) != 1) {
    w.exec("ROLLBACK");
    r.result = moderation_result::outcome::not_applicable;
    return r;
  }
  if (!read_back()) return fail();
  sqlite3_stmt* a = w.statement(sql::add_audit_entry);
  if (!a) return fail();
  bind_all(a, now_ms, address, moderation_name(m), thread, id, before, r.comment.status);
  if (sqlite3_step(a) != SQLITE_DONE) return fail();
  sqlite3_stmt* v = w.statement(sql::bump_version);
  if (!v) return fail();
  bind_all(v, thread);
  if (sqlite3_step(v) != SQLITE_DONE || !w.exec("COMMIT")) return fail();
  r.result = moderation_result::outcome::done;
  return r;
}

std::vector<stored_comment> sqlite_store::find(const comment_query& q, bool& ok) {
  ok = false;
  auto c = reader();
  if (!c) return {};
  // lower() and instr(): SQLite folds ASCII letters only (PostgreSQL folds every letter).
  static const std::string select = std::string("SELECT ") + sql::columns +
                                    " FROM comments WHERE ($1 = '' OR thread = $1) AND ($2 = '' OR status = $2) "
                                    "AND ($3 = '' OR instr(lower(author_name), lower($3)) > 0 "
                                    "OR instr(lower(text), lower($3)) > 0) ORDER BY seq DESC LIMIT $4";
  std::vector<stored_comment> out;
  if (sqlite3_stmt* s = c->statement(select.c_str())) {
    bind_all(s, q.thread, q.status, q.text, static_cast<std::int64_t>(q.limit));
    out = rows(s);
    ok = true;
  }
  give_back(std::move(c));
  return out;
}

std::vector<audit_entry> sqlite_store::audit_log(std::size_t limit, bool& ok) {
  ok = false;
  auto c = reader();
  if (!c) return {};
  std::vector<audit_entry> out;
  if (sqlite3_stmt* s = c->statement(sql::audit_entries)) {
    bind_all(s, static_cast<std::int64_t>(limit));
    while (sqlite3_step(s) == SQLITE_ROW)
      out.push_back({sqlite3_column_int64(s, 0), sqlite3_column_int64(s, 1), text_column(s, 2), text_column(s, 3),
                     text_column(s, 4), text_column(s, 5), text_column(s, 6), text_column(s, 7)});
    sqlite3_reset(s);
    ok = true;
  }
  give_back(std::move(c));
  return out;
}

int sqlite_store::take_token(const std::string& key, int per_minute, std::int64_t now_ms) {
  if (per_minute <= 0) return 0;
  std::lock_guard<std::mutex> l(limiter_mutex_);
  if (!limiter_ || !limiter_->db) return -1;  // closed (close() empties it under this mutex)
  connection& c = *limiter_;
  if (++limiter_calls_ % 1000 == 0) {
    if (sqlite3_stmt* s = c.statement(sql::forget_full_buckets)) {
      bind_all(s, now_ms - 60000);
      sqlite3_step(s);
      sqlite3_reset(s);
    }
  }
  // One statement takes a token if the bucket (refilled since its last use; a clock that went
  // back refills nothing) holds one; no row changed means none was there.
  sqlite3_stmt* s = c.statement(
      "INSERT INTO rate_limits (key, tokens, at) VALUES ($1, $2 - 1, $3) "
      "ON CONFLICT (key) DO UPDATE SET tokens = min($2, tokens + max(0, $3 - at) * $2 / 60000.0) - 1, "
      "at = max(at, $3) WHERE min($2, tokens + max(0, $3 - at) * $2 / 60000.0) >= 1");
  if (!s) return -1;
  bind_all(s, key, static_cast<std::int64_t>(per_minute), now_ms);
  int rc = sqlite3_step(s);
  sqlite3_reset(s);
  if (rc != SQLITE_DONE) return -1;
  if (sqlite3_changes(c.db) == 1) return 0;
  sqlite3_stmt* q = c.statement(sql::bucket_level);
  if (!q) return -1;
  bind_all(q, key);
  int wait = sqlite3_step(q) == SQLITE_ROW
                 ? sql::wait_seconds(sqlite3_column_double(q, 0), sqlite3_column_int64(q, 1), per_minute, now_ms)
                 : -1;
  sqlite3_reset(q);
  return wait;
}

std::int64_t sqlite_store::read_version(connection& c, const std::string& thread) {
  sqlite3_stmt* s = c.statement(thread.empty() ? sql::site_version : sql::thread_version);
  if (!s) return -1;
  if (!thread.empty()) bind_all(s, thread);
  int rc = sqlite3_step(s);
  std::int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : rc == SQLITE_DONE ? 0 : -1;
  sqlite3_reset(s);
  return v;
}

// A page's version and, for a page of a longer thread (a limit or a cursor), the thread's
// published comments (its "total", what GET /counts answers); false when a read failed.
bool sqlite_store::read_head(connection& c, const std::string& thread, bool paged, page& p) {
  p.version = read_version(c, thread);
  if (p.version < 0) return false;
  if (!paged) return true;
  sqlite3_stmt* s = c.statement(sql::published_count);
  if (!s) return false;
  bind_all(s, thread);
  p.total = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_reset(s);
  return p.total >= 0;
}

std::int64_t sqlite_store::version(const std::string& thread) {
  auto c = reader();
  if (!c) return -1;
  std::int64_t v = read_version(*c, thread);
  give_back(std::move(c));
  return v;
}

// One integer per thread from `query` (its $1 the thread; no row: 0), all in one read
// transaction: every value is of the same moment.
std::vector<std::int64_t> sqlite_store::per_thread(const char* query, const std::vector<std::string>& threads, bool& ok) {
  ok = false;
  auto c = reader();
  if (!c) return {};
  std::vector<std::int64_t> out;
  if (c->exec("BEGIN")) {
    for (const std::string& thread : threads) {
      sqlite3_stmt* s = c->statement(query);
      if (!s) break;
      bind_all(s, thread);
      const int rc = sqlite3_step(s);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE) out.push_back(rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0);
      sqlite3_reset(s);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE) break;
    }
    c->exec("COMMIT");
  }
  give_back(std::move(c));
  ok = out.size() == threads.size();
  return out;
}

std::vector<std::int64_t> sqlite_store::published_counts(const std::vector<std::string>& threads, bool& ok) {
  return per_thread(sql::published_count, threads, ok);
}

std::vector<std::int64_t> sqlite_store::versions(const std::vector<std::string>& threads, bool& ok) {
  return per_thread(sql::thread_version, threads, ok);
}

std::int64_t sqlite_store::count_posted() {
  auto c = reader();
  if (!c) return -1;
  std::int64_t n = -1;
  if (sqlite3_stmt* s = c->statement("SELECT count(*) FROM comments WHERE client_id IS NOT NULL")) {
    if (sqlite3_step(s) == SQLITE_ROW) n = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
  }
  give_back(std::move(c));
  return n;
}

long sqlite_store::import_comments(const std::string& thread, const std::vector<stored_comment>& comments,
                                   std::string& error) {
  std::lock_guard<std::mutex> l(write_mutex_);
  connection& w = *writer_;
  if (closed_ || !w.exec("BEGIN IMMEDIATE", &error)) return -1;
  auto fail = [&] {
    error = w.error();
    w.exec("ROLLBACK");
    return -1L;
  };
  long added = 0;
  for (const stored_comment& c : comments) {
    // A reply shares its parent's root (the parent is stored first, now or by an earlier import).
    std::int64_t root = 0;
    if (!c.parent.empty()) {
      sqlite3_stmt* s = w.statement(sql::root_of);
      if (!s) return fail();
      bind_all(s, thread, c.parent);
      if (sqlite3_step(s) == SQLITE_ROW) root = sqlite3_column_int64(s, 0);
      sqlite3_reset(s);
    }
    sqlite3_stmt* s = w.statement(
        "INSERT INTO comments (thread, id, parent, root, author_name, author_location, author_url, created, edited, "
        "text, up, down, status, client_id, status_before_delete) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING");
    if (!s) return fail();
    bind_all(s, thread, c.id, c.parent.empty() ? nullptr : c.parent.c_str(), root, c.name, c.location, c.url, c.created,
             c.edited, c.text, c.up, c.down, c.status, c.client_id.empty() ? nullptr : c.client_id.c_str(),
             c.status_before_delete.empty() ? nullptr : c.status_before_delete.c_str());
    if (sqlite3_step(s) != SQLITE_DONE) return fail();
    if (sqlite3_changes(w.db) == 0) continue;
    ++added;
    if (root == 0) {
      sqlite3_stmt* u = w.statement("UPDATE comments SET root = seq WHERE seq = ?");
      if (!u) return fail();
      bind_all(u, static_cast<std::int64_t>(sqlite3_last_insert_rowid(w.db)));
      if (sqlite3_step(u) != SQLITE_DONE) return fail();
    }
  }
  if (added > 0) {
    sqlite3_stmt* v = w.statement(sql::bump_version);
    if (!v) return fail();
    bind_all(v, thread);
    if (sqlite3_step(v) != SQLITE_DONE) return fail();
  }
  if (!w.exec("COMMIT", &error)) return fail();
  return added;
}

std::vector<stored_comment> sqlite_store::all_comments(const std::string& thread) {
  auto c = reader();
  if (!c) return {};
  static const std::string select = std::string("SELECT ") + sql::columns +
                                    ", status_before_delete FROM comments WHERE $1 = '' OR thread = $1 "
                                    "ORDER BY thread, seq";
  std::vector<stored_comment> out;
  if (sqlite3_stmt* s = c->statement(select.c_str())) {
    bind_all(s, thread);
    while (sqlite3_step(s) == SQLITE_ROW) {
      out.push_back(read_row(s));
      out.back().status_before_delete = text_column(s, 14);
    }
    sqlite3_reset(s);
  }
  give_back(std::move(c));
  return out;
}

std::vector<stored_comment> sqlite_store::recent(const std::string& thread, std::size_t limit) {
  auto c = reader();
  if (!c) return {};
  std::vector<stored_comment> out;
  const std::int64_t n = static_cast<std::int64_t>(limit);
  if (sqlite3_stmt* s = c->statement(thread.empty() ? sql::recent_published_site.c_str() : sql::recent_published.c_str())) {
    if (thread.empty()) bind_all(s, n);
    else bind_all(s, thread, n);
    out = rows(s);
  }
  give_back(std::move(c));
  return out;
}

const char* sql::status_name(comment_status s) {
  switch (s) {
    case comment_status::pending: return "pending";
    case comment_status::deleted: return "deleted";
    default: return "published";
  }
}

stored_comment sql::posted_comment(const draft& d, std::int64_t seq, std::string id, const std::string& status,
                                   std::int64_t now_ms) {
  stored_comment c;
  c.seq = seq;
  c.thread = d.thread;
  c.id = std::move(id);
  c.parent = d.parent;
  c.name = d.name;
  c.location = d.location;
  c.created = now_ms;
  c.text = d.text;
  c.status = status;
  c.client_id = d.client_id;
  return c;
}

std::unordered_map<std::int64_t, std::int64_t> sql::import_roots(
    const std::unordered_map<std::string, std::int64_t>& seq_of,
    const std::unordered_map<std::string, std::string>& parent_of) {
  auto parent = [&](const std::string& id) -> const std::string& { return parent_of.at(id); };
  std::unordered_map<std::int64_t, std::int64_t> roots;
  for (const auto& [id, seq] : seq_of) {
    std::string top = id;
    std::unordered_set<std::string> seen{id};
    for (;;) {
      const std::string& p = parent(top);
      if (p.empty() || !seq_of.count(p) || !seen.insert(p).second) break;
      top = p;
    }
    // The walk stops at a parent still in the thread only on a cycle: then its own root.
    if (const std::string& p = parent(top); !p.empty() && seq_of.count(p)) top = id;
    roots[seq] = seq_of.at(top);
  }
  return roots;
}

const char* moderation_name(moderation m) {
  switch (m) {
    case moderation::approve: return "approve";
    case moderation::reject: return "reject";
    case moderation::remove: return "delete";
    case moderation::restore: return "restore";
  }
  return "";
}

std::pair<std::int64_t, std::int64_t> sql::count_change(int before, int after) {
  return {std::int64_t(after == 1) - std::int64_t(before == 1), std::int64_t(after == -1) - std::int64_t(before == -1)};
}

author_outcome sql::author_check(const stored_comment& c, const std::string& stored_hash, const author_change& change) {
  if (c.status != "published" && c.status != "pending") return author_outcome::no_comment;
  // Both are hex digests of the same length when the token is right; compared without an early
  // exit all the same.
  unsigned diff = stored_hash.size() != change.token_hash.size() || stored_hash.empty();
  for (std::size_t i = 0; i < stored_hash.size() && i < change.token_hash.size(); ++i)
    diff |= unsigned(stored_hash[i] ^ change.token_hash[i]);
  if (diff) return author_outcome::bad_token;
  if (change.window_ms <= 0 || change.now_ms > c.created + change.window_ms) return author_outcome::window_closed;
  return author_outcome::done;
}

int sql::wait_seconds(double tokens, std::int64_t at, int per_minute, std::int64_t now_ms) {
  double level = std::min(double(per_minute),
                          tokens + double(std::max<std::int64_t>(0, now_ms - at)) * per_minute / 60000.0);
  return std::max(1, static_cast<int>(std::ceil((1 - level) * 60.0 / per_minute)));
}

bool store::is_postgresql(std::string_view where) {
  return where.substr(0, 13) == "postgresql://" || where.substr(0, 11) == "postgres://";
}

std::unique_ptr<store> store::open(const std::string& where, std::string& error) {
  return is_postgresql(where) ? open_postgresql_store(where, error) : open_sqlite_store(where, error);
}

std::unique_ptr<store> open_sqlite_store(const std::string& path, std::string& error) {
  return sqlite_store::open(path, error);
}

// The PostgreSQL store is the module colloquy-postgresql.so beside the executable (see
// examples/CMakeLists.txt: libpq's libraries are loaded only by the commands that use them).
std::unique_ptr<store> open_postgresql_store(const std::string& url, std::string& error) {
  using open_function = store* (*)(const std::string&, std::string&);
  static const std::pair<open_function, std::string> module = [] {
    const std::string path = colloquy::cli::beside_executable("colloquy-postgresql.so");
    void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    void* entry = handle ? dlsym(handle, "colloquy_open_postgresql_store") : nullptr;
    const char* why = entry ? nullptr : dlerror();
    return std::pair<open_function, std::string>(reinterpret_cast<open_function>(entry), why ? why : "");
  }();
  if (!module.first) {
    error = "PostgreSQL support is not available: " + module.second;
    return nullptr;
  }
  return std::unique_ptr<store>(module.first(url, error));
}

}  // namespace colloquy::server
