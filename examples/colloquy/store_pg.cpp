// The PostgreSQL backend of the comment store (store.hpp): libpq from Debian, a pool of
// connections, statements prepared once per connection, the SQLite backend's migrations,
// constraints and answers. Several `colloquy serve` processes may share one database: every
// guarantee rests on its constraints and transactions, none on a lock in one process.
#include <libpq-fe.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "colloquy/read.hpp"
#include "store_sql.hpp"

namespace colloquy::server {
namespace {

// Each entry moves the schema from version i to i + 1, the same steps as the SQLite backend's
// (store.cpp says why each exists); applied in order inside one transaction.
const char* const migrations[] = {
    R"sql(
    CREATE TABLE comments (
      seq BIGSERIAL PRIMARY KEY,
      thread TEXT NOT NULL,
      id TEXT NOT NULL,
      parent TEXT,
      root BIGINT NOT NULL DEFAULT 0,
      author_name TEXT NOT NULL DEFAULT '',
      author_location TEXT NOT NULL DEFAULT '',
      author_url TEXT NOT NULL DEFAULT '',
      created BIGINT NOT NULL,
      edited BIGINT NOT NULL DEFAULT 0,
      text TEXT NOT NULL,
      up BIGINT NOT NULL DEFAULT 0,
      down BIGINT NOT NULL DEFAULT 0,
      status TEXT NOT NULL DEFAULT 'published'
        CHECK (status IN ('published', 'pending', 'deleted', 'rejected')),
      client_id TEXT UNIQUE,
      client_address TEXT NOT NULL DEFAULT '',
      UNIQUE (thread, id)
    );
    CREATE INDEX comments_page ON comments (thread, root, seq);
    CREATE INDEX comments_pending ON comments (seq) WHERE status = 'pending';
    )sql",
    R"sql(
    CREATE TABLE thread_versions (
      thread TEXT PRIMARY KEY,
      version BIGINT NOT NULL
    );
    )sql",
    // UNLOGGED rate_limits: no WAL, so taking a token never waits for a disk flush; the table is
    // emptied after a crash of the database, which only refills every bucket.
    R"sql(
    ALTER TABLE comments ADD COLUMN status_before_delete TEXT;
    CREATE TABLE votes (
      thread TEXT NOT NULL,
      comment TEXT NOT NULL,
      voter TEXT NOT NULL,
      vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
      created BIGINT NOT NULL,
      PRIMARY KEY (thread, comment, voter)
    );
    CREATE TABLE audit_log (
      seq BIGSERIAL PRIMARY KEY,
      at BIGINT NOT NULL,
      address TEXT NOT NULL,
      action TEXT NOT NULL,
      thread TEXT NOT NULL,
      id TEXT NOT NULL,
      status_before TEXT NOT NULL,
      status_after TEXT NOT NULL
    );
    CREATE UNLOGGED TABLE rate_limits (
      key TEXT PRIMARY KEY,
      tokens DOUBLE PRECISION NOT NULL,
      at BIGINT NOT NULL
    );
    )sql",
    sql::add_edit_token,
    sql::add_recent_index,
    sql::add_vote_address,
    sql::add_parent_index,
};
static_assert(sizeof migrations / sizeof migrations[0] == store::schema_version);

// Any number: it names the lock that makes concurrent starts migrate one at a time.
constexpr const char* migration_lock = "SELECT pg_advisory_xact_lock(7273656)";

// Connections per process. Each handler thread holds at most one, for one operation; more
// threads than this wait their turn rather than crowd the database (its default
// max_connections is 100, shared by every server process).
constexpr std::size_t max_connections = 12;

// A statement's parameters in libpq's text format; nullopt is SQL NULL.
using param = std::optional<std::string>;
param text(std::string_view s) { return std::string(s); }
param number(std::int64_t v) { return std::to_string(v); }
param null_if_empty(std::string_view s) { return s.empty() ? std::nullopt : text(s); }

