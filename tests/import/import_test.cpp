// colloquy import / export, run as an operator runs them: the built CLI on the sample exports of
// tests/import/data (one per format, hostile items included) into temporary databases, then the
// databases read back with SQL and the exports rendered by colloquy render; and the comment
// feeds of such a database from a running colloquy serve. The backend is the server tests' one
// (server_process.hpp): SQLite files, or with COLLOQUY_TEST_BACKEND=postgresql fresh databases
// of the test run's PostgreSQL cluster.
#include <doctest/doctest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/import.hpp"
#include "colloquy/xml.hpp"
#include "html_allowlist.hpp"
#include "server/server_process.hpp"

namespace fs = std::filesystem;

namespace {

const std::string data_dir = COLLOQUY_IMPORT_DATA;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void write_text(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

using colloquy::test::testing_postgresql;

// A fresh directory for one test case and its databases (db(name)), removed afterwards.
struct temp_dir : colloquy::test::scratch_dir {
  std::string operator/(const std::string& name) const { return file(name); }
};

struct run_result {
  int status = -1;
  std::string out, err;
};

// Runs `colloquy ARGS` (arguments are quoted by the caller where needed).
run_result cli(const temp_dir& t, const std::string& args) {
  const std::string out = t / "stdout", err = t / "stderr";
  const std::string cmd = std::string(COLLOQUY_CLI) + " " + args + " >" + out + " 2>" + err;
  int rc = std::system(cmd.c_str());
  run_result r;
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.out = read_text(out);
  r.err = read_text(err);
  return r;
}

using row_list = std::vector<std::map<std::string, std::string>>;

row_list postgresql_query(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  REQUIRE_MESSAGE(PQstatus(c) == CONNECTION_OK, PQerrorMessage(c));
  PGresult* r = PQexec(c, sql.c_str());
  const bool ok = PQresultStatus(r) == PGRES_TUPLES_OK;
  const std::string error = PQerrorMessage(c);
  row_list rows;
  for (int i = 0; ok && i < PQntuples(r); ++i) {
    std::map<std::string, std::string> row;
    for (int j = 0; j < PQnfields(r); ++j) row[PQfname(r, j)] = PQgetisnull(r, i, j) ? "<null>" : PQgetvalue(r, i, j);
    rows.push_back(std::move(row));
  }
  PQclear(r);
  PQfinish(c);
  REQUIRE_MESSAGE(ok, error);
  return rows;
}

// Rows of a query, each column by name (NULL as "<null>"), whichever the backend.
row_list query(const std::string& db, const std::string& sql) {
  if (testing_postgresql()) return postgresql_query(db, sql);
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  REQUIRE_MESSAGE(sqlite3_prepare_v2(h, sql.c_str(), -1, &s, nullptr) == SQLITE_OK, sqlite3_errmsg(h));
  std::vector<std::map<std::string, std::string>> rows;
  while (sqlite3_step(s) == SQLITE_ROW) {
    std::map<std::string, std::string> row;
    for (int i = 0; i < sqlite3_column_count(s); ++i) {
      auto v = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
      row[sqlite3_column_name(s, i)] = v ? v : "<null>";
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(s);
  sqlite3_close_v2(h);
  return rows;
}

// One comment by public id: parent, status, created (ms), client_id, text, author fields, votes.
std::map<std::string, std::string> comment(const std::string& db, const std::string& id) {
  auto rows = query(db,
                    "SELECT thread, id, parent, status, created, edited, client_id, text, author_name, author_url, up, "
                    "down FROM comments WHERE id = '" +
                        id + "'");
  REQUIRE_MESSAGE(rows.size() == 1, "comment " << id);
  return rows.front();
}

long count(const std::string& db, const std::string& where = "true") {
  return std::stol(query(db, "SELECT count(*) AS n FROM comments WHERE " + where).front()["n"]);
}

// The problems colloquy import reported on stderr, as "code id" strings.
std::vector<std::string> problems(const std::string& err) {
  std::vector<std::string> out;
  std::istringstream lines(err);
  const std::string prefix = "colloquy import: skipped or repaired: ";
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(prefix, 0) != 0) continue;
    auto j = nlohmann::json::parse(line.substr(prefix.size()));
    out.push_back(j["code"].get<std::string>() + " " + j.value("id", ""));
  }
  return out;
}

// True when `db` holds no Colloquy schema: nothing was ever written to it (a SQLite file is
// not even created).
bool untouched(const std::string& db) {
  if (!testing_postgresql()) return !fs::exists(db);
  return query(db, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'comments'").front()["n"] == "0";
}

// What a dry run must leave as it was: a SQLite file's bytes, or a PostgreSQL database's rows.
std::string snapshot(const std::string& db) {
  if (!testing_postgresql()) return read_text(db);
  std::string out;
  for (const auto& row : query(db, "SELECT * FROM comments ORDER BY seq"))
    for (const auto& [column, value] : row) out += column + "=" + value + "\n";
  return out + "version=" + query(db, "SELECT coalesce(sum(version), 0) AS v FROM thread_versions").front()["v"];
}

bool has(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// Builds an Isso database from data/isso.sql (Isso's own schema and rows).
void make_isso(const std::string& path) {
  sqlite3* h = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &h) == SQLITE_OK);
  char* error = nullptr;
  const std::string sql = read_text(data_dir + "/isso.sql");
  CHECK_MESSAGE(sqlite3_exec(h, sql.c_str(), nullptr, nullptr, &error) == SQLITE_OK, (error ? error : ""));
  sqlite3_free(error);
  sqlite3_close(h);
}

// Renders each exported document with colloquy render and checks it against the allowlist.
void render_exports(const temp_dir& t, const std::string& exported, std::string& all_html) {
  std::istringstream lines(exported);
  int n = 0;
  for (std::string line; std::getline(lines, line); ++n) {
    const std::string doc = t / ("doc" + std::to_string(n) + ".json");
    write_text(doc, line);
    auto r = cli(t, "render " + doc);
    CHECK_MESSAGE(r.status == 0, r.err);
    auto why = colloquy::test::allowlist_violation(r.out);
    CHECK_MESSAGE(!why, *why);
    all_html += r.out;
  }
  CHECK(n > 0);
}

}  // namespace

TEST_SUITE("Import CLI") {
  TEST_CASE("Disqus: threads by URL path, parents, dates, statuses; a second import adds nothing") {
    temp_dir t;
    const std::string db = t.db("c.db"), file = data_dir + "/disqus.xml";
    auto r = cli(t, "import --from disqus " + file + " --db " + db);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(
        r.out.find(
            "/2010/09/24/the-new-ferry/: 9 comments (7 published, 1 deleted, 1 rejected): 9 added, 0 already there") !=
        std::string::npos);
    CHECK(r.out.find("/2011/03/07/lighthouse-repairs/: 2 comments (2 published): 2 added") != std::string::npos);
    CHECK(r.out.find("total: 2 threads, 11 comments, 11 added, 0 already there, 8 items skipped or repaired") !=
          std::string::npos);
    auto p = problems(r.err);
    CHECK(p.size() == 8);
    for (const char* expected :
         {"unknown_thread disqus:3012", "bad_date disqus:3013", "orphan disqus:3007", "reply_cycle disqus:3008",
          "unsafe_html disqus:3006", "unsafe_link disqus:3006", "unsafe_html disqus:3007", "unsafe_link disqus:3008"})
      CHECK_MESSAGE(has(p, expected), expected);

    CHECK(count(db) == 11);
    auto c1 = comment(db, "disqus-3001");
    CHECK(c1["thread"] == "/2010/09/24/the-new-ferry/");
    CHECK(c1["parent"] == "<null>");
    CHECK(c1["created"] == "1285423380000");  // 2010-09-25T14:03:00Z
    CHECK(c1["client_id"] == "disqus:3001");
    CHECK(c1["author_name"] == "Mara Lindqvist");
    CHECK(c1["text"] ==
          "Finally a ferry that runs *after* nine. My shift ends at 21:30 and the last boat used to leave at 21:15.\n\n"
          "Does anyone know if bikes are allowed on board?");
    CHECK(comment(db, "disqus-3002")["parent"] == "disqus-3001");
    CHECK(comment(db, "disqus-3003")["parent"] == "disqus-3002");
    CHECK(comment(db, "disqus-3003")["text"] ==
          "Thanks! Two more questions:\n\n1. Is there a **monthly pass**?\n2. Do dogs pay?");
    CHECK(comment(db, "disqus-3004")["status"] == "deleted");
    CHECK(comment(db, "disqus-3005")["status"] == "rejected");
    CHECK(comment(db, "disqus-3007")["parent"] == "<null>");  // its parent is not in the file
    // The cycle 3008 <-> 3009 is cut once: one of them is top level, the other replies to it.
    CHECK(comment(db, "disqus-3008")["parent"] == "<null>");
    CHECK(comment(db, "disqus-3009")["parent"] == "disqus-3008");
    auto c11 = comment(db, "disqus-3011");
    CHECK(c11["created"] == "1299520920000");      // 2011-03-07T19:02:00+01:00
    CHECK(c11["author_name"] == "counting_carl");  // no name: the username
    CHECK(count(db, "id IN ('disqus-3012', 'disqus-3013')") == 0);
    // Replies share their thread's root, so the server pages them with it.
    CHECK(
        query(db,
              "SELECT count(DISTINCT root) AS n FROM comments WHERE id IN ('disqus-3001','disqus-3002','disqus-3003')")
            .front()["n"] == "1");

    auto again = cli(t, "import --from disqus " + file + " --db " + db);
    REQUIRE(again.status == 0);
    CHECK(again.out.find("total: 2 threads, 11 comments, 0 added, 11 already there") != std::string::npos);
    CHECK(count(db) == 11);
  }

  TEST_CASE("Disqus: posts are read as the file goes by, whatever comes first, threads or posts") {
    temp_dir t;
    const std::string head = "<?xml version=\"1.0\"?>\n<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\">";
    const std::string threads =
        "<thread dsq:id=\"1\"><link>https://b.example/a/</link></thread>"
        "<thread dsq:id=\"2\"><link>https://b.example/b/?p=2</link></thread>";
    std::string posts;
    for (int i = 1; i <= 6; ++i)
      posts += "<post dsq:id=\"" + std::to_string(i) + "\"><message><![CDATA[<p>Post " + std::to_string(i) +
               "</p>]]></message><createdAt>2012-01-0" + std::to_string(i) + "T00:00:00Z</createdAt>" +
               (i > 1 ? "<parent dsq:id=\"" + std::to_string(i - 1) + "\"/>" : "") + "<author><name>A" +
               std::to_string(i) + "</name></author><thread dsq:id=\"" + std::to_string(1 + i % 2) + "\"/></post>";
    // A <post> that is not a child of <disqus> is not a post of the export.
    const std::string stray = "<category><post dsq:id=\"9\"><thread dsq:id=\"1\"/></post></category>";
    write_text(t / "threads-first.xml", head + threads + stray + posts + "</disqus>");
    write_text(t / "posts-first.xml", head + posts + stray + threads + "</disqus>");
    auto first = cli(t, "import --from disqus --dry-run " + (t / "threads-first.xml"));
    auto later = cli(t, "import --from disqus --dry-run " + (t / "posts-first.xml"));
    REQUIRE_MESSAGE(first.status == 0, first.err);
    REQUIRE_MESSAGE(later.status == 0, later.err);
    CHECK(first.out.find("total: 2 threads, 6 comments") != std::string::npos);
    CHECK(first.out == later.out);
    CHECK(first.err == later.err);
  }

  TEST_CASE("--dry-run reads and reports, and writes nothing") {
    temp_dir t;
    const std::string db = t.db("c.db");
    auto r = cli(t, "import --from disqus " + data_dir + "/disqus.xml --db " + db + " --dry-run");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("/2010/09/24/the-new-ferry/: 9 comments (7 published, 1 deleted, 1 rejected)\n") !=
          std::string::npos);
    CHECK(r.out.find("dry run: nothing written") != std::string::npos);
    CHECK(problems(r.err).size() == 8);
    CHECK(untouched(db));
    // An existing database stays as it was (SQLite: byte for byte).
    REQUIRE(cli(t, "import --from wordpress " + data_dir + "/wordpress.xml --db " + db).status == 0);
    const std::string before = snapshot(db);
    REQUIRE(cli(t, "import --from disqus " + data_dir + "/disqus.xml --db=" + db + " --dry-run").status == 0);
    CHECK(snapshot(db) == before);
    CHECK(count(db, "client_id LIKE 'disqus:%'") == 0);
  }

