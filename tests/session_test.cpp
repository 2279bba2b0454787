// Comments sessions (api.hpp comments_session, boundary.hpp render_session_page/_slice): a
// thread read once and rendered a slice at a time gives the very HTML of one render_comments.
#include <doctest/doctest.h>

#include <cstdlib>
#include <cstring>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "thread_support.hpp"

namespace {
std::string html_of(const std::string& answer) { return answer.substr(answer.find('\0') + 1); }
nlohmann::json meta_of(const std::string& answer) { return nlohmann::json::parse(answer.substr(0, answer.find('\0'))); }
std::size_t articles(const std::string& html) { return colloquy::test::count_comments(html); }

// A page answered by the session, its slices inserted where the list ends (the page answer's
// last chunk), as the widget does; `slices` receives each slice's article count.
std::string assembled(colloquy::comments_session& s, const std::string& options, std::vector<std::size_t>& slices) {
  std::string answer = colloquy::render_session_page(s, options, 7);
  nlohmann::json meta = meta_of(answer);
  REQUIRE(meta["ok"] == true);
  CHECK(meta["session"] == 7);
  std::string html = html_of(answer);
  std::size_t at = meta["chunks"].back();
  slices.push_back(articles(html));
  for (nlohmann::json rest = meta["rest"]; !rest.is_null();) {
    REQUIRE(slices.size() < 10000);
    nlohmann::json o = nlohmann::json::parse(options);
    o["from"] = rest["from"];
    o["to"] = rest["to"];
    std::string part = colloquy::render_session_slice(s, o.dump());
    REQUIRE(meta_of(part)["ok"] == true);
    std::string articles_html = html_of(part);
    // Each slice comes in a box of its own (the stylesheet's .slice); the articles are one render's.
    const std::string open = "<div class=\"slice\">", close = "</div>";
    REQUIRE(articles_html.starts_with(open));
    REQUIRE(articles_html.ends_with(close));
    articles_html = articles_html.substr(open.size(), articles_html.size() - open.size() - close.size());
    slices.push_back(articles(articles_html));
    html.insert(at, articles_html);
    at += articles_html.size();
    rest = meta_of(part)["rest"];
  }
  return html;
}
}  // namespace

