// The command line shared by colloquy and colloquy-server (cli.hpp).
#include "cli.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include <unistd.h>

namespace colloquy::cli {

std::string args::get(const std::string& key, const std::string& fallback) const {
  std::string v = fallback;
  for (const auto& [k, val] : options)
    if (k == key) v = val;
  return v;
}

bool args::has(const std::string& key) const {
  for (const auto& kv : options)
    if (kv.first == key) return true;
  return false;
}

std::vector<std::string> args::all(const std::string& key) const {
  std::vector<std::string> out;
  for (const auto& [k, v] : options)
    if (k == key) out.push_back(v);
  return out;
}

std::string named(std::string_view value) { return value.empty() ? "''" : std::string(value); }

bool file_argument(const char* cmd, const args& a, std::string& path) {
  path = a.positional.empty() ? "" : a.positional[0];
  if (a.positional.empty() || !path.empty()) return true;
  std::fprintf(stderr, "colloquy %s: FILE %s names no file (- or no FILE reads standard input)\n", cmd,
               named(path).c_str());
  return false;
}

namespace {

// One usage text per command: `colloquy CMD --help` prints its own, `colloquy --help` all.
const char* const render_usage =
    "  render [FILE]   comments document (FILE, or - / nothing for stdin) to static HTML on stdout:\n"
    "                  <section class=\"comments colloquy-static\">, styled by colloquy-static.css,\n"
    "                  without the controls that need the script (reply, sort, load more)\n"
    "      --sort oldest|newest|top|hot|controversial   --max-depth N (6)\n"
    "      --page-size N (top-level threads, 0 = all)   --offset N   --locale TAG (en)\n";
const char* const check_usage =
    "  check [FILE]    print the problems of a comments document as JSON (reading and threading,\n"
    "                  each with its code; the first 1,000, then \"problemsOmitted\"); exit 1 when\n"
    "                  the document is unusable (not JSON: with its line and column)\n";
const char* const stories_usage =
    "  stories [FILE]  JSON Feed (FILE or stdin) to Latest Stories cards HTML on stdout;\n"
    "                  exit 1 when the feed is unusable (RSS/Atom: feed_is_xml, see README;\n"
    "                  a web page instead of its feed: feed_is_html)\n"
    "      --count N (3, 1..50)  --length N (130, 10..2000)  --page-url URL  --locale TAG (en)\n";
const char* const serve_usage =
    "  serve           the reference comments server and the example site\n"
    "      --host H (127.0.0.1)  --port N (8080)  --root DIR (examples/seed)\n"
    "      --widget DIR (built colloquy.js/.css/.wasm, served at /colloquy/)\n"
    "      --db FILE|URL (./colloquy.db: SQLite, created and migrated as needed; or\n"
    "                   postgresql://user@host:port/dbname, migrated as needed)\n"
    "      --seed FILE (comments document imported into a new database;\n"
    "                   default <root>/comments.json; --comments is the same)\n"
    "      --seed-thread T (the thread of a seed that is a bare array; default: the\n"
    "                   data-thread of <root>/index.html)\n"
    "      --rate-limit N (posts per minute per address, 20; 0: off)  --moderate\n"
    "      --vote-rate-limit N (votes per minute per address, 60; 0: off)\n"
    "      --votes-per-address N (voters from one address, or IPv6 /64, on one comment, 20;\n"
    "                   0: no cap; a voter may always change or take back their vote)\n"
    "      --page-rate-limit N (pages of a thread over 256 KB built from nothing, per minute\n"
    "                   per address, 60; 0: off)\n"
    "      --edit-window S (seconds a reader may edit or delete their comment, 900; 0: never)\n"
    "      --trust-proxy (behind a reverse proxy: the address is the last X-Forwarded-For entry)\n"
    "      --cors ORIGIN (repeatable, or comma-separated; * for any)\n"
    "      --admin-token T (enables the moderation page /admin and /api/admin/*)\n"
    "      --csp POLICY|off\n"
    "      --host-name NAME, --public-url URL (repeatable: the Host names answered;\n"
    "                   default: loopback names only)\n"
    "      --admin-rate-limit N (30)  --max-body BYTES (262144)  --workers N (16)\n"
    "      --header-timeout S (10)  --body-timeout S (10)  --idle-timeout S (5)\n"
    "      --shutdown-timeout S (10)  --max-connections N (1024)\n"
    "      --max-connections-per-address N (64; IPv6 counted per /64)\n";
const char* const import_usage =
    "  import FILE     another system's export into a server's database; counts per thread on\n"
    "                  stdout, every skipped or repaired item (with its code) on stderr\n"
    "      --from disqus|wordpress|isso|remark42|json (isso: its SQLite file; remark42: .gz too;\n"
    "             json: colloquy export's output)  --dry-run (read and report only)\n"
    "      --db FILE|URL (a SQLite file, created as needed, or postgresql://user@host:port/dbname)\n";
const char* const export_usage =
    "  export          comments documents on stdout, one thread per line, each comment with its status\n"
    "      --db FILE|URL (./colloquy.db, or postgresql://user@host:port/dbname)  --thread T (one thread)\n";
const char* const admin_usage =
    "  admin pending|approve|reject|delete|restore   moderate a server's database directly\n"
    "      --db FILE|URL (./colloquy.db, or postgresql://user@host:port/dbname)\n"
    "      --thread T  --id ID (approve/reject a pending comment; delete any comment;\n"
    "                  restore a deleted one to the status it had)\n"
    "      --edited TIME (approve: the version read, the `edited` that pending printed; none: never edited)\n";

// Every command, in the order `colloquy --help` lists them.
const std::vector<command>& commands() {
  static const std::vector<command> all = {
      {"render", render_usage, {{"sort"}, {"max-depth"}, {"page-size"}, {"offset"}, {"locale"}}, 1, "one FILE"},
      {"check", check_usage, {}, 1, "one FILE"},
      {"stories", stories_usage, {{"count"}, {"length"}, {"page-url"}, {"locale"}}, 1, "one FILE"},
      {"serve",
       serve_usage,
       {{"host"},
        {"port"},
        {"root"},
        {"widget"},
        {"seed"},
        {"comments"},
        {"seed-thread"},
        {"csp"},
        {"db"},
        {"moderate", false},
        {"trust-proxy", false},
        {"admin-token"},
        {"cors"},
        {"host-name"},
        {"public-url"},
        {"rate-limit"},
        {"admin-rate-limit"},
        {"vote-rate-limit"},
        {"votes-per-address"},
        {"page-rate-limit"},
        {"edit-window"},
        {"max-body"},
        {"header-timeout"},
        {"body-timeout"},
        {"idle-timeout"},
        {"shutdown-timeout"},
        {"max-connections"},
        {"max-connections-per-address"},
        {"workers"}},
       0,
       "no arguments",
       true},
      {"admin", admin_usage, {{"db"}, {"thread"}, {"id"}, {"edited"}}, 1, "one action", true},
      {"import", import_usage, {{"from"}, {"db"}, {"dry-run", false}}, 1, "one FILE", true},
      {"export", export_usage, {{"db"}, {"thread"}}, 0, "no arguments", true},
  };
  return all;
}

std::string full_usage() {
  std::string u = "usage: colloquy <command> [options]   (colloquy <command> --help: one command)\n\n";
  for (const command& c : commands()) u += c.usage;
  u += "\n  Options take --flag value or --flag=value; - as FILE reads stdin.\n";
  return u;
}

// The nearest known flag to a misspelt one (at most two edits), for "did you mean".
const char* nearest_flag(const command& c, const std::string& name) {
  const char* best = nullptr;
  std::size_t best_distance = 3;
  for (const flag& f : c.flags) {
    const std::string b = f.name;
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= name.size(); ++i) {
      std::size_t diagonal = row[0];
      row[0] = i;
      for (std::size_t j = 1; j <= b.size(); ++j) {
        std::size_t up = row[j];
        row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (name[i - 1] == b[j - 1] ? 0 : 1)});
        diagonal = up;
      }
    }
    if (row[b.size()] < best_distance) {
      best_distance = row[b.size()];
      best = f.name;
    }
  }
  return best;
}