class result {
 public:
  explicit result(PGresult* r = nullptr) : r_(r) {}
  result(result&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  result& operator=(result&& o) noexcept {
    std::swap(r_, o.r_);
    return *this;
  }
  ~result() { PQclear(r_); }
  bool ok() const {
    auto s = r_ ? PQresultStatus(r_) : PGRES_FATAL_ERROR;
    return s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK;
  }
  int rows() const { return r_ ? PQntuples(r_) : 0; }
  std::int64_t changed() const { return r_ ? std::strtoll(PQcmdTuples(r_), nullptr, 10) : 0; }
  std::string str(int row, int col) const {
    return std::string(PQgetvalue(r_, row, col), static_cast<std::size_t>(PQgetlength(r_, row, col)));
  }
  std::int64_t int64(int row, int col) const { return std::strtoll(PQgetvalue(r_, row, col), nullptr, 10); }
  double real(int row, int col) const { return std::strtod(PQgetvalue(r_, row, col), nullptr); }

 private:
  PGresult* r_;
};

stored_comment read_row(const result& r, int i) {
  stored_comment c;
  c.seq = r.int64(i, 0);
  c.thread = r.str(i, 1);
  c.id = r.str(i, 2);
  c.parent = r.str(i, 3);
  c.name = r.str(i, 4);
  c.location = r.str(i, 5);
  c.url = r.str(i, 6);
  c.created = r.int64(i, 7);
  c.edited = r.int64(i, 8);
  c.text = r.str(i, 9);
  c.up = r.int64(i, 10);
  c.down = r.int64(i, 11);
  c.status = r.str(i, 12);
  c.client_id = r.str(i, 13);
  return c;
}

std::vector<stored_comment> comments_of(const result& r) {
  std::vector<stored_comment> out;
  for (int i = 0; i < r.rows(); ++i) out.push_back(read_row(r, i));
  return out;
}

// One connection and the statements prepared on it (prepared once, reused: planning is much
// of a small query's cost). A statement is known by its SQL's address: a literal, or a static.
class connection {
 public:
  explicit connection(PGconn* c) : conn_(c) {}
  ~connection() { PQfinish(conn_); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;

  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  std::string error() const { return PQerrorMessage(conn_); }

  result run(const char* sql, const std::vector<param>& params = {}) {
    auto [it, fresh] = prepared_.try_emplace(sql, "s" + std::to_string(prepared_.size()));
    if (fresh) {
      result p(PQprepare(conn_, it->second.c_str(), sql, 0, nullptr));
      if (!p.ok()) {
        prepared_.erase(it);
        return p;
      }
    }
    std::vector<const char*> values;
    for (const param& v : params) values.push_back(v ? v->c_str() : nullptr);
    return result(
        PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()), values.data(), nullptr, nullptr, 0));
  }
  // A command without parameters or results (BEGIN, COMMIT, migrations: several statements).
  bool exec(const char* sql) { return result(PQexec(conn_, sql)).ok(); }
  // Ends the open transaction without its changes; false, for `return c.rollback();` on a failure.
  bool rollback() {
    exec("ROLLBACK");
    return false;
  }

 private:
  PGconn* conn_;
  std::unordered_map<const char*, std::string> prepared_;
};

PGconn* connect(const std::string& url, std::string& error) {
  // Defaults first: the URL's own settings override them (expand_dbname).
  const char* keys[] = {"connect_timeout", "application_name", "keepalives_idle", "dbname", nullptr};
  const char* values[] = {"5", "colloquy", "30", url.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (!c || PQstatus(c) != CONNECTION_OK) {
    error = c ? PQerrorMessage(c) : "out of memory";
    while (!error.empty() && error.back() == '\n') error.pop_back();
    PQfinish(c);
    return nullptr;
  }
  // Our own messages only: notices (e.g. "relation already exists, skipping") are not errors.
  PQsetNoticeProcessor(
      c, [](void*, const char*) {}, nullptr);
  return c;
}

class pg_store final : public store {
 public:
  static std::unique_ptr<store> open(const std::string& url, std::string& error);
  ~pg_store() override { close(); }

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
  pg_store() = default;
  std::unique_ptr<connection> acquire(std::string& error);
  void give_back(std::unique_ptr<connection> c);
  // Runs `work(connection&)` (true: done) on a pooled connection. A connection the database
  // dropped (a restart, a failover) is thrown away and the work tried once more on a new one;
  // every operation here is safe to repeat (a post is found again by its clientId).
  template <class F>
  bool with_connection(F&& work, std::string* error = nullptr);
  bool migrate(connection& c, std::string& error);
  std::vector<std::int64_t> per_thread(const char* query, const std::vector<std::string>& threads, bool& ok);

  std::string url_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<connection>> idle_;
  std::size_t open_ = 0;
  std::uint64_t token_calls_ = 0;
  bool closed_ = false;
};

std::unique_ptr<connection> pg_store::acquire(std::string& error) {
  std::unique_lock<std::mutex> l(mutex_);
  returned_.wait(l, [&] { return closed_ || !idle_.empty() || open_ < max_connections; });
  if (closed_) {
    error = "the store is closed";
    return nullptr;
  }
  if (!idle_.empty()) {
    auto c = std::move(idle_.back());
    idle_.pop_back();
    return c;
  }
  ++open_;
  l.unlock();
  PGconn* c = connect(url_, error);
  if (!c) {
    l.lock();
    --open_;
    returned_.notify_one();
    return nullptr;
  }
  return std::make_unique<connection>(c);
}

void pg_store::give_back(std::unique_ptr<connection> c) {
  std::lock_guard<std::mutex> l(mutex_);
  if (closed_ || c->broken()) {
    --open_;
    c.reset();
  } else {
    idle_.push_back(std::move(c));
  }
  returned_.notify_one();
}

template <class F>
bool pg_store::with_connection(F&& work, std::string* error) {
  std::string e;
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto c = acquire(e);
    if (!c) break;
    bool done = work(*c);
    bool dropped = !done && c->broken();
    if (!done) e = c->error();
    give_back(std::move(c));
    if (done) return true;
    if (!dropped) break;
  }
  if (error) *error = e;
  return false;
}

