// Moderation of any comment (delete and restore beside approve and reject), its audit log, the
// admin listing and search, the schema's migrations and constraints, and a database that goes
// away and comes back: against SQLite and PostgreSQL alike (COLLOQUY_TEST_BACKEND).
#include "server_process.hpp"

using namespace colloquy::test;

namespace {
const std::string seed_thread = "/2010/09/24/nato-russia-council";
const std::string token = "m0derator-token";
const httplib::Headers admin = {{"Authorization", "Bearer " + token}};

json parse(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body, nullptr, false);
}

httplib::Result act(httplib::Client& c, const std::string& thread, const std::string& id, const std::string& action) {
  return c.Post("/api/admin/moderate", admin, json{{"thread", thread}, {"id", id}, {"action", action}}.dump(),
                "application/json");
}

// The thread as the widget gets it: id -> {status, text}.
std::map<std::string, std::pair<std::string, std::string>> shown(httplib::Client& c, const std::string& thread) {
  auto r = c.Get(("/api/comments?thread=" + httplib::detail::encode_query_param(thread)).c_str());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  std::map<std::string, std::pair<std::string, std::string>> out;
  const json doc = json::parse(r->body);
  for (const auto& m : doc["comments"])
    out[m["id"].get<std::string>()] = {m["status"].get<std::string>(), m["text"].get<std::string>()};
  return out;
}

// Runs one SQL command on the test database, whichever the backend; "" or the error.
std::string sql_command(const std::string& db, const std::string& sql) {
  if (testing_postgresql()) return postgresql_command(db, sql);
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) return "cannot open " + db;
  char* message = nullptr;
  std::string error;
  if (sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) error = message ? message : "failed";
  sqlite3_free(message);
  sqlite3_close(h);
  return error;
}
}  // namespace

