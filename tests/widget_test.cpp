// What the loader asks the core besides rendering (widget.hpp, feed_tree.hpp, api.hpp): its
// defaults and messages, the auto theme's light or dark, RSS and Atom element trees mapped to
// JSON Feed items, and where a newly posted comment goes under every sort.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

#include "colloquy/boundary.hpp"
#include "colloquy/colloquy.hpp"
#include "test_support.hpp"

using namespace colloquy;

namespace {

// Parts joined by NUL bytes: the loader's token stream (feed_tree.hpp) from readable tokens, or
// the pages of a thread.
std::string joined(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) {
    if (!out.empty()) out += '\0';
    out += p;
  }
  return out;
}
std::string tree(std::initializer_list<std::string_view> tokens) { return joined(tokens); }

nlohmann::json json_of(const std::string& s) {
  return nlohmann::json::parse(s.substr(0, s.find('\0')), nullptr, false);
}

}  // namespace

TEST_SUITE("The loader's questions") {
  TEST_CASE("widget_setup gives the defaults and the messages in the widget's language") {
    nlohmann::json plain = json_of(widget_setup("", "{}"));
    CHECK(plain["defaults"]["sort"] == "oldest");
    CHECK(plain["defaults"]["locale"] == "en");
    CHECK(plain["defaults"]["storiesCount"] == 3);
    CHECK(plain["defaults"]["summaryLength"] == 130);
    CHECK(plain["defaults"]["relativeDays"] == 7);
    CHECK(plain["defaults"]["target"] == "#colloquy");
    CHECK(plain["defaults"]["load"] == "lazy");
    CHECK(plain["defaults"]["mountLoad"] == "eager");
    CHECK(plain["defaults"]["maxBytes"] == 16 << 20);
    CHECK(plain["defaults"]["editWindow"] == colloquy::limits::edit_window_seconds * 1000);
    CHECK(plain["messages"]["comments_unavailable"] == std::string(locale_en.comments_unavailable));
    CHECK(plain["messages"]["retry"] == "Retry");
    nlohmann::json fr = json_of(widget_setup("", R"({"locale":"fr-CA","storiesCount":7})"));
    CHECK(fr["defaults"] == plain["defaults"]);  // the defaults, whatever the options
    CHECK(fr["messages"]["retry"] == "Réessayer");
    CHECK(fr["messages"]["loading"] == std::string(locale_fr.loading));
    // The widget's root says the language of its words.
    CHECK(plain["lang"] == "en");
    CHECK(fr["lang"] == "fr");
    CHECK(json_of(widget_setup("", R"({"locale":"ru-RU"})"))["lang"] == "ru");
    CHECK(json_of(widget_setup("", R"({"locale":"pt"})"))["lang"] == "en");  // not built in: English words
  }

  TEST_CASE("A theme given as light or dark is the scheme; another is ignored, and auto decides") {
    const std::string dark_page = "normal\n\n17 17 17 255";
    CHECK(page_scheme(dark_page, R"({"theme":"light"})") == "light");
    CHECK(page_scheme("normal\n\n255 255 255 255", R"({"theme":"dark"})") == "dark");
    CHECK(page_scheme(dark_page, R"({"theme":"auto"})") == "dark");
    CHECK(page_scheme(dark_page, R"({"theme":"purple"})") == "dark");
    const widget_options purple = parse_widget_options(R"({"theme":"purple"})");
    CHECK(purple.theme == "auto");
    CHECK(purple.ignored == std::vector<std::string>{"theme"});
    CHECK(parse_widget_options(R"({"theme":"dark"})").ignored.empty());
  }

  TEST_CASE("data-votes and data-avatars read as the attributes say them: on or off") {
    const widget_options off = parse_widget_options(R"({"votes":"off","avatars":"off"})");
    CHECK_FALSE(off.votes);
    CHECK_FALSE(off.avatars);
    CHECK(off.ignored.empty());
    const widget_options on = parse_widget_options(R"({"votes":"on","avatars":true})");
    CHECK(on.votes);
    CHECK(on.avatars);
    const widget_options bad = parse_widget_options(R"({"votes":"maybe"})");
    CHECK(bad.votes);
    CHECK(bad.ignored == std::vector<std::string>{"votes"});
  }

  TEST_CASE("A time zone that is none is named as ignored, and UTC is used; named zones and offsets are kept") {
    for (const char* zone : {"+99:00", "-15:00", "12:00", "+5:3", ""}) {
      CAPTURE(zone);
      const widget_options o = parse_widget_options(std::string(R"({"timeZone":")") + zone + "\"}");
      CHECK(o.ignored == std::vector<std::string>{"timeZone"});
      CHECK_FALSE(o.zone.host);
      CHECK(o.zone.offset_minutes == 0);
    }
    for (const char* zone : {"UTC", "+05:30", "-03:00", "local", "Pacific/Kiritimati"})
      CHECK(parse_widget_options(std::string(R"({"timeZone":")") + zone + "\"}").ignored.empty());
  }

  TEST_CASE("The auto theme: the first opaque background decides, then color-scheme, then the reader") {
    CHECK(page_scheme("normal\n\n0 0 0 0\n17 17 17 255", "{}") == "dark");
    CHECK(page_scheme("normal\n\n255 255 255 255\n0 0 0 255", "{}") == "light");
    CHECK(page_scheme("normal\ndark\n20 20 20 100\n250 250 250 255", "{}") == "light");  // half transparent: skipped
    // Around the threshold: #767676 (luminance 0.18) is light, #757575 (0.178) dark; on either
    // neither scheme's text reaches 4.5:1, so the widget paints its own background.
    CHECK(page_scheme("normal\n\n118 118 118 255", "{}") == "light opaque");
    CHECK(page_scheme("normal\n\n117 117 117 255", "{}") == "dark opaque");
    CHECK(page_scheme("dark\n\n0 0 0 0", "{}") == "dark");
    CHECK(page_scheme("light dark\ndark\n", "{}") == "dark");
    CHECK(page_scheme("light dark\n\n", "{}") == "light");
    CHECK(page_scheme("normal\ndark\n", "{}") == "light");  // a page that offers no dark stays light
    CHECK(page_scheme("", "{}") == "light");
    CHECK(page_scheme("normal\n\nred\n1 2\n-1 0 0 255\n300 0 0 255\n0 0 0 255", "{}") == "dark");  // junk lines skipped
  }

  TEST_CASE("The auto theme paints its own background where the page's would not hold its colours") {
    // Mid-tones: #222 on #777 is 3.5:1, #aaa on #1c5a8c 3.1:1, #e8e8e8 on #2e7d32 4.2:1.
    CHECK(page_scheme("normal\n\n119 119 119 255", "{}") == "light opaque");
    CHECK(page_scheme("normal\n\n28 90 140 255", "{}") == "dark opaque");
    CHECK(page_scheme("normal\n\n46 125 50 255", "{}") == "dark opaque");
    // Where they hold, the page shows through: white, a paper tone, near-black, a dark slate.
    CHECK(page_scheme("normal\n\n255 255 255 255", "{}") == "light");
    CHECK(page_scheme("normal\n\n244 241 234 255", "{}") == "light");
    CHECK(page_scheme("normal\n\n18 18 18 255", "{}") == "dark");
    CHECK(page_scheme("normal\n\n16 20 24 255", "{}") == "dark");
    // An image (a gradient, a picture) over the first opaque colour, on its element or one
    // nearer the widget: what is behind the widget cannot be known. The colour under it still
    // chooses the scheme; without one, the page's color-scheme and the reader do.
    CHECK(page_scheme("normal\n\n0 0 0 0 none\n16 16 16 255 linear-gradient(rgb(17, 17, 17), rgb(26, 26, 26))", "{}") ==
          "dark opaque");
    CHECK(page_scheme("normal\n\n0 0 0 0 url(\"a.png\")\n0 0 0 0 none", "{}") == "light opaque");
    CHECK(page_scheme("light dark\ndark\n0 0 0 0 none, url(a.svg)", "{}") == "dark opaque");
    // An image behind the first opaque colour is hidden by it.
    CHECK(page_scheme("normal\n\n255 255 255 255 none, none\n0 0 0 255 url(a.png)", "{}") == "light");
    // A theme given is the scheme, and paints its own background already (colloquy.css).
    CHECK(page_scheme("normal\n\n119 119 119 255", R"({"theme":"dark"})") == "dark");
    CHECK(choose_scheme("255 255 255 255 url(a.png)", {}) == "light opaque");
    CHECK(scheme_for("255 255 255 255 url(a.png)", {}) == "light");
  }

  TEST_CASE("The palettes the auto theme checks are colloquy.css's") {
    const std::string css = test::source_file("web/colloquy.css");
    // The n-th (0: light, 1: dark) default of --colloquy-<name> in the stylesheet, as 0xrrggbb.
    auto colour = [&](std::string_view name, int nth) {
      const std::string key = "var(--colloquy-" + std::string(name) + ", #";
      std::size_t at = 0;
      for (int i = 0; i <= nth; ++i) {
        at = css.find(key, at);
        REQUIRE(at != std::string::npos);
        at += key.size();
      }
      std::string hex = css.substr(at, css.find(')', at) - at);
      if (hex.size() == 3) hex = {hex[0], hex[0], hex[1], hex[1], hex[2], hex[2]};
      return std::uint32_t(std::stoul(hex, nullptr, 16));
    };
    for (int nth : {0, 1}) {
      const scheme_palette& p = nth == 0 ? light_palette : dark_palette;
      CAPTURE(nth);
      CHECK(p.text[0] == colour("fg", nth));
      CHECK(p.text[1] == colour("muted", nth));
      CHECK(p.text[2] == colour("accent", nth));
      CHECK(p.text[3] == colour("error", nth));
      CHECK(p.control == colour("control", nth));
    }
  }

  TEST_CASE("The luminance's x ^ 2.4 (no pow in the module) agrees with pow for every channel value") {
    for (int v = 11; v <= 255; ++v) {  // above sRGB's linear segment
      const double x = (v / 255.0 + 0.055) / 1.055;
      CAPTURE(v);
      CHECK(detail::pow_2_4(x) == doctest::Approx(std::pow(x, 2.4)).epsilon(1e-14));
    }
  }

  TEST_CASE("An RSS tree maps to JSON Feed items, fields as the feed wrote them") {
    std::string rss = tree({"<rss",
                            "@version=2.0",
                            "<channel",
                            "<title",
                            "#Blog",
                            ">",
                            "<item",
                            "<title",
                            "#Tom & Jerry",
                            ">",
                            "<link",
                            "#https://b.example/1",
                            ">",
                            "<guid",
                            "@isPermaLink=false",
                            "#g-1",
                            ">",
                            "<pubDate",
                            "#Mon, 07 Mar 2011 15:00:00 -0500",
                            ">",
                            "<description",
                            "#<p>Hello</p>",
                            ">",
                            "<content",
                            "@medium=image",
                            "@url=https://b.example/i.jpg",
                            ">",
                            ">",
                            "<item",
                            "<guid",
                            "#https://b.example/2",
                            ">",
                            "<encoded",
                            "#Body",
                            ">",
                            "<date",
                            "#2011-03-08T10:00:00Z",
                            ">",
                            ">",
                            ">",
                            ">"});
    feed_tree_result m = map_feed_tree(rss);
    REQUIRE(m.ok);
    nlohmann::json feed = nlohmann::json::parse(m.json);
    REQUIRE(feed["items"].size() == 2);
    CHECK(feed["items"][0] == nlohmann::json({{"id", "g-1"},
                                              {"url", "https://b.example/1"},
                                              {"title", "Tom & Jerry"},
                                              {"content_html", "<p>Hello</p>"},
                                              {"date_published", "Mon, 07 Mar 2011 15:00:00 -0500"},
                                              {"image", "https://b.example/i.jpg"}}));
    // A permalink guid is the link when there is no <link>; dc:date and content:encoded count.
    CHECK(feed["items"][1] == nlohmann::json({{"id", "https://b.example/2"},
                                              {"url", "https://b.example/2"},
                                              {"content_html", "Body"},
                                              {"date_published", "2011-03-08T10:00:00Z"}}));
    // And through the whole pipeline: cards.
    std::string answer = render_feed_tree(rss, "{}");
    CHECK(json_of(answer)["count"] == 2);
    CHECK(answer.find("Tom &amp; Jerry") != std::string::npos);
  }

  TEST_CASE("An Atom tree: alternate link, enclosure image, text constructs") {
    std::string atom = tree({"<feed",
                             "<entry",
                             "<id",
                             "#tag:1",
                             ">",
                             "<title",
                             "#T",
                             ">",
                             "<link",
                             "@rel=self",
                             "@href=https://a.example/self",
                             ">",
                             "<link",
                             "@href=https://a.example/1",
                             ">",
                             "<link",
                             "@rel=enclosure",
                             "@type=image/png",
                             "@href=https://a.example/i.png",
                             ">",
                             "<updated",
                             "#2011-03-07T10:00:00Z",
                             ">",
                             "<summary",
                             "#  ",
                             ">",
                             "<content",
                             "@type=xhtml",
                             "<div",
                             "<p",
                             "#a<b",
                             ">",
                             "<b",
                             "@class=x\"y",
                             "#bold",
                             ">",
                             ">",
                             ">",
                             ">",
                             "<entry",
                             "<link",
                             "@href=https://a.example/2",
                             ">",
                             "<summary",
                             "@type=html",
                             "#&lt;i&gt;x",
                             ">",
                             ">",
                             "<entry",
                             "<link",
                             "@href=https://a.example/3",
                             ">",
                             "<summary",
                             "#plain <text>",
                             ">",
                             ">",
                             ">"});
    feed_tree_result m = map_feed_tree(atom);
    REQUIRE(m.ok);
    nlohmann::json items = nlohmann::json::parse(m.json)["items"];
    REQUIRE(items.size() == 3);
    CHECK(items[0]["url"] == "https://a.example/1");
    CHECK(items[0]["image"] == "https://a.example/i.png");
    CHECK(items[0]["date_published"] == "2011-03-07T10:00:00Z");
    CHECK(items[0]["content_html"] == "<div><p>a&lt;b</p><b class=\"x&quot;y\">bold</b></div>");
    CHECK(items[1]["content_html"] == "&lt;i&gt;x");
    CHECK(items[2]["summary"] == "plain <text>");
  }

  TEST_CASE("A tree that is no feed, or is broken, is refused or repaired, never a crash") {
    feed_tree_result html = map_feed_tree(tree({"<html", "<body", ">", ">"}));
    CHECK_FALSE(html.ok);
    CHECK(html.error.code == errc::not_feed);
    CHECK(html.error.message == "XML root <html> is not RSS or Atom");
    CHECK_FALSE(map_feed_tree("").ok);
    CHECK_FALSE(map_feed_tree(tree({"#text only"})).ok);
    CHECK(json_of(render_feed_tree(tree({"<svg", ">"}), "{}"))["error"]["code"] == "not_feed");
    // Unbalanced: closes without opens are ignored, elements never closed end with the input.
    feed_tree_result open = map_feed_tree(
        tree({">", ">", "<rss", "<channel", "<item", "<link", "#https://x.example/", "@stray=1"}));
    REQUIRE(open.ok);
    CHECK(nlohmann::json::parse(open.json)["items"][0]["url"] == "https://x.example/");
    // Deep nesting costs no stack: 100,000 levels inside a description.
    std::string deep = tree({"<rss", "<channel", "<item", "<link", "#https://d.example/", ">", "<description"});
    for (int i = 0; i < 100000; ++i) deep += std::string("\0<b", 3);
    feed_tree_result d = map_feed_tree(deep);
    REQUIRE(d.ok);
    CHECK(nlohmann::json::parse(d.json)["items"].size() == 1);
  }

  TEST_CASE("place_comment says where a new comment goes under every sort, and the count with it") {
    const std::string thread = R"([{"id":"a","created":"2010-01-01T00:00:00Z","text":"x","votes":{"up":9,"down":0}},
      {"id":"a1","parent":"a","created":"2010-01-02T00:00:00Z","text":"r"},
      {"id":"b","created":"2010-01-03T00:00:00Z","text":"y","votes":{"up":1,"down":5}}])";
    const std::string top = R"([{"id":"n","created":"2010-01-04T00:00:00Z","text":"new"}])";
    auto spot = [&](const std::string& page, const char* sort) {
      return json_of(place_comment(joined({thread, page}), std::string(R"({"sort":")") + sort + "\"}"));
    };
    CHECK(spot(top, "oldest")["after"] == "b");
    CHECK(spot(top, "newest")["after"].is_null());
    CHECK(spot(top, "top")["after"] == "b");  // no votes at all ranks below one up-vote among five down
    CHECK(spot(top, "oldest")["count"] == "4 Comments");
    CHECK(spot(top, "oldest")["id"] == "n");
    CHECK(spot(top, "oldest")["pending"] == false);
    const std::string reply = R"([{"id":"r","parent":"a","created":"2010-01-05T00:00:00Z","text":"re","status":"pending"}])";
    for (const char* sort : {"oldest", "newest", "top", "hot", "controversial"}) {
      CAPTURE(sort);
      CHECK(spot(reply, sort)["after"] == "a1");  // replies stay in conversation order under their parent
      CHECK(spot(reply, sort)["parent"] == "a");
      CHECK(spot(reply, sort)["pending"] == true);
    }
    // A comment the thread has already (the server's copy of one it holds) takes that copy's
    // place, counted once.
    const std::string again = R"([{"id":"a1","parent":"a","created":"2010-01-02T00:00:00Z","text":"again"}])";
    CHECK(spot(again, "oldest")["after"] == "a");
    CHECK(spot(again, "oldest")["count"] == "3 Comments");
    // A page of a longer thread says its total: the count is the thread's, the new one with it.
    const std::string paged =
        R"({"comments":[{"id":"a","created":"2010-01-01T00:00:00Z","text":"x"}],"next":"p2","total":40})";
    CHECK(json_of(place_comment(joined({paged, top}), "{}"))["count"] == "41 Comments");
    // Alone (no thread loaded) it is first; without a comment there is nothing to place.
    CHECK(json_of(place_comment(top, "{}"))["after"].is_null());
    CHECK(json_of(place_comment(joined({thread, "[]"}), "{}"))["error"]["code"] == "no_comments");
    CHECK(json_of(place_comment(joined({thread, "{nope"}), "{}"))["error"]["code"] == "not_json");
  }
  TEST_CASE("count_setup gives the count script every language's forms and a plural table that is its rule") {
    nlohmann::json setup = nlohmann::json::parse(count_setup(), nullptr, false);
    REQUIRE(setup.is_object());
    CHECK(setup["batch"] == limits::max_count_threads);
    CHECK(setup["maxThreadBytes"] == limits::max_thread_bytes);
    CHECK(setup["maxUrl"].get<int>() < 8192);
    CHECK(setup["fetchTimeout"] == loader_defaults::fetch_timeout_ms);
    REQUIRE(setup["locales"].size() == std::size(locales));
    for (const locale_data* l : locales) {
      CAPTURE(l->tag);
      const nlohmann::json& entry = setup["locales"][std::string(l->tag)];
      const plural_text& t = l->comments_count;
      CHECK(entry["forms"] == nlohmann::json({t.one, t.few, t.many, t.other}));
      const std::string rule = entry["rule"];
      REQUIRE(rule.size() == count_rule_span + 1);
      // The script's reading of the table (web/colloquy-count.js), against the rule itself.
      auto category = [&](int64_t n) {
        char digit = n < count_rule_span           ? rule[std::size_t(n)]
                     : n % count_rule_million == 0 ? rule.back()
                                                   : rule[std::size_t(count_rule_span / 2 + n % 100)];
        return plural_category(digit - '0');
      };
      int64_t wrong = -1;
      for (int64_t n = 0; n <= 3000000 && wrong < 0; ++n)
        if (category(n) != l->plural(n)) wrong = n;
      for (int64_t n : {int64_t(1000000000), int64_t(1000000000021), int64_t(9007199254740991), int64_t(5000000)})
        if (category(n) != l->plural(n)) wrong = n;
      CHECK(wrong == -1);
    }
    const nlohmann::json& ru = setup["locales"]["ru"];
    CHECK(ru["rule"].get<std::string>().substr(0, 25) == "2011122222222222222220111");
  }

  TEST_CASE("new_comments counts the published comments of a fresh page the thread lacks") {
    const std::string shown = R"([{"id":"a","created":"2010-01-01T00:00:00Z","text":"x"},
      {"id":"b","created":"2010-01-02T00:00:00Z","text":"y"}])";
    const std::string fresh = R"([{"id":"a","created":"2010-01-01T00:00:00Z","text":"x"},
      {"id":"b","created":"2010-01-02T00:00:00Z","text":"y, edited"},
      {"id":"c","parent":"a","created":"2010-01-03T00:00:00Z","text":"z"},
      {"id":"d","created":"2010-01-04T00:00:00Z","text":"w"},
      {"id":"e","created":"2010-01-05T00:00:00Z","text":"held","status":"pending"}])";
    CHECK(json_of(new_comments(joined({shown, fresh}), "{}"))["count"] == 2);
    CHECK(json_of(new_comments(joined({shown, fresh}), "{}"))["threads"] == 1);  // c answers a
    CHECK(json_of(new_comments(joined({shown, shown}), "{}"))["count"] == 0);
    // Pages shown before count as shown: a comment on a later page is not new.
    CHECK(json_of(new_comments(joined({R"([{"id":"c","created":"2010-01-03T00:00:00Z","text":"z"}])", shown, fresh}),
                               "{}"))["count"] == 1);
    // A fresh page that is no comments document adds nothing; a thread that is none is refused.
    CHECK(json_of(new_comments(joined({shown, "{nope"}), "{}"))["count"] == 0);
    CHECK(json_of(new_comments(joined({shown, "[]"}), "{}"))["count"] == 0);
    CHECK(json_of(new_comments(joined({"{nope", shown}), "{}"))["error"]["code"] == "not_json");
    // The server has more pages (a cursor): a reply to a thread on one of them is not new here
    // (it comes with that page); a reply to a thread on show and a new thread are.
    const std::string paged = R"({"comments":[{"id":"a","created":"2010-01-01T00:00:00Z","text":"x"}],"next":"p2"})";
    const std::string recent = R"({"comments":[{"id":"r","parent":"z","created":"2010-01-06T00:00:00Z","text":"r"},
      {"id":"s","parent":"a","created":"2010-01-07T00:00:00Z","text":"s"},
      {"id":"t","created":"2010-01-08T00:00:00Z","text":"t"}]})";
    CHECK(json_of(new_comments(joined({paged, recent}), "{}"))["count"] == 2);
    CHECK(json_of(new_comments(joined({paged, recent}), "{}"))["threads"] == 1);
  }
}
