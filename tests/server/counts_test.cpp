// GET /api/comments/counts (DESIGN §8): the published comments of up to 100 threads in one
// request, for the links of an index page. Runs against SQLite and, as the *_pg entries,
// PostgreSQL.
#include "raw_client.hpp"
#include "server_process.hpp"

using namespace colloquy::test;

namespace {
const std::string seed_thread = "/2010/09/24/nato-russia-council";
const std::string token = "counts-admin-token-0123456789";

std::string counts_target(const std::vector<std::string>& threads) {
  std::string target = "/api/comments/counts";
  for (std::size_t i = 0; i < threads.size(); ++i)
    target += (i ? "&thread=" : "?thread=") + httplib::detail::encode_query_param(threads[i]);
  return target;
}

httplib::Result get_counts(httplib::Client& c, const std::vector<std::string>& threads) {
  return c.Get(counts_target(threads).c_str());
}

json counts_of(httplib::Client& c, const std::vector<std::string>& threads) {
  auto r = get_counts(c, threads);
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  CHECK(r->get_header_value("Content-Type") == "application/json");
  json j = json::parse(r->body, nullptr, false);
  REQUIRE(j.is_object());
  REQUIRE(j["counts"].is_object());
  return j["counts"];
}

std::string error_code(const httplib::Result& r) {
  json j = json::parse(r->body, nullptr, false);
  return j.is_object() && j["error"].is_object() ? j["error"].value("code", "") : "";
}

void moderate(httplib::Client& c, const std::string& thread, const std::string& id, const std::string& action) {
  const httplib::Headers admin = {{"Authorization", "Bearer " + token}};
  auto r = c.Post("/api/admin/moderate", admin, json{{"thread", thread}, {"id", id}, {"action", action}}.dump(),
                  "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
}

void post_ok(httplib::Client& c, const std::string& thread, const std::string& client_id,
             const std::string& parent = "") {
  auto r = c.Post("/api/comments", post_body(thread, "counted " + client_id, client_id, parent), "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 201, r->body);
}
}  // namespace

TEST_SUITE("Reference server: comment counts") {
  TEST_CASE("Counts are the published comments of each thread, replies included; unknown threads are 0") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--admin-token", token, "--admin-rate-limit", "0", "--rate-limit", "0"});
    auto c = s.client();
    const std::string other = "/2011/03/07/lighthouse-repairs";
    post_ok(c, other, "count-1");
    post_ok(c, other, "count-2");
    post_ok(c, seed_thread, "count-3", "c1");
    json n = counts_of(c, {seed_thread, other, "/no/comments/yet"});
    CHECK(n.size() == 3);
    CHECK(n[seed_thread] == 4);
    CHECK(n[other] == 2);
    CHECK(n["/no/comments/yet"] == 0);

    // A deleted comment is no longer counted; a restored one is again.
    moderate(c, seed_thread, "c2", "delete");
    CHECK(counts_of(c, {seed_thread})[seed_thread] == 3);
    moderate(c, seed_thread, "c2", "restore");
    CHECK(counts_of(c, {seed_thread})[seed_thread] == 4);
  }

  TEST_CASE("Counts kept by one process follow writes made through another on the same database") {
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    server_process a(db, {"--admin-token", token, "--admin-rate-limit", "0", "--rate-limit", "0"});
    server_process b(db, {"--admin-token", token, "--admin-rate-limit", "0", "--rate-limit", "0"});
    auto ca = a.client();
    auto cb = b.client();
    const std::string other = "/2011/03/07/lighthouse-repairs";
    // Asked twice: the second answer comes from what the first kept.
    for (int i = 0; i < 2; ++i) {
      json n = counts_of(ca, {seed_thread, other});
      CHECK(n[seed_thread] == 3);
      CHECK(n[other] == 0);
    }
    post_ok(cb, seed_thread, "elsewhere-1");
    json n = counts_of(ca, {seed_thread, other});
    CHECK(n[seed_thread] == 4);
    CHECK(n[other] == 0);
    moderate(cb, seed_thread, "c2", "delete");
    CHECK(counts_of(ca, {seed_thread})[seed_thread] == 3);
    post_ok(cb, other, "elsewhere-2");
    n = counts_of(ca, {other, seed_thread});
    CHECK(n[other] == 1);
    CHECK(n[seed_thread] == 3);
  }

  TEST_CASE("Comments awaiting moderation are not counted until approved") {
    scratch_dir dir;
    server_process s(dir.db("c.db"),
                     {"--moderate", "--admin-token", token, "--admin-rate-limit", "0", "--rate-limit", "0"});
    auto c = s.client();
    auto r = c.Post("/api/comments", post_body(seed_thread, "wait for me", "pending-1"), "application/json");
    REQUIRE(r);
    REQUIRE(r->status == 201);
    std::string id = json::parse(r->body)["id"];
    CHECK(counts_of(c, {seed_thread})[seed_thread] == 3);
    moderate(c, seed_thread, id, "approve");
    CHECK(counts_of(c, {seed_thread})[seed_thread] == 4);
  }

  TEST_CASE("Threads are answered as sent: encoded characters, a repeated thread once") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const std::string odd = "/posts/café & \"quotes\"?x=1#frag";
    post_ok(c, odd, "odd-1");
    json n = counts_of(c, {odd, seed_thread, odd, seed_thread, odd});
    CHECK(n.size() == 2);
    CHECK(n[odd] == 1);
    CHECK(n[seed_thread] == 3);
    // HEAD answers as GET does, without a body.
    auto head = c.Head(counts_target({seed_thread}).c_str());
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->body.empty());
    // Only GET and HEAD.
    auto post = c.Post("/api/comments/counts", "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 405);
    CHECK(error_code(post) == "method_not_allowed");
  }
}

