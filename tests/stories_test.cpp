// Latest Stories in the core: feed dates, HTML to text, the cut, card selection, errors, and
// every JSON feed of the shared test material (the XML feeds go through the loader in
// tests/browser/stories.test.mjs).
#include <doctest/doctest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "test_support.hpp"

using namespace colloquy;

namespace {

std::string html_of(const std::string& answer) { return answer.substr(answer.find('\0') + 1); }
nlohmann::json meta_of(const std::string& answer) {
  return nlohmann::json::parse(answer.substr(0, answer.find('\0')), nullptr, false);
}

std::string render(const std::string& feed, stories_options o = {}) {
  feed_result f = read_feed(feed);
  REQUIRE_MESSAGE(f.ok, f.error.code << ": " << f.error.message);
  std::string html;
  render_stories_html(html, f.items, o);
  return html;
}

struct card {
  std::string datetime, date_text, href, title, text;
};

std::string between(const std::string& s, std::size_t from, std::string_view open, std::string_view close,
                    std::size_t limit) {
  auto a = s.find(open, from);
  if (a == std::string::npos || a >= limit) return {};
  a += open.size();
  return s.substr(a, s.find(close, a) - a);
}

// The cards of a rendered strip, read back from the HTML.
std::vector<card> cards_of(const std::string& html) {
  std::vector<card> out;
  const std::string open = "<article class=\"story-card\">";
  for (auto at = html.find(open); at != std::string::npos;) {
    auto next = html.find(open, at + open.size());
    auto end = next == std::string::npos ? html.size() : next;
    card c;
    c.datetime = between(html, at, "<time datetime=\"", "\"", end);
    if (!c.datetime.empty()) c.date_text = between(html, html.find("<time datetime=", at), "\">", "</time>", end);
    c.href = between(html, at, "<a class=\"more\" href=\"", "\"", end);
    c.title = between(html, at, "<h3 dir=\"auto\"><a href=\"" + c.href + "\">", "</a></h3>", end);
    c.text = between(html, at, "<p dir=\"auto\">", " <a class=\"more\"", end);
    out.push_back(c);
    at = next;
  }
  return out;
}

// A light allowlist check of the strip's markup: only the elements and attributes the card
// template writes, every attribute double-quoted, links and images http(s) only, and no '<'
// that does not open one of those tags. Returns the first violation, or "".
std::string markup_violation(const std::string& html) {
  static const std::map<std::string, std::set<std::string>> allowed = {
      {"section", {"class", "part"}}, {"h2", {}},
      {"article", {"class"}},         {"img", {"src", "alt", "loading", "decoding", "width", "height"}},
      {"time", {"datetime"}},         {"h3", {"dir"}},
      {"a", {"href", "class"}},       {"p", {"dir"}}};
  for (std::size_t i = html.find('<'); i != std::string::npos; i = html.find('<', i + 1)) {
    std::size_t p = i + 1;
    if (p < html.size() && html[p] == '/') ++p;
    std::string name;
    while (p < html.size() && std::isalnum(static_cast<unsigned char>(html[p]))) name += html[p++];
    auto tag = allowed.find(name);
    if (tag == allowed.end()) return "element <" + name + "> at " + std::to_string(i);
    while (p < html.size() && html[p] != '>') {
      if (html[p] != ' ') return "unexpected character in <" + name + ">";
      ++p;
      std::string attr;
      while (p < html.size() && html[p] != '=') attr += html[p++];
      if (!tag->second.count(attr)) return "attribute " + attr + " on <" + name + ">";
      if (html.compare(p, 2, "=\"") != 0) return "unquoted attribute " + attr;
      auto close = html.find('"', p + 2);
      if (close == std::string::npos) return "unterminated attribute " + attr;
      std::string value = html.substr(p + 2, close - p - 2);
      if ((attr == "href" || attr == "src") && value.rfind("http://", 0) != 0 && value.rfind("https://", 0) != 0)
        return attr + "=\"" + value + "\" is not http(s)";
      if (value.find('<') != std::string::npos || value.find('>') != std::string::npos) return "raw <> in a value";
      p = close + 1;
    }
    if (p >= html.size()) return "unterminated tag <" + name + ">";
  }
  return "";
}

// The test's own reading of an ISO 8601 date (std::chrono, not the core's parser), as the
// core's output format: "2011-03-07T20:00:00Z".
std::string iso_utc_independently(const std::string& raw) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, n = 0;
  if (std::sscanf(raw.c_str(), "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi, &n) < 5) return "unparsed:" + raw;
  std::string rest = raw.substr(std::size_t(n));
  if (!rest.empty() && rest[0] == ':') {
    s = std::atoi(rest.c_str() + 1);
    rest = rest.substr(3);
  }
  int ms = 0;
  if (!rest.empty() && rest[0] == '.') {
    std::string frac;
    std::size_t k = 1;
    while (k < rest.size() && std::isdigit(static_cast<unsigned char>(rest[k]))) frac += rest[k++];
    ms = std::atoi((frac + "000").substr(0, 3).c_str());
    rest = rest.substr(k);
  }
  int offset = 0;
  if (!rest.empty() && (rest[0] == '+' || rest[0] == '-'))
    offset = (std::atoi(rest.substr(1, 2).c_str()) * 60 + std::atoi(rest.substr(4, 2).c_str())) *
             (rest[0] == '-' ? -1 : 1);
  using namespace std::chrono;
  sys_days day = year_month_day{year{y}, month{unsigned(mo)}, std::chrono::day{unsigned(d)}};
  auto t = day + hours{h} + minutes{mi - offset} + seconds{s};
  year_month_day ymd{floor<days>(t)};
  hh_mm_ss<seconds> hms{floor<seconds>(t - floor<days>(t))};
  char buf[40];
  if (ms)
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()),
                  ms);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02dZ", int(ymd.year()), unsigned(ymd.month()),
                  unsigned(ymd.day()), int(hms.hours().count()), int(hms.minutes().count()), int(hms.seconds().count()));
  return buf;
}