bool pg_store::migrate(connection& c, std::string& error) {
  auto fail = [&](const std::string& what) {
    error = what + c.error();
    c.exec("ROLLBACK");
    return false;
  };
  if (!c.exec("BEGIN") || !c.exec(migration_lock) ||
      !c.exec("CREATE TABLE IF NOT EXISTS colloquy_schema (version INTEGER NOT NULL)"))
    return fail("cannot read the schema version: ");
  result v = c.run("SELECT max(version) FROM colloquy_schema");
  if (!v.ok()) return fail("cannot read the schema version: ");
  int version = static_cast<int>(v.int64(0, 0));  // NULL (no row) reads as 0
  if (version > schema_version) {
    c.exec("ROLLBACK");
    error = "the database has schema version " + std::to_string(version) + ", newer than this colloquy (" +
            std::to_string(schema_version) + ")";
    return false;
  }
  for (int i = version; i < schema_version; ++i)
    if (!c.exec(migrations[i])) return fail("migration to version " + std::to_string(i + 1) + " failed: ");
  if (version < schema_version &&
      (!c.exec("DELETE FROM colloquy_schema") ||
       !c.run("INSERT INTO colloquy_schema (version) VALUES ($1::integer)", {number(schema_version)}).ok()))
    return fail("cannot record the schema version: ");
  // New: nothing was ever written. A seed refused at start leaves the schema but no thread,
  // so the next start seeds again (the SQLite backend removes the file instead).
  result empty = c.run("SELECT count(*) FROM thread_versions");
  if (!empty.ok()) return fail("cannot read the database: ");
  if (!c.exec("COMMIT")) return fail("");
  created_ = empty.int64(0, 0) == 0;
  return true;
}

std::unique_ptr<store> pg_store::open(const std::string& url, std::string& error) {
  std::unique_ptr<pg_store> s(new pg_store());
  s->url_ = url;
  auto c = s->acquire(error);
  if (!c) return nullptr;
  bool ok = s->migrate(*c, error);
  s->give_back(std::move(c));
  if (!ok) return nullptr;
  return s;
}

void pg_store::close() {
  std::lock_guard<std::mutex> l(mutex_);
  if (closed_) return;
  closed_ = true;
  open_ -= idle_.size();
  idle_.clear();
  returned_.notify_all();
}

long pg_store::import_document(std::string_view json, std::string& error, std::string_view default_thread) {
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
  long stored = -1;
  with_connection(
      [&](connection& c) {
        if (!c.exec("BEGIN")) return false;
        std::unordered_map<std::string, std::int64_t> seq_of;
        std::unordered_map<std::string, std::string> parent_of;
        for (const comment& m : r.comments) {
          result ins = c.run(
              "INSERT INTO comments (thread, id, parent, author_name, author_location, author_url, created, edited, "
              "text, up, down, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) "
              "ON CONFLICT DO NOTHING RETURNING seq",
              {text(thread), text(m.id), null_if_empty(m.parent), text(m.author.name), text(m.author.location),
               text(m.author.url), number(m.created), number(m.edited), text(m.text), number(m.up), number(m.down),
               text(sql::status_name(m.status))});
          if (!ins.ok()) return c.rollback();
          if (ins.rows() == 1) {
            seq_of[std::string(m.id)] = ins.int64(0, 0);
            parent_of[std::string(m.id)] = std::string(m.parent);
          }
        }
        for (const auto& [seq, root] : sql::import_roots(seq_of, parent_of))
          if (!c.run("UPDATE comments SET root = $1 WHERE seq = $2", {number(root), number(seq)}).ok())
            return c.rollback();
        if (!c.run(sql::bump_version, {text(thread)}).ok() || !c.exec("COMMIT")) return c.rollback();
        stored = static_cast<long>(seq_of.size());
        return true;
      },
      &error);
  return stored;
}

