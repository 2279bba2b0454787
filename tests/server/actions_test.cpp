// Reader actions against a real `colloquy serve` (DESIGN §8): votes, and an author's own edit
// and delete with the edit token of their post, on SQLite and (the _pg entries) PostgreSQL.
#include <thread>
#include <vector>

#include "colloquy/boundary.hpp"
#include "server_process.hpp"

using namespace colloquy::test;

namespace {
const std::string seed_thread = "/2010/09/24/nato-russia-council";

json parse(const httplib::Result& r) { return json::parse(r->body, nullptr, false); }

std::string thread_query(const std::string& thread) { return "?thread=" + httplib::detail::encode_query_param(thread); }

json thread_of(httplib::Client& c, const std::string& thread = seed_thread) {
  auto r = c.Get(("/api/comments" + thread_query(thread)).c_str());
  REQUIRE(r);
  REQUIRE(r->status == 200);
  return parse(r);
}

// The comment `id` of a thread's answer (null when it is not listed).
json listed(httplib::Client& c, const std::string& id, const std::string& thread = seed_thread) {
  const json doc = thread_of(c, thread);  // kept: a loop over thread_of(…)["comments"] would dangle
  for (const json& m : doc["comments"])
    if (m["id"] == id) return m;
  return nullptr;
}

httplib::Result vote(httplib::Client& c, const json& body, const httplib::Headers& h = {}) {
  return c.Post("/api/comments/votes", h, body.dump(), "application/json");
}

json vote_body(const std::string& comment, const std::string& voter, int v, const std::string& thread = seed_thread) {
  return {{"thread", thread}, {"comment", comment}, {"voter", voter}, {"vote", v}};
}

// Posts a comment and answers the server's answer (with its token).
json posted(httplib::Client& c, const std::string& text, const std::string& client_id, const std::string& parent = "") {
  auto r = c.Post("/api/comments", post_body(seed_thread, text, client_id, parent), "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 201, r->body);
  return parse(r);
}

httplib::Result patch(httplib::Client& c, const std::string& id, const json& body, const httplib::Headers& h = {}) {
  return c.Patch(("/api/comments/" + id).c_str(), h, body.dump(), "application/json");
}

httplib::Result delete_comment(httplib::Client& c, const std::string& id, const std::string& token,
                               const std::string& thread = seed_thread, httplib::Headers h = {}) {
  if (!token.empty()) h.emplace("Authorization", "Bearer " + token);
  return c.Delete(("/api/comments/" + id + thread_query(thread)).c_str(), h);
}

std::size_t listed_count(httplib::Client& c) { return thread_of(c)["comments"].size(); }

std::string code_of(const httplib::Result& r) { return parse(r)["error"]["code"].get<std::string>(); }

std::string etag_of(httplib::Client& c) {
  auto r = c.Get(("/api/comments" + thread_query(seed_thread)).c_str());
  REQUIRE(r);
  return r->get_header_value("ETag");
}
}  // namespace

TEST_SUITE("Reference server") {
  TEST_CASE("Votes: one per voter and comment, counted, idempotent, and the thread's ETag follows") {
    scratch_dir dir;
    // No cap on voters per address: the crowd below votes from one address (the next test has it).
    server_process s(dir.db("c.db"), {"--votes-per-address", "0"});
    auto c = s.client();
    // The seed's c2 has 5 up (imported counts, no vote rows): votes add to them.
    const json before = listed(c, "c2");
    const std::string etag = etag_of(c);
    auto up = vote(c, vote_body("c2", "voter-0001", 1));
    REQUIRE(up);
    CHECK(up->status == 200);
    CHECK(parse(up) == json{{"comment", "c2"},
                            {"votes", {{"up", before["votes"]["up"].get<int>() + 1}, {"down", before["votes"]["down"]}}},
                            {"mine", 1}});
    const std::string after_vote = etag_of(c);
    CHECK(after_vote != etag);
    // The same vote again changes nothing, not even the ETag.
    auto again = vote(c, vote_body("c2", "voter-0001", 1));
    REQUIRE(again);
    CHECK(again->status == 200);
    CHECK(parse(again)["votes"] == parse(up)["votes"]);
    CHECK(etag_of(c) == after_vote);
    // A change of mind moves the vote; 0 takes it back.
    auto down = vote(c, vote_body("c2", "voter-0001", -1));
    CHECK(parse(down)["votes"] == json{{"up", before["votes"]["up"]}, {"down", before["votes"]["down"].get<int>() + 1}});
    CHECK(parse(down)["mine"] == -1);
    CHECK(parse(vote(c, vote_body("c2", "voter-0002", -1)))["votes"]["down"] == before["votes"]["down"].get<int>() + 2);
    auto none = vote(c, vote_body("c2", "voter-0001", 0));
    CHECK(parse(none)["mine"] == 0);
    CHECK(parse(none)["votes"]["down"] == before["votes"]["down"].get<int>() + 1);
    CHECK(listed(c, "c2")["votes"] == parse(none)["votes"]);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM votes") == 1);

    // Many voters at once (several connections): every vote counted exactly once.
    const int c1_up = listed(c, "c1")["votes"]["up"];
    std::vector<std::thread> voters;
    std::atomic<int> ok{0};
    for (int t = 0; t < 8; ++t)
      voters.emplace_back([&, t] {
        auto own = s.client();
        for (int k = 0; k < 5; ++k) {
          auto r = vote(own, vote_body("c1", "crowd-" + std::to_string(t) + "-" + std::to_string(k), 1));
          if (r && r->status == 200) ++ok;
        }
      });
    for (auto& t : voters) t.join();
    CHECK(ok == 40);
    CHECK(listed(c, "c1")["votes"]["up"] == c1_up + 40);
  }

  TEST_CASE("Votes: bad input gets a stable code and changes nothing") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const json before = listed(c, "c1");
    auto refused = [&](const json& body, int status, const std::string& code) {
      CAPTURE(body.dump());
      auto r = vote(c, body);
      REQUIRE(r);
      CHECK(r->status == status);
      CHECK(code_of(r) == code);
    };
    refused(vote_body("c1", "voter-0001", 2), 400, "bad_vote");
    refused({{"thread", seed_thread}, {"comment", "c1"}, {"voter", "voter-0001"}, {"vote", "1"}}, 400, "bad_vote");
    refused({{"thread", seed_thread}, {"comment", "c1"}, {"voter", "voter-0001"}}, 400, "bad_vote");
    refused({{"thread", seed_thread}, {"comment", "c1"}, {"voter", "voter-0001"}, {"vote", 1.5}}, 400, "bad_vote");
    refused(vote_body("c1", "short", 1), 400, "bad_voter");
    refused(vote_body("c1", std::string(129, 'v'), 1), 400, "bad_voter");
    refused(vote_body("c1", "has a space", 1), 400, "bad_voter");
    refused(vote_body("c1", "voter-\x01-0001", 1), 400, "bad_voter");
    refused(vote_body("nope", "voter-0001", 1), 404, "no_such_comment");
    refused(vote_body("c1", "voter-0001", 1, "/another/thread"), 404, "no_such_comment");  // another thread's id
    refused(vote_body("", "voter-0001", 1), 400, "bad_id");
    refused(vote_body("c1", "voter-0001", 1, ""), 400, "thread_required");
    refused(json::array({1}), 400, "not_object");
    auto text = c.Post("/api/comments/votes", "{", "application/json");
    CHECK(code_of(text) == "not_json");
    // Valid JSON that is no vote: a number beyond a double is a number, not a reason to call the
    // body broken.
    const std::string huge = R"({"thread":")" + seed_thread + R"(","comment":"c1","voter":"voter-0001","vote":1e309})";
    auto beyond = c.Post("/api/comments/votes", huge, "application/json");
    REQUIRE(beyond);
    CHECK(beyond->status == 400);
    CHECK(code_of(beyond) == "bad_vote");
    auto form = c.Post("/api/comments/votes", "vote=1", "application/x-www-form-urlencoded");
    CHECK(form->status == 415);
    CHECK(listed(c, "c1")["votes"] == before["votes"]);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM votes") == 0);
  }