TEST_SUITE("Hostile clients: comment counts") {
  TEST_CASE("Counts: too many threads, huge or empty ids and repeated ids get a stable error or one answer each") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();

    SUBCASE("no thread at all, or an empty one") {
      auto none = c.Get("/api/comments/counts");
      REQUIRE(none);
      CHECK(none->status == 400);
      CHECK(error_code(none) == "missing_thread");
      auto empty = get_counts(c, {seed_thread, ""});
      REQUIRE(empty);
      CHECK(empty->status == 400);
      CHECK(error_code(empty) == "missing_thread");
      // Control characters alone normalise to nothing.
      auto controls = get_counts(c, {"\x01\x02"});
      REQUIRE(controls);
      CHECK(error_code(controls) == "missing_thread");
    }

    SUBCASE("100 distinct threads are answered; 101 are refused, whatever their order") {
      std::vector<std::string> threads;
      for (int i = 0; i < 100; ++i) threads.push_back("/t/" + std::to_string(i));
      json n = counts_of(c, threads);
      CHECK(n.size() == 100);
      for (const auto& t : threads) CHECK(n[t] == 0);
      threads.insert(threads.begin(), "/t/extra");
      auto over = get_counts(c, threads);
      REQUIRE(over);
      CHECK(over->status == 400);
      CHECK(error_code(over) == "too_many_threads");
      CHECK(json::parse(over->body)["error"]["field"] == "thread");
    }

    SUBCASE("the same thread 400 times is one thread") {
      std::vector<std::string> same(400, "/t/1");  // 6.4 KB of query, under the request line cap
      json n = counts_of(c, same);
      CHECK(n.size() == 1);
      CHECK(n["/t/1"] == 0);
    }

    SUBCASE("a thread id over 512 bytes is refused; one over the request line is 414") {
      auto longer = get_counts(c, {seed_thread, "/" + std::string(512, 'a')});
      REQUIRE(longer);
      CHECK(longer->status == 400);
      CHECK(error_code(longer) == "thread_too_long");
      json n = counts_of(c, {"/" + std::string(511, 'a')});
      CHECK(n.size() == 1);
      auto huge = raw::exchange(
          s.port(), raw::request("GET", "/api/comments/counts?thread=" + std::string(20000, 'x'), s.port()));
      CHECK(huge.status == 414);
      // The server goes on answering.
      CHECK(counts_of(c, {seed_thread})[seed_thread] == 3);
    }

    SUBCASE("bytes that are not UTF-8 and escapes that decode to them are counted and answered as JSON") {
      auto r = c.Get("/api/comments/counts?thread=%FF%FE&thread=%2Fa%00b&thread=%");
      REQUIRE(r);
      CHECK(r->status == 200);
      json j = json::parse(r->body, nullptr, false);
      REQUIRE(j.is_object());
      CHECK(j["counts"].size() == 3);
    }
  }
}