post_result pg_store::post(const draft& d, const std::string& status, std::int64_t now_ms, const std::string& address,
                           const std::string& token_hash) {
  post_result r;
  static const std::string by_client = std::string("SELECT ") + sql::columns + " FROM comments WHERE client_id = $1";
  auto find_client = [&](connection& c) {
    result f = c.run(by_client.c_str(), {text(d.client_id)});
    if (!f.ok() || f.rows() == 0) return false;
    r.outcome = post_outcome::repeated;
    r.comment = read_row(f, 0);
    return true;
  };
  bool done = with_connection(
      [&](connection& c) {
        if (find_client(c)) return true;
        if (!c.exec("BEGIN")) return false;
        std::int64_t root = 0;
        if (!d.parent.empty()) {
          // As in SQLite: a comment awaiting moderation takes replies (they wait too).
          result p = c.run(
              "SELECT root FROM comments WHERE thread = $1 AND id = $2 AND status IN ('published', 'pending')",
              {text(d.thread), text(d.parent)});
          if (!p.ok()) return c.rollback();
          if (p.rows() == 0) {
            c.exec("ROLLBACK");
            r.outcome = post_outcome::parent_not_found;
            return true;
          }
          root = p.int64(0, 0);
        }
        // The id is "c<seq>", the seq drawn ahead from the sequence (so a top-level comment
        // is its own root in the same INSERT); an imported comment may hold that id already.
        result n = c.run("SELECT nextval(pg_get_serial_sequence('comments', 'seq'))");
        if (!n.ok()) return c.rollback();
        const std::int64_t seq = n.int64(0, 0);
        std::string id = "c" + std::to_string(seq);
        for (int k = 2;; ++k) {
          result t = c.run("SELECT 1 FROM comments WHERE thread = $1 AND id = $2", {text(d.thread), text(id)});
          if (!t.ok()) return c.rollback();
          if (t.rows() == 0) break;
          id = "c" + std::to_string(seq) + "-" + std::to_string(k);
        }
        // A concurrent post of the same clientId (another process) waits here for that one's
        // transaction; if it committed, nothing is inserted and its comment is read back.
        result ins = c.run(
            "INSERT INTO comments (seq, thread, id, parent, root, author_name, author_location, created, text, status, "
            "client_id, client_address, edit_token) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) "
            "ON CONFLICT (client_id) DO NOTHING",
            {number(seq), text(d.thread), text(id), null_if_empty(d.parent), number(root ? root : seq), text(d.name),
             text(d.location), number(now_ms), text(d.text), text(status), text(d.client_id), text(address),
             text(token_hash)});
        if (!ins.ok()) return c.rollback();
        if (ins.changed() == 0) {
          c.exec("ROLLBACK");
          if (find_client(c)) return true;
          r.error = "clientId conflict without a stored comment";
          return false;
        }
        if (!c.run(sql::bump_version, {text(d.thread)}).ok() || !c.exec("COMMIT")) return c.rollback();
        r.outcome = post_outcome::created;
        r.comment = sql::posted_comment(d, seq, id, status, now_ms);
        return true;
      },
      &r.error);
  if (!done) r.outcome = post_outcome::failed;
  return r;
}