  TEST_CASE("Votes: one address adds at most --votes-per-address voters to a comment; a vote cast may still change") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--votes-per-address", "3"});
    auto c = s.client();
    const int up = listed(c, "c1")["votes"]["up"];
    for (int k = 0; k < 3; ++k) CHECK(vote(c, vote_body("c1", "stuffer-000" + std::to_string(k), 1))->status == 200);
    // A fourth voter from the same address: refused, with its code, and nothing counted.
    auto full = vote(c, vote_body("c1", "stuffer-0009", 1));
    REQUIRE(full);
    CHECK(full->status == 429);
    CHECK(code_of(full) == "too_many_voters");
    CHECK_FALSE(full->has_header("Retry-After"));  // waiting changes nothing
    CHECK(listed(c, "c1")["votes"]["up"] == up + 3);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM votes WHERE comment = 'c1'") == 3);
    // Those who voted may change their vote and take it back; a place freed is taken again.
    auto changed = vote(c, vote_body("c1", "stuffer-0000", -1));
    REQUIRE(changed);
    CHECK(changed->status == 200);
    CHECK(parse(changed)["mine"] == -1);
    CHECK(vote(c, vote_body("c1", "stuffer-0001", 0))->status == 200);
    CHECK(vote(c, vote_body("c1", "stuffer-0009", 1))->status == 200);
    CHECK(vote(c, vote_body("c1", "stuffer-0010", 1))->status == 429);
    // Taking back a vote one never cast is no new voter; another comment has its own count.
    CHECK(vote(c, vote_body("c1", "stuffer-0011", 0))->status == 200);
    CHECK(vote(c, vote_body("c2", "stuffer-0010", 1))->status == 200);
    // Behind a proxy the address is the one the proxy appended: another reader is counted apart.
    server_process proxied(dir.db("p.db"), {"--votes-per-address", "1", "--trust-proxy"});
    auto p = proxied.client();
    auto from = [&](const char* address, const char* voter) {
      return vote(p, vote_body("c1", voter, 1), {{"X-Forwarded-For", address}});
    };
    CHECK(from("203.0.113.7", "reader-0001")->status == 200);
    CHECK(from("203.0.113.7", "reader-0002")->status == 429);
    CHECK(from("198.51.100.4", "reader-0003")->status == 200);
    // One IPv6 /64 is one address (a host usually owns a whole /64).
    CHECK(from("2001:db8:1:2::1", "reader-0004")->status == 200);
    CHECK(from("2001:db8:1:2:ffff::9", "reader-0005")->status == 429);
  }

  TEST_CASE("Votes are rate limited in a bucket of their own") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--vote-rate-limit", "3", "--rate-limit", "5"});
    auto c = s.client();
    for (int k = 0; k < 3; ++k) CHECK(vote(c, vote_body("c1", "voter-000" + std::to_string(k), 1))->status == 200);
    auto limited = vote(c, vote_body("c1", "voter-0009", 1));
    CHECK(limited->status == 429);
    CHECK(code_of(limited) == "rate_limited");
    CHECK(limited->has_header("Retry-After"));
    // Posting still works: votes took nothing from its bucket.
    posted(c, "still allowed", "after-votes-1");
  }

  TEST_CASE("A new comment's answer carries its edit token once; the database keeps only its hash") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const json made = posted(c, "mine", "token-1");
    const std::string token = made["token"];
    CHECK(token.size() == 64);
    const auto created = colloquy::parse_iso8601(made["created"].get<std::string>());
    const auto until = colloquy::parse_iso8601(made["editableUntil"].get<std::string>());
    REQUIRE(created);
    REQUIRE(until);
    CHECK(*until - *created == 900000);  // the default window: 15 minutes
    CHECK(listed(c, made["id"]).count("token") == 0);
    CHECK(thread_of(c).dump().find(token) == std::string::npos);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE edit_token = '" + token + "'") == 0);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM comments WHERE length(edit_token) = 64") == 1);
    CHECK(posted(c, "another", "token-2")["token"] != token);
  }

  TEST_CASE("The author edits with the token: validated like a post, marked edited, ETag changed, audited") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const json made = posted(c, "first words", "edit-1");
    const std::string id = made["id"], token = made["token"];
    const std::string etag = etag_of(c);
    auto edited = patch(c, id, {{"thread", seed_thread}, {"text", "  better words\r\n"}, {"token", token}});
    REQUIRE(edited);
    REQUIRE_MESSAGE(edited->status == 200, edited->body);
    const json e = parse(edited);
    CHECK(e["id"] == id);
    CHECK(e["text"] == "better words");
    CHECK(e["created"] == made["created"]);
    REQUIRE(e.contains("edited"));
    CHECK(e.count("token") == 0);
    CHECK(listed(c, id)["text"] == "better words");
    CHECK(listed(c, id)["edited"] == e["edited"]);
    CHECK(etag_of(c) != etag);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM audit_log WHERE action = 'author edit' AND id = '" + id + "'") ==
          1);
    // The widget's core shows it as edited.
    const std::string html = colloquy::render_comments(thread_of(c).dump(), "{}");
    CHECK(html.find("class=\"edited\"") != std::string::npos);

    // Refusals change nothing.
    auto refused = [&](const httplib::Result& r, int status, const std::string& code) {
      REQUIRE(r);
      CHECK(r->status == status);
      CHECK(code_of(r) == code);
      CHECK(listed(c, id)["text"] == "better words");
    };
    refused(patch(c, id, {{"thread", seed_thread}, {"text", "  "}, {"token", token}}), 400, "text_required");
    refused(patch(c, id, {{"thread", seed_thread}, {"text", std::string(40001, 'x')}, {"token", token}}), 400,
            "text_too_long");
    refused(patch(c, id, {{"thread", seed_thread}, {"text", "hijack"}, {"token", std::string(64, 'a')}}), 403,
            "bad_token");
    refused(patch(c, id, {{"thread", seed_thread}, {"text", "hijack"}}), 403, "bad_token");
    refused(patch(c, "c1", {{"thread", seed_thread}, {"text", "hijack"}, {"token", token}}), 403,
            "bad_token");  // not its token
    refused(patch(c, id, {{"thread", "/another/thread"}, {"text", "hijack"}, {"token", token}}), 404, "no_such_comment");
    refused(patch(c, "no-such-id", {{"thread", seed_thread}, {"text", "hijack"}, {"token", token}}), 404,
            "no_such_comment");
    refused(patch(c, id, {{"text", "hijack"}, {"token", token}}), 400, "thread_required");
    refused(c.Patch(("/api/comments/" + id).c_str(), "text=x", "text/plain"), 415, "unsupported_media_type");
    auto huge = patch(c, id, {{"thread", seed_thread}, {"text", std::string(300 * 1024, 'x')}, {"token", token}});
    refused(huge, 413, "body_too_large");
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM audit_log") == 1);
  }

  TEST_CASE("The author deletes with the token: a placeholder while it has replies, audited; then it is gone") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    const json parent = posted(c, "to be deleted", "del-1");
    const json reply = posted(c, "a reply", "del-2", parent["id"]);
    const std::string id = parent["id"], token = parent["token"];
    auto wrong = delete_comment(c, id, reply["token"]);
    CHECK(wrong->status == 403);
    CHECK(code_of(wrong) == "bad_token");
    auto none = delete_comment(c, id, "");
    CHECK(none->status == 403);
    CHECK(code_of(none) == "bad_token");
    CHECK(delete_comment(c, id, token, "/another/thread")->status == 404);
    CHECK(listed(c, id)["status"] == "published");

    CHECK(code_of(delete_comment(c, id, "", seed_thread, {{"Authorization", "Token " + token}})) == "bad_token");
    const std::string etag = etag_of(c);
    // The scheme's name in any case (RFC 9110 11.1).
    auto done = delete_comment(c, id, "", seed_thread, {{"Authorization", "bearer " + token}});
    REQUIRE(done);
    REQUIRE_MESSAGE(done->status == 200, done->body);
    // The comment's new state, as the thread lists it: the widget adds it to the thread it holds.
    CHECK(parse(done)["id"] == id);
    CHECK(parse(done)["status"] == "deleted");
    CHECK(parse(done)["text"] == "");
    CHECK(parse(done)["created"] == parent["created"]);
    CHECK(etag_of(c) != etag);
    const json placeholder = listed(c, id);
    CHECK(placeholder["status"] == "deleted");
    CHECK(placeholder["text"] == "");
    CHECK(listed(c, reply["id"])["status"] == "published");
    const std::string html = colloquy::render_comments(thread_of(c).dump(), "{}");
    CHECK(html.find("This comment was deleted.") != std::string::npos);
    CHECK(html.find("to be deleted") == std::string::npos);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM audit_log WHERE action = 'author delete'") == 1);
    // Deleted: no more edits, deletes or votes.
    CHECK(delete_comment(c, id, token)->status == 404);
    CHECK(patch(c, id, {{"thread", seed_thread}, {"text", "back"}, {"token", token}})->status == 404);
    CHECK(vote(c, vote_body(id, "voter-0001", 1))->status == 404);
  }

  TEST_CASE("A comment awaiting moderation: its author edits it (still pending, never listed) and deletes it") {
    scratch_dir dir;
    const std::string admin_token = "m0derator-token";
    const httplib::Headers admin = {{"Authorization", "Bearer " + admin_token}};
    server_process s(dir.db("c.db"), {"--moderate", "--admin-token", admin_token, "--admin-rate-limit", "0"});
    auto c = s.client();
    const json made = posted(c, "pending words", "pending-1");
    CHECK(made["status"] == "pending");
    const std::string id = made["id"], token = made["token"];
    REQUIRE(token.size() == 64);
    auto edited = patch(c, id, {{"thread", seed_thread}, {"text", "better pending words"}, {"token", token}});
    REQUIRE(edited);
    REQUIRE_MESSAGE(edited->status == 200, edited->body);
    CHECK(parse(edited)["status"] == "pending");
    CHECK(parse(edited)["text"] == "better pending words");
    CHECK(parse(edited).contains("edited"));
    CHECK(listed(c, id) == nullptr);  // still awaiting moderation: shown to nobody
    // Someone else's token changes nothing.
    CHECK(code_of(patch(c, id, {{"thread", seed_thread}, {"text", "hijack"}, {"token", std::string(64, 'a')}})) ==
          "bad_token");
    // The scheme's name in any case (RFC 9110 11.1); another scheme, or none, is refused.
    for (const char* scheme : {"bearer ", "BEARER  ", "BeArEr "}) {
      CAPTURE(scheme);
      auto r = c.Get("/api/admin/pending", {{"Authorization", scheme + admin_token}});
      REQUIRE(r);
      CHECK(r->status == 200);
    }
    for (std::string header : {"Bearer" + admin_token, "Basic " + admin_token, admin_token, std::string("Bearer ")}) {
      CAPTURE(header);
      auto r = c.Get("/api/admin/pending", {{"Authorization", header}});
      REQUIRE(r);
      CHECK(r->status == 401);
    }
    // The moderator sees the edited text, and approving publishes it.
    auto pending = c.Get(("/api/admin/pending" + thread_query(seed_thread)).c_str(), admin);
    REQUIRE(pending);
    CHECK(pending->body.find("better pending words") != std::string::npos);
    CHECK(pending->body.find("hijack") == std::string::npos);

    const json other = posted(c, "pending, then deleted", "pending-2");
    auto gone = delete_comment(c, other["id"], other["token"]);
    REQUIRE(gone);
    REQUIRE_MESSAGE(gone->status == 200, gone->body);
    CHECK(parse(gone)["id"] == other["id"]);
    CHECK(parse(gone)["status"] == "deleted");
    CHECK(parse(gone)["text"] == "");
    CHECK(listed(c, other["id"]) == nullptr);
    // Deleted: nothing left to approve, edit or delete.
    auto approve = c.Post("/api/admin/moderate", admin,
                          json{{"thread", seed_thread}, {"id", other["id"]}, {"action", "approve"}}.dump(),
                          "application/json");
    REQUIRE(approve);
    CHECK(approve->status == 404);
    CHECK(delete_comment(c, other["id"], other["token"])->status == 404);
    CHECK(db_int(dir.db("c.db"), "SELECT count(*) FROM audit_log WHERE action LIKE 'author %'") == 2);

    // The approval names the version the moderator read (its `edited`, as the listing gave it).
    auto approved = c.Post(
        "/api/admin/moderate", admin,
        json{{"thread", seed_thread}, {"id", id}, {"action", "approve"}, {"edited", parse(edited)["edited"]}}.dump(),
        "application/json");
    REQUIRE(approved);
    CHECK(approved->status == 200);
    CHECK(listed(c, id)["text"] == "better pending words");
  }

  TEST_CASE("recent=N: a thread's newest comments wherever their page is, for live updates") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--rate-limit", "0"});
    auto c = s.client();
    auto get = [&](const std::string& query, const httplib::Headers& h = {}) {
      auto r = c.Get(("/api/comments" + thread_query(seed_thread) + query).c_str(), h);
      REQUIRE(r);
      return r;
    };
    // The seed's three threads, then two new ones and a reply to the first of the seed's.
    const json a = posted(c, "new thread A", "recent-a");
    const json b = posted(c, "new thread B", "recent-b");
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // r alone is at or after its own time
    const json r = posted(c, "a reply to c1", "recent-r", "c1");
    auto newest = get("&recent=2");
    REQUIRE(newest->status == 200);
    const json doc = parse(newest);
    CHECK(doc["thread"] == seed_thread);
    CHECK(doc.count("next") == 0);  // not a page of the thread: the widget's cursor stays
    REQUIRE(doc["comments"].size() == 2);
    CHECK(doc["comments"][0]["id"] == b["id"]);  // in the order they were posted
    CHECK(doc["comments"][1]["id"] == r["id"]);
    CHECK(doc["comments"][1]["parent"] == "c1");
    CHECK(parse(get("&recent=1000"))["comments"].size() == listed_count(c));
    // The first page of two threads does not hold the newest; recent does, wherever they are.
    CHECK(parse(get("&limit=2"))["comments"].dump().find("new thread B") == std::string::npos);
    // Unchanged: 304 on its ETag; a new comment changes it.
    const std::string etag = newest->get_header_value("ETag");
    CHECK(get("&recent=2", {{"If-None-Match", etag}})->status == 304);
    posted(c, "newer still", "recent-n");
    auto changed = get("&recent=2", {{"If-None-Match", etag}});
    CHECK(changed->status == 200);
    CHECK(parse(changed)["comments"][1]["text"] == "newer still");
    CHECK(parse(get("&recent=1000")).dump().find(a["text"].get<std::string>()) != std::string::npos);
    for (const char* bad :
         {"&recent=0", "&recent=1001", "&recent=x", "&recent=", "&recent=2&limit=2", "&recent=2&cursor=r1"}) {
      CAPTURE(bad);
      auto refused = get(bad);
      CHECK(refused->status == 400);
      CHECK(code_of(refused) == "bad_limit");
    }
    // since=T: only what was posted at or after T (the time the widget loaded the thread).
    const std::string since = "&since=" + httplib::detail::encode_query_param(r["created"].get<std::string>());
    const json after_r = parse(get("&recent=50" + since));
    CHECK(after_r.count("next") == 0);
    REQUIRE(after_r["comments"].size() == 2);
    CHECK(after_r["comments"][0]["id"] == r["id"]);
    CHECK(after_r["comments"][1]["text"] == "newer still");
    CHECK(parse(get("&recent=50&since=2999-01-01T00:00:00Z"))["comments"].empty());
    for (const char* bad : {"&recent=5&since=yesterday", "&recent=5&since=", "&since=2010-01-01T00:00:00Z"}) {
      CAPTURE(bad);
      auto refused = get(bad);
      CHECK(refused->status == 422);
      CHECK(code_of(refused) == "bad_date");
    }
  }

  TEST_CASE("--edit-window: past it the author gets 403 edit_window_closed; 0 turns editing off") {
    scratch_dir dir;
    {
      server_process s(dir.db("c.db"), {"--edit-window", "1"});
      auto c = s.client();
      const json made = posted(c, "quick", "window-1");
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      auto late = patch(c, made["id"], {{"thread", seed_thread}, {"text", "too late"}, {"token", made["token"]}});
      CHECK(late->status == 403);
      CHECK(code_of(late) == "edit_window_closed");
      auto late_delete = delete_comment(c, made["id"], made["token"]);
      CHECK(late_delete->status == 403);
      CHECK(code_of(late_delete) == "edit_window_closed");
      // The token is checked first: a stranger learns nothing about the window.
      CHECK(code_of(delete_comment(c, made["id"], std::string(64, 'b'))) == "bad_token");
      CHECK(listed(c, made["id"])["text"] == "quick");
      CHECK(listed(c, made["id"]).count("edited") == 0);
    }
    server_process off(dir.db("off.db"), {"--edit-window", "0"});
    auto c = off.client();
    const json made = posted(c, "forever", "window-2");
    CHECK(made.count("token") == 0);
    CHECK(made.count("editableUntil") == 0);
    std::string output;
    CHECK(failing_start({"--db", dir.db("bad.db"), "--edit-window", "-1"}, output) == 2);
    CHECK(output.find("--edit-window") != std::string::npos);
  }

  TEST_CASE("A post sent again within the window gets a new token; the first one stops working") {
    scratch_dir dir;
    server_process s(dir.db("c.db"));
    auto c = s.client();
    // A clientId as the widget makes them (a UUID): too long to guess, so trusted with a token.
    const std::string client_id = "8c1f2a4e-5b6d-4e7f-9a0b-1c2d3e4f5a6b";
    const json first = posted(c, "retried", client_id);
    auto again = c.Post("/api/comments", post_body(seed_thread, "retried", client_id), "application/json");
    REQUIRE(again);
    CHECK(again->status == 200);
    const json second = parse(again);
    CHECK(second["id"] == first["id"]);
    REQUIRE(second.contains("token"));
    CHECK(second["token"] != first["token"]);
    CHECK(code_of(patch(c, first["id"], {{"thread", seed_thread}, {"text", "x"}, {"token", first["token"]}})) ==
          "bad_token");
    CHECK(patch(c, first["id"], {{"thread", seed_thread}, {"text", "x"}, {"token", second["token"]}})->status == 200);

    // A short clientId (a client's own scheme) could be guessed: sent again, it finds its comment
    // and gets no token, and the author's token goes on working.
    const json mine = posted(c, "short id", "again-1");
    auto guessed = c.Post("/api/comments", post_body(seed_thread, "short id", "again-1"), "application/json");
    REQUIRE(guessed);
    CHECK(guessed->status == 200);
    CHECK(parse(guessed)["id"] == mine["id"]);
    CHECK_FALSE(parse(guessed).contains("token"));
    CHECK(patch(c, mine["id"], {{"thread", seed_thread}, {"text", "still mine"}, {"token", mine["token"]}})->status ==
          200);
  }

  TEST_CASE("CORS: the preflight lets PATCH and DELETE with Authorization through for allowed origins") {
    scratch_dir dir;
    server_process s(dir.db("c.db"), {"--cors", "https://blog.example"});
    auto c = s.client();
    for (const char* method : {"PATCH", "DELETE"}) {
      CAPTURE(method);
      auto pre = c.Options("/api/comments/c9", {{"Origin", "https://blog.example"},
                                                {"Access-Control-Request-Method", method},
                                                {"Access-Control-Request-Headers", "authorization, content-type"}});
      REQUIRE(pre);
      CHECK(pre->status == 204);
      CHECK(pre->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
      CHECK(pre->get_header_value("Access-Control-Allow-Methods").find(method) != std::string::npos);
      CHECK(pre->get_header_value("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
      auto stranger = c.Options("/api/comments/c9",
                                {{"Origin", "https://evil.example"}, {"Access-Control-Request-Method", method}});
      CHECK_FALSE(stranger->has_header("Access-Control-Allow-Methods"));
    }
    const json made = posted(c, "from the blog", "cors-1");
    const httplib::Headers blog = {{"Origin", "https://blog.example"}};
    auto edited = patch(c, made["id"],
                        {{"thread", seed_thread}, {"text", "edited on the blog"}, {"token", made["token"]}}, blog);
    CHECK(edited->status == 200);
    CHECK(edited->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
    // The blog's widget reads the thread's ETag (conditional asks) and Date (its live update's since).
    auto listing = c.Get(("/api/comments" + thread_query(seed_thread)).c_str(), blog);
    REQUIRE(listing);
    CHECK(listing->get_header_value("Access-Control-Expose-Headers") == "Date, ETag");
    CHECK_FALSE(
        c.Get(("/api/comments" + thread_query(seed_thread)).c_str())->has_header("Access-Control-Expose-Headers"));
    auto evil = delete_comment(c, made["id"], made["token"], seed_thread, {{"Origin", "https://evil.example"}});
    CHECK(evil->status == 403);
    CHECK(code_of(evil) == "origin_not_allowed");
    CHECK(vote(c, vote_body(made["id"], "voter-0001", 1), {{"Origin", "https://evil.example"}})->status == 403);
    CHECK(listed(c, made["id"])["status"] == "published");
    auto deleted = delete_comment(c, made["id"], made["token"], seed_thread, blog);
    CHECK(deleted->status == 200);
    CHECK(deleted->get_header_value("Access-Control-Allow-Origin") == "https://blog.example");
  }
}
