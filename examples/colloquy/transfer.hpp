// colloquy import / export: other systems' exports into a server's database, and the database
// back out as comments documents (DESIGN §2 and §9).
#pragma once
#include <string>

namespace colloquy::server {

struct import_options {
  std::string from;  // disqus, wordpress, isso, remark42 or json
  std::string file;  // "" or "-": standard input (not for isso, a database file)
  std::string db;
  bool dry_run = false;
  bool from_given = false;  // --from was given (perhaps as '')
};

// Prints counts per thread on stdout and every skipped or repaired item on stderr.
// Exit status: 0 done, 1 the file or the database is unusable, 2 usage.
int run_import(const import_options& o);

// One comments document per thread, one per line, on stdout (only `thread` when not empty).
int run_export(const std::string& db, const std::string& thread);

}  // namespace colloquy::server