std::string english_date(const std::string& iso) {  // "2011-03-07T…" -> "March 7, 2011"
  static const char* months[] = {"January", "February", "March",     "April",   "May",      "June",
                                 "July",    "August",   "September", "October", "November", "December"};
  return std::string(months[std::stoi(iso.substr(5, 2)) - 1]) + " " + std::to_string(std::stoi(iso.substr(8, 2))) +
         ", " + iso.substr(0, 4);
}

int64_t utc(const char* iso) { return *parse_iso8601(iso); }

}  // namespace

TEST_SUITE("Latest Stories: feed dates") {
  TEST_CASE("RFC 822 dates as RSS writes them") {
    CHECK(parse_rfc822("Mon, 07 Mar 2011 15:00:00 -0500") == utc("2011-03-07T20:00:00Z"));
    CHECK(parse_rfc822("Sat, 07 May 2016 23:53:30 GMT") == utc("2016-05-07T23:53:30Z"));
    CHECK(parse_rfc822("Thu, 25 Aug 2016 22:20:00 +0000") == utc("2016-08-25T22:20:00Z"));
    CHECK(parse_rfc822("Tue, 28 Nov 2017 15:40:00 -0800") == utc("2017-11-28T23:40:00Z"));
    CHECK(parse_rfc822("7 Mar 2011 15:00 EST") == utc("2011-03-07T20:00:00Z"));
    CHECK(parse_rfc822("Sun, 25 Jun 2017 12:27:31 PDT") == utc("2017-06-25T19:27:31Z"));
    CHECK(parse_rfc822("Fri, 30 May 03 11:06:42 UT") == utc("2003-05-30T11:06:42Z"));
    CHECK(parse_rfc822("Fri, 30 May 99 11:06:42 Z") == utc("1999-05-30T11:06:42Z"));
    CHECK(parse_rfc822("wed, 02 oct 2002 08:00:00 +05:30") == utc("2002-10-02T02:30:00Z"));
    CHECK(parse_rfc822("Wed, 02 October 2002 08:00:00 +0000 (UTC)") == utc("2002-10-02T08:00:00Z"));
    CHECK(parse_rfc822("  29 Feb 2004  ") == utc("2004-02-29T00:00:00Z"));
    // RFC 2822 §4.3: an unknown zone name counts as UTC rather than making the date unusable.
    CHECK(parse_rfc822("Mon, 07 Mar 2011 15:00:00 CET") == utc("2011-03-07T15:00:00Z"));
  }

  TEST_CASE("Dates that are not RFC 822 are refused, never guessed") {
    for (const char* bad :
         {"", "Mon", "Mon, 07 Foo 2011 15:00:00 GMT", "Mon, 31 Feb 2011 15:00:00 GMT", "Mon, 07 Mar 2011 25:00:00 GMT",
          "Mon, 07 Mar 2011 15:00:00 +9900", "Mon, 07 Mar 2011 15:00:00 GMT junk",
          "\xC4\xE5\xF5, 29 \xCC\xE1\xC0 2004 12:53:00 GMT", "07 Mar 20111 15:00:00", "123 Mar 2011"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_rfc822(bad).has_value());
    }
  }

  TEST_CASE("A feed date is ISO 8601 or RFC 822") {
    CHECK(parse_feed_date("2011-03-07T15:00:00-05:00") == utc("2011-03-07T20:00:00Z"));
    CHECK(parse_feed_date(" Mon, 07 Mar 2011 15:00:00 -0500\n") == utc("2011-03-07T20:00:00Z"));
    CHECK_FALSE(parse_feed_date("yesterday").has_value());
  }
}

