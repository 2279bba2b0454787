// SQL that both store backends run as it stands (store.cpp: SQLite, store_pg.cpp: PostgreSQL).
// Parameters are written $1, $2, … in the order of their first use: PostgreSQL numbers them so,
// and SQLite gives such named parameters indexes in the same order.
#pragma once
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

inline constexpr const char* status_of = "SELECT status FROM comments WHERE thread = $1 AND id = $2";

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
    "SELECT seq, at, address, action, thread, id, status_before, status_after FROM audit_log ORDER BY seq DESC LIMIT $1";

// Buckets untouched for a minute are full again: forgetting them changes nothing.
inline constexpr const char* forget_full_buckets = "DELETE FROM rate_limits WHERE at < $1";
inline constexpr const char* bucket_level = "SELECT tokens, at FROM rate_limits WHERE key = $1";

// Seconds to wait for the next token of a bucket holding `tokens` at `at` (ms), `now_ms` later.
int wait_seconds(double tokens, std::int64_t at, int per_minute, std::int64_t now_ms);

}  // namespace colloquy::server::sql
