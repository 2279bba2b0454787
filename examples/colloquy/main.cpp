// colloquy: render a thread to HTML, check a comments document, or serve the example site.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "colloquy/colloquy.hpp"
#include "colloquy/json_writer.hpp"
#include "server.hpp"
#include "store.hpp"
#include "transfer.hpp"

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
    "                  exit 1 when the feed is unusable (RSS/Atom: feed_is_xml, see README)\n"
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
    "                  restore a deleted one to the status it had)\n";

// Every command's flags: whether each takes a value, and how many positional arguments the
// command takes. One parser for all (DESIGN §9): -h/--help, --flag value, --flag=value; unknown
// flags and extra arguments are refused with exit 2 and one line saying what and why.
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
};

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
       "no arguments"},
      {"admin", admin_usage, {{"db"}, {"thread"}, {"id"}}, 1, "one action"},
      {"import", import_usage, {{"from"}, {"db"}, {"dry-run", false}}, 1, "one FILE"},
      {"export", export_usage, {{"db"}, {"thread"}}, 0, "no arguments"},
  };
  return all;
}

std::string full_usage() {
  std::string u = "usage: colloquy <command> [options]   (colloquy <command> --help: one command)\n\n";
  for (const command& c : commands()) u += c.usage;
  u += "\n  Options take --flag value or --flag=value; - as FILE reads stdin.\n";
  return u;
}

// What the parser found: the options in order (get: the last of a repeated one; all: every one,
// for --cors, --host-name and --public-url) and the positional arguments.
struct args {
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> positional;
  std::string get(const std::string& key, const std::string& fallback = "") const {
    std::string v = fallback;
    for (const auto& [k, val] : options)
      if (k == key) v = val;
    return v;
  }
  bool has(const std::string& key) const {
    for (const auto& kv : options)
      if (kv.first == key) return true;
    return false;
  }
  std::vector<std::string> all(const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : options)
      if (k == key) out.push_back(v);
    return out;
  }
};

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
        error = "unexpected argument " + s + " (" + c.name + " takes " + c.positional_what + ")";
        return parsed::refused;
      }
      a.positional.push_back(s);
      continue;
    }
    if (s == "--") {
      only_positional = true;
      continue;
    }
    if (s == "-h" || s == "--help") return parsed::help;
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
      value = "1";
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

// The name an input is called by in messages.
std::string input_name(const std::string& path) { return path.empty() || path == "-" ? "<stdin>" : path; }

// An input's bytes: a regular file mapped read-only (no copy, no zero-filled buffer: the
// pages come straight from the page cache, populated in one call), anything else (stdin, a
// pipe) read into a buffer as it comes. Reading a 3.9 MB document through a string cost a
// quarter of `colloquy render`'s whole run in page faults, zeroing and copying.
class input_bytes {
 public:
  input_bytes() = default;
  input_bytes(const input_bytes&) = delete;
  input_bytes& operator=(const input_bytes&) = delete;
  ~input_bytes() {
    if (mapped_) munmap(mapped_, size_);
  }

  std::string_view view() const {
    return mapped_ ? std::string_view(static_cast<const char*>(mapped_), size_) : buffer_;
  }

  // Reads FILE (or stdin for "" and "-") whole. False with a reason: no such file, a directory, ...
  bool read(const std::string& path, std::string& why) {
    const bool stdin_input = path.empty() || path == "-";
    std::FILE* f = stdin_input ? stdin : std::fopen(path.c_str(), "rb");
    if (!f) {
      why = "cannot read " + path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st {};
    const bool known = fstat(fileno(f), &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
      why = path + " is a directory, not a file";
      if (!stdin_input) std::fclose(f);
      return false;
    }
    if (known && S_ISREG(st.st_mode) && st.st_size > 0 && map(fileno(f), std::size_t(st.st_size))) {
      if (!stdin_input) std::fclose(f);
      return true;
    }
    const bool ok = read_stream(f);
    if (!stdin_input) std::fclose(f);
    if (!ok) why = "cannot read " + input_name(path) + ": " + std::strerror(errno);
    return ok;
  }

 private:
  bool map(int fd, std::size_t size) {
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) return false;  // e.g. a file system without mmap: read it instead
    mapped_ = p;
    size_ = size;
    return true;
  }

  // A stream grows the buffer as it comes.
  bool read_stream(std::FILE* f) {
    std::size_t used = 0;
    buffer_.resize(64 * 1024);
    for (;;) {
      used += std::fread(buffer_.data() + used, 1, buffer_.size() - used, f);
      if (used < buffer_.size()) break;
      buffer_.resize(buffer_.size() * 2);
    }
    buffer_.resize(used);
    return !std::ferror(f);
  }

