// The reference server against hostile clients: a real `colloquy serve` process on loopback,
// attacked with raw sockets (raw_client.hpp) the way a scanner, a slowloris or a decompression
// bomb would. Each case reproduces one finding of the server review and asserts what
// /work/spec-server.md promises instead. Every loop is bounded in count and time and every read
// has a deadline: a server that misbehaves fails a check, it never hangs the run.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include "raw_client.hpp"
#include "server_process.hpp"

using namespace colloquy::test;
using namespace std::chrono_literals;
using raw::steady;

namespace {

const std::string seed_thread = "/2010/09/24/nato-russia-council";
const std::string seed_root = std::string(COLLOQUY_SOURCE_DIR) + "/examples/seed";
constexpr double mib = 1024.0;  // KiB per MiB

double seconds_since(steady::time_point t) { return std::chrono::duration<double>(steady::now() - t).count(); }

std::string thread_target(const std::string& thread) { return "/api/comments?thread=" + raw::encode(thread); }

// One request on a fresh connection.
raw::response call(const server_process& s, const std::string& method, const std::string& target,
                   std::vector<std::string> headers = {}, const std::string& body = "", const std::string& source = "",
                   raw::ms timeout = 5000ms) {
  return raw::exchange(s.port(), raw::request(method, target, s.port(), std::move(headers), body), timeout, source);
}

json json_of(const raw::response& r) { return json::parse(r.body, nullptr, false); }

// The error code of a JSON error answer, or "" (not JSON, no code).
std::string code_of(const raw::response& r) {
  json j = json_of(r);
  if (j.is_object() && j.contains("error") && j["error"].is_object() && j["error"].contains("code") &&
      j["error"]["code"].is_string())
    return j["error"]["code"].get<std::string>();
  return "";
}

std::vector<std::string> comment_ids(const raw::response& r) {
  std::vector<std::string> out;
  json j = json_of(r);
  if (j.is_object() && j.contains("comments") && j["comments"].is_array())
    for (const auto& c : j["comments"])
      if (c.is_object() && c.contains("id") && c["id"].is_string()) out.push_back(c["id"].get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

bool has_token(const std::string& list, const std::string& token) {
  return raw::lower(list).find(raw::lower(token)) != std::string::npos;
}

// Every value of a header (repeated headers joined with ", ").
std::string all_values(const raw::response& r, const std::string& name) {
  std::string out;
  for (const auto& [k, v] : r.headers)
    if (raw::lower(k) == raw::lower(name)) out += (out.empty() ? "" : ", ") + v;
  return out;
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  REQUIRE(out.good());
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The standard output of a shell command (binary-safe), for the brotli/gzip/sha256sum tools.
std::string shell_output(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (!p) return out;
  char buf[65536];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  pclose(p);
  return out;
}

// A comments document for --seed: `n` comments in `thread` (every fourth a reply), texts of
// about `text_bytes` bytes.
std::string seed_document(const std::string& thread, int n, std::size_t text_bytes) {
  json comments = json::array();
  std::string filler;
  while (filler.size() < text_bytes) filler += "Lorem ipsum dolor sit amet, consectetur adipiscing elit. ";
  filler.resize(text_bytes);
  for (int i = 0; i < n; ++i) {
    std::string id = "s", parent = "s";
    id += std::to_string(i);
    parent += std::to_string(i - 1);
    json c = {{"id", id},
              {"parent", i % 4 == 3 ? json(parent) : json()},
              {"author", {{"name", "Reader " + std::to_string(i)}, {"location", "Somewhere"}}},
              {"created", "2020-01-01T00:00:00Z"},
              {"text", std::to_string(i) + " " + filler},
              {"votes", {{"up", i % 7}, {"down", i % 3}}},
              {"status", "published"}};
    comments.push_back(std::move(c));
  }
  return json{{"thread", thread}, {"comments", std::move(comments)}, {"next", nullptr}}.dump();
}

// Runs the CLI to its end, or for at most `timeout`: a process still running then (a server
// that started when it should have refused) is stopped and reported as not exited.
struct run_result {
  bool exited = false;
  int status = -1;
  std::string output;
};
run_result run_bounded(const std::vector<std::string>& args, raw::ms timeout) {
  run_result r;
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  std::vector<std::string> all = {COLLOQUY_CLI};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, COLLOQUY_CLI, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  REQUIRE(rc == 0);
  fcntl(fds[0], F_SETFL, O_NONBLOCK);
  auto drain = [&] {
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<std::size_t>(n));
  };
  const auto deadline = steady::now() + timeout;
  int status = 0;
  while (steady::now() < deadline) {
    drain();
    if (waitpid(pid, &status, WNOHANG) == pid) {
      r.exited = true;
      r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      drain();
      close(fds[0]);
      return r;
    }
    std::this_thread::sleep_for(50ms);
  }
  kill(pid, SIGTERM);
  for (int i = 0; i < 100 && waitpid(pid, &status, WNOHANG) != pid; ++i) std::this_thread::sleep_for(50ms);
  if (kill(pid, 0) == 0) {
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
  }
  drain();
  close(fds[0]);
  return r;
}

// Sends `piece` over and over (each piece whole, at most `limit` bytes in all, within `budget`),
// stopping as soon as the server answers, closes, or stops reading. Returns the bytes sent.
std::size_t push(raw::connection& c, const std::string& piece, std::size_t limit, raw::ms budget = 6000ms) {
  const auto end = steady::now() + budget;
  std::size_t total = 0, offset = 0;
  while (total < limit && steady::now() < end) {
    if (c.readable(0ms)) break;
    std::size_t sent = 0;
    bool ok = c.send(std::string_view(piece).substr(offset), 250ms, &sent);
    total += sent;
    offset = (offset + sent) % piece.size();
    if (!ok && c.error().find("timed out") == std::string::npos) break;  // reset or closed
  }
  return total;
}

// Slowloris connections: a background thread sends each one more byte of a request head every
// second, for at most `limit`, until stop().
class trickler {
 public:
  trickler(std::vector<raw::connection>& conns, std::chrono::seconds limit) {
    worker_ = std::thread([this, &conns, limit] {
      static const std::string head = "GET /api/comments?thread=%2Fslow HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " +
                                      std::string(4000, 'a');
      const auto end = steady::now() + limit;
      std::vector<bool> alive(conns.size(), true);
      for (std::size_t i = 0; !done_ && steady::now() < end; ++i) {
        for (std::size_t k = 0; k < conns.size(); ++k) {
          if (!alive[k] || !conns[k].connected()) continue;
          if (!conns[k].send(std::string_view(&head[std::min(i, head.size() - 1)], 1), 20ms)) alive[k] = false;
        }
        for (int w = 0; w < 20 && !done_; ++w) std::this_thread::sleep_for(50ms);  // one second
      }
    });
  }
  ~trickler() { stop(); }
  void stop() {
    done_ = true;
    if (worker_.joinable()) worker_.join();
  }

 private:
  std::atomic<bool> done_{false};
  std::thread worker_;
};

// Server RSS and peak, for messages.
struct memory {
  long rss_kib, peak_kib;
};
memory memory_of(const server_process& s) { return {raw::proc_kib(s.pid(), "VmRSS"), raw::proc_kib(s.pid(), "VmHWM")}; }

bool has_ipv6_loopback() {
  std::ifstream in("/proc/net/if_inet6");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("00000000000000000000000000000001", 0) == 0) return true;
  return false;
}

}  // namespace

TEST_SUITE("Hostile clients") {
  TEST_CASE("1. Request bodies are capped on every route and method; encoded bodies are refused, never inflated") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    const long rss_before = raw::proc_kib(s.pid(), "VmRSS");
    const long stored_before = db_int(dir.db("c.db"), "SELECT count(*) FROM comments");
    const std::string port = std::to_string(s.port());
    const std::string piece(64 * 1024, 'x');

    // A 300 MB PUT announced by its Content-Length: refused before the body, never read.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      c.small_send_buffer();
      REQUIRE(c.send("PUT /api/comments HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                     "\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n"));
      std::size_t sent = push(c, piece, 2 * 1024 * 1024);
      raw::response r = c.read_response(3000ms);
      bool closed = r.closed || c.wait_closed(3000ms);
      INFO("300 MB PUT: " << r.describe() << "; sent " << sent << " body bytes");
      CHECK((r.got_status ? r.status == 413 && code_of(r) == "body_too_large" : closed));
      CHECK_MESSAGE(closed, "the server must close after refusing a body (Connection: close)");
    }
    // A chunked body (no Content-Length) to a path that does not exist: cut off at the cap.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      c.small_send_buffer();
      REQUIRE(c.send("POST /no/such/path HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"));
      std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
      std::size_t sent = push(c, chunk, 2 * 1024 * 1024);
      raw::response r = c.read_response(3000ms);
      bool closed = r.closed || c.wait_closed(3000ms);
      INFO("chunked POST to a 404 path: " << r.describe() << "; sent " << sent << " bytes");
      CHECK((r.got_status ? (r.status == 413 || r.status == 404) : closed));
      if (r.got_status && r.status == 413) CHECK(code_of(r) == "body_too_large");
      CHECK_MESSAGE(closed, "an endless chunked body must end with the connection, not be read on");
    }
    // A body with no length at all and Connection: close: the request has no body (RFC 9112), so
    // it is answered at once; the bytes that follow are never read as a body.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      c.small_send_buffer();
      REQUIRE(c.send("POST /api/comments HTTP/1.1\r\nHost: 127.0.0.1:" + port +
                     "\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"));
      std::size_t sent = push(c, piece, 2 * 1024 * 1024);
      raw::response r = c.read_response(3000ms);
      bool closed = r.closed || c.wait_closed(3000ms);
      INFO("POST without length, Connection: close: " << r.describe() << "; sent " << sent << " bytes");
      CHECK((r.got_status ? r.status >= 400 && r.status < 500 : closed));
      CHECK(closed);
    }
    // Compressed request bodies: 415 unsupported_encoding, never inflated.
    const std::string brotli_bomb = shell_output("head -c 200000000 /dev/zero | brotli -q 5 -c");
    const std::string gzip_bomb = shell_output("head -c 200000000 /dev/zero | gzip -c -9");
    REQUIRE_MESSAGE(!brotli_bomb.empty(), "the brotli command is needed to build the bomb");
    REQUIRE_MESSAGE(!gzip_bomb.empty(), "the gzip command is needed to build the bomb");
    MESSAGE("bombs: brotli " << brotli_bomb.size() << " bytes, gzip " << gzip_bomb.size()
                             << " bytes (200 MB each inflated)");
    for (const auto& [encoding, bomb] :
         {std::pair{std::string("br"), brotli_bomb}, std::pair{std::string("gzip"), gzip_bomb}}) {
      raw::response r = call(s, "POST", "/api/comments",
                             {"Content-Type: application/json", "Content-Encoding: " + encoding, "Connection: close"},
                             bomb, "", 10000ms);
      INFO("Content-Encoding: " << encoding << ": " << r.describe());
      CHECK(r.status == 415);
      CHECK(code_of(r) == "unsupported_encoding");
    }
    {
      raw::response r = call(s, "POST", "/api/comments",
                             {"Content-Type: application/json", "Content-Encoding: deflate, identity"},
                             post_body(seed_thread, "encoded", "enc-1"));
      INFO("Content-Encoding: deflate: " << r.describe());
      CHECK(r.status == 415);
      CHECK(code_of(r) == "unsupported_encoding");
    }
    // The server still answers, stored nothing, and did not grow.
    raw::response after = call(s, "GET", thread_target(seed_thread));
    CHECK(after.status == 200);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments") == stored_before);
    memory m = memory_of(s);
    const double growth = (m.peak_kib - rss_before) / mib;
    MESSAGE("server RSS before " << rss_before / mib << " MiB, peak " << m.peak_kib / mib << " MiB, now "
                                 << m.rss_kib / mib << " MiB");
    CHECK_MESSAGE(growth <= 20.0, "the server's peak RSS grew by " << growth << " MiB under body attacks");
  }

  TEST_CASE("2. Range requests: one range at most, never more bytes than the file, none on the API") {
    scratch_dir root, data;
    std::string file(10000, '\0');
    for (std::size_t i = 0; i < file.size(); ++i) file[i] = static_cast<char>('A' + (i * 7) % 26);
    write_file(root.file("data.txt"), file);
    server_process s(data.db("c.db"), {"--root", root.path.string(), "--seed", seed_root + "/comments.json"});

    std::string many = "bytes=0-";
    for (int i = 0; i < 400; ++i) many += ",0-";
    raw::response r = call(s, "GET", "/data.txt", {"Range: " + many}, "", "", 10000ms);
    INFO("401 ranges: " << r.status << ", " << r.body.size() << " body bytes, Content-Type " << r.header("Content-Type"));
    CHECK(r.complete);
    CHECK(r.body.size() <= file.size());
    CHECK(r.status == 200);  // several ranges: the whole file, once
    CHECK(r.body == file);

    raw::response one = call(s, "GET", "/data.txt", {"Range: bytes=100-199"});
    CHECK(one.status == 206);
    CHECK(one.header("Content-Range") == "bytes 100-199/10000");
    CHECK(one.body == file.substr(100, 100));
    raw::response tail = call(s, "GET", "/data.txt", {"Range: bytes=-50"});
    CHECK(tail.status == 206);
    CHECK(tail.header("Content-Range") == "bytes 9950-9999/10000");
    CHECK(tail.body == file.substr(9950));
    raw::response open = call(s, "GET", "/data.txt", {"Range: bytes=9990-"});
    CHECK(open.status == 206);
    CHECK(open.body == file.substr(9990));
    raw::response beyond = call(s, "GET", "/data.txt", {"Range: bytes=20000-30000"});
    INFO("unsatisfiable: " << beyond.describe());
    CHECK(beyond.status == 416);
    CHECK(beyond.header("Content-Range") == "bytes */10000");
    CHECK(beyond.body.size() <= file.size());

    raw::response api = call(s, "GET", thread_target(seed_thread), {"Range: bytes=0-9"});
    INFO("Range on the API: " << api.describe());
    CHECK(api.status == 200);
    CHECK_FALSE(api.has("Content-Range"));
    CHECK(comment_ids(api) == std::vector<std::string>{"c1", "c2", "c3"});
    raw::response api_many = call(s, "GET", thread_target(seed_thread), {"Range: " + many});
    CHECK(api_many.status == 200);
    CHECK(comment_ids(api_many).size() == 3);
  }

  TEST_CASE("3. Slowloris: held connections starve nobody; slow and idle ones are closed; per-address cap") {
    {
      scratch_dir dir;
      server_process s(dir.db("c.db"));
      std::vector<raw::connection> slow, idle;
      slow.reserve(100);
      idle.reserve(100);
      int refused = 0;
      for (int i = 0; i < 200; ++i) {
        std::string source = "127.0.0." + std::to_string(2 + i % 10);
        auto& group = i % 2 ? idle : slow;
        group.emplace_back("127.0.0.1", s.port(), source, 2000ms);
        if (!group.back().connected()) ++refused;
        group.back().abort_on_close();
      }
      CHECK_MESSAGE(refused == 0, refused << " of 200 attack connections could not even connect");
      trickler t(slow, 20s);
      std::this_thread::sleep_for(1500ms);
      auto start = steady::now();
      raw::response r = call(s, "GET", thread_target(seed_thread), {}, "", "127.0.0.1", 5000ms);
      double took = seconds_since(start);
      CHECK_MESSAGE(r.status == 200, "a reader's GET under a 200-connection slowloris: " << r.describe());
      CHECK_MESSAGE(took < 1.0, "a reader's GET took " << took << " s while 200 connections were held");
      MESSAGE("GET under slowloris answered in " << took << " s");
      t.stop();
    }
    {
      scratch_dir dir;
      server_process s(dir.db("c.db"),
                       {"--header-timeout", "2", "--idle-timeout", "2", "--max-connections-per-address", "8"});
      // Per-address cap: 8 connections from one address are taken, the 9th is refused, another
      // address is still served.
      {
        std::vector<raw::connection> held;
        held.reserve(8);
        for (int i = 0; i < 8; ++i) {
          held.emplace_back("127.0.0.1", s.port(), "127.0.0.30");
          held.back().abort_on_close();
        }
        std::this_thread::sleep_for(300ms);
        raw::response ninth = call(s, "GET", thread_target(seed_thread), {}, "", "127.0.0.30", 3000ms);
        INFO("9th connection from one address: " << ninth.describe());
        CHECK((ninth.got_status ? ninth.status == 503 && code_of(ninth) == "too_many_connections" : ninth.closed));
        raw::response other = call(s, "GET", thread_target(seed_thread), {}, "", "127.0.0.31", 3000ms);
        CHECK_MESSAGE(other.status == 200, "another address: " << other.describe());
      }
      std::this_thread::sleep_for(500ms);
      // A trickling connection (header timeout 2 s) and an idle kept-alive one (idle timeout 2 s).
      raw::connection trickling("127.0.0.1", s.port(), "127.0.0.20");
      raw::connection kept("127.0.0.1", s.port(), "127.0.0.21");
      REQUIRE(trickling.connected());
      REQUIRE(kept.connected());
      REQUIRE(kept.send(raw::request("GET", thread_target(seed_thread), s.port())));
      raw::response first = kept.read_response(3000ms);
      CHECK(first.status == 200);
      const auto start = steady::now();
      const std::string head = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + std::string(100, 'a');
      double trickle_closed = -1, idle_closed = -1;
      std::size_t next_byte = 0;
      auto next_tick = start;
      while (seconds_since(start) < 8.0 && (trickle_closed < 0 || idle_closed < 0)) {
        if (trickle_closed < 0 && steady::now() >= next_tick) {
          trickling.send(std::string_view(&head[std::min(next_byte++, head.size() - 1)], 1), 20ms);
          next_tick += 1s;
        }
        if (trickle_closed < 0 && trickling.wait_closed(50ms)) trickle_closed = seconds_since(start);
        if (idle_closed < 0 && kept.wait_closed(50ms)) idle_closed = seconds_since(start);
      }
      MESSAGE("trickling connection closed after " << trickle_closed << " s, idle one after " << idle_closed
                                                   << " s (-1: still open after 8 s)");
      CHECK_MESSAGE((trickle_closed >= 0 && trickle_closed <= 5.0),
                    "a connection trickling its headers must be closed within --header-timeout 2 + 3 s");
      CHECK_MESSAGE((idle_closed >= 1.0 && idle_closed <= 4.0),
                    "an idle kept-alive connection must be closed after --idle-timeout 2 (within 2 s more)");
      raw::response still = call(s, "GET", thread_target(seed_thread));
      CHECK(still.status == 200);
    }
  }

  TEST_CASE("3b. Behind a reverse proxy (--trust-proxy) its connections are not capped per address") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--trust-proxy", "--max-connections-per-address", "8", "--max-connections", "16"});
    // Every connection comes from the proxy (here 127.0.0.40): one client's burst through it
    // must not have the proxy refused for everyone else.
    std::vector<raw::connection> held;
    held.reserve(14);
    for (int i = 0; i < 14; ++i) {
      held.emplace_back("127.0.0.1", s.port(), "127.0.0.40");
      held.back().abort_on_close();
    }
    std::this_thread::sleep_for(300ms);
    raw::response reader = call(s, "GET", thread_target(seed_thread), {"X-Forwarded-For: 203.0.113.9"}, "",
                                "127.0.0.40", 3000ms);
    CHECK_MESSAGE(reader.status == 200, "a 15th connection from the proxy: " << reader.describe());
  }

  TEST_CASE("3c. Every slot held idle by a few addresses: a new reader is served, an idle one of theirs is closed") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--max-connections", "40", "--max-connections-per-address", "10"});
    // Four addresses take all 40 slots and send nothing (or half a request).
    std::vector<raw::connection> held;
    held.reserve(40);
    for (int i = 0; i < 40; ++i) {
      held.emplace_back("127.0.0.1", s.port(), "127.0.0." + std::to_string(50 + i % 4));
      REQUIRE(held.back().connected());
      if (i % 2) held.back().send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
    }
    std::this_thread::sleep_for(300ms);
    for (int round = 0; round < 3; ++round) {
      raw::response reader = call(s, "GET", thread_target(seed_thread), {}, "", "127.0.0.60", 3000ms);
      CHECK_MESSAGE(reader.status == 200, "a reader while 40 of 40 slots are held idle: " << reader.describe());
    }
    std::size_t closed = 0;
    for (raw::connection& c : held) closed += c.wait_closed(100ms);
    // Each reader's slot is free again once it is answered, so the next may not need one.
    MESSAGE(closed << " of the 40 idle connections closed to make room for 3 readers, one after another");
    CHECK(closed >= 1);
    CHECK(closed <= 3);
  }

  TEST_CASE("4. Header floods: 431 for too many or too large, 414 for a long request line; the server goes on") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    const std::string target = thread_target(seed_thread);
    // 60,000 headers, sent in batches until the server answers or closes.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(s.port()) + "\r\n"));
      int sent = 0;
      bool stopped = false;
      const auto start = steady::now();
      while (sent < 60000 && seconds_since(start) < 10.0) {
        if (c.readable(0ms)) {
          stopped = true;
          break;
        }
        std::string batch;
        for (int i = 0; i < 500; ++i) batch += "X-Flood-" + std::to_string(sent + i) + ": v\r\n";
        if (!c.send(batch, 1000ms)) {
          stopped = true;
          break;
        }
        sent += 500;
      }
      if (!stopped) c.send("\r\n", 1000ms);
      raw::response r = c.read_response(5000ms);
      INFO("60,000 headers (" << sent << " sent): " << r.describe());
      CHECK(r.status == 431);
      CHECK(code_of(r) == "headers_too_large");
    }
    auto with_headers = [&](int n, std::size_t value_bytes) {
      std::vector<std::string> h;
      for (int i = 0; i < n; ++i) h.push_back("X-H" + std::to_string(i) + ": " + std::string(value_bytes, 'v'));
      return call(s, "GET", target, h);
    };
    raw::response fine = with_headers(98, 1);  // 99 fields with Host
    CHECK_MESSAGE(fine.status == 200, "99 header fields: " << fine.describe());
    raw::response many = with_headers(101, 1);  // 102 fields with Host
    CHECK_MESSAGE(many.status == 431, "102 header fields: " << many.describe());
    CHECK(code_of(many) == "headers_too_large");
    raw::response big = with_headers(40, 500);  // 20 KB of headers in 41 fields
    CHECK_MESSAGE(big.status == 431, "20 KB of headers: " << big.describe());
    CHECK(code_of(big) == "headers_too_large");
    raw::response line = call(s, "GET", thread_target("/" + std::string(9 * 1024, 'a')));
    CHECK_MESSAGE(line.status == 414, "9 KB request line: " << line.describe());
    CHECK(code_of(line) == "uri_too_long");
    // Normal requests still work.
    raw::response after = call(s, "GET", target);
    CHECK(after.status == 200);
    CHECK(comment_ids(after) == std::vector<std::string>{"c1", "c2", "c3"});
    raw::response post = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                              post_body(seed_thread, "still here", "flood-after"));
    CHECK(post.status == 201);
  }

  TEST_CASE("5. Compression honours q-values; ETags and 304 for threads and files") {
    scratch_dir root, data;
    write_file(data.file("seed.json"), seed_document("/big", 300, 200));
    std::string script;
    while (script.size() < 20000) script += "export function colloquy(x) { return x * 2; } // padding padding\n";
    write_file(root.file("app.js"), script);
    shell_output("brotli -k -q 9 " + root.file("app.js") + " && gzip -k -9 " + root.file("app.js"));
    const std::string app_br = read_file(root.file("app.js.br")), app_gz = read_file(root.file("app.js.gz"));
    REQUIRE(!app_br.empty());
    REQUIRE(!app_gz.empty());
    server_process s(data.db("c.db"),
                     {"--root", root.path.string(), "--seed", data.file("seed.json"), "--rate-limit", "0"});
    const std::string big = thread_target("/big");

    raw::response gz = call(s, "GET", big, {"Accept-Encoding: gzip"});
    INFO("gzip: " << gz.status << " Content-Encoding '" << gz.header("Content-Encoding") << "' Vary '"
                  << all_values(gz, "Vary") << "'");
    CHECK(gz.status == 200);
    CHECK(gz.header("Content-Encoding") == "gzip");
    CHECK(gz.body.rfind("\x1f\x8b", 0) == 0);
    CHECK(has_token(all_values(gz, "Vary"), "Accept-Encoding"));
    for (const std::string ae : {"br;q=0", "br;q=0, gzip;q=0", "br;q=0.0, identity", "gzip;q=0, br;q=0"}) {
      raw::response r = call(s, "GET", big, {"Accept-Encoding: " + ae});
      INFO("Accept-Encoding: " << ae << " -> Content-Encoding '" << r.header("Content-Encoding") << "'");
      CHECK(r.status == 200);
      CHECK(raw::lower(r.header("Content-Encoding")) != "br");
    }
    raw::response plain = call(s, "GET", big, {"Accept-Encoding: br;q=0"});
    CHECK(plain.header("Content-Encoding").empty());
    CHECK(comment_ids(plain).size() == 300);
    raw::response br_no_gz = call(s, "GET", big, {"Accept-Encoding: br;q=0, gzip"});
    CHECK(raw::lower(br_no_gz.header("Content-Encoding")) != "br");
    // The acceptable coding of the highest q is chosen, br on a tie; * stands for those not named.
    for (const auto& [ae, expected] : std::vector<std::pair<std::string, std::string>>{{"br;q=0.1, gzip;q=0.9", "gzip"},
                                                                                       {"gzip, br;q=0.999", "gzip"},
                                                                                       {"gzip;q=0.5, br;q=0.5", "br"},
                                                                                       {"gzip;q=0.5, br;q=0.6", "br"},
                                                                                       {"*;q=0.2, gzip;q=0.8", "gzip"},
                                                                                       {"gzip;q=0.3, *", "br"},
                                                                                       {"br;q=0.1, gzip;q=0", "br"}}) {
      raw::response r = call(s, "GET", big, {"Accept-Encoding: " + ae});
      INFO("Accept-Encoding: " << ae << " -> Content-Encoding '" << r.header("Content-Encoding") << "'");
      CHECK(r.status == 200);
      CHECK(r.header("Content-Encoding") == expected);
    }

    // ETag and 304.
    raw::response first = call(s, "GET", big);
    const std::string etag = first.header("ETag");
    CHECK_MESSAGE(!etag.empty(), "GET /api/comments carries no ETag");
    for (int i = 0; i < 2; ++i) {
      raw::response again = call(s, "GET", big, {"If-None-Match: " + etag});
      INFO("If-None-Match, round " << i << ": " << again.describe());
      CHECK(again.status == 304);
      CHECK(again.body.empty());
      CHECK(again.header("ETag") == etag);
    }
    raw::response posted = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                                post_body("/big", "a new comment changes the version", "etag-1"));
    CHECK(posted.status == 201);
    raw::response changed = call(s, "GET", big, {"If-None-Match: " + etag});
    INFO("after a POST: " << changed.status << ", ETag " << changed.header("ETag") << " (was " << etag << ")");
    CHECK(changed.status == 200);
    CHECK(changed.header("ETag") != etag);
    CHECK(!changed.header("ETag").empty());
    CHECK(comment_ids(changed).size() == 301);

    // Static files: the precompressed twin when allowed, q=0 honoured, ETag per encoding.
    raw::response fbr = call(s, "GET", "/app.js", {"Accept-Encoding: gzip, br"});
    CHECK(fbr.status == 200);
    CHECK(fbr.header("Content-Encoding") == "br");
    CHECK(fbr.body == app_br);
    CHECK(has_token(all_values(fbr, "Vary"), "Accept-Encoding"));
    raw::response fgz = call(s, "GET", "/app.js", {"Accept-Encoding: br;q=0, gzip"});
    CHECK(fgz.status == 200);
    CHECK(fgz.header("Content-Encoding") == "gzip");
    CHECK(fgz.body == app_gz);
    for (const auto& [ae, expected] : std::vector<std::pair<std::string, std::string>>{
             {"br;q=0.1, gzip;q=0.9", app_gz}, {"gzip;q=0.9, br;q=0.9", app_br}, {"gzip, br;q=0.5", app_gz}}) {
      raw::response r = call(s, "GET", "/app.js", {"Accept-Encoding: " + ae});
      INFO("Accept-Encoding: " << ae << " -> Content-Encoding '" << r.header("Content-Encoding") << "'");
      CHECK(r.status == 200);
      CHECK(r.body == expected);
    }
    raw::response fid = call(s, "GET", "/app.js", {"Accept-Encoding: br;q=0"});
    CHECK(fid.status == 200);
    CHECK(fid.header("Content-Encoding").empty());
    CHECK(fid.body == script);
    CHECK(has_token(all_values(fid, "Vary"), "Accept-Encoding"));
    CHECK(!fid.header("ETag").empty());
    CHECK(fid.header("ETag") != fbr.header("ETag"));
    CHECK(fid.header("ETag") != fgz.header("ETag"));
    raw::response f304 = call(s, "GET", "/app.js", {"Accept-Encoding: identity", "If-None-Match: " + fid.header("ETag")});
    CHECK(f304.status == 304);
    CHECK(f304.body.empty());
  }

  TEST_CASE("6. Memory: 50 concurrent GETs of a 5,000-comment thread; RSS settles under 100 MB") {
    scratch_dir dir;
    write_file(dir.file("seed.json"), seed_document("/huge", 5000, 250));
    server_process s(dir.db("c.db"), {"--seed", dir.file("seed.json")});
    const long rss_start = raw::proc_kib(s.pid(), "VmRSS");
    const std::string target = thread_target("/huge");
    raw::response probe = call(s, "GET", target, {}, "", "", 20000ms);
    REQUIRE(probe.status == 200);
    REQUIRE(comment_ids(probe).size() == 5000);
    const std::size_t answer_bytes = probe.body.size();

    std::atomic<int> ok{0}, failed{0}, finished{0};
    std::atomic<bool> go{false};
    std::mutex m;
    std::string first_failure;
    const auto start = steady::now();
    std::vector<std::thread> readers;
    for (int i = 0; i < 50; ++i) {
      readers.emplace_back([&] {
        raw::connection c("127.0.0.1", s.port());
        while (!go) std::this_thread::sleep_for(1ms);
        for (int round = 0; round < 3 && seconds_since(start) < 15.0; ++round) {
          raw::response r;
          if (c.send(raw::request("GET", target, s.port()), 3000ms)) r = c.read_response(10000ms);
          if (r.status == 200 && r.body.size() == answer_bytes) {
            ++ok;
          } else {
            ++failed;
            std::lock_guard<std::mutex> l(m);
            if (first_failure.empty()) first_failure = r.describe().substr(0, 200);
            break;
          }
        }
        ++finished;
      });
    }
    go = true;
    long peak_seen = 0;
    while (finished < 50 && seconds_since(start) < 28.0) {
      peak_seen = std::max(peak_seen, raw::proc_kib(s.pid(), "VmRSS"));
      std::this_thread::sleep_for(100ms);
    }
    for (auto& t : readers) t.join();
    const double load_s = seconds_since(start);
    std::this_thread::sleep_for(5s);
    memory m_after = memory_of(s);
    MESSAGE("answers " << ok.load() << " ok / " << failed.load() << " failed of 150 (" << answer_bytes / 1024
                       << " KiB each) in " << load_s << " s; RSS at start " << rss_start / mib << " MiB, highest seen "
                       << peak_seen / mib << " MiB, peak (VmHWM) " << m_after.peak_kib / mib
                       << " MiB, 5 s after the load " << m_after.rss_kib / mib << " MiB");
    CHECK_MESSAGE(failed.load() == 0, "first failure: " << first_failure);
    CHECK(ok.load() >= 100);
    CHECK_MESSAGE(m_after.rss_kib <= 100 * 1024,
                  "RSS 5 s after the load: " << m_after.rss_kib / mib << " MiB (limit 100 MiB)");
  }

  TEST_CASE("6b. Memory: walking 240 distinct pages of a big thread does not grow the answer cache without end") {
    scratch_dir dir;
    write_file(dir.file("seed.json"), seed_document("/wide", 5000, 250));
    // One address builds all 240 pages here, as fast as it can: what --page-rate-limit refuses
    // by default (test 19b); this test is about the memory they take.
    server_process s(dir.db("c.db"), {"--seed", dir.file("seed.json"), "--page-rate-limit", "0"});
    raw::connection c("127.0.0.1", s.port());
    std::size_t total = 0;
    int ok = 0;
    const auto start = steady::now();
    // Each cursor starts a different page of up to 1,000 top-level threads (~0.5 MB): kept
    // without a bound, 240 of them (with their brotli forms) would hold well over 100 MB.
    // The time bound only stops a runaway: on a busy machine a page takes ~0.15 s with either
    // backend (240 pages: 33-35 s measured with SQLite and with PostgreSQL).
    for (int k = 0; k < 240 && seconds_since(start) < 90.0; ++k) {
      std::string target = thread_target("/wide") + "&limit=1000&cursor=r" + std::to_string(1 + k * 5);
      if (!c.send(raw::request("GET", target, s.port(), {"Accept-Encoding: br"}), 3000ms)) break;
      raw::response r = c.read_response(10000ms);
      if (r.status != 200) break;
      total += r.body.size();
      ++ok;
    }
    std::this_thread::sleep_for(3s);
    memory m = memory_of(s);
    MESSAGE(ok << " pages (" << total / 1024 << " KiB sent, compressed) in " << seconds_since(start)
               << " s; RSS 3 s later " << m.rss_kib / mib << " MiB, peak " << m.peak_kib / mib << " MiB");
    CHECK(ok == 240);
    CHECK_MESSAGE(m.rss_kib <= 100 * 1024, "RSS after the walk: " << m.rss_kib / mib << " MiB (limit 100 MiB)");
  }

  TEST_CASE("7. Start-up: a taken port, a refused seed leaves no database, a bare array seed") {
    scratch_dir dir;
    {
      server_process first(dir.db("first.db"));
      const std::string port = std::to_string(first.port());
      run_result second = run_bounded({"serve", "--port", port, "--root", seed_root, "--db", dir.db("second.db")},
                                      8000ms);
      INFO("second server on port " << port << ": exited " << second.exited << ", status " << second.status
                                    << ", output: " << second.output);
      CHECK(second.exited);
      CHECK(second.status == 1);
      CHECK(second.output.find(":" + port) != std::string::npos);
      CHECK(second.output.find("address in use") != std::string::npos);
      CHECK(call(first, "GET", thread_target(seed_thread)).status == 200);
    }
    // SQLite: no file left. PostgreSQL (the database is the operator's): nothing written in it,
    // so the next start seeds again.
    auto no_database_left = [&](const std::string& db) {
      if (testing_postgresql()) {
        CHECK(db_int(db, "SELECT count(*) FROM comments") <= 0);
        CHECK(db_int(db, "SELECT count(*) FROM thread_versions") <= 0);
        return;
      }
      for (const std::string suffix : {"", "-wal", "-shm", "-journal"}) {
        INFO(db << suffix);
        CHECK_FALSE(std::filesystem::exists(db + suffix));
      }
    };
    write_file(dir.file("bad.json"), "{\"thread\": \"/x\", \"comments\": [ {\"id\": ");
    run_result bad = run_bounded(
        {"serve", "--port", "0", "--root", seed_root, "--db", dir.db("bad.db"), "--seed", dir.file("bad.json")}, 8000ms);
    INFO("invalid seed: exited " << bad.exited << ", status " << bad.status << ", output: " << bad.output);
    CHECK(bad.exited);
    CHECK(bad.status != 0);
    no_database_left(dir.db("bad.db"));
    run_result missing = run_bounded({"serve", "--port", "0", "--root", seed_root, "--db", dir.db("missing.db"),
                                      "--seed", dir.file("no-such-seed.json")},
                                     8000ms);
    CHECK(missing.exited);
    CHECK(missing.status != 0);
    no_database_left(dir.db("missing.db"));

    // A bare JSON array of comments is a seed too.
    json bare = json::array();
    for (int i = 1; i <= 3; ++i)
      bare.push_back({{"id", "b" + std::to_string(i)},
                      {"parent", nullptr},
                      {"thread", "/bare"},
                      {"author", {{"name", "Bare " + std::to_string(i)}, {"location", "Array"}}},
                      {"created", "2021-03-0" + std::to_string(i) + "T10:00:00Z"},
                      {"text", "bare comment " + std::to_string(i)},
                      {"votes", {{"up", 0}, {"down", 0}}},
                      {"status", "published"}});
    write_file(dir.file("bare.json"), bare.dump());
    server_process s(dir.db("bare.db"), {"--seed", dir.file("bare.json")});
    CHECK(db_int(dir.db("bare.db"), "SELECT count(*) FROM comments") == 3);
    const auto threads = db_strings(dir.db("bare.db"), "SELECT DISTINCT thread FROM comments");
    REQUIRE(threads.size() == 1);
    const std::string& thread = threads.front();
    raw::response r = call(s, "GET", thread_target(thread));
    INFO("thread of the bare seed: '" << thread << "': " << r.describe());
    CHECK(comment_ids(r) == std::vector<std::string>{"b1", "b2", "b3"});
  }

  TEST_CASE("8. Static files: no dotfiles, no symlinks out, no database under the root, no control bytes") {
    scratch_dir root, outside, data, widget;
    write_file(root.file("index.html"), "<p>hello</p>");
    write_file(root.file(".hidden"), "secret-dotfile");
    std::filesystem::create_directories(root.path / ".git");
    write_file(root.file(".git/config"), "secret-git");
    std::filesystem::create_directories(root.path / "sub");
    write_file(root.file("sub/.env"), "secret-env");
    write_file(outside.file("secret.txt"), "secret-outside");
    std::filesystem::create_symlink(outside.file("secret.txt"), root.path / "link.txt");
    std::filesystem::create_directory_symlink(outside.path, root.path / "linkdir");
    write_file(widget.file("colloquy.js"), "export {};");
    server_process s(data.db("c.db"), {"--root", root.path.string(), "--seed", seed_root + "/comments.json"});

    CHECK(call(s, "GET", "/index.html").body == "<p>hello</p>");
    for (const std::string path : {"/.hidden", "/%2ehidden", "/.git/config", "/sub/.env", "/sub/%2Eenv", "/link.txt",
                                   "/linkdir/secret.txt", "/sub/../.hidden"}) {
      raw::response r = call(s, "GET", path);
      INFO(path << ": " << r.describe());
      CHECK(r.body.find("secret") == std::string::npos);
      if (path.find("..") != std::string::npos) CHECK((r.status == 404 || r.status == 400));
      else CHECK(r.status == 404);
    }
    for (const std::string path : {"/index.html%00.js", "/index%01.html", "/index.html%1f", "/api/comments%00"}) {
      raw::response r = call(s, "GET", path);
      INFO(path << ": " << r.describe());
      CHECK(r.status == 400);
      CHECK(code_of(r) == "bad_path");
    }
    // The database must not be servable: a --db inside --root or --widget is refused.
    struct refused_case {
      std::vector<std::string> args;
      std::string db;
    };
    const std::vector<refused_case> cases = {
        {{"--root", root.path.string(), "--db", root.file("c.db")}, root.file("c.db")},
        {{"--root", root.path.string(), "--db", root.file("sub/../inner.db")}, root.file("inner.db")},
        {{"--root", seed_root, "--widget", widget.path.string(), "--db", widget.file("w.db")}, widget.file("w.db")},
    };
    for (const auto& c : cases) {
      std::vector<std::string> args = {"serve", "--port", "0"};
      args.insert(args.end(), c.args.begin(), c.args.end());
      run_result r = run_bounded(args, 5000ms);
      INFO("--db " << c.db << ": exited " << r.exited << ", status " << r.status << ", output: " << r.output);
      CHECK(r.exited);
      CHECK(r.status == 2);
      CHECK_FALSE(r.output.empty());
      CHECK_FALSE(std::filesystem::exists(c.db));
    }
  }

  TEST_CASE("9. A pending comment's clientId replayed elsewhere or with other text: 409, nothing leaks") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--moderate", "--admin-token", "moderator-token"});
    const std::string secret = "Pending secret 8472 visible only to its author";
    raw::response made = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                              post_body("/p1", secret, "pend-1"));
    REQUIRE(made.status == 201);
    CHECK(json_of(made)["status"] == "pending");
    const std::string id = json_of(made)["id"].get<std::string>();

    raw::response other_thread = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                                      post_body("/p2", secret, "pend-1"));
    INFO("other thread: " << other_thread.describe());
    CHECK(other_thread.status == 409);
    CHECK(code_of(other_thread) == "client_id_taken");
    CHECK(other_thread.body.find("8472") == std::string::npos);
    raw::response other_text = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                                    post_body("/p1", "Guessing another text", "pend-1"));
    INFO("other text: " << other_text.describe());
    CHECK(other_text.status == 409);
    CHECK(code_of(other_text) == "client_id_taken");
    CHECK(other_text.body.find("8472") == std::string::npos);
    raw::response same = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                              post_body("/p1", secret, "pend-1"));
    CHECK(same.status == 200);
    CHECK(json_of(same)["id"] == id);
    CHECK(json_of(same)["status"] == "pending");

    for (const std::string thread : {"/p1", "/p2"}) {
      raw::response list = call(s, "GET", thread_target(thread));
      CHECK(list.status == 200);
      CHECK_FALSE(contains(comment_ids(list), id));
      CHECK(list.body.find("8472") == std::string::npos);
    }
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE client_id = 'pend-1'") == 1);
  }

  TEST_CASE("10. Host header: only the server's own names; others get 421 and store nothing") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    const std::string p = std::to_string(s.port());
    raw::response evil = call(
        s, "POST", "/api/comments",
        {"Host: evil.example:" + p, "Origin: http://evil.example:" + p, "Content-Type: application/json"},
        post_body(seed_thread, "rebound", "host-1"));
    INFO("Host evil.example: " << evil.describe());
    CHECK(evil.status == 421);
    CHECK(code_of(evil) == "host_not_allowed");
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE client_id = 'host-1'") == 0);
    for (const std::string path : {"/api/comments?thread=%2F2010%2F09%2F24%2Fnato-russia-council", "/", "/index.html"}) {
      raw::response r = call(s, "GET", path, {"Host: evil.example:" + p});
      INFO(path << ": " << r.describe());
      CHECK(r.status == 421);
    }
    for (const std::string& host : {"localhost:" + p, "127.0.0.1:" + p, "[::1]:" + p, std::string("localhost")}) {
      raw::response r = call(s, "GET", thread_target(seed_thread), {"Host: " + host});
      INFO("Host " << host << ": " << r.describe());
      CHECK(r.status == 200);
    }

    scratch_dir dir2;
    server_process named(dir2.db("c.db"),
                         {"--host-name", "comments.example", "--public-url", "https://pub.example:8443/"});
    raw::response ok = call(
        named, "POST", "/api/comments",
        {"Host: comments.example", "Origin: http://comments.example", "Content-Type: application/json"},
        post_body(seed_thread, "by name", "host-2"));
    INFO("Host comments.example: " << ok.describe());
    CHECK(ok.status == 201);
    CHECK(call(named, "GET", thread_target(seed_thread), {"Host: comments.example"}).status == 200);
    CHECK(call(named, "GET", thread_target(seed_thread), {"Host: pub.example:8443"}).status == 200);
    // Loopback names stay answered beside the configured ones: the address the start-up line
    // prints, a health check on the machine.
    CHECK(call(named, "GET", thread_target(seed_thread), {"Host: 127.0.0.1:" + std::to_string(named.port())}).status ==
          200);
    CHECK(call(named, "GET", thread_target(seed_thread), {"Host: localhost"}).status == 200);
    raw::response still_evil = call(named, "GET", thread_target(seed_thread), {"Host: evil.example"});
    CHECK(still_evil.status == 421);
    CHECK(code_of(still_evil) == "host_not_allowed");
  }

  TEST_CASE("11. Rate limits: IPv6 by /64, admin endpoints limited, any wrong token 401") {
    scratch_dir dir;
    {
      server_process s(dir.db("c.db"), {"--trust-proxy", "--rate-limit", "2"});
      int n = 0;
      auto post_from = [&](const std::string& address) {
        const std::string k = std::to_string(n++);
        return call(s, "POST", "/api/comments", {"Content-Type: application/json", "X-Forwarded-For: " + address},
                    post_body(seed_thread, "v6 " + k, "v6-" + k));
      };
      CHECK(post_from("2001:db8::1").status == 201);
      CHECK(post_from("2001:db8::1").status == 201);
      raw::response same64 = post_from("2001:db8::2");
      INFO("2001:db8::2, same /64: " << same64.describe());
      CHECK(same64.status == 429);
      CHECK(code_of(same64) == "rate_limited");
      raw::response spelled = post_from("2001:DB8:0:0:ffff::3");
      INFO("2001:DB8:0:0:ffff::3, same /64: " << spelled.describe());
      CHECK(spelled.status == 429);
      raw::response other64 = post_from("2001:db8:0:1::1");
      INFO("2001:db8:0:1::1, another /64: " << other64.describe());
      CHECK(other64.status == 201);
    }
    {
      scratch_dir d;
      server_process s(d.file("c.db"), {"--admin-token", "correct-horse-battery", "--admin-rate-limit", "5"});
      for (int i = 0; i < 5; ++i) {
        raw::response r = call(s, "GET", "/api/admin/pending", {"Authorization: Bearer correct-horse-battery"});
        INFO("admin request " << i + 1 << ": " << r.describe());
        CHECK(r.status == 200);
      }
      raw::response sixth = call(s, "GET", "/api/admin/pending", {"Authorization: Bearer correct-horse-battery"});
      INFO("6th admin request within a minute: " << sixth.describe());
      CHECK(sixth.status == 429);
      raw::response seventh = call(s, "POST", "/api/admin/moderate",
                                   {"Authorization: Bearer correct-horse-battery", "Content-Type: application/json"},
                                   R"({"thread":"/x","id":"c1","action":"approve"})");
      CHECK(seventh.status == 429);
      CHECK(call(s, "GET", thread_target(seed_thread)).status == 200);  // reading is not limited
    }
    {
      // The moderation page signs in once with the token and then sends its session: a queue
      // worked through (three calls per approval) is never refused, and wrong tokens from the
      // same address lock out guessing, not the moderator.
      scratch_dir d;
      const std::string token = "correct-horse-battery";
      server_process s(d.file("c.db"), {"--admin-token", token, "--admin-rate-limit", "5"});
      raw::response in = call(s, "POST", "/api/admin/session",
                              {"Authorization: Bearer " + token, "Content-Type: application/json"}, "{}");
      REQUIRE_MESSAGE(in.status == 200, in.describe());
      const std::string session = json_of(in)["session"];
      CHECK(session.find(token) == std::string::npos);
      for (int i = 0; i < 40; ++i) {
        raw::response r = call(s, "GET", i % 2 ? "/api/admin/audit" : "/api/admin/comments?status=pending",
                               {"Authorization: Bearer " + session});
        INFO("signed-in call " << i + 1 << ": " << r.describe());
        CHECK(r.status == 200);
      }
      int refused = 0, unauthorised = 0;
      for (int i = 0; i < 30; ++i) {
        raw::response r = call(s, "GET", "/api/admin/pending", {"Authorization: Bearer guess-" + std::to_string(i)});
        refused += r.status == 429;
        unauthorised += r.status == 401;
      }
      CHECK(unauthorised == 4);  // the bucket of 5, one taken by the sign-in
      CHECK(refused == 26);
      // Guessing is refused before the token is looked at, the right one too ...
      CHECK(call(s, "GET", "/api/admin/pending", {"Authorization: Bearer " + token}).status == 429);
      // ... while the page already signed in goes on.
      CHECK(call(s, "GET", "/api/admin/pending", {"Authorization: Bearer " + session}).status == 200);
      CHECK(call(s, "GET", "/api/admin/pending", {"Authorization: Bearer session-" + std::string(64, '0')}).status == 429);
    }
    {
      scratch_dir d;
      const std::string token = "correct-horse-battery";
      server_process s(d.file("c.db"), {"--admin-token", token});
      std::vector<std::string> wrong = {"Authorization: Bearer ",
                                        "Authorization: Bearer c",
                                        "Authorization: Bearer " + token.substr(0, token.size() - 1),
                                        "Authorization: Bearer correct-horse-batterz",
                                        "Authorization: Bearer " + token + "y",
                                        "Authorization: Bearer " + std::string(4096, 'c'),
                                        "Authorization: Basic " + token,
                                        "Authorization: bearer" + token,
                                        "X-Nothing: 1"};
      for (const auto& h : wrong) {
        raw::response r = call(s, "GET", "/api/admin/pending", {h});
        INFO(h.substr(0, 60) << ": " << r.describe());
        CHECK(r.status == 401);
      }
      CHECK(call(s, "GET", "/api/admin/pending", {"Authorization: Bearer " + token}).status == 200);
    }
    if (!has_ipv6_loopback()) {
      MESSAGE("no ::1 on this machine: the IPv6 listener is not checked");
      return;
    }
    // The server listens on ::1 and limits posts from it.
    scratch_dir d6;
    server_process v6(d6.file("c.db"), {"--host", "::1", "--rate-limit", "1"});
    auto post6 = [&](const std::string& cid) {
      return raw::exchange(v6.port(),
                           raw::request("POST", "/api/comments", v6.port(),
                                        {"Host: [::1]:" + std::to_string(v6.port()), "Content-Type: application/json"},
                                        post_body(seed_thread, "from ::1 " + cid, cid)),
                           5000ms, "", "::1");
    };
    raw::response a = post6("six-1");
    INFO("from ::1: " << a.describe());
    CHECK(a.status == 201);
    CHECK(post6("six-2").status == 429);
  }

  TEST_CASE("12. SIGTERM while 20 connections trickle: exit 0 within --shutdown-timeout, nothing acknowledged lost") {
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    std::string id;
    {
      server_process s(db, {"--shutdown-timeout", "2"});
      std::vector<raw::connection> slow;
      slow.reserve(20);
      for (int i = 0; i < 20; ++i) {
        slow.emplace_back("127.0.0.1", s.port(), "127.0.0.4" + std::to_string(i % 4));
        slow.back().abort_on_close();
      }
      trickler t(slow, 25s);
      std::this_thread::sleep_for(1000ms);
      raw::response made = call(s, "POST", "/api/comments", {"Content-Type: application/json", "Connection: close"},
                                post_body(seed_thread, "acknowledged before SIGTERM", "term-1"));
      REQUIRE(made.status == 201);
      id = json_of(made)["id"].get<std::string>();
      const auto start = steady::now();
      int status = s.stop();
      const double took = seconds_since(start);
      t.stop();
      MESSAGE("exit status " << status << " after " << took << " s (-1: had to be killed after 15 s)");
      CHECK_MESSAGE(took <= 4.0, "the server took " << took << " s to exit (--shutdown-timeout 2)");
      CHECK(status == 0);
    }
    server_process again(db);
    raw::response r = call(again, "GET", thread_target(seed_thread));
    CHECK(contains(comment_ids(r), id));
  }

  TEST_CASE("13. Only JSON posts; a thread id is normalised for reading as for posting") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--rate-limit", "0"});
    const std::string multipart =
        "--XyZzy\r\nContent-Disposition: form-data; name=\"thread\"\r\n\r\n/m\r\n"
        "--XyZzy\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nhello\r\n--XyZzy--\r\n";
    raw::response form = call(s, "POST", "/api/comments", {"Content-Type: multipart/form-data; boundary=XyZzy"},
                              multipart);
    INFO("multipart: " << form.describe());
    CHECK(form.status == 415);
    CHECK(code_of(form) == "unsupported_media_type");
    raw::response jsonx = call(s, "POST", "/api/comments", {"Content-Type: application/jsonx"},
                               post_body(seed_thread, "not quite json", "type-1"));
    CHECK_MESSAGE(jsonx.status == 415, "application/jsonx: " << jsonx.describe());
    raw::response charset = call(s, "POST", "/api/comments", {"Content-Type: application/json; charset=utf-8"},
                                 post_body(seed_thread, "json with a charset", "type-2"));
    CHECK_MESSAGE(charset.status == 201, "application/json; charset=utf-8: " << charset.describe());

    // Posted with blanks, a control byte and a bidi override around it; read back the same way.
    const std::string raw_thread = " \t/norm/thread\x01\xE2\x80\xAE \t";
    raw::response made = call(s, "POST", "/api/comments", {"Content-Type: application/json"},
                              post_body(raw_thread, "normalised thread", "norm-1"));
    REQUIRE(made.status == 201);
    const std::string id = json_of(made)["id"].get<std::string>();
    for (const std::string& t :
         {raw_thread, std::string("/norm/thread"), std::string("/norm/thread "), std::string("\t/norm/thread")}) {
      raw::response r = call(s, "GET", thread_target(t));
      INFO("GET thread '" << raw::encode(t) << "': " << r.describe());
      CHECK(r.status == 200);
      CHECK(contains(comment_ids(r), id));
    }
  }

  TEST_CASE("14. Headers: Referrer-Policy everywhere, widget CORS/CORP, Vary on compressed, one Connection") {
    scratch_dir widget, dir;
    write_file(widget.file("colloquy.js"), "export function mount() { return 42; }\n" + std::string(4000, '/') + "\n");
    write_file(widget.file("colloquy.css"), ".colloquy { color: black; }\n");
    write_file(widget.file("colloquy.wasm"), std::string("\0asm\1\0\0\0", 8));
    server_process s(dir.db("c.db"), {"--widget", widget.path.string(), "--cors", "https://blog.example",
                                      "--admin-token", "header-token"});
    const int port = s.port();
    const std::string api = thread_target(seed_thread);
    std::vector<std::pair<std::string, std::string>> requests = {
        {"GET /", raw::request("GET", "/", port)},
        {"GET /index.html gzip", raw::request("GET", "/index.html", port, {"Accept-Encoding: gzip, br"})},
        {"HEAD /index.html", raw::request("HEAD", "/index.html", port)},
        {"GET /page.css", raw::request("GET", "/page.css", port, {"Accept-Encoding: gzip"})},
        {"GET missing file", raw::request("GET", "/nope.html", port)},
        {"GET thread", raw::request("GET", api, port, {"Accept-Encoding: gzip, br", "Origin: https://blog.example"})},
        {"GET thread missing", raw::request("GET", "/api/comments", port)},
        {"GET unknown API", raw::request("GET", "/api/nope", port)},
        {"DELETE comments", raw::request("DELETE", "/api/comments", port)},
        {"POST comment", raw::request("POST", "/api/comments", port, {"Content-Type: application/json"},
                                      post_body(seed_thread, "headers", "hdr-1"))},
        {"POST invalid", raw::request("POST", "/api/comments", port, {"Content-Type: application/json"}, "{")},
        {"POST too large",
         raw::request("POST", "/api/comments", port, {"Content-Type: application/json"}, std::string(300 * 1024, ' '))},
        {"OPTIONS preflight", raw::request("OPTIONS", "/api/comments", port,
                                           {"Origin: https://blog.example", "Access-Control-Request-Method: POST"})},
        {"admin wrong token", raw::request("GET", "/api/admin/pending", port, {"Authorization: Bearer nope"})},
        {"widget js", raw::request("GET", "/colloquy/colloquy.js", port, {"Accept-Encoding: gzip, br"})},
        {"widget css", raw::request("GET", "/colloquy/colloquy.css", port)},
        {"widget wasm", raw::request("GET", "/colloquy/colloquy.wasm", port)},
        {"widget missing", raw::request("GET", "/colloquy/missing.js", port)},
        {"bad path", raw::request("GET", "/index.html%00", port)},
        {"long line", raw::request("GET", "/api/comments?thread=" + std::string(9000, 'a'), port)},
        {"Connection: close", raw::request("GET", api, port, {"Connection: close"})},
        {"keep-alive, close", raw::request("GET", api, port, {"Connection: keep-alive, close"})},
    };
    std::vector<std::string> headers_102;
    for (int i = 0; i < 101; ++i) headers_102.push_back("X-H" + std::to_string(i) + ": 1");
    requests.emplace_back("102 headers", raw::request("GET", api, port, headers_102));

    for (const auto& [name, bytes] : requests) {
      raw::connection c("127.0.0.1", port);
      REQUIRE(c.connected());
      c.send(bytes, 3000ms);
      raw::response r = c.read_response(5000ms, name.rfind("HEAD", 0) == 0);
      INFO(name << ": " << r.describe() << "; Connection '" << all_values(r, "Connection") << "'");
      if (!r.got_status) {
        FAIL_CHECK("no answer");
        continue;
      }
      CHECK(r.header("Referrer-Policy") == "strict-origin-when-cross-origin");
      CHECK(r.header("X-Content-Type-Options") == "nosniff");
      CHECK(!r.header("Content-Security-Policy").empty());
      CHECK(r.count("Connection") <= 1);
      const std::string connection = raw::lower(all_values(r, "Connection"));
      CHECK_FALSE((connection.find("close") != std::string::npos && connection.find("keep-alive") != std::string::npos));
      if (connection.find("close") != std::string::npos)
        CHECK_MESSAGE(c.wait_closed(2000ms), "said close, stayed open");
      if (!r.header("Content-Encoding").empty()) CHECK(has_token(all_values(r, "Vary"), "Accept-Encoding"));
      if (name == "DELETE comments") {
        CHECK(r.status == 405);
        CHECK(code_of(r) == "method_not_allowed");
        CHECK(has_token(r.header("Allow"), "GET"));
      }
      if (name == "GET thread") {
        CHECK(has_token(all_values(r, "Vary"), "Accept-Encoding"));
        CHECK(has_token(all_values(r, "Vary"), "Origin"));
      }
      if (name == "GET unknown API") CHECK(code_of(r) == "not_found");
      if (name == "widget js" || name == "widget css" || name == "widget wasm") {
        CHECK(r.header("Access-Control-Allow-Origin") == "*");
        CHECK(r.header("Cross-Origin-Resource-Policy") == "cross-origin");
        CHECK(r.status == 200);
        CHECK(r.header("Cache-Control") == "no-cache");
      }
    }
    // A versioned widget URL is immutable only when the version is the file's hash.
    std::string sha = shell_output("sha256sum " + widget.file("colloquy.js"));
    REQUIRE(sha.size() >= 16);
    raw::response versioned = call(s, "GET", "/colloquy/colloquy.js?v=" + sha.substr(0, 8));
    CHECK(versioned.status == 200);
    CHECK(versioned.header("Cache-Control") == "public, max-age=31536000, immutable");
    CHECK(versioned.header("Access-Control-Allow-Origin") == "*");
    raw::response stale = call(s, "GET", "/colloquy/colloquy.js?v=01234567");
    CHECK(stale.status == 200);
    CHECK(stale.header("Cache-Control") == "no-cache");
  }

  TEST_CASE("15. Framing, Host and bodies a hostile client shapes: refused plainly, nothing planted or smuggled") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--host-name", "blog.example", "--header-timeout", "1", "--body-timeout", "1"});
    const std::string target = thread_target(seed_thread);
    // A port is digits: anything else after the name is refused, and the feed link a later reader
    // gets names the host they asked for.
    for (const char* host :
         {"blog.example:@evil.example", "blog.example:80/x?", "blog.example:\"><b>", "blog.example:"}) {
      raw::response r = call(s, "GET", target, {std::string("Host: ") + host});
      INFO(host << ": " << r.describe());
      CHECK(r.status == 421);
    }
    raw::response clean = call(s, "GET", target, {"Host: blog.example"});
    REQUIRE(clean.status == 200);
    CHECK(json_of(clean)["feed"] == "//blog.example/api/feed.atom?thread=" + seed_thread);
    CHECK(json_of(call(s, "GET", target, {"Host: blog.example:8080"}))["feed"] ==
          "//blog.example:8080/api/feed.atom?thread=" + seed_thread);
    // Two Hosts, or a body framed two ways: 400, and what follows is never read as a request.
    CHECK(call(s, "GET", target, {"Host: blog.example", "Host: evil.example"}).status == 400);
    for (const char* coding : {"chunked, identity", "gzip, chunked", "identity"}) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(raw::request(
          "POST", "/api/comments", s.port(),
          {"Host: blog.example", "Content-Type: application/json", std::string("Transfer-Encoding: ") + coding},
          "0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: blog.example\r\n\r\n")));
      raw::response r = c.read_response(3000ms);
      INFO(coding << ": " << r.describe());
      CHECK(r.status == 400);
      CHECK(c.wait_closed(3000ms));
    }
    // A request line or header line ended by a bare LF: refused at once (400 bad_request), not
    // a header waited for until its deadline (408, here after a second).
    for (const char* head : {"GET / HTTP/1.1\nHost: localhost\n\n", "GET / HTTP/1.1\r\nHost: localhost\n\r\n",
                             "GET / HTTP/1.1\r\nHost: localhost\r\nX: 1\n", "GET / HTTP/1.1\n"}) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(head));
      const auto sent = steady::now();
      raw::response r = c.read_response(3000ms);
      INFO(raw::encode(head) << ": " << r.describe() << " after " << seconds_since(sent) << " s");
      CHECK(r.status == 400);
      CHECK(code_of(r) == "bad_request");
      CHECK(c.wait_closed(3000ms));
    }
    // The same header sent a byte at a time with its CRLFs is read as usual.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      for (const char b : std::string("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n"))
        REQUIRE(c.send(std::string(1, b)));
      raw::response r = c.read_response(3000ms);
      INFO(r.describe());
      CHECK(r.status == 200);
    }
    // A chunk-size line or the last chunk's ended by a bare LF: bad framing, refused at once
    // (400 bad_request), not a body waited for until its deadline (408, here after a second).
    for (const char* chunks : {"5\nhello\n0\n\n", "5;name=value\nhello\n0\n\n", "5\nhello\r\n0\r\n\r\n",
                               "5\r\nhello\r\n0\n\n", "0\n\r\n", "0\r\n\n"}) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(raw::request("POST", "/api/comments", s.port(),
                                  {"Content-Type: application/json", "Transfer-Encoding: chunked"}, chunks)));
      const auto sent = steady::now();
      raw::response r = c.read_response(3000ms);
      INFO(raw::encode(chunks) << ": " << r.describe() << " after " << seconds_since(sent) << " s");
      CHECK(r.status == 400);
      CHECK(code_of(r) == "bad_request");
      CHECK(c.wait_closed(3000ms));
    }
    // A folder named without its slash is redirected on this host, whatever the path's slashes.
    {
      scratch_dir site_dir;
      const std::string root = site_dir.file("site");
      std::filesystem::create_directories(root + "/2010");
      std::ofstream(root + "/2010/index.html") << "<!doctype html><title>2010</title>";
      server_process files(site_dir.db("c.db"), {"--root", root});
      for (const char* path : {"//2010", "/2010"}) {
        raw::response folder = call(files, "GET", path);
        INFO(path << ": " << folder.describe());
        CHECK(folder.status == 301);
        CHECK(folder.reason == "Moved Permanently");
        CHECK(folder.header("Location") == "/2010/");
      }
      raw::response queried = call(files, "GET", "/2010?utm_source=feed&x=%2F");
      CHECK(queried.status == 301);
      CHECK(queried.header("Location") == "/2010/?utm_source=feed&x=%2F");  // the query kept, as sent
    }
    // Headers over 16 KiB in all, even when they arrive in one piece: 431, not 200 or 414.
    std::vector<std::string> many{"Host: blog.example"};
    for (int i = 0; i < 40; ++i) many.push_back("X-Pad-" + std::to_string(i) + ": " + std::string(500, 'p'));
    CHECK(call(s, "GET", target, many).status == 431);
    CHECK(call(s, "GET", target, {"Host: blog.example", "X-Big: " + std::string(17000, 'b')}).status == 431);
    // Too slow: 408 is written before the connection is closed.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send("GET " + target + " HTTP/1.1\r\nHost: blog.example\r\n"));
      raw::response r = c.read_response(5000ms);
      INFO(r.describe());
      CHECK(r.status == 408);
      CHECK(code_of(r) == "request_timeout");
    }
    // A vote nested 100,000 deep is not JSON here, refused without building it; an id no comment
    // can have (a NUL, not UTF-8) finds nothing, on either backend.
    const std::string vote_headers = "Content-Type: application/json";
    raw::response deep = call(s, "POST", "/api/comments/votes", {"Host: blog.example", vote_headers},
                              std::string(100000, '[') + std::string(100000, ']'));
    CHECK(deep.status == 400);
    CHECK(code_of(deep) == "not_json");
    raw::response nul = call(s, "POST", "/api/comments/votes", {"Host: blog.example", vote_headers},
                             R"({"thread":")" + seed_thread + R"(","comment":"c1\u0000x","voter":"voter-123","vote":1})");
    INFO(nul.describe());
    CHECK(nul.status == 404);
    CHECK(code_of(nul) == "no_such_comment");
    for (const char* method : {"PATCH", "DELETE"}) {
      raw::response r = call(s, method, "/api/comments/%FF?thread=" + raw::encode(seed_thread),
                             {"Host: blog.example", vote_headers, "Authorization: Bearer t"},
                             method[0] == 'P' ? R"({"thread":"/t","text":"x","token":"t"})" : "");
      INFO(method << ": " << r.describe());
      CHECK(r.status == 404);
    }
  }

  TEST_CASE("16. Absolute-form targets: served as their path, their authority checked as the Host; no proxying") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--host-name", "blog.example"});
    const std::string target = thread_target(seed_thread);
    const std::string feed = "/api/feed.atom?thread=" + seed_thread;
    // RFC 9112 §3.2.2: a server accepts the absolute-form; the path and query are the target's,
    // and the host is the target's authority, whatever the Host header says.
    for (const char* scheme : {"http", "https", "HTTP"}) {
      raw::response r = call(s, "GET", std::string(scheme) + "://blog.example" + target, {"Host: blog.example"});
      INFO(std::string(scheme) << ": " << r.describe());
      CHECK(r.status == 200);
      CHECK(json_of(r)["thread"] == seed_thread);
      CHECK(json_of(r)["feed"] == "//blog.example" + feed);
    }
    // The authority names the origin the feed link (and the answer kept for it) carries; a later
    // reader asking by Host gets its own origin's link, not the earlier one's.
    {
      raw::response port = call(s, "GET", "http://blog.example:8080" + target, {"Host: evil.example"});
      INFO("authority with a port: " << port.describe());
      CHECK(port.status == 200);
      CHECK(json_of(port)["feed"] == "//blog.example:8080" + feed);
    }
    CHECK(json_of(call(s, "GET", target, {"Host: blog.example"}))["feed"] == "//blog.example" + feed);
    // An authority the server does not answer to is refused as that Host would be, whatever
    // Host is sent beside it: no way around the check (or into the links and their cache).
    for (const std::string& t : {"http://evil.example" + target, "https://evil.example:8443" + feed,
                                 std::string("http://evil.example/"), std::string("http://evil.example")}) {
      raw::response r = call(s, "GET", t, {"Host: blog.example"});
      INFO(t << ": " << r.describe());
      CHECK(r.status == 421);
      CHECK(code_of(r) == "host_not_allowed");
    }
    {
      raw::response post = call(s, "POST", "http://evil.example/api/comments",
                                {"Host: blog.example", "Origin: http://evil.example", "Content-Type: application/json"},
                                post_body(seed_thread, "through the authority", "absolute-1"));
      INFO("post: " << post.describe());
      CHECK(post.status == 421);
      CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE client_id = 'absolute-1'") == 0);
    }
    {
      raw::response posted = call(
          s, "POST", "http://blog.example/api/comments",
          {"Host: evil.example", "Origin: http://blog.example", "Content-Type: application/json"},
          post_body(seed_thread, "by the blog's own name", "absolute-2"));
      INFO("post by the allowed authority: " << posted.describe());
      CHECK(posted.status == 201);
    }
    // Files too, with an empty path read as "/"; HTTP/1.0 without a Host; two on one connection.
    CHECK(call(s, "GET", "http://blog.example/index.html").status == 200);
    CHECK(call(s, "GET", "http://blog.example").status == 200);
    CHECK(call(s, "GET", "http://blog.example?x=1").status == 200);
    CHECK(raw::exchange(s.port(), "GET http://blog.example" + target + " HTTP/1.0\r\n\r\n").status == 200);
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(raw::request("GET", "http://blog.example" + target, s.port(), {"Host: blog.example"}) +
                     raw::request("GET", target, s.port(), {"Host: blog.example"})));
      raw::response first = c.read_response(3000ms), second = c.read_response(3000ms);
      INFO(first.describe() << " then " << second.describe());
      CHECK(first.status == 200);
      CHECK(second.status == 200);
    }
    // Other schemes, a user name, no host: 400 (RFC 9110 §4.2.1, §4.2.4).
    for (const char* t :
         {"ftp://blog.example/index.html", "file:///etc/passwd", "ws://blog.example/", "http://user@blog.example/",
          "http://blog.example:@evil.example/", "http:///index.html", "http://", "javascript:alert(1)"}) {
      raw::response r = call(s, "GET", t, {"Host: blog.example"});
      INFO(std::string(t) << ": " << r.describe());
      CHECK(r.status == 400);
      CHECK(code_of(r) == "bad_path");
    }
    // Not a proxy: CONNECT (authority-form) is refused and the tunnel never opens; the
    // asterisk-form is for OPTIONS about the server as a whole.
    for (const char* authority : {"blog.example:443", "evil.example:443"}) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(std::string("CONNECT ") + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
      raw::response r = c.read_response(3000ms);
      INFO("CONNECT " << std::string(authority) << ": " << r.describe());
      CHECK(r.complete);
      CHECK((r.status == 405 || r.status == 421));
      if (r.status == 405) CHECK(code_of(r) == "method_not_allowed");
      CHECK(c.wait_closed(3000ms));
    }
    {
      raw::response options = call(s, "OPTIONS", "*", {"Host: blog.example"});
      INFO("OPTIONS *: " << options.describe());
      CHECK((options.status == 200 || options.status == 204));
      CHECK(has_token(options.header("Allow"), "GET"));
    }
    CHECK(call(s, "OPTIONS", "*", {"Host: evil.example"}).status == 421);
    for (const char* method : {"GET", "POST", "DELETE"}) {
      raw::response r = call(s, method, "*", {"Host: blog.example"});
      INFO(std::string(method) << " *: " << r.describe());
      CHECK(r.status == 400);
      CHECK(code_of(r) == "bad_path");
    }
    CHECK(call(s, "GET", target, {"Host: blog.example"}).status == 200);
  }

  TEST_CASE("17. Static files: only regular files are served; a FIFO, socket or device answers 404 at once") {
    scratch_dir root, data;
    write_file(root.file("index.html"), "<p>hello</p>");
    write_file(root.file("app.js"), "export {};");
    std::filesystem::create_directories(root.path / "sub");
    // Opening a FIFO for reading waits for a writer: each of these held a worker for good.
    std::vector<std::string> fifos;
    for (const char* name : {"pipe.txt", "app.js.br", "sub/index.html"}) {
      fifos.push_back(root.file(name));
      REQUIRE(mkfifo(fifos.back().c_str(), 0644) == 0);
    }
    std::filesystem::create_symlink("/dev/zero", root.path / "zero.txt");
    std::filesystem::create_symlink(root.file("pipe.txt"), root.path / "pipe-link.txt");
    const std::string socket_path = root.file("socket.txt");
    int unix_socket = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    REQUIRE(socket_path.size() < sizeof address.sun_path);
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    REQUIRE(::bind(unix_socket, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    // A device node inside the root, where the test may make one (root, outside some containers).
    const bool device = ::mknod(root.file("null.txt").c_str(), S_IFCHR | 0644, makedev(1, 3)) == 0;
    // Two workers: two requests held would stop every other request.
    server_process s(data.db("c.db"),
                     {"--root", root.path.string(), "--seed", seed_root + "/comments.json", "--workers", "2"});

    std::vector<std::string> paths = {"/pipe.txt", "/pipe-link.txt", "/sub/",     "/sub/index.html",
                                      "/zero.txt", "/socket.txt",    "/pipe.txt", "/sub/"};
    if (device) paths.push_back("/null.txt");
    for (const std::string& path : paths) {
      const auto start = steady::now();
      raw::response r = call(s, "GET", path, {}, "", "", 2000ms);
      INFO(path << ": " << r.describe() << " after " << seconds_since(start) << " s");
      CHECK(r.status == 404);
      CHECK(seconds_since(start) < 1.5);
    }
    // The regular file beside a FIFO sibling is served plainly, and so is everything else.
    {
      const auto start = steady::now();
      raw::response js = call(s, "GET", "/app.js", {"Accept-Encoding: br, gzip"}, "", "", 2000ms);
      INFO("/app.js: " << js.describe() << " after " << seconds_since(start) << " s");
      CHECK(js.status == 200);
      CHECK(js.body == "export {};");
      CHECK_FALSE(js.has("Content-Encoding"));
    }
    raw::response page = call(s, "GET", "/index.html", {}, "", "", 2000ms);
    INFO("/index.html: " << page.describe());
    CHECK(page.body == "<p>hello</p>");
    CHECK(call(s, "GET", thread_target(seed_thread), {}, "", "", 2000ms).status == 200);

    // A server that did block is let go, so that it stops within the test's time.
    for (int round = 0; round < 4; ++round)
      for (const std::string& f : fifos) {
        int w = ::open(f.c_str(), O_WRONLY | O_NONBLOCK);
        if (w >= 0) ::close(w);
      }
    ::close(unix_socket);
  }

  TEST_CASE("18. A FIFO or device as <root>/index.html: the server starts, and that page is not found") {
    scratch_dir root, data;
    const std::string index = root.file("index.html");
    REQUIRE(mkfifo(index.c_str(), 0644) == 0);  // read for the seed's thread, it blocked the start
    const auto start = steady::now();
    server_process s(data.db("c.db"), {"--root", root.path.string(), "--seed", seed_root + "/comments.json"});
    INFO("started after " << seconds_since(start) << " s");
    CHECK(call(s, "GET", thread_target(seed_thread), {}, "", "", 2000ms).status == 200);
    CHECK(call(s, "GET", "/", {}, "", "", 2000ms).status == 404);
    for (int round = 0; round < 4; ++round) {  // a server that did block is let go
      int w = ::open(index.c_str(), O_WRONLY | O_NONBLOCK);
      if (w >= 0) ::close(w);
    }
  }

  TEST_CASE("19b. Pages of a large thread built from nothing are rate limited per address; kept ones are not") {
    scratch_dir dir;
    write_file(dir.file("seed.json"), seed_document("/big", 3000, 250));
    server_process s(dir.db("c.db"), {"--seed", dir.file("seed.json"), "--page-rate-limit", "10"});
    const std::string target = thread_target("/big");
    REQUIRE(call(s, "GET", target, {}, "", "127.0.0.70", 20000ms).status == 200);  // the whole thread: large
    // A new `limit` each time, from one address: each is a page built from nothing.
    int built = 0, refused = 0;
    std::string retry_after;
    const auto start = steady::now();
    for (int k = 0; k < 30 && !refused; ++k) {
      raw::response r = call(s, "GET", target + "&limit=" + std::to_string(1000 - k), {}, "", "127.0.0.70", 20000ms);
      if (r.status == 200) ++built;
      else if (r.status == 429 && code_of(r) == "rate_limited") ++refused, retry_after = r.header("Retry-After");
      else FAIL("unexpected answer: " << r.describe());
    }
    MESSAGE(built << " new pages built for one address before a 429 (Retry-After: " << retry_after << " s)");
    // A bucket of 10, refilled one every 6 s: at most 10 plus what refilled while they were built.
    const int refilled = static_cast<int>(seconds_since(start) / 6.0) + 1;
    CHECK(refused == 1);
    CHECK(built >= 9);
    CHECK(built <= 10 + refilled);
    CHECK_FALSE(retry_after.empty());
    // What is kept costs nothing, and other addresses are not held back.
    CHECK(call(s, "GET", target + "&limit=1000", {}, "", "127.0.0.70").status == 200);
    CHECK(call(s, "GET", target, {}, "", "127.0.0.70").status == 200);
    CHECK(call(s, "GET", target + "&limit=500", {}, "", "127.0.0.71", 20000ms).status == 200);
    // A small thread's pages are never counted.
    for (int k = 1; k <= 20; ++k)
      CHECK(call(s, "GET", thread_target(seed_thread) + "&limit=" + std::to_string(k), {}, "", "127.0.0.70").status ==
            200);
    // Pages in another order (each reads every top-level comment) at new places cost the same,
    // and a small page between them (limit=1 at a new cursor) does not make the next one free.
    int mixed = 0, mixed_refused = 0;
    const auto mixed_start = steady::now();
    for (int k = 1; k <= 30 && !mixed_refused; ++k) {
      const std::string page = k % 2 ? "&limit=1&cursor=r" + std::to_string(k)
                                     : "&limit=1&sort=top&cursor=t" + std::to_string(k);
      raw::response r = call(s, "GET", target + page, {}, "", "127.0.0.72", 20000ms);
      if (r.status == 200) ++mixed;
      else if (r.status == 429) ++mixed_refused;
      else FAIL("unexpected answer: " << r.describe());
    }
    const int mixed_refilled = static_cast<int>(seconds_since(mixed_start) / 6.0) + 1;
    MESSAGE(mixed << " small and ordered pages built for one address before a 429");
    CHECK(mixed_refused == 1);
    CHECK(mixed <= 10 + mixed_refilled);
  }

  TEST_CASE("19. Hosts and made-up threads cannot sweep the answer cache; HEAD is never followed by a body") {
    scratch_dir dir;
    write_file(dir.file("seed.json"), seed_document("/big", 3000, 250));
    server_process s(dir.db("c.db"), {"--seed", dir.file("seed.json")});
    const std::string target = thread_target("/big");
    // Every Host (any port of an allowed name) gets the same comments and a feed link on one of
    // the server's names: its own for the first four origins asked, the first one's after that
    // (kept, compressed; never a rebuild, never a copy per request).
    auto timed = [&](const std::string& host, raw::response& r) {
      const auto t = steady::now();
      r = call(s, "GET", target, {"Host: " + host, "Accept-Encoding: br"}, "", "", 20000ms);
      return seconds_since(t) * 1000;
    };
    auto plain = [&](const std::string& host) { return json_of(call(s, "GET", target, {"Host: " + host})); };
    raw::response first;
    const double build_ms = timed("localhost", first);
    REQUIRE(first.status == 200);
    const json base = plain("localhost");
    REQUIRE(base["comments"].size() == 3000);
    std::set<std::string> etags{first.header("ETag")};
    std::vector<double> other_ms;
    for (int port = 1; port <= 12; ++port) {
      const std::string host = "localhost:" + std::to_string(port);
      raw::response r;
      other_ms.push_back(timed(host, r));
      REQUIRE(r.status == 200);
      CHECK(r.header("Content-Encoding") == "br");
      etags.insert(r.header("ETag"));
      json j = plain(host);
      CHECK(j["feed"] == (port <= 3 ? "//" + host + "/api/feed.atom?thread=/big" : base["feed"].get<std::string>()));
      j["feed"] = base["feed"];
      CHECK(j == base);
    }
    CHECK(etags.size() == 4);
    // Many made-up threads, then the big one again: it is still kept (timed, not asserted).
    for (int i = 0; i < 2500; ++i) {
      raw::response r = call(s, "GET", thread_target("/made-up/" + std::to_string(i)));
      REQUIRE(r.status == 200);
    }
    raw::response again;
    const double again_ms = timed("localhost", again);
    CHECK(again.header("ETag") == first.header("ETag"));
    std::sort(other_ms.begin(), other_ms.end());
    MESSAGE("3,000 comments: built in " << build_ms << " ms; 12 other Host ports, median " << other_ms[6]
                                        << " ms; after 2,500 made-up threads, " << again_ms << " ms");

    // HEAD on any route, errors included: the header and its Content-Length, then the next
    // answer on the same connection is read whole.
    for (const std::string& head_target : {std::string("/api/comments"), std::string("/api/comments/counts?thread=/big"),
                                           std::string("/no-such-file"), target}) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(raw::request("HEAD", head_target, s.port()) + raw::request("GET", target, s.port())));
      raw::response h = c.read_response(5000ms, true);
      INFO(head_target << ": " << h.describe());
      CHECK(h.got_status);
      CHECK(h.body.empty());
      raw::response next = c.read_response(10000ms);
      INFO("then: " << next.describe());
      CHECK(next.status == 200);
      CHECK(json_of(next)["comments"].size() == 3000);
    }
    // HTTP/1.0 with Transfer-Encoding: answered, then closed (RFC 9112 6.1), so what follows is
    // never read as a second request.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(
          c.send("POST /api/comments/votes HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n"
                 "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
                 "GET /api/comments?thread=/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n"));
      raw::response r = c.read_response(5000ms);
      INFO(r.describe());
      CHECK(r.got_status);
      CHECK(r.header("Connection") == "close");
      CHECK(c.wait_closed(3000ms));
    }
  }

  TEST_CASE("20. Expect: 100-continue: a request its head refuses is answered at once, never asked for its body") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--cors", "https://blog.example"});
    const long stored_before = db_int(dir.db("c.db"), "SELECT count(*) FROM comments");
    const std::string body = post_body(seed_thread, "sent after 100 Continue", "expect-1");
    const std::string json_type = "Content-Type: application/json",
                      length = "Content-Length: " + std::to_string(body.size());
    struct refused_head {
      std::string what, method, target;
      std::vector<std::string> headers;
      int status;
      std::string code;
    };
    const std::vector<refused_head> heads = {
        {"no such endpoint", "POST", "/api/nope", {json_type, length}, 404, "not_found"},
        {"a method the API path does not take", "PUT", "/api/comments", {json_type, length}, 405, "method_not_allowed"},
        {"a method a page does not take", "POST", "/index.html", {json_type, length}, 405, "method_not_allowed"},
        {"a post not in JSON",
         "POST",
         "/api/comments",
         {"Content-Type: text/plain", length},
         415,
         "unsupported_media_type"},
        {"an edit not in JSON",
         "PATCH",
         "/api/comments/c1",
         {"Content-Type: text/plain", length},
         415,
         "unsupported_media_type"},
        {"a vote from an origin not allowed",
         "POST",
         "/api/comments/votes",
         {json_type, length, "Origin: https://evil.example"},
         403,
         "origin_not_allowed"},
        {"a Host not answered",
         "POST",
         "/api/comments",
         {"Host: evil.example", json_type, length},
         421,
         "host_not_allowed"},
        {"moderation off", "POST", "/api/admin/moderate", {json_type, length}, 404, "not_found"},
        {"a chunked post not in JSON",
         "POST",
         "/api/comments",
         {"Content-Type: text/plain", "Transfer-Encoding: chunked"},
         415,
         "unsupported_media_type"},
        {"too large", "POST", "/api/comments", {json_type, "Content-Length: 10000000"}, 413, "body_too_large"},
    };
    for (const refused_head& h : heads) {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      std::vector<std::string> headers = h.headers;
      headers.push_back("Expect: 100-continue");
      REQUIRE(c.send(raw::request(h.method, h.target, s.port(), headers)));
      // The final answer comes first, with the CORS headers an allowed page would get, not 100.
      raw::response r = c.read_response(3000ms);
      INFO(h.what << ": " << r.describe());
      CHECK(r.status == h.status);
      CHECK(code_of(r) == h.code);
      CHECK(r.header("Connection") == "close");
      // A client that stops waiting sends its body anyway: it is dropped, never read as a request.
      c.send(body, 1000ms);
      ::shutdown(c.fd(), SHUT_WR);
      CHECK(c.wait_closed(3000ms));
      CHECK(c.pending().empty());
    }
    // A head the route takes is asked for its body, and then answered as ever, with CORS.
    {
      raw::connection c("127.0.0.1", s.port());
      REQUIRE(c.connected());
      REQUIRE(c.send(raw::request("POST", "/api/comments", s.port(),
                                  {json_type, length, "Origin: https://blog.example", "Expect: 100-continue"})));
      raw::response go_on = c.read_response(3000ms);
      INFO(go_on.describe());
      CHECK(go_on.status == 100);
      REQUIRE(c.send(body));
      raw::response stored = c.read_response(5000ms);
      INFO(stored.describe());
      CHECK(stored.status == 201);
      CHECK(stored.header("Access-Control-Allow-Origin") == "https://blog.example");
    }
    raw::response refused = [&] {
      raw::connection c("127.0.0.1", s.port());
      c.send(raw::request("POST", "/api/nope", s.port(),
                          {json_type, length, "Origin: https://blog.example", "Expect: 100-continue"}));
      return c.read_response(3000ms);
    }();
    CHECK(refused.status == 404);
    CHECK(refused.header("Access-Control-Allow-Origin") == "https://blog.example");
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments") == stored_before + 1);
  }

  TEST_CASE("21. --cors '*' answers back an Origin as browsers write it, never a malformed one") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--cors", "*"});
    const std::string target = thread_target(seed_thread);
    auto ask = [&](const std::string& method, const std::string& origin) {
      return call(s, method, method == "OPTIONS" ? "/api/comments" : target,
                  {"Origin: " + origin, "Access-Control-Request-Method: POST"});
    };
    for (const char* origin : {"https://blog.example", "http://127.0.0.1:8080", "http://[::1]:3000",
                               "https://blog.example.", "https://xn--bcher-kva.example", "http://my_host.example:1"}) {
      raw::response get = ask("GET", origin), preflight = ask("OPTIONS", origin);
      INFO(origin << ": " << get.describe() << "; preflight " << preflight.describe());
      CHECK(get.status == 200);
      CHECK(get.header("Access-Control-Allow-Origin") == origin);
      CHECK(preflight.header("Access-Control-Allow-Origin") == origin);
      CHECK(has_token(preflight.header("Access-Control-Allow-Methods"), "POST"));
    }
    for (const std::string origin : {"null",
                                     "https://blog.example/",
                                     "https://blog.example/path",
                                     "https://user@blog.example",
                                     "ftp://blog.example",
                                     "HTTPS://BLOG.EXAMPLE",
                                     "https://blog.example:",
                                     "https://blog.example:80a",
                                     "https://blog.example:123456",
                                     "https://",
                                     "https://blog.example evil",
                                     "https://blog.example\tevil",
                                     "https://a.example, https://b.example",
                                     "https://blog.example\"><script>",
                                     "https://b\xc3\xbc"
                                     "cher.example",
                                     "javascript:alert(1)",
                                     "https://[::1",
                                     "https://[]",
                                     "http://[:]",
                                     "http://.",
                                     "http://a..b",
                                     "http://.blog.example",
                                     "http://x:99999",
                                     "http://x:0",
                                     "http://x:080",
                                     "https://blog.example?x",
                                     "https://blog.example#x"}) {
      raw::response get = ask("GET", origin), preflight = ask("OPTIONS", origin);
      INFO(raw::encode(origin) << ": " << get.describe() << "; preflight " << preflight.describe());
      CHECK(get.got_status);
      CHECK_FALSE(get.has("Access-Control-Allow-Origin"));
      CHECK(preflight.got_status);
      CHECK_FALSE(preflight.has("Access-Control-Allow-Origin"));
      CHECK_FALSE(preflight.has("Access-Control-Allow-Methods"));
    }
    // "*" still lets anyone post, whatever its Origin says; it is only never echoed.
    raw::response posted = call(s, "POST", "/api/comments", {"Content-Type: application/json", "Origin: null"},
                                post_body(seed_thread, "from a sandboxed frame", "null-1"));
    CHECK(posted.status == 201);
    CHECK_FALSE(posted.has("Access-Control-Allow-Origin"));
  }
}