TEST_SUITE("Reference server") {
  TEST_CASE("Any comment can be deleted and restored, by the API and the CLI; the audit log keeps each action") {
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    server_process s(db, {"--admin-token", token, "--rate-limit", "0", "--admin-rate-limit", "0"});
    auto c = s.client();
    auto reply = c.Post("/api/comments", post_body(seed_thread, "a reply to Mary", "mod-reply", "c1"),
                        "application/json");
    REQUIRE(reply);
    REQUIRE(reply->status == 201);
    const std::string reply_id = parse(reply)["id"];

    // A published comment with a reply: deleted, it keeps its place without its text.
    auto del = act(c, seed_thread, "c1", "delete");
    REQUIRE(del);
    CHECK(del->status == 200);
    CHECK(parse(del)["status"] == "deleted");
    auto thread = shown(c, seed_thread);
    CHECK(thread["c1"] == std::pair<std::string, std::string>{"deleted", ""});
    CHECK(thread[reply_id].first == "published");
    // Twice: nothing left to delete; restore of a comment that is not deleted: refused.
    auto twice = act(c, seed_thread, "c1", "delete");
    REQUIRE(twice);
    CHECK(twice->status == 404);
    CHECK(parse(twice)["error"]["code"] == "no_such_comment");
    auto not_deleted = act(c, seed_thread, "c2", "restore");
    REQUIRE(not_deleted);
    CHECK(not_deleted->status == 404);
    CHECK(parse(not_deleted)["error"]["code"] == "not_deleted");
    CHECK(parse(act(c, seed_thread, "c99", "delete"))["error"]["code"] == "no_such_comment");
    CHECK(parse(act(c, seed_thread, "c1", "approve"))["error"]["code"] == "not_pending");
    CHECK(parse(act(c, seed_thread, "c1", "undo"))["error"]["code"] == "bad_moderation");
    // Read as JSON.parse reads it: a number beyond a double in a member nobody reads is still a
    // request; nesting past the reader's depth, or no JSON at all, is refused as a bad moderation.
    auto raw = [&](const std::string& body) {
      auto r = c.Post("/api/admin/moderate", admin, body, "application/json");
      REQUIRE(r);
      return std::pair<int, json>{r->status, json::parse(r->body, nullptr, false)};
    };
    const auto huge = raw(R"({"thread":")" + seed_thread + R"(","id":"c1","action":"approve","note":1e309})");
    CHECK(huge.first == 404);
    CHECK(huge.second["error"]["code"] == "not_pending");
    for (const std::string& body : {std::string(100000, '[') + std::string(100000, ']'), std::string("{"),
                                    std::string(R"({"thread":")") + seed_thread + R"(","id":7,"action":"delete"})"}) {
      const auto refused = raw(body);
      CHECK(refused.first == 400);
      CHECK(refused.second["error"]["code"] == "bad_moderation");
    }

    // Restored: its text is back.
    auto back = act(c, seed_thread, "c1", "restore");
    REQUIRE(back);
    CHECK(back->status == 200);
    CHECK(shown(c, seed_thread)["c1"] == std::pair<std::string, std::string>{"published", "Nice :)"});

    // The command line, on the same database beside the running server.
    std::string out;
    CHECK(run_cli({"admin", "delete", "--db", db, "--thread", seed_thread, "--id", "c2"}, out) == 0);
    CHECK(shown(c, seed_thread).count("c2") == 1);
    CHECK(shown(c, seed_thread)["c2"].first == "deleted");
    out.clear();
    CHECK(run_cli({"admin", "restore", "--db", db, "--thread", seed_thread, "--id", "c2"}, out) == 0);
    CHECK(shown(c, seed_thread)["c2"].first == "published");
    out.clear();
    CHECK(run_cli({"admin", "restore", "--db", db, "--thread", seed_thread, "--id", "c2"}, out) == 1);
    CHECK(out.find("no deleted comment c2") != std::string::npos);
    // An action without its comment's thread or id is a usage error naming what is missing,
    // told before the database is touched (the audit log below has nothing of it).
    for (const std::string action : {"approve", "reject", "delete", "restore"}) {
      for (const auto& [args, said] : std::vector<std::pair<std::vector<std::string>, std::string>>{
               {{"--id", "c2"}, "needs --thread T\n"},
               {{"--thread", seed_thread}, "needs --id ID\n"},
               {{"--thread", "", "--id", "c2"}, "needs --thread T, not ''\n"},
               {{"--thread", seed_thread, "--id", ""}, "needs --id ID, not ''\n"}}) {
        std::vector<std::string> line = {"admin", action, "--db", db};
        line.insert(line.end(), args.begin(), args.end());
        out.clear();
        CHECK(run_cli(line, out) == 2);
        CHECK(out == "colloquy admin: " + action + " " + said);
      }
    }

    // The audit log, newest first: what, when, from where, and the status before and after.
    auto audit = parse(c.Get("/api/admin/audit", admin));
    REQUIRE(audit["entries"].size() == 4);
    const std::vector<std::vector<std::string>> expected = {{"restore", "c2", "command line", "deleted", "published"},
                                                            {"delete", "c2", "command line", "published", "deleted"},
                                                            {"restore", "c1", "127.0.0.1", "deleted", "published"},
                                                            {"delete", "c1", "127.0.0.1", "published", "deleted"}};
    for (std::size_t i = 0; i < expected.size(); ++i) {
      const json& e = audit["entries"][i];
      CAPTURE(e.dump());
      CHECK(std::vector<std::string>{e["action"], e["id"], e["address"], e["before"], e["after"]} == expected[i]);
      CHECK(e["thread"] == seed_thread);
      CHECK(e["at"].get<std::string>().size() >= 20);
    }
    // Without the token, none of it.
    auto anonymous = c.Get("/api/admin/audit");
    REQUIRE(anonymous);
    CHECK(anonymous->status == 401);
  }

  TEST_CASE("A deleted pending comment comes back pending; the admin listing searches any status") {
    scratch_dir dir;
    server_process s(dir.db("c.db"),
                     {"--moderate", "--admin-token", token, "--rate-limit", "0", "--admin-rate-limit", "0"});
    auto c = s.client();
    auto p = c.Post("/api/comments", post_body(seed_thread, "Wait for **me**", "mod-pending", "", "Zed"),
                    "application/json");
    const std::string id = parse(p)["id"];
    CHECK(parse(act(c, seed_thread, id, "delete"))["status"] == "deleted");
    CHECK(parse(act(c, seed_thread, id, "restore"))["status"] == "pending");
    CHECK(shown(c, seed_thread).count(id) == 0);  // still unseen

    auto pending = parse(c.Get("/api/admin/comments?status=pending", admin));
    REQUIRE(pending["comments"].size() == 1);
    CHECK(pending["comments"][0]["id"] == id);
    CHECK(pending["comments"][0]["text"] == "Wait for **me**");
    // Rendered by the core: markup applied, the article named m0.
    const std::string html = pending["html"];
    CHECK(html.find("data-id=\"m0\"") != std::string::npos);
    CHECK(html.find("<strong>me</strong>") != std::string::npos);
    // Search: author or text, case-insensitive, any status; newest first.
    auto zed = parse(c.Get("/api/admin/comments?q=zED", admin));
    REQUIRE(zed["comments"].size() == 1);
    CHECK(zed["comments"][0]["id"] == id);
    auto security = parse(c.Get(
        ("/api/admin/comments?q=human%20security&thread=" + httplib::detail::encode_query_param(seed_thread)).c_str(),
        admin));
    REQUIRE(security["comments"].size() == 1);
    CHECK(security["comments"][0]["id"] == "c2");
    auto all = parse(c.Get("/api/admin/comments", admin));
    REQUIRE(all["comments"].size() == 4);
    CHECK(all["comments"][0]["id"] == id);
    auto bad = c.Get("/api/admin/comments?status=gone", admin);
    REQUIRE(bad);
    CHECK(bad->status == 400);
  }

  TEST_CASE(
      "--moderate: no text goes public unreviewed; an author's edit waits for approval, a stale approval is refused") {
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    server_process s(db, {"--moderate", "--admin-token", token, "--rate-limit", "0", "--admin-rate-limit", "0"});
    auto c = s.client();
    auto post_one = [&](const std::string& text, const std::string& client_id) {
      auto r = c.Post("/api/comments", post_body(seed_thread, text, client_id), "application/json");
      REQUIRE(r);
      REQUIRE(r->status == 201);
      return parse(r);
    };
    auto edit = [&](const json& made, const std::string& text) {
      auto r = c.Patch(("/api/comments/" + made["id"].get<std::string>()).c_str(),
                       json{{"thread", seed_thread}, {"text", text}, {"token", made["token"]}}.dump(),
                       "application/json");
      REQUIRE(r);
      REQUIRE_MESSAGE(r->status == 200, r->body);
      return parse(r);
    };
    auto approve = [&](const std::string& id, const json& edited) {
      json body = {{"thread", seed_thread}, {"id", id}, {"action", "approve"}};
      if (!edited.is_null()) body["edited"] = edited;
      return c.Post("/api/admin/moderate", admin, body.dump(), "application/json");
    };
    // The moderator's listing, as the page loads it: id -> the comment.
    auto queue = [&] {
      std::map<std::string, json> out;
      const json doc = parse(c.Get("/api/admin/comments?status=pending", admin));  // kept: a loop over
      for (const json& m : doc["comments"]) out[m["id"].get<std::string>()] = m;   // parse(…)[…] dangles
      return out;
    };

    // (a) Edited between the moderator's look and the click: the approval names the text seen.
    const json first = post_one("A perfectly nice comment.", "mod-race-1");
    const std::string a = first["id"];
    const json seen = queue().at(a);
    CHECK(seen["text"] == "A perfectly nice comment.");
    CHECK_FALSE(seen.contains("edited"));
    const json changed = edit(first, "BUY CHEAP PILLS http://spam.example");
    CHECK(changed["status"] == "pending");
    auto stale = approve(a, seen.value("edited", json()));
    REQUIRE(stale);
    CHECK(stale->status == 409);
    CHECK(parse(stale)["error"]["code"] == "comment_changed");
    CHECK(parse(stale)["comment"]["text"] == "BUY CHEAP PILLS http://spam.example");  // what to read now
    CHECK(parse(stale)["comment"]["status"] == "pending");
    CHECK(shown(c, seed_thread).count(a) == 0);
    // A made-up version is no better; the one listed now is.
    CHECK(approve(a, "2001-01-01T00:00:00Z")->status == 409);
    CHECK(approve(a, "yesterday")->status == 400);
    const json now = queue().at(a);
    CHECK(now["text"] == "BUY CHEAP PILLS http://spam.example");
    CHECK(now["edited"] == changed["edited"]);
    auto fresh = approve(a, now["edited"]);
    REQUIRE(fresh);
    CHECK(fresh->status == 200);
    CHECK(shown(c, seed_thread)[a].second == "BUY CHEAP PILLS http://spam.example");

    // (b) Edited after approval: back to pending, shown to nobody until approved again.
    const json second = post_one("Another harmless one.", "mod-race-2");
    const std::string b = second["id"];
    REQUIRE(approve(b, nullptr)->status == 200);
    CHECK(shown(c, seed_thread)[b].second == "Another harmless one.");
    const json defamed = edit(second, "Defamatory text, never reviewed");
    CHECK(defamed["status"] == "pending");
    CHECK(shown(c, seed_thread).count(b) == 0);
    CHECK(queue().at(b)["text"] == "Defamatory text, never reviewed");
    // The audit log has the author's edit, published -> pending.
    auto audit = parse(c.Get("/api/admin/audit", admin));
    CHECK(audit["entries"][0]["action"] == "author edit");
    CHECK(audit["entries"][0]["before"] == "published");
    CHECK(audit["entries"][0]["after"] == "pending");

    // The command line names the version too: `pending` prints it, `approve --edited` takes it.
    std::string out;
    CHECK(run_cli({"admin", "pending", "--db", db}, out) == 0);
    CHECK(out.find(defamed["edited"].get<std::string>()) != std::string::npos);
    out.clear();
    CHECK(run_cli({"admin", "approve", "--db", db, "--thread", seed_thread, "--id", b}, out) == 1);
    CHECK(out.find("edited by its author") != std::string::npos);
    CHECK(shown(c, seed_thread).count(b) == 0);
    out.clear();
    CHECK(run_cli({"admin", "approve", "--db", db, "--thread", seed_thread, "--id", b, "--edited",
                   defamed["edited"].get<std::string>()},
                  out) == 0);
    CHECK(shown(c, seed_thread)[b].second == "Defamatory text, never reviewed");

    // (c) Edited after approval with a published reply: listed in its place to keep the reply
    // there, awaiting moderation, with nothing a moderator has not read (no text, no author).
    const json parent = post_one("A comment people answered.", "mod-race-3");
    const std::string p = parent["id"];
    REQUIRE(approve(p, nullptr)->status == 200);
    auto answer = c.Post("/api/comments", post_body(seed_thread, "An answer.", "mod-race-4", p), "application/json");
    REQUIRE(answer);
    REQUIRE(answer->status == 201);
    const std::string r = parse(answer)["id"];
    REQUIRE(approve(r, nullptr)->status == 200);
    const json rewritten = edit(parent, "Rewritten, not reviewed yet");
    CHECK(rewritten["status"] == "pending");
    auto listing = [&](const std::string& query) {
      std::map<std::string, json> by_id;
      const json doc = parse(
          c.Get(("/api/comments?thread=" + httplib::detail::encode_query_param(seed_thread) + query).c_str()));
      for (const json& m : doc["comments"]) by_id[m["id"].get<std::string>()] = m;
      return by_id;
    };
    for (const std::string query : {"", "&limit=50", "&limit=50&sort=newest"}) {
      CAPTURE(query);
      const auto listed = listing(query);
      REQUIRE(listed.count(p) == 1);
      const json& held = listed.at(p);
      CHECK(held["status"] == "pending");
      CHECK(held["text"] == "");
      CHECK(held["author"]["name"] == "");
      CHECK(held["author"]["location"] == "");
      CHECK_FALSE(held.contains("votes"));
      CHECK(held.dump().find("Rewritten") == std::string::npos);
      CHECK(held.dump().find("Tester") == std::string::npos);
      REQUIRE(listed.count(r) == 1);
      CHECK(listed.at(r)["parent"] == p);
      CHECK(listed.at(r)["text"] == "An answer.");
    }
    // The newest comments (live updates) are published ones only.
    CHECK(listing("&recent=50").count(p) == 0);
    // Its author may answer it (the answer waits too); the moderator's approval shows the text.
    auto own = c.Post("/api/comments", post_body(seed_thread, "A note on my edit.", "mod-race-5", p),
                      "application/json");
    REQUIRE(own);
    CHECK(own->status == 201);
    REQUIRE(approve(p, rewritten["edited"])->status == 200);
    const auto after = listing("");
    CHECK(after.at(p)["status"] == "published");
    CHECK(after.at(p)["text"] == "Rewritten, not reviewed yet");
    CHECK(after.at(p)["author"]["name"] == "Tester");
    // A rejected edit leaves a deleted comment's placeholder, which keeps the replies.
    const json again = edit(parent, "Second thoughts");
    CHECK(again["status"] == "pending");
    CHECK(listing("").at(p)["text"] == "");
    REQUIRE(act(c, seed_thread, p, "reject")->status == 200);
    const auto rejected = listing("&limit=50");
    REQUIRE(rejected.count(p) == 1);
    CHECK(rejected.at(p)["status"] == "deleted");
    CHECK(rejected.at(p)["text"] == "");
    CHECK(rejected.at(p)["author"]["name"] == "");
    CHECK(rejected.at(r)["parent"] == p);
    CHECK(rejected.at(r)["text"] == "An answer.");
    // A pending comment with no published reply is listed to nobody (the author's own note).
    CHECK(rejected.count(parse(own)["id"].get<std::string>()) == 0);

    // (d) A chain: a reply approved under a reply that waits, under an edit that waits. Every
    // link is listed as a placeholder, so the approved reply keeps its place two levels down.
    const json top = post_one("A thread that grew.", "mod-race-6");
    const std::string t = top["id"];
    REQUIRE(approve(t, nullptr)->status == 200);
    auto reply_to = [&](const std::string& to, const char* text, const char* client) {
      auto res = c.Post("/api/comments", post_body(seed_thread, text, client, to), "application/json");
      REQUIRE(res);
      REQUIRE(res->status == 201);
      return parse(res)["id"].get<std::string>();
    };
    const std::string middle = reply_to(t, "Never reviewed.", "mod-race-7");
    const std::string bottom = reply_to(middle, "Reviewed and fine.", "mod-race-8");
    CHECK(listing("").count(middle) == 0);  // pending, with only pending below it
    REQUIRE(approve(bottom, nullptr)->status == 200);
    const json regrown = edit(top, "Rewritten after the replies");
    CHECK(regrown["status"] == "pending");
    for (const std::string query : {"", "&limit=50", "&limit=50&sort=newest", "&limit=50&sort=top"}) {
      CAPTURE(query);
      const auto listed = listing(query);
      REQUIRE(listed.count(t) == 1);
      CHECK(listed.at(t)["status"] == "pending");
      CHECK(listed.at(t)["text"] == "");
      REQUIRE(listed.count(middle) == 1);
      CHECK(listed.at(middle)["status"] == "pending");
      CHECK(listed.at(middle)["text"] == "");
      CHECK(listed.at(middle)["parent"] == t);
      REQUIRE(listed.count(bottom) == 1);
      CHECK(listed.at(bottom)["parent"] == middle);
      CHECK(listed.at(bottom)["text"] == "Reviewed and fine.");
    }
    // Rejected, the middle link is a deleted comment's placeholder; the chain holds.
    REQUIRE(act(c, seed_thread, middle, "reject")->status == 200);
    const auto cut = listing("&limit=50");
    REQUIRE(cut.count(middle) == 1);
    CHECK(cut.at(middle)["status"] == "deleted");
    CHECK(cut.at(t)["status"] == "pending");
    CHECK(cut.at(bottom)["parent"] == middle);

    // (e) The walk down stops 16 levels below a waiting comment (store_sql.hpp listed): a reply
    // approved under 17 waiting ones keeps the nearest 16 in place; the 17th above it is not
    // listed (the reply's thread then starts at the 16th).
    const json deep = post_one("A thread of waiting replies.", "mod-deep-0");
    REQUIRE(approve(deep["id"], nullptr)->status == 200);
    std::vector<std::string> chain;
    for (int k = 1; k <= 17; ++k) {
      const std::string client = "mod-deep-" + std::to_string(k);
      chain.push_back(reply_to(k == 1 ? deep["id"].get<std::string>() : chain.back(), "Waiting.", client.c_str()));
    }
    const std::string leaf = reply_to(chain.back(), "Approved at the bottom.", "mod-deep-18");
    REQUIRE(approve(leaf, nullptr)->status == 200);
    const auto deep_listing = listing("");
    CHECK(deep_listing.count(chain[0]) == 0);  // 17 levels above the approved reply
    for (std::size_t k = 1; k < chain.size(); ++k) {
      CAPTURE(k);
      CHECK(deep_listing.count(chain[k]) == 1);
    }
    REQUIRE(deep_listing.count(leaf) == 1);
    CHECK(deep_listing.at(leaf)["parent"] == chain.back());
  }

  TEST_CASE("The schema holds one vote per voter and comment") {
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    { server_process s(db); }
    const std::string vote =
        "INSERT INTO votes (thread, comment, voter, vote, created) VALUES ('/t', 'c1', 'voter-1', 1, 0)";
    CHECK(sql_command(db, vote) == "");
    CHECK(sql_command(db, vote) != "");
    CHECK(sql_command(
              db, "INSERT INTO votes (thread, comment, voter, vote, created) VALUES ('/t', 'c1', 'voter-2', 2, 0)") !=
          "");
    CHECK(db_int(db, "SELECT count(*) FROM votes") == 1);
  }

  TEST_CASE("A SQLite database of schema 2 is migrated forward, its comments kept") {
    if (testing_postgresql()) return;  // PostgreSQL support starts at schema 3
    scratch_dir dir;
    const std::string db = dir.db("v2.db");  // a file: this test is SQLite only
    // Schema 2 as released (store.cpp, migrations 1 and 2), with one comment.
    static const char* const schema_2 = R"sql(
      CREATE TABLE comments (seq INTEGER PRIMARY KEY AUTOINCREMENT, thread TEXT NOT NULL, id TEXT NOT NULL,
        parent TEXT, root INTEGER NOT NULL DEFAULT 0, author_name TEXT NOT NULL DEFAULT '',
        author_location TEXT NOT NULL DEFAULT '', author_url TEXT NOT NULL DEFAULT '', created INTEGER NOT NULL,
        edited INTEGER NOT NULL DEFAULT 0, text TEXT NOT NULL, up INTEGER NOT NULL DEFAULT 0,
        down INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'published'
          CHECK (status IN ('published', 'pending', 'deleted', 'rejected')),
        client_id TEXT UNIQUE, client_address TEXT NOT NULL DEFAULT '', UNIQUE (thread, id));
      CREATE INDEX comments_page ON comments (thread, root, seq);
      CREATE INDEX comments_pending ON comments (seq) WHERE status = 'pending';
      CREATE TABLE thread_versions (thread TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID;
      INSERT INTO comments (thread, id, root, author_name, created, text, client_id)
        VALUES ('/old', 'c1', 1, 'Old', 1285423380000, 'from schema 2', 'old-client-1');
      INSERT INTO thread_versions VALUES ('/old', 1);
      PRAGMA user_version = 2;)sql";
    const std::string made = sql_command(db, schema_2);
    REQUIRE(made.empty());
    server_process s(db, {"--admin-token", token});
    CHECK(schema_version(db) == 7);
    // Migration 5: the feeds' indexes; 6: the votes' addresses, counted per comment; 7: replies
    // by their parent.
    CHECK(db_strings(db, "SELECT name FROM sqlite_master WHERE name LIKE 'comments_%recent' ORDER BY name") ==
          std::vector<std::string>{"comments_recent", "comments_thread_recent"});
    CHECK(db_strings(db,
                     "SELECT name FROM sqlite_master WHERE name IN ('votes_by_address', 'comments_parent') "
                     "ORDER BY name") == std::vector<std::string>{"comments_parent", "votes_by_address"});
    auto c = s.client();
    CHECK(shown(c, "/old")["c1"] == std::pair<std::string, std::string>{"published", "from schema 2"});
    auto again = c.Post("/api/comments", post_body("/old", "from schema 2", "old-client-1"), "application/json");
    REQUIRE(again);
    CHECK(again->status == 200);  // the same post again: its comment from schema 2
    CHECK(parse(again)["id"] == "c1");
    CHECK(parse(act(c, "/old", "c1", "delete"))["status"] == "deleted");
  }

  TEST_CASE("PostgreSQL: a database that goes away answers 503 storage_unavailable; the server recovers") {
    if (!testing_postgresql()) return;
    scratch_dir dir;
    const std::string db = dir.db("c.db");
    const std::string name = db.substr(db.rfind('/') + 1);
    const std::string postgres = postgresql_base() + "postgres";
    server_process s(db, {"--rate-limit", "0"});
    auto c = s.client();
    CHECK(shown(c, seed_thread).size() == 3);
    // Cut every connection and refuse new ones: the database is gone for this server.
    REQUIRE(postgresql_command(postgres, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS false") == "");
    REQUIRE(postgresql_command(postgres, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" +
                                             name + "'") == "");
    auto read = c.Get(("/api/comments?thread=" + httplib::detail::encode_query_param(seed_thread)).c_str());
    REQUIRE(read);
    CHECK(read->status == 503);
    CHECK(parse(read)["error"]["code"] == "storage_unavailable");
    auto write = c.Post("/api/comments", post_body(seed_thread, "while the database is away", "away-1"),
                        "application/json");
    REQUIRE(write);
    CHECK(write->status == 503);
    CHECK(parse(write)["error"]["code"] == "storage_unavailable");
    // Back: the next requests succeed, no restart; the post sent again is stored once.
    REQUIRE(postgresql_command(postgres, "ALTER DATABASE " + name + " ALLOW_CONNECTIONS true") == "");
    auto retry = c.Post("/api/comments", post_body(seed_thread, "while the database is away", "away-1"),
                        "application/json");
    REQUIRE(retry);
    CHECK(retry->status == 201);
    CHECK(shown(c, seed_thread).size() == 4);
    CHECK(db_int(db, "SELECT count(*) FROM comments WHERE client_id = 'away-1'") == 1);
  }
}
