// HTML comment bodies to comment markup (include/colloquy/html_import.hpp): the supported
// subset survives as markup, everything else as text; rendered, the markup holds nothing
// executable (the allowlist) and every word of the HTML (a text comparison).
#include <doctest/doctest.h>

#include <cctype>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/html_import.hpp"
#include "colloquy/markup.hpp"
#include "html_allowlist.hpp"
#include "test_support.hpp"

namespace {

std::string render(const std::string& markup) {
  std::string html;
  colloquy::append_markup_html(html, markup);
  return html;
}

// The words of HTML as a browser's textContent has them: tags and comments dropped, character
// references resolved; a word is a run of letters and digits (any non-ASCII byte counts).
// Written apart from the converter, so that it checks it.
std::vector<std::string> words(std::string_view html) {
  std::string text;
  for (std::size_t i = 0; i < html.size();) {
    if (html.compare(i, 4, "<!--") == 0) {
      std::size_t e = html.find("-->", i + 4);
      i = e == std::string_view::npos ? html.size() : e + 3;
    } else if (html.compare(i, 2, "<!") == 0) {  // declarations, and CDATA (a bogus comment in HTML)
      std::size_t e = html.find('>', i);
      i = e == std::string_view::npos ? html.size() : e + 1;
    } else if (html[i] == '<' && i + 1 < html.size() &&
               (std::isalpha(static_cast<unsigned char>(html[i + 1])) || html[i + 1] == '/')) {
      std::size_t e = html.find('>', i);
      i = e == std::string_view::npos ? html.size() : e + 1;
      text += ' ';
    } else if (html[i] == '&') {
      std::size_t n = colloquy::test::detail::read_reference(html, i, text);
      if (n) i += n;
      else text += html[i++];
    } else {
      text += html[i++];
    }
  }
  std::vector<std::string> out;
  std::string w;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      w += c;
    } else if (!w.empty()) {
      out.push_back(w);
      w.clear();
    }
  }
  if (!w.empty()) out.push_back(w);
  return out;
}

// True when every word of `source`, in order, is among the words of `rendered`.
bool words_kept(const std::vector<std::string>& source, const std::vector<std::string>& rendered, std::string& missing) {
  std::size_t j = 0;
  for (const std::string& w : source) {
    while (j < rendered.size() && rendered[j] != w) ++j;
    if (j == rendered.size()) {
      missing = w;
      return false;
    }
    ++j;
  }
  return true;
}

}  // namespace

