// Atom feeds of comments (include/colloquy/atom.hpp): parsed back with a strict XML reader and
// checked for every element RFC 4287 requires; the content is the core's allowlisted HTML.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/atom.hpp"
#include "colloquy/boundary.hpp"
#include "colloquy/colloquy.hpp"
#include "colloquy/read_reference.hpp"
#include "colloquy/xml.hpp"
#include "html_allowlist.hpp"

namespace {

// RFC 4287 §4.1.1 and §4.1.2: what every feed and entry must have (an author per entry, since
// the feed has none of its own; content, since entries have no alternate-only form here).
void check_required(const colloquy::xml::document& d) {
  const auto& feed = d.root();
  REQUIRE(feed.name == "feed");
  CHECK(colloquy::xml::attribute_value(feed, "xmlns") == "http://www.w3.org/2005/Atom");
  for (const char* name : {"id", "title", "updated"}) {
    CAPTURE(name);
    REQUIRE(d.child(feed, name) != nullptr);
    CHECK_FALSE(d.child_text(feed, name).empty());
  }
  CHECK(colloquy::parse_iso8601(d.child_text(feed, "updated")).has_value());
  bool self = false;
  d.each_child(feed, "link", [&](const colloquy::xml::element& l) {
    if (colloquy::xml::attribute_value(l, "rel") == "self") self = !colloquy::xml::attribute_value(l, "href").empty();
  });
  CHECK(self);
  d.each_child(feed, "entry", [&](const colloquy::xml::element& e) {
    for (const char* name : {"id", "title", "updated", "published", "content"}) {
      CAPTURE(name);
      REQUIRE(d.child(e, name) != nullptr);
    }
    CHECK(colloquy::parse_iso8601(d.child_text(e, "updated")).has_value());
    const auto* author = d.child(e, "author");
    REQUIRE(author != nullptr);
    CHECK_FALSE(d.child_text(*author, "name").empty());
    const auto* content = d.child(e, "content");
    CHECK(colloquy::xml::attribute_value(*content, "type") == "html");
    auto why = colloquy::test::allowlist_violation(content->text, colloquy::test::markup_allowlist());
    CHECK_MESSAGE(!why, *why);
  });
}

}  // namespace

