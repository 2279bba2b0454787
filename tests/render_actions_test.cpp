// Reader actions in the rendered thread (render.hpp, DESIGN §7): permalink ids, vote buttons,
// link, edit and delete buttons, the "edited" marker and avatars, through the loader's options
// (boundary.hpp) as the widget passes them.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "html_allowlist.hpp"
#include "thread_support.hpp"

namespace {

const char* const doc = R"({"comments":[
{"id":"c1","author":{"name":"Mary D.","location":"Kansas, USA"},"created":"2010-09-25T14:03:00Z","text":"Nice","votes":{"up":3,"down":1}},
{"id":"c2","parent":"c1","author":"Ron","created":"2010-09-25T15:00:00Z","edited":"2010-09-26T09:30:00Z","text":"Edited","votes":-2},
{"id":"a\"><img src=x onerror=alert(1)>","author":"Eve","created":"2010-09-27T00:00:00Z","text":"hostile id"},
{"id":7,"author":"Num","created":"2010-09-28T00:00:00Z","text":"numeric id","status":"pending"},
{"id":"gone","created":"2010-09-24T00:00:00Z","text":"x","status":"deleted"},
{"id":"kid","parent":"gone","author":"Kid","created":"2010-09-29T00:00:00Z","text":"reply to a deleted one"}]})";

struct rendered {
  nlohmann::json meta;
  std::string html;
};

rendered render(std::string_view options) {
  const std::string answer = colloquy::render_comments(doc, options);
  const std::size_t nul = answer.find('\0');
  REQUIRE(nul != std::string::npos);
  rendered r{nlohmann::json::parse(answer.substr(0, nul)), answer.substr(nul + 1)};
  REQUIRE(r.meta["ok"] == true);
  auto why = colloquy::test::allowlist_violation(r.html);
  CHECK_MESSAGE(!why, *why);
  return r;
}

// The comment (<div class="comment…" role="article" …>…</div>) whose data-id is `escaped_id` (as
// written in the HTML).
std::string article(const std::string& html, std::string_view escaped_id) {
  const std::size_t at = html.find("data-id=\"" + std::string(escaped_id) + "\"");
  REQUIRE(at != std::string::npos);
  const std::size_t start = html.rfind("<div class=\"comment", at);
  REQUIRE(start != std::string::npos);
  REQUIRE(html.find('>', start) > at);  // the data-id is the comment's own
  return html.substr(start, colloquy::test::comment_end(html, start) - start);
}

bool has(std::string_view html, std::string_view what) { return html.find(what) != std::string_view::npos; }

std::size_t count(std::string_view html, std::string_view what) {
  std::size_t n = 0;
  for (std::size_t at = html.find(what); at != std::string_view::npos; at = html.find(what, at + 1)) ++n;
  return n;
}

}  // namespace