  void* mapped_ = nullptr;
  std::size_t size_ = 0;
  std::string buffer_;
};

// --locale: one of the built-in languages (a region is fine: fr-CA), or a refusal listing them.
bool check_locale(const char* cmd, const args& a) {
  if (!a.has("locale") || colloquy::locale_for(a.get("locale"))) return true;
  std::string known;
  for (const colloquy::locale_data* l : colloquy::locales) known += (known.empty() ? "" : ", ") + std::string(l->tag);
  std::fprintf(stderr, "colloquy %s: unknown --locale %s (known: %s; a region such as fr-CA is fine)\n", cmd,
               a.get("locale").c_str(), known.c_str());
  return false;
}

// Problems on stderr, one per line (each as JSON), then how many more there were.
void print_problems(const char* cmd, const colloquy::problem_list& problems) {
  std::string line;
  for (const colloquy::problem& p : problems) {
    line.clear();
    colloquy::json_writer w(line);
    colloquy::write_json(w, p);
    std::fprintf(stderr, "colloquy %s: skipped or repaired: %s\n", cmd, line.c_str());
  }
  if (auto n = problems.omitted())
    std::fprintf(stderr, "colloquy %s: ... and %zu more problems (colloquy check lists the first 1,000)\n", cmd, n);
}

// An unusable input: "colloquy CMD: FILE: code: message" on stderr, exit 1.
int refuse_input(const char* cmd, const std::string& path, const colloquy::problem& error) {
  std::fprintf(stderr, "colloquy %s: %s: %s: %s\n", cmd, input_name(path).c_str(), error.code.c_str(),
               error.message.c_str());
  return 1;
}

// Standard output written with write(2) straight from the renderer's buffer, in the large
// pieces it hands over (no stdio buffer, no copy); the first failure (a full disk, a closed
// pipe) is kept for the exit status.
class html_output {
 public:
  // For render.hpp's html_drain: `to` is an html_output.
  static void drain(void* to, std::string_view html) { static_cast<html_output*>(to)->write(html); }

  void write(std::string_view s) {
    while (!s.empty() && !error_) {
      const ssize_t n = ::write(STDOUT_FILENO, s.data(), s.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error_ = errno;
      else s.remove_prefix(std::size_t(n));
    }
  }
  // The rest of the HTML and a newline; 0, or 1 with a message when the output failed.
  int finish(const char* cmd, std::string_view html) {
    write(html);
    write("\n");
    if (!error_) return 0;
    std::fprintf(stderr, "colloquy %s: cannot write the HTML: %s\n", cmd, std::strerror(error_));
    return 1;
  }

 private:
  int error_ = 0;
};

// A whole number from 0 to `max` for --flag, or a usage error (never silently clamped).
bool whole_number(const char* cmd, const args& a, const char* flag, long long lo, long long max, long long& out) {
  if (!a.has(flag)) return true;
  std::string v = a.get(flag);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < lo || n > max) {
    std::fprintf(stderr, "colloquy %s: --%s needs a whole number from %lld to %lld, not '%s'\n", cmd, flag, lo, max,
                 v.c_str());
    return false;
  }
  out = n;
  return true;
}

int render(const args& a) {
  colloquy::widget_options o;
  o.static_page = true;
  o.locale = a.get("locale", "en");
  const std::string sort = a.get("sort", "oldest");
  if (auto order = colloquy::sort_order_from_name(sort)) {
    o.order = *order;
  } else {
    std::fprintf(stderr, "colloquy render: unknown --sort %s (oldest, newest, top, hot or controversial)\n",
                 sort.c_str());
    return 2;
  }
  if (!check_locale("render", a)) return 2;
  long long depth = o.max_depth, page_size = 0, offset = 0;
  if (!whole_number("render", a, "max-depth", 0, colloquy::limits::max_max_depth, depth) ||
      !whole_number("render", a, "page-size", 0, (long long)colloquy::limits::max_page_size, page_size) ||
      !whole_number("render", a, "offset", 0, (long long)colloquy::limits::max_comments, offset))
    return 2;
  o.max_depth = int(depth);
  o.page_size = std::size_t(page_size);
  o.page_offset = std::size_t(offset);
  input_bytes doc;
  std::string why;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!doc.read(path, why)) {
    std::fprintf(stderr, "colloquy render: %s\n", why.c_str());
    return 2;
  }
  html_output out;
  o.drain = {html_output::drain, &out};
  const colloquy::comments_view v = colloquy::render_comments_view(doc.view(), o);
  if (!v.ok) return refuse_input("render", path, v.error);
  print_problems("render", v.problems);
  return out.finish("render", v.html);
}

