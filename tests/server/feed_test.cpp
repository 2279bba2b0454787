// The Atom feeds (GET /api/feed.atom, per thread and for the whole site): kept until a write
// changes them and answered 304 to a reader that has them; the site's newest comments read
// along their own index. Runs against SQLite and, as the *_pg entries, PostgreSQL.
#include "../../examples/colloquy/store_sql.hpp"
#include "server_process.hpp"

using namespace colloquy::test;

namespace {
const std::string seed_thread = "/2010/09/24/nato-russia-council";

void post_ok(httplib::Client& c, const std::string& thread, const std::string& text, const std::string& client_id) {
  auto r = c.Post("/api/comments", post_body(thread, text, client_id), "application/json");
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 201, r->body);
}

// The feed at `target` (200), checked to carry an ETag.
httplib::Result feed(httplib::Client& c, const std::string& target) {
  auto r = c.Get(target.c_str());
  REQUIRE(r);
  REQUIRE_MESSAGE(r->status == 200, r->body);
  CHECK(r->get_header_value("Content-Type") == "application/atom+xml; charset=utf-8");
  CHECK_FALSE(r->get_header_value("ETag").empty());
  return r;
}

int status_if_none_match(httplib::Client& c, const std::string& target, const std::string& etag) {
  auto r = c.Get(target.c_str(), {{"If-None-Match", etag}});
  REQUIRE(r);
  if (r->status == 304) CHECK(r->body.empty());
  return r->status;
}

// `sql` with its parameters $1, $2, … written in as `values`, as EXPLAIN takes it.
std::string with_values(std::string sql, const std::vector<std::string>& values) {
  for (std::size_t i = values.size(); i > 0; --i) {
    std::string mark(1, '$');
    mark += std::to_string(i);
    for (std::size_t at; (at = sql.find(mark)) != std::string::npos;) sql.replace(at, mark.size(), values[i - 1]);
  }
  return sql;
}

// The plan the database makes for `sql`, one line per step. PostgreSQL without sequential scans
// where an index can serve: a table this small is cheaper to scan, so the planner would
// otherwise say nothing about the indexes.
std::string plan_of(const std::string& db, const std::string& sql) {
  std::string plan;
  for (const std::string& line : testing_postgresql() ? db_strings(db, "SET enable_seqscan = off; EXPLAIN " + sql)
                                                      : db_strings(db, "EXPLAIN QUERY PLAN " + sql, 3))
    plan += line + '\n';
  return plan;
}
}  // namespace

TEST_SUITE("Reference server: feeds") {
  TEST_CASE("A feed is kept until its thread (the site's: any thread) changes, and a reader that has it gets 304") {
    scratch_dir dir;
    const std::string db = dir.db("f.db");
    server_process a(db), b(db);
    auto ca = a.client();
    auto cb = b.client();
    for (const std::string& target : {std::string("/api/feed.atom"), "/api/feed.atom?thread=" + seed_thread}) {
      CAPTURE(target);
      auto first = feed(ca, target);
      const std::string etag = first->get_header_value("ETag");
      CHECK(feed(ca, target)->body == first->body);  // the same bytes, not rendered again at a later second
      CHECK(status_if_none_match(ca, target, etag) == 304);
      CHECK(status_if_none_match(ca, target, "\"other\"") == 200);
      // A write through the other process changes the feed this one serves.
      const std::string text = "news for " + target;
      post_ok(cb, seed_thread, text, "feed-" + std::to_string(target.size()));
      CHECK(status_if_none_match(ca, target, etag) == 200);
      auto after = feed(ca, target);
      CHECK(after->get_header_value("ETag") != etag);
      CHECK(after->body.find(text) != std::string::npos);
    }
    // A post to another thread changes the site's feed, not this thread's.
    const std::string thread_target = "/api/feed.atom?thread=" + seed_thread;
    const std::string thread_etag = feed(ca, thread_target)->get_header_value("ETag");
    const std::string site_etag = feed(ca, "/api/feed.atom")->get_header_value("ETag");
    post_ok(cb, "/2011/03/07/lighthouse-repairs", "elsewhere", "feed-elsewhere");
    CHECK(status_if_none_match(ca, thread_target, thread_etag) == 304);
    CHECK(status_if_none_match(ca, "/api/feed.atom", site_etag) == 200);
  }

  TEST_CASE("The newest comments are read along an index, not by sorting every comment of the site or thread") {
    scratch_dir dir;
    const std::string db = dir.db("f.db");
    { server_process s(db); }  // creates and migrates the database
    namespace sql = colloquy::server::sql;
    const std::string site = plan_of(db, with_values(sql::recent_published_site, {"50"}));
    const std::string thread = plan_of(db, with_values(sql::recent_published, {"'" + seed_thread + "'", "50"}));
    const std::string count = plan_of(db, with_values(sql::published_count, {"'" + seed_thread + "'"}));
    CAPTURE(site);
    CAPTURE(thread);
    CAPTURE(count);
    if (testing_postgresql()) {
      CHECK(site.find("using comments_recent") != std::string::npos);
      CHECK(thread.find("using comments_thread_recent") != std::string::npos);
      CHECK(count.find("comments_thread_recent") != std::string::npos);  // an index or bitmap scan
      for (const std::string* p : {&site, &thread}) CHECK(p->find("Sort") == std::string::npos);
    } else {
      CHECK(site.find("USING INDEX comments_recent") != std::string::npos);
      CHECK(thread.find("USING INDEX comments_thread_recent") != std::string::npos);
      CHECK(count.find("USING COVERING INDEX comments_thread_recent") != std::string::npos);
      for (const std::string* p : {&site, &thread}) CHECK(p->find("TEMP B-TREE") == std::string::npos);
    }
  }
}
