// Reading comments documents (read.hpp, json_reader.hpp): every shape of DESIGN §2, a stable
// code per bad item, document-level errors, and the fast reader agreeing with nlohmann.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "colloquy/read_reference.hpp"
#include "thread_support.hpp"

using colloquy::read_comments;
using colloquy::read_comments_reference;
using colloquy::read_result;
namespace errc = colloquy::errc;

namespace {
// Reads with both readers, checks they agree, returns the fast one's answer (which keeps the
// document: its comments point into it).
read_result read_both(std::string doc) {
  CAPTURE(doc.substr(0, 200));
  read_result ref = read_comments_reference(doc);
  read_result fast = read_comments(std::move(doc));
  colloquy::test::check_same_reading(fast, ref);
  return fast;
}

std::vector<std::string_view> codes(const read_result& r) {
  std::vector<std::string_view> out;
  for (const auto& p : r.problems) out.push_back(p.code);
  return out;
}

const std::string good = R"J("created":"2010-09-25T14:03:00Z","text":"hi")J";

// A value `levels` arrays deep: [[...[0]...]].
std::string deep_value(std::size_t levels) { return std::string(levels, '[') + "0" + std::string(levels, ']'); }
}  // namespace

TEST_SUITE("Reading comments documents") {
  TEST_CASE("Both document shapes, ids as strings or integers, author as object or string") {
    auto r = read_both(R"J({"thread":"/t","comments":[
      {"id":"c1","parent":null,"author":{"name":"Mary D.","location":"Kansas, USA","url":"https://m.example/"},
       "created":"2010-09-25T14:03:00Z","text":"Nice :)","votes":{"up":3,"down":1},"status":"published"},
      {"id":2,"parent":"c1","author":"Ron","created":1285599660,"text":"x","votes":-4,"status":"pending"},
      {"id":-7,"parent":2,"created":1285599660.25,"edited":"2010-09-28T10:00:00+02:00","text":"y","status":"deleted"}],
      "next":"cursor-2"})J");
    REQUIRE(r.ok);
    CHECK(r.thread == "/t");
    CHECK(r.next == "cursor-2");
    REQUIRE(r.comments.size() == 3);
    CHECK(r.problems.empty());
    const auto& a = r.comments[0];
    CHECK(a.author.name == "Mary D.");
    CHECK(a.author.location == "Kansas, USA");
    CHECK(a.author.url == "https://m.example/");
    CHECK(a.created == 1285423380000);
    CHECK((a.up == 3 && a.down == 1 && a.has_up_down));
    const auto& b = r.comments[1];
    CHECK(b.id == "2");
    CHECK(b.parent == "c1");
    CHECK(b.author.name == "Ron");
    CHECK(b.created == 1285599660000);
    CHECK((b.up == -4 && !b.has_up_down && b.score() == -4));
    CHECK(b.status == colloquy::comment_status::pending);
    const auto& c = r.comments[2];
    CHECK(c.id == "-7");
    CHECK(c.parent == "2");
    CHECK(c.created == 1285599660250);
    CHECK(c.edited == 1285660800000);
    CHECK(c.status == colloquy::comment_status::deleted);

    auto bare = read_both("[{\"id\":1," + good + "}]");
    REQUIRE(bare.ok);
    CHECK(bare.thread.empty());
    CHECK(bare.comments.size() == 1);
  }

  TEST_CASE("Each bad item is skipped with its code, id and index; the good ones are all kept") {
    auto r = read_both(
        "["
        "{\"id\":\"ok1\"," +
        good +
        "},"
        "42,"
        "{" +
        good +
        "},"
        "{\"id\":\"\"," +
        good +
        "},"
        "{\"id\":1.5," +
        good +
        "},"
        "{\"id\":\"" +
        std::string(colloquy::limits::max_id_bytes + 1, 'i') + "\"," + good +
        "},"
        "{\"id\":\"d1\",\"text\":\"x\"},"
        "{\"id\":\"d2\",\"created\":\"2010-13-01\",\"text\":\"x\"},"
        "{\"id\":\"d3\",\"created\":true,\"text\":\"x\"},"
        "{\"id\":\"t1\",\"created\":0},"
        "{\"id\":\"t2\",\"created\":0,\"text\":[]},"
        "{\"id\":\"t3\",\"created\":0,\"text\":\"" +
        std::string(colloquy::limits::max_text_bytes + 1, 'x') +
        "\"},"
        "{\"id\":\"s1\"," +
        good +
        ",\"status\":\"spam\"},"
        "{\"id\":\"s2\"," +
        good +
        ",\"status\":3},"
        "{\"id\":\"ok1\"," +
        good +
        "},"
        "{\"id\":\"ok2\"," +
        good +
        "}"
        "]");
    REQUIRE(r.ok);
    REQUIRE(r.comments.size() == 2);
    CHECK(r.comments[0].id == "ok1");
    CHECK(r.comments[1].id == "ok2");
    CHECK(r.positions == std::vector<std::size_t>{0, 15});
    std::vector<std::string_view> expected = {
        errc::item_not_object, errc::missing_id, errc::missing_id, errc::bad_id,       errc::bad_id,
        errc::missing_date,    errc::bad_date,   errc::bad_date,   errc::missing_text, errc::bad_text,
        errc::text_too_long,   errc::bad_status, errc::bad_status, errc::duplicate_id};
    CHECK(codes(r) == expected);
    for (std::size_t i = 0; i < r.problems.size(); ++i) CHECK(r.problems[i].index == i + 1);
    CHECK(r.problems[5].id == "d1");
    CHECK(r.problems[5].field == "created");
    CHECK(r.problems[13].id == "ok1");
    CHECK(r.problems[3].id.empty());  // a bad id is never echoed back as an id
  }

  TEST_CASE("Repairable faults keep the comment and say what was dropped") {
    auto r = read_both(R"J([
      {"id":"a","parent":{"x":1},"created":0,"text":"t"},
      {"id":"b","author":{"name":5,"location":"Oslo","url":"javascript:alert(1)"},"created":0,"text":"t"},
      {"id":"c","author":["x"],"created":0,"text":"t","votes":{"up":-1,"down":2}},
      {"id":"d","created":0,"edited":"soon","text":"t","votes":"many"},
      {"id":"e","created":0,"edited":false,"text":"t","votes":9007199254740993},
      {"id":"f","parent":"","created":0,"text":"","votes":{"up":2}}])J");
    REQUIRE(r.ok);
    CHECK(r.comments.size() == 6);
    std::vector<std::string_view> expected = {errc::bad_parent, errc::bad_author, errc::bad_author_url,
                                              errc::bad_author, errc::bad_votes,  errc::bad_date,
                                              errc::bad_votes,  errc::bad_votes};
    CHECK(codes(r) == expected);
    CHECK(r.comments[0].parent.empty());
    CHECK(r.comments[1].author.name.empty());
    CHECK(r.comments[1].author.location == "Oslo");
    CHECK(r.comments[1].author.url.empty());
    CHECK((r.comments[2].up == 0 && r.comments[2].down == 0 && !r.comments[2].has_up_down));
    CHECK(r.comments[3].edited == 0);
    CHECK(r.comments[4].edited == 0);
    CHECK(r.comments[4].up == 0);
    CHECK((r.comments[5].parent.empty() && r.comments[5].text.empty()));
    CHECK((r.comments[5].up == 2 && r.comments[5].down == 0 && r.comments[5].has_up_down));
    CHECK(r.problems[2].field == "author.url");
    CHECK(r.problems[2].id == "b");
  }

  TEST_CASE("Document-level errors: not JSON, no comments array, too large") {
    for (const std::string& doc : std::vector<std::string>{
             "", "[", "{\"comments\": [", "[1,]", "nul", "[\"\\x\"]", "[01]", "[01e400]", "[1e400e]", "[1.e400]", "[-]",
             "\xEF\xBB", "[] []", "[\"a\x01\"]", "[\"\\ud800\\u12\"]", "[\"\\ud800\\uzzzz\"]", "[\"\\udc00\\\"]",
             std::string("[]\0", 3)}) {
      CAPTURE(doc);
      auto r = read_both(doc);
      CHECK_FALSE(r.ok);
      CHECK(r.error.code == errc::not_json);
    }
    for (const std::string& doc : std::vector<std::string>{"{}", "{\"comments\":{}}", "\"comments\"", "5", "null",
                                                           "{\"Comments\":[]}", "{\"comments\":[],\"comments\":null}"}) {
      CAPTURE(doc);
      auto r = read_both(doc);
      CHECK_FALSE(r.ok);
      CHECK(r.error.code == errc::no_comments);
    }
    std::string deep(colloquy::limits::max_json_depth, '[');
    deep += std::string(colloquy::limits::max_json_depth, ']');
    auto nested = read_both(deep);  // 64 levels: still read (an array whose one item is no object)
    CHECK(nested.ok);
    CHECK(codes(nested) == std::vector<std::string_view>{errc::item_not_object});
    // Past the limit, an item is still just an item that is no object; the nesting is checked
    // to its end, so a bracket that does not match, or no end, is not JSON.
    std::string deeper = "[" + deep + "]";
    auto past = read_both(deeper);
    CHECK(past.ok);
    CHECK(codes(past) == std::vector<std::string_view>{errc::item_not_object});
    CHECK(read_both(std::string(100000, '[')).error.code == errc::not_json);
    CHECK(read_both("[1,}" + std::string(100, '[')).error.code == errc::not_json);  // the first error wins
    CHECK(read_both(std::string(70, '[') + "}").error.code == errc::not_json);
    CHECK(read_both(std::string(70, '[') + std::string(69, ']') + "}").error.code == errc::not_json);
    std::string big(colloquy::limits::max_document_bytes + 1, ' ');
    CHECK(read_comments(big).error.code == errc::document_too_large);
    CHECK(read_comments_reference(big).error.code == errc::document_too_large);
  }

  TEST_CASE("A comment nested past the limit is skipped alone; the others are kept (DESIGN 2)") {
    // 100 levels, objects and arrays mixed, with strings, numbers and literals at every level.
    std::string bomb;
    for (int i = 0; i < 100; ++i) bomb += i % 3 ? "[\"s]\",1.5e3,true," : "{\"k\\\"\":null,\"v\":";
    bomb += "0";
    for (int i = 99; i >= 0; --i) bomb += i % 3 ? "]" : "}";
    const std::string doc = R"({"meta":)" + bomb + R"(,"thread":"/t","comments":[{"id":"a",)" + good +
                            "},{\"id\":\"b\"," + good + R"(,"extra":)" + bomb +
                            "},{\"id\":\"c\",\"author\":{\"name\":\"C\",\"x\":" + bomb + "}," + good +
                            "},{\"id\":\"d\",\"x\":" + deep_value(colloquy::limits::max_json_depth - 3) + "," + good +
                            "},{\"id\":\"e\"," + good + "}]}";
    auto r = read_both(doc);
    REQUIRE(r.ok);
    std::vector<std::string> ids;
    for (const auto& c : r.comments) ids.emplace_back(c.id);
    CHECK(ids == std::vector<std::string>{"a", "d", "e"});  // d: 64 levels, the limit itself
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[0].code == errc::json_too_deep);
    CHECK(r.problems[0].id == "b");
    CHECK(r.problems[0].index == 1);
    CHECK(r.problems[1].code == errc::json_too_deep);
    CHECK(r.problems[1].id == "c");
    CHECK(r.problems[1].index == 2);
    // A repeated key does not hide it: the comment's text held the value, whatever comes after
    // (both readers: read_both checks they agree).
    const std::string past = deep_value(colloquy::limits::max_json_depth);
    for (const std::string& item : {R"({"id":"r","text":)" + past + R"(,"text":"ok","created":0})",
                                    R"({"id":"r","x":)" + past + R"(,"x":1,)" + good + "}",
                                    R"({"id":"r","author":{"n":)" + past + R"(,"n":2},"author":"A",)" + good + "}",
                                    R"({"id":"r","v":[{"k":)" + past + R"(,"k":1}],"v":3,)" + good + "}"}) {
      auto one = read_both("[" + item + R"(,{"id":"s",)" + good + "}]");
      REQUIRE(one.ok);
      REQUIRE(one.comments.size() == 1);
      CHECK(one.comments[0].id == "s");
      CHECK(codes(one) == std::vector<std::string_view>{errc::json_too_deep});
    }
    // A syntax error past the limit, inside a skipped value, is still the document's.
    std::string broken = doc;
    broken.replace(broken.find("1.5e3", broken.find("\"extra\"") + 1400), 5, "1.5e+");
    CHECK(read_both(broken).error.code == errc::not_json);
  }

  TEST_CASE("JSON details match nlohmann: escapes, surrogates, BOM, duplicate keys, numbers") {
    auto r = read_both(
        "\xEF\xBB\xBF [ {\"i\\u0064\":\"\\u00e9\\ud83d\\ude00\\\"\\/\\\\\",\"created\":0,"
        "\"text\":\"caf\xC3\xA9 \xF0\x9F\x98\x80\",\"text\":\"last\\r\\nwins\\b\\f\\t\","
        "\"x\":{\"y\":[1,2.5e3,-0,true,null]}} ]");
    REQUIRE(r.ok);
    REQUIRE(r.comments.size() == 1);
    CHECK(r.comments[0].id == "\xC3\xA9\xF0\x9F\x98\x80\"/\\");
    CHECK(r.comments[0].text == "last\r\nwins\b\f\t");
    auto ids = read_both(R"J([{"id":-0,"created":0,"text":""},{"id":18446744073709551615,"created":0,"text":""},
      {"id":-9223372036854775808,"created":0,"text":""},{"id":18446744073709551616,"created":0,"text":""},
      {"id":"a","created":1e3,"text":""},{"id":"b","created":-62135596800,"text":""},
      {"id":"c","created":-62135596801,"text":""},{"id":"d","created":"2010-09-25T14:03:00.5-05:30","text":""}])J");
    REQUIRE(ids.ok);
    CHECK(ids.comments[0].id == "0");
    CHECK(ids.comments[1].id == "18446744073709551615");
    CHECK(ids.comments[2].id == "-9223372036854775808");
    CHECK(ids.problems.size() == 2);  // a number too big for an integer is not an id; year 0 is not a date
    CHECK(ids.comments[3].created == 1000000);
    CHECK(ids.comments[4].created == colloquy::min_time_ms);
    CHECK(ids.comments[5].created == 1285423380000 + 330 * 60000 + 500);
    auto author = read_both(R"J([{"id":1,"created":0,"text":"","author":{"name":"A"},"author":{"location":"L"}}])J");
    CHECK(author.comments[0].author.name.empty());  // the whole last author object wins
    CHECK(author.comments[0].author.location == "L");
    auto fields = read_both(R"J({"thread":1,"next":[],"total":"3","comments":[]})J");
    REQUIRE(fields.ok);
    CHECK(codes(fields) == std::vector<std::string_view>{errc::bad_thread, errc::bad_next, errc::bad_total});
    CHECK(fields.total == -1);
    CHECK(read_both(R"J({"total":7,"comments":[],"total":12})J").total == 12);  // the last one, as for any key
  }

  TEST_CASE("Numbers past a double's range and lone surrogate escapes spoil only their own item") {
    // JSON.parse reads both (Infinity; a string holding the lone surrogate), so a server may well
    // send them; one such value must not hide the rest of the thread as `not_json`.
    const std::string huge = "1" + std::string(400, '0');
    auto r = read_both(R"J({"thread":"t\ud800","next":1e999,"x":[1e309,-1e309],"comments":[
      {"id":"a","created":1e309,"text":"x"},
      {"id":"b","created":0,"text":"a\ud800b","extra":{"n":1e999,"m":[-1E+400,)J" +
                       huge + R"J(],"k\udc00":1}},
      {"id":"c","created":0,"text":"lo\uDC00ne","edited":1e309},
      {"id":"d","created":0,"text":"x","votes":{"up":1e309,"down":0}},
      {"id":"e","created":-1e309,"text":"x"},
      {"id":"\ud800","created":0,"text":"\ud83d\ude00 \ud83d\ud83d\ude00 \ude00\ud83d \ud800\n \ud800\\u0041"},
      {"id":"g","created":)J" +
                       huge +
                       R"J(,"text":"x","votes":1e400},
      {"id":"h","created":0,"text":"x","author":{"name":"n\udfff","location":1e999},"parent":1e999},
      {"id":"i","created":0.0E-1999,"text":"x","edited":-0.0E-1999}]})J");
    REQUIRE(r.ok);
    const std::string fffd = "\xEF\xBF\xBD", grin = "\xF0\x9F\x98\x80";
    CHECK(r.thread == "t" + fffd);
    std::vector<std::string> got;
    for (const auto& p : r.problems) got.push_back(p.code + "@" + std::to_string(p.index) + ":" + p.field);
    CHECK(got == std::vector<std::string>{"bad_date@0:created", "bad_date@2:edited", "bad_votes@3:votes",
                                          "bad_date@4:created", "bad_date@6:created", "bad_parent@7:parent",
                                          "bad_author@7:author.location", "bad_next@0:next"});
    REQUIRE(r.comments.size() == 6);
    CHECK(r.comments[0].id == "b");
    CHECK(r.comments[0].text == "a" + fffd + "b");
    CHECK(r.comments[1].text == "lo" + fffd + "ne");
    CHECK(r.comments[1].edited == 0);
    CHECK(r.comments[2].id == "d");
    CHECK(r.comments[3].id == fffd);
    CHECK(r.comments[3].text == grin + " " + fffd + grin + " " + fffd + fffd + " " + fffd + "\n " + fffd + "\\u0041");
    CHECK(r.comments[4].author.name == "n" + fffd);
    CHECK(r.comments[4].author.location.empty());
    CHECK(r.comments[4].parent.empty());
    CHECK(r.comments[5].created == 0);  // a zero spelled like the reference reader's stand-in is zero
    CHECK(r.comments[5].edited == 0);
    for (const auto& c : r.comments) {
      std::size_t i = 0;
      while (i < c.text.size() && colloquy::detail::utf8_sequence(c.text, i))
        i += colloquy::detail::utf8_sequence(c.text, i);
      CHECK(i == c.text.size());  // valid UTF-8 throughout
    }
  }

  TEST_CASE("An id or parent holding a control character is refused: the page would merge such ids") {
    // HTML's parser makes CR (and CRLF) LF and NUL U+FFFD in attribute values: "a\r" and "a\n"
    // would both be the element comment-a\n, and links and replies would find the wrong one.
    auto r = read_both(R"J([{"id":"a\r","created":0,"text":"cr"},{"id":"a\n","created":0,"text":"lf"},
      {"id":"a\r\n","created":0,"text":"crlf"},{"id":"a\u0000","created":0,"text":"nul"},
      {"id":"a\t","created":0,"text":"tab"},{"id":"a\u001f","created":0,"text":"us"},
      {"id":"a\u007f","created":0,"text":"del"},{"id":"a\ufffd","created":0,"text":"fffd"},
      {"id":"a b\u0080\u2028","created":0,"text":"kept"},
      {"id":"r","parent":"a\n","created":0,"text":"reply"}])J");
    REQUIRE(r.ok);
    std::vector<std::string> got;
    for (const auto& p : r.problems) got.push_back(p.code + "@" + std::to_string(p.index) + ":" + p.field);
    CHECK(got == std::vector<std::string>{"bad_id@0:id", "bad_id@1:id", "bad_id@2:id", "bad_id@3:id", "bad_id@4:id",
                                          "bad_id@5:id", "bad_id@6:id", "bad_parent@9:parent"});
    REQUIRE(r.comments.size() == 3);
    CHECK(r.comments[0].id == "a\xEF\xBF\xBD");
    CHECK(r.comments[1].id == "a b\xC2\x80\xE2\x80\xA8");
    CHECK(r.comments[2].id == "r");
    CHECK(r.comments[2].parent.empty());
    CHECK(colloquy::id_has_control("x\x7F"));
    CHECK_FALSE(colloquy::id_has_control("x\xC2\x85 y"));
  }

  TEST_CASE("More comments than the limit: the first ones are kept, the rest reported once") {
    std::string doc = "[";
    for (std::size_t i = 0; i < colloquy::limits::max_comments + 2; ++i)
      doc += (i ? ",{\"id\":" : "{\"id\":") + std::to_string(i) + ",\"created\":0,\"text\":\"\"}";
    doc += "]";
    auto r = read_comments(doc);
    REQUIRE(r.ok);
    CHECK(r.comments.size() == colloquy::limits::max_comments);
    REQUIRE(r.problems.size() == 1);
    CHECK(r.problems[0].code == errc::too_many_comments);
    CHECK(r.problems[0].index == colloquy::limits::max_comments);
    auto ref = read_comments_reference(doc);
    CHECK(ref.comments.size() == r.comments.size());
    CHECK(ref.problems.size() == 1);
  }

  TEST_CASE("A document of junk keeps the first 1,000 problems and counts the rest") {
    // One problem per item, and items of 2 to 40 bytes: unbounded, the list was ~1 KB of memory
    // per 3 bytes of input (8 GB for 20 MB). Natively 400,000 items (~13 MB); in wasm 60,000.
#ifdef __EMSCRIPTEN__
    const std::size_t n = 60000;
#else
    const std::size_t n = 400000;
#endif
    const char* junk[] = {"{}", "7", R"({"id":"x","created":"soon","text":"t"})", R"({"id":1,"created":0,"text":[]})",
                          R"({"id":[],"created":0,"text":"t"})"};
    std::string doc = "[";
    for (std::size_t i = 0; i < n; ++i) {
      if (i) doc += ',';
      doc += junk[i % 5];
    }
    doc += "]";
    CAPTURE(doc.size());
    auto r = read_comments(doc);
    REQUIRE(r.ok);
    CHECK(r.comments.empty());
    CHECK(r.problems.size() == colloquy::limits::max_problems);
    CHECK(r.problems.omitted() == n - colloquy::limits::max_problems);
    CHECK(r.problems.total() == n);
    CHECK(r.problems[999].index == 999);  // the first ones, in document order
    CHECK(r.problems[0].code == errc::missing_id);
    CHECK(r.problems[1].code == errc::item_not_object);
    CHECK(r.problems[2].code == errc::bad_date);
    // Threading repairs after 1,000 reading problems are counted too, not kept.
    std::string orphans = "[";
    for (std::size_t i = 0; i < 3000; ++i) {
      orphans += i ? R"(,{"id":)" : R"({"id":)";
      orphans += std::to_string(i);
      orphans += R"(,"parent":"none","created":0,"text":""})";
    }
    orphans += ",7]";
    auto o = read_comments(orphans);
    REQUIRE(o.ok);
    colloquy::build_thread(o.comments, {}, &o.problems);
    CHECK(o.problems.size() == colloquy::limits::max_problems);
    CHECK(o.problems.omitted() == 3001 - colloquy::limits::max_problems);
    // The meta of render_comments says how many were left out.
    std::string out = colloquy::render_comments(doc, "{}");
    auto meta = nlohmann::json::parse(out.substr(0, out.find('\0')));
    CHECK(meta["problems"].size() == colloquy::limits::max_problems);
    CHECK(meta["problemsOmitted"] == n - colloquy::limits::max_problems);
    CHECK(meta["count"] == 0);
  }

  TEST_CASE("A document that is not JSON says where: line and column of the first error") {
    struct where {
      std::string doc;
      std::size_t line, column;
      std::string what;
    };
    for (const where& w :
         std::vector<where>{{"", 1, 1, "unexpected end of input"},
                            {"{\"comments\": [", 1, 15, "unexpected end of input"},
                            {"[\n  {\"id\": 1,\n   \"text\": tru }\n]", 3, 12, "unexpected character 't'"},
                            {"[\"caf\xC3\xA9\", x]", 1, 10, "unexpected character 'x'"},
                            {"[1,\n\x01]", 2, 1, "unexpected byte 0x01"},
                            {"[] []", 1, 4, "unexpected character '['"}}) {
      CAPTURE(w.doc);
      auto r = read_both(w.doc);
      REQUIRE_FALSE(r.ok);
      CHECK(r.error.code == errc::not_json);
      CHECK(r.error.line == w.line);
      CHECK(r.error.column == w.column);
      CHECK(r.error.message.find(w.what) != std::string::npos);
      CHECK(r.error.message.find("line " + std::to_string(w.line) + ", column " + std::to_string(w.column)) !=
            std::string::npos);
    }
    std::string out = colloquy::render_comments("[\n}", "{}");
    auto meta = nlohmann::json::parse(out.substr(0, out.find('\0')));
    CHECK(meta["error"]["code"] == std::string(errc::not_json));
    CHECK(meta["error"]["line"] == 2);
    CHECK(meta["error"]["column"] == 1);
  }

  TEST_CASE("UTF-8 text at every offset of a 16-byte block reads as TextDecoder reads it, in both readers") {
    // Natively the reader checks non-ASCII text 16 bytes at a time (utf8.hpp utf8_block_prefix),
    // in wasm one sequence at a time: each well-formed and ill-formed sequence below, at each
    // position of a block and before plain text, an escape or other sequences, must read as a
    // browser's fetch().json() reads it: bytes that are not UTF-8 become U+FFFD, as the WHATWG
    // Encoding Standard's decoder replaces them (written out below, step by step as the standard
    // says it), and the document is never refused for them.
    auto whatwg = [](std::string_view bytes) {
      std::string out;
      unsigned needed = 0, seen = 0, lower = 0x80, upper = 0xBF;
      char32_t cp = 0;
      for (std::size_t i = 0; i < bytes.size();) {
        const unsigned b = static_cast<unsigned char>(bytes[i]);
        if (needed == 0) {
          ++i;
          if (b <= 0x7F) out += char(b);
          else if (b >= 0xC2 && b <= 0xDF) needed = 1, cp = b & 0x1F;
          else if (b >= 0xE0 && b <= 0xEF)
            lower = b == 0xE0 ? 0xA0 : 0x80, upper = b == 0xED ? 0x9F : 0xBF, needed = 2, cp = b & 0xF;
          else if (b >= 0xF0 && b <= 0xF4)
            lower = b == 0xF0 ? 0x90 : 0x80, upper = b == 0xF4 ? 0x8F : 0xBF, needed = 3, cp = b & 7;
          else out += "\xEF\xBF\xBD";
          continue;
        }
        if (b < lower || b > upper) {  // the byte is read again, on its own
          needed = seen = 0, cp = 0, lower = 0x80, upper = 0xBF;
          out += "\xEF\xBF\xBD";
          continue;
        }
        ++i;
        lower = 0x80, upper = 0xBF, cp = (cp << 6) | (b & 0x3F);
        if (++seen == needed) {
          colloquy::detail::append_utf8(out, cp);
          needed = seen = 0, cp = 0;
        }
      }
      if (needed) out += "\xEF\xBF\xBD";
      return out;
    };
    // Worked out by hand from the standard, and by TextDecoder in node: the decoder above agrees.
    CHECK(whatwg("a\xC0\xAF\xE2\x82z\xF0\x9F\x98\xED\xA0\x80\xF4\x90") ==
          "a\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDz\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF"
          "\xBD");
    const std::string sequences[] = {"\xC2\x80",
                                     "\xDF\xBF",
                                     "\xE0\xA0\x80",
                                     "\xED\x9F\xBF",
                                     "\xEF\xBF\xBF",
                                     "\xF0\x90\x80\x80",
                                     "\xF4\x8F\xBF\xBF",
                                     "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0",
                                     "\x80",
                                     "\xBF",
                                     "\xC0\x80",
                                     "\xC1\xBF",
                                     "\xC2",
                                     "\xC2\x41",
                                     "\xE0\x9F\xBF",
                                     "\xED\xA0\x80",
                                     "\xE2\x82",
                                     "\xF0\x8F\xBF\xBF",
                                     "\xF4\x90\x80\x80",
                                     "\xF5\x80\x80\x80",
                                     "\xFF",
                                     "\xF0\x9F\x98",
                                     "\xE6\x9D\xB1\xC3"};
    const std::string before = R"([{"id":"x","created":0,"text":")";
    for (const std::string& sequence : sequences) {
      for (std::size_t pad = 0; pad < 20; ++pad) {
        for (const char* after :
             {"", "x", "\xC3\xA9", "\\n\xC3\xA9", "\xE6\x9D\xB1 and more plain text \xF0\x9F\x98\x80"}) {
          const std::string text = std::string(pad, 'a') + sequence + after;
          CAPTURE(text);
          std::string expected;  // with the escape "\n" read
          const std::string decoded = whatwg(text);
          for (std::size_t k = 0; k < decoded.size(); ++k) {
            const bool escape = decoded[k] == '\\' && k + 1 < decoded.size() && decoded[k + 1] == 'n';
            expected += escape ? '\n' : decoded[k];
            k += escape;
          }
          read_result r = read_both(before + text + "\"}]");
          REQUIRE(r.ok);
          CHECK(r.comments[0].text == expected);
        }
      }
    }
  }

  TEST_CASE(
      "Bytes that are not UTF-8 in one comment cost nothing else: the thread reads as a browser's fetch().json()") {
    std::string doc = R"({"thread":"/p","comments":[)";
    for (int i = 0; i < 1000; ++i)
      doc += std::string(i ? "," : "") + R"({"id":"c)" + std::to_string(i) + R"(","created":0,"author":")" +
             (i == 500 ? "Jos\xE9" : "Ann") + R"(","text":")" + (i == 7 ? "caf\xE9 \xC0\xAF ok" : "fine") + "\"}";
    auto r = read_both(doc + "]}");
    REQUIRE(r.ok);
    CHECK(r.comments.size() == 1000);
    CHECK(r.problems.empty());
    CHECK(r.comments[7].text == "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD ok");
    CHECK(r.comments[500].author.name == "Jos\xEF\xBF\xBD");
    // In a key, too; outside a string it is still not JSON.
    CHECK(read_both("{\"comments\":[],\"x\xFF\":1}").ok);
    CHECK(read_both("{\"comments\":[]}\xFF").error.code == errc::not_json);
    CHECK(read_both("[\"\xED\xA0\x80\"]").ok);
  }

  TEST_CASE("The seed page's document reads the same with both readers") {
    auto r = read_both(colloquy::test::source_file("examples/seed/comments.json"));
    CHECK(r.ok);
    CHECK(r.comments.size() == 3);
    CHECK(r.problems.empty());
    CHECK(r.thread == "/2010/09/24/nato-russia-council");
  }

  TEST_CASE("Generated documents, valid and hostile: both readers agree, every good item kept") {
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
      for (bool hostile : {false, true}) {
        CAPTURE(seed);
        CAPTURE(hostile);
        auto g = colloquy::test::generate(150, seed, hostile);
        auto r = read_both(g.doc.dump());
        REQUIRE(r.ok);
        std::set<std::string> kept;
        for (const auto& c : r.comments) kept.insert(std::string(c.id));
        CHECK(kept == g.kept_ids);
        // Every skipped item is reported at its index with the expected code.
        std::map<std::size_t, std::string> skipped;
        for (const auto& p : r.problems)
          if (p.code != errc::bad_author_url && p.code != errc::bad_votes) skipped[p.index] = p.code;
        for (std::size_t i = 0; i < g.expect.size(); ++i) {
          CAPTURE(i);
          if (g.expect[i].empty()) CHECK(skipped.count(i) == 0);
          else CHECK(skipped[i] == g.expect[i]);
        }
      }
    }
  }
}