vote_result pg_store::vote(const ballot& b) {
  const std::string &thread = b.thread, &comment = b.comment, &voter = b.voter;
  const int vote = b.vote;
  vote_result r;
  static const std::string locked = std::string(sql::comment_status_of) + " FOR UPDATE";
  const bool done = with_connection([&](connection& c) {
    if (!c.exec("BEGIN")) return false;
    // FOR UPDATE: votes on this comment from every process wait here, one at a time.
    result st = c.run(locked.c_str(), {text(thread), text(comment)});
    if (!st.ok()) return c.rollback();
    if (st.rows() == 0 || st.str(0, 0) != "published") {
      c.exec("ROLLBACK");
      r.result = vote_result::outcome::no_comment;
      return true;
    }
    result old = c.run(sql::voter_vote, {text(thread), text(comment), text(voter)});
    if (!old.ok()) return c.rollback();
    const int before = old.rows() ? int(old.int64(0, 0)) : 0;
    if (sql::adds_capped_voter(b, before)) {
      result from = c.run(sql::address_votes, {text(thread), text(comment), text(b.address)});
      if (!from.ok() || from.rows() != 1) return c.rollback();
      if (from.int64(0, 0) >= b.per_address) {
        c.exec("ROLLBACK");
        r.result = vote_result::outcome::address_full;
        return true;
      }
    }
    result counts;
    if (before != vote) {
      result change = vote == 0 ? c.run(sql::remove_vote, {text(thread), text(comment), text(voter)})
                                : c.run(sql::set_vote, {text(thread), text(comment), text(voter), number(vote),
                                                        number(b.now_ms), text(b.address)});
      if (!change.ok()) return c.rollback();
      const auto [up, down] = sql::count_change(before, vote);
      counts = c.run(sql::add_to_counts, {number(up), number(down), text(thread), text(comment)});
      if (!counts.ok() || counts.rows() != 1 || !c.run(sql::bump_version, {text(thread)}).ok()) return c.rollback();
    } else {
      counts = c.run(sql::counts_of, {text(thread), text(comment)});
      if (!counts.ok() || counts.rows() != 1) return c.rollback();
    }
    if (!c.exec("COMMIT")) return c.rollback();
    r = {vote_result::outcome::done, counts.int64(0, 0), counts.int64(0, 1), vote};
    return true;
  });
  if (!done) r.result = vote_result::outcome::failed;
  return r;
}

author_result pg_store::author_edit(const std::string& thread, const std::string& id, const author_change& change) {
  author_result r;
  static const std::string locked = sql::comment_with_token + " FOR UPDATE";
  const bool done = with_connection([&](connection& c) {
    if (!c.exec("BEGIN")) return false;
    result q = c.run(locked.c_str(), {text(thread), text(id)});
    if (!q.ok()) return c.rollback();
    const stored_comment before = q.rows() ? read_row(q, 0) : stored_comment{};
    r.outcome = q.rows() ? sql::author_check(before, q.str(0, 14), change) : author_outcome::no_comment;
    if (r.outcome != author_outcome::done) {
      c.exec("ROLLBACK");
      return true;
    }
    result u = change.remove ? c.run(sql::author_delete, {text(thread), text(id)})
                             : c.run(sql::author_edit, {text(change.text), number(change.now_ms),
                                                        number(std::int64_t(change.moderated)), text(thread), text(id)});
    if (!u.ok()) return c.rollback();
    result again = c.run(sql::comment_with_token.c_str(), {text(thread), text(id)});
    if (!again.ok() || again.rows() != 1) return c.rollback();
    r.comment = read_row(again, 0);
    if (!c.run(sql::add_audit_entry, {number(change.now_ms), text(change.address),
                                      text(change.remove ? sql::author_delete_action : sql::author_edit_action),
                                      text(thread), text(id), text(before.status), text(r.comment.status)})
             .ok() ||
        !c.run(sql::bump_version, {text(thread)}).ok() || !c.exec("COMMIT"))
      return c.rollback();
    return true;
  });
  if (!done) r.outcome = author_outcome::failed;
  return r;
}

bool pg_store::replace_edit_token(const std::string& thread, const std::string& id, const std::string& token_hash) {
  bool changed = false;
  with_connection([&](connection& c) {
    result u = c.run(sql::set_edit_token, {text(token_hash), text(thread), text(id)});
    changed = u.ok() && u.changed() == 1;
    return u.ok();
  });
  return changed;
}

// A page's version and, for a page of a longer thread (a limit or a cursor), the thread's
// published comments (its "total"), in one round trip of the page's snapshot.
bool read_head(connection& c, const std::string& thread, bool paged, page& p) {
  static const std::string version = "SELECT coalesce((SELECT version FROM thread_versions WHERE thread = $1), 0)";
  static const std::string with_total = version + ", (" + sql::published_count + ")";
  result h = c.run(paged ? with_total.c_str() : version.c_str(), {text(thread)});
  if (!h.ok() || h.rows() != 1) return false;
  p.version = h.int64(0, 0);
  if (paged) p.total = h.int64(0, 1);
  return true;
}