TEST_SUITE("Latest Stories: text") {
  TEST_CASE("HTML becomes one line of plain text") {
    using detail::html_to_text;
    CHECK(html_to_text("<p>Readers sent in more than <strong>two hundred</strong> questions.</p>\n\n<p>Next.</p>") ==
          "Readers sent in more than two hundred questions. Next.");
    CHECK(html_to_text("a<em>b</em>c<br>d<br/>e") == "abc d e");
    CHECK(html_to_text("  lots \n\t of   space  ") == "lots of space");
    CHECK(html_to_text("a < b and c <= d, 1<2") == "a < b and c <= d, 1<2");
    CHECK(html_to_text("<a href=\"x\" title='1 > 0'>link</a> after") == "link after");
    CHECK(html_to_text("<!-- <p>hidden</p> -->shown<!---->too<!-->yes") == "showntooyes");
    CHECK(html_to_text("<!DOCTYPE html><?php echo 1 ?><![CDATA[x]]>text") == "text");
  }

  TEST_CASE("Character references are decoded once, the way browsers decode them") {
    using detail::html_to_text;
    CHECK(html_to_text("It&#8217;s &amp; it&rsquo;s&hellip; &#x201C;q&#x201d; &lt;b&gt;") ==
          "It\xE2\x80\x99s & it\xE2\x80\x99s\xE2\x80\xA6 \xE2\x80\x9Cq\xE2\x80\x9D <b>");
    CHECK(html_to_text("&amp;lt;script&amp;gt;") == "&lt;script&gt;");  // double-encoded stays encoded once
    CHECK(html_to_text("Word&#146;s") == "Word\xE2\x80\x99s");          // Windows-1252 range
    CHECK(html_to_text("&#0;&#xD800;&#x110000;") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK(html_to_text("&#65&#x42 &bogus; & &amp") == "AB &bogus; & &amp");
    CHECK(html_to_text("caf&eacute;&nbsp;au&nbsp;lait") == "caf\xC3\xA9 au lait");
  }

  TEST_CASE("Script, style and other non-prose elements are dropped with their content") {
    using detail::html_to_text;
    CHECK(html_to_text("<p>Hello, world!</p>\n\n<script>alert();</script>") == "Hello, world!");
    CHECK(html_to_text("a<SCRIPT type=x>if (a </b) x = '</scr' + 'ipt>';</SCRIPT >b") == "a b");
    CHECK(html_to_text("a<style>p { color: red }</style>b<title>t</title>c") == "a b c");
    CHECK(html_to_text("a<script>never closed") == "a");
    CHECK(html_to_text("<div x=\"v\"onmouseover=\"evil()\"foo=\"bar\">kept</div>") == "kept");
    CHECK(html_to_text("<script>/* <script> </script-not */ x</script\n\n>after") == "after");
  }

  TEST_CASE("Plain text fields decode references but keep what looks like tags") {
    CHECK(detail::plain_to_text("Die R\xC3\xBC"
                                "ckkehr von <i> und <b>") ==
          "Die R\xC3\xBC"
          "ckkehr von <i> und <b>");
    CHECK(detail::plain_to_text("Workflow: Add Task &amp; Sub Tasks") == "Workflow: Add Task & Sub Tasks");
    CHECK(detail::plain_to_text("&quot;Wireless&quot;\n charging") == "\"Wireless\" charging");
  }

  TEST_CASE("Converted text is bounded, and cut on a character boundary") {
    std::string big(100000, 'x');
    CHECK(detail::html_to_text("<p>" + big + "</p>").size() <= limits::max_story_text_bytes);
    std::string euros;
    for (int i = 0; i < 5000; ++i) euros += "\xE2\x82\xAC";
    std::string text = detail::plain_to_text(euros);
    CHECK(text.size() <= limits::max_story_text_bytes);
    CHECK(text.size() % 3 == 0);
  }

  TEST_CASE("Summaries are cut at a word boundary, with no punctuation left before the ellipsis") {
    bool cut = false;
    std::string seed =
        "Writing for the U.S. Department of State DipNote blog, Managing Editor Luke Forgerson "
        "recaps the week that was, including testimony before Congress on the budget.";
    std::string_view kept = detail::cut_at_word(seed, 130, cut);
    CHECK(kept.size() == 131);
    CHECK(kept.substr(kept.size() - 24) == "was, including testimony");
    CHECK(cut);
    CHECK(detail::cut_at_word("one two, three", 5, cut) == "one two");
    CHECK(detail::cut_at_word("one two\xE2\x80\x94three four", 5, cut) == "one two\xE2\x80\x94three");
    CHECK(detail::cut_at_word("end. Next sentence", 3, cut) == "end");
    CHECK(detail::cut_at_word("short text", 130, cut) == "short text");
    CHECK_FALSE(cut);
    // A word far longer than the slack: the cut falls back to the last space before the length.
    std::string long_word = "first " + std::string(200, 'w');
    CHECK(detail::cut_at_word(long_word, 20, cut) == "first");
    CHECK(cut);
    // Text without spaces (e.g. Japanese): a hard cut at exactly `length` characters.
    std::string kana;
    for (int i = 0; i < 100; ++i) kana += "\xE3\x81\x82";
    CHECK(detail::cut_at_word(kana, 10, cut) == kana.substr(0, 30));
    CHECK(cut);
  }

  TEST_CASE("A hard cut never splits a character made of several code points") {
    bool cut = false;
    const std::string han = "\xE6\xBC\xA2";  // 漢
    // A family emoji (man ZWJ woman ZWJ girl ZWJ boy) across the cut: kept whole.
    const std::string family =
        "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\xE2\x80\x8D\xF0\x9F\x91\xA6";
    std::string text;
    for (int i = 0; i < 8; ++i) text += han;
    const std::string head = text;
    text += family;
    for (int i = 0; i < 40; ++i) text += han;
    for (std::size_t length = 9; length <= 14; ++length) {  // the cut falls on each of its code points
      CAPTURE(length);
      CHECK(detail::cut_at_word(text, length, cut) == head + family);
      CHECK(cut);
    }
    // "e" and a combining acute accent (U+0301), decomposed, no spaces: the accent stays.
    std::string accents = "x";
    for (int i = 0; i < 100; ++i) accents += "e\xCC\x81";
    CHECK(detail::cut_at_word(accents, 10, cut) == accents.substr(0, 1 + 5 * 3));
    CHECK(detail::cut_at_word(accents, 11, cut) == accents.substr(0, 1 + 5 * 3));
    // Flags are pairs of regional indicators: a cut after the first of a pair takes the second.
    const std::string japan = "\xF0\x9F\x87\xAF\xF0\x9F\x87\xB5";
    std::string flags = "x";
    for (int i = 0; i < 80; ++i) flags += japan;
    CHECK(detail::cut_at_word(flags, 10, cut) == flags.substr(0, 1 + 5 * 8));
    CHECK(detail::cut_at_word(flags, 11, cut) == flags.substr(0, 1 + 5 * 8));
    // A variation selector (U+FE0F) and a skin-tone modifier stay with their emoji.
    const std::string heart = "\xE2\x9D\xA4\xEF\xB8\x8F", wave = "\xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD";
    std::string emoji;
    for (int i = 0; i < 60; ++i) emoji += heart + wave;
    CHECK(detail::cut_at_word(emoji, 5, cut) == emoji.substr(0, 2 * heart.size() + wave.size()));
    CHECK(detail::cut_at_word(emoji, 7, cut) == emoji.substr(0, 2 * (heart.size() + wave.size())));
    // Hebrew letters with points (niqqud): a point is not cut from its letter.
    std::string pointed;
    for (int i = 0; i < 60; ++i) pointed += "\xD7\xA9\xD6\xB8";  // shin, qamats
    CHECK(detail::cut_at_word(pointed, 7, cut) == pointed.substr(0, 4 * 4));
  }
}

TEST_SUITE("Latest Stories: cards") {
  const char* feed = R"~({"version":"https://jsonfeed.org/version/1.1","items":[
    {"id":"old","url":"https://blog.example/old","title":"Old","summary":"Old one.","date_published":"2010-01-01T00:00:00Z"},
    {"id":"new","url":"https://blog.example/new","title":"New","content_text":"New one.","date_published":"Mon, 07 Mar 2011 15:00:00 -0500"},
    {"id":"undated","url":"https://blog.example/undated","title":"Undated","content_html":"<p>No date</p>"},
    {"id":"mid","url":"https://blog.example/mid","title":"Mid","summary":"Mid one.","date_published":"2010-06-01T00:00:00Z"},
    {"id":"new","url":"https://blog.example/new-copy","title":"Same id","date_published":"2009-01-01T00:00:00Z"},
    {"id":"other","url":"HTTP://Blog.Example:80/mid/","title":"Same url","date_published":"2009-01-01T00:00:00Z"}
  ]})~";

  TEST_CASE("Newest first, undated last, duplicates by id or URL dropped") {
    stories_options o;
    o.count = 50;
    auto cards = cards_of(render(feed, o));
    REQUIRE(cards.size() == 4);
    CHECK(cards[0].title == "New");
    CHECK(cards[0].datetime == "2011-03-07T20:00:00Z");
    CHECK(cards[0].date_text == "March 7, 2011");
    CHECK(cards[1].title == "Mid");
    CHECK(cards[2].title == "Old");
    CHECK(cards[3].title == "Undated");
    CHECK(cards[3].datetime.empty());
    CHECK(cards[3].text == "No date");
  }

  TEST_CASE("The count limits the cards; the current page is never a card of itself") {
    stories_options o;
    CHECK(cards_of(render(feed, o)).size() == 3);
    o.count = 1;
    CHECK(cards_of(render(feed, o)).size() == 1);
    o.count = 50;
    for (std::string page : {"https://blog.example/new", "http://blog.example/new/", "https://BLOG.example:443/new"}) {
      CAPTURE(page);
      o.exclude_url = page;
      auto cards = cards_of(render(feed, o));
      CHECK(cards.size() == 3);
      CHECK(cards[0].title == "Mid");
    }
    o.exclude_url = "https://blog.example/new#comments";  // a different fragment is a different page
    CHECK(cards_of(render(feed, o)).size() == 4);
  }

  TEST_CASE("A card links its title and its \"more\" to the story; the summary falls back in order") {
    stories_options o;
    o.count = 50;
    std::string html = render(feed, o);
    CHECK(html.find("<h3 dir=\"auto\"><a href=\"https://blog.example/new\">New</a></h3><p dir=\"auto\">New one. <a "
                    "class=\"more\" href=\"https://blog.example/new\">more</a></p>") != std::string::npos);
    CHECK(html.rfind("<section class=\"stories\" part=\"stories\"><h2>Latest Stories</h2>", 0) == 0);
    CHECK(markup_violation(html) == "");
  }

  TEST_CASE("Items without a usable link are skipped with a reason; the others are kept") {
    feed_result f = read_feed(R"~({"items":[
      {"id":"a","title":"no link"},
      {"id":"b","url":"javascript:alert(1)","title":"script link"},
      {"id":"c","url":" JaVa\tScript:alert(1)"},
      {"id":"https://blog.example/by-id","title":"id is the link"},
      {"id":"e","external_url":"https://elsewhere.example/x","title":"external"},
      {"id":"f","url":"data:text/html,<script>alert(1)</script>"},
      "not an object",
      {"id":7,"url":"https://blog.example/seven","date_published":"last Tuesday","image":"javascript:x"}
    ]})~");
    REQUIRE(f.ok);
    REQUIRE(f.items.size() == 3);
    CHECK(f.items[0].url == "https://blog.example/by-id");
    CHECK(f.items[1].url == "https://elsewhere.example/x");
    CHECK(f.items[2].id == "7");
    CHECK_FALSE(f.items[2].published.has_value());
    CHECK(f.items[2].image.empty());
    std::vector<std::string> codes;
    for (const auto& p : f.problems) codes.push_back(p.code + "@" + std::to_string(p.index));
    CHECK(codes == std::vector<std::string>{"missing_url@0", "bad_url@1", "bad_url@2", "bad_url@5", "item_not_object@6",
                                            "bad_image@7", "bad_date@7"});
  }

  TEST_CASE("A huge number or a lone surrogate escape in a feed spoils no card (JSON.parse reads both)") {
    feed_result f = read_feed(R"~({"version":1e999,"items":[
      {"id":"a","url":"https://blog.example/a","title":"Caf\ud800","_ext":{"rank":-1e400}},
      {"id":"b","url":"https://blog.example/b","title":"ok","date_published":1e999}
    ]})~");
    REQUIRE(f.ok);
    REQUIRE(f.items.size() == 2);
    CHECK(f.items[0].title == "Caf\xEF\xBF\xBD");
    CHECK_FALSE(f.items[1].published.has_value());
  }

  TEST_CASE("Root-relative links are resolved against the page's site") {
    feed_result f = read_feed(R"~({"items":[{"url":"/2011/03/07/post","image":"//cdn.example/i.png"},
                                            {"url":"relative/path"}]})~",
                              "https://blog.example/2010/09/24/page?x=1");
    REQUIRE(f.items.size() == 1);
    CHECK(f.items[0].url == "https://blog.example/2011/03/07/post");
    CHECK(f.items[0].image == "https://cdn.example/i.png");
    CHECK(f.problems.size() == 1);
    CHECK(read_feed(R"~({"items":[{"url":"/x"}]})~").items.empty());  // no page: nothing to resolve against
  }

  TEST_CASE("An image is http(s) only, lazy, with dimensions, and never a style attribute") {
    stories_options o;
    std::string html = render(
        R"~({"items":[{"url":"https://b.example/1","title":"T","image":"https://b.example/i.jpg?a=1&b=2"}]})~", o);
    CHECK(html.find("<img src=\"https://b.example/i.jpg?a=1&amp;b=2\" alt=\"\" loading=\"lazy\" decoding=\"async\" "
                    "width=\"640\" height=\"360\">") != std::string::npos);
    CHECK(html.find("style") == std::string::npos);
    CHECK(markup_violation(html) == "");
  }

  TEST_CASE("Feed text is escaped exactly once on output") {
    std::string html = render(R"~({"items":[{"url":"https://b.example/?a=1&b=\"2\"","title":"<script>alert(1)</script> & co",
      "content_html":"&lt;img src=x onerror=alert(1)&gt; <img src=x onerror=alert(2)>fine"}]})~");
    CHECK(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; co") != std::string::npos);
    CHECK(html.find("&lt;img src=x onerror=alert(1)&gt; fine") != std::string::npos);
    CHECK(html.find("href=\"https://b.example/?a=1&amp;b=&quot;2&quot;\"") != std::string::npos);
    CHECK(markup_violation(html) == "");
  }

  TEST_CASE("No usable items: no strip at all") {
    std::string html;
    CHECK(render_stories_html(html, read_feed(R"~({"items":[]})~").items, {}) == 0);
    CHECK(html.empty());
  }
}

