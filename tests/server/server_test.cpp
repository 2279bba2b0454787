// The reference server end to end: a real `colloquy serve` on 127.0.0.1 with a temporary SQLite
// database, driven over HTTP (DESIGN §2 and §3).
#include <atomic>
#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "colloquy/boundary.hpp"
#include "server_process.hpp"

using namespace colloquy::test;

// The test client writes bodies the server may refuse and close on (413 mid-upload): a write
// to that closed socket must fail with EPIPE, not end the test process with SIGPIPE.
static const bool client_ignores_sigpipe = (std::signal(SIGPIPE, SIG_IGN), true);

namespace {
const std::string seed_thread = "/2010/09/24/nato-russia-council";
const httplib::Headers no_headers;

json get_thread(httplib::Client& c, const std::string& thread, const std::string& query = "") {
  auto r = c.Get(("/api/comments?thread=" + httplib::detail::encode_query_param(thread) + query).c_str());
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  auto j = json::parse(r->body, nullptr, false);
  REQUIRE(j.is_object());
  return j;
}

httplib::Result post(httplib::Client& c, const std::string& body, const httplib::Headers& h = no_headers) {
  return c.Post("/api/comments", h, body, "application/json");
}

json body_of(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

std::vector<std::string> ids(const json& doc) {
  std::vector<std::string> out;
  for (const auto& c : doc["comments"]) out.push_back(c["id"].get<std::string>());
  return out;
}
}  // namespace

TEST_SUITE("Reference server") {
  TEST_CASE("A new database is seeded and lists the seed thread") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    json doc = get_thread(c, seed_thread);
    CHECK(doc["thread"] == seed_thread);
    CHECK(doc["next"].is_null());
    CHECK(ids(doc) == std::vector<std::string>{"c1", "c2", "c3"});
    CHECK(doc["comments"][0]["author"]["name"] == "Mary D.");
    CHECK(doc["comments"][0]["created"] == "2010-09-25T14:03:00Z");
    CHECK(doc["comments"][1]["votes"]["up"] == 5);
    CHECK(doc["comments"][0].count("clientId") == 0);
    // The answer is a document the core reads without a single problem.
    auto read = colloquy::read_comments(doc.dump());
    CHECK(read.ok);
    CHECK(read.problems.empty());
    CHECK(get_thread(c, "/no/such/thread")["comments"].empty());
    auto missing = c.Get("/api/comments");
    REQUIRE(missing);
    CHECK(missing->status == 400);
    CHECK(body_of(missing)["error"]["code"] == "missing_thread");
    // Static pages keep the strict CSP.
    auto page = c.Get("/");
    REQUIRE(page);
    CHECK(page->status == 200);
    CHECK(page->get_header_value("Content-Security-Policy") ==
          "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'");
    CHECK(schema_version(dir.db("c.db")) == 7);
  }

