// Sort orders and pagination (sort.hpp), and the entry point's paging (api.hpp).
#include <doctest/doctest.h>

#include <cmath>
#include <deque>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "thread_support.hpp"

using colloquy::build_thread;
using colloquy::comment;
using colloquy::sort_order;

namespace {
comment voted(std::string id, std::int64_t created_s, std::int64_t up, std::int64_t down, bool up_down = true,
              std::string parent = "") {
  comment c;
  c.id = colloquy::test::kept(std::move(id));
  c.parent = colloquy::test::kept(std::move(parent));
  c.created = created_s * 1000;
  c.up = up;
  c.down = down;
  c.has_up_down = up_down;
  c.text = "t";
  return c;
}

std::vector<std::string> top_ids(const colloquy::thread& t) {
  std::vector<std::string> out;
  for (const auto& e : t.entries) out.push_back(std::string(t.comments[e.index].id));
  return out;
}

std::string meta_of(const std::string& a) { return a.substr(0, a.find('\0')); }
std::string html_of(const std::string& a) { return a.substr(a.find('\0') + 1); }
}  // namespace

TEST_SUITE("Sorting and pagination") {
  TEST_CASE("Every order has a stable name") {
    for (auto [name, order] : colloquy::sort_orders) {
      CHECK(colloquy::sort_order_from_name(name) == order);
      CHECK(colloquy::name_of(order) == name);
    }
    CHECK_FALSE(colloquy::sort_order_from_name("best").has_value());
  }

  TEST_CASE("The Wilson lower bound at 95%") {
    CHECK(colloquy::wilson_lower_bound(0, 0) == 0);
    CHECK(colloquy::wilson_lower_bound(1, 0) == doctest::Approx(0.20654931437723742));
    CHECK(colloquy::wilson_lower_bound(5, 1) == doctest::Approx(0.4364971778135299));
    CHECK(colloquy::wilson_lower_bound(600, 400) == doctest::Approx(0.5693094295142663));
    CHECK(colloquy::wilson_lower_bound(100, 1) == doctest::Approx(0.9460328420055449));
    // More evidence for the same ratio ranks higher; a single vote does not beat a strong record.
    CHECK(colloquy::wilson_lower_bound(10, 0) > colloquy::wilson_lower_bound(3, 0));
    CHECK(colloquy::wilson_lower_bound(100, 1) > colloquy::wilson_lower_bound(1, 0));
  }

  TEST_CASE("Hot and controversial follow their documented formulas") {
    CHECK(colloquy::hot_rank(100, 1285423380000) == doctest::Approx(3366.341711111111));
    CHECK(colloquy::hot_rank(-100, 1285423380000) == doctest::Approx(3362.341711111111));
    CHECK(colloquy::hot_rank(0, 1285423380000) < colloquy::hot_rank(0, 1285423380000 + 3600000));
    // On a log scale: log10((up + down) ^ balance).
    CHECK(colloquy::controversy(10, 10) == doctest::Approx(std::log10(20.0)));
    CHECK(colloquy::controversy(10, 0) == 0);
    CHECK(colloquy::controversy(4, 16) == doctest::Approx(std::log10(2.114742526881128)));  // 20 ^ (4 / 16)
    CHECK(colloquy::controversy(4, 16) < colloquy::controversy(10, 10));
  }

  TEST_CASE("oldest, newest, top, hot, controversial on one thread; ties by date, then id") {
    std::vector<comment> cs = {voted("a", 100, 1, 0),
                               voted("b", 200, 10, 0),
                               voted("c", 300, 50, 48),
                               voted("d", 200, 600, 400),
                               voted("e", 50, 0, 0),
                               voted("b2", 200, 10, 0),
                               voted("r", 400, 1000, 0, true, "e")};
    auto order = [&](sort_order o) {
      auto t = build_thread(cs, {o});
      colloquy::test::check_order(t, {o});
      return top_ids(t);
    };
    CHECK(order(sort_order::oldest) == std::vector<std::string>{"e", "r", "a", "b", "b2", "d", "c"});
    CHECK(order(sort_order::newest) == std::vector<std::string>{"c", "b", "b2", "d", "a", "e", "r"});
    // top: d 0.569, b = b2 (10-0) 0.722 ahead, a 0.207, c (50/98) ~0.41, e 0.
    CHECK(order(sort_order::top) == std::vector<std::string>{"b", "b2", "d", "c", "a", "e", "r"});
    // controversial: d (1000 ^ 2/3 = 100) > c (98 ^ 0.96 = 81.5) > the rest (0), by date then id.
    CHECK(order(sort_order::controversial) == std::vector<std::string>{"d", "c", "e", "r", "a", "b", "b2"});
    // hot: one comment's 200 net votes beat a few minutes of recency.
    CHECK(order(sort_order::hot).front() == "d");
  }

  TEST_CASE("top ranks by net score when the document carries only net scores") {
    std::vector<comment> cs = {voted("a", 1, 5, 0, false), voted("b", 2, 50, 0, false), voted("c", 3, -2, 0, false),
                               voted("d", 4, 7, 1, true)};
    auto t = build_thread(cs, {sort_order::top});
    CHECK(top_ids(t) == std::vector<std::string>{"b", "d", "a", "c"});
  }

  TEST_CASE("Replies stay oldest first unless the order applies at every depth") {
    std::vector<comment> cs = {voted("p", 1, 0, 0), voted("x", 2, 0, 5, true, "p"), voted("y", 3, 9, 0, true, "p")};
    CHECK(top_ids(build_thread(cs, {sort_order::top})) == std::vector<std::string>{"p", "x", "y"});
    CHECK(top_ids(build_thread(cs, {sort_order::top, 6, true})) == std::vector<std::string>{"p", "y", "x"});
  }

  TEST_CASE("Pages count top-level threads, never split one, and continue where the last ended") {
    std::vector<comment> cs;
    for (int i = 0; i < 7; ++i) {
      cs.push_back(voted("t" + std::to_string(i), i * 10, 0, 0));
      for (int k = 0; k < i % 3; ++k)
        cs.push_back(voted("t" + std::to_string(i) + "r" + std::to_string(k), i * 10 + k + 1, 0, 0, true,
                           "t" + std::to_string(i)));
    }
    auto t = build_thread(cs);
    REQUIRE(t.top_level == 7);
    auto p0 = colloquy::page_of(t.starts, t.entries.size(), {0, 3});
    CHECK((p0.first == 0 && p0.threads == 3 && p0.total == 7 && p0.next == std::optional<std::size_t>(3)));
    CHECK(p0.last == t.starts[3]);
    auto p2 = colloquy::page_of(t.starts, t.entries.size(), {6, 3});
    CHECK((p2.threads == 1 && p2.last == t.entries.size() && !p2.next));
    auto all = colloquy::page_of(t.starts, t.entries.size(), {0, 0});
    CHECK((all.first == 0 && all.last == t.entries.size() && !all.next));
    auto past = colloquy::page_of(t.starts, t.entries.size(), {99, 2});
    CHECK((past.threads == 0 && past.first == past.last && !past.next));
  }

  TEST_CASE("render_comments pages: the pages together are the whole thread, in order") {
    auto g = colloquy::test::generate(120, 42, true, 70);
    std::string doc = g.doc.dump();
    for (std::string sort : {"oldest", "top", "newest"}) {
      CAPTURE(sort);
      std::string whole = html_of(colloquy::render_comments(doc, R"({"sort":")" + sort + R"("})"));
      auto list = [](const std::string& html) {
        std::string out;
        for (std::size_t p = 0; (p = colloquy::test::find_comment(html, p)) != std::string::npos;) {
          const std::size_t end = colloquy::test::comment_end(html, p);
          out += html.substr(p, end - p) + "\n";
          p = end;
        }
        return out;
      };
      std::string joined;
      std::size_t offset = 0, pages = 0;
      for (;;) {
        std::string answer = colloquy::render_comments(
            doc, R"({"sort":")" + sort + R"(","pageSize":4,"offset":)" + std::to_string(offset) + "}");
        auto meta = nlohmann::json::parse(meta_of(answer));
        REQUIRE(meta["ok"] == true);
        std::string html = html_of(answer);
        if (offset == 0) CHECK(html.rfind("<section class=\"comments\"", 0) == 0);
        else CHECK(colloquy::test::find_comment(html) == 0);  // only the page, to append
        CHECK(meta["page"]["offset"] == offset);
        CHECK(meta["page"]["threads"].get<std::size_t>() <= 4);
        // Each page starts with a top-level comment: no thread is split.
        auto first = colloquy::test::find_comment(html);
        REQUIRE(first != std::string::npos);
        CHECK(html.find("data-depth=\"0\"", first) < html.find('>', first));  // in the first comment's tag
        joined += list(html);
        ++pages;
        if (meta["page"]["next"].is_null()) {
          CHECK(html.find("data-action=\"more\"") == std::string::npos);
          break;
        }
        std::size_t next = meta["page"]["next"];
        CHECK(html.find("data-action=\"more\" data-next=\"" + std::to_string(next) + "\"") != std::string::npos);
        CHECK(next == offset + 4);
        offset = next;
        REQUIRE(pages < 100);
      }
      CHECK(joined == list(whole));
      CHECK(pages > 3);
    }
  }

  TEST_CASE("The sort select offers every order, the current one selected") {
    std::string html = html_of(colloquy::render_comments("[]", R"({"sort":"hot"})"));
    for (auto [name, _] : colloquy::sort_orders)
      CHECK(html.find("<option value=\"" + std::string(name) + "\"") != std::string::npos);
    CHECK(html.find("<option value=\"hot\" selected>Hot</option>") != std::string::npos);
    const std::string ru = html_of(colloquy::render_comments("[]", R"({"locale":"ru"})"));
    CHECK(ru.find("<option value=\"newest\">" + std::string(colloquy::locale_ru.sort_newest) + "</option>") !=
          std::string::npos);
  }
}

