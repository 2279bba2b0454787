#include "server.hpp"

#include <csignal>
#include <pthread.h>
#include <thread>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "colloquy/colloquy.hpp"

namespace colloquy::server {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void json_error(httplib::Response& res, int status, std::string_view code, std::string_view message) {
  nlohmann::json j = {{"error", {{"code", code}, {"message", message}}}};
  res.status = status;
  res.set_content(j.dump(), "application/json");
}

}  // namespace

int run(const config& c) {
  httplib::Server http;
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
  std::string csp = c.csp;
  http.set_post_routing_handler([csp](const httplib::Request&, httplib::Response& res) {
    if (!csp.empty()) res.set_header("Content-Security-Policy", csp);
    res.set_header("X-Content-Type-Options", "nosniff");
  });
  http.Get("/favicon.ico", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });

  const std::string seed_path = c.comments;
  http.Get("/api/comments", [seed_path](const httplib::Request& req, httplib::Response& res) {
    std::string thread = req.get_param_value("thread");
    if (thread.empty()) return json_error(res, 400, "missing_thread", "the thread parameter is required");
    std::string doc = seed_path.empty() ? std::string() : slurp(seed_path);
    auto seed = nlohmann::json::parse(doc, nullptr, false);
    nlohmann::json answer = {{"thread", thread}, {"comments", nlohmann::json::array()}, {"next", nullptr}};
    if (seed.is_object() && seed.value("thread", "") == thread && seed.contains("comments"))
      answer["comments"] = seed["comments"];
    res.set_header("Cache-Control", "no-store");
    res.set_content(answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
  });

  if (!http.bind_to_port(c.host, c.port)) {
    std::fprintf(stderr, "colloquy serve: cannot listen on %s:%d\n", c.host.c_str(), c.port);
    return 1;
  }
  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), not a handler: stopping the
  // server is not async-signal-safe. Blocked here, before any worker thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (sig != 0) http.stop();
  });
  std::printf("Colloquy is serving %s on http://%s:%d/\n", c.root.c_str(), c.host.c_str(), c.port);
  std::fflush(stdout);
  bool ok = http.listen_after_bind();
  // Whether listening ended by a signal or by an error, wake the stopper and wait for it.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return ok ? 0 : 1;
}

}  // namespace colloquy::server