  TEST_CASE("Posting creates a comment, stores the text raw and lists it") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    auto r = post(c, post_body(seed_thread, "  <b>bold?</b> & \"quotes\"\r\nline two\x01  ", "create-1", "", " Ann "));
    REQUIRE(r);
    CHECK(r->status == 201);
    json made = body_of(r);
    CHECK(made["status"] == "published");
    CHECK(made["text"] == "<b>bold?</b> & \"quotes\"\nline two");
    CHECK(made["author"]["name"] == "Ann");
    CHECK(made["parent"].is_null());
    CHECK(made["clientId"] == "create-1");
    CHECK(made["votes"]["up"] == 0);
    auto created = colloquy::parse_iso8601(made["created"].get<std::string>());
    REQUIRE(created);
    CHECK(std::abs(*created - std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count()) < 60000);
    json doc = get_thread(c, seed_thread);
    REQUIRE(doc["comments"].size() == 4);
    CHECK(doc["comments"][3]["id"] == made["id"]);
    CHECK(doc["comments"][3]["text"] == made["text"]);
    // Rendering escapes it: the raw text never becomes markup.
    std::string html = colloquy::render_comments(doc.dump(), "{}");
    CHECK(html.find("<b>bold?</b>") == std::string::npos);
    CHECK(html.find("&lt;b&gt;bold?&lt;/b&gt;") != std::string::npos);
  }

  TEST_CASE("Replies land under their parent; unknown parents are refused") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    auto reply = post(c, post_body(seed_thread, "A reply to Mary", "reply-1", "c1"));
    REQUIRE(reply);
    CHECK(reply->status == 201);
    CHECK(body_of(reply)["parent"] == "c1");
    std::string reply_id = body_of(reply)["id"];
    auto nested = post(c, post_body(seed_thread, "A reply to the reply", "reply-2", reply_id));
    REQUIRE(nested);
    CHECK(nested->status == 201);
    json doc = get_thread(c, seed_thread);
    CHECK(ids(doc) == std::vector<std::string>{"c1", "c2", "c3", reply_id, body_of(nested)["id"]});
    std::string html = colloquy::render_comments(doc.dump(), "{}");
    CHECK(html.find("data-id=\"" + reply_id + "\" data-depth=\"1\"") != std::string::npos);

    auto orphan = post(c, post_body(seed_thread, "to nobody", "reply-3", "c999"));
    REQUIRE(orphan);
    CHECK(orphan->status == 409);
    CHECK(body_of(orphan)["error"]["code"] == "parent_not_found");
    CHECK(body_of(orphan)["error"]["field"] == "parent");
    // Ids are per thread: c1 of the seed thread is no parent in another thread.
    auto elsewhere = post(c, post_body("/another/post", "cross-thread", "reply-4", "c1"));
    REQUIRE(elsewhere);
    CHECK(elsewhere->status == 409);
  }

  TEST_CASE("Paging counts top-level threads and never splits one") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const std::string t = "/paging";
    std::vector<std::string> tops;
    for (int i = 0; i < 5; ++i) {
      auto r = post(c, post_body(t, "top " + std::to_string(i), "page-top-" + std::to_string(i)));
      REQUIRE(r);
      REQUIRE(r->status == 201);
      tops.push_back(body_of(r)["id"]);
    }
    // Replies posted late still belong to their early thread's page.
    for (int i = 0; i < 5; ++i) {
      auto r = post(c, post_body(t, "reply " + std::to_string(i), "page-reply-" + std::to_string(i), tops[i % 2]));
      REQUIRE(r);
      REQUIRE(r->status == 201);
    }
    std::vector<std::string> seen;
    std::string cursor;
    int pages = 0;
    for (;; ++pages) {
      REQUIRE(pages < 10);
      json doc = get_thread(c, t, "&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor));
      std::set<std::string> page_ids;
      int top_level = 0;
      for (const auto& cm : doc["comments"]) {
        page_ids.insert(cm["id"].get<std::string>());
        if (cm["parent"].is_null()) ++top_level;
        else CHECK_MESSAGE(page_ids.count(cm["parent"].get<std::string>()), "reply without its parent on the page");
        seen.push_back(cm["id"]);
      }
      CHECK(top_level <= 2);
      CHECK(top_level >= 1);
      CHECK(doc["total"] == 10);  // every page says how many the thread has in all
      if (doc["next"].is_null()) break;
      cursor = doc["next"].get<std::string>();
    }
    CHECK(pages == 2);  // 2 + 2 + 1 top-level threads
    CHECK(seen.size() == 10);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 10);
    json first = get_thread(c, t, "&limit=1");
    CHECK(first["comments"].size() == 4);  // tops[0] and its three replies (0, 2, 4)
    json all = get_thread(c, t);
    CHECK(all["comments"].size() == 10);
    CHECK(all["next"].is_null());
    CHECK(!all.contains("total"));  // the whole thread counts itself
    // Past 1000 a limit is served as 1000 (here: everything), never refused.
    for (const char* big : {"&limit=1001", "&limit=5000", "&limit=99999999999999999999999"}) {
      CAPTURE(big);
      json doc = get_thread(c, t, big);
      CHECK(doc["comments"].size() == 10);
      CHECK(doc["next"].is_null());
    }
    for (const char* bad : {"&limit=0", "&limit=x", "&limit=-5", "&limit=", "&cursor=zzz", "&cursor=r-1"}) {
      CAPTURE(bad);
      auto r = c.Get(("/api/comments?thread=/paging" + std::string(bad)).c_str());
      REQUIRE(r);
      CHECK(r->status == 400);
      std::string code = body_of(r)["error"]["code"];
      CHECK((code == "bad_limit" || code == "bad_cursor"));
    }
    // In another order (the core's, sort.hpp) the pages follow that order: newest first here,
    // each top-level thread once and whole; a cursor of one order is not another's.
    std::vector<std::string> newest_tops;
    cursor.clear();
    for (pages = 0;; ++pages) {
      REQUIRE(pages < 10);
      json doc = get_thread(c, t, "&limit=2&sort=newest" + (cursor.empty() ? "" : "&cursor=" + cursor));
      for (const auto& cm : doc["comments"])
        if (cm["parent"].is_null()) newest_tops.push_back(cm["id"]);
      CHECK(doc["total"] == 10);
      if (doc["next"].is_null()) break;
      cursor = doc["next"].get<std::string>();
      CHECK(cursor[0] == 'n');
    }
    CHECK(pages == 2);
    // The core's newest: by time, newest first, then by id (two posts in one millisecond).
    std::vector<std::pair<std::int64_t, std::string>> by_time;  // created, id
    for (const auto& cm : all["comments"])
      if (cm["parent"].is_null())
        by_time.emplace_back(colloquy::parse_iso8601(cm["created"].get<std::string>()).value_or(0), cm["id"]);
    std::sort(by_time.begin(), by_time.end(),
              [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
    std::vector<std::string> expected_newest;
    for (const auto& [created, id] : by_time) expected_newest.push_back(id);
    CHECK(newest_tops == expected_newest);
    CHECK(get_thread(c, t, "&limit=1&sort=newest")["comments"][0]["id"] == expected_newest.front());
    CHECK(get_thread(c, t, "&sort=top")["comments"].size() == 10);
    // Each order's cursor is its own: taken by that order, refused (bad_cursor) by every other.
    const std::vector<std::string> orders = {"oldest", "newest", "top", "hot", "controversial"};
    for (const std::string& from : orders) {
      const json first_page = get_thread(c, t, "&limit=2&sort=" + from);
      REQUIRE(first_page["next"].is_string());
      const std::string its = first_page["next"].get<std::string>();
      for (const std::string& to : orders) {
        CAPTURE(from);
        CAPTURE(to);
        auto r = c.Get(("/api/comments?thread=/paging&limit=2&sort=" + to + "&cursor=" + its).c_str());
        REQUIRE(r);
        CHECK(r->status == (from == to ? 200 : 400));
        if (from != to) CHECK(body_of(r)["error"]["code"] == "bad_cursor");
      }
    }
    for (const char* bad :
         {"&sort=best", "&sort=", "&sort=newest&cursor=r1", "&limit=2&cursor=o2", "&limit=2&sort=top&cursor=o2"}) {
      CAPTURE(bad);
      auto r = c.Get(("/api/comments?thread=/paging" + std::string(bad)).c_str());
      REQUIRE(r);
      CHECK(r->status == 400);
      std::string code = body_of(r)["error"]["code"];
      CHECK((code == "bad_option" || code == "bad_cursor"));
    }
  }

  TEST_CASE("The default order's pages follow the core's oldest order, not the order comments were stored in") {
    scratch_dir dir;
    // A seed out of time order: top-level comments stored late, early ones stored last, ties of
    // one moment broken by id in byte order ("B" < "a" < "b"), replies of each.
    const json seed = json::array({
        {{"id", "late"}, {"created", "2020-01-05T00:00:00Z"}, {"text", "5"}},
        {{"id", "b"}, {"created", "2020-01-02T00:00:00Z"}, {"text", "2b"}},
        {{"id", "r1"}, {"parent", "late"}, {"created", "2020-01-06T00:00:00Z"}, {"text", "reply"}},
        {{"id", "early"}, {"created", "2020-01-01T00:00:00Z"}, {"text", "1"}},
        {{"id", "a"}, {"created", "2020-01-02T00:00:00Z"}, {"text", "2a"}},
        {{"id", "r2"}, {"parent", "early"}, {"created", "2020-01-07T00:00:00Z"}, {"text", "reply"}},
        {{"id", "B"}, {"created", "2020-01-02T00:00:00Z"}, {"text", "2B"}},
        {{"id", "mid"}, {"created", "2020-01-03T00:00:00Z"}, {"text", "3"}},
    });
    { std::ofstream(dir.file("seed.json")) << seed.dump(); }
    server_process s(dir.db("c.db"), {"--seed", dir.file("seed.json"), "--seed-thread", "/t"});
    auto c = s.client();
    // The core's order of the top-level threads (thread.hpp, sort.hpp: oldest).
    const std::string doc = seed.dump();
    colloquy::read_result read = colloquy::read_comments(doc);
    REQUIRE(read.ok);
    const colloquy::thread t = colloquy::build_thread(std::move(read.comments));
    std::vector<std::string> core;
    for (std::uint32_t start : t.starts) core.emplace_back(t.comments[t.entries[start].index].id);
    REQUIRE(core == std::vector<std::string>{"early", "B", "a", "b", "mid", "late"});
    // Each page holds the core's next `limit` top-level threads (in any order: the core threads
    // and sorts what it is given).
    for (const std::size_t limit : {1, 2, 4, 5}) {
      CAPTURE(limit);
      std::vector<std::set<std::string>> pages, expected;
      for (std::size_t i = 0; i < core.size(); i += limit)
        expected.emplace_back(core.begin() + long(i), core.begin() + long(std::min(core.size(), i + limit)));
      std::size_t comments = 0;
      std::string cursor;
      for (;;) {
        REQUIRE(pages.size() < 10);
        json page = get_thread(c, "/t", "&limit=" + std::to_string(limit) + (cursor.empty() ? "" : "&cursor=" + cursor));
        pages.emplace_back();
        for (const auto& cm : page["comments"]) {
          ++comments;
          if (cm["parent"].is_null()) pages.back().insert(cm["id"].get<std::string>());
        }
        if (page["next"].is_null()) break;
        cursor = page["next"].get<std::string>();
      }
      CHECK(pages == expected);
      CHECK(comments == 8);
    }
    // The first page is the core's first page (colloquy render --page-size 2).
    std::set<std::string> first;
    const json first_page = get_thread(c, "/t", "&limit=2");
    for (const auto& cm : first_page["comments"]) first.insert(cm["id"].get<std::string>());
    CHECK(first == std::set<std::string>{"B", "early", "r2"});
  }

  TEST_CASE("Validation errors answer 4xx with every problem and a stable code") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    auto empty = post(c, post_body(seed_thread, " \r\n\t ", "v-1"));
    REQUIRE(empty);
    CHECK(empty->status == 400);
    CHECK(body_of(empty)["error"]["code"] == "text_required");
    CHECK(body_of(empty)["error"]["field"] == "text");
    CHECK_FALSE(body_of(empty)["error"]["message"].get<std::string>().empty());

    auto lots = post(c, json({{"thread", ""},
                              {"text", std::string(40001, 'x')},
                              {"author", {{"name", std::string(201, 'n')}}},
                              {"clientId", "bad id"}})
                            .dump());
    REQUIRE(lots);
    CHECK(lots->status == 400);
    std::vector<std::string> codes;
    json lots_body = body_of(lots);
    for (const auto& p : lots_body["problems"]) codes.push_back(p["code"].get<std::string>());
    CHECK(codes == std::vector<std::string>{"thread_required", "name_too_long", "text_too_long", "bad_client_id"});

    auto not_json = post(c, "{\"thread\":");
    REQUIRE(not_json);
    CHECK(not_json->status == 400);
    CHECK(body_of(not_json)["error"]["code"] == "not_json");
    auto form = c.Post("/api/comments", "text=hi", "application/x-www-form-urlencoded");
    REQUIRE(form);
    CHECK(form->status == 415);
    CHECK(body_of(form)["error"]["code"] == "unsupported_media_type");
    auto bot = post(
        c, json({{"thread", seed_thread}, {"text", "buy now"}, {"clientId", "v-2"}, {"honeypot", "http://x"}}).dump());
    REQUIRE(bot);
    CHECK(bot->status == 422);
    CHECK(body_of(bot)["error"]["code"] == "honeypot_filled");
    // Nothing of the above was stored.
    CHECK(get_thread(c, seed_thread)["comments"].size() == 3);
  }

  TEST_CASE("A repeated clientId answers the stored comment, never a second copy") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    auto first = post(c, post_body(seed_thread, "only once", "idem-1-4b2f0c1e-9a7d"));
    REQUIRE(first);
    CHECK(first->status == 201);
    auto again = post(c, post_body(seed_thread, "only once", "idem-1-4b2f0c1e-9a7d"));
    REQUIRE(again);
    CHECK(again->status == 200);
    // The same comment; only its edit token is a new one (actions_test.cpp).
    json first_body = body_of(first), again_body = body_of(again);
    CHECK(again_body["token"] != first_body["token"]);
    first_body.erase("token");
    again_body.erase("token");
    CHECK(again_body == first_body);
    // The clientId with other content, or in another thread, is not a retry: refused, and the
    // stored comment is not revealed.
    auto changed = post(c, post_body(seed_thread, "edited text", "idem-1-4b2f0c1e-9a7d"));
    REQUIRE(changed);
    CHECK(changed->status == 409);
    CHECK(body_of(changed)["error"]["code"] == "client_id_taken");
    CHECK(changed->body.find("only once") == std::string::npos);
    auto elsewhere = post(c, post_body("/another/thread", "only once", "idem-1-4b2f0c1e-9a7d"));
    REQUIRE(elsewhere);
    CHECK(elsewhere->status == 409);
    CHECK(body_of(elsewhere)["error"]["code"] == "client_id_taken");

    // Racing: 16 connections send one new clientId at the same moment.
    std::atomic<int> created{0}, repeated{0}, other{0};
    std::set<std::string> answered_ids;
    std::mutex m;
    std::atomic<bool> go{false};
    std::vector<std::thread> racers;
    for (int i = 0; i < 16; ++i) {
      racers.emplace_back([&] {
        auto rc = s.client();
        while (!go) std::this_thread::yield();
        auto r = post(rc, post_body(seed_thread, "race", "idem-race"));
        if (!r) ++other;
        else if (r->status == 201) ++created;
        else if (r->status == 200) ++repeated;
        else ++other;
        if (r && (r->status == 200 || r->status == 201)) {
          std::lock_guard<std::mutex> l(m);
          answered_ids.insert(body_of(r)["id"].get<std::string>());
        }
      });
    }
    go = true;
    for (auto& t : racers) t.join();
    CHECK(created == 1);
    CHECK(repeated == 15);
    CHECK(other == 0);
    CHECK(answered_ids.size() == 1);
    CHECK(get_thread(c, seed_thread)["comments"].size() == 5);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE client_id = 'idem-race'") == 1);
  }

  TEST_CASE("Posts are rate-limited per address, with Retry-After") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--rate-limit", "3"});
    auto c = s.client();
    for (int i = 0; i < 3; ++i) {
      auto r = post(c, post_body(seed_thread, "ok " + std::to_string(i), "rate-" + std::to_string(i)));
      REQUIRE(r);
      CHECK(r->status == 201);
    }
    auto limited = post(c, post_body(seed_thread, "one too many", "rate-3"));
    REQUIRE(limited);
    CHECK(limited->status == 429);
    CHECK(body_of(limited)["error"]["code"] == "rate_limited");
    int wait = std::atoi(limited->get_header_value("Retry-After").c_str());
    CHECK(wait >= 1);
    CHECK(wait <= 20);  // one token of 3 per minute
    // Reading is never limited.
    CHECK(get_thread(c, seed_thread)["comments"].size() == 6);

    scratch_dir dir2;
    server_process off(dir2.db("c.db"), {"--rate-limit", "0"});
    auto c2 = off.client();
    for (int i = 0; i < 30; ++i) {
      auto r = post(c2, post_body(seed_thread, "unlimited", "off-" + std::to_string(i)));
      REQUIRE(r);
      CHECK(r->status == 201);
    }
  }

  TEST_CASE("Behind a proxy, the limit counts the address the proxy appended to X-Forwarded-For") {
    // Without --trust-proxy the header is ignored: a client cannot dodge the limit with it.
    scratch_dir dir;
    server_process plain(dir.db("c.db"), {"--rate-limit", "2"});
    auto c = plain.client();
    for (int i = 0; i < 2; ++i) {
      auto r = post(c, post_body(seed_thread, "spoof " + std::to_string(i), "spoof-" + std::to_string(i)),
                    {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
      REQUIRE(r);
      CHECK(r->status == 201);
    }
    auto spoofed = post(c, post_body(seed_thread, "spoof 2", "spoof-2"), {{"X-Forwarded-For", "203.0.113.99"}});
    REQUIRE(spoofed);
    CHECK(spoofed->status == 429);

    // With it, each reader behind the proxy has a bucket of their own, keyed by the last entry
    // (the one the proxy wrote); what a client put before it changes nothing.
    scratch_dir dir2;
    server_process proxied(dir2.db("c.db"), {"--rate-limit", "2", "--trust-proxy"});
    auto p = proxied.client();
    for (int i = 0; i < 2; ++i) {
      auto r = post(p, post_body(seed_thread, "a " + std::to_string(i), "a-" + std::to_string(i)),
                    {{"X-Forwarded-For", "198.51.100.7, 192.0.2.1"}});
      REQUIRE(r);
      CHECK(r->status == 201);
    }
    auto a_again = post(p, post_body(seed_thread, "a 2", "a-2"), {{"X-Forwarded-For", "10.9.9.9, 192.0.2.1"}});
    REQUIRE(a_again);
    CHECK(a_again->status == 429);
    auto b = post(p, post_body(seed_thread, "b", "b-0"), {{"X-Forwarded-For", "192.0.2.2"}});
    REQUIRE(b);
    CHECK(b->status == 201);
  }

  TEST_CASE("Pre-moderation: pending until approved through the admin endpoint") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--moderate", "--admin-token", "s3cret-token"});
    auto c = s.client();
    auto r = post(c, post_body(seed_thread, "please approve", "mod-1"));
    REQUIRE(r);
    CHECK(r->status == 201);
    CHECK(body_of(r)["status"] == "pending");
    std::string id = body_of(r)["id"];
    auto again = post(c, post_body(seed_thread, "please approve", "mod-1"));
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(body_of(again)["status"] == "pending");
    auto spam = post(c, post_body(seed_thread, "spam", "mod-2"));
    REQUIRE(spam);
    std::string spam_id = body_of(spam)["id"];
    // Not shown to others, nor counted. Its author may answer it: the answer waits too.
    CHECK(ids(get_thread(c, seed_thread)) == std::vector<std::string>{"c1", "c2", "c3"});
    CHECK(get_thread(c, seed_thread, "&limit=1")["total"] == 3);
    auto reply = post(c, post_body(seed_thread, "reply to pending", "mod-3", id));
    REQUIRE(reply);
    CHECK(reply->status == 201);
    CHECK(body_of(reply)["status"] == "pending");
    CHECK(ids(get_thread(c, seed_thread)) == std::vector<std::string>{"c1", "c2", "c3"});

    auto anonymous = c.Get("/api/admin/pending");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
    auto wrong = c.Get("/api/admin/pending", {{"Authorization", "Bearer s3cret-tokem"}});
    REQUIRE(wrong);
    CHECK(wrong->status == 401);
    httplib::Headers admin = {{"Authorization", "Bearer s3cret-token"}};
    auto pending = c.Get("/api/admin/pending", admin);
    REQUIRE(pending);
    CHECK(pending->status == 200);
    REQUIRE(body_of(pending)["comments"].size() == 3);
    CHECK(body_of(pending)["comments"][0]["id"] == id);
    CHECK(body_of(pending)["comments"][0]["thread"] == seed_thread);

    auto approve = c.Post("/api/admin/moderate", admin,
                          json({{"thread", seed_thread}, {"id", id}, {"action", "approve"}}).dump(), "application/json");
    REQUIRE(approve);
    CHECK(approve->status == 200);
    CHECK(body_of(approve)["status"] == "published");
    auto reject = c.Post("/api/admin/moderate", admin,
                         json({{"thread", seed_thread}, {"id", spam_id}, {"action", "reject"}}).dump(),
                         "application/json");
    REQUIRE(reject);
    CHECK(reject->status == 200);
    auto twice = c.Post("/api/admin/moderate", admin,
                        json({{"thread", seed_thread}, {"id", spam_id}, {"action", "approve"}}).dump(),
                        "application/json");
    REQUIRE(twice);
    CHECK(twice->status == 404);
    CHECK(body_of(twice)["error"]["code"] == "not_pending");
    const std::string reply_id = body_of(reply)["id"];
    auto answered = c.Post("/api/admin/moderate", admin,
                           json({{"thread", seed_thread}, {"id", reply_id}, {"action", "approve"}}).dump(),
                           "application/json");
    REQUIRE(answered);
    CHECK(answered->status == 200);
    CHECK(ids(get_thread(c, seed_thread)) == std::vector<std::string>{"c1", "c2", "c3", id, reply_id});
    CHECK(get_thread(c, seed_thread, "&limit=1")["total"] == 5);
    CHECK(body_of(c.Get("/api/admin/pending", admin))["comments"].empty());
    // The admin command moderates the same database beside the running server.
    auto third = post(c, post_body(seed_thread, "approved from the command line", "mod-4"));
    REQUIRE(third);
    std::string third_id = body_of(third)["id"];
    std::string out;
    CHECK(run_cli({"admin", "pending", "--db", dir.db("c.db")}, out) == 0);
    CHECK(out.find("approved from the command line") != std::string::npos);
    out.clear();
    CHECK(run_cli({"admin", "approve", "--db", dir.db("c.db"), "--thread", seed_thread, "--id", third_id}, out) == 0);
    CHECK(ids(get_thread(c, seed_thread)) == std::vector<std::string>{"c1", "c2", "c3", id, reply_id, third_id});
    out.clear();
    CHECK(run_cli({"admin", "approve", "--db", dir.db("c.db"), "--thread", seed_thread, "--id", third_id}, out) == 1);
    out.clear();
    const std::string no_db = testing_postgresql() ? postgresql_base() + "no_such_database" : dir.file("none.db");
    CHECK(run_cli({"admin", "pending", "--db", no_db}, out) == 1);
    CHECK_FALSE(std::filesystem::exists(dir.file("none.db")));
    // Without --admin-token the endpoints do not exist.
    scratch_dir dir2;
    server_process plain(dir2.db("c.db"));
    auto pc = plain.client();
    auto none = pc.Get("/api/admin/pending", admin);
    REQUIRE(none);
    CHECK(none->status == 404);
  }

  TEST_CASE("CORS: configured origins only, preflight included") {
    scratch_dir dir;
    // As copied from an address bar: the trailing "/" and the scheme's own port are dropped.
    server_process s(dir.db("c.db"), {"--cors", "HTTPS://Blog.example/,https://other.example:443"});
    auto c = s.client();
    auto preflight = c.Options("/api/comments", {{"Origin", "https://blog.example"},
                                                 {"Access-Control-Request-Method", "POST"},
                                                 {"Access-Control-Request-Headers", "content-type"}});
    REQUIRE(preflight);
    CHECK(preflight->status == 204);
    CHECK(preflight->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
    CHECK(preflight->get_header_value("Access-Control-Allow-Methods").find("POST") != std::string::npos);
    CHECK(preflight->get_header_value("Access-Control-Allow-Headers").find("Content-Type") != std::string::npos);
    auto stranger = c.Options("/api/comments",
                              {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", "POST"}});
    REQUIRE(stranger);
    CHECK_FALSE(stranger->has_header("Access-Control-Allow-Origin"));
    CHECK_FALSE(stranger->has_header("Access-Control-Allow-Methods"));

    auto get = c.Get(("/api/comments?thread=" + seed_thread).c_str(), {{"Origin", "https://other.example"}});
    REQUIRE(get);
    CHECK(get->get_header_value("Access-Control-Allow-Origin") == "https://other.example");
    CHECK(get->get_header_value("Vary").find("Origin") != std::string::npos);
    auto ok = post(c, post_body(seed_thread, "from the blog", "cors-1"), {{"Origin", "https://blog.example"}});
    REQUIRE(ok);
    CHECK(ok->status == 201);
    CHECK(ok->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
    auto evil = post(c, post_body(seed_thread, "from elsewhere", "cors-2"), {{"Origin", "https://evil.example"}});
    REQUIRE(evil);
    CHECK(evil->status == 403);
    CHECK(body_of(evil)["error"]["code"] == "origin_not_allowed");
    CHECK_FALSE(evil->has_header("Access-Control-Allow-Origin"));
    // The page's own origin may always post.
    auto same = post(c, post_body(seed_thread, "same origin", "cors-3"), {{"Origin", s.origin()}});
    REQUIRE(same);
    CHECK(same->status == 201);
    CHECK(get_thread(c, seed_thread)["comments"].size() == 5);
  }

  TEST_CASE("Bodies over the limit are refused with 413 and a code") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--cors", "https://blog.example"});
    auto c = s.client();
    std::string huge = post_body(seed_thread, std::string(300 * 1024, 'x'), "big-1");
    auto r = post(c, huge, {{"Origin", "https://blog.example"}});
    REQUIRE(r);
    CHECK(r->status == 413);
    CHECK(body_of(r)["error"]["code"] == "body_too_large");
    CHECK(r->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
    // A chunked body has no length to check up front: it is cut off at the limit as it arrives.
    auto chunked_client = s.client();
    std::size_t sent = 0;
    auto chunked = chunked_client.Post(
        "/api/comments",
        [&](std::size_t, httplib::DataSink& sink) {
          if (sent >= 1024 * 1024) {
            sink.done();
            return true;
          }
          std::string chunk(64 * 1024, ' ');
          sent += chunk.size();
          return sink.write(chunk.data(), chunk.size());
        },
        "application/json");
    if (chunked) {  // the server may close before the client finishes sending
      CHECK(chunked->status == 413);
      CHECK(body_of(chunked)["error"]["code"] == "body_too_large");
    }
    // The longest valid text, fully escaped, still fits.
    auto c2 = s.client();
    std::string longest(40000, '<');
    auto fits = post(c2, post_body(seed_thread, longest, "big-2"));
    REQUIRE(fits);
    CHECK(fits->status == 201);
    CHECK(db_int(dir.db("c.db"), "SELECT length(text) FROM comments WHERE client_id = 'big-2'") == 40000);
  }

  TEST_CASE("Stopping closes the database cleanly; a restart keeps every comment") {
    scratch_dir dir;
    std::string db = dir.db("c.db");
    std::string id;
    {
      server_process s(db);
      auto c = s.client();
      auto r = post(c, post_body(seed_thread, "kept across restarts", "restart-1"));
      REQUIRE(r);
      REQUIRE(r->status == 201);
      id = body_of(r)["id"];
      CHECK(s.stop() == 0);
      CHECK(s.output().find("closed cleanly") != std::string::npos);
    }
    // A clean close checkpoints SQLite's write-ahead log into the database file.
    if (!testing_postgresql()) {
      std::error_code ec;
      auto wal = std::filesystem::file_size(db + "-wal", ec);
      CHECK((ec || wal == 0));
    }
    {
      server_process s(db);
      auto c = s.client();
      CHECK(ids(get_thread(c, seed_thread)) == std::vector<std::string>{"c1", "c2", "c3", id});
      CHECK(s.output().find("imported") == std::string::npos);  // the seed is imported once
      auto again = post(c, post_body(seed_thread, "kept across restarts", "restart-1"));
      REQUIRE(again);
      CHECK(again->status == 200);
      CHECK(body_of(again)["id"] == id);
    }
    // A database from a newer release is refused rather than misread.
    if (testing_postgresql()) {
      CHECK(postgresql_command(db, "UPDATE colloquy_schema SET version = 99").empty());
    } else {
      sqlite3* h = nullptr;
      REQUIRE(sqlite3_open(db.c_str(), &h) == SQLITE_OK);
      sqlite3_exec(h, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
      sqlite3_close(h);
    }
    std::string out;
    CHECK(failing_start({"--db", db}, out) == 1);
    CHECK(out.find("newer") != std::string::npos);
    out.clear();
    CHECK(failing_start({"--db", dir.db("x.db"), "--seed", dir.file("missing.json")}, out) == 1);
    CHECK(out.find("not imported") != std::string::npos);
  }
}