  TEST_CASE("The summary counts in the singular when there is one") {
    temp_dir t;
    write_text(t / "one.json", R"({"thread":"/one","comments":[{"id":"a","created":0,"text":"only"}]})");
    auto dry = cli(t, "import --from json " + (t / "one.json") + " --dry-run");
    REQUIRE_MESSAGE(dry.status == 0, dry.err);
    CHECK(dry.out ==
          "/one: 1 comment (1 published)\n"
          "total: 1 thread, 1 comment, 0 items skipped or repaired (dry run: nothing written)\n");
    auto r = cli(t, "import --from json " + (t / "one.json") + " --db " + t.db("c.db"));
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("total: 1 thread, 1 comment, 1 added, 0 already there, 0 items skipped or repaired\n") !=
          std::string::npos);
  }

  TEST_CASE("WordPress WXR: approved 1/0/spam/trash, parents, GMT dates, pingbacks skipped") {
    temp_dir t;
    const std::string db = t.db("c.db");
    auto r = cli(t, "import --from wordpress " + data_dir + "/wordpress.xml --db " + db);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("/2023/06/02/slugs-versus-beer-traps/: 6 comments (3 published, 1 pending, 1 deleted, 1 "
                     "rejected): 6 added") != std::string::npos);
    CHECK(r.out.find("/about/: 2 comments (2 published): 2 added") != std::string::npos);
    auto p = problems(r.err);
    for (const char* expected :
         {"not_a_comment wordpress:allotment.example:16", "bad_date wordpress:allotment.example:17",
          "unsafe_html wordpress:allotment.example:17", "unsafe_link wordpress:allotment.example:17",
          "bad_author_url wordpress:allotment.example:17", "bad_author_url wordpress:allotment.example:21",
          "orphan wordpress:allotment.example:22"})
      CHECK_MESSAGE(has(p, expected), expected);
    auto c11 = comment(db, "wordpress-11");
    CHECK(c11["created"] == "1685697300000");  // 2023-06-02 09:15:00 GMT
    CHECK(c11["author_url"] == "https://priya.example/blog");
    CHECK(c11["text"] ==
          "Beer traps worked for me too.\n\nBut the hedgehogs work better!\\\nThey came every night in July.");
    CHECK(comment(db, "wordpress-12")["parent"] == "wordpress-11");
    CHECK(comment(db, "wordpress-13")["status"] == "pending");
    CHECK(comment(db, "wordpress-14")["status"] == "rejected");
    CHECK(comment(db, "wordpress-15")["status"] == "deleted");
    auto c17 = comment(db, "wordpress-17");
    CHECK(c17["parent"] == "wordpress-12");
    CHECK(c17["created"] == "1685959200000");  // the local date, read as UTC
    CHECK(c17["author_url"] == "");
    CHECK(c17["author_name"] == "<script>alert(\"name\")</script>Hacker");  // text; escaped when rendered
    CHECK(comment(db, "wordpress-21")["text"] ==
          "Which `pH` does your soil have?\n\n- mine: 6.5\n- my brother's: 7\n\n```\nph  plot\n6.5 14\n7.0 15\n```");
    CHECK(comment(db, "wordpress-22")["parent"] == "<null>");
    CHECK(count(db, "id = 'wordpress-16'") == 0);
  }

  TEST_CASE("Isso: its SQLite database, modes, votes, Markdown kept as markup") {
    temp_dir t;
    const std::string isso = t / "isso.db", db = t.db("c.db");
    make_isso(isso);
    const std::string before = read_text(isso);
    auto r = cli(t, "import --from isso " + isso + " --db " + db);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("/posts/sourdough-starter/: 5 comments (3 published, 1 pending, 1 deleted): 5 added") !=
          std::string::npos);
    CHECK(r.out.find("/posts/rye-bread/: 2 comments (2 published): 2 added") != std::string::npos);
    auto p = problems(r.err);
    CHECK(has(p, "orphan isso:7"));
    CHECK(has(p, "bad_author_url isso:6"));
    auto c1 = comment(db, "isso-1");
    CHECK(c1["created"] == "1580000000250");
    CHECK(c1["text"] == "My starter smells of *acetone* after two days. Normal?");
    CHECK(c1["up"] == "3");
    auto c2 = comment(db, "isso-2");
    CHECK(c2["parent"] == "isso-1");
    CHECK(c2["edited"] == "1580007200000");
    CHECK(c2["author_url"] == "http://bread.example");
    CHECK(c2["up"] == "5");
    CHECK(c2["down"] == "1");
    CHECK(comment(db, "isso-3")["status"] == "deleted");
    CHECK(comment(db, "isso-4")["parent"] == "isso-3");
    CHECK(comment(db, "isso-5")["status"] == "pending");
    CHECK(read_text(isso) == before);  // Isso's database is only read
    CHECK(cli(t, "import --from isso " + isso + " --db " + db).out.find("0 added, 7 already there") != std::string::npos);
    auto not_isso = cli(t, "import --from isso " + data_dir + "/disqus.xml --db " + db);
    CHECK(not_isso.status == 1);
  }

  TEST_CASE("Isso: a time that is not a number is no time; votes past 2^53 are dropped, so an export reads back") {
    temp_dir t;
    const std::string isso = t / "isso.db";
    make_isso(isso);
    sqlite3* h = nullptr;
    REQUIRE(sqlite3_open(isso.c_str(), &h) == SQLITE_OK);
    // SQLite keeps any value in any column, whatever the table says.
    REQUIRE(sqlite3_exec(h,
                         "INSERT INTO comments VALUES (2, 20, NULL, 'garbage', NULL, 1, '', 'text time', 'A', NULL, "
                         "NULL, 0, 0, X'', 0);"
                         "INSERT INTO comments VALUES (2, 21, NULL, X'01', NULL, 1, '', 'blob time', 'B', NULL, "
                         "NULL, 0, 0, X'', 0);"
                         "INSERT INTO comments VALUES (2, 22, NULL, 1590000100.0, 'later', 1, '', 'odd edit', 'C', "
                         "NULL, NULL, 2, 9223372036854775807, X'', 0);",
                         nullptr, nullptr, nullptr) == SQLITE_OK);
    sqlite3_close(h);
    auto r = cli(t, "import --from isso " + isso + " --dry-run");
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto p = problems(r.err);
    CHECK(has(p, "bad_date isso:20"));
    CHECK(has(p, "bad_date isso:21"));
    CHECK(has(p, "bad_votes isso:22"));
    const std::string db = t.db("c.db");
    REQUIRE(cli(t, "import --from isso " + isso + " --db " + db).status == 0);
    auto c22 = comment(db, "isso-22");
    CHECK(c22["up"] == "0");
    CHECK(c22["down"] == "0");
    CHECK(c22["edited"] == comment(db, "isso-1")["edited"]);  // as for a comment never edited
    // Every exported document reads back without a problem.
    auto exported = cli(t, "export --db " + db);
    REQUIRE(exported.status == 0);
    std::istringstream lines(exported.out);
    for (std::string line; std::getline(lines, line);) {
      write_text(t / "doc.json", line);
      auto checked = cli(t, "check " + (t / "doc.json"));
      CHECK_MESSAGE(checked.out.find("\"problems\":[]") != std::string::npos, checked.out);
    }
  }

  TEST_CASE("Remark42: a backup, plain or gzipped; bad lines and cycles reported") {
    temp_dir t;
    const std::string db = t.db("c.db"), gz = t / "backup.gz";
    auto r = cli(t, "import --from remark42 " + data_dir + "/remark42.backup --db " + db);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    CHECK(r.out.find("/2019/night-train-to-vienna/: 3 comments (2 published, 1 deleted): 3 added") != std::string::npos);
    CHECK(r.out.find("/2020/sleeper-prices/: 3 comments (3 published): 3 added") != std::string::npos);
    auto p = problems(r.err);
    CHECK(has(p, "not_json remark42:line 6"));
    CHECK(has(p, "reply_cycle remark42:5e6a1c2b-0005-4c1e-9e1a-000000000005"));
    CHECK(has(p, "unsafe_html remark42:5e6a1c2b-0004-4c1e-9e1a-000000000004"));
    auto c1 = comment(db, "remark42-5e6a1c2b-0001-4c1e-9e1a-000000000001");
    CHECK(c1["created"] == "1572725645123");  // 2019-11-02T21:14:05.123456789+01:00
    CHECK(c1["text"] == "Took the night train last month. The **couchette** was fine, the coffee was not.");
    CHECK(c1["up"] == "2");
    auto c2 = comment(db, "remark42-5e6a1c2b-0002-4c1e-9e1a-000000000002");
    CHECK(c2["parent"] == "remark42-5e6a1c2b-0001-4c1e-9e1a-000000000001");
    CHECK(c2["edited"] == "1572768300000");
    CHECK(c2["down"] == "1");
    CHECK(c2["text"] == "Bring a thermos. Also:\n\n- earplugs\n- a [sleep mask](<https://shop.example/sleep-mask>)");
    CHECK(comment(db, "remark42-5e6a1c2b-0003-4c1e-9e1a-000000000003")["status"] == "deleted");

    REQUIRE(std::system(("gzip -c " + data_dir + "/remark42.backup > " + gz).c_str()) == 0);
    auto again = cli(t, "import --from remark42 " + gz + " --db " + db);
    REQUIRE_MESSAGE(again.status == 0, again.err);
    CHECK(again.out.find("total: 2 threads, 6 comments, 0 added, 6 already there") != std::string::npos);
    // Members one after another (a backup appended to, `cat a.gz b.gz`) are read as gzip -d
    // reads them, and zero padding after the last is ignored; other bytes there are damage.
    const std::string split = t / "split.gz", head = t / "head.txt", tail = t / "tail.txt";
    REQUIRE(std::system(("head -n 4 " + data_dir + "/remark42.backup > " + head + " && tail -n +5 " + data_dir +
                         "/remark42.backup > " + tail + " && gzip -c " + head + " > " + split + " && gzip -c " + tail +
                         " >> " + split)
                            .c_str()) == 0);
    write_text(split, read_text(split) + std::string(512, '\0'));
    auto dry = [&](const std::string& file) { return cli(t, "import --from remark42 " + file + " --dry-run"); };
    auto whole = dry(data_dir + "/remark42.backup"), members = dry(split);
    REQUIRE_MESSAGE(members.status == 0, members.err);
    CHECK(members.out == whole.out);
    write_text(split, read_text(split) + "junk");
    CHECK(dry(split).status == 1);
    write_text(gz, read_text(gz).substr(0, 40));
    auto truncated = cli(t, "import --from remark42 " + gz + " --db " + db);
    CHECK(truncated.status == 1);
    CHECK(truncated.err.find("damaged or truncated") != std::string::npos);
    // A small file that inflates past the limit (a backup's header, then 512 MB and one byte of
    // zeros, ~0.5 MB of gzip) is refused as too large (inflated in blocks: the refusal holds the
    // limit's memory, not twice it).
    const std::string bomb = t / "bomb.gz";
    REQUIRE(std::system(("(printf '{\"version\": 1}\\n'; head -c " + std::to_string(colloquy::limits::max_import_bytes) +
                         " /dev/zero; printf x) | gzip -1 -c > " + bomb)
                            .c_str()) == 0);
    auto over = dry(bomb);
    CHECK(over.status == 1);
    CHECK(over.err.find("document_too_large") != std::string::npos);
    // A file that is no backup is refused by its first line as soon as that is inflated, as a
    // plain one is: neither the same bomb after it is inflated (that would be document_too_large)
    // nor damage after it reached (that would be "damaged or truncated").
    const std::string not_backup = t / "not-backup.txt", wrong = t / "wrong.gz", damaged = t / "damaged.gz";
    write_text(not_backup, "\n  \r\n{\"comments\": []}\n{\"id\": \"1\"}\n");
    REQUIRE(std::system(("gzip -c " + not_backup + " > " + wrong + " && cat " + bomb + " >> " + wrong).c_str()) == 0);
    REQUIRE(std::system(("gzip -c " + not_backup + " > " + damaged + " && printf junk >> " + damaged).c_str()) == 0);
    const auto plain = dry(not_backup);
    REQUIRE(plain.status == 1);
    REQUIRE(plain.err.find("wrong_format: not a Remark42 backup: the first line is not its") != std::string::npos);
    for (const std::string& file : {wrong, damaged}) {
      const auto started = std::chrono::steady_clock::now();
      auto refused = dry(file);
      INFO(file << ": " << refused.err << " after "
                << std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() << " s");
      CHECK(refused.status == 1);
      CHECK(refused.err == std::string(plain.err).replace(plain.err.find(not_backup), not_backup.size(), file));
    }
    // Nor does it wait for a newline that never comes: a first byte no JSON object begins with is
    // answer enough (`garbage`, then 512 MB of zeros, no newline in all of it).
    const std::string garbage = t / "garbage.txt", endless = t / "endless.gz";
    write_text(garbage, "  garbage");
    REQUIRE(std::system(("(cat " + garbage + "; head -c " + std::to_string(colloquy::limits::max_import_bytes) +
                         " /dev/zero) | gzip -1 -c > " + endless)
                            .c_str()) == 0);
    const auto plain_garbage = dry(garbage);
    REQUIRE(plain_garbage.status == 1);
    const auto refused_garbage = dry(endless);
    CHECK(refused_garbage.status == 1);
    CHECK(refused_garbage.err ==
          std::string(plain_garbage.err).replace(plain_garbage.err.find(garbage), garbage.size(), endless));
    // A backup's header longer than an inflated block (1 MB) is read across blocks.
    const std::string long_header = t / "long-header.gz", long_plain = t / "long-header.txt";
    const std::string backup = read_text(data_dir + "/remark42.backup");
    write_text(long_plain, "{\"version\": 1, \"users\": [\"" + std::string(3u << 20, 'u') + "\"]}\n" +
                               backup.substr(backup.find('\n') + 1));
    REQUIRE(std::system(("gzip -c " + long_plain + " > " + long_header).c_str()) == 0);
    auto long_read = dry(long_header);
    REQUIRE_MESSAGE(long_read.status == 0, long_read.err);
    CHECK(long_read.out == whole.out);
    write_text(long_plain, "{\"version\": 2, \"users\": [\"" + std::string(3u << 20, 'u') + "\"]}\n");
    REQUIRE(std::system(("gzip -c " + long_plain + " > " + long_header + " && printf junk >> " + long_header).c_str()) ==
            0);
    CHECK(dry(long_header).err.find("wrong_format: Remark42 backup version 2 is not supported") != std::string::npos);
  }

  TEST_CASE("Remark42 lines are read as JSON.parse reads them: valid JSON is never not_json") {
    const std::string line = R"({"id":"a","time":"2020-01-01T00:00:00Z","text":"t","locator":{"url":"https://h.example/p/"},)";
    // A number beyond a double, in a field Colloquy does not read, costs nothing; votes are
    // still counted by their booleans.
    auto r = colloquy::import_remark42("{\"version\":1}\n" + line +
                                       R"("score":1e309,"votes":{"u1":true,"u2":false,"u3":true}})" + "\n" +
                                       std::string(100000, '[') + std::string(100000, ']') + "\n");
    REQUIRE(r.ok);
    REQUIRE(r.threads.size() == 1);
    REQUIRE(r.threads[0].comments.size() == 1);
    CHECK(r.threads[0].comments[0].up == 2);
    CHECK(r.threads[0].comments[0].down == 1);
    // Nested past the reader's depth: that line alone is refused, in bounded memory.
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "json_too_deep");
    CHECK(r.problems[0].id == "remark42:line 3");
    // A line that is not JSON says where it stops being JSON; a line of JSON that is no object
    // says so: two codes, two messages.
    auto odd = colloquy::import_remark42("{\"version\":1}\n{\"id\": nope}\n[1,2]\n");
    REQUIRE(odd.ok);
    REQUIRE(odd.problems.size() == 2);
    CHECK(odd.problems[0].code == "not_json");
    CHECK(odd.problems[0].id == "remark42:line 2");
    CHECK(odd.problems[0].message.find("column 8") != std::string::npos);
    CHECK(odd.problems[1].code == "item_not_object");
    CHECK(odd.problems[1].id == "remark42:line 3");
    CHECK(odd.problems[1].message.find("not an object") != std::string::npos);
    // Only versions 0 and 1 are backups this reads.
    for (const char* header :
         {R"({"version":-1})", R"({"version":2})", R"({"version":1.0})", R"({"version":"1"})", "[1]"}) {
      CAPTURE(header);
      auto refused = colloquy::import_remark42(std::string(header) + "\n" + line + "}\n");
      CHECK_FALSE(refused.ok);
      CHECK(refused.error.code == "wrong_format");
    }
    CHECK(colloquy::import_remark42(R"({"version":-0})"
                                    "\n" +
                                    line + "}\n")
              .ok);
    // A byte that is not UTF-8 in a line's text costs that character, not the comment.
    auto bytes = colloquy::import_remark42("{\"version\":1}\n" +
                                           std::string(R"({"id":"b","time":"2020-01-01T00:00:00Z","text":"caf)") +
                                           "\xE9" + R"(!","locator":{"url":"https://h.example/p/"}})" + "\n");
    REQUIRE(bytes.ok);
    REQUIRE(bytes.threads.size() == 1);
    REQUIRE(bytes.threads[0].comments.size() == 1);
    CHECK(bytes.threads[0].comments[0].text == "caf\xEF\xBF\xBD!");
  }

  TEST_CASE("An id with a control character is refused as the comments reader refuses it") {
    // A stored comment must read back: the reader refuses such ids (read.hpp), since the page's
    // HTML parser would merge "a\r" with "a\n".
    auto problems_of = [](const colloquy::import_result& r) {
      std::vector<std::string> out;
      for (const auto& p : r.problems) out.push_back(p.code + " " + p.id);
      return out;
    };
    const std::string line = R"({"time":"2020-01-01T00:00:00Z","text":"t","locator":{"url":"https://h.example/p/"},)";
    auto remark = colloquy::import_remark42("{\"version\":1}\n" + line + R"("id":"x\r"})" + "\n" + line +
                                            R"("id":"x\u007f"})" + "\n" + line + R"("id":"x\u0000"})" + "\n" + line +
                                            R"("id":"y","pid":"x\n"})" + "\n");
    REQUIRE(remark.ok);
    CHECK(problems_of(remark) == std::vector<std::string>{"bad_id remark42:x\r", "bad_id remark42:x\x7F",
                                                          std::string("bad_id remark42:x\0", 18), "orphan remark42:y"});
    REQUIRE(remark.threads.size() == 1);
    REQUIRE(remark.threads[0].comments.size() == 1);
    CHECK(remark.threads[0].comments[0].id == "remark42-y");
    auto documents = colloquy::import_documents(
        R"({"thread":"/p","comments":[{"id":"a\r","created":0,"text":"x"},{"id":"a\n","created":0,"text":"y"}]})");
    REQUIRE(documents.ok);
    CHECK(problems_of(documents) == std::vector<std::string>{"bad_id document 1: ", "bad_id document 1: "});
    // Named by their places in the document, as `colloquy check` names them.
    CHECK(documents.problems[0].index == 0);
    CHECK(documents.problems[1].index == 1);
    CHECK(documents.threads.empty());
  }

  TEST_CASE("Colloquy documents keep their thread ids as given: an export lands where the page asks") {
    // What `colloquy export` writes for threads a server took from data-thread: ids, not URLs.
    const std::vector<std::string> ids = {"post-42", "/p?x=1", "/p#frag", "/caf\xC3\xA9/", "/a/../b", "/p"};
    std::string lines;
    for (const std::string& id : ids)
      lines += R"({"thread":")" + id + R"(","comments":[{"id":"1","created":0,"text":"in )" + id + "\"}]}\n";
    auto r = colloquy::import_documents(lines);
    REQUIRE(r.ok);
    CHECK(r.problems.size() == 0);
    std::vector<std::string> threads;
    for (const auto& t : r.threads) threads.push_back(t.thread + " " + std::to_string(t.comments.size()));
    CHECK(threads ==
          std::vector<std::string>{"post-42 1", "/p?x=1 1", "/p#frag 1", "/caf\xC3\xA9/ 1", "/a/../b 1", "/p 1"});
    // Still bounded and non-blank, as a posted comment's thread is.
    auto blank = colloquy::import_documents(R"({"thread":" ","comments":[{"id":"1","created":0,"text":"x"}]})");
    CHECK_FALSE(blank.ok);
    CHECK(blank.error.code == "bad_thread");
  }

  TEST_CASE("A file that is neither one document nor JSON lines is refused where it breaks") {
    // One document, pretty-printed, with a syntax error on its fourth line: refused as a whole,
    // at the place `colloquy check` names, not read line by line into nothing.
    auto broken = colloquy::import_documents(
        "{\n  \"thread\": \"/p\",\n  \"comments\": [\n    {\"id\": \"1\" \"text\": \"x\"}\n  ]\n}\n");
    CHECK_FALSE(broken.ok);
    CHECK(broken.error.code == "not_json");
    CHECK(broken.error.line == 4);
    CHECK(broken.error.column == 16);
    auto junk = colloquy::import_documents("not json\nat all\n");
    CHECK_FALSE(junk.ok);
    CHECK(junk.error.line == 1);
    auto bare = colloquy::import_documents(R"([{"id":"1","created":0,"text":"x"}])");
    CHECK_FALSE(bare.ok);
    CHECK(bare.error.code == "bad_thread");
    // JSON lines with one broken line: the others are imported and the broken one is reported.
    auto lines = colloquy::import_documents(R"({"thread":"/a","comments":[{"id":"1","created":0,"text":"x"}]})"
                                            "\n{\"thread\":\n"
                                            R"({"thread":"/b","comments":[]})"
                                            "\n");
    REQUIRE(lines.ok);
    CHECK(lines.threads.size() == 1);
    REQUIRE(lines.problems.size() == 1);
    CHECK(lines.problems.begin()->code == "not_json");
  }

  TEST_CASE("statusBeforeDelete is read as JSON.parse reads the document: a comment deleted unseen stays unseen") {
    // A member Colloquy does not read holds a number past a double's range: valid JSON, so the
    // statuses beside it still count (a deleted comment that was never shown must not come back
    // published on a restore).
    auto documents = colloquy::import_documents(
        R"({"thread":"/p","x":1e309,"comments":[)"
        R"({"id":"a","created":0,"text":"","status":"deleted","statusBeforeDelete":"pending","y":-1e400},)"
        R"({"id":7,"created":0,"text":"","status":"deleted","statusBeforeDelete":"rejected"},)"
        R"({"id":"c","created":0,"text":"","status":"deleted","statusBeforeDelete":"published"},)"
        R"({"id":"d","created":0,"text":"","status":"deleted","statusBeforeDelete":{"no":"string"}},)"
        R"({"id":"e","created":0,"text":"","status":"deleted"}]})");
    REQUIRE(documents.ok);
    REQUIRE(documents.threads.size() == 1);
    std::vector<std::string> before;
    for (const auto& c : documents.threads[0].comments) before.push_back(c.id + "=" + c.status_before_delete);
    CHECK(before == std::vector<std::string>{"a=pending", "7=rejected", "c=", "d=pending", "e="});
  }

  TEST_CASE("statusBeforeDelete beside a comment nested past the depth limit: the others keep theirs") {
    // The deep comment is skipped alone (json_too_deep); before, the statuses of every other
    // comment of its document were lost with it, and a restore published a rejected comment.
    const std::string deep = std::string(70, '[') + std::string(70, ']');
    auto documents = colloquy::import_documents(
        R"({"thread":"/p","comments":[{"id":"x","created":0,"text":"old"}],"x":)" + deep +
        R"(,"comments":[)"
        R"({"id":"a","created":0,"text":"","status":"deleted","statusBeforeDelete":"pending"},)"
        R"({"id":"z","created":0,"text":"","x":)" +
        deep +
        R"(,"status":"deleted","statusBeforeDelete":"published"},)"
        R"({"id":7,"created":0,"text":"","status":"deleted","statusBeforeDelete":"rejected"}],"next":null})");
    REQUIRE(documents.ok);
    REQUIRE(documents.threads.size() == 1);
    std::vector<std::string> before;
    for (const auto& c : documents.threads[0].comments) before.push_back(c.id + "=" + c.status_before_delete);
    CHECK(before == std::vector<std::string>{"a=pending", "7=rejected"});
    REQUIRE(documents.problems.size() == 1);
    CHECK(documents.problems.begin()->code == "json_too_deep");
    // A bare array (JSON lines: one document per line) reads the same way.
    auto lines = colloquy::import_documents(
        R"({"thread":"/q","comments":[{"id":"b","created":0,"text":"","status":"deleted","statusBeforeDelete":"rejected"},)"
        R"({"id":"y","created":0,"text":"","v":)" +
        deep + R"(}]})" + "\n" +
        R"({"thread":"/r","comments":[{"id":"c","created":0,"text":"","status":"deleted","statusBeforeDelete":"pending"}]})");
    REQUIRE(lines.ok);
    std::vector<std::string> kept;
    for (const auto& t : lines.threads)
      for (const auto& c : t.comments) kept.push_back(c.id + "=" + c.status_before_delete);
    CHECK(kept == std::vector<std::string>{"b=rejected", "c=pending"});
  }

  TEST_CASE("Hostile files: DTDs, deep nesting, invalid UTF-8, huge fields, wrong formats") {
    temp_dir t;
    const std::string db = t.db("c.db");
    for (const char* f : {"disqus-billion-laughs.xml", "wordpress-xxe.xml"}) {
      CAPTURE(f);
      auto r = cli(t, std::string("import --from ") + (f[0] == 'd' ? "disqus " : "wordpress ") + data_dir + "/" + f +
                          " --db " + db);
      CHECK(r.status == 1);
      CHECK(r.err.find("xml_doctype_refused") != std::string::npos);
      CHECK(r.err.find("line 2, column 1") != std::string::npos);
      CHECK(untouched(db));
    }
    std::string deep = "<disqus>";
    for (int i = 0; i < 50000; ++i) deep += "<x>";
    write_text(t / "deep.xml", deep);
    auto r = cli(t, "import --from disqus " + (t / "deep.xml") + " --db " + db);
    CHECK(r.status == 1);
    CHECK(r.err.find("xml_too_deep") != std::string::npos);

    auto wrong = cli(t, "import --from wordpress " + data_dir + "/disqus.xml --db " + db);
    CHECK(wrong.status == 1);
    CHECK(wrong.err.find("wrong_format") != std::string::npos);
    CHECK(cli(t, "import --from remark42 " + data_dir + "/wordpress.xml --db " + db).err.find("wrong_format") !=
          std::string::npos);

    // Invalid UTF-8 in a name and a 100 KB message: repaired (U+FFFD, cut at 40,000 bytes).
    std::string huge(100000, 'w');
    write_text(t / "odd.xml",
               "<disqus xmlns:dsq=\"x\"><thread dsq:id=\"1\"><link>https://h.example/odd/</link></thread>"
               "<post dsq:id=\"7\"><message><![CDATA[<p>" +
                   huge +
                   "</p>]]></message><createdAt>2020-01-01T00:00:00Z"
                   "</createdAt><author><name>caf\xE9 \xFF\xFE</name></author><thread dsq:id=\"1\"/></post></disqus>");
    r = cli(t, "import --from disqus " + (t / "odd.xml") + " --db " + db);
    REQUIRE_MESSAGE(r.status == 0, r.err);
    auto p = problems(r.err);
    CHECK(has(p, "bad_utf8 disqus:7"));
    CHECK(has(p, "text_truncated disqus:7"));
    auto c = comment(db, "disqus-7");
    CHECK(c["text"].size() == 40000);
    CHECK(c["author_name"] == "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD");
  }

  TEST_CASE("Elements nobody reads cost no memory: a Disqus file padded with 5 million of them imports in 400 MB") {
    // Kept in the tree, each <x/> cost about 200 bytes: this 20 MB file needed a gigabyte, and a
    // file within the 512 MB limit tens of gigabytes. Now only <thread> stays beside the posts.
    temp_dir t;
    const std::string file = t / "padded.xml";
    std::string xml =
        "<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\"><thread dsq:id=\"1\">"
        "<link>https://h.example/p/</link></thread>";
    xml.reserve(22u << 20);
    for (int i = 0; i < 5 * 1024 * 1024; ++i) xml += "<x/>";
    for (int i = 0; i < 3; ++i)
      xml += "<post dsq:id=\"" + std::to_string(i) +
             "\"><thread dsq:id=\"1\"/><createdAt>2020-01-01T00:00:00Z</createdAt><message>hi</message></post>";
    write_text(file, xml + "</disqus>");
    const std::string out = t / "out", err = t / "err";
    const int rc = std::system(("ulimit -v 400000; " + std::string(COLLOQUY_CLI) + " import --from disqus " + file +
                                " --dry-run >" + out + " 2>" + err)
                                   .c_str());
    INFO(read_text(err));
    CHECK((WIFEXITED(rc) && WEXITSTATUS(rc) == 0));
    CHECK(read_text(out).find("total: 1 thread, 3 comments") != std::string::npos);
    // Where memory does run out (here 30 MB for a 20 MB file), a coded refusal, never an abort.
    const int tight = std::system(("ulimit -v 30000; " + std::string(COLLOQUY_CLI) + " import --from disqus " + file +
                                   " --dry-run >" + out + " 2>" + err)
                                      .c_str());
    CHECK((WIFEXITED(tight) && WEXITSTATUS(tight) == 1));
    CHECK(read_text(err).find("document_too_large") != std::string::npos);
  }

  TEST_CASE("A Disqus id repeated in another thread is one comment: the second is skipped and said") {
    auto r = colloquy::import_disqus(
        "<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\">"
        "<thread dsq:id=\"t1\"><link>https://blog.example/a/</link></thread>"
        "<thread dsq:id=\"t2\"><link>https://blog.example/b/</link></thread>"
        "<post dsq:id=\"1\"><message>in a</message><createdAt>2010-09-25T14:03:00Z</createdAt><thread "
        "dsq:id=\"t1\"/></post>"
        "<post dsq:id=\"1\"><message>in b</message><createdAt>2010-09-25T14:04:00Z</createdAt><thread "
        "dsq:id=\"t2\"/></post>"
        "<post dsq:id=\"2\"><message>reply in b</message><createdAt>2010-09-25T14:05:00Z</createdAt>"
        "<thread dsq:id=\"t2\"/><parent dsq:id=\"1\"/></post></disqus>");
    REQUIRE(r.ok);
    std::vector<std::string> said;
    for (const auto& p : r.problems) said.push_back(p.code + " " + p.id);
    CHECK(said == std::vector<std::string>{"duplicate_id disqus:1", "orphan disqus:2"});
    REQUIRE(r.threads.size() == 2);
    CHECK(r.threads[0].comments.size() == 1);
    CHECK(r.threads[0].comments[0].text == "in a");
    REQUIRE(r.threads[1].comments.size() == 1);
    CHECK(r.threads[1].comments[0].id == "disqus-2");
    CHECK(r.threads[1].comments[0].parent.empty());
  }

  TEST_CASE("A problem names a huge source key by its first 256 bytes") {
    const std::string id(100000, 'A');
    auto r = colloquy::import_disqus(
        "<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\"><thread dsq:id=\"t\">"
        "<link>https://b.example/p</link></thread><post dsq:id=\"" +
        id + "\"><message>x</message><thread dsq:id=\"nowhere\"/></post></disqus>");
    REQUIRE(r.ok);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "unknown_thread");
    CHECK(r.problems[0].id == "disqus:" + id.substr(0, 249) + "\xE2\x80\xA6");
  }

  TEST_CASE("Hostile items are inert when rendered, and keep their words") {
    temp_dir t;
    const std::string db = t.db("c.db"), isso = t / "isso.db";
    make_isso(isso);
    REQUIRE(cli(t, "import --from disqus " + data_dir + "/disqus.xml --db " + db).status == 0);
    REQUIRE(cli(t, "import --from wordpress " + data_dir + "/wordpress.xml --db " + db).status == 0);
    REQUIRE(cli(t, "import --from isso " + isso + " --db " + db).status == 0);
    REQUIRE(cli(t, "import --from remark42 " + data_dir + "/remark42.backup --db " + db).status == 0);
    auto e = cli(t, "export --db " + db);
    REQUIRE_MESSAGE(e.status == 0, e.err);
    std::string html;
    render_exports(t, e.out, html);
    for (const char* words : {"harbour photo", "click here", "and here", "framed words", "svg words", "styled words",
                              "entity &lt;script&gt; trick entity link", "first half]]&gt;second half",
                              "alert(&#39;cdata&#39;)", "old trick", "bold words", "object words", "press me",
                              "math words", "Hostile link", "&lt;b&gt;raw bold&lt;/b&gt;"})
      CHECK_MESSAGE(html.find(words) != std::string::npos, words);
    CHECK(html.find("<a href=\"https://ok.example/page?a=1&amp;b=2\"") != std::string::npos);
  }

  TEST_CASE("WordPress as sites write it: bare URLs, <pre>, a raw '&', plain permalinks, two sites") {
    temp_dir t;
    const std::string db = t.db("c.db");
    auto wxr = [](const std::string& site, const std::string& items) {
      return "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<rss version=\"2.0\" "
             "xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><link>" +
             site + "</link><wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>" + site + "</wp:base_site_url>" +
             items + "</channel></rss>";
    };
    auto item = [](const std::string& link, const std::string& comments) {
      return "<item><link>" + link + "</link>" + comments + "</item>";
    };
    auto comment_xml = [](int id, int parent, const std::string& content, const std::string& url = "") {
      return "<wp:comment><wp:comment_id>" + std::to_string(id) + "</wp:comment_id><wp:comment_author>A" +
             std::to_string(id) + "</wp:comment_author><wp:comment_author_url>" + url +
             "</wp:comment_author_url><wp:comment_date_gmt>2024-01-0" + std::to_string(id) +
             " 10:00:00</wp:comment_date_gmt><wp:comment_content><![CDATA[" + content +
             "]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>" +
             std::to_string(parent) + "</wp:comment_parent></wp:comment>";
    };
    write_text(
        t / "a.xml",
        wxr("https://a.example",
            item("https://a.example/?p=2",
                 comment_xml(1, 0,
                             "See https://en.wikipedia.org/wiki/Foo_(bar)_baz and www.example.org/a_b?x=1&y=2 "
                             "now.\n\n*Really*",
                             "https://a.example/?id=7&ref=blog")) +
                item("https://a.example/?p=3",
                     comment_xml(2, 0, "<pre>def f(x):\n    if x:\n        return 1\n\n    return 2</pre>")) +
                item("https://a.example/caf\xC3\xA9/a/../b/", comment_xml(3, 0, " ") + comment_xml(4, 3, "child"))));
    auto a = cli(t, "import --from wordpress " + (t / "a.xml") + " --db " + db);
    REQUIRE_MESSAGE(a.status == 0, a.err);
    auto p = problems(a.err);
    CHECK(has(p, "threads_merged wordpress:a.example:2"));
    CHECK(has(p, "text_required wordpress:a.example:3"));
    CHECK(a.err.find("an '&' that starts no reference, read as '&' at line 2") != std::string::npos);
    CHECK(comment(db, "wordpress-1")["author_url"] == "https://a.example/?id=7&ref=blog");
    CHECK(comment(db, "wordpress-2")["text"].find("    if x:\n        return 1\n\n    return 2") != std::string::npos);
    auto c3 = comment(db, "wordpress-3");
    CHECK(c3["thread"] == "/caf%C3%A9/b/");  // as the widget's new URL(…).pathname
    CHECK(c3["status"] == "deleted");
    CHECK(comment(db, "wordpress-4")["parent"] == "wordpress-3");
    auto e = cli(t, "export --db " + db + " --thread /");
    REQUIRE(e.status == 0);
    write_text(t / "root.json", e.out);
    auto html = cli(t, "render " + (t / "root.json"));
    REQUIRE_MESSAGE(html.status == 0, html.err);
    CHECK(html.out.find("<a href=\"https://en.wikipedia.org/wiki/Foo_(bar)_baz\"") != std::string::npos);
    CHECK(html.out.find(">https://en.wikipedia.org/wiki/Foo_(bar)_baz</a>") != std::string::npos);
    CHECK(html.out.find("href=\"http://www.example.org/a_b?x=1&amp;y=2\"") != std::string::npos);
    CHECK(html.out.find('\\') == std::string::npos);
    CHECK(html.out.find("*Really*") != std::string::npos);  // WordPress stores no Markdown: as typed

    // A second blog numbers its comments from 1 too: both are kept. A missing parent is reported
    // at the comment's own place in the file.
    write_text(t / "b.xml", wxr("https://b.example/", item("https://b.example/recipes/bread/",
                                                           comment_xml(1, 0, "Bread") + comment_xml(2, 99, "Rye"))));
    auto b = cli(t, "import --from wordpress " + (t / "b.xml") + " --db " + db);
    REQUIRE_MESSAGE(b.status == 0, b.err);
    CHECK(b.out.find("/recipes/bread/: 2 comments (2 published): 2 added") != std::string::npos);
    CHECK(b.err.find("{\"code\":\"orphan\",\"field\":\"parent\",\"id\":\"wordpress:b.example:2\",\"index\":2,") !=
          std::string::npos);
    CHECK(count(db) == 6);
  }

  TEST_CASE("Namespaces by their names, not their prefixes; an RSS feed is not a WordPress export") {
    temp_dir t;
    const std::string db = t.db("c.db");
    write_text(t / "d.xml",
               "<disqus xmlns=\"http://disqus.com\" xmlns:d=\"http://disqus.com/disqus-internals\">"
               "<thread d:id=\"1\"><link>https://h.example/p/</link></thread><post d:id=\"7\"><message>Hi</message>"
               "<createdAt>2020-01-01T00:00:00Z</createdAt><author><name>N</name></author><thread d:id=\"1\"/>"
               "</post></disqus>");
    auto d = cli(t, "import --from disqus " + (t / "d.xml") + " --db " + db);
    REQUIRE_MESSAGE(d.status == 0, d.err);
    CHECK(d.out.find("/p/: 1 comment (1 published): 1 added") != std::string::npos);
    write_text(t / "feed.rss",
               "<rss version=\"2.0\"><channel><title>T</title><item><link>https://h.example/q/</link></item>"
               "</channel></rss>");
    auto rss = cli(t, "import --from wordpress " + (t / "feed.rss") + " --db " + db);
    CHECK(rss.status == 1);
    CHECK(rss.err.find("wrong_format") != std::string::npos);
    write_text(t / "utf16.xml", std::string("\xFF\xFE<\0r\0", 6));
    auto wide = cli(t, "import --from wordpress " + (t / "utf16.xml") + " --db " + db);
    CHECK(wide.status == 1);
    CHECK(wide.err.find("UTF-16") != std::string::npos);
  }

  TEST_CASE("Export: a rejected comment with replies stays as an empty placeholder; render leaves out pending") {
    temp_dir t;
    const std::string db = t.db("c.db"), copy = t.db("copy.db");
    auto c = [](int id, int parent, const char* approved, const std::string& text) {
      return "<wp:comment><wp:comment_id>" + std::to_string(id) + "</wp:comment_id><wp:comment_author>Author " +
             std::to_string(id) + "</wp:comment_author><wp:comment_date_gmt>2024-01-0" + std::to_string(id) +
             " 10:00:00</wp:comment_date_gmt><wp:comment_content>" + text +
             "</wp:comment_content><wp:comment_approved>" + approved + "</wp:comment_approved><wp:comment_parent>" +
             std::to_string(parent) + "</wp:comment_parent></wp:comment>";
    };
    write_text(t / "w.xml",
               "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><link>https://w.example</link>"
               "<item><link>https://w.example/p/</link>" +
                   c(1, 0, "spam", "buy pills") + c(2, 1, "1", "that is spam") + c(3, 0, "0", "waiting words") +
                   c(4, 0, "spam", "more pills") + "</item></channel></rss>");
    REQUIRE(cli(t, "import --from wordpress " + (t / "w.xml") + " --db " + db).status == 0);
    auto e = cli(t, "export --db " + db);
    REQUIRE(e.status == 0);
    CHECK(e.err.find("1 rejected comments left out") != std::string::npos);
    auto doc = nlohmann::json::parse(e.out);
    REQUIRE(doc["comments"].size() == 3);
    const auto& spam = doc["comments"][0];
    CHECK(spam["id"] == "wordpress-1");
    CHECK(spam["status"] == "deleted");
    CHECK(spam["text"] == "");
    CHECK(spam["author"]["name"] == "");
    CHECK(e.out.find("pills") == std::string::npos);
    CHECK(doc["comments"][1]["parent"] == "wordpress-1");
    write_text(t / "backup.jsonl", e.out);
    auto back = cli(t, "import --from json " + (t / "backup.jsonl") + " --db " + copy);
    REQUIRE_MESSAGE(back.status == 0, back.err);
    CHECK(back.err.find("orphan") == std::string::npos);
    CHECK(comment(copy, "wordpress-2")["parent"] == "wordpress-1");
    auto html = cli(t, "render " + (t / "backup.jsonl"));
    REQUIRE_MESSAGE(html.status == 0, html.err);
    CHECK(html.out.find("that is spam") != std::string::npos);
    CHECK(html.out.find("waiting words") == std::string::npos);
    CHECK(html.out.find("Author 3") == std::string::npos);
    CHECK(html.out.find("pending") == std::string::npos);
  }

  TEST_CASE("Export then import into an empty database gives the same threads") {
    temp_dir t;
    const std::string db = t.db("c.db"), copy = t.db("copy.db"), isso = t / "isso.db";
    make_isso(isso);
    REQUIRE(cli(t, "import --from disqus " + data_dir + "/disqus.xml --db " + db).status == 0);
    REQUIRE(cli(t, "import --from wordpress " + data_dir + "/wordpress.xml --db " + db).status == 0);
    REQUIRE(cli(t, "import --from isso " + isso + " --db " + db).status == 0);
    REQUIRE(cli(t, "import --from remark42 " + data_dir + "/remark42.backup --db " + db).status == 0);
    auto first = cli(t, "export --db " + db);
    REQUIRE(first.status == 0);
    CHECK(first.err.find("2 rejected comments left out") != std::string::npos);  // spam is nobody's to read
    // One document per thread, each a valid comments document with every comment's status.
    std::istringstream lines(first.out);
    std::size_t documents = 0, comments = 0;
    for (std::string line; std::getline(lines, line); ++documents) {
      auto doc = nlohmann::json::parse(line);
      for (const auto& c : doc["comments"]) {
        CHECK(c.contains("status"));
        ++comments;
      }
      write_text(t / "one.json", line);
      auto check = cli(t, "check " + (t / "one.json"));
      CHECK_MESSAGE(check.status == 0, check.out);
      CHECK(nlohmann::json::parse(check.out)["problems"].empty());
    }
    CHECK(documents == 8);
    CHECK(comments == static_cast<std::size_t>(count(db, "status != 'rejected'")));
    write_text(t / "backup.jsonl", first.out);
    auto back = cli(t, "import --from json " + (t / "backup.jsonl") + " --db " + copy);
    REQUIRE_MESSAGE(back.status == 0, back.err);
    CHECK(back.err.find("skipped or repaired") == std::string::npos);
    auto second = cli(t, "export --db " + copy);
    CHECK(second.out == first.out);
    // The same rows, statuses, dates and parents.
    const std::string cols =
        "SELECT thread, id, parent, status, created, edited, text, author_name, author_url, up, down "
        "FROM comments WHERE status != 'rejected' ORDER BY thread, id";
    CHECK(query(db, cols) == query(copy, cols));
    // Importing the backup again adds nothing; --thread exports one thread.
    CHECK(cli(t, "import --from json " + (t / "backup.jsonl") + " --db " + copy).out.find(" 0 added") !=
          std::string::npos);
    auto one = cli(t, "export --db " + copy + " --thread /about/");
    REQUIRE(one.status == 0);
    auto doc = nlohmann::json::parse(one.out);
    CHECK(doc["thread"] == "/about/");
    CHECK(doc["comments"].size() == 2);
  }

  TEST_CASE("Export then import lists what the original lists: a comment deleted unseen stays unseen") {
    temp_dir t;
    const std::string db = t.db("c.db"), copy = t.db("copy.db");
    const std::string thread = "/2010/09/24/nato-russia-council";
    const std::string token = "m0derator-token";
    const httplib::Headers admin = {{"Authorization", "Bearer " + token}};
    std::vector<std::string> ids;
    {
      colloquy::test::server_process s(db, {"--moderate", "--admin-token", token, "--rate-limit", "0"});
      auto c = s.client();
      auto post = [&](const std::string& text, const std::string& client_id) {
        auto r = c.Post("/api/comments", colloquy::test::post_body(thread, text, client_id, "", "Secret Name"),
                        "application/json");
        REQUIRE(r);
        REQUIRE(r->status == 201);
        return nlohmann::json::parse(r->body);
      };
      auto act = [&](const std::string& id, const std::string& action) {
        auto r = c.Post("/api/admin/moderate", admin,
                        nlohmann::json{{"thread", thread}, {"id", id}, {"action", action}}.dump(), "application/json");
        REQUIRE(r);
        REQUIRE_MESSAGE(r->status == 200, r->body);
      };
      // Its author deletes it while it awaits moderation; a moderator deletes one pending and one
      // published; one is deleted after its rejection.
      const auto mine = post("never shown, deleted by its author", "rt-1");
      auto gone = c.Delete(("/api/comments/" + mine["id"].get<std::string>() + "?thread=" + thread).c_str(),
                           {{"Authorization", "Bearer " + mine["token"].get<std::string>()}});
      REQUIRE(gone);
      REQUIRE(gone->status == 200);
      const auto pending = post("never shown, deleted by a moderator", "rt-2");
      act(pending["id"], "delete");
      const auto shown = post("shown, then deleted", "rt-3");
      act(shown["id"], "approve");
      act(shown["id"], "delete");
      const auto spam = post("spam, rejected, then deleted", "rt-4");
      act(spam["id"], "reject");
      act(spam["id"], "delete");
      ids = {mine["id"], pending["id"], shown["id"], spam["id"]};
    }
    auto first = cli(t, "export --db " + db);
    REQUIRE(first.status == 0);
    CHECK(first.out.find("spam, rejected") == std::string::npos);  // rejected: nobody's to read
    write_text(t / "backup.jsonl", first.out);
    auto back = cli(t, "import --from json " + (t / "backup.jsonl") + " --db " + copy);
    REQUIRE_MESSAGE(back.status == 0, back.err);
    CHECK(cli(t, "export --db " + copy).out == first.out);
    // (NULL and 'published' before a delete are one: a published comment's placeholder.)
    const std::string cols =
        "SELECT id, status, coalesce(status_before_delete, 'published') AS prior FROM comments "
        "WHERE id IN ('" +
        ids[0] + "', '" + ids[1] + "', '" + ids[2] + "') ORDER BY id";
    CHECK(query(db, cols) == query(copy, cols));

    // Both served: the same thread (one placeholder, no name of a comment never shown), and a
    // moderator's restore gives the same status in both.
    std::vector<std::string> listed, restored;
    for (const std::string& d : {db, copy}) {
      colloquy::test::server_process s(d, {"--admin-token", token});
      auto c = s.client();
      auto r = c.Get(("/api/comments?thread=" + thread).c_str());
      REQUIRE(r);
      listed.push_back(nlohmann::json::parse(r->body)["comments"].dump());  // "feed" names each port
      CHECK(r->body.find("Secret Name") != std::string::npos);              // the placeholder of the published one
      CHECK(nlohmann::json::parse(r->body)["comments"].size() == 4);        // 3 seeded and that placeholder
      for (const std::string& id : {ids[0], ids[1], ids[2]}) {
        auto a = c.Post("/api/admin/moderate", admin,
                        nlohmann::json{{"thread", thread}, {"id", id}, {"action", "restore"}}.dump(),
                        "application/json");
        REQUIRE(a);
        restored.push_back(std::to_string(a->status) + " " + nlohmann::json::parse(a->body).value("status", ""));
      }
    }
    CHECK(listed[0] == listed[1]);
    CHECK(restored == std::vector<std::string>{"200 pending", "200 pending", "200 published", "200 pending",
                                               "200 pending", "200 published"});
  }

  TEST_CASE("A round trip keeps each thread's order where times disagree with it (posts of one moment)") {
    temp_dir t;
    const std::string db = t.db("c.db"), copy = t.db("copy.db");
    // As a server stores two posts racing: c7 stored before c8, its time taken a moment later;
    // c9 replies to c7. Parents come first, so the document's order is the thread's.
    write_text(t / "race.json", R"({"thread":"/race/","comments":[
      {"id":"c7","parent":null,"author":{"name":"A"},"created":"2024-05-01T10:00:00.009Z","text":"first stored"},
      {"id":"c8","parent":null,"author":{"name":"B"},"created":"2024-05-01T10:00:00.002Z","text":"second stored"},
      {"id":"c9","parent":"c7","author":{"name":"C"},"created":"2024-05-01T10:00:00.005Z","text":"a reply"}]})");
    REQUIRE(cli(t, "import --from json " + (t / "race.json") + " --db " + db).status == 0);
    auto first = cli(t, "export --db " + db);
    REQUIRE(first.status == 0);
    std::vector<std::string> order;
    const auto doc = nlohmann::json::parse(first.out);  // kept: a loop over parse(…)[…] would dangle
    for (const auto& c : doc["comments"]) order.push_back(c["id"]);
    CHECK(order == std::vector<std::string>{"c7", "c8", "c9"});
    write_text(t / "backup.jsonl", first.out);
    REQUIRE(cli(t, "import --from json " + (t / "backup.jsonl") + " --db " + copy).status == 0);
    CHECK(cli(t, "export --db " + copy).out == first.out);
    // A reply listed before its parent is no order to keep: parents first, oldest first.
    write_text(t / "replies-first.json", R"({"thread":"/other/","comments":[
      {"id":"r","parent":"p","created":"2024-05-01T10:00:02Z","text":"reply"},
      {"id":"q","parent":null,"created":"2024-05-01T10:00:03Z","text":"later"},
      {"id":"p","parent":null,"created":"2024-05-01T10:00:01Z","text":"parent"}]})");
    REQUIRE(cli(t, "import --from json " + (t / "replies-first.json") + " --db " + db).status == 0);
    order.clear();
    const auto other = nlohmann::json::parse(cli(t, "export --db " + db + " --thread /other/").out);
    for (const auto& c : other["comments"]) order.push_back(c["id"]);
    CHECK(order == std::vector<std::string>{"p", "r", "q"});
  }

  TEST_CASE("The server's Atom feeds: per thread and for the whole site, newest first") {
    temp_dir t;
    const std::string db = t.db("c.db");
    REQUIRE(cli(t, "import --from disqus " + data_dir + "/disqus.xml --db " + db).status == 0);
    colloquy::test::server_process server(db, {"--cors", "https://harbour.example"});
    auto client = server.client();
    auto r = client.Get("/api/feed.atom?thread=%2F2010%2F09%2F24%2Fthe-new-ferry%2F");
    REQUIRE(r);
    CHECK(r->status == 200);
    CHECK(r->get_header_value("Content-Type") == "application/atom+xml; charset=utf-8");
    auto d = colloquy::xml::parse(r->body);
    REQUIRE_MESSAGE(d.ok, d.error.message);
    CHECK(d.root().name == "feed");
    CHECK(d.child_text(d.root(), "id") == server.origin() + "/api/feed.atom?thread=/2010/09/24/the-new-ferry/");
    std::vector<std::string> ids;
    d.each_child(d.root(), "entry", [&](const colloquy::xml::element& e) {
      ids.emplace_back(d.child_text(e, "id"));
      auto why = colloquy::test::allowlist_violation(d.child(e, "content")->text, colloquy::test::markup_allowlist());
      CHECK_MESSAGE(!why, *why);
    });
    // The 7 published comments (not the deleted or the spam one), newest first, linking to the blog.
    REQUIRE(ids.size() == 7);
    CHECK(ids.front() == "https://harbour.example/2010/09/24/the-new-ferry/#comment-disqus-3009");
    CHECK(ids.back() == "https://harbour.example/2010/09/24/the-new-ferry/#comment-disqus-3001");
    auto site = client.Get("/api/feed.atom");
    REQUIRE(site);
    auto all = colloquy::xml::parse(site->body);
    REQUIRE(all.ok);
    std::size_t entries = 0;
    all.each_child(all.root(), "entry", [&](const colloquy::xml::element&) { ++entries; });
    CHECK(entries == 9);
    // The comments answer names the thread's feed, for the widget's header link.
    auto answer = client.Get("/api/comments?thread=%2F2010%2F09%2F24%2Fthe-new-ferry%2F");
    REQUIRE(answer);
    auto feed = nlohmann::json::parse(answer->body)["feed"].get<std::string>();
    CHECK(feed == "//127.0.0.1:" + std::to_string(server.port()) + "/api/feed.atom?thread=/2010/09/24/the-new-ferry/");
    auto linked = client.Get(feed.substr(feed.find("/api/")));
    REQUIRE(linked);
    CHECK(linked->status == 200);
    CHECK(colloquy::xml::parse(linked->body).ok);
    auto post = client.Post("/api/feed.atom", "{}", "application/json");
    REQUIRE(post);
    CHECK(post->status == 405);
  }

  TEST_CASE("Usage errors exit 2, unusable input exits 1") {
    temp_dir t;
    CHECK(cli(t, "import --from blogger x.xml --db " + (t / "c.db")).status == 2);
    CHECK(cli(t, "import --from disqus " + data_dir + "/disqus.xml").status == 2);
    CHECK(cli(t, "import --from disqus " + data_dir + "/disqus.xml --db " + (t / "c.db") + " extra").status == 2);
    CHECK(cli(t, "import --form disqus").err.find("did you mean --from") != std::string::npos);
    // No such file, or a directory, as for render and check: exit 2, with nothing written.
    CHECK(cli(t, "import --from disqus " + (t / "missing.xml") + " --db " + (t / "c.db")).status == 2);
    CHECK(cli(t, "import --from json " + t.path.string() + " --db " + (t / "c.db")).status == 2);
    CHECK(cli(t, "import --from isso " + (t / "missing.db") + " --db " + (t / "c.db")).status == 2);
    CHECK(cli(t, "export --db " + (t / "missing.db")).status == 1);
    // A PostgreSQL URL is a database like a file: one that cannot be reached is unusable.
    auto unreachable = cli(t, "export --db postgresql://colloquy@127.0.0.1:1/none");
    CHECK(unreachable.status == 1);
    CHECK(unreachable.err.find("colloquy export: ") == 0);
    CHECK(cli(t, "import --help").out.find("--dry-run") != std::string::npos);
    // Help takes nothing after it, for every command and for colloquy's own: an argument there is
    // a usage error, said in one line, not ignored.
    for (const std::string args : {"render --help extra", "render --sort top -h x.json", "serve --help --port 1",
                                   "import --help x.xml", "check --help --help", "--help render", "-h extra"}) {
      auto r = cli(t, args);
      INFO(args << ": " << r.err);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(r.err.find("unexpected argument") != std::string::npos);
      CHECK(r.err.find('\n') == r.err.size() - 1);
    }
    // An empty argument is named as one.
    for (const std::string args : {"render --help ''", "--help ''", "render a.json ''"}) {
      auto r = cli(t, args);
      INFO(args << ": " << r.err);
      CHECK(r.status == 2);
      CHECK(r.err.find("unexpected argument '' (") != std::string::npos);
    }
    // Every message that quotes a value given names an empty one '' (cli.hpp named).
    for (const auto& [args, said] : std::vector<std::pair<std::string, std::string>>{
             {"render --sort '' x.json", "colloquy render: unknown --sort '' ("},
             {"render --locale '' x.json", "colloquy render: unknown --locale '' ("},
             {"export --db ''", "colloquy export: no database at ''\n"},
             {"admin pending --db ''", "colloquy admin: no database at ''\n"},
             {"admin ''", "colloquy admin: expected pending, approve, reject, delete or restore, not ''\n"},
             {"import --from '' x.xml",
              "colloquy import: --from must be disqus, wordpress, isso, remark42 or json, not ''\n"},
             {"serve --port ''", "colloquy serve: bad --port '' ("},
             {"serve --port 0 --root ''", "colloquy serve: --root '' is not a directory\n"},
             {"''", "colloquy: unknown command '' ("}}) {
      auto r = cli(t, args);
      INFO(args << ": " << r.err);
      CHECK(r.status != 0);
      CHECK(r.err.find(said) == 0);
    }
    // An empty FILE names no file: only - or no FILE reads standard input.
    for (const std::string command : {"render", "check", "stories", "import --from json"}) {
      auto r = cli(t, command + " '' </dev/null");
      INFO(command << ": " << r.err);
      CHECK(r.status == 2);
      CHECK(r.out.empty());
      CHECK(r.err.find("FILE '' names no file") != std::string::npos);
    }
    auto help = cli(t, "render --sort top --help");
    CHECK(help.status == 0);
    CHECK(help.out.find("usage: colloquy render") == 0);
    CHECK(cli(t, "--help").status == 0);
  }
}
