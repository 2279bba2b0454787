// The rendering fast paths: append_escaped (escape.hpp), the plain-text path of comment markup
// (markup.hpp) and the article writer (render.hpp), each against a simple reference or the
// exact HTML it must keep giving.
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/boundary.hpp"
#include "colloquy/markup.hpp"

namespace {

// SplitMix64: the same texts on every platform.
struct random_bytes {
  std::uint64_t state;
  std::size_t below(std::size_t n) {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return static_cast<std::size_t>((z ^ (z >> 31)) % n);
  }
};

// append_escaped as it was first written: one byte at a time.
void reference_escaped(std::string& out, std::string_view s) {
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;
      default: out += c;
    }
  }
}

// append_plain_paragraphs as it was first written, in several simple passes: the texts it takes
// and the HTML it gives are what the one-pass version must take and give.
bool reference_plain_paragraphs(std::string& out, std::string_view text) {
  static constexpr auto special = [] {
    std::array<bool, 256> t{};
    for (unsigned c = 0; c < 0x20; ++c) t[c] = c != '\n';
    for (unsigned char c : std::string_view("\\`*_[]!~#=|:\x7F")) t[c] = true;
    return t;
  }();
  auto alnum = [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  bool less_than = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (special[c]) return false;
    if (c == '&' && i + 1 < text.size() && (text[i + 1] == '#' || alnum(text[i + 1]))) return false;
    if (c == '<') less_than = true;
  }
  for (std::size_t dot = text.find('.', 3); dot != std::string_view::npos; dot = text.find('.', dot + 1))
    if ((text[dot - 1] | 0x20) == 'w' && (text[dot - 2] | 0x20) == 'w' && (text[dot - 3] | 0x20) == 'w') return false;
  if (less_than && text.find('@') != std::string_view::npos) return false;
  std::string html;
  bool open = false;
  std::size_t pos = 0;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    std::size_t indent = 0;
    while (indent < line.size() && line[indent] == ' ') ++indent;
    std::size_t trailing = 0;
    while (trailing < line.size() - indent && line[line.size() - 1 - trailing] == ' ') ++trailing;
    line = line.substr(indent, line.size() - indent - trailing);
    if (line.empty()) {
      if (open) html += "</p>\n";
      open = false;
    } else {
      char first = line.front();
      if (indent >= 4 || trailing >= 2 || (less_than && trailing) || first == '-' || first == '+' || first == '<' ||
          first == '>' || (first >= '0' && first <= '9'))
        return false;
      html += open ? "\n" : "<p>";
      open = true;
      reference_escaped(html, line);
    }
    if (end == text.size()) break;
    pos = end + 1;
  }
  if (open) html += "</p>\n";
  out += html;
  return true;
}

// The fast path takes exactly the texts the reference takes, gives the same HTML after whatever
// `out` held, and that HTML is the full parser's. Returns whether it took the text.
bool check_plain(std::string_view text) {
  const std::string before = "<x>";
  std::string quick = before, want = before;
  const bool took = colloquy::detail::md::append_plain_paragraphs(quick, text);
  const bool reference_took = reference_plain_paragraphs(want, text);
  CHECK_MESSAGE(took == reference_took, "text: " << text);
  CHECK_MESSAGE(quick == want, "text: " << text);
  if (took) {
    std::string parsed = before;
    colloquy::detail::md::append_parsed_html(parsed, text);
    CHECK_MESSAGE(quick == parsed, "text: " << text);
  }
  return took;
}

}  // namespace

