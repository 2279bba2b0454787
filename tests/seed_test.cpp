// The seed page end to end in the core: its comments document and feed, as the widget renders them.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "test_support.hpp"

using colloquy::test::source_file;

namespace {
std::string html_of(const std::string& answer) { return answer.substr(answer.find('\0') + 1); }
std::string meta_of(const std::string& answer) { return answer.substr(0, answer.find('\0')); }
}  // namespace

TEST_SUITE("Seed page") {
  TEST_CASE("The seed thread renders three bylines, dates and paragraphs, oldest first") {
    std::string answer = colloquy::render_comments(source_file("examples/seed/comments.json"), "{}");
    auto meta = nlohmann::json::parse(meta_of(answer));
    CHECK(meta["ok"] == true);
    CHECK(meta["count"] == 3);
    CHECK(meta["problems"].empty());
    std::string html = html_of(answer);
    auto mary = html.find(
        "<p class=\"byline\"><span dir=\"auto\">Mary D.</span> in <span dir=\"auto\">Kansas</span> writes:</p>");
    auto ron = html.find(
        "<p class=\"byline\"><span dir=\"auto\">Ron</span> in <span dir=\"auto\">New York</span> writes:</p>");
    auto gaspar = html.find(
        "<p class=\"byline\"><span dir=\"auto\">Gaspar</span> in <span dir=\"auto\">Kenya</span> writes:</p>");
    REQUIRE(mary != std::string::npos);
    REQUIRE(ron != std::string::npos);
    REQUIRE(gaspar != std::string::npos);
    CHECK(mary < ron);
    CHECK(ron < gaspar);
    CHECK(html.find("<span class=\"date\" data-datetime=\"2010-09-25T14:03:00Z\">September 25, 2010</span>") !=
          std::string::npos);
    CHECK(html.find("<span class=\"date\" data-datetime=\"2010-09-27T16:41:00Z\">September 27, 2010</span>") !=
          std::string::npos);
    CHECK(html.find("<span class=\"date\" data-datetime=\"2010-10-28T09:12:00Z\">October 28, 2010</span>") !=
          std::string::npos);
    CHECK(html.find("<time") == std::string::npos);  // comments' dates are spans (DESIGN §7)
    CHECK(html.find("<div class=\"body\" dir=\"auto\"><p>Nice :)</p>\n</div>") != std::string::npos);
    CHECK(html.find("<p>Human Security 21......</p>\n<p>Think of the cost-savings,") != std::string::npos);
    CHECK(html.find("<p>building new real estate hotel</p>") != std::string::npos);
  }

  TEST_CASE("The seed feed gives the DipNote card first, cut after \"testimony\"") {
    std::string answer = colloquy::render_stories(
        source_file("examples/seed/feed.json"),
        R"({"pageUrl":"https://blogs.state.gov/stories/2010/09/24/nato-russia-council-meeting-building-stronger-partnership"})");
    auto meta = nlohmann::json::parse(meta_of(answer));
    CHECK(meta["ok"] == true);
    CHECK(meta["count"] == 3);
    std::string html = html_of(answer);
    auto card = html.find("<article class=\"story-card\">");
    REQUIRE(card != std::string::npos);
    CHECK(html.find(">March 7, 2011</time>", card) != std::string::npos);
    CHECK(html.find(">DipNote: The Week in Review</a>", card) != std::string::npos);
    CHECK(html.find("recaps the week that was, including testimony\xE2\x80\xA6 <a class=\"more\"") != std::string::npos);
    // The page itself is never a card of itself.
    CHECK(html.find("Building a Stronger Partnership") == std::string::npos);
  }
}