enum class parsed { ok, help, refused };

// Parses argv[first..] for `c`. On a refusal, `error` is the one line to print.
parsed parse_args(const command& c, int argc, char** argv, int first, args& a, std::string& error) {
  bool only_positional = false;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (only_positional || s == "-" || s.empty() || s[0] != '-') {
      if (a.positional.size() >= c.max_positional) {
        error = "unexpected argument " + named(s) + " (" + c.name + " takes " + c.positional_what + ")";
        return parsed::refused;
      }
      a.positional.push_back(s);
      continue;
    }
    if (s == "--") {
      only_positional = true;
      continue;
    }
    if (s == "-h" || s == "--help") {
      // Nothing after it: `render --help FILE` is a command line gone wrong, not a request for help.
      if (i + 1 < argc) {
        error = "unexpected argument " + named(argv[i + 1]) + " (" + s + " takes no arguments)";
        return parsed::refused;
      }
      return parsed::help;
    }
    if (s.rfind("--", 0) != 0) {
      error = "unknown option " + s + " (colloquy " + c.name + " --help lists the options)";
      return parsed::refused;
    }
    std::string name = s.substr(2), value;
    const bool inline_value = name.find('=') != std::string::npos;
    if (inline_value) {
      value = name.substr(name.find('=') + 1);
      name.resize(name.find('='));
    }
    if (name == "help") {  // --help=… (--help and -h are answered above)
      error = "option --help takes no value";
      return parsed::refused;
    }
    auto f = std::find_if(c.flags.begin(), c.flags.end(), [&](const flag& x) { return name == x.name; });
    if (f == c.flags.end()) {
      error = "unknown option --" + name;
      if (const char* near = nearest_flag(c, name)) error += std::string(" (did you mean --") + near + "?)";
      else error += std::string(" (colloquy ") + c.name + " --help lists the options)";
      return parsed::refused;
    }
    if (!f->takes_value) {
      if (inline_value) {
        error = "option --" + name + " takes no value";
        return parsed::refused;
      }
      value = '1';
    } else if (!inline_value) {
      if (i + 1 >= argc) {
        error = "option --" + name + " needs a value";
        return parsed::refused;
      }
      value = argv[++i];
    }
    a.options.emplace_back(name, value);
  }
  return parsed::ok;
}

}  // namespace