TEST_SUITE("Rendering fast paths") {
  TEST_CASE("append_escaped gives the byte-at-a-time result for every byte at every position") {
    for (int c = 0; c < 256; ++c) {
      for (std::size_t size = 1; size <= 24; ++size) {
        for (std::size_t at = 0; at < size; ++at) {
          std::string s(size, 'a');
          s[at] = char(c);
          std::string got = "x", want = "x";
          colloquy::append_escaped(got, s);
          reference_escaped(want, s);
          CHECK_MESSAGE(got == want, "byte " << c << " at " << at << " of " << size);
        }
      }
    }
    CHECK(colloquy::escaped("") == "");
    CHECK(colloquy::escaped(std::string_view("a\0\"'<>&\xFF", 8)) == "a\xEF\xBF\xBD&quot;&#39;&lt;&gt;&amp;\xFF");
  }

  TEST_CASE("append_escaped gives the byte-at-a-time result on random strings") {
    random_bytes r{21};
    const char alphabet[] = "&<>\"'\0abc \xC3\xA9=;\x80\x7F";
    for (int i = 0; i < 20000; ++i) {
      std::string s;
      const std::size_t size = r.below(40);
      for (std::size_t k = 0; k < size; ++k) s += i % 2 ? char(r.below(256)) : alphabet[r.below(sizeof alphabet - 1)];
      std::string got, want;
      colloquy::append_escaped(got, s);
      reference_escaped(want, s);
      CHECK(got == want);
    }
  }

  TEST_CASE("The plain-text path takes and gives what the reference does, on tricky texts") {
    const char* texts[] = {"",
                           " ",
                           "\n",
                           "a",
                           "www.",
                           "www.x",
                           "a www.x",
                           "WwW.x",
                           "xwww.",
                           "ww.w",
                           "w.ww.",
                           "wwww.x",
                           "\xC3\xA9www.x",
                           "&",
                           "& ",
                           "a &",
                           "&#",
                           "&#39;",
                           "&amp",
                           "&amp;",
                           "&x",
                           "& x",
                           "a&b",
                           "&&",
                           "&;",
                           "&\xC3\xA9",
                           "line  ",
                           "line ",
                           "line \nnext",
                           "line  \nnext",
                           "a < b ",
                           "a < b\nc ",
                           "a < b",
                           "a <b@c.d>",
                           "a < b\nx@y",
                           "x@y < z",
                           "x@y",
                           "<a",
                           "a <",
                           " <a",
                           "    a",
                           "   a",
                           "   a\n    b",
                           "a\n    b",
                           "a\n\n    b",
                           "-a",
                           "+a",
                           "1a",
                           "9. a",
                           ">a",
                           "a\n-b",
                           "a\n> b",
                           "a\n1 b",
                           "a -b +c 1d >e",
                           "tab\there",
                           "cr\rhere",
                           "del\x7Fhere",
                           "a\x01",
                           "\x1F",
                           "\xC3\xA9t\xC3\xA9",
                           "\xF0\x9F\x98\x80 ok",
                           "\xFF\xFE",
                           "\x80",
                           "caf\xC3\xA9.",
                           "$ % ( ) ; ? ^ { } Z z",
                           "Zz.zZ",
                           "a:b",
                           "a*b",
                           "a_b",
                           "a`b",
                           "a[b]",
                           "a!b",
                           "a~b",
                           "a#b",
                           "a=b",
                           "a|b",
                           "a\\b",
                           "\"quoted\" 'single'",
                           "a\n\nb",
                           "a\n \nb",
                           "a\n\n\n\nb\n",
                           "\n\na",
                           "a\n",
                           "a\n\n",
                           "  a  b  ",
                           "one. two. three.",
                           "12345678www.",
                           "1234567www.x",
                           "abcdefg.hwww.x",
                           "abcdefgh\n",
                           "abcdefg\n",
                           "abcdefghi\n"};
    std::size_t taken = 0;
    for (const char* t : texts) taken += check_plain(t);
    // NUL inside the text.
    taken += check_plain(std::string_view("nul\0here", 8));
    taken += check_plain(std::string_view("long enough text \0 nul", 22));
    CHECK(taken > 30);
  }

  TEST_CASE("The plain-text path: every byte at every position, around the 8-byte words") {
    std::size_t taken = 0;
    for (int c = 0; c < 256; ++c) {
      for (std::size_t size = 1; size <= 19; ++size) {
        for (std::size_t at = 0; at < size; ++at) {
          std::string s(size, 'a');
          s[at] = char(c);
          taken += check_plain(s);
          s[0] = 'w';  // a 'w' before the byte, and spaces after it
          if (at + 1 < size) s[at + 1] = ' ';
          taken += check_plain(s);
        }
      }
    }
    CHECK(taken > 20000);
  }

  TEST_CASE("The plain-text path on generated texts, and on texts that are mostly escapes") {
    const char* pieces[] = {
        "word", " ",  "  ", "\n", "\n\n", "\n \n", ".",        "www", "w",    "&",        "& ",
        "&#",   "\"", "'",  "<",  ">",    "@",     "-",        "1",   "+",    "\xC3\xA9", "\xF0\x9F\x98\x80",
        "?",    "(",  ")",  "$",  "z",    "Z",     "abcdefgh", "abc", "    ", "\t",       "*",
        ":"};
    random_bytes r{5};
    std::size_t taken = 0;
    for (int i = 0; i < 30000; ++i) {
      std::string text;
      const std::size_t n = r.below(30);
      for (std::size_t k = 0; k < n; ++k) text += pieces[r.below(sizeof pieces / sizeof *pieces)];
      taken += check_plain(text);
    }
    CHECK(taken > 3000);
    // Output several times longer than the text: the room made up front is not enough.
    for (const char* unit : {"\"", "'", "& ", "<>", "\"a\"\n"}) {
      std::string text = "x";
      for (int k = 0; k < 5000; ++k) text += unit;
      CHECK(check_plain(text));
    }
  }

  TEST_CASE("Articles keep their exact HTML") {
    const std::string doc = R"({"thread":"/t","comments":[
{"id":"c1","parent":null,"author":{"name":"Ann \"A\"","location":"Paris, France","url":"https://e.com/?a=1&b=2"},"created":"2010-09-25T14:03:00Z","text":"Hi & <b>bye</b>\n\nSecond 'para'.","votes":{"up":3,"down":1}},
{"id":"c2","parent":"c1","author":"Bob","created":"2010-09-25T15:00:00.250Z","text":"*em*","status":"pending"},
{"id":"c3","parent":"c2","author":"Cy","created":"2010-09-26T01:00:00Z","text":"gone","status":"deleted"},
{"id":"c4\"<","parent":"c3","author":{"name":"Di","location":"Kansas"},"created":"2010-09-27T00:00:00Z","text":"www.x.org"},
{"id":"c5","parent":"nope","author":"","created":"2011-01-01T00:00:00Z","text":"orphan  "}],"next":"n&1"})";
    const std::string answer = colloquy::render_comments(doc, R"({"maxDepth":1})");
    const std::string html = answer.substr(answer.find('\0') + 1);
    CHECK(html ==
          R"x(<section class="comments" part="comments" lang="en" dir="ltr" aria-labelledby="colloquy-comments-title"><button class="skip" data-action="skip">Skip to the comment form</button><header><h2 id="colloquy-comments-title">4 Comments</h2><label>Sort by <select name="sort"><option value="oldest" selected>Oldest</option><option value="newest">Newest</option><option value="top">Top</option><option value="hot">Hot</option><option value="controversial">Controversial</option></select></label></header><div class="list" role="feed" aria-labelledby="colloquy-comments-title">
<div class="comment" role="article" part="comment" id="comment-c1" data-id="c1" data-depth="0" data-replies="2" aria-posinset="1" aria-setsize="-1" aria-label="Comment by Ann &quot;A&quot;, September 25, 2010"><span class="avatar av-h7 av-a1 av-a2 av-b0 av-b2 av-c0 av-c1 av-d1 av-d2 av-e1 av-e2" aria-hidden="true"></span><p class="byline"><span dir="auto"><a href="https://e.com/?a=1&amp;b=2" rel="nofollow ugc noopener">Ann &quot;A&quot;</a></span> in <span dir="auto">Paris</span> writes:</p><span class="date" data-datetime="2010-09-25T14:03:00Z">September 25, 2010</span><div class="body" dir="auto"><p>Hi &amp; &lt;b&gt;bye&lt;/b&gt;</p>
<p>Second &#39;para&#39;.</p>
</div><button data-action="vote" data-vote="up" aria-pressed="false" aria-label="Upvote the comment by Ann &quot;A&quot;, 3">▲ 3</button><button data-action="vote" data-vote="down" aria-pressed="false" aria-label="Downvote the comment by Ann &quot;A&quot;, 1">▼ 1</button><button data-action="reply" aria-label="Reply to Ann &quot;A&quot;">Reply</button><button data-action="link" aria-label="Link to the comment by Ann &quot;A&quot;">Link</button></div>
<div class="comment pending" role="article" part="comment" id="comment-c2" data-id="c2" data-depth="1" data-replies="1" aria-posinset="2" aria-setsize="-1" aria-label="Reply by Bob, level 2, September 25, 2010"><span class="avatar av-h10 av-a2 av-b2 av-d0 av-d1 av-d2 av-e0 av-e2" aria-hidden="true"></span><p class="byline"><span dir="auto">Bob</span> writes:</p><span class="date" data-datetime="2010-09-25T15:00:00.250Z">September 25, 2010</span><div class="body" dir="auto"><p><em>em</em></p>
</div><button data-action="reply" aria-label="Reply to Bob">Reply</button><button data-action="link" aria-label="Link to the comment by Bob">Link</button><p class="state">Awaiting moderation</p></div>
<div class="comment deleted capped" role="article" part="comment" id="comment-c3" data-id="c3" data-depth="1" data-replies="1" data-reply-to="c2" aria-posinset="3" aria-setsize="-1" aria-label="Deleted reply, level 2, September 26, 2010"><p class="byline">This comment was deleted.</p><span class="date" data-datetime="2010-09-26T01:00:00Z">September 26, 2010</span><div class="body"></div></div>
<div class="comment capped" role="article" part="comment" id="comment-c4&quot;&lt;" data-id="c4&quot;&lt;" data-depth="1" data-reply-to="c3" aria-posinset="4" aria-setsize="-1" aria-label="Reply by Di, level 2, September 27, 2010"><span class="avatar av-h22 av-a0 av-a2 av-c2 av-d2 av-e0" aria-hidden="true"></span><p class="byline"><span dir="auto">Di</span> in <span dir="auto">Kansas</span>, replying to <span dir="auto">Anonymous</span>:</p><span class="date" data-datetime="2010-09-27T00:00:00Z">September 27, 2010</span><div class="body" dir="auto"><p><a href="http://www.x.org" rel="nofollow ugc noopener">www.x.org</a></p>
</div><button data-action="vote" data-vote="up" aria-pressed="false" aria-label="Upvote the comment by Di, 0">▲ 0</button><button data-action="vote" data-vote="down" aria-pressed="false" aria-label="Downvote the comment by Di, 0">▼ 0</button><button data-action="reply" aria-label="Reply to Di">Reply</button><button data-action="link" aria-label="Link to the comment by Di">Link</button></div>
<div class="comment orphan" role="article" part="comment" id="comment-c5" data-id="c5" data-depth="0" aria-posinset="5" aria-setsize="-1" aria-label="Comment by Anonymous, January 1, 2011"><span class="avatar av-h0 av-a0 av-a2 av-b0 av-c0 av-c1 av-e2" aria-hidden="true"></span><p class="byline"><span dir="auto">Anonymous</span> writes:</p><span class="date" data-datetime="2011-01-01T00:00:00Z">January 1, 2011</span><div class="body" dir="auto"><p>orphan</p>
</div><button data-action="vote" data-vote="up" aria-pressed="false" aria-label="Upvote the comment by Anonymous, 0">▲ 0</button><button data-action="vote" data-vote="down" aria-pressed="false" aria-label="Downvote the comment by Anonymous, 0">▼ 0</button><button data-action="reply" aria-label="Reply to Anonymous">Reply</button><button data-action="link" aria-label="Link to the comment by Anonymous">Link</button></div>
</div><button class="more" data-action="more" data-cursor="n&amp;1">Load more comments</button></section>)x");
    // The reply and link buttons are worked out once per page, in the page's language.
    const std::string fr = colloquy::render_comments(doc, R"({"locale":"fr"})");
    CHECK(fr.find("<button data-action=\"reply\" aria-label=\"R\xC3\xA9pondre \xC3\xA0 "
                  "Bob\">R\xC3\xA9pondre</button><button data-action=\"link\" aria-label=\"Lien vers le "
                  "commentaire de Bob\">Lien</button><p class=\"state\">") !=
          std::string::npos);  // Bob's comment awaits moderation

    // A static page (`colloquy render`): the same articles in a section marked colloquy-static,
    // without the controls that need the script (reply, sort menu, load more). It is a page for
    // everyone: Bob's comment, awaiting moderation, is a placeholder there, as a deleted one is.
    std::string published = doc, deleted = doc;
    published.erase(published.find(R"(,"status":"pending")"), 19);
    deleted.replace(deleted.find(R"("status":"pending")"), 18, R"("status":"deleted")");