TEST_SUITE("Server pages") {
  // The widget appends each page the server sends ("next" cursor) to the bytes it holds,
  // separated by '\0', and renders them as one thread.
  std::string page(const std::string& ids, const char* next) {
    std::string doc = R"({"thread":"/t","comments":[)";
    bool first = true;
    for (char id : ids) {
      if (!first) doc += ',';
      first = false;
      doc += R"({"id":")" + std::string(1, id) + R"(","created":")" + "2010-09-2" +
             std::string(1, char('0' + (id - 'a') % 10)) + R"(T10:00:00Z","text":"t"})";
    }
    doc += R"(],"next":)";
    doc += next ? std::string("\"") + next + "\"" : "null";
    doc += "}";
    return doc;
  }

  TEST_CASE("Pages read as one thread; the last page's cursor asks for more") {
    std::string input = page("abc", "p2");
    auto r = colloquy::read_comment_pages(input);
    CHECK(r.ok);
    CHECK(r.comments.size() == 3);
    CHECK(r.next == "p2");
    input += '\0';
    input += page("cde", "p3");  // "c" again: a thread the server's pages overlapped on
    input += '\0';
    input += page("f", nullptr);
    r = colloquy::read_comment_pages(input);
    REQUIRE(r.ok);
    std::string ids;
    for (const auto& c : r.comments) ids += c.id;
    CHECK(ids == "abcdef");  // the later copy of "c" in the first one's place
    CHECK(r.next.empty());
    CHECK(r.problems.empty());
  }

  // What the widget appends after the server's pages: a comment it posted, the server's answer
  // to an edit or a delete, the newest comments of a live update.
  // A read_result holds views into its input, so each input is kept until the tests end.
  const std::string& pages(std::initializer_list<std::string> ps) {
    static std::deque<std::string> inputs;
    std::string& out = inputs.emplace_back();
    for (const std::string& p : ps) out += (out.empty() ? "" : std::string(1, '\0')) + p;
    return out;
  }
  std::string texts_of(const colloquy::read_result& r) {
    std::string out;
    for (const auto& c : r.comments) out += std::string(c.id) + "=" + std::string(c.text) + " ";
    return out;
  }

  TEST_CASE("A later page's copy of a comment replaces the earlier one in its place") {
    const std::string first = R"({"comments":[{"id":"a","created":1,"text":"A"},{"id":"b","created":2,"text":"B"},)"
                              R"({"id":"r","parent":"a","created":3,"text":"R"}],"next":null})";
    const std::string edited = R"([{"id":"a","created":1,"edited":9,"text":"A2"}])";
    auto r = colloquy::read_comment_pages(pages({first, edited}));
    REQUIRE(r.ok);
    CHECK(texts_of(r) == "a=A2 b=B r=R ");
    CHECK(r.comments[0].edited != 0);
    CHECK(r.problems.empty());
    // An edit, then another: the last word counts. Within one page the first copy still wins.
    r = colloquy::read_comment_pages(pages({first, edited,
                                            R"([{"id":"a","created":1,"text":"A3"},)"
                                            R"({"id":"a","created":1,"text":"A4"}])"}));
    CHECK(texts_of(r) == "a=A3 b=B r=R ");
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "duplicate_id");

    // Deleted: a comment with replies becomes the placeholder that keeps them, one without goes.
    const std::string html = colloquy::render_comments(
        pages({first, R"([{"id":"a","created":1,"text":"","status":"deleted"}])",
               R"([{"id":"b","created":2,"text":"","status":"deleted"}])"}),
        "{}");
    CHECK(html.find(R"(data-id="a")") != std::string::npos);
    CHECK(html.find("This comment was deleted.") != std::string::npos);
    CHECK(html.find(">A<") == std::string::npos);
    CHECK(html.find(R"(data-id="b")") == std::string::npos);
    CHECK(html.find(R"(data-id="r")") != std::string::npos);
    // A posted comment the widget appended, which the server's next page holds too: once, as
    // the server has it, where the widget's copy was.
    r = colloquy::read_comment_pages(pages({page("ab", "p2"), R"([{"id":"n","created":5,"text":"mine"}])",
                                            R"({"comments":[{"id":"c","created":3,"text":"C"},)"
                                            R"({"id":"n","created":5,"text":"stored"}],"next":null})"}));
    CHECK(texts_of(r) == "a=t b=t n=stored c=C ");
    CHECK(r.problems.empty());
  }

  TEST_CASE("A page without a next member keeps the cursor; null says there are no more pages") {
    const std::string mine = R"([{"id":"n","created":5,"text":"mine"}])";
    auto r = colloquy::read_comment_pages(pages({page("ab", "p2"), mine}));
    CHECK(r.next == "p2");
    CHECK(colloquy::read_comment_pages(pages({page("ab", "p2"), R"({"comments":[]})"})).next == "p2");
    CHECK(colloquy::read_comment_pages(pages({page("ab", "p2"), mine, page("c", nullptr)})).next.empty());
    CHECK(colloquy::read_comment_pages(pages({page("ab", "p2"), page("c", "p3"), mine})).next == "p3");
    // So "Load more" still follows the server's cursor after the reader posted.
    const std::string html = colloquy::render_comments(pages({page("abc", "p2"), mine}), R"({"pageSize":0})");
    CHECK(html.find(R"(data-cursor="p2")") != std::string::npos);
  }

  TEST_CASE("A later page's reply waits for its parent's page while the server has more pages") {
    // The newest comments of a live update: a reply to a thread on a server page not read yet
    // (x), a new thread (n) and a reply to it (m), a reply to a thread on show (q).
    const std::string recent = R"({"comments":[{"id":"w","parent":"x","created":7,"text":"W"},)"
                               R"({"id":"n","created":8,"text":"N"},{"id":"m","parent":"n","created":9,"text":"M"},)"
                               R"({"id":"q","parent":"a","created":9,"text":"Q"}]})";
    auto r = colloquy::read_comment_pages(pages({page("ab", "p2"), recent}));
    std::string ids;
    for (const auto& c : r.comments) ids += c.id;
    CHECK(ids == "abnmq");  // no orphan: w comes with x's page
    CHECK(r.problems.empty());
    CHECK(r.next == "p2");
    const std::string later = R"({"comments":[{"id":"x","created":4,"text":"X"},)"
                              R"({"id":"w","parent":"x","created":7,"text":"W"}],"next":null})";
    r = colloquy::read_comment_pages(pages({page("ab", "p2"), recent, later}));
    ids.clear();
    for (const auto& c : r.comments) ids += c.id;
    CHECK(ids == "abnmqxw");
    // Every page read (no cursor): a reply without its parent is an orphan, shown and reported.
    r = colloquy::read_comment_pages(pages({page("ab", nullptr), recent}));
    ids.clear();
    for (const auto& c : r.comments) ids += c.id;
    CHECK(ids == "abwnmq");
    CHECK(colloquy::render_comments(pages({page("ab", nullptr), recent}), "{}").find("\"orphan\"") != std::string::npos);
  }

  // A paged thread's heading counts the thread, not the pages held: the server's "total" (of its
  // latest page that has one), moved by what the widget learnt since.
  std::string heading_of(const std::string& input) {
    const std::string html = colloquy::render_comments(input, "{}");
    const std::size_t at = html.find(R"(<h2 id="colloquy-comments-title">)");
    REQUIRE(at != std::string::npos);
    const std::size_t from = html.find('>', at) + 1;
    return html.substr(from, html.find('<', from) - from);
  }
  std::string counted(const std::string& ids, const char* next, int total) {
    std::string doc = page(ids, next);
    return doc.insert(doc.size() - 1, ",\"total\":" + std::to_string(total));
  }

  TEST_CASE("A paged thread's heading counts the server's total and what the widget learnt since") {
    CHECK(colloquy::read_comment_pages(counted("ab", "p2", 40)).total == 40);
    CHECK(colloquy::read_comment_pages(page("ab", "p2")).total == -1);
    CHECK(heading_of(pages({page("ab", "p2")})) == "2 Comments");  // no total: the comments held
    CHECK(heading_of(pages({counted("ab", "p2", 40)})) == "40 Comments");
    const std::string mine = R"([{"id":"n","created":5,"text":"mine"}])";
    const std::string gone = R"([{"id":"a","created":1,"text":"","status":"deleted"}])";
    const std::string edit = R"([{"id":"b","created":1,"text":"B2"}])";
    CHECK(heading_of(pages({counted("ab", "p2", 40), mine})) == "41 Comments");
    CHECK(heading_of(pages({counted("ab", "p2", 40), mine, edit})) == "41 Comments");
    CHECK(heading_of(pages({counted("ab", "p2", 40), mine, gone})) == "40 Comments");
    CHECK(heading_of(pages({counted("ab", "p2", 40), gone, gone})) == "39 Comments");  // deleted once
    // The next page counts the reader's comment itself (the server had it by then).
    const std::string next = R"({"comments":[{"id":"n","created":5,"text":"mine"}],"next":null,"total":41})";
    CHECK(heading_of(pages({counted("ab", "p2", 40), mine, next})) == "41 Comments");
    // Never fewer than the comments shown (a total from before a burst of posts).
    CHECK(heading_of(pages({counted("abcde", nullptr, 2)})) == "5 Comments");
    // A total that is no count is reported and ignored.
    for (const char* bad : {"-1", "1.5", "\"40\"", "true", "9007199254740993"}) {
      CAPTURE(bad);
      const std::string doc = R"({"comments":[{"id":"a","created":1,"text":"A"}],"total":)" + std::string(bad) + "}";
      const auto r = colloquy::read_comment_pages(doc);
      CHECK(r.total == -1);
      REQUIRE(r.problems.size() == 1);
      CHECK(r.problems[0].code == "bad_total");
      CHECK(heading_of(pages({doc})) == "1 Comment");
    }
    CHECK(colloquy::read_comment_pages(R"({"comments":[],"total":null})").problems.empty());
  }

  TEST_CASE("A session reads the pages as render_comments does") {
    const std::string input = pages({page("abc", "p2"), R"([{"id":"b","created":2,"text":"edited b"}])",
                                     R"([{"id":"c","created":2,"text":"","status":"deleted"}])"});
    colloquy::widget_options o;
    colloquy::comments_session s(input, o);
    s.read_all();
    REQUIRE(s.ok());
    const colloquy::comments_view v = s.render_page(o);
    const colloquy::comments_view whole = colloquy::render_comments_view(input, o);
    CHECK(v.html == whole.html);
    CHECK(v.html.find("edited b") != std::string::npos);
    CHECK(v.html.find(R"(data-id="c")") == std::string::npos);
    CHECK(v.html.find(R"(data-cursor="p2")") != std::string::npos);
  }

  TEST_CASE("A broken later page is a problem; the pages before it stay") {
    std::string input = page("ab", "p2") + '\0' + "{not json";
    auto r = colloquy::read_comment_pages(input);
    REQUIRE(r.ok);
    CHECK(r.comments.size() == 2);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == "not_json");
    CHECK(r.problems[0].index == 2);
  }

  TEST_CASE("After the last local page, the Load more button carries the server cursor") {
    std::string html = colloquy::render_comments(page("abc", "next&page=2"), R"({"pageSize":2})");
    CHECK(html.find("data-next=\"2\"") != std::string::npos);
    CHECK(html.find("data-cursor") == std::string::npos);
    html = colloquy::render_comments(page("abc", "next&page=2"), R"({"pageSize":2,"offset":2})");
    CHECK(html.find("data-next") == std::string::npos);
    CHECK(html.find("data-cursor=\"next&amp;page=2\"") != std::string::npos);
    html = colloquy::render_comments(page("abc", "next&page=2"), R"({"pageSize":0})");
    CHECK(html.find("data-cursor=\"next&amp;page=2\"") != std::string::npos);
    html = colloquy::render_comments(page("abc", nullptr), R"({"pageSize":0})");
    CHECK(html.find("data-action=\"more\"") == std::string::npos);
  }
}
