// colloquy: render a thread to HTML, check a comments document, or serve the example site.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "colloquy/colloquy.hpp"
#include "server.hpp"
#include "store.hpp"

namespace {

const char* usage =
    "usage: colloquy <command> [options]\n"
    "\n"
    "  render [FILE]   comments document (FILE or stdin) to HTML on stdout\n"
    "      --sort oldest|newest|top|hot|controversial   --max-depth N (6)\n"
    "      --page-size N (top-level threads, 0 = all)   --offset N   --locale TAG\n"
    "  check [FILE]    print every problem in a comments document as JSON (reading and\n"
    "                  threading, each with its code); exit 1 when the document is unusable\n"
    "  stories [FILE]  JSON Feed (FILE or stdin) to Latest Stories cards HTML on stdout;\n"
    "                  exit 1 when the feed is unusable (RSS/Atom: feed_is_xml, see README)\n"
    "      --count N (3, 1..50)  --length N (130, 10..2000)  --page-url URL  --locale TAG\n"
    "  serve           the reference comments server and the example site\n"
    "      --host H (127.0.0.1)  --port N (8080)  --root DIR (examples/seed)\n"
    "      --widget DIR (built colloquy.js/.css/.wasm, served at /colloquy/)\n"
    "      --db FILE (./colloquy.db; SQLite, created and migrated as needed)\n"
    "      --seed FILE (comments document imported into a new database;\n"
    "                   default <root>/comments.json; --comments is the same)\n"
    "      --seed-thread T (the thread of a seed that is a bare array; default: the\n"
    "                   data-thread of <root>/index.html)\n"
    "      --rate-limit N (posts per minute per address, 20; 0: off)  --moderate\n"
    "      --trust-proxy (behind a reverse proxy: the address is the last X-Forwarded-For entry)\n"
    "      --cors ORIGIN (repeatable, or comma-separated; * for any)\n"
    "      --admin-token T (enables /api/admin/pending and /api/admin/moderate)\n"
    "      --csp POLICY|off\n"
    "      --host-name NAME, --public-url URL (repeatable: the Host names answered;\n"
    "                   default: loopback names only)\n"
    "      --admin-rate-limit N (30)  --max-body BYTES (262144)  --workers N (16)\n"
    "      --header-timeout S (10)  --body-timeout S (10)  --idle-timeout S (5)\n"
    "      --shutdown-timeout S (10)  --max-connections N (1024)\n"
    "      --max-connections-per-address N (64; IPv6 counted per /64)\n"
    "  admin pending|approve|reject   moderate a server's database directly\n"
    "      --db FILE (./colloquy.db)  --thread T  --id ID (approve/reject)\n";

bool read_input(const std::string& path, std::string& out) {
  std::ostringstream s;
  if (path.empty() || path == "-") {
    s << std::cin.rdbuf();
  } else {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    s << in.rdbuf();
  }
  out = s.str();
  return true;
}

// Splits "--key value" options from positional arguments; every option takes a value.
struct args {
  std::vector<std::pair<std::string, std::string>> options;
  std::vector<std::string> positional;
  std::string error;
  std::string get(const std::string& key, const std::string& fallback = "") const {
    for (const auto& [k, v] : options)
      if (k == key) return v;
    return fallback;
  }
  std::vector<std::string> all(const std::string& key) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : options)
      if (k == key) out.push_back(v);
    return out;
  }
};

args parse_args(int argc, char** argv, int first) {
  args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s == "--moderate" || s == "--trust-proxy") {  // the options that take no value
      a.options.emplace_back(s.substr(2), "1");
    } else if (s.rfind("--", 0) == 0 && s.size() > 2) {
      if (i + 1 >= argc) {
        a.error = "option " + s + " needs a value";
        break;
      }
      a.options.emplace_back(s.substr(2), argv[++i]);
    } else {
      a.positional.push_back(s);
    }
  }
  return a;
}