#if !defined(__EMSCRIPTEN__)  // such pages are made natively (api.hpp thread_read)
    const std::string static_answer = colloquy::render_comments(doc, R"({"maxDepth":1,"static":true})");
    const std::string static_html = static_answer.substr(static_answer.find('\0') + 1);
    CHECK(static_answer == colloquy::render_comments(deleted, R"({"maxDepth":1,"static":true})"));
    CHECK(static_html.find("*em*") == std::string::npos);
    CHECK(static_html.find("Bob") == std::string::npos);
#endif
    // With Bob's comment published, exactly the widget's articles without their buttons.
    const std::string published_answer = colloquy::render_comments(published, R"({"maxDepth":1,"static":true})");
    const std::string published_html = published_answer.substr(published_answer.find('\0') + 1);
    const std::string widget_answer = colloquy::render_comments(published, R"({"maxDepth":1})");
    std::string expected = widget_answer.substr(widget_answer.find('\0') + 1);
    auto erase_all = [&](std::string_view what) {
      for (std::size_t at; (at = expected.find(what)) != std::string::npos;) expected.erase(at, what.size());
    };
    for (const char* action :
         {R"(<button data-action="vote")", R"(<button data-action="reply")", R"(<button data-action="link")"})
      for (std::size_t at; (at = expected.find(action)) != std::string::npos;)
        expected.erase(at, expected.find("</button>", at) + 9 - at);
    erase_all(R"(<button class="skip" data-action="skip">Skip to the comment form</button>)");
    erase_all(R"(<button class="more" data-action="more" data-cursor="n&amp;1">Load more comments</button>)");
    erase_all(
        R"(<label>Sort by <select name="sort"><option value="oldest" selected>Oldest</option><option value="newest">Newest</option><option value="top">Top</option><option value="hot">Hot</option><option value="controversial">Controversial</option></select></label>)");
    const std::string_view section = R"(<section class="comments" part="comments")";
    REQUIRE(expected.compare(0, section.size(), section) == 0);
    expected.replace(0, section.size(), R"(<section class="comments colloquy-static" part="comments")");
    CHECK(published_html == expected);
    CHECK(published_html.find("<button") == std::string::npos);
    CHECK(published_html.find("<select") == std::string::npos);
    // A later page of a static site is a whole section too, with no "load more".
    const std::string page2 = colloquy::render_comments(doc, R"({"static":true,"pageSize":1,"offset":1})");
    CHECK(page2.find("<section class=\"comments colloquy-static\"") != std::string::npos);
    CHECK(page2.find("data-id=\"c5\"") != std::string::npos);
    CHECK(page2.find("data-id=\"c1\"") == std::string::npos);
    CHECK(page2.find("data-action") == std::string::npos);
  }
}