TEST_SUITE("Latest Stories: unusable feeds") {
  TEST_CASE("Each kind of unusable feed has its own stable code") {
    auto code = [](std::string_view feed) { return read_feed(feed).error.code; };
    CHECK(code("{\"items\": [") == "not_json");
    CHECK(code("") == "not_feed");
    CHECK(code(" \n") == "not_feed");
    CHECK(code("[]") == "not_feed");
    CHECK(code(R"~({"rss":{"channel":{"item":[]}}})~") == "not_feed");
    CHECK(code(R"~({"items":{}})~") == "not_feed");
    CHECK(code("\xEF\xBB\xBF  <?xml version=\"1.0\"?><rss/>") == "feed_is_xml");
    CHECK(code(std::string(100, '[') + std::string(100, ']')) == "json_too_deep");
    CHECK(code("{\"items\":[" + std::string(limits::max_feed_bytes, ' ') + "]}") == "document_too_large");
    CHECK(code(std::string(limits::max_feed_bytes + 1, ' ')) == "not_feed");
    CHECK(read_feed("\xEF\xBB\xBF{\"items\":[]}").ok);  // a BOM is fine
  }

  TEST_CASE("A feed too deep says where, as one that is not JSON does") {
    const feed_result deep = read_feed("{\"items\":\n  " + std::string(200, '[') + std::string(200, ']') + "}");
    CHECK(deep.error.code == "json_too_deep");
    CHECK(deep.error.line == 2);
    CHECK(deep.error.column > 2);
    CHECK(deep.error.message.find("at line 2, column ") != std::string::npos);
    const feed_result broken = read_feed("{\"items\":\n  [1,}");
    CHECK(broken.error.code == "not_json");
    CHECK(broken.error.line == 2);
    CHECK(broken.error.column == 6);
  }

  TEST_CASE("An HTML page given for its feed is named as a page, with where its feed is linked") {
    auto code = [](std::string_view feed) { return read_feed(feed).error.code; };
    for (const char* page : {"<!DOCTYPE html>\n<html lang=\"en\"><head><title>Blog</title>", "<!doctype html>",
                             "\xEF\xBB\xBF \r\n\t<!DocType  HTML>", "<html>", "<HTML lang=\"en\">", "\n<html\n>",
                             "<!DOCTYPE html PUBLIC \"-//W3C//DTD HTML 4.01//EN\">"}) {
      CAPTURE(page);
      const problem p = read_feed(page).error;
      CHECK(p.code == "feed_is_html");
      CHECK(p.message.find("HTML page, not a feed") != std::string::npos);
      CHECK(p.message.find("<link rel=\"alternate\">") != std::string::npos);
    }
    // An XHTML page: its XML declaration, processing instructions and comments come first.
    for (const char* page :
         {"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 "
          "Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\">\n<html "
          "xmlns=\"http://www.w3.org/1999/xhtml\">",
          "\xEF\xBB\xBF<?xml version=\"1.0\"?><!-- a <rss> in a comment --><?xml-stylesheet href=\"a.css\"?>"
          "\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"}) {
      CAPTURE(page);
      CHECK(code(page) == "feed_is_html");
    }
    // What it is is named before its size: an HTML page or an XML feed over the limit.
    CHECK(code("<!doctype html>" + std::string(limits::max_feed_bytes, ' ')) == "feed_is_html");
    CHECK(code("<rss>" + std::string(limits::max_feed_bytes, ' ') + "</rss>") == "feed_is_xml");
    // XML stays XML, names that only begin as "html" included, and so does a prolog that never ends.
    CHECK(code("<?xml version=\"1.0\"?><!-- html --><rss/>") == "feed_is_xml");
    // An RSS feed under an XHTML document type (feedparser's "always strip doctype") is a feed.
    CHECK(code("<?xml version=\"1.0\"?><!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\" \"x\">\n"
               "<!-- c --><rss><channel><title>found</title></channel></rss>") == "feed_is_xml");
    CHECK(code("<!DOCTYPE rss [<!ENTITY html \"<html>\">]><rss/>") == "feed_is_xml");
    CHECK(code("<!-- generated --><!DOCTYPE html><title>Blog</title>") == "feed_is_html");
    // Linear: a document of many document types is looked through once.
    std::string types;
    while (types.size() < limits::max_feed_bytes) types += "<!doctype a>";
    CHECK(code(types) == "feed_is_xml");
    CHECK(code("<?xml version=\"1.0\"") == "feed_is_xml");
    CHECK(code("<!-- <html>") == "feed_is_xml");
    CHECK(code("<?xml version=\"1.0\"?><rss/>") == "feed_is_xml");
    CHECK(code("<htmlfeed/>") == "feed_is_xml");
    CHECK(code("<!DOCTYPE rss>") == "feed_is_xml");
    // The widget's call answers it the same way.
    CHECK(meta_of(render_stories("<!doctype html><p>Oops</p>", "{}"))["error"]["code"] == "feed_is_html");
  }

  TEST_CASE("A feed that is not JSON says where: line and column, as a comments document does") {
    auto f = read_feed("{\"items\": [\n  {\"url\": \"https://e.x/\",}\n]}");
    REQUIRE_FALSE(f.ok);
    CHECK(f.error.code == "not_json");
    CHECK(f.error.line == 2);
    CHECK(f.error.column == 26);
    CHECK(f.error.message == "feed is not valid JSON: unexpected character '}' at line 2, column 26");
    auto end = read_feed("{\"items\": [");
    CHECK(end.error.line == 1);
    CHECK(end.error.column == 12);
    CHECK(end.error.message.find("unexpected end of input") != std::string::npos);
  }

  TEST_CASE("The API answers an unusable feed with ok:false and the code, and no HTML") {
    std::string answer = render_stories("{oops", "{}");
    auto meta = meta_of(answer);
    CHECK(meta["ok"] == false);
    CHECK(meta["error"]["code"] == "not_json");
    CHECK(html_of(answer).empty());
  }

  TEST_CASE("The API reports skipped items and honours count, length and page options") {
    std::string answer = render_stories(R"~({"items":[{"url":"https://b.example/1","summary":"one two three four five six"},
      {"url":"https://b.example/2","summary":"x"},{"title":"no url"}]})~",
                                        R"~({"storiesCount":1,"summaryLength":10,"pageUrl":"https://b.example/2"})~");
    auto meta = meta_of(answer);
    CHECK(meta["ok"] == true);
    CHECK(meta["count"] == 1);
    CHECK(meta["items"] == 2);
    REQUIRE(meta["problems"].size() == 1);
    CHECK(meta["problems"][0]["code"] == "missing_url");
    CHECK(html_of(answer).find(
              "<p dir=\"auto\">one two three\xE2\x80\xA6 <a class=\"more\" href=\"https://b.example/1\">more</a>") !=
          std::string::npos);
  }
}