int check(const args& a) {
  input_bytes doc;
  std::string why;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!doc.read(path, why)) {
    std::fprintf(stderr, "colloquy check: %s\n", why.c_str());
    return 2;
  }
  const colloquy::check_view v = colloquy::check_comments(doc.view());
  // {"comments","ok","problems","problemsOmitted","shown","top_level"}: the document's error
  // first in "problems" when it is unusable.
  std::string out;
  colloquy::json_writer w(out);
  w.begin_object().key("comments").number(v.comments).key("ok").boolean(v.ok).key("problems").begin_array();
  if (!v.ok) colloquy::write_json(w, v.error);
  for (const colloquy::problem& p : v.problems) colloquy::write_json(w, p);
  w.end_array().key("problemsOmitted").number(v.problems.omitted());
  if (v.ok) w.key("shown").number(v.shown).key("top_level").number(v.top_level);
  w.end_object();
  std::puts(out.c_str());
  return v.ok ? 0 : 1;
}

// Static sites: the same cards the widget shows, from the same core. The core reads JSON Feed
// only; RSS and Atom are converted by the widget's loader with the browser's XML parser, and a
// second, native XML reader here would drift from it. Such input is refused with feed_is_xml.
int stories(const args& a) {
  if (!check_locale("stories", a)) return 2;
  colloquy::widget_options o;
  o.locale = a.get("locale", "en");
  o.page_url = a.get("page-url");
  long long count = (long long)o.stories_count, length = (long long)o.summary_length;
  if (!whole_number("stories", a, "count", 1, 50, count) || !whole_number("stories", a, "length", 10, 2000, length))
    return 2;
  o.stories_count = std::size_t(count);
  o.summary_length = std::size_t(length);
  input_bytes feed;
  std::string why;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!feed.read(path, why)) {
    std::fprintf(stderr, "colloquy stories: %s\n", why.c_str());
    return 2;
  }
  const colloquy::stories_view v = colloquy::render_stories_view(feed.view(), o);
  if (!v.ok) return refuse_input("stories", path, v.error);
  print_problems("stories", v.problems);
  return html_output().finish("stories", v.html);
}

int serve(const args& a) {
  // Flags and arguments were checked by parse_args (commands()).
  colloquy::server::config c;
  c.host = a.get("host", c.host);
  c.root = a.get("root", c.root);
  c.widget = a.get("widget", c.widget);
  c.comments = a.get("seed", a.get("comments", c.comments));
  c.seed_thread = a.get("seed-thread");
  c.csp = a.get("csp", c.csp);
  if (c.csp == "off") c.csp.clear();
  c.db = a.get("db", c.db);
  c.moderate = a.has("moderate");
  c.trust_proxy = a.has("trust-proxy");
  c.admin_token = a.get("admin-token", c.admin_token);
  for (const char* key : {"cors", "host-name", "public-url"}) {
    for (const std::string& list : a.all(key)) {
      std::stringstream items(list);
      for (std::string o; std::getline(items, o, ',');)
        if (!o.empty()) (std::string_view(key) == "cors" ? c.cors : c.host_names).push_back(o);
    }
  }
  // Whole numbers in a range, or a clear refusal naming the flag.
  bool ok = true;
  auto number = [&](const char* flag, long& out, long lo, long hi, const char* what) {
    std::string v = a.get(flag, std::to_string(out));
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi) {
      std::fprintf(stderr, "colloquy serve: bad --%s %s (%s, %ld to %ld)\n", flag, v.c_str(), what, lo, hi);
      ok = false;
      return;
    }
    out = n;
  };
  long port = c.port, rate = c.rate_limit, admin_rate = c.admin_rate_limit, max_body = c.max_body,
       header_timeout = c.header_timeout, body_timeout = c.body_timeout, idle_timeout = c.idle_timeout,
       shutdown_timeout = c.shutdown_timeout, max_connections = c.max_connections,
       per_address = c.max_connections_per_address, workers = c.workers, vote_rate = c.vote_rate_limit,
       edit_window = c.edit_window;
  number("port", port, 0, 65535, "0 picks a free one");
  number("rate-limit", rate, 0, 1000000, "posts per minute per address, 0 for none");
  number("admin-rate-limit", admin_rate, 0, 1000000, "admin requests per minute per address, 0 for none");
  number("vote-rate-limit", vote_rate, 0, 1000000, "votes per minute per address, 0 for none");
  number("edit-window", edit_window, 0, 366L * 86400, "seconds, 0 for no editing");
  number("max-body", max_body, 1024, 64L * 1024 * 1024, "bytes");
  number("header-timeout", header_timeout, 1, 3600, "seconds");
  number("body-timeout", body_timeout, 1, 3600, "seconds");
  number("idle-timeout", idle_timeout, 1, 3600, "seconds");
  number("shutdown-timeout", shutdown_timeout, 0, 3600, "seconds");
  number("max-connections", max_connections, 1, 1000000, "connections");
  number("max-connections-per-address", per_address, 1, 1000000, "connections");
  number("workers", workers, 1, 1024, "threads");
  if (!ok) return 2;
  c.port = static_cast<int>(port);
  c.rate_limit = static_cast<int>(rate);
  c.admin_rate_limit = static_cast<int>(admin_rate);
  c.vote_rate_limit = static_cast<int>(vote_rate);
  c.edit_window = edit_window;
  c.max_body = max_body;
  c.header_timeout = static_cast<int>(header_timeout);
  c.body_timeout = static_cast<int>(body_timeout);
  c.idle_timeout = static_cast<int>(idle_timeout);
  c.shutdown_timeout = static_cast<int>(shutdown_timeout);
  c.max_connections = static_cast<int>(max_connections);
  c.max_connections_per_address = static_cast<int>(per_address);
  c.workers = static_cast<int>(workers);
  return colloquy::server::run(c);
}

