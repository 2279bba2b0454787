// Comment markup (markup.hpp) and the URL policy it relies on (escape.hpp).
#include <doctest/doctest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "colloquy/markup.hpp"
#include "test_support.hpp"
#include "html_allowlist.hpp"

namespace {

std::string md(std::string_view text) {
  std::string out;
  colloquy::append_markup_html(out, text);
  return out;
}

std::size_t count(const std::string& haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + needle.size())) ++n;
  return n;
}

// Formats, checks the result against the formatter's allowlist, returns it.
std::string checked(std::string_view text) {
  std::string html = md(text);
  auto why = colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist());
  CHECK_MESSAGE(!why, *why);
  return html;
}

constexpr const char* rel = " rel=\"nofollow ugc noopener\"";

}  // namespace

TEST_SUITE("Comment markup") {
  TEST_CASE("Paragraphs, breaks, emphasis and code spans") {
    CHECK(md("Nice :)\n\nSecond paragraph") == "<p>Nice :)</p>\n<p>Second paragraph</p>\n");
    CHECK(md("one\ntwo") == "<p>one\ntwo</p>\n");
    CHECK(md("hard  \nbreak") == "<p>hard<br />\nbreak</p>\n");
    CHECK(md("hard\\\nbreak") == "<p>hard<br />\nbreak</p>\n");
    CHECK(md("*em* **strong** ***both*** _em_ __strong__") ==
          "<p><em>em</em> <strong>strong</strong> <em><strong>both</strong></em> <em>em</em> "
          "<strong>strong</strong></p>\n");
    CHECK(md("snake_case_name stays") == "<p>snake_case_name stays</p>\n");
    CHECK(md("`a < b` and `` `x` ``") == "<p><code>a &lt; b</code> and <code>`x`</code></p>\n");
    CHECK(md("\\*not em\\*") == "<p>*not em*</p>\n");
    // A run that closes nothing is skipped; later spans of the same length still close.
    CHECK(md("` ``b`` ``y``") == "<p>` <code>b</code> <code>y</code></p>\n");
    CHECK(md("`a ``b`` ``y`` ``z``") == "<p>`a <code>b</code> <code>y</code> <code>z</code></p>\n");
  }

  TEST_CASE("Block quotes, lists and code blocks") {
    CHECK(md("> quoted\n> more\n\nafter") == "<blockquote>\n<p>quoted\nmore</p>\n</blockquote>\n<p>after</p>\n");
    CHECK(md("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n");
    CHECK(md("- a\n\n- b") == "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>\n");
    CHECK(md("3. three\n4. four") == "<ol start=\"3\">\n<li>three</li>\n<li>four</li>\n</ol>\n");
    CHECK(md("```c++\nint x = a<b;\n```") == "<pre><code class=\"language-c++\">int x = a&lt;b;\n</code></pre>\n");
    CHECK(md("~~~\nunclosed") == "<pre><code>unclosed\n</code></pre>\n");
    // The language is the info string's first word after its references are decoded, so a
    // reference to a space or a line break cannot add classes to the element (cmark agrees).
    CHECK(md("```x&#32;avatar&#32;av-h3\nfake\n```") == "<pre><code class=\"language-x\">fake\n</code></pre>\n");
    CHECK(md("```x&#9;status&#10;error&#12;y&#13;z\nf\n```") == "<pre><code class=\"language-x\">f\n</code></pre>\n");
    CHECK(md("```&#32;x\nf\n```") == "<pre><code>f\n</code></pre>\n");
    CHECK(md("```c&#43;&#43; more\nf\n```") == "<pre><code class=\"language-c++\">f\n</code></pre>\n");
    CHECK(md("    indented code") == "<pre><code>indented code\n</code></pre>\n");
  }

  TEST_CASE("A lazy continuation line loses its leading spaces, inside a code span too") {
    // A paragraph's raw content drops each line's initial spaces and tabs (spec, Paragraphs),
    // whether the line continues it lazily or not (commonmark.js gives the same).
    CHECK(md("> `a\n   b`") == "<blockquote>\n<p><code>a b</code></p>\n</blockquote>\n");
    CHECK(md("> `a\n> b`") == "<blockquote>\n<p><code>a b</code></p>\n</blockquote>\n");
    CHECK(md("> `a\n\t b`") == "<blockquote>\n<p><code>a b</code></p>\n</blockquote>\n");
    CHECK(md(">> `a\n  b`") == "<blockquote>\n<blockquote>\n<p><code>a b</code></p>\n</blockquote>\n</blockquote>\n");
    CHECK(md("  - `a\n b`") == "<ul>\n<li><code>a b</code></li>\n</ul>\n");
    CHECK(md("> a\n   b") == "<blockquote>\n<p>a\nb</p>\n</blockquote>\n");
  }

  TEST_CASE("Constructs outside the subset render as documented") {
    CHECK(md("# Not a heading") == "<p># Not a heading</p>\n");
    CHECK(md("above\n\n---\n\nbelow") == "<p>above</p>\n<hr />\n<p>below</p>\n");
    CHECK(md("![alt](https://example.com/x.png)") ==
          std::string("<p>!<a href=\"https://example.com/x.png\"") + rel + ">alt</a></p>\n");
    CHECK(md("[ref]\n\n[ref]: /url") == "<p>[ref]</p>\n<p>[ref]: /url</p>\n");
  }

  TEST_CASE("Raw HTML is shown as text, never passed through") {
    CHECK(md("<script>alert(1)</script>") == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n");
    CHECK(md("<img src=x onerror=alert(1)>") == "<p>&lt;img src=x onerror=alert(1)&gt;</p>\n");
    CHECK(md("*<b title=\"*\">") == "<p>*&lt;b title=&quot;*&quot;&gt;</p>\n");
    CHECK(md("<!-- hidden -->") == "<p>&lt;!-- hidden --&gt;</p>\n");
    CHECK(md("a \" ' & b") == "<p>a &quot; &#39; &amp; b</p>\n");
  }

  TEST_CASE("Entity and numeric character references") {
    CHECK(md("&copy; &#169; &#xA9; &ouml;") == "<p>\xC2\xA9 \xC2\xA9 \xC2\xA9 \xC3\xB6</p>\n");
    CHECK(md("&#0; &#x110000; &#xD800;") == "<p>\xEF\xBF\xBD \xEF\xBF\xBD \xEF\xBF\xBD</p>\n");
    CHECK(md("&bogus; &amp &lt;b&gt;") == "<p>&amp;bogus; &amp;amp &lt;b&gt;</p>\n");
  }

  TEST_CASE("Links carry rel and only safe URLs") {
    CHECK(md("[site](https://example.com \"Title\")") ==
          std::string("<p><a href=\"https://example.com\"") + rel + " title=\"Title\">site</a></p>\n");
    CHECK(md("[rel](/path?a=1&b=2)") == std::string("<p><a href=\"/path?a=1&amp;b=2\"") + rel + ">rel</a></p>\n");
    CHECK(md("[mail](mailto:a@example.com)") ==
          std::string("<p><a href=\"mailto:a@example.com\"") + rel + ">mail</a></p>\n");
    CHECK(md("<https://example.com/a b>") == "<p>&lt;https://example.com/a b&gt;</p>\n");
    CHECK(md("<a@example.com>") ==
          std::string("<p><a href=\"mailto:a@example.com\"") + rel + ">a@example.com</a></p>\n");
    CHECK(md("[q](https://x.org/\"><script>)") ==
          std::string("<p><a href=\"https://x.org/%22%3E%3Cscript%3E\"") + rel + ">q</a></p>\n");
    // Rejected schemes stay visible as the text that was typed.
    for (const char* bad : {"[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java&#x09;script:alert(1))",
                            "[x](&#106;avascript:alert(1))", "[x](javascript&colon;alert(1))",
                            "[x](javascript%3Aalert(1))", "[x]( javascript:alert(1))", "[x](<java\tscript:alert(1)>)",
                            "[x](data:text/html,<b>)", "[x](vbscript:msgbox(1))", "[x](file:///etc/passwd)",
                            "<javascript:alert(1)>", "<data:text/html;base64,PHNjcmlwdD4=>", "<vbscript:x>"}) {
      CAPTURE(bad);
      std::string html = checked(bad);
      CHECK(html.find("<a ") == std::string::npos);
      CHECK((html.find("[x](") != std::string::npos || html.find("&lt;") != std::string::npos));  // still shown
    }
  }

  TEST_CASE("Fuzzer findings stay fixed") {
    // A NUL before "mailto:" in a link destination was percent-encoded into "%00mailto:".
    static constexpr char nul_mailto[] =
        "[link](<\0mailto:\x14\x14`\xC0\0,f\x80"
        "bar)>)\n";
    CHECK(checked(std::string_view(nul_mailto, sizeof nul_mailto - 1)).find("href=\"mailto:") != std::string::npos);
    // "http%3As:" read as "http:" once decoded, but a browser reads the malformed scheme "http%3As".
    CHECK(checked("[link](http%3As:/vscript:/x)").find("<a ") == std::string::npos);
  }

  TEST_CASE("Bare URLs become links without their trailing punctuation") {
    CHECK(md("See https://example.com/a.") ==
          std::string("<p>See <a href=\"https://example.com/a\"") + rel + ">https://example.com/a</a>.</p>\n");
    CHECK(md("Visit www.commonmark.org/help, now!") ==
          std::string("<p>Visit <a href=\"http://www.commonmark.org/help\"") + rel +
              ">www.commonmark.org/help</a>, now!</p>\n");
    CHECK(md("(see https://en.wikipedia.org/wiki/Pi_(number))") ==
          std::string("<p>(see <a href=\"https://en.wikipedia.org/wiki/Pi_(number)\"") + rel +
              ">https://en.wikipedia.org/wiki/Pi_(number)</a>)</p>\n");
    CHECK(md("http://example.com/a&hl; done") ==
          std::string("<p><a href=\"http://example.com/a\"") + rel + ">http://example.com/a</a>&amp;hl; done</p>\n");
    CHECK(md("*https://example.com/x*") ==
          std::string("<p><em><a href=\"https://example.com/x\"") + rel + ">https://example.com/x</a></em></p>\n");
    CHECK(md("[see https://a.example.com](https://b.example.com)") ==
          std::string("<p><a href=\"https://b.example.com\"") + rel + ">see https://a.example.com</a></p>\n");
    CHECK(md("www.a_b.example_c.com and http://localhost and `https://code.example.com`") ==
          "<p>www.a_b.example_c.com and http://localhost and <code>https://code.example.com</code></p>\n");
    CHECK(md("nohttps://example.com") == "<p>nohttps://example.com</p>\n");
    CHECK(md("https://example.com/?a=1&amp;b=2") == std::string("<p><a href=\"https://example.com/?a=1&amp;b=2\"") +
                                                        rel + ">https://example.com/?a=1&amp;b=2</a></p>\n");
    // 40,000 unbalanced ')' after a URL: each left out of it, counted once (this took 0.3 s a
    // comment when every ')' recounted the URL's brackets).
    const std::string parens(40000, ')');
    CHECK(md("https://a.example/" + parens) ==
          std::string("<p><a href=\"https://a.example/\"") + rel + ">https://a.example/</a>" + parens + "</p>\n");
  }

  TEST_CASE("Containers nest only to a bounded depth") {
    std::string deep = checked(std::string(40, '>') + " deep");
    CHECK(count(deep, "<blockquote>") == std::size_t(colloquy::limits::max_markup_nesting));
    CHECK(deep.find("&gt;&gt;&gt;&gt;&gt;&gt;&gt;&gt; deep") != std::string::npos);
  }

  TEST_CASE("Reusing the scratch space between comments changes nothing") {
    std::string first = md("**a** [b](/c)\n\n- d\n- e");
    md(std::string(100000, '`') + "x" + std::string(3000, '*'));
    CHECK(md("**a** [b](/c)\n\n- d\n- e") == first);
  }
}

TEST_SUITE("Comment markup on pathological input") {
  // Each must finish (in linear time: there is no timed assertion, a quadratic one would stall
  // the suite for minutes) and produce balanced, allowlisted HTML.
  TEST_CASE("50,000 nested '*'") {
    std::string run = checked(std::string(50000, '*') + "a" + std::string(50000, '*'));
    CHECK(count(run, "<strong>") == 25000);
    std::string openers;
    for (int i = 0; i < 50000; ++i) openers += "*a ";
    std::string html = checked(openers);
    CHECK(html.find("<em>") == std::string::npos);
    std::string alternating;
    for (int i = 0; i < 25000; ++i) alternating += "*_";
    checked(alternating + "a" + alternating);
  }

  TEST_CASE("10,000 backticks") {
    std::string one_run = checked("a" + std::string(10000, '`') + "b");
    CHECK(one_run.find("<code>") == std::string::npos);
    std::string growing;
    for (std::size_t n = 1; n <= 140; ++n) growing.append(1, 'e').append(n, '`');  // ~9,900 backticks
    std::string html = checked(growing);
    CHECK(html.find("<code>") == std::string::npos);
  }

  TEST_CASE("5,000-deep block quotes and lists") {
    std::string html = checked(std::string(5000, '>') + " deep");
    CHECK(count(html, "<blockquote>") == std::size_t(colloquy::limits::max_markup_nesting));
    std::string spaced;
    for (int i = 0; i < 5000; ++i) spaced += "> ";
    checked(spaced + "x\n" + spaced + "y");
    std::string lists;
    for (int i = 0; i < 5000; ++i) lists += "- ";
    checked(lists + "item");
  }

  TEST_CASE("1 MB single lines") {
    std::string words;
    while (words.size() < (1u << 20)) words += "word *em* ";
    CHECK(checked(words).size() > words.size());
    checked(std::string(1u << 20, '['));
    std::string links;
    while (links.size() < (1u << 20)) links += "[a](b ";
    checked(links);
    std::string tags;
    while (tags.size() < (1u << 20)) tags += "<a b=\"<!-- ";
    checked(tags);
    std::string nested;
    for (int i = 0; i < 50000; ++i) nested += '[';
    for (int i = 0; i < 50000; ++i) nested += "](/u)";
    CHECK(count(checked(nested), "<a ") == 1);
  }
}

TEST_SUITE("URL policy") {
  using colloquy::is_safe_url;
  using colloquy::url_policy;
  TEST_CASE("Only http, https and mailto, read the way a browser reads the scheme") {
    CHECK(is_safe_url("https://example.com", url_policy::web));
    CHECK(is_safe_url("HTTP://example.com", url_policy::web));
    CHECK_FALSE(is_safe_url("mailto:a@b.c", url_policy::web));
    CHECK(is_safe_url("mailto:a@b.c", url_policy::link));
    CHECK(is_safe_url("/relative?x=1:2", url_policy::link));
    CHECK_FALSE(is_safe_url("/relative", url_policy::web));
    for (const char* bad :
         {"javascript:alert(1)", " javascript:alert(1)", "\x01javascript:alert(1)", "java\tscript:x", "java\nscript:x",
          "JAVASCRIPT:x", "javascript%3Ax", "%6Aavascript:x", "data:text/html,x", "vbscript:x", "\xC2\xA0javascript:x",
          "ja\x01vascript:x", ":x", "httpx:x", "https%00:x", "http%3As:/x"}) {
      CAPTURE(bad);
      CHECK_FALSE(is_safe_url(bad, url_policy::link));
    }
  }

  TEST_CASE("URLs are percent-encoded and escaped for attributes") {
    std::string out;
    colloquy::append_escaped_url(out, "https://x.org/a b\"<>'&\xC3\xA4%20");
    CHECK(out == "https://x.org/a%20b%22%3C%3E&#39;&amp;%C3%A4%20");
    out.clear();
    colloquy::append_escaped_url(out, std::string_view("\0 mailto:a@b.c\x01\x14 ", 17));
    CHECK(out == "mailto:a@b.c");
    out.clear();
    colloquy::append_escaped_url(out, "ht\ttp://x.org/a\nb\x14");
    CHECK(out == "http://x.org/ab");
  }
}

TEST_SUITE("Comment markup: the plain-text fast path") {
  // append_markup_html answers plain paragraphs without the parser when no markup can start;
  // that answer must be exactly the parser's.
  void check_same(std::string_view text, std::size_t & fast) {
    std::string quick;
    if (!colloquy::detail::md::append_plain_paragraphs(quick, text)) {
      CHECK(quick.empty());
      return;
    }
    ++fast;
    std::string parsed;
    colloquy::detail::md::append_parsed_html(parsed, text);
    CHECK_MESSAGE(quick == parsed, "text: " << text);
  }

  TEST_CASE("Regressions found by the markup fuzzer") {
    std::size_t fast = 0;
    check_same("wwW.fofo>>;\n", fast);  // "www." in any letter case begins a bare link
    CHECK(fast == 0);
  }

  TEST_CASE("Gives the parser's output on generated texts") {
    const char* pieces[] = {"word",    " ",   "  ",   "   ",  "    ", "\n", "\n\n", "\n \n", "-",  "+",
                            "1",       "9.",  ")",    "\"",   "'",    "é",  "Ж",    "😀",     ".",  ",",
                            "?",       "(x)", "http", "ww",   "/",    "%",  "$",    "{",     "}",  "@",
                            "<",       ">",   "<b>",  "</b>", "<b",   "&",  "& ",   "&amp;", "&#", "a@b",
                            "<a@b.c>", " <",  "< ",   "wwW.", "WWW.", "w",  "W"};
    std::uint64_t state = 42;
    std::size_t fast = 0;
    for (int i = 0; i < 20000; ++i) {
      std::string text;
      int n = int((state >> 33) % 12) + 1;
      for (int k = 0; k < n; ++k) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        text += pieces[(state >> 33) % (sizeof pieces / sizeof *pieces)];
      }
      check_same(text, fast);
    }
    MESSAGE("fast path taken for " << fast << " of 20000 generated texts");
    CHECK(fast > 2000);
  }

  TEST_CASE("Gives the parser's output on the shared real comments") {
    std::size_t fast = 0, total = 0;
    for (const char* file : {"comments/reddit_announcements_n49rw.json", "comments/reddit_funny_3hahrw.json",
                             "comments/remark42_tree_bench.json", "comments/wordpress_theme_unit_test.json"}) {
      auto text = colloquy::test::shared_data(file);
      if (!text) return;
      auto doc = nlohmann::json::parse(*text);
      for (const auto& c : doc) {
        if (!c.contains("text") || !c["text"].is_string()) continue;
        ++total;
        check_same(c["text"].get<std::string>(), fast);
      }
    }
    MESSAGE("fast path taken for " << fast << " of " << total << " real comments");
    CHECK(fast > 0);
  }
}