int render(const args& a) {
  std::string doc;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!read_input(path, doc)) {
    std::fprintf(stderr, "colloquy render: cannot read %s\n", path.c_str());
    return 2;
  }
  nlohmann::json opts = nlohmann::json::object();
  opts["sort"] = a.get("sort", "oldest");
  opts["locale"] = a.get("locale", "en");
  if (!colloquy::parse_sort_order(opts["sort"].get<std::string>())) {
    std::fprintf(stderr, "colloquy render: unknown --sort %s\n", opts["sort"].get<std::string>().c_str());
    return 2;
  }
  // Numeric options: whole numbers in range, or a usage error (never silently clamped).
  struct numeric {
    const char* flag;
    const char* key;
    long long max;
  };
  for (auto [flag, key, max] : {numeric{"max-depth", "maxDepth", colloquy::limits::max_max_depth},
                                numeric{"page-size", "pageSize", (long long)colloquy::limits::max_page_size},
                                numeric{"offset", "offset", (long long)colloquy::limits::max_comments}}) {
    std::string v = a.get(flag);
    if (v.empty()) continue;
    char* end = nullptr;
    long long n = std::strtoll(v.c_str(), &end, 10);
    if (*end || n < 0 || n > max) {
      std::fprintf(stderr, "colloquy render: --%s needs a whole number from 0 to %lld\n", flag, max);
      return 2;
    }
    opts[key] = n;
  }
  std::string out = colloquy::render_comments(doc, opts.dump());
  auto nul = out.find('\0');
  auto meta = nlohmann::json::parse(out.substr(0, nul), nullptr, false);
  if (!meta.value("ok", false)) {
    std::fprintf(stderr, "colloquy render: %s\n", meta["error"].dump().c_str());
    return 1;
  }
  for (const auto& p : meta["problems"]) std::fprintf(stderr, "colloquy render: skipped or repaired: %s\n", p.dump().c_str());
  std::fwrite(out.data() + nul + 1, 1, out.size() - nul - 1, stdout);
  std::fputc('\n', stdout);
  return 0;
}

int check(const args& a) {
  std::string doc;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!read_input(path, doc)) {
    std::fprintf(stderr, "colloquy check: cannot read %s\n", path.c_str());
    return 2;
  }
  colloquy::read_result r = colloquy::read_comments(doc);
  nlohmann::json report = {{"ok", r.ok}, {"comments", r.comments.size()}};
  nlohmann::json problems = nlohmann::json::array();
  if (!r.ok) problems.push_back(colloquy::detail::problem_json(r.error));
  // Threading repairs too (orphans, self-parents, reply cycles), after the reading problems.
  if (r.ok) {
    std::size_t from = r.problems.size();
    auto t = colloquy::build_thread(std::move(r.comments), {}, &r.problems);
    colloquy::to_document_indexes(r, from);
    report["shown"] = t.entries.size();
    report["top_level"] = t.top_level;
  }
  for (const auto& p : r.problems) problems.push_back(colloquy::detail::problem_json(p));
  report["problems"] = std::move(problems);
  std::puts(colloquy::detail::dump(report).c_str());
  return r.ok ? 0 : 1;
}

// Static sites: the same cards the widget shows, from the same core. The core reads JSON Feed
// only; RSS and Atom are converted by the widget's loader with the browser's XML parser, and a
// second, native XML reader here would drift from it. Such input is refused with feed_is_xml.
int stories(const args& a) {
  std::string feed;
  std::string path = a.positional.empty() ? "" : a.positional[0];
  if (!read_input(path, feed)) {
    std::fprintf(stderr, "colloquy stories: cannot read %s\n", path.c_str());
    return 2;
  }
  nlohmann::json opts = {{"locale", a.get("locale", "en")}, {"pageUrl", a.get("page-url")}};
  auto number = [&](const char* option, const char* key, long lo, long hi) {
    std::string v = a.get(option);
    if (v.empty()) return true;
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (*end || n < lo || n > hi) {
      std::fprintf(stderr, "colloquy stories: --%s must be a number from %ld to %ld\n", option, lo, hi);
      return false;
    }
    opts[key] = n;
    return true;
  };
  if (!number("count", "storiesCount", 1, 50) || !number("length", "summaryLength", 10, 2000)) return 2;
  std::string out = colloquy::render_stories(feed, opts.dump());
  auto nul = out.find('\0');
  auto meta = nlohmann::json::parse(out.substr(0, nul), nullptr, false);
  if (!meta.value("ok", false)) {
    std::fprintf(stderr, "colloquy stories: %s\n", meta["error"].dump().c_str());
    return 1;
  }
  for (const auto& p : meta["problems"]) std::fprintf(stderr, "colloquy stories: skipped or repaired: %s\n", p.dump().c_str());
  std::fwrite(out.data() + nul + 1, 1, out.size() - nul - 1, stdout);
  std::fputc('\n', stdout);
  return 0;
}