page pg_store::list(const std::string& thread, std::size_t limit, std::int64_t after_root) {
  page p;
  p.ok = with_connection([&](connection& c) {
    p = {};
    // One snapshot for the version and both queries, so a page is consistent while others post.
    if (!c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) return false;
    if (!read_head(c, thread, limit != 0 || after_root != 0, p)) return c.rollback();
    static const std::string listed_roots = sql::oldest_roots(" COLLATE \"C\"");
    result roots = c.run(listed_roots.c_str(), {text(thread), number(after_root),
                                                limit == 0 ? std::nullopt : number(std::int64_t(limit) + 1)});
    if (!roots.ok()) return c.rollback();
    std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(roots.rows()), limit ? limit : SIZE_MAX);
    if (limit != 0 && static_cast<std::size_t>(roots.rows()) > limit) p.next_root = roots.int64(int(n) - 1, 0);
    if (n > 0) {
      // The page's roots are no range of seqs (they follow time): an array of them.
      static const std::string select = std::string("SELECT ") + sql::columns +
                                        " FROM comments WHERE thread = $1 AND root = ANY($2::bigint[]) AND " +
                                        sql::listed + " ORDER BY seq";
      std::string seqs = "{";
      for (std::size_t i = 0; i < n; ++i) seqs += (i ? "," : "") + std::to_string(roots.int64(int(i), 0));
      result q = c.run(select.c_str(), {text(thread), text(seqs + "}")});
      if (!q.ok()) return c.rollback();
      p.comments = comments_of(q);
    }
    return c.exec("COMMIT");
  });
  return p;
}

page pg_store::list_ordered(const std::string& thread, std::size_t limit, std::size_t offset, const root_order& order) {
  page p;
  p.ok = with_connection([&](connection& c) {
    p = {};
    if (!c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) return false;
    if (!read_head(c, thread, limit != 0 || offset != 0, p)) return c.rollback();
    static const std::string all_roots =
        std::string("SELECT seq, id, created, up, down FROM comments WHERE thread = $1 AND root = seq AND ") +
        sql::listed;
    result r = c.run(all_roots.c_str(), {text(thread)});
    if (!r.ok()) return c.rollback();
    std::vector<root_summary> roots;
    for (int i = 0; i < r.rows(); ++i)
      roots.push_back({r.int64(i, 0), r.str(i, 1), r.int64(i, 2), r.int64(i, 3), r.int64(i, 4)});
    order(roots);
    const std::size_t end = sql::ordered_window(roots.size(), limit, offset, p);
    // The page's threads in one round trip, in the page's order: their roots as an array.
    static const std::string page_threads = std::string("SELECT ") + sql::columns +
                                            " FROM comments WHERE thread = $1 AND root = ANY($2::bigint[]) AND " +
                                            sql::listed + " ORDER BY array_position($2::bigint[], root), seq";
    if (offset < end) {
      std::string seqs = "{";
      for (std::size_t i = offset; i < end; ++i) seqs += (i > offset ? "," : "") + std::to_string(roots[i].seq);
      result q = c.run(page_threads.c_str(), {text(thread), text(seqs + "}")});
      if (!q.ok()) return c.rollback();
      p.comments = comments_of(q);
    }
    return c.exec("COMMIT");
  });
  return p;
}

std::vector<stored_comment> pg_store::pending(const std::string& thread, std::size_t limit) {
  std::vector<stored_comment> out;
  with_connection([&](connection& c) {
    static const std::string select = std::string("SELECT ") + sql::columns +
                                      " FROM comments WHERE status = 'pending' AND ($1 = '' OR thread = $1) "
                                      "ORDER BY seq LIMIT $2";
    result q = c.run(select.c_str(), {text(thread), number(std::int64_t(limit))});
    if (q.ok()) out = comments_of(q);
    return q.ok();
  });
  return out;
}

moderation_result pg_store::moderate(const std::string& thread, const std::string& id, moderation m,
                                     const std::string& address, std::int64_t now_ms, std::int64_t seen_edited) {
  moderation_result out;
  static const std::string by_id = std::string("SELECT ") + sql::columns +
                                   " FROM comments WHERE thread = $1 AND id = $2";
  const bool ok = with_connection([&](connection& c) {
    out = {};
    if (!c.exec("BEGIN")) return false;
    // FOR UPDATE: the status read for the audit log (and the version of the text an approval
    // checks) is the one the update changes.
    static const std::string locked = std::string(sql::status_of) + " FOR UPDATE";
    result b = c.run(locked.c_str(), {text(thread), text(id)});
    if (!b.ok()) return c.rollback();
    std::string before = b.rows() ? b.str(0, 0) : std::string();
    const std::int64_t edited = b.rows() ? b.int64(0, 1) : 0;
    if (sql::stale_approval(m, before, edited, seen_edited)) {
      result q = c.run(by_id.c_str(), {text(thread), text(id)});
      if (!q.ok() || q.rows() != 1) return c.rollback();
      out.comment = read_row(q, 0);
      out.result = moderation_result::outcome::stale;
      c.exec("ROLLBACK");
      return true;
    }
    result u = c.run(sql::moderation_update(m), {text(thread), text(id)});
    if (!u.ok()) return c.rollback();
    if (u.changed() != 1) {
      c.exec("ROLLBACK");
      out.result = moderation_result::outcome::not_applicable;
      return true;  // not in a state `m` applies to: an answer, not a failure
    }
    result q = c.run(by_id.c_str(), {text(thread), text(id)});
    if (!q.ok() || q.rows() != 1) return c.rollback();
    stored_comment found = read_row(q, 0);
    if (!c.run(sql::add_audit_entry, {number(now_ms), text(address), text(moderation_name(m)), text(thread), text(id),
                                      text(before), text(found.status)})
             .ok() ||
        !c.run(sql::bump_version, {text(thread)}).ok() || !c.exec("COMMIT"))
      return c.rollback();
    out.comment = std::move(found);
    out.result = moderation_result::outcome::done;
    return true;
  });
  if (!ok) out.result = moderation_result::outcome::failed;
  return out;
}