TEST_SUITE("Reader actions in the thread") {
  TEST_CASE("Every article has id=\"comment-<id>\", escaped like data-id: hostile ids stay one attribute") {
    const rendered r = render("{}");
    CHECK(has(article(r.html, "c1"), R"(part="comment" id="comment-c1" data-id="c1")"));
    CHECK(has(r.html, R"(id="comment-7" data-id="7")"));
    CHECK(has(r.html, R"(id="comment-a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" data-id="a&quot;&gt;)"));
    CHECK_FALSE(has(r.html, "<img"));
    CHECK(has(r.html, R"(id="comment-gone")"));  // the placeholder keeps its anchor: replies link to it
  }

  TEST_CASE("Vote buttons show the counts, are named for the comment with the count last, pressed as voted") {
    const rendered plain = render("{}");
    const std::string c1 = article(plain.html, "c1");
    CHECK(has(c1,
              "<button data-action=\"vote\" data-vote=\"up\" aria-pressed=\"false\" "
              "aria-label=\"Upvote the comment by Mary D., 3\">\u25B2 3</button>"
              "<button data-action=\"vote\" data-vote=\"down\" aria-pressed=\"false\" "
              "aria-label=\"Downvote the comment by Mary D., 1\">\u25BC 1</button>"));
    // A net score only (-2): shown on the side it leans to.
    const std::string c2 = article(plain.html, "c2");
    CHECK(has(c2, R"(aria-label="Upvote the comment by Ron, 0")"));
    CHECK(has(c2, R"(aria-label="Downvote the comment by Ron, 2")"));

    const rendered voted = render(R"({"voted":{"c1":1,"c2":-1,"nope":1}})");
    CHECK(has(article(voted.html, "c1"), R"(data-vote="up" aria-pressed="true")"));
    CHECK(has(article(voted.html, "c1"), R"(data-vote="down" aria-pressed="false")"));
    CHECK(has(article(voted.html, "c2"), R"(data-vote="up" aria-pressed="false")"));
    CHECK(has(article(voted.html, "c2"), R"(data-vote="down" aria-pressed="true")"));
    CHECK(count(voted.html, R"(aria-pressed="true")") == 2);
    CHECK(voted.meta["ignored"].empty());

    // Pending comments and placeholders take no votes.
    CHECK_FALSE(has(article(plain.html, "7"), "data-action=\"vote\""));
    CHECK_FALSE(has(article(plain.html, "gone"), "data-action=\"vote\""));
    // data-votes="off": no vote buttons anywhere.
    const rendered off = render(R"({"votes":false})");
    CHECK_FALSE(has(off.html, "data-action=\"vote\""));
    CHECK(has(off.html, "data-action=\"reply\""));
  }

  TEST_CASE("Link on every comment; Edit and Delete only on the comments the reader may edit") {
    const rendered plain = render("{}");
    CHECK(count(plain.html, R"(<button data-action="link" aria-label="Link to the comment by )") ==
          5);  // all but the placeholder
    CHECK(has(article(plain.html, "c1"),
              R"(<button data-action="link" aria-label="Link to the comment by Mary D.">Link</button>)"));
    CHECK_FALSE(has(plain.html, "data-action=\"edit\""));
    CHECK_FALSE(has(plain.html, "data-action=\"delete\""));

    const rendered mine = render(R"({"editable":["c2",7,"gone","a\"><img src=x onerror=alert(1)>"]})");
    // Each button named for the comment it is for (the name escaped), its visible word kept.
    auto owner_of = [](std::string_view name) {
      return std::string(R"(<button data-action="edit" aria-label="Edit the comment by )") + std::string(name) +
             R"(">Edit</button><button data-action="delete" aria-label="Delete the comment by )" + std::string(name) +
             R"(">Delete</button></div>)";
    };
    const std::string owner = owner_of("Ron");
    CHECK(article(mine.html, "c2").ends_with(owner));
    // An integer id names the comment whose id is "7" (awaiting moderation: said after the buttons).
    const std::string num = owner_of("Num"), buttons = num.substr(0, num.size() - std::string("</div>").size());
    CHECK(article(mine.html, "7").ends_with(buttons + R"(<p class="state">Awaiting moderation</p></div>)"));
    CHECK(article(mine.html, "a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;").ends_with(owner_of("Eve")));
    CHECK_FALSE(has(article(mine.html, "c1"), "data-action=\"edit\""));
    CHECK_FALSE(has(article(mine.html, "gone"), "data-action=\"edit\""));  // nothing left to edit
    CHECK(count(mine.html, "data-action=\"delete\"") == 3);
  }

  TEST_CASE("Edit windows as the widget keeps them: Edit and Delete only while the window is open at \"now\"") {
    // 1285495200000 is 2010-09-26T10:00:00Z: c1's window is still open, c2's closed a second ago.
    const rendered r = render(
        R"({"now":1285495200000,"editable":{"c1":{"until":1285495260000,"token":"t"},"c2":{"until":1285495199000},"7":{}}})");
    CHECK(has(article(r.html, "c1"), "data-action=\"edit\""));
    CHECK_FALSE(has(article(r.html, "c2"), "data-action=\"edit\""));
    CHECK_FALSE(has(article(r.html, "7"), "data-action=\"edit\""));
    CHECK(r.meta["ignored"] == nlohmann::json::array({"editable"}));  // "7" has no window
    CHECK(render(R"({"editable":{}})").meta["ignored"] == nlohmann::json::array());
  }

  TEST_CASE("An edited comment says so, with the edit's date in a date span the widget relabels") {
    const rendered r = render(R"({"now":1285495200000})");  // 2010-09-26T10:00:00Z: half an hour after the edit
    // Right after the comment's own date: the marker, its date, then the body.
    const std::string c2 = article(r.html, "c2");
    const std::size_t created = c2.find(R"(<span class="date" data-datetime="2010-09-25T15:00:00Z">)");
    const std::size_t edited = c2.find(
        R"(</span><span class="edited">edited <span class="date" data-datetime="2010-09-26T09:30:00Z">30 minutes ago</span></span><div class="body" dir="auto">)");
    REQUIRE(created != std::string::npos);
    REQUIRE(edited != std::string::npos);
    CHECK(c2.find('<', created + 1) == edited);
    CHECK(count(r.html, "class=\"edited\"") == 1);
    const rendered fr = render(R"({"locale":"fr"})");
    CHECK(has(
        fr.html,
        R"(<span class="edited">modifié <span class="date" data-datetime="2010-09-26T09:30:00Z">26 septembre 2010</span></span>)"));
  }

  TEST_CASE("Each author has an avatar (the same one on each of their comments); data-avatars=\"off\" removes them") {
    const rendered r = render("{}");
    CHECK(count(r.html, "<span class=\"avatar av-h") == 5);
    CHECK(count(r.html, "class=\"avatar") == 5);
    std::string mary;
    colloquy::append_avatar(mary, {"Mary D.", "Kansas, USA", {}});
    CHECK(mary.rfind("<span class=\"avatar av-h", 0) == 0);
    CHECK(has(article(r.html, "c1"), "\">" + mary + "<p class=\"byline\">"));  // after the comment's attributes
    CHECK_FALSE(has(article(r.html, "gone"), "class=\"avatar"));
    CHECK_FALSE(has(render(R"({"avatars":false})").html, "class=\"avatar"));
  }

  TEST_CASE("Options of the wrong shape are listed as ignored; the rest of each still applies") {
    const rendered r = render(R"({"voted":{"c1":1,"c2":2,"":1,"x":"up"},"editable":["c1",{},-1,""],"votes":"no"})");
    CHECK(r.meta["ignored"] == nlohmann::json::array({"votes", "voted", "editable"}));
    CHECK(has(article(r.html, "c1"), R"(data-vote="up" aria-pressed="true")"));
    CHECK_FALSE(has(article(r.html, "c2"), R"(aria-pressed="true")"));
    CHECK(has(article(r.html, "c1"), "data-action=\"edit\""));
    CHECK(has(r.html, "data-action=\"vote\""));  // "no" is neither a boolean nor on/off: the default stays
    CHECK(render(R"({"voted":[1],"editable":"c1"})").meta["ignored"] == nlohmann::json::array({"voted", "editable"}));
    // A huge list is bounded by the comments any thread can have, and still renders.
    std::string many = R"({"editable":[)";
    for (int i = 0; i < 50000; ++i) many += (i ? ",\"" : "\"") + std::to_string(i) + "\"";
    many += "]}";
    CHECK(has(article(render(many).html, "7"), "data-action=\"edit\""));
    // One comment voted on and editable: both apply (the reader's marks are merged by id).
    const rendered both = render(R"({"voted":{"c2":-1},"editable":["c2"]})");
    CHECK(has(article(both.html, "c2"), R"(data-vote="down" aria-pressed="true")"));
    CHECK(has(article(both.html, "c2"), "data-action=\"edit\""));
  }

  TEST_CASE("A static page (colloquy render) keeps ids, avatars and \"edited\" but no button that needs the script") {
    const rendered r = render(R"({"static":true,"voted":{"c1":1},"editable":["c1"]})");
    CHECK_FALSE(has(r.html, "<button"));
    CHECK(has(r.html, R"(id="comment-c1")"));
#if !defined(__EMSCRIPTEN__)  // a page for everyone is made natively (api.hpp thread_read)
    CHECK(count(r.html, "<span class=\"avatar av-h") == 4);  // of 5: Num's comment awaits moderation
    CHECK_FALSE(has(r.html, "numeric id"));
#endif
    CHECK(has(r.html, "class=\"edited\""));
  }

  TEST_CASE("One comment on its own (the server's answer to a post) takes the reader's options too") {
    const std::string answer = colloquy::render_comment(R"({"id":"n1","author":"Me","created":0,"text":"new"})",
                                                        R"({"editable":["n1"],"avatars":false})");
    const std::string html = answer.substr(answer.find('\0') + 1);
    CHECK(has(html, R"(id="comment-n1")"));
    CHECK(has(html, "data-action=\"edit\""));
    CHECK(has(html, "data-action=\"vote\""));
    CHECK_FALSE(has(html, "class=\"avatar"));
    auto why = colloquy::test::allowlist_violation(html);
    CHECK_MESSAGE(!why, *why);
  }

  TEST_CASE("Every locale names the actions in its own words, with the count and the date in place") {
    for (const colloquy::locale_data* loc : colloquy::locales) {
      CAPTURE(loc->tag);
      // Named for the comment, the count last (colloquy-post.js updates the last number).
      for (std::string_view vote : {loc->vote_up, loc->vote_down}) {
        CHECK(has(vote, "{name}"));
        CHECK(vote.substr(vote.size() - 3) == "{n}");
      }
      CHECK(has(loc->edited, "{when}"));
      CHECK_FALSE(loc->link.empty());
      if (loc != &colloquy::locale_en) {
        CHECK(loc->vote_up != colloquy::locale_en.vote_up);
        CHECK(loc->edit != colloquy::locale_en.edit);
        CHECK(loc->delete_comment != colloquy::locale_en.delete_comment);
        CHECK(loc->edited != colloquy::locale_en.edited);
      }
    }
    const rendered ru = render(R"({"locale":"ru","editable":["c1"]})");
    CHECK(has(ru.html, R"(aria-label="Нравится комментарий: Mary D., 3")"));
    CHECK(has(ru.html, ">Удалить</button>"));
  }
}