// Moderation without HTTP: the same store the server uses, beside it (SQLite locks across
// processes; PostgreSQL is shared anyway; servers see the change on their next read). Each
// action is in the audit log, from "command line".
int admin(const args& a) {
  using colloquy::server::moderation;
  static const std::vector<std::pair<std::string, moderation>> actions = {{"approve", moderation::approve},
                                                                          {"reject", moderation::reject},
                                                                          {"delete", moderation::remove},
                                                                          {"restore", moderation::restore}};
  std::string action = a.positional.empty() ? "" : a.positional[0];
  auto act = std::find_if(actions.begin(), actions.end(), [&](const auto& x) { return x.first == action; });
  if (action != "pending" && act == actions.end()) {
    std::fprintf(stderr, "colloquy admin: expected pending, approve, reject, delete or restore%s%s\n",
                 action.empty() ? "" : ", not ", action.c_str());
    return 2;
  }
  std::string path = a.get("db", "colloquy.db"), error;
  if (!colloquy::server::store::is_postgresql(path)) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::fprintf(stderr, "colloquy admin: --db %s is a directory, not a database file\n", path.c_str());
      return 2;
    }
    if (!std::ifstream(path)) {
      std::fprintf(stderr, "colloquy admin: no database at %s\n", path.c_str());
      return 1;
    }
  }
  auto db = colloquy::server::store::open(path, error);
  if (!db) {
    std::fprintf(stderr, "colloquy admin: %s\n", error.c_str());
    return 1;
  }
  if (action == "pending") {
    for (const auto& c : db->pending(a.get("thread"), 1000)) {
      nlohmann::json j = {{"thread", c.thread},
                          {"id", c.id},
                          {"parent", c.parent},
                          {"name", c.name},
                          {"created", colloquy::format_iso8601(c.created)},
                          {"text", c.text}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 0;
  }
  auto done = db->moderate(a.get("thread"), a.get("id"), act->second);
  if (!done) {
    const char* state = act->second == moderation::restore  ? "deleted "
                        : act->second == moderation::remove ? "undeleted "
                                                            : "pending ";
    std::fprintf(stderr, "colloquy admin: no %scomment %s in thread %s\n", state, a.get("id").c_str(),
                 a.get("thread").c_str());
    return 1;
  }
  std::printf("%s %s: %s\n", done->thread.c_str(), done->id.c_str(), done->status.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(full_usage().c_str(), argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string name = argv[1];
  auto c = std::find_if(commands().begin(), commands().end(), [&](const command& x) { return name == x.name; });
  if (c == commands().end()) {
    std::fprintf(
        stderr,
        "colloquy: unknown command %s (render, check, stories, serve, admin, import or export; colloquy --help)\n",
        name.c_str());
    return 2;
  }
  args a;
  std::string error;
  switch (parse_args(*c, argc, argv, 2, a, error)) {
    case parsed::help: std::printf("usage: colloquy %s [options]\n%s", c->name, c->usage); return 0;
    case parsed::refused: std::fprintf(stderr, "colloquy %s: %s\n", c->name, error.c_str()); return 2;
    case parsed::ok: break;
  }
  if (name == "render") return render(a);
  if (name == "check") return check(a);
  if (name == "stories") return stories(a);
  if (name == "serve") return serve(a);
  if (name == "import")
    return colloquy::server::run_import(
        {a.get("from"), a.positional.empty() ? "" : a.positional[0], a.get("db"), a.has("dry-run")});
  if (name == "export") return colloquy::server::run_export(a.get("db", "colloquy.db"), a.get("thread"));
  return admin(a);
}
