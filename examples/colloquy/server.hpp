// The reference comments server behind `colloquy serve` (http.hpp on Boost.Beast; store.hpp:
// SQLite, or PostgreSQL shared by several server processes).
//
//   colloquy::server::config c;
//   c.db = "colloquy.db";
//   return colloquy::server::run(c);   // until SIGINT/SIGTERM
//
// API (DESIGN §2/§3; README "Reference server" lists every error code and limit):
//   GET  /api/comments?thread=T[&limit=N][&cursor=C]  {thread, comments, next}; limit counts
//        top-level threads (1..1000, absent: all), next is an opaque cursor or null. Answers are
//        kept per thread version (bumped in the database by every write to the thread, so other
//        processes' writes count too), with a strong ETag (304 on If-None-Match) and gzip/br
//        made once per version.
//   POST /api/comments  {thread, parent, author:{name,location}, text, clientId[, honeypot]}
//        201 stored comment (status "pending" under --moderate, plus its clientId);
//        200 the same comment for a clientId already stored with the same thread and text,
//        409 client_id_taken otherwise; 4xx {"error":{code,message,field},"problems":[…]}
//        A new comment's answer adds "token" (its edit token; only a hash is stored) and
//        "editableUntil" (ISO time; --edit-window after posting).
//   POST /api/comments/votes  {thread, comment, voter, vote: 1|-1|0}  200 {comment, votes:{up,down}, mine}
//   PATCH /api/comments/<id>  {thread, text, token}  200 the edited comment (with "edited")
//   DELETE /api/comments/<id>?thread=T  "Authorization: Bearer <token>"  200 {id, status:"deleted"}
//        403 bad_token / edit_window_closed, and nothing changes
//   OPTIONS /api/*  CORS preflight (Allow-* headers only for --cors origins)
//   POST /api/admin/session  200 {session}: a credential for the page, checked before T and
//        never rate limited (T is, per address: --admin-rate-limit)
//   GET  /api/admin/pending[?thread=T]                  } with --admin-token T and the header
//   GET  /api/admin/comments[?thread&status&q]          } "Authorization: Bearer T"; every
//   POST /api/admin/moderate {thread,id,action,edited}  } action (approve, reject, delete,
//   GET  /api/admin/audit                               } restore) goes to the audit log
//   GET  /admin  the moderation page (its script and styles under /admin/), with --admin-token
//   GET  /colloquy/*  the widget files (--widget): precompressed .br/.gz, ETag, CORS-public,
//        immutable when asked for with ?v=<the file's hash>
//   GET  /*  the site (--root): pages, feed
#pragma once
#include <string>
#include <vector>

#include "colloquy/limits.hpp"

namespace colloquy::server {

// The policy the example pages are served (and tested) with: the strictest a blog could have
// that still lets WebAssembly compile.
inline constexpr const char* strict_csp = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

struct config {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root = "examples/seed";  // the site: pages, feed
  std::string widget;                  // colloquy.js/.css/.wasm, served at /colloquy/
  std::string comments = "";           // seed document imported into a new database
                                       // (empty: <root>/comments.json when it exists)
  std::string seed_thread;             // the thread of a seed that is a bare array
  std::string csp = strict_csp;        // Content-Security-Policy header; empty: none
  std::string db = "colloquy.db";      // SQLite database file, created when missing, or a
                                       // postgresql:// URL (several processes may share it)
  int rate_limit = 20;                 // posts per minute per client address; 0: off
  int admin_rate_limit = 30;           // /api/admin/* requests per minute per address
                                       // (both counted in the database, across processes)
  int vote_rate_limit = 60;            // votes per minute per address; 0: off
  int votes_per_address = 20;          // voters from one address on one comment; 0: no cap
  int page_rate_limit = 60;            // pages of a large thread built from nothing, per minute per address; 0: off
  long edit_window = colloquy::limits::edit_window_seconds;  // seconds a reader may edit or delete their own
                                                             // comment after posting it; 0: never
  bool trust_proxy = false;                                  // the client address is the one the reverse proxy
                                                             // in front appended last to X-Forwarded-For
  bool moderate = false;                                     // new comments wait for approval ("pending")
  std::vector<std::string> cors;                             // origins allowed to call the API ("*": any)
  std::vector<std::string> host_names;                       // accepted Host names (empty: loopback names only)
  std::string admin_token;                                   // enables /api/admin/* with this bearer token
  // HTTP limits (http.hpp has the reasons).
  long max_body = 256 * 1024;
  int header_timeout = 10, body_timeout = 10, idle_timeout = 5, shutdown_timeout = 10;
  int max_connections = 1024, max_connections_per_address = 64;
  int workers = 16;  // threads running handlers (database work)
};

// Runs until SIGINT/SIGTERM, then stops accepting, closes idle connections, lets requests in
// progress finish (at most shutdown_timeout seconds), and closes the database cleanly. Port 0
// picks a free port; the URL is printed either way. Returns the process exit status.
int run(const config& c);

}  // namespace colloquy::server