TEST_SUITE("Latest Stories: the shared feeds") {
  TEST_CASE("Every feed of the shared material: cards, dates and links, or a stable error code") {
    auto manifest_text = test::shared_data("feeds/MANIFEST.json");
    if (!manifest_text) return;
    auto manifest = nlohmann::json::parse(*manifest_text);
    REQUIRE(manifest.size() >= 50);
    int json_feeds = 0, xml_feeds = 0, cards_total = 0;
    for (const auto& entry : manifest) {
      std::string file = entry["file"];
      std::string category = entry["category"];
      CAPTURE(file);
      auto bytes = test::shared_data(file);
      REQUIRE(bytes.has_value());
      feed_result f = read_feed(*bytes);
      // Chosen by content, not by name: ".rss" files that are Atom, ".atom" files that are RSS.
      std::string_view body = *bytes;
      if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
      body = trimmed(body);
      if (!body.empty() && body[0] == '<') {
        // XML: the core never pretends to read it (the loader converts it; see stories.test.mjs).
        ++xml_feeds;
        CHECK(f.error.code == "feed_is_xml");
        continue;
      }
      if (category == "malformed") {
        CHECK_FALSE(f.ok);
        CHECK((f.error.code == "not_json" || f.error.code == "not_feed"));
        // Empty input is "not a feed"; text that does not parse is "not JSON".
        CHECK(f.error.code == (body.empty() ? "not_feed" : "not_json"));
        continue;
      }
      ++json_feeds;
      auto doc = nlohmann::json::parse(*bytes);  // the test's own look at the data
      if (!doc.contains("items") || !doc["items"].is_array()) {
        CHECK(f.error.code == "not_feed");  // e.g. RSS-in-JSON: not a JSON Feed
        continue;
      }
      REQUIRE(f.ok);
      CHECK(doc["items"].size() == entry["items"].get<std::size_t>());
      // Expected cards, counted independently: items with an http(s) url (else external_url,
      // else an id that is a URL), distinct, each with its date as written.
      std::map<std::string, std::string> expected;  // link -> raw date
      for (const auto& it : doc["items"]) {
        std::string link;
        for (const char* key : {"id", "external_url", "url"})  // the last one present wins
          if (it.contains(key) && it[key].is_string() && !it[key].get<std::string>().empty()) link = it[key];
        if (link.rfind("http://", 0) == 0 || link.rfind("https://", 0) == 0)
          expected.emplace(link, it.contains("date_published") ? it["date_published"].get<std::string>() : "");
      }
      stories_options all;
      all.count = 1000;
      std::string html;
      render_stories_html(html, f.items, all);
      auto cards = cards_of(html);
      CHECK(cards.size() == expected.size());
      cards_total += int(cards.size());
      std::string previous = "9999";
      for (const auto& c : cards) {
        CAPTURE(c.href);
        REQUIRE(expected.count(c.href) == 1);
        const std::string& raw = expected[c.href];
        if (raw.empty()) {
          CHECK(c.datetime.empty());
        } else {
          CHECK(c.datetime == iso_utc_independently(raw));
          CHECK(c.date_text == english_date(c.datetime));
          CHECK(c.datetime <= previous);  // newest first
          previous = c.datetime;
        }
      }
      std::string three;
      CHECK(render_stories_html(three, f.items, {}) == std::min<std::size_t>(3, expected.size()));
      CHECK(markup_violation(html) == "");
      if (category == "hostile") {
        CHECK(html.find("<script") == std::string::npos);
        CHECK(html.find("alert") == std::string::npos);  // the script's text is dropped, not shown
      }
    }
    MESSAGE("shared feeds: " << json_feeds << " JSON read natively (" << cards_total << " cards), " << xml_feeds
                             << " XML left to the loader");
    CHECK(json_feeds + xml_feeds > 40);
  }
}