TEST_SUITE("HTML to markup") {
  TEST_CASE("The supported subset becomes markup") {
    struct example {
      const char* html;
      const char* markup;
    };
    const example examples[] = {
        {"<p>Hi <b>there</b></p><p>Two</p>", "Hi **there**\n\nTwo"},
        {"one<br>two<br/>three", "one\\\ntwo\\\nthree"},
        {"<em> spaced </em>words", "*spaced* words"},
        {"<a href=\"https://x.example/a?b=1&amp;c=2\">x</a>", "[x](<https://x.example/a?b=1\\&c=2>)"},
        {"<a href=\"https://x.example/\"></a>", "[https://x.example/](<https://x.example/>)"},
        {"<code>a `b` c</code>", "``a `b` c``"},
        {"<pre><code class=\"language-cpp\">int x;\n  y();\n</code></pre>", "```cpp\nint x;\n  y();\n```"},
        {"<blockquote><p>q1</p><p>q2</p></blockquote>", "> q1\n>\n> q2"},
        {"<ul><li>one<li>two</ul>", "- one\n- two"},
        {"<ol start=\"3\"><li>c</li><li>d</li></ol>", "3. c\n4. d"},
        {"<ul><li>a<ul><li>b</li></ul></li></ul>", "- a\n\n  - b"},
        {"<ul><li>a</li></ul><ul><li>b</li></ul>", "- a\n\n+ b"},
        {"<p>a</p><hr><p>b</p>", "a\n\n---\n\nb"},
    };
    for (const example& e : examples) {
      CAPTURE(e.html);
      CHECK(colloquy::html_to_markup(e.html).text == e.markup);
    }
  }

  TEST_CASE("Text reads back as itself: markup characters and line-start markers are escaped") {
    const char* const texts[] = {"*not em* _nor this_ `nor code` [nor](link) <b>",
                                 "- not a list",
                                 "+ nor this",
                                 "# not a heading",
                                 "2010. a year, not a list",
                                 "1) nor this",
                                 "&amp;copy; stays &copy;",
                                 "back\\slash",
                                 "~~~ not a fence",
                                 "> not a quote"};
    for (const char* t : texts) {
      CAPTURE(t);
      std::string html = "<p>";
      for (const char* c = t; *c; ++c) {
        if (*c == '<') html += "&lt;";
        else if (*c == '>') html += "&gt;";
        else if (*c == '&') html += "&amp;";
        else html += *c;
      }
      html += "</p>";
      std::string rendered = render(colloquy::html_to_markup(html).text);
      std::string expected = "<p>";
      colloquy::append_escaped(expected, t);
      expected += "</p>\n";
      CHECK(rendered == expected);
    }
  }

  TEST_CASE("Script-like HTML is inert and reported; its words stay as text") {
    auto m = colloquy::html_to_markup(
        "<p onclick=\"x()\">Hello <script>alert('s')</script><img src=x onerror=alert(1) alt=\"a cat\">"
        "<a href=\"javascript:alert(2)\">click</a> <a href=\" JaVa&#x09;ScRiPt:alert(3)\">again</a> "
        "<iframe src=\"https://evil.example/\">framed</iframe></p>");
    CHECK(m.unsafe_html);
    CHECK(m.unsafe_link);
    std::string html = render(m.text);
    CHECK_MESSAGE(!colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist()), html);
    CHECK(html.find("href") == std::string::npos);
    for (const char* w : {"Hello", "alert", "a cat", "click", "again", "framed"})
      CHECK(html.find(w) != std::string::npos);
    auto plain = colloquy::html_to_markup(
        "<p>Just <a href=\"/relative\">words</a> and <a href=\"mailto:a@b.example\">mail</a></p>");
    CHECK_FALSE(plain.unsafe_html);
    CHECK_FALSE(plain.unsafe_link);
  }

  TEST_CASE("No words lost, nothing executable: realistic and hostile bodies") {
    const char* const bodies[] = {
        "<p>Finally a ferry that runs <em>after</em> nine.</p><p>Bikes allowed?</p>",
        ("<p>See the <a href=\"https://h.example/rules\" rel=\"nofollow\">rules page</a>:</p><blockquote><p>Walk "
         "bicycles on and off.</p></blockquote>"),
        "Glad to see it lit again.<br>Dark for <b>three</b> winters.",
        "<p>Three? <code>2007 - 2011</code></p><pre><code>winter 1\nwinter 2\n</code></pre>",
        "<div>Table: <table><tr><th>pH</th><th>plot</th></tr><tr><td>6.5</td><td>14</td></tr></table></div>",
        "<h2>Heading words</h2><dl><dt>term</dt><dd>definition</dd></dl><span>span words</span>",
        "<ul><li>earplugs<li>a <a href=\"https://s.example/m\">sleep mask</a></ul><ol><li>first</ol>",
        "<p>unclosed <b>bold <i>italic</p> after",
        "</p>stray end tags</div> and <3 hearts & ampersands &notanentity; &#x263A;",
        "<p>Hello <script>alert('x')</script><style>p{}</style><textarea>typed &amp; kept</textarea></p>",
        "<svg onload=alert(1)><title>svg title</title></svg><math><mi>math</mi></math>",
        "<![CDATA[cdata words]]><!-- a comment --> visible",
        "<p>*stars* _underscores_ [brackets] `ticks` \\backslash</p>",
        "<b><i><u><s><sub><sup>nested</sup></sub></s></u></i></b> tail",
        "<p>caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E \xF0\x9F\x98\x80 emoji</p>",
    };
    for (const char* b : bodies) {
      CAPTURE(b);
      auto m = colloquy::html_to_markup(b);
      std::string html = render(m.text);
      CAPTURE(m.text);
      CAPTURE(html);
      CHECK(!colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist()));
      std::string missing;
      CHECK_MESSAGE(words_kept(words(b), words(html), missing), "lost word: " << missing);
    }
  }

  TEST_CASE("Deep nesting is bounded and keeps its words") {
    std::string deep, end;
    for (int i = 0; i < 5000; ++i) {
      deep += i % 2 ? "<blockquote>" : "<ul><li>";
      end = (i % 2 ? "</blockquote>" : "</li></ul>") + end;
    }
    auto m = colloquy::html_to_markup(deep + "deepest words" + end);
    std::string html = render(m.text);
    CHECK(!colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist()));
    CHECK(html.find("deepest words") != std::string::npos);
    CHECK(m.text.size() < 20000);
  }

  TEST_CASE("Every XSS vector converts to markup that renders inside the allowlist") {
    auto text = colloquy::test::shared_data("xss/vectors.json");
    if (!text) return;
    auto vectors = nlohmann::json::parse(*text);
    REQUIRE(vectors.size() > 400);
    for (std::size_t i = 0; i < vectors.size(); ++i) {
      const std::string v = vectors[i].get<std::string>();
      CAPTURE(i);
      CAPTURE(v);
      std::string html = render(colloquy::html_to_markup(v).text);
      auto why = colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist());
      CHECK_MESSAGE(!why, *why);
    }
  }
}