TEST_SUITE("Accessible structure") {
  namespace {
  std::string html_of(const std::string& answer) { return answer.substr(answer.find('\0') + 1); }
  // The values of attribute `name` on the elements of `html`, in order.
  std::vector<std::string> attributes(const std::string& html, const std::string& name) {
    std::vector<std::string> out;
    const std::string key = " " + name + "=\"";
    for (auto at = html.find(key); at != std::string::npos; at = html.find(key, at + 1)) {
      const auto start = at + key.size();
      out.push_back(html.substr(start, html.find('"', start) - start));
    }
    return out;
  }
  const std::string thread_doc = R"([
{"id":"a","author":{"name":"Mary D.","location":"Kansas"},"created":"2010-09-25T14:03:00Z","text":"one"},
{"id":"b","parent":"a","author":"Ron","created":"2010-09-26T10:00:00Z","text":"two"},
{"id":"c","parent":"b","author":"\"><img src=x onerror=alert(1)>","created":"2010-09-26T11:00:00Z","text":"three"},
{"id":"d","author":"  ","created":"2010-09-27T10:00:00Z","text":"four"}])";
  }  // namespace

  // Vote buttons are named too ("Upvote the comment by Mary D., 3": render_actions_test.cpp); these
  // tests leave them out.
  TEST_CASE("The thread is a named region holding a feed of articles named by author and date, with their place") {
    const std::string html = html_of(colloquy::render_comments(thread_doc, R"({"votes":false})"));
    CHECK(html.rfind(
              R"(<section class="comments" part="comments" lang="en" dir="ltr" aria-labelledby="colloquy-comments-title">)",
              0) == 0);
    CHECK(html.find(R"(<h2 id="colloquy-comments-title">4 Comments</h2>)") != std::string::npos);
    CHECK(html.find(R"(<div class="list" role="feed" aria-labelledby="colloquy-comments-title">)") != std::string::npos);
    CHECK(attributes(html, "aria-label") ==
          std::vector<std::string>{
              "Comment by Mary D., September 25, 2010", "Reply to Mary D.", "Link to the comment by Mary D.",
              "Reply by Ron, level 2, September 26, 2010", "Reply to Ron", "Link to the comment by Ron",
              "Reply by &quot;&gt;&lt;img src=x onerror=alert(1)&gt;, level 3, September 26, 2010",
              "Reply to &quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
              "Link to the comment by &quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
              "Comment by Anonymous, September 27, 2010", "Reply to Anonymous", "Link to the comment by Anonymous"});
    CHECK(attributes(html, "aria-posinset") == std::vector<std::string>{"1", "2", "3", "4"});
    CHECK(attributes(html, "aria-setsize") == std::vector<std::string>{"4", "4", "4", "4"});
    // Each comment is a div with the article role (markup Chromium's fast-path parser takes), in
    // the feed: the same role and name for assistive technology as an <article>.
    CHECK(attributes(html, "role") == std::vector<std::string>{"feed", "article", "article", "article", "article"});
    CHECK(html.find("<article") == std::string::npos);
    const std::string_view open = R"(<div class="comment" role="article" part="comment" id=")";
    std::size_t comments = 0;
    for (auto at = html.find("<div class=\"comment\""); at != std::string::npos;
         at = html.find("<div class=\"comment\"", at + 1), ++comments)
      CHECK(html.compare(at, open.size(), open) == 0);
    CHECK(comments == 4);
    CHECK(html.find("<img") == std::string::npos);
  }

  TEST_CASE("A later page goes on counting; the size is unknown (-1) while the server has more") {
    const std::string page2 = html_of(colloquy::render_comments(thread_doc, R"({"pageSize":1,"offset":1})"));
    CHECK(attributes(page2, "aria-posinset") == std::vector<std::string>{"4"});
    CHECK(attributes(page2, "aria-setsize") == std::vector<std::string>{"4"});
    const std::string paged = R"({"thread":"/t","comments":[{"id":"a","created":0,"text":"x"}],"next":"k2"})";
    CHECK(attributes(html_of(colloquy::render_comments(paged, "{}")), "aria-setsize") ==
          std::vector<std::string>{"-1"});
  }

  TEST_CASE("A name keeps the full date when the article shows a relative one") {
    const std::string html = html_of(colloquy::render_comments(thread_doc, R"({"now":1285430580000})"));  // 2010-09-25T16:03Z
    CHECK(html.find(R"(<span class="date" data-datetime="2010-09-25T14:03:00Z">2 hours ago</span>)") != std::string::npos);
    CHECK(html.find(R"(aria-label="Comment by Mary D., September 25, 2010")") != std::string::npos);
  }

  TEST_CASE("A deleted comment kept for its replies is named as deleted, with its level") {
    const std::string doc = R"([{"id":"a","created":0,"text":"x","status":"deleted"},{"id":"b","parent":"a","created":0,"text":"y"},
      {"id":"c","parent":"b","created":0,"text":"z","status":"deleted"},{"id":"d","parent":"c","created":0,"text":"w"}])";
    const std::string html = html_of(colloquy::render_comments(doc, "{}"));
    CHECK(html.find(R"(aria-label="Deleted comment, January 1, 1970")") != std::string::npos);
    CHECK(html.find(R"(aria-label="Deleted reply, level 3, January 1, 1970")") != std::string::npos);
  }

  TEST_CASE("Every language names the articles and reply buttons, starting with the button's own word") {
    for (const colloquy::locale_data* l : colloquy::locales) {
      CAPTURE(l->tag);
      const std::string html = html_of(
          colloquy::render_comments(thread_doc, R"({"votes":false,"locale":")" + std::string(l->tag) + "\"}"));
      CHECK(html.find(" lang=\"" + std::string(l->tag) + "\"") != std::string::npos);
      const std::vector<std::string> names = attributes(html, "aria-label");
      REQUIRE(names.size() == 12);  // per article: its own, then Reply's and Link's
      std::string date;
      colloquy::append_date(date, 1285423380000, *l);
      CHECK(names[0].find("Mary D.") != std::string::npos);
      CHECK(names[0].find(date) != std::string::npos);
      CHECK(names[3].find("Ron") != std::string::npos);
      CHECK(names[3].find('2') != std::string::npos);  // its level
      // Speech input: the name begins with the visible text ("Reply" / "Reply to Mary D.").
      CHECK(names[1].rfind(std::string(l->reply), 0) == 0);
      CHECK(names[1].find("Mary D.") != std::string::npos);
      CHECK(names[2].rfind(std::string(l->link), 0) == 0);
      CHECK(names[2].find("Mary D.") != std::string::npos);
      for (std::string_view s : {l->link_to, l->edit_of, l->delete_of})
        CHECK(s.find("{name}") != std::string_view::npos);
      CHECK(l->edit_of.rfind(l->edit, 0) == 0);
      CHECK(l->delete_of.rfind(l->delete_comment, 0) == 0);
      for (std::string_view s : {l->comment_label, l->reply_label, l->deleted_label, l->deleted_reply_label})
        CHECK(s.find("{date}") != std::string_view::npos);
      CHECK(l->reply_label.find("{level}") != std::string_view::npos);
      CHECK(l->deleted_reply_label.find("{level}") != std::string_view::npos);
      CHECK(html.find(">" + std::string(l->skip_to_form) + "</button>") != std::string::npos);
      // Translated, not left to the English default.
      if (l != &colloquy::locale_en) {
        for (auto field : {&colloquy::locale_data::comment_label, &colloquy::locale_data::reply_label,
                           &colloquy::locale_data::deleted_label, &colloquy::locale_data::deleted_reply_label,
                           &colloquy::locale_data::reply_to, &colloquy::locale_data::skip_to_form,
                           &colloquy::locale_data::reply_form_label, &colloquy::locale_data::link_to,
                           &colloquy::locale_data::edit_of, &colloquy::locale_data::delete_of})
          CHECK(l->*field != colloquy::locale_en.*field);
      }
    }
  }

  TEST_CASE("A static page has the region, the feed and the names, but no skip link (no form) and no buttons") {
    const std::string html = html_of(colloquy::render_comments(thread_doc, R"({"static":true,"locale":"de"})"));
    CHECK(html.rfind(
              R"(<section class="comments colloquy-static" part="comments" lang="de" dir="ltr" aria-labelledby="colloquy-comments-title">)",
              0) == 0);
    CHECK(html.find("role=\"feed\"") != std::string::npos);
    CHECK(html.find("class=\"skip\"") == std::string::npos);
    CHECK(attributes(html, "aria-label").front() == "Kommentar von Mary D., 25. September 2010");
    CHECK(attributes(html, "aria-posinset").size() == 4);
  }

  TEST_CASE("A comment shown on its own is named, its reply button too, with no place in the feed") {
    const std::string html = html_of(
        colloquy::render_comment(R"({"id":"k","author":"Ron","created":"2010-09-26T10:00:00Z","text":"hi"})",
                                 R"({"parentDepth":0,"state":"unsent","clientId":"k","votes":false})"));
    CHECK(attributes(html, "aria-label") == std::vector<std::string>{"Reply by Ron, level 2, September 26, 2010",
                                                                     "Reply to Ron", "Link to the comment by Ron"});
    CHECK(html.find("aria-posinset") == std::string::npos);
  }
}