int serve(const args& a) {
  static const char* const known[] = {
      "host", "port", "root", "widget", "seed", "comments", "seed-thread", "csp", "db", "moderate", "trust-proxy",
      "admin-token", "cors", "host-name", "public-url", "rate-limit", "admin-rate-limit", "max-body",
      "header-timeout", "body-timeout", "idle-timeout", "shutdown-timeout", "max-connections",
      "max-connections-per-address", "workers"};
  for (const auto& [k, v] : a.options) {
    if (std::find_if(std::begin(known), std::end(known), [&](const char* n) { return k == n; }) == std::end(known)) {
      std::fprintf(stderr, "colloquy serve: unknown option --%s (colloquy --help lists them)\n", k.c_str());
      return 2;
    }
  }
  if (!a.positional.empty()) {
    std::fprintf(stderr, "colloquy serve: unexpected argument %s\n", a.positional[0].c_str());
    return 2;
  }
  colloquy::server::config c;
  c.host = a.get("host", c.host);
  c.root = a.get("root", c.root);
  c.widget = a.get("widget", c.widget);
  c.comments = a.get("seed", a.get("comments", c.comments));
  c.seed_thread = a.get("seed-thread");
  c.csp = a.get("csp", c.csp);
  if (c.csp == "off") c.csp.clear();
  c.db = a.get("db", c.db);
  c.moderate = !a.get("moderate").empty();
  c.trust_proxy = !a.get("trust-proxy").empty();
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
       per_address = c.max_connections_per_address, workers = c.workers;
  number("port", port, 0, 65535, "0 picks a free one");
  number("rate-limit", rate, 0, 1000000, "posts per minute per address, 0 for none");
  number("admin-rate-limit", admin_rate, 0, 1000000, "admin requests per minute per address, 0 for none");
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
// processes; the server sees the change on its next read).
int admin(const args& a) {
  std::string action = a.positional.empty() ? "" : a.positional[0];
  std::string path = a.get("db", "colloquy.db"), error;
  if (!std::ifstream(path)) {
    std::fprintf(stderr, "colloquy admin: no database at %s\n", path.c_str());
    return 1;
  }
  auto db = colloquy::server::store::open(path, error);
  if (!db) {
    std::fprintf(stderr, "colloquy admin: %s\n", error.c_str());
    return 1;
  }
  if (action == "pending") {
    for (const auto& c : db->pending(a.get("thread"), 1000)) {
      nlohmann::json j = {{"thread", c.thread}, {"id", c.id}, {"parent", c.parent}, {"name", c.name},
                          {"created", colloquy::format_iso8601(c.created)}, {"text", c.text}};
      std::puts(colloquy::detail::dump(j).c_str());
    }
    return 0;
  }
  if (action == "approve" || action == "reject") {
    auto done = db->moderate(a.get("thread"), a.get("id"),
                             action == "approve" ? colloquy::server::moderation::approve
                                                 : colloquy::server::moderation::reject);
    if (!done) {
      std::fprintf(stderr, "colloquy admin: no pending comment %s in thread %s\n", a.get("id").c_str(),
                   a.get("thread").c_str());
      return 1;
    }
    std::printf("%s %s: %s\n", done->thread.c_str(), done->id.c_str(), done->status.c_str());
    return 0;
  }
  std::fprintf(stderr, "colloquy admin: expected pending, approve or reject\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
    std::fputs(usage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  std::string command = argv[1];
  args a = parse_args(argc, argv, 2);
  if (!a.error.empty()) {
    std::fprintf(stderr, "colloquy %s: %s\n", command.c_str(), a.error.c_str());
    return 2;
  }
  if (command == "render") return render(a);
  if (command == "check") return check(a);
  if (command == "stories") return stories(a);
  if (command == "serve") return serve(a);
  if (command == "admin") return admin(a);
  std::fprintf(stderr, "colloquy: unknown command %s\n\n%s", command.c_str(), usage);
  return 2;
}
