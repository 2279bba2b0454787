// The command line of `colloquy` (DESIGN §9): the commands, their usage and one parser for all,
// shared by the two programs that run them: `colloquy` itself (render, check, stories) and
// `colloquy-server` beside it (serve, admin, import, export), which `colloquy` runs in its place.
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace colloquy::cli {

// A command's flags: whether each takes a value, and how many positional arguments it takes.
struct flag {
  const char* name;
  bool takes_value = true;  // false: a switch (--moderate); --switch=value is refused
};
struct command {
  const char* name;
  const char* usage;
  std::vector<flag> flags;
  std::size_t max_positional;  // FILE, or admin's action
  const char* positional_what;
  bool server = false;  // run by colloquy-server (the server's libraries: OpenSSL, SQLite, ...)
};

// What the parser found: the options in order (get: the last of a repeated one; all: every one,
// for --cors, --host-name and --public-url) and the positional arguments.
struct args {
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> positional;
  std::string get(const std::string& key, const std::string& fallback = "") const;
  bool has(const std::string& key) const;
  std::vector<std::string> all(const std::string& key) const;
};

// Finds argv[1]'s command and parses the rest into `a`. Null with `status` set when the process
// is done: the usage printed (0), or a refusal printed on stderr (2: no or an unknown command,
// an unknown flag, an extra argument, anything after --help, a missing value).
const command* parse_command_line(int argc, char** argv, args& a, int& status);

// A value from the command line as a message names it: an empty one as '' (else the message
// would name nothing: "no database at "). Every message that quotes a user's value uses it.
std::string named(std::string_view value);

// The FILE argument of `cmd` into `path` ("" for standard input: no FILE, or -). An empty FILE
// argument names no file and is not taken for standard input: false, after a usage error.
bool file_argument(const char* cmd, const args& a, std::string& path);

// The path of `file` in the folder of the running executable (colloquy-server,
// colloquy-postgresql.so: the files installed together).
std::string beside_executable(const char* file);

}  // namespace colloquy::cli
