// The reference comments server behind `colloquy serve`.
#pragma once
#include <string>

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
  std::string comments = "";                // seed comments document served at /api/comments
  std::string csp = strict_csp;             // Content-Security-Policy header; empty: none
};

// Runs until SIGINT/SIGTERM. Returns the process exit status.
int run(const config& c);

}  // namespace colloquy::server