const command* parse_command_line(int argc, char** argv, args& a, int& status) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    if (argc > 2) {  // as after a command's --help
      std::fprintf(stderr, "colloquy: unexpected argument %s (%s takes no arguments)\n", named(argv[2]).c_str(), argv[1]);
      status = 2;
      return nullptr;
    }
    std::fputs(full_usage().c_str(), argc < 2 ? stderr : stdout);
    status = argc < 2 ? 2 : 0;
    return nullptr;
  }
  const std::string name = argv[1];
  auto c = std::find_if(commands().begin(), commands().end(), [&](const command& x) { return name == x.name; });
  if (c == commands().end()) {
    std::fprintf(
        stderr,
        "colloquy: unknown command %s (render, check, stories, serve, admin, import or export; colloquy --help)\n",
        named(name).c_str());
    status = 2;
    return nullptr;
  }
  std::string error;
  switch (parse_args(*c, argc, argv, 2, a, error)) {
    case parsed::help:
      std::printf("usage: colloquy %s [options]\n%s", c->name, c->usage);
      status = 0;
      return nullptr;
    case parsed::refused:
      std::fprintf(stderr, "colloquy %s: %s\n", c->name, error.c_str());
      status = 2;
      return nullptr;
    case parsed::ok: break;
  }
  return &*c;
}

std::string beside_executable(const char* file) {
  std::string path(4096, '\0');
  const ssize_t n = readlink("/proc/self/exe", path.data(), path.size());
  path.resize(n > 0 ? std::size_t(n) : 0);
  return path.substr(0, path.rfind('/') + 1) + file;
}

}  // namespace colloquy::cli
