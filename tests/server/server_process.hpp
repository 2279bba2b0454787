// Runs the real `colloquy serve` for a test: a child process on 127.0.0.1, a port the kernel
// picked (--port 0, read back from the server's first line), a database in a fresh temporary
// folder, and a cpp-httplib client for it.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <doctest/doctest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

extern char** environ;

namespace colloquy::test {

using json = nlohmann::json;

// A temporary folder, removed with everything in it.
struct scratch_dir {
  std::filesystem::path path;
  scratch_dir() {
    std::string t = (std::filesystem::temp_directory_path() / "colloquy-server-XXXXXX").string();
    REQUIRE(mkdtemp(t.data()) != nullptr);
    path = t;
  }
  ~scratch_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

class server_process {
 public:
  // `db`: the database file; `extra`: more `serve` options.
  server_process(const std::string& db, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {COLLOQUY_CLI, "serve", "--port", "0"};
    // The example site, unless `extra` names a --root of its own.
    if (std::find(extra.begin(), extra.end(), "--root") == extra.end())
      args.insert(args.end(), {"--root", std::string(COLLOQUY_SOURCE_DIR) + "/examples/seed"});
    args.insert(args.end(), {"--db", db});
    args.insert(args.end(), extra.begin(), extra.end());
    start(args);
  }
  ~server_process() {
    if (pid_ > 0) stop();
  }
  server_process(const server_process&) = delete;

  int port() const { return port_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& output() const { return output_; }
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(5);
    c.set_read_timeout(10);
    c.set_tcp_nodelay(true);  // as browsers do: no Nagle delay between headers and body
    return c;
  }

  // SIGTERM, then waits; returns the exit status (or -1 if it had to be killed).
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int status = 0;
    for (int i = 0; i < 300; ++i) {  // 15 s at most
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        drain();
        close(out_);
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return exit_status_;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    kill(pid_, SIGKILL);
    waitpid(pid_, &status, 0);
    pid_ = -1;
    close(out_);
    exit_status_ = -1;
    return exit_status_;
  }

 private:
  void start(const std::vector<std::string>& args) {
    int pipe_fds[2];
    REQUIRE(pipe(pipe_fds) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 1);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], 2);
    posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(pipe_fds[1]);
    out_ = pipe_fds[0];
    REQUIRE_MESSAGE(rc == 0, "cannot start " << args[0]);
    // Read until the server prints its URL, exits, or 10 s pass.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    // The URL is http://127.0.0.1:P/ (or, with --host, another host: the port follows its last ':').
    const std::string marker = "http://";
    while (std::chrono::steady_clock::now() < deadline) {
      char buf[512];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) break;
      output_.append(buf, static_cast<std::size_t>(n));
      auto at = output_.find(marker);
      auto slash = at == std::string::npos ? std::string::npos : output_.find('/', at + marker.size());
      if (slash != std::string::npos) {
        auto colon = output_.rfind(':', slash);
        if (colon != std::string::npos && colon > at + marker.size()) port_ = std::atoi(output_.c_str() + colon + 1);
        break;
      }
    }
    if (port_ <= 0) {
      stop();
      FAIL("server did not start: " << output_);
    }
    // Keep reading its output in the background would need a thread; the server prints little
    // after starting, so the pipe buffer (64 KB) never fills during a test.
    fcntl(out_, F_SETFL, O_NONBLOCK);
  }
  void drain() {
    char buf[4096];
    ssize_t n;
    while ((n = read(out_, buf, sizeof buf)) > 0) output_.append(buf, static_cast<std::size_t>(n));
  }

  pid_t pid_ = -1;
  int out_ = -1;
  int port_ = 0;
  int exit_status_ = -1;
  std::string output_;
};

// Runs the CLI to completion (arguments single-quoted, so no quotes in them); returns its exit
// status, its output (stdout and stderr) in `output`.
inline int run_cli(const std::vector<std::string>& args, std::string& output) {
  std::string cmd = COLLOQUY_CLI;
  for (const auto& e : args) cmd += " '" + e + "'";
  cmd += " 2>&1";
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[512];
  while (fgets(buf, sizeof buf, p)) output += buf;
  int status = pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Runs `serve` expecting it to fail at start; returns its exit status and output.
inline int failing_start(std::vector<std::string> extra, std::string& output) {
  extra.insert(extra.begin(), {"serve", "--port", "0", "--root", std::string(COLLOQUY_SOURCE_DIR) + "/examples/seed"});
  return run_cli(extra, output);
}

// A posting body (DESIGN §3).
inline std::string post_body(const std::string& thread, const std::string& text, const std::string& client_id,
                             const std::string& parent = "", const std::string& name = "Tester") {
  json j = {{"thread", thread},
            {"parent", parent.empty() ? json() : json(parent)},
            {"author", {{"name", name}, {"location", "Testville"}}},
            {"text", text},
            {"clientId", client_id}};
  return j.dump();
}

// One SQLite query answering a single integer (read straight from the file, bypassing the server).
inline long long sqlite_int(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  long long v = -1;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
    v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(h);
  return v;
}

}  // namespace colloquy::test