std::vector<stored_comment> pg_store::find(const comment_query& q, bool& ok) {
  std::vector<stored_comment> out;
  ok = with_connection([&](connection& c) {
    static const std::string select = std::string("SELECT ") + sql::columns +
                                      " FROM comments WHERE ($1 = '' OR thread = $1) AND ($2 = '' OR status = $2) "
                                      "AND ($3 = '' OR strpos(lower(author_name), lower($3)) > 0 "
                                      "OR strpos(lower(text), lower($3)) > 0) ORDER BY seq DESC LIMIT $4";
    result r = c.run(select.c_str(), {text(q.thread), text(q.status), text(q.text), number(std::int64_t(q.limit))});
    if (r.ok()) out = comments_of(r);
    return r.ok();
  });
  return out;
}

std::vector<audit_entry> pg_store::audit_log(std::size_t limit, bool& ok) {
  std::vector<audit_entry> out;
  ok = with_connection([&](connection& c) {
    result r = c.run(sql::audit_entries, {number(std::int64_t(limit))});
    for (int i = 0; r.ok() && i < r.rows(); ++i)
      out.push_back(
          {r.int64(i, 0), r.int64(i, 1), r.str(i, 2), r.str(i, 3), r.str(i, 4), r.str(i, 5), r.str(i, 6), r.str(i, 7)});
    return r.ok();
  });
  return out;
}

int pg_store::take_token(const std::string& key, int per_minute, std::int64_t now_ms) {
  if (per_minute <= 0) return 0;
  bool sweep = false;
  {
    std::lock_guard<std::mutex> l(mutex_);
    sweep = ++token_calls_ % 1000 == 0;
  }
  int wait = -1;
  with_connection([&](connection& c) {
    if (sweep) c.run(sql::forget_full_buckets, {number(now_ms - 60000)});
    // The SQLite backend's statement (store.cpp), in PostgreSQL's words (least, greatest, casts).
    result t = c.run(
        "INSERT INTO rate_limits (key, tokens, at) VALUES ($1, $2::float8 - 1, $3::bigint) "
        "ON CONFLICT (key) DO UPDATE SET "
        "tokens = least($2::float8, rate_limits.tokens + greatest(0, $3::bigint - rate_limits.at) * $2::float8 / "
        "60000) - 1, "
        "at = greatest(rate_limits.at, $3::bigint) "
        "WHERE least($2::float8, rate_limits.tokens + greatest(0, $3::bigint - rate_limits.at) * $2::float8 / 60000) "
        ">= 1",
        {text(key), number(per_minute), number(now_ms)});
    if (!t.ok()) return false;
    if (t.changed() == 1) {
      wait = 0;
      return true;
    }
    result b = c.run(sql::bucket_level, {text(key)});
    if (!b.ok() || b.rows() != 1) return false;
    wait = sql::wait_seconds(b.real(0, 0), b.int64(0, 1), per_minute, now_ms);
    return true;
  });
  return wait;
}

std::int64_t pg_store::version(const std::string& thread) {
  std::int64_t v = -1;
  with_connection([&](connection& c) {
    result r = thread.empty() ? c.run(sql::site_version) : c.run(sql::thread_version, {text(thread)});
    if (r.ok()) v = r.rows() ? r.int64(0, 0) : 0;
    return r.ok();
  });
  return v;
}

