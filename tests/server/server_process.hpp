// Runs the real `colloquy serve` for a test: a child process on 127.0.0.1, a port the kernel
// picked (--port 0, read back from the server's first line), a database in a fresh temporary
// folder (SQLite) or a fresh database of the test run's PostgreSQL cluster, and a cpp-httplib
// client for it.
//
// The backend: COLLOQUY_TEST_BACKEND=postgresql runs every test against PostgreSQL, in a
// cluster started by tests/server/pg_cluster.sh (its base URL in COLLOQUY_TEST_PG, or in the
// state file named by COLLOQUY_TEST_PG_STATE, as the ctest fixture writes it); otherwise SQLite.
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

#include <atomic>
#include <fstream>
#include <map>

#include <doctest/doctest.h>
#include <httplib.h>
#include <libpq-fe.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

extern char** environ;

namespace colloquy::test {

using json = nlohmann::json;

inline bool testing_postgresql() {
  const char* b = std::getenv("COLLOQUY_TEST_BACKEND");
  return b && std::string(b) == "postgresql";
}

// The base URL of the test run's PostgreSQL cluster (ends in '/': a database name follows).
inline std::string postgresql_base() {
  if (const char* url = std::getenv("COLLOQUY_TEST_PG"); url && *url) return url;
  const char* state = std::getenv("COLLOQUY_TEST_PG_STATE");
  REQUIRE_MESSAGE(state,
                  "COLLOQUY_TEST_BACKEND=postgresql needs COLLOQUY_TEST_PG or COLLOQUY_TEST_PG_STATE "
                  "(tests/server/pg_cluster.sh run -- COMMAND starts a cluster)");
  std::ifstream in(state);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("url=", 0) == 0) return line.substr(4);
  FAIL("no PostgreSQL cluster: " << state << " names none");
  return {};
}

// Runs one SQL command on a PostgreSQL database; "" on success, else the error.
inline std::string postgresql_command(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(c) != CONNECTION_OK) error = PQerrorMessage(c);
  else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) error = PQerrorMessage(c);
    PQclear(r);
  }
  PQfinish(c);
  return error;
}

// A temporary folder, removed with everything in it, and the test databases made for it.
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
    // WITH (FORCE): a server killed with -9 may leave a connection the database has not seen go.
    for (const auto& name : databases_)
      postgresql_command(postgresql_base() + "postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }
  std::string file(const std::string& name) const { return (path / name).string(); }

  // The --db of a new, empty database for this test: a SQLite file `name` in this folder, or
  // (testing PostgreSQL) a database of its own in the cluster, dropped with this folder. The
  // same `name` gives the same database.
  std::string db(const std::string& name) {
    if (!testing_postgresql()) return file(name);
    static std::atomic<int> serial{0};
    auto [it, fresh] = by_name_.try_emplace(name);
    if (fresh) {
      std::string db = "colloquy_test_" + std::to_string(getpid()) + "_" + std::to_string(++serial);
      std::string error = postgresql_command(postgresql_base() + "postgres", "CREATE DATABASE " + db);
      REQUIRE_MESSAGE(error.empty(), "cannot create a test database: " << error);
      databases_.push_back(db);
      it->second = postgresql_base() + db;
    }
    return it->second;
  }

 private:
  std::vector<std::string> databases_;
  std::map<std::string, std::string> by_name_;
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

// One query answering a single integer, read straight from the database (a SQLite file or a
// PostgreSQL URL, as scratch_dir::db gives), bypassing the server; -1 when it fails.
inline long long sqlite_int(const std::string& db, const std::string& sql);
inline long long db_int(const std::string& db, const std::string& sql) {
  if (db.rfind("postgresql://", 0) != 0) return sqlite_int(db, sql);
  PGconn* c = PQconnectdb(db.c_str());
  long long v = -1;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1) v = std::atoll(PQgetvalue(r, 0, 0));
    PQclear(r);
  }
  PQfinish(c);
  return v;
}

// Column `column` (PostgreSQL: the first) of every row a query answers, from a SQLite file or a
// PostgreSQL URL.
inline std::vector<std::string> db_strings(const std::string& db, const std::string& sql, int column = 0) {
  std::vector<std::string> out;
  if (db.rfind("postgresql://", 0) == 0) {
    PGconn* c = PQconnectdb(db.c_str());
    PGresult* r = PQstatus(c) == CONNECTION_OK ? PQexec(c, sql.c_str()) : nullptr;
    if (PQresultStatus(r) == PGRES_TUPLES_OK)
      for (int i = 0; i < PQntuples(r); ++i) out.emplace_back(PQgetvalue(r, i, 0));
    PQclear(r);
    PQfinish(c);
    return out;
  }
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK)
    while (sqlite3_step(s) == SQLITE_ROW) {
      auto text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
      out.emplace_back(text ? text : "");
    }
  sqlite3_finalize(s);
  sqlite3_close(h);
  return out;
}

// The schema version a database is at.
inline long long schema_version(const std::string& db) {
  return db.rfind("postgresql://", 0) == 0 ? db_int(db, "SELECT max(version) FROM colloquy_schema")
                                           : sqlite_int(db, "PRAGMA user_version");
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