TEST_SUITE("Comments sessions") {
  TEST_CASE("A page rendered in slices is the page render_comments gives, byte for byte") {
    auto g = colloquy::test::generate(400, 7, true, 70);
    const std::string doc = g.doc.dump();
    for (std::string sort : {"oldest", "top", "newest"}) {
      colloquy::widget_options o;
      o.order = *colloquy::sort_order_from_name(sort);
      colloquy::comments_session s(doc, o);
      const nlohmann::json& items = g.doc.is_array() ? g.doc : g.doc["comments"];
      const nlohmann::json& late = items[items.size() - 3]["id"];
      const std::string id = late.is_string() ? late.get<std::string>() : late.dump();
      const std::string reader = R"(,"voted":{")" + id + R"(":1},"editable":[")" + id + R"("])";
      // Read in small steps: the pages and problems are those of one read.
      std::size_t steps = 1;
      while (!s.read(4096)) ++steps;
      CHECK(steps > 5);
      REQUIRE(s.ok());
      for (std::string paging :
           {"", R"(,"pageSize":30)", R"(,"pageSize":30,"offset":30)", R"(,"pageSize":5,"offset":60)"}) {
        // The page's options hold in every slice: no votes or avatars, and this reader's vote and
        // Edit on a comment near the end of the document (beyond the first slice).
        for (std::string page : {std::string(), std::string(R"(,"votes":false,"avatars":false)"), reader}) {
          CAPTURE(sort);
          CAPTURE(paging);
          CAPTURE(page);
          const std::string options = R"({"sort":")" + sort + R"(","now":1285500000000)" + paging + page + "}";
          std::vector<std::size_t> slices;
          const std::string html = assembled(s, options, slices);
          CHECK(html == html_of(colloquy::render_comments(doc, options)));
          CHECK(slices.front() >= 1);
          CHECK(slices.front() <= colloquy::limits::first_slice_comments);
          for (std::size_t n : slices) CHECK(n <= colloquy::limits::slice_comments);
          if (!paging.empty()) continue;
          CHECK(slices.size() > 5);  // the whole thread: many slices
          CHECK((html.find("class=\"avatar av-h") == std::string::npos) == (page.find("avatars") != std::string::npos));
          CHECK((html.find("aria-pressed=\"true\"") != std::string::npos) == (page == reader));
          CHECK((html.find("data-action=\"edit\"") != std::string::npos) == (page == reader));
        }
      }
    }
  }

  TEST_CASE("The page answer is render_comments' meta plus the rest and the session") {
    auto g = colloquy::test::generate(200, 3, true, 60);
    const std::string doc = g.doc.dump();
    colloquy::comments_session s(doc, {});
    nlohmann::json page = meta_of(colloquy::render_session_page(s, "{}", 1));
    nlohmann::json whole = meta_of(colloquy::render_comments(doc, "{}"));
    CHECK(page["rest"]["to"] == page["count"]);
    CHECK(page["rest"]["from"].get<std::size_t>() <= colloquy::limits::first_slice_comments);
    page.erase("rest");
    page.erase("session");
    page.erase("chunks");
    whole.erase("chunks");
    CHECK(page == whole);  // counts, problems, next, page
  }

  TEST_CASE("A session on bytes it takes over answers as one on a copy, and releases them once, at its end") {
    auto g = colloquy::test::generate(300, 5, true, 60);
    const std::string doc = g.doc.dump() + '\0' + R"({"comments":[{"id":"late","created":1,"text":"a second page"}]})";
    static int released = 0;
    static char* given = nullptr;
    released = 0;
    given = static_cast<char*>(std::malloc(doc.size()));
    REQUIRE(given);
    std::memcpy(given, doc.data(), doc.size());
    {
      colloquy::comments_session copied(doc, {});
      colloquy::comments_session kept(given, doc.size(),
                                      [](char* p) {
                                        CHECK(p == given);
                                        ++released;
                                        std::free(p);
                                      },
                                      {});
      for (std::string options : {"{}", R"({"sort":"top","pageSize":20,"offset":20})"}) {
        CAPTURE(options);
        std::vector<std::size_t> a, b;
        CHECK(assembled(kept, options, a) == assembled(copied, options, b));
        CHECK(a == b);
      }
      CHECK(released == 0);  // the comments view those bytes while the session lives
    }
    CHECK(released == 1);
  }

  TEST_CASE("Long comments end a slice sooner: slices are bounded in bytes too") {
    nlohmann::json comments = nlohmann::json::array();
    for (int i = 0; i < 40; ++i)
      comments.push_back({{"id", i}, {"created", i}, {"text", std::string(colloquy::limits::max_text_bytes - 10, 'w')}});
    colloquy::comments_session s(comments.dump(), {});
    std::vector<std::size_t> slices;
    assembled(s, "{}", slices);
    CHECK(slices.size() == 40);  // one 40,000-byte comment passes a slice's bytes
  }

  TEST_CASE("A slice outside the thread renders nothing and leaves nothing to render") {
    colloquy::comments_session s(R"([{"id":1,"created":0,"text":"a"},{"id":2,"created":1,"text":"b"}])", {});
    for (std::string range : {R"({"from":5,"to":9})", R"({"from":1,"to":99})", R"({"from":9,"to":1})", "{}", "[]"}) {
      CAPTURE(range);
      std::string part = colloquy::render_session_slice(s, range);
      CHECK(meta_of(part)["rest"].is_null());
      CHECK(articles(html_of(part)) <= 1);
    }
  }

  TEST_CASE("An unusable document makes a session that only reports why") {
    colloquy::comments_session s("{not json", {});
    CHECK_FALSE(s.read());  // the reading step finds the error; the next one ends the session's reading
    CHECK(s.read());
    CHECK_FALSE(s.ok());
    nlohmann::json meta = meta_of(colloquy::render_session_page(s, "{}", 1));
    CHECK(meta["ok"] == false);
    CHECK(meta["error"]["code"] == "not_json");
    CHECK(meta_of(colloquy::no_such_session())["error"]["code"] == "bad_option");
    CHECK(colloquy::session_of(R"({"session":3})") == 3);
    CHECK(colloquy::session_of(R"({"session":-3})") == 0);
  }

  TEST_CASE("Threading is a step of its own, after the last step of reading") {
    auto g = colloquy::test::generate(50, 5, true, 60);
    colloquy::comments_session s(g.doc.dump(), {});
    CHECK_FALSE(s.read());  // the whole document in one step
    CHECK_FALSE(s.ok());    // not threaded yet
    CHECK(s.read());
    CHECK(s.ok());
  }

  TEST_CASE("Read in steps, a document and its pages give what one read gives") {
    auto a = colloquy::test::generate(150, 11, true, 60);
    auto b = colloquy::test::generate(60, 12, true, 60);
    std::string pages = a.doc.dump() + '\0' + b.doc.dump() + '\0' + "{broken";
    for (std::size_t budget : {std::size_t(1), std::size_t(700), std::size_t(SIZE_MAX)}) {
      CAPTURE(budget);
      colloquy::comments_session s(pages, {});
      std::size_t steps = 1;
      while (!s.read(budget)) REQUIRE(++steps < 100000);
      CHECK(steps >= (budget == 1 ? 200u : 3u));  // every page a step at least; whole comments per step
      REQUIRE(s.ok());
      CHECK(html_of(colloquy::render_session_page(s, R"({"pageSize":0})", 1)).size() > 0);
      nlohmann::json stepped = meta_of(colloquy::render_session_page(s, "{}", 1));
      nlohmann::json whole = meta_of(colloquy::render_comments(pages, "{}"));
      for (const char* k : {"count", "live", "top_level", "problems", "problemsOmitted", "next"})
        CHECK(stepped[k] == whole[k]);
    }
    for (std::string bad : {std::string("[{\"id\":1,\"created\":0,\"text\":\"a\"},"), std::string("{\"thread\":\"t\"}"),
                            std::string("[1,2")}) {
      CAPTURE(bad);
      colloquy::comments_session s(bad, {});
      while (!s.read(1)) {}
      CHECK_FALSE(s.ok());
      CHECK(meta_of(colloquy::render_session_page(s, "{}", 1))["error"]["code"] ==
            meta_of(colloquy::render_comments(bad, "{}"))["error"]["code"]);
    }
  }
}
