// colloquy: render a thread to HTML, check a comments document, or serve the example site.
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

namespace {

const char* usage =
    "usage: colloquy <command> [options]\n"
    "\n"
    "  render [FILE]   comments document (FILE or stdin) to HTML on stdout\n"
    "      --sort oldest|newest|top|hot|controversial   --max-depth N (6)\n"
    "      --page-size N (top-level threads, 0 = all)   --offset N   --locale TAG\n"
    "  check [FILE]    print every problem in a comments document as JSON (reading and\n"
    "                  threading, each with its code); exit 1 when the document is unusable\n"
    "  serve           the reference comments server and the example site\n"
    "      --host H (127.0.0.1)  --port N (8080)  --root DIR (examples/seed)\n"
    "      --widget DIR (built colloquy.js/.css/.wasm, served at /colloquy/)\n"
    "      --comments FILE (seed comments document)  --csp POLICY|off\n";

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
};

args parse_args(int argc, char** argv, int first) {
  args a;
  for (int i = first; i < argc; ++i) {
    std::string s = argv[i];
    if (s.rfind("--", 0) == 0 && s.size() > 2) {
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

int serve(const args& a) {
  colloquy::server::config c;
  c.host = a.get("host", c.host);
  c.port = std::atoi(a.get("port", std::to_string(c.port)).c_str());
  c.root = a.get("root", c.root);
  c.widget = a.get("widget", c.widget);
  c.comments = a.get("comments", c.comments);
  c.csp = a.get("csp", c.csp);
  if (c.csp == "off") c.csp.clear();
  if (c.port <= 0 || c.port > 65535) {
    std::fprintf(stderr, "colloquy serve: bad --port\n");
    return 2;
  }
  return colloquy::server::run(c);
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
  if (command == "serve") return serve(a);
  std::fprintf(stderr, "colloquy: unknown command %s\n\n%s", command.c_str(), usage);
  return 2;
}
