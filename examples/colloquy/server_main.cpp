// colloquy-server: the commands of `colloquy` that use the server's store and libraries (serve,
// admin, import, export). `colloquy` runs it in its own place for them (main.cpp), with the same
// arguments, so `colloquy serve ...` stays the one command line (cli.hpp).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/date.hpp"
#include "cli.hpp"
#include "server.hpp"
#include "store.hpp"
#include "transfer.hpp"

namespace {

// A --cors origin as a browser sends it in Origin, or the API would answer no page: lower case,
// a copied address's trailing "/" and a scheme's own port dropped; "*" as it is. A path, no
// scheme, a user or another scheme: nullopt (refused at start-up rather than never matching).
std::optional<std::string> browser_origin(std::string origin) {
  if (origin == "*") return origin;
  for (char& ch : origin) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (origin.size() > 1 && origin.back() == '/') origin.pop_back();
  const bool https = origin.rfind("https://", 0) == 0, http = origin.rfind("http://", 0) == 0;
  if (!https && !http) return std::nullopt;
  const std::string hostport = origin.substr(https ? 8 : 7);
  const std::size_t colon = hostport.rfind(':');
  const bool bracketed = !hostport.empty() && hostport[0] == '[';
  const bool has_port = colon != std::string::npos && (!bracketed || hostport.find(']') < colon);
  const std::string port = has_port ? hostport.substr(colon + 1) : std::string();
  const std::string name = hostport.substr(0, has_port ? colon : hostport.size());
  if (name.empty() || name.find_first_of("/?#@ \t%") != std::string::npos) return std::nullopt;
  if (port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5) return std::nullopt;
  if (colon != std::string::npos && port.empty() && (!bracketed || hostport.back() != ']')) return std::nullopt;
  if ((https && port == "443") || (http && port == "80")) origin.resize(origin.size() - port.size() - 1);
  return origin;
}

int serve(const colloquy::cli::args& a) {
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
  bool ok = true;
  for (const char* key : {"cors", "host-name", "public-url"}) {
    for (const std::string& list : a.all(key)) {
      std::stringstream items(list);
      for (std::string o; std::getline(items, o, ',');) {
        if (o.empty()) continue;
        if (std::string_view(key) != "cors") {
          c.host_names.push_back(o);
          continue;
        }
        if (std::optional<std::string> origin = browser_origin(o)) {
          c.cors.push_back(*origin);
        } else {
          std::fprintf(stderr,
                       "colloquy serve: bad --cors %s (an origin as the browser sends it: https://blog.example, "
                       "with a port if not the scheme's own; no path; or *)\n",
                       o.c_str());
          ok = false;
        }
      }
    }
  }
  // Whole numbers in a range, or a clear refusal naming the flag.
  auto number = [&](const char* flag, long& out, long lo, long hi, const char* what) {
    std::string v = a.get(flag, std::to_string(out));
    char* end = nullptr;
    long n = std::strtol(v.c_str(), &end, 10);
    if (v.empty() || *end || n < lo || n > hi) {
      std::fprintf(stderr, "colloquy serve: bad --%s %s (%s, %ld to %ld)\n", flag, colloquy::cli::named(v).c_str(),
                   what, lo, hi);
      ok = false;
      return;
    }
    out = n;
  };
  long port = c.port, rate = c.rate_limit, admin_rate = c.admin_rate_limit, max_body = c.max_body,
       header_timeout = c.header_timeout, body_timeout = c.body_timeout, idle_timeout = c.idle_timeout,
       shutdown_timeout = c.shutdown_timeout, max_connections = c.max_connections,
       per_address = c.max_connections_per_address, workers = c.workers, vote_rate = c.vote_rate_limit,
       voters = c.votes_per_address, page_rate = c.page_rate_limit, edit_window = c.edit_window;
  number("port", port, 0, 65535, "0 picks a free one");
  number("rate-limit", rate, 0, 1000000, "posts per minute per address, 0 for none");
  number("admin-rate-limit", admin_rate, 0, 1000000, "admin requests per minute per address, 0 for none");
  number("vote-rate-limit", vote_rate, 0, 1000000, "votes per minute per address, 0 for none");
  number("votes-per-address", voters, 0, 1000000, "voters from one address on one comment, 0 for no cap");
  number("page-rate-limit", page_rate, 0, 1000000,
         "pages of a large thread built from nothing, per minute per address, 0 for none");
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
  c.votes_per_address = static_cast<int>(voters);
  c.page_rate_limit = static_cast<int>(page_rate);
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
int admin(const colloquy::cli::args& a) {
  using colloquy::server::moderation;
  static const std::vector<std::pair<std::string, moderation>> actions = {{"approve", moderation::approve},
                                                                          {"reject", moderation::reject},
                                                                          {"delete", moderation::remove},
                                                                          {"restore", moderation::restore}};
  std::string action = a.positional.empty() ? "" : a.positional[0];
  auto act = std::find_if(actions.begin(), actions.end(), [&](const auto& x) { return x.first == action; });
  if (action != "pending" && act == actions.end()) {
    std::fprintf(stderr, "colloquy admin: expected pending, approve, reject, delete or restore%s%s\n",
                 a.positional.empty() ? "" : ", not ", a.positional.empty() ? "" : colloquy::cli::named(action).c_str());
    return 2;
  }
  // An action names its comment by thread and id: without either it could only fail, or, worse,
  // act on a comment of the thread "" (a usage error, before the database is opened).
  if (action != "pending") {
    for (const char* flag : {"thread", "id"}) {
      if (!a.get(flag).empty()) continue;
      std::fprintf(stderr, "colloquy admin: %s needs --%s %s%s\n", action.c_str(), flag, flag[0] == 't' ? "T" : "ID",
                   a.has(flag) ? ", not ''" : "");
      return 2;
    }
  }
  std::string path = a.get("db", "colloquy.db"), error;
  if (!colloquy::server::store::is_postgresql(path)) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::fprintf(stderr, "colloquy admin: --db %s is a directory, not a database file\n", path.c_str());
      return 2;
    }
    if (!std::ifstream(path)) {
      std::fprintf(stderr, "colloquy admin: no database at %s\n", colloquy::cli::named(path).c_str());
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
      if (c.edited) j["edited"] = colloquy::format_iso8601(c.edited);
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    }
    return 0;
  }
  // --edited: the version of the text approved, as `pending` printed it (none: never edited).
  const std::string edited = a.get("edited");
  const std::optional<std::int64_t> seen = edited.empty() ? std::optional<std::int64_t>(0)
                                                          : colloquy::parse_iso8601(edited);
  if (!seen) {
    std::fprintf(stderr, "colloquy admin: --edited must be the comment's edited time as `pending` prints it\n");
    return 2;
  }
  auto done = db->moderate(a.get("thread"), a.get("id"), act->second, *seen);
  using outcome = colloquy::server::moderation_result::outcome;
  if (done.result == outcome::stale) {
    std::fprintf(stderr,
                 "colloquy admin: comment %s in thread %s was edited by its author (edited %s) after the version "
                 "named: nothing approved; read it again with `colloquy admin pending`\n",
                 a.get("id").c_str(), a.get("thread").c_str(), colloquy::format_iso8601(done.comment.edited).c_str());
    return 1;
  }
  if (done.result != outcome::done) {
    const char* state = act->second == moderation::restore  ? "deleted "
                        : act->second == moderation::remove ? "undeleted "
                                                            : "pending ";
    std::fprintf(stderr, "colloquy admin: no %scomment %s in thread %s\n", state, a.get("id").c_str(),
                 a.get("thread").c_str());
    return 1;
  }
  std::printf("%s %s: %s\n", done.comment.thread.c_str(), done.comment.id.c_str(), done.comment.status.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  colloquy::cli::args a;
  int status = 0;
  const colloquy::cli::command* c = colloquy::cli::parse_command_line(argc, argv, a, status);
  if (!c) return status;
  const std::string name = c->name;
  if (!c->server) {
    std::fprintf(stderr, "colloquy-server: %s is not a server command: run colloquy %s\n", c->name, c->name);
    return 2;
  }
  if (name == "serve") return serve(a);
  if (name == "import") {
    std::string file;
    if (!colloquy::cli::file_argument("import", a, file)) return 2;
    return colloquy::server::run_import({a.get("from"), file, a.get("db"), a.has("dry-run"), a.has("from")});
  }
  if (name == "export") return colloquy::server::run_export(a.get("db", "colloquy.db"), a.get("thread"));
  return admin(a);
}