// One integer per thread from `query` (its $1 the thread; no row: 0), all of one snapshot
// (REPEATABLE READ).
std::vector<std::int64_t> pg_store::per_thread(const char* query, const std::vector<std::string>& threads, bool& ok) {
  std::vector<std::int64_t> out;
  ok = with_connection([&](connection& c) {
    out.clear();
    if (!c.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")) return false;
    for (const std::string& thread : threads) {
      result r = c.run(query, {text(thread)});
      if (!r.ok()) {
        c.exec("ROLLBACK");
        return false;
      }
      out.push_back(r.rows() ? r.int64(0, 0) : 0);
    }
    return c.exec("COMMIT");
  });
  return out;
}

std::vector<std::int64_t> pg_store::published_counts(const std::vector<std::string>& threads, bool& ok) {
  return per_thread(sql::published_count, threads, ok);
}

std::vector<std::int64_t> pg_store::versions(const std::vector<std::string>& threads, bool& ok) {
  return per_thread(sql::thread_version, threads, ok);
}

std::int64_t pg_store::count_posted() {
  std::int64_t n = -1;
  with_connection([&](connection& c) {
    result r = c.run("SELECT count(*) FROM comments WHERE client_id IS NOT NULL");
    if (r.ok()) n = r.int64(0, 0);
    return r.ok();
  });
  return n;
}

long pg_store::import_comments(const std::string& thread, const std::vector<stored_comment>& comments,
                               std::string& error) {
  long added = -1;
  with_connection(
      [&](connection& c) {
        if (!c.exec("BEGIN")) return false;
        long n = 0;
        for (const stored_comment& m : comments) {
          std::int64_t root = 0;
          if (!m.parent.empty()) {
            result p = c.run(sql::root_of, {text(thread), text(m.parent)});
            if (!p.ok()) return c.rollback();
            if (p.rows() == 1) root = p.int64(0, 0);
          }
          // The seq drawn ahead, as post() does, so a top-level comment is its own root in the
          // INSERT. Any conflict (its clientId, or its id in the thread) keeps the stored one.
          result s = c.run("SELECT nextval(pg_get_serial_sequence('comments', 'seq'))");
          if (!s.ok()) return c.rollback();
          const std::int64_t seq = s.int64(0, 0);
          result ins = c.run(
              "INSERT INTO comments (seq, thread, id, parent, root, author_name, author_location, author_url, created, "
              "edited, text, up, down, status, client_id, status_before_delete) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT DO NOTHING",
              {number(seq), text(thread), text(m.id), null_if_empty(m.parent), number(root ? root : seq), text(m.name),
               text(m.location), text(m.url), number(m.created), number(m.edited), text(m.text), number(m.up),
               number(m.down), text(m.status), null_if_empty(m.client_id), null_if_empty(m.status_before_delete)});
          if (!ins.ok()) return c.rollback();
          n += static_cast<long>(ins.changed());
        }
        if (n > 0 && !c.run(sql::bump_version, {text(thread)}).ok()) return c.rollback();
        if (!c.exec("COMMIT")) return c.rollback();
        added = n;
        return true;
      },
      &error);
  return added;
}

std::vector<stored_comment> pg_store::all_comments(const std::string& thread) {
  std::vector<stored_comment> out;
  with_connection([&](connection& c) {
    // COLLATE "C": threads in byte order, as the SQLite backend sorts them, whatever the
    // database's locale.
    static const std::string select =
        std::string("SELECT ") + sql::columns +
        ", status_before_delete FROM comments WHERE $1 = '' OR thread = $1 ORDER BY thread COLLATE \"C\", seq";
    result r = c.run(select.c_str(), {text(thread)});
    if (r.ok()) out = comments_of(r);
    for (int i = 0; r.ok() && i < r.rows(); ++i) out[std::size_t(i)].status_before_delete = r.str(i, 14);
    return r.ok();
  });
  return out;
}

std::vector<stored_comment> pg_store::recent(const std::string& thread, std::size_t limit) {
  std::vector<stored_comment> out;
  with_connection([&](connection& c) {
    const auto n = number(std::int64_t(limit));
    result r = thread.empty() ? c.run(sql::recent_published_site.c_str(), {n})
                              : c.run(sql::recent_published.c_str(), {text(thread), n});
    if (r.ok()) out = comments_of(r);
    return r.ok();
  });
  return out;
}

}  // namespace

}  // namespace colloquy::server

// The module's one entry point (store.cpp opens the module and looks it up by this name).
extern "C" __attribute__((visibility("default"))) colloquy::server::store* colloquy_open_postgresql_store(
    const std::string& url, std::string& error) {
  return colloquy::server::pg_store::open(url, error).release();
}
