// The reference comments server behind `colloquy serve` (cpp-httplib + SQLite, store.hpp).
//
//   colloquy::server::config c;
//   c.db = "colloquy.db";
//   return colloquy::server::run(c);   // until SIGINT/SIGTERM
//
// API (DESIGN §2/§3; README "Reference server" lists every error code):
//   GET  /api/comments?thread=T[&limit=N][&cursor=C]  {thread, comments, next}; limit counts
//        top-level threads (1..1000, absent: all), next is an opaque cursor or null
//   POST /api/comments  {thread, parent, author:{name,location}, text, clientId[, honeypot]}
//        201 stored comment (status "pending" under --moderate, plus its clientId);
//        200 the same comment for a clientId already stored; 4xx {"error":{code,message,field},
//        "problems":[…every problem…]} (validation by compose.hpp, 409 parent_not_found,
//        413 body_too_large, 415, 422 honeypot_filled, 429 rate_limited + Retry-After,
//        403 origin_not_allowed); 503 storage_unavailable
//   OPTIONS /api/*  CORS preflight (Allow-* headers only for --cors origins)
//   GET  /api/admin/pending[?thread=T]           } with --admin-token T and the header
//   POST /api/admin/moderate {thread,id,action}  } "Authorization: Bearer T"; action is
//        "approve" (pending -> published) or "reject" (never shown; its clientId still answers)
#pragma once
#include <string>
#include <vector>

namespace colloquy::server {

// The policy the example pages are served (and tested) with: the strictest a blog could have
// that still lets WebAssembly compile.
inline constexpr const char* strict_csp =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'";

struct config {
  std::string host = "127.0.0.1";
  int port = 8080;
  std::string root = "examples/seed";       // the site: pages, feed
  std::string widget;                       // colloquy.js/.css/.wasm, served at /colloquy/
  std::string comments = "";                // seed document imported into a new database
                                            // (empty: <root>/comments.json when it exists)
  std::string csp = strict_csp;             // Content-Security-Policy header; empty: none
  std::string db = "colloquy.db";           // SQLite database file, created when missing
  int rate_limit = 20;                      // posts per minute per client address; 0: off
  bool trust_proxy = false;                 // the client address is the one the reverse proxy
                                            // in front appended last to X-Forwarded-For
  bool moderate = false;                    // new comments wait for approval ("pending")
  std::vector<std::string> cors;            // origins allowed to call the API ("*": any)
  std::string admin_token;                  // enables /api/admin/* with this bearer token
  int threads = 64;                         // worker threads (one per open connection)
};

// Runs until SIGINT/SIGTERM, then stops accepting, lets requests in progress finish, and closes
// the database cleanly. Port 0 picks a free port; the URL is printed either way. Returns the
// process exit status.
int run(const config& c);

}  // namespace colloquy::server