// Slices of a long thread are parsed by the page (insertAdjacentHTML). Blink parses markup made
// only of the elements below on its fast-path fragment parser; one other element anywhere in a
// slice (an <article>, a <time>, a <bdi>) sends the whole slice to the full HTML parser, which
// took 2.3-4x as long at 1,000 comments (render.hpp; PERFORMANCE.md). A comment's own markup,
// with every action and state it can show, stays inside that set; only a comment's text may
// bring other elements (<em>, <code>, <blockquote>).
TEST_SUITE("Comment markup for the browser's fast-path parser") {
  TEST_CASE("Every element of a comment, its byline, dates, actions and states, is one the fast path takes") {
    const std::string thread = R"({"comments":[
{"id":"c1","author":{"name":"Mary D.","location":"Kansas, USA","url":"https://example.org/mary"},"created":"2010-09-25T14:03:00Z","text":"Nice","votes":{"up":3,"down":1}},
{"id":"c2","parent":"c1","author":{"name":"מרים ד.","location":"תל אביב"},"created":"2010-09-25T15:00:00Z","edited":"2010-09-26T09:30:00Z","text":"Edited","votes":-2},
{"id":"c3","parent":"c2","author":"Ron","created":"2010-09-25T16:00:00Z","text":"a capped reply www.example.org"},
{"id":7,"author":"Num","created":"2010-09-28T00:00:00Z","text":"numeric id","status":"pending"},
{"id":"gone","created":"2010-09-24T00:00:00Z","text":"x","status":"deleted"},
{"id":"kid","parent":"gone","author":"Kid","created":"2010-09-29T00:00:00Z","text":"reply to a deleted one"},
{"id":"orphan","parent":"nope","author":"","created":"2010-09-30T00:00:00Z","text":"orphan"}],"next":"k2"})";
    const std::set<std::string, std::less<>> fast_path = {"a", "b",      "br",   "button", "div",    "footer",
                                                          "i", "input",  "li",   "label",  "option", "ol",
                                                          "p", "select", "span", "strong", "ul"};
    for (std::string_view options :
         {R"({"maxDepth":1,"editable":["c1","c2",7],"voted":{"c1":1}})", R"({"locale":"de","avatars":false})",
          R"({"static":true})", R"({"pageSize":1,"maxDepth":1})"}) {
      CAPTURE(options);
      const std::string answer = colloquy::render_comments(thread, options);
      const std::string html = answer.substr(answer.find('\0') + 1);
      // The list's content: the frame around it (section, header, h2) is inserted once.
      const std::size_t list = html.find("<div class=\"list\"");
      REQUIRE(list != std::string::npos);
      std::size_t elements = 0;
      for (std::size_t at = html.find('<', list); at != std::string::npos; at = html.find('<', at + 1)) {
        if (html[at + 1] == '/') continue;
        const std::size_t end = html.find_first_of(" >", at);
        const std::string name = html.substr(at + 1, end - at - 1);
        CAPTURE(name);
        CHECK(fast_path.count(name) == 1);
        ++elements;
      }
      CHECK(elements > 10);
    }
  }
}