TEST_SUITE("Atom feed") {
  TEST_CASE("A thread's feed is valid Atom with every required element") {
    colloquy::atom_feed f{"https://blog.example", colloquy::atom_feed_url("https://comments.example", "/2010/09/p q&r"),
                          "/2010/09/p q&r", 0};
    CHECK(f.self == "https://comments.example/api/feed.atom?thread=/2010/09/p%20q%26r");
    const std::int64_t t = 1285423380000;  // 2010-09-25T14:03:00Z
    std::vector<colloquy::atom_entry> entries = {
        {"c2", "/2010/09/p q&r", "Tom", "A *reply* with a [link](https://x.example/a?b=1&c=2)", t + 60000, t + 120000},
        {"c1", "/2010/09/p q&r", "", "First!\n\nSecond paragraph.", t, 0},
    };
    std::string xml = colloquy::render_atom(f, entries);
    auto d = colloquy::xml::parse(xml);
    REQUIRE_MESSAGE(d.ok, d.error.message << "\n" << xml);
    check_required(d);
    const auto& feed = d.root();
    CHECK(d.child_text(feed, "id") == f.self);
    CHECK(d.child_text(feed, "title") == "https://blog.example/2010/09/p q&r");
    CHECK(d.child_text(feed, "updated") == "2010-09-25T14:05:00Z");  // the newest entry's time
    std::vector<const colloquy::xml::element*> list;
    d.each_child(feed, "entry", [&](const colloquy::xml::element& e) { list.push_back(&e); });
    REQUIRE(list.size() == 2);
    CHECK(d.child_text(*list[0], "id") == "https://blog.example/2010/09/p%20q&r#comment-c2");
    CHECK(d.child_text(*list[0], "title") == "A reply with a link");
    CHECK(d.child_text(*list[0], "published") == "2010-09-25T14:04:00Z");
    CHECK(d.child_text(*list[0], "updated") == "2010-09-25T14:05:00Z");
    CHECK(d.child_text(*d.child(*list[0], "author"), "name") == "Tom");
    CHECK(d.child(*list[0], "content")->text ==
          "<p>A <em>reply</em> with a <a href=\"https://x.example/a?b=1&amp;c=2\" rel=\"nofollow ugc "
          "noopener\">link</a></p>");
    CHECK(d.child_text(*d.child(*list[1], "author"), "name") == "Anonymous");
    CHECK(d.child_text(*list[1], "title") == "First! Second paragraph.");
  }

  TEST_CASE("Hostile comments give a well-formed feed with nothing executable") {
    colloquy::atom_feed f{"https://blog.example", colloquy::atom_feed_url("https://blog.example", ""), "", 1000};
    // The entries hold views: every text they name outlives them.
    const std::string long_text = std::string(500, 'x') + " words after";
    std::vector<colloquy::atom_entry> entries = {
        {"x\"><script>", "/p", "<b>Mal</b>\x01\x02", "<script>alert(1)</script> ]]> &amp; [a](javascript:alert(2))",
         1000, 0},
        {"bad-utf8", "/p", "caf\xE9 \xEF\xBF\xBF", "\xFF\xFE text \x0B with controls", 2000, 0},
        {"long", "/p", "L", long_text, 3000, 0},
    };
    std::string xml = colloquy::render_atom(f, entries);
    auto d = colloquy::xml::parse(xml);
    REQUIRE_MESSAGE(d.ok, d.error.message << "\n" << xml);
    check_required(d);
    CHECK(xml.find("<script") == std::string::npos);
    CHECK(xml.find("href=&quot;javascript") == std::string::npos);  // the unsafe link stays text
    std::vector<const colloquy::xml::element*> list;
    d.each_child(d.root(), "entry", [&](const colloquy::xml::element& e) { list.push_back(&e); });
    REQUIRE(list.size() == 3);
    CHECK(d.child_text(*d.child(*list[0], "author"), "name") == "<b>Mal</b>");
    CHECK(d.child_text(*list[0], "id") == "https://blog.example/p#comment-x%22%3E%3Cscript%3E");
    CHECK(d.child_text(*d.child(*list[1], "author"), "name") == "caf\xEF\xBF\xBD ");  // U+FFFF dropped
    CHECK(d.child_text(*list[2], "title").size() < 200);
    // Anyone names a thread by posting to it: a thread that is not a path never moves a link
    // to another host ("https://blog.example" + ".evil.example/x" or "@evil.example/x").
    std::vector<colloquy::atom_entry> named = {{"1", ".evil.example/x", "", "a", 1000, 0},
                                               {"1", "@evil.example/x", "", "b", 1000, 0},
                                               {"1", "post-42", "", "c", 1000, 0},
                                               {"1", "/@evil.example/x", "", "d", 1000, 0}};
    auto site = colloquy::xml::parse(colloquy::render_atom(f, named));
    REQUIRE(site.ok);
    std::vector<std::string> links;
    site.each_child(site.root(), "entry", [&](const colloquy::xml::element& e) {
      links.push_back(std::string(site.child_text(e, "id")));
      site.each_child(e, "link", [&](const colloquy::xml::element& l) {
        CHECK(colloquy::xml::attribute_value(l, "href") == links.back());
      });
    });
    CHECK(links == std::vector<std::string>{"https://blog.example/?thread=.evil.example/x#comment-1",
                                            "https://blog.example/?thread=%40evil.example/x#comment-1",
                                            "https://blog.example/?thread=post-42#comment-1",
                                            "https://blog.example/@evil.example/x#comment-1"});
    // An empty site feed still says when it was updated.
    auto empty = colloquy::xml::parse(colloquy::render_atom(f, {}));
    REQUIRE(empty.ok);
    check_required(empty);
    CHECK(empty.child_text(empty.root(), "updated") == "1970-01-01T00:00:01Z");
  }
}

TEST_SUITE("Atom feed") {
  TEST_CASE("The widget's header links the feed a comments document names") {
    const std::string doc = R"({"thread":"/p","feed":"//comments.example/api/feed.atom?thread=/p","comments":[)"
                            R"({"id":"c1","created":"2020-01-01T00:00:00Z","text":"hi"}]})";
    for (bool static_page : {false, true}) {
      CAPTURE(static_page);
      std::string out = colloquy::render_comments(doc, static_page ? R"({"static":true})" : "{}");
      const std::string html = out.substr(out.find('\0') + 1);
      CHECK(html.find("</h2><a class=\"feed\" href=\"//comments.example/api/feed.atom?thread=/p\" "
                      "rel=\"nofollow ugc noopener\">Atom</a>") != std::string::npos);
      auto why = colloquy::test::allowlist_violation(html);
      CHECK_MESSAGE(!why, *why);
    }
    // No feed, no link; a feed that is not a safe URL is dropped and reported.
    std::string plain = colloquy::render_comments(R"({"comments":[]})", "{}");
    CHECK(plain.find("class=\"feed\"") == std::string::npos);
    std::string bad = colloquy::render_comments(R"j({"feed":"javascript:alert(1)","comments":[]})j", "{}");
    CHECK(bad.find("class=\"feed\"") == std::string::npos);
    CHECK(bad.find("javascript") == std::string::npos);
    auto meta = nlohmann::json::parse(bad.substr(0, bad.find('\0')));
    REQUIRE(meta["problems"].size() == 1);
    CHECK(meta["problems"][0]["code"] == "bad_url");
    CHECK(meta["problems"][0]["field"] == "feed");
    CHECK(colloquy::read_comments_reference(R"({"feed":"https://x.example/f","comments":[]})").feed ==
          "https://x.example/f");
  }
}
