// Reading a document from two places at once (read.hpp document_reader::split_at, natively
// only: `colloquy render` of a large document): whatever the boundary, true or fooled, the
// answer is the one-pass answer, problems, errors and their positions included.
#if !defined(__EMSCRIPTEN__)
#include <doctest/doctest.h>

#include "colloquy/read.hpp"
#include "test_support.hpp"
#include "thread_support.hpp"

using colloquy::read_result;
namespace errc = colloquy::errc;

namespace {
struct split_reading {
  read_result r;
  bool reached = false;  // the first reader got to `at` at the start of an item
};

// The two readers on this one thread: the second reads from `at`, `depth` deep, first.
split_reading read_split(std::string_view doc, std::size_t at, std::size_t depth) {
  colloquy::detail::document_reader first(doc), second(doc);
  second.read_items_from(at, depth);
  split_reading s;
  first.split_at(at, second, [&] {
    s.reached = true;
    return true;
  });
  s.r = first.read();
  return s;
}

void check_same(const read_result& split, const read_result& one_pass) {
  colloquy::test::check_same_reading(split, one_pass);
  CHECK(split.error.line == one_pass.error.line);
  CHECK(split.error.column == one_pass.error.column);
  CHECK(split.next_given == one_pass.next_given);
  CHECK(split.feed == one_pass.feed);
}

// Every '{' of `doc` as the boundary, at both depths; returns how many times the first reader
// reached it (so the take-over is exercised, not only the refusals).
std::size_t check_every_boundary(std::string_view doc, std::size_t stride = 1) {
  const read_result one_pass = colloquy::read_comments(doc);
  std::size_t reached = 0, seen = 0;
  for (std::size_t at = doc.find('{'); at != std::string_view::npos; at = doc.find('{', at + 1)) {
    if (seen++ % stride) continue;
    for (std::size_t depth : {1, 2}) {
      CAPTURE(at);
      CAPTURE(depth);
      split_reading s = read_split(doc, at, depth);
      check_same(s.r, one_pass);
      reached += s.reached;
    }
  }
  return reached;
}

std::string item(const std::string& id, const std::string& rest = R"("text":"hi")") {
  return R"({"id":")" + id + R"(","created":"2010-09-25T14:03:00Z",)" + rest + "}";
}
}  // namespace

TEST_SUITE("Reading from two places at once") {
  TEST_CASE("Generated documents, valid and hostile: the one-pass answer from every boundary") {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      for (bool hostile : {false, true}) {
        CAPTURE(seed);
        CAPTURE(hostile);
        const std::string doc = colloquy::test::generate(60, seed, hostile).doc.dump(1);
        CHECK(check_every_boundary(doc) > 0);
      }
    }
  }

  TEST_CASE("Duplicates across the halves, problems before and after, the document's members after") {
    std::string doc = R"({"thread":"/t","comments":[)" + item("a") + "," + item("b", R"("text":7)") + ",\n " +
                      item("c", R"("text":"x","votes":"many")") + ", " + item("a") + "," + item("c") + ",3," +
                      item("d", R"("text":"\u00e9 \"}, {\" ends")") + R"(],"next":"n2","feed":"javascript:x"})";
    const read_result one_pass = colloquy::read_comments(doc);
    REQUIRE(one_pass.ok);
    std::vector<std::string_view> codes;
    for (const auto& p : one_pass.problems) codes.push_back(p.code);
    CHECK(codes == std::vector<std::string_view>{errc::bad_text, errc::bad_votes, errc::duplicate_id,
                                                 errc::duplicate_id, errc::item_not_object, errc::bad_url});
    CHECK(check_every_boundary(doc) >= 6);
  }

  TEST_CASE("Errors after the boundary: the same error at the same line and column") {
    const std::string items = item("a") + ",\n" + item("b") + ",\n" + item("c");
    for (const std::string& doc :
         {"[" + items, "[" + items + ",]", "[" + items + "] x", R"({"comments":[)" + items + "]",
          "[" + items + "," + std::string(70, '[') + std::string(70, ']') + "]",
          "[" + items + R"(,{"id":"d","text":"\x"}])", R"({"comments":[)" + items + R"(],"comments":[)" + items + "]}"}) {
      CAPTURE(doc);
      CHECK(check_every_boundary(doc) > 0);
    }
  }

  TEST_CASE("A boundary fooled by a string or a nested array is thrown away") {
    const std::string doc = "[" + item("a", R"("text":"x}, {\"id\":\"z\",\"text\":\"y\"} , {")") + "," +
                            item("b", R"("text":"y","replies":[{"id":"q"}, {"id":"r"}])") + "]";
    const read_result one_pass = colloquy::read_comments(doc);
    REQUIRE(one_pass.comments.size() == 2);
    for (std::string_view fooled : {R"({\"id\":\"z\")", R"({"id":"r"})"}) {
      const std::size_t at = doc.find(fooled);
      REQUIRE(at != std::string::npos);
      split_reading s = read_split(doc, at, 1);
      CHECK_FALSE(s.reached);
      check_same(s.r, one_pass);
    }
  }

  TEST_CASE("More than the problems kept after the boundary: read on by the first reader") {
    std::string doc = "[" + item("first");
    for (int i = 0; i < 1200; ++i) doc += ",1";
    doc += "]";
    const read_result one_pass = colloquy::read_comments(doc);
    CHECK(one_pass.problems.omitted() == 200);
    split_reading s = read_split(doc, doc.find(",1") + 1, 1);
    check_same(s.r, one_pass);
    CHECK(check_every_boundary(doc) > 0);
  }

  TEST_CASE("A second reader that failed (e.g. out of memory part way) is not taken over") {
    const std::string doc = "[" + item("a") + ",\n" + item("b") + ",\n" + item("c") + ",\n" + item("a") + "]";
    const read_result one_pass = colloquy::read_comments(doc);
    const std::size_t at = doc.find(",\n") + 2;
    colloquy::detail::document_reader first(doc);
    // The second reader stopped part way: it saw only the items before the last one.
    const std::string part = doc.substr(0, doc.rfind(",\n"));
    colloquy::detail::document_reader stopped(part);
    stopped.read_items_from(at, 1);
    bool asked = false;
    first.split_at(at, stopped, [&] {
      asked = true;
      return false;
    });
    const read_result r = first.read();
    CHECK(asked);
    check_same(r, one_pass);
    CHECK(r.comments.size() == 3);  // the later "a" is a duplicate, found as in one pass
  }

  TEST_CASE("Real threads of the shared test data, from boundaries all along them") {
    for (const char* file : {"comments/reddit_funny_3hahrw.json", "comments/remark42_tree_bench.json",
                             "comments/isso_disqus.json", "comments/wordpress_theme_unit_test.json"}) {
      CAPTURE(file);
      auto doc = colloquy::test::shared_data(file);
      if (!doc) continue;
      CHECK(check_every_boundary(*doc, 37) > 0);
    }
  }
}
#endif
