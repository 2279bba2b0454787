#include "server.hpp"

#include <pthread.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <unordered_map>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "colloquy/colloquy.hpp"
#include "store.hpp"

namespace colloquy::server {
namespace {

using json = nlohmann::json;

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

void json_error(httplib::Response& res, int status, std::string_view code, std::string_view message,
                std::string_view field = {}) {
  json e = {{"code", code}, {"message", message}, {"field", field.empty() ? json() : json(field)}};
  res.status = status;
  res.set_content(dump(json{{"error", e}}), "application/json");
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// A stored comment in the DESIGN §2 shape. A deleted comment keeps only its place (its text is
// never sent); clientIds are sent only to the client that posted them.
json comment_json(const stored_comment& c, bool with_client_id) {
  // A rejected comment is, to its poster, deleted (DESIGN §2 knows no other status).
  bool gone = c.status == "deleted" || c.status == "rejected";
  json author = {{"name", c.name}, {"location", c.location}};
  if (!c.url.empty()) author["url"] = c.url;
  json j = {{"id", c.id},
            {"parent", c.parent.empty() ? json() : json(c.parent)},
            {"author", std::move(author)},
            {"created", format_iso8601(c.created)},
            {"text", gone ? std::string() : c.text},
            {"votes", {{"up", c.up}, {"down", c.down}}},
            {"status", gone ? "deleted" : c.status}};
  if (c.edited) j["edited"] = format_iso8601(c.edited);
  if (with_client_id && !c.client_id.empty()) j["clientId"] = c.client_id;
  return j;
}

// The address a post is counted against. Behind a reverse proxy every connection comes from
// the proxy, so with `trust_proxy` it is the last X-Forwarded-For entry: the one the proxy
// itself appended. Earlier entries come from the client and prove nothing; without
// `trust_proxy` the header is ignored, so a client cannot pick its own address.
std::string client_address(const httplib::Request& req, bool trust_proxy) {
  if (trust_proxy) {
    const std::size_t headers = req.get_header_value_count("X-Forwarded-For");
    if (headers > 0) {
      std::string list = req.get_header_value("X-Forwarded-For", headers - 1);
      std::size_t comma = list.rfind(',');
      std::string last = comma == std::string::npos ? list : list.substr(comma + 1);
      const std::size_t b = last.find_first_not_of(" \t"), e = last.find_last_not_of(" \t");
      if (b != std::string::npos) return last.substr(b, e - b + 1);
    }
  }
  return req.remote_addr;
}

// Per-address token buckets: `per_minute` posts, refilled continuously, a burst of the same
// size. Buckets that are full again are forgotten, so the table stays as small as the set of
// addresses that posted within the last minute.
class rate_limiter {
 public:
  explicit rate_limiter(int per_minute) : per_minute_(per_minute) {}
  // 0 when the post may go ahead, else the seconds to wait before the next one.
  int take(const std::string& address) {
    if (per_minute_ <= 0) return 0;
    std::lock_guard<std::mutex> l(mutex_);
    double now = seconds();
    if (buckets_.size() > 10000) {
      for (auto it = buckets_.begin(); it != buckets_.end();)
        it = level(it->second, now) >= per_minute_ ? buckets_.erase(it) : std::next(it);
    }
    auto [it, fresh] = buckets_.try_emplace(address, bucket{double(per_minute_), now});
    double tokens = level(it->second, now);
    if (tokens >= 1) {
      it->second = {tokens - 1, now};
      return 0;
    }
    it->second = {tokens, now};
    return static_cast<int>(std::ceil((1 - tokens) * 60.0 / per_minute_));
  }

 private:
  struct bucket {
    double tokens;
    double at;
  };
  double level(const bucket& b, double now) const {
    return std::min(double(per_minute_), b.tokens + (now - b.at) * per_minute_ / 60.0);
  }
  static double seconds() {
    using namespace std::chrono;
    return duration<double>(steady_clock::now().time_since_epoch()).count();
  }
  int per_minute_;
  std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

// Compares without an early exit, so the time taken tells nothing about the token's content.
bool same_secret(std::string_view a, std::string_view b) {
  if (a.size() != b.size() || b.empty()) return false;
  unsigned char diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool is_api(const std::string& path) { return path.rfind("/api/", 0) == 0; }

// cpp-httplib 0.11 listens with a backlog of 5: a burst of new connections (20 clients at once,
// a page opening several) overflows it and the extra connections stall for a SYN retry or fail.
// Listening again on the bound socket only raises the backlog (POSIX allows it; Linux applies it).
struct http_server : httplib::Server {
  bool widen_backlog() { return ::listen(svr_sock_, SOMAXCONN) == 0; }
};

}  // namespace

int run(const config& c) {
  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), not a handler: stopping the
  // server is not async-signal-safe. Blocked first, so that a signal during start-up (a seed
  // import, say) waits for the stopper instead of killing the process halfway, and before any
  // worker thread inherits the mask.
  // A reader who closes the tab mid-answer must not end the server: cpp-httplib writes with
  // plain send(), so a write to a closed socket raises SIGPIPE; ignored, it is an EPIPE error.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // Folders first (a mistyped option must not create a database), then the database: a server
  // that cannot store comments must not start answering.
  if (!std::filesystem::is_directory(c.root)) {
    std::fprintf(stderr, "colloquy serve: --root %s is not a directory\n", c.root.c_str());
    return 2;
  }
  if (!c.widget.empty() && !std::filesystem::is_directory(c.widget)) {
    std::fprintf(stderr, "colloquy serve: --widget %s is not a directory\n", c.widget.c_str());
    return 2;
  }
  std::string error;
  auto db = store::open(c.db, error);
  if (!db) {
    std::fprintf(stderr, "colloquy serve: cannot open --db %s: %s\n", c.db.c_str(), error.c_str());
    return 1;
  }
  if (db->created()) {
    std::string seed = c.comments;
    if (seed.empty() && std::filesystem::exists(c.root + "/comments.json")) seed = c.root + "/comments.json";
    if (!seed.empty()) {
      bool ok = false;
      std::string doc = slurp(seed, ok);
      long n = ok ? db->import_document(doc, error) : -1;
      if (!ok) error = "cannot read it";
      if (n < 0) {
        std::fprintf(stderr, "colloquy serve: seed %s not imported: %s\n", seed.c_str(), error.c_str());
        return 1;
      }
      std::printf("Colloquy imported %ld comments from %s into %s\n", n, seed.c_str(), c.db.c_str());
    }
  }

  http_server http;
  // One worker per open connection (keep-alive holds a worker): enough for a page's few
  // connections times many readers, and for the load test's 20 clients.
  const int threads = c.threads;
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
  // Headers and body leave in separate writes: without TCP_NODELAY, Nagle holds the body back
  // for the client's delayed ACK (~40 ms per answer on a kept-alive connection).
  http.set_tcp_nodelay(true);
  http.set_keep_alive_max_count(1000);
  // A short idle keep-alive: on shutdown, workers wait this long for idle connections to close.
  http.set_keep_alive_timeout(2);
  http.set_payload_max_length(limits::max_draft_bytes);
  // cpp-httplib's table lacks .wasm in older releases; streaming compilation needs this type.
  http.set_file_extension_and_mimetype_mapping("wasm", "application/wasm");
  http.set_file_extension_and_mimetype_mapping("json", "application/json");
  http.set_file_extension_and_mimetype_mapping("mjs", "text/javascript");
  if (!http.set_mount_point("/", c.root)) {
    std::fprintf(stderr, "colloquy serve: --root %s is not a directory\n", c.root.c_str());
    return 2;
  }
  if (!c.widget.empty() && !http.set_mount_point("/colloquy", c.widget)) {
    std::fprintf(stderr, "colloquy serve: --widget %s is not a directory\n", c.widget.c_str());
    return 2;
  }

  // CORS: an allowed Origin gets its own value back (credentials are never involved, but "*"
  // in the configuration still answers the caller's origin, with Vary, so caches stay right).
  auto cors = c.cors;
  auto allowed_origin = [cors](const httplib::Request& req) -> std::string {
    std::string origin = req.get_header_value("Origin");
    if (origin.empty()) return {};
    for (const auto& o : cors)
      if (o == "*" || o == origin) return origin;
    return {};
  };
  auto add_cors = [allowed_origin](const httplib::Request& req, httplib::Response& res) {
    if (!is_api(req.path)) return;
    res.set_header("Vary", "Origin");
    if (auto o = allowed_origin(req); !o.empty()) res.set_header("Access-Control-Allow-Origin", o);
  };
  // A browser posting from a page of another origin that is not allowed is refused outright,
  // not only hidden from its script: the comment would be stored otherwise.
  auto foreign_origin = [allowed_origin](const httplib::Request& req) {
    std::string origin = req.get_header_value("Origin");
    if (origin.empty() || !allowed_origin(req).empty()) return false;
    std::string host = req.get_header_value("Host");
    return origin != "http://" + host && origin != "https://" + host;
  };

  std::string csp = c.csp;
  http.set_post_routing_handler([csp, add_cors](const httplib::Request& req, httplib::Response& res) {
    if (!csp.empty()) res.set_header("Content-Security-Policy", csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    add_cors(req, res);
  });
  // Errors cpp-httplib answers itself (413 for a body over the limit, 404, 400 for a bad request
  // line) get the API's JSON shape on /api/ paths, and the same headers as every other answer.
  http.set_error_handler(httplib::Server::HandlerWithResponse([csp, add_cors](const httplib::Request& req,
                                                                         httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    if (!csp.empty()) res.set_header("Content-Security-Policy", csp);
    res.set_header("X-Content-Type-Options", "nosniff");
    add_cors(req, res);
    if (res.status == 413) {
      json_error(res, 413, errc::draft_too_large, "the request body is larger than 256 KB");
    } else if (is_api(req.path)) {
      json_error(res, res.status, res.status == 404 ? "not_found" : "bad_request",
                 res.status == 404 ? "no such API endpoint" : "the request could not be read");
    }
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });

  // Preflight: any /api/ path. Only allowed origins get the Allow-* headers.
  http.Options(R"(/api/.*)", [allowed_origin](const httplib::Request& req, httplib::Response& res) {
    res.status = 204;
    if (allowed_origin(req).empty()) return;
    res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", "Content-Type, Authorization");
    res.set_header("Access-Control-Max-Age", "600");
  });

  store& comments = *db;
  http.Get("/api/comments", [&comments](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    std::string thread = req.get_param_value("thread");
    if (thread.empty()) return json_error(res, 400, "missing_thread", "the thread parameter is required", "thread");
    if (thread.size() > limits::max_thread_bytes)
      return json_error(res, 400, errc::thread_too_long, "the thread id is longer than 512 bytes", "thread");
    std::size_t limit = 0;
    if (req.has_param("limit")) {
      std::string l = req.get_param_value("limit");
      char* end = nullptr;
      long v = std::strtol(l.c_str(), &end, 10);
      if (l.empty() || *end || v < 1 || v > 1000)
        return json_error(res, 400, "bad_limit", "limit must be an integer from 1 to 1000", "limit");
      limit = static_cast<std::size_t>(v);
    }
    // The cursor is opaque to clients: "r" and the seq of the last top-level thread sent.
    std::int64_t after = 0;
    if (std::string cursor = req.get_param_value("cursor"); !cursor.empty()) {
      char* end = nullptr;
      long long v = cursor[0] == 'r' ? std::strtoll(cursor.c_str() + 1, &end, 10) : 0;
      if (v <= 0 || !end || *end) return json_error(res, 400, "bad_cursor", "the cursor is not one this server gave", "cursor");
      after = v;
    }
    page p = comments.list(thread, limit, after);
    if (!p.ok) return json_error(res, 503, "storage_unavailable", "the comments cannot be read right now");
    json list = json::array();
    for (const auto& cm : p.comments) list.push_back(comment_json(cm, false));
    json answer = {{"thread", thread},
                   {"comments", std::move(list)},
                   {"next", p.next_root ? json("r" + std::to_string(p.next_root)) : json()}};
    res.set_content(dump(answer), "application/json");
  });

  rate_limiter limiter(c.rate_limit);
  const std::string status = c.moderate ? "pending" : "published";
  // The body is read through a content reader that stops at the limit: cpp-httplib 0.11 checks
  // its payload limit against Content-Length, but would buffer a chunked body of any size.
  const bool trust_proxy = c.trust_proxy;
  http.Post("/api/comments", [&comments, &limiter, status, foreign_origin, trust_proxy](const httplib::Request& req,
                                                                           httplib::Response& res,
                                                                           const httplib::ContentReader& read) {
    res.set_header("Cache-Control", "no-store");
    std::string body;
    bool too_large = false;
    bool complete = read([&](const char* data, std::size_t n) {
      if (body.size() + n > limits::max_draft_bytes) {
        too_large = true;
        return false;
      }
      body.append(data, n);
      return true;
    });
    // Over the limit by its Content-Length, cpp-httplib refuses to read it (and says 413 in
    // res.status); by its chunks, the reader above stopped.
    if (too_large || (!complete && res.status == 413) ||
        std::strtoull(req.get_header_value("Content-Length").c_str(), nullptr, 10) > limits::max_draft_bytes) {
      res.set_header("Connection", "close");
      return json_error(res, 413, errc::draft_too_large, "the request body is larger than 256 KB");
    }
    if (!complete) return json_error(res, 400, "bad_request", "the request body could not be read");
    if (foreign_origin(req)) return json_error(res, 403, "origin_not_allowed", "this origin may not post here");
    std::string type = req.get_header_value("Content-Type");
    if (type.rfind("application/json", 0) != 0)
      return json_error(res, 415, "unsupported_media_type", "send the comment as application/json");
    const std::string address = client_address(req, trust_proxy);
    if (int wait = limiter.take(address); wait > 0) {
      res.set_header("Retry-After", std::to_string(wait));
      return json_error(res, 429, "rate_limited", "too many comments from this address; try again later");
    }
    // The server never trusts the widget: the same validation, run again here.
    draft_result d = read_draft(body);
    if (!d.ok()) {
      json problems = json::array();
      for (const auto& p : d.problems)
        problems.push_back({{"code", p.code}, {"field", p.field.empty() ? json() : json(p.field)}, {"message", p.message}});
      // A bot's post is answered as one: the honeypot first, whatever else is wrong.
      const problem* honeypot = nullptr;
      for (const auto& p : d.problems)
        if (p.code == errc::honeypot_filled) honeypot = &p;
      const problem& first = honeypot ? *honeypot : d.problems.front();
      int code = first.code == errc::draft_too_large ? 413 : first.code == errc::honeypot_filled ? 422 : 400;
      json e = {{"code", first.code}, {"message", first.message},
                {"field", first.field.empty() ? json() : json(first.field)}};
      res.status = code;
      res.set_content(dump(json{{"error", e}, {"problems", problems}}), "application/json");
      return;
    }
    post_result r = comments.post(d.value, status, now_ms(), address);
    switch (r.outcome) {
      case post_outcome::created:
        res.status = 201;
        break;
      case post_outcome::repeated:
        res.status = 200;
        break;
      case post_outcome::parent_not_found:
        return json_error(res, 409, "parent_not_found", "the comment replied to is not in this thread", "parent");
      case post_outcome::failed:
        std::fprintf(stderr, "colloquy serve: storing a comment failed: %s\n", r.error.c_str());
        return json_error(res, 503, "storage_unavailable", "the comment could not be stored; try again");
    }
    res.set_content(dump(comment_json(r.comment, true)), "application/json");
  });

  // Moderation API, only with --admin-token (see server.hpp).
  const std::string token = c.admin_token;
  auto authorised = [token](const httplib::Request& req, httplib::Response& res) {
    res.set_header("Cache-Control", "no-store");
    std::string header = req.get_header_value("Authorization");
    const std::string prefix = "Bearer ";
    if (token.empty() || header.rfind(prefix, 0) != 0 || !same_secret(header.substr(prefix.size()), token)) {
      json_error(res, token.empty() ? 404 : 401, token.empty() ? "not_found" : "unauthorized",
                 token.empty() ? "moderation is off (no --admin-token)" : "a valid admin token is required");
      return false;
    }
    return true;
  };
  http.Get("/api/admin/pending", [&comments, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    json list = json::array();
    for (const auto& cm : comments.pending(req.get_param_value("thread"), 1000)) {
      json j = comment_json(cm, false);
      j["thread"] = cm.thread;
      list.push_back(std::move(j));
    }
    res.set_content(dump(json{{"comments", std::move(list)}}), "application/json");
  });
  http.Post("/api/admin/moderate", [&comments, authorised](const httplib::Request& req, httplib::Response& res) {
    if (!authorised(req, res)) return;
    auto body = json::parse(req.body, nullptr, false);
    const std::string* thread = body.is_object() ? detail::string_field(body, "thread") : nullptr;
    const std::string* id = body.is_object() ? detail::string_field(body, "id") : nullptr;
    const std::string* action = body.is_object() ? detail::string_field(body, "action") : nullptr;
    if (!thread || !id || !action || (*action != "approve" && *action != "reject"))
      return json_error(res, 400, "bad_moderation",
                        R"(send {"thread":…, "id":…, "action":"approve"|"reject"})");
    auto done = comments.moderate(*thread, *id, *action == "approve" ? moderation::approve : moderation::reject);
    if (!done) return json_error(res, 404, "not_pending", "no pending comment with that id in that thread", "id");
    json j = comment_json(*done, false);
    j["thread"] = done->thread;
    res.set_content(dump(j), "application/json");
  });

  int port = c.port;
  if (port == 0) port = http.bind_to_any_port(c.host);
  else if (!http.bind_to_port(c.host, port)) port = -1;
  if (port <= 0 || !http.widen_backlog()) {
    std::fprintf(stderr, "colloquy serve: cannot listen on %s:%d\n", c.host.c_str(), c.port);
    return 1;
  }
  std::atomic<bool> listening_done{false};
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    // stop() is a no-op until the accept loop runs: a signal in the first instant waits for it.
    while (!listening_done && !http.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    http.stop();
  });
  std::printf("Colloquy is serving %s on http://%s:%d/ (comments in %s%s)\n", c.root.c_str(), c.host.c_str(), port,
              c.db.c_str(), c.moderate ? ", moderated" : "");
  std::fflush(stdout);
  // stop() closes the listening socket; listen_after_bind() then shuts the worker pool down,
  // which joins every worker: a request being handled finishes and gets its answer (a post is
  // committed before its 201 is written), connections not yet read are closed unanswered.
  bool ok = http.listen_after_bind();
  listening_done = true;
  // Whether listening ended by a signal or by an error, wake the stopper and wait for it.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  // Every worker has returned: nothing can write any more. Checkpoint and close the database.
  db->close();
  std::printf("Colloquy stopped; %s closed cleanly\n", c.db.c_str());
  std::fflush(stdout);
  return ok ? 0 : 1;
}

}  // namespace colloquy::server
