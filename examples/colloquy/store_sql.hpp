// What both store backends share (store.cpp: SQLite, store_pg.cpp: PostgreSQL): SQL they run
// as it stands, and the bookkeeping around it. Parameters are written $1, $2, … in the order of
// their first use: PostgreSQL numbers them so, and SQLite gives such named parameters indexes
// in the same order.
#pragma once
#include <algorithm>
#include <string>
#include <utility>
#include <unordered_map>

#include "store.hpp"

namespace colloquy::server::sql {

// The columns read_row() of each backend expects, in this order.
inline constexpr const char* columns =
    "seq, thread, id, parent, author_name, author_location, author_url, created, edited, text, up, down, "
    "status, client_id";

// Raised in the same transaction as every write to a thread (see migration 2).
inline constexpr const char* bump_version =
    "INSERT INTO thread_versions (thread, version) VALUES ($1, 1) "
    "ON CONFLICT (thread) DO UPDATE SET version = thread_versions.version + 1";

// A comment's status and the version of its text (its `edited` time), as a moderator acts on it.
inline constexpr const char* status_of = "SELECT status, edited FROM comments WHERE thread = $1 AND id = $2";

// True when approving a comment now (its `status` and `edited`) would publish a version of
// its text other than the one the moderator saw (`seen_edited`).
inline bool stale_approval(moderation m, const std::string& status, std::int64_t edited, std::int64_t seen_edited) {
  return m == moderation::approve && status == "pending" && edited != seen_edited;
}

// An ordered page (store::list_ordered) of `roots` top-level threads in their order: the
// threads [offset, offset + limit) (limit 0: all from offset). Notes the roots read and where the
// next page begins in `p`; returns the window's end.
inline std::size_t ordered_window(std::size_t roots, std::size_t limit, std::size_t offset, page& p) {
  p.roots_read = roots;
  const std::size_t end = limit == 0 ? roots : std::min(roots, offset + limit);
  if (end < roots) p.next_offset = end;
  return end;
}

// The comments a thread lists: published ones, the deleted ones that were published (their
// placeholders keep the replies), and a pending or rejected one with a published comment below
// it (an author's edit awaiting approval or refused, a reply approved before its parent): the
// server sends those without their text or author (server.cpp listed_json), so the replies keep
// their place, and a chain of them keeps every link (pending under pending under a published
// reply). Any other comment deleted while it was pending, or rejected, was never shown: neither
// it nor its author is listed. The walk down goes by the index comments_parent (migration 7),
// only through comments not published, at most 16 levels (a deeper chain of waiting comments
// loses its top), and stops at the first published one (EXISTS): each waiting comment costs at
// most its waiting subtree 16 levels down, so a hostile chain of them cannot make a listing
// quadratic in the thread.
inline constexpr const char* listed =
    "(status = 'published' OR (status = 'deleted' AND coalesce(status_before_delete, 'published') = 'published') OR "
    "(status IN ('pending', 'rejected') AND EXISTS (WITH RECURSIVE below(id, status, depth) AS ("
    "SELECT reply.id, reply.status, 1 FROM comments AS reply WHERE reply.thread = comments.thread AND "
    "reply.parent = comments.id UNION "
    "SELECT reply.id, reply.status, below.depth + 1 FROM comments AS reply JOIN below ON reply.parent = below.id AND "
    "below.status <> 'published' AND below.depth < 16 WHERE reply.thread = comments.thread) "
    "SELECT 1 FROM below WHERE below.status = 'published')))";

// A page of top-level threads in the default order (store::list), `oldest` as the core sorts
// (sort.hpp comment_order): by creation time, then by id in byte order, whatever order they
// were stored in (a seed or an import need not be in time order). $2 is the seq of the last
// root of the page before (0: from the start); the page holds the listed roots after it in that
// order, $3 of them (SQLite: -1, PostgreSQL: NULL for all). `byte_order` is the backend's
// collation of ids in byte order (SQLite's default BINARY: "", PostgreSQL: COLLATE "C").
inline std::string oldest_roots(const char* byte_order) {
  const std::string id = std::string("id") + byte_order;
  return "WITH last_root AS (SELECT created, " + id +
         " AS id FROM comments WHERE thread = $1 AND seq = $2) "
         "SELECT seq FROM comments WHERE thread = $1 AND root = seq AND ($2 = 0 OR "
         "created > (SELECT created FROM last_root) OR (created = (SELECT created FROM last_root) AND " +
         id + " > (SELECT id FROM last_root))) AND " + listed + " ORDER BY created, " + id + " LIMIT $3";
}

// One moderator action on (thread $1, id $2); it changes one row or none (not in a state the
// action applies to). A restore gives back the status before the delete: a pending comment
// that was deleted comes back pending, never published unseen.
inline const char* moderation_update(moderation m) {
  switch (m) {
    case moderation::approve:
      return "UPDATE comments SET status = 'published' WHERE thread = $1 AND id = $2 AND status = 'pending'";
    case moderation::reject:
      return "UPDATE comments SET status = 'rejected' WHERE thread = $1 AND id = $2 AND status = 'pending'";
    case moderation::remove:
      return "UPDATE comments SET status_before_delete = status, status = 'deleted' "
             "WHERE thread = $1 AND id = $2 AND status <> 'deleted'";
    case moderation::restore:
      return "UPDATE comments SET status = coalesce(status_before_delete, 'published'), status_before_delete = NULL "
             "WHERE thread = $1 AND id = $2 AND status = 'deleted'";
  }
  return nullptr;
}

inline constexpr const char* add_audit_entry =
    "INSERT INTO audit_log (at, address, action, thread, id, status_before, status_after) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7)";

inline constexpr const char* audit_entries =
    "SELECT seq, at, address, action, thread, id, status_before, status_after FROM audit_log ORDER BY seq DESC LIMIT "
    "$1";

// Buckets untouched for a minute are full again: forgetting them changes nothing.
inline constexpr const char* forget_full_buckets = "DELETE FROM rate_limits WHERE at < $1";
inline constexpr const char* bucket_level = "SELECT tokens, at FROM rate_limits WHERE key = $1";

// Migration 4 (both backends): the hash (SHA-256, hex) of a posted comment's edit token; NULL
// for comments that came in any other way (imports, seeds), which no reader can edit.
inline constexpr const char* add_edit_token = "ALTER TABLE comments ADD COLUMN edit_token TEXT;";

// Votes (DESIGN §8). The comment's row is read first (PostgreSQL: FOR UPDATE), so concurrent
// votes on one comment are applied one after the other and the counts stay the sum of the rows.
inline constexpr const char* comment_status_of = "SELECT status FROM comments WHERE thread = $1 AND id = $2";
inline constexpr const char* voter_vote = "SELECT vote FROM votes WHERE thread = $1 AND comment = $2 AND voter = $3";
// A changed vote keeps the address it was first cast from.
inline constexpr const char* set_vote =
    "INSERT INTO votes (thread, comment, voter, vote, created, address) VALUES ($1, $2, $3, $4, $5, $6) "
    "ON CONFLICT (thread, comment, voter) DO UPDATE SET vote = excluded.vote, created = excluded.created";
// The voters from one address on one comment (index votes_by_address), for --votes-per-address.
inline constexpr const char* address_votes =
    "SELECT count(*) FROM votes WHERE thread = $1 AND comment = $2 AND address = $3";
// Migration 6: each vote's address (http::address_key), counted per comment. Votes cast before
// it have none ('') and count for no address.
inline constexpr const char* add_vote_address =
    "ALTER TABLE votes ADD COLUMN address TEXT NOT NULL DEFAULT '';"
    "CREATE INDEX votes_by_address ON votes (thread, comment, address);";
// Migration 7: a comment's replies found by its id (sql::listed asks for them for every comment
// awaiting moderation). Without it each such comment cost a scan of its whole top-level thread:
// a thread of 10,000 comments with 3,000 waiting took 3.2 s of SQLite (2.6 s of PostgreSQL) per
// listing. Replies only: a top-level comment has no parent, and an index on every row would be
// taken for reads by thread alone (a thread's count) that comments_thread_recent serves better.
inline constexpr const char* add_parent_index =
    "CREATE INDEX comments_parent ON comments (thread, parent) WHERE parent IS NOT NULL;";
// Whether a ballot adds a voter under a cap, so its address's voters are counted first
// (address_votes, then full at b.per_address): a change or withdrawal never is.
inline bool adds_capped_voter(const ballot& b, int before) { return b.per_address > 0 && before == 0 && b.vote != 0; }
inline constexpr const char* remove_vote = "DELETE FROM votes WHERE thread = $1 AND comment = $2 AND voter = $3";
inline constexpr const char* add_to_counts =
    "UPDATE comments SET up = up + $1, down = down + $2 WHERE thread = $3 AND id = $4 RETURNING up, down";
inline constexpr const char* counts_of = "SELECT up, down FROM comments WHERE thread = $1 AND id = $2";

// The changes to a comment's (up, down) counts when a voter's vote goes from `before` to `after`.
std::pair<std::int64_t, std::int64_t> count_change(int before, int after);

// An author's edit or delete: the comment with its token hash (column 14, after `columns`).
inline const std::string comment_with_token = std::string("SELECT ") + columns +
                                              ", edit_token FROM comments WHERE thread = $1 AND id = $2";
// `edited` only grows (a clock set back still gives each edit a later time), so it names one
// version of the text, which an approval names in turn. $3 = 1 (--moderate): the edited
// comment goes back to pending until a moderator has seen the new text.
inline constexpr const char* author_edit =
    "UPDATE comments SET text = $1, edited = CASE WHEN $2 > edited THEN $2 ELSE edited + 1 END, "
    "status = CASE WHEN $3 = 1 THEN 'pending' ELSE status END WHERE thread = $4 AND id = $5";
inline constexpr const char* author_delete =
    "UPDATE comments SET status_before_delete = status, status = 'deleted' WHERE thread = $1 AND id = $2";
inline constexpr const char* set_edit_token = "UPDATE comments SET edit_token = $1 WHERE thread = $2 AND id = $3";

// What an author may do to `c` (its stored token hash `stored_hash`) with `change`: the token
// first, so that nobody but the author learns whether the window is still open.
author_outcome author_check(const stored_comment& c, const std::string& stored_hash, const author_change& change);

// The audit log's words for an author's own edit and delete.
inline constexpr const char* author_edit_action = "author edit";
inline constexpr const char* author_delete_action = "author delete";

// Import, export and feeds. A reply's root is its parent's (stored before it, by this import or
// an earlier one); none found: the reply is a top-level thread of its own, as the core shows it.
inline constexpr const char* root_of = "SELECT root FROM comments WHERE thread = $1 AND id = $2";

// The newest published comments of thread $1, $2 of them; of the whole site, $1 of them. Each is
// read backwards along its index (migration 5) and stops after the rows it returns, however many
// comments the thread or the site holds.
inline const std::string recent_published = std::string("SELECT ") + columns +
                                            " FROM comments WHERE thread = $1 AND status = 'published' "
                                            "ORDER BY created DESC, seq DESC LIMIT $2";
inline const std::string recent_published_site = std::string("SELECT ") + columns +
                                                 " FROM comments WHERE status = 'published' "
                                                 "ORDER BY created DESC, seq DESC LIMIT $1";
// Migration 5 (both backends): the feeds' indexes. The thread's also covers published_count.
// (With the site's alone, SQLite read a thread's feed along it too, through every thread.)
inline constexpr const char* add_recent_index =
    "CREATE INDEX comments_recent ON comments (status, created, seq);"
    "CREATE INDEX comments_thread_recent ON comments (thread, status, created, seq);";

// What an index page shows beside a post's link (GET /api/comments/counts): counted in the
// comments_thread_recent index alone.
inline constexpr const char* published_count =
    "SELECT count(*) FROM comments WHERE thread = $1 AND status = 'published'";
// A thread's version (migration 2); no row: 0. The site's: every write raises one thread's
// version by one, so their sum is raised by every write to any thread.
inline constexpr const char* thread_version = "SELECT version FROM thread_versions WHERE thread = $1";
inline constexpr const char* site_version = "SELECT coalesce(sum(version), 0) FROM thread_versions";

// The status column's value for an imported comment.
const char* status_name(comment_status s);

// The comment a post stored, as post() answers it.
stored_comment posted_comment(const draft& d, std::int64_t seq, std::string id, const std::string& status,
                              std::int64_t now_ms);

// The root (the seq of the top-level comment) of each imported comment, by seq: follows
// parents up to a top-level comment. Orphans (parent not in the thread) and reply cycles count
// as top-level threads of their own, as the core shows them.
std::unordered_map<std::int64_t, std::int64_t> import_roots(const std::unordered_map<std::string, std::int64_t>& seq_of,
                                                            const std::unordered_map<std::string, std::string>& parent_of);

// Seconds to wait for the next token of a bucket holding `tokens` at `at` (ms), `now_ms` later.
int wait_seconds(double tokens, std::int64_t at, int per_minute, std::int64_t now_ms);

}  // namespace colloquy::server::sql
