// Threading (thread.hpp) and its rendering: orphans, cycles, deleted placeholders, the depth
// cap with "replying to NAME", descendant counts, and pathological shapes without recursion.
#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

#include "colloquy/boundary.hpp"
#include "thread_support.hpp"

using colloquy::build_thread;
using colloquy::comment;
using colloquy::thread_options;

namespace {
comment make(std::string id, std::string parent, std::int64_t created, std::string name = "",
             colloquy::comment_status status = colloquy::comment_status::published) {
  comment c;
  c.id = colloquy::test::kept(std::move(id));
  c.parent = colloquy::test::kept(std::move(parent));
  c.created = created;
  c.author.name = colloquy::test::kept(std::move(name));
  c.text = colloquy::test::kept("text of " + std::string(c.id));
  c.status = status;
  return c;
}

std::vector<std::string> order_of(const colloquy::thread& t) {
  std::vector<std::string> out;
  for (const auto& e : t.entries) out.push_back(std::string(t.comments[e.index].id) + "@" + std::to_string(e.depth));
  return out;
}

std::vector<std::string> codes(const colloquy::problem_list& ps) {
  std::vector<std::string> out;
  for (const auto& p : ps) out.push_back(p.code + ":" + p.id);
  return out;
}
}  // namespace

TEST_SUITE("Threading") {
  TEST_CASE("Replies follow their parents, oldest first; orphans go to the top level, marked") {
    std::vector<comment> cs = {make("a", "", 10),  make("b", "a", 30),   make("c", "a", 20),
                               make("d", "c", 40), make("e", "gone", 5), make("f", "", 15)};
    colloquy::problem_list problems;
    auto t = build_thread(cs, {}, &problems);
    CHECK(order_of(t) == std::vector<std::string>{"e@0", "a@0", "c@1", "d@2", "b@1", "f@0"});
    CHECK(t.entries[0].orphan);
    CHECK_FALSE(t.entries[1].orphan);
    CHECK(t.entries[1].descendants == 3);
    CHECK(t.entries[2].descendants == 1);
    CHECK(t.top_level == 3);
    CHECK(t.starts == std::vector<std::uint32_t>{0, 1, 5});
    CHECK(codes(problems) == std::vector<std::string>{"orphan:e"});
    colloquy::test::check_thread_properties(t, {});
  }

  TEST_CASE("Self-parents and reply cycles are cut the same way whatever the input order") {
    // A 3-cycle (x -> y -> z -> x), a 2-cycle (p <-> q) with a reply hanging off it, a self-parent.
    std::vector<comment> cs = {make("x", "z", 300), make("y", "x", 200), make("z", "y", 100), make("p", "q", 50),
                               make("q", "p", 60),  make("r", "q", 70),  make("s", "s", 10)};
    std::vector<std::size_t> perm(cs.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::vector<std::string> first;
    int permutations = 0;
    do {
      std::vector<comment> shuffled;
      for (auto i : perm) shuffled.push_back(cs[i]);
      colloquy::problem_list problems;
      auto t = build_thread(shuffled, {}, &problems);
      auto order = order_of(t);
      if (first.empty()) first = order;
      CHECK(order == first);
      std::vector<std::string> got = codes(problems);
      std::sort(got.begin(), got.end());
      CHECK(got == std::vector<std::string>{"reply_cycle:p", "reply_cycle:z", "self_parent:s"});
      colloquy::test::check_thread_properties(t, {});
      ++permutations;
    } while (std::next_permutation(perm.begin(), perm.end()) && permutations < 720);
    // Each cycle is cut at its oldest member, which becomes the top of the rest.
    CHECK(first == std::vector<std::string>{"s@0", "p@0", "q@1", "r@2", "z@0", "x@1", "y@2"});
  }

  TEST_CASE("A deleted comment with live replies stays as a placeholder; one without disappears") {
    using colloquy::comment_status;
    std::vector<comment> cs = {make("a", "", 1, "", comment_status::deleted), make("b", "a", 2),
                               make("c", "", 3, "", comment_status::deleted),
                               make("d", "c", 4, "", comment_status::deleted), make("e", "", 5)};
    auto t = build_thread(cs);
    CHECK(order_of(t) == std::vector<std::string>{"a@0", "b@1", "e@0"});
    CHECK(t.entries[0].placeholder);
    CHECK(t.entries[0].descendants == 1);
    CHECK(t.live == 2);
    colloquy::test::check_thread_properties(t, {});
    std::string html;
    colloquy::render_thread_html(html, t, {});
    CHECK(html.find(">2 Comments</h2>") != std::string::npos);
    const std::size_t a = html.rfind("<div class=\"comment", html.find("data-id=\"a\""));
    REQUIRE(a != std::string::npos);
    auto placeholder = html.substr(a, colloquy::test::comment_end(html, a) - a);
    CHECK(placeholder.find("data-id=\"a\"") != std::string::npos);
    CHECK(placeholder.find("This comment was deleted.") != std::string::npos);
    CHECK(placeholder.find("text of a") == std::string::npos);  // its text is never shown
    CHECK(placeholder.find("data-action=\"reply\"") == std::string::npos);
    CHECK(html.find("data-id=\"c\"") == std::string::npos);
  }

  TEST_CASE("Replies deeper than the cap render at the cap, replying to the parent's name") {
    std::vector<comment> cs;
    for (int i = 0; i < 10; ++i)
      cs.push_back(make("n" + std::to_string(i), i ? "n" + std::to_string(i - 1) : "", i, "Name" + std::to_string(i)));
    cs[4].author.url = "https://example.org/";
    for (int cap : {0, 2, 6}) {
      CAPTURE(cap);
      thread_options o;
      o.max_depth = cap;
      auto t = build_thread(cs, o);
      colloquy::test::check_thread_properties(t, o);
      for (std::size_t k = 0; k < t.entries.size(); ++k) {
        CHECK(t.entries[k].depth == std::min<std::size_t>(k, std::size_t(cap)));
        CHECK(t.entries[k].capped == (k > std::size_t(cap)));
        CHECK(t.entries[k].descendants == 9 - k);
      }
      std::string html;
      colloquy::render_thread_html(html, t, {});
      std::string want = "<p class=\"byline\"><span dir=\"auto\">Name" + std::to_string(cap + 1) +
                         "</span>, replying to <span dir=\"auto\">Name" + std::to_string(cap) + "</span>:</p>";
      CHECK(html.find(want) != std::string::npos);
      CHECK(html.find("data-reply-to=\"n" + std::to_string(cap) + "\"") != std::string::npos);
      // The comment's div, avatar, byline and its link, its name's and whom it answers' <span dir=auto>,
      // date, body, 2 votes, reply, link: no edits here.
      CHECK(colloquy::test::max_elements_outside_body(html) <= 12);
    }
    std::string html;
    thread_options o;
    o.max_depth = 3;
    colloquy::render_thread_html(html, build_thread(cs, o), {});
    CHECK(html.find("<p class=\"byline\"><span dir=\"auto\"><a href=\"https://example.org/\" rel=\"nofollow ugc "
                    "noopener\">Name4</a></span>, "
                    "replying to <span dir=\"auto\">Name3</span>:</p>") != std::string::npos);
  }

  TEST_CASE("At most 16 elements per comment outside its text, whatever the comment") {
    auto g = colloquy::test::generate(300, 77, true);
    std::string answer = colloquy::render_comments(g.doc.dump(), R"({"maxDepth":2})");
    std::string html = answer.substr(answer.find('\0') + 1);
    std::size_t articles = 0;
    // render.hpp: 10 (the comment's div, avatar, byline and its link, date, body, 2 votes, reply,
    // link), up to 3 <span dir=auto> in the byline (name, place, whom a capped reply answers), 2 more when
    // edited; Edit and Delete only for the reader's own, which no options here name. (The avatar
    // is one span now, where it was an svg and its path.)
    CHECK(colloquy::test::max_elements_outside_body(html, &articles) <= 15);
    CHECK(articles > 150);
  }

  TEST_CASE("A 50,000-deep reply chain and 100,000 siblings thread and render without recursion") {
    std::vector<comment> chain;
    const int deep = 50000;
    chain.reserve(deep);
    for (int i = 0; i < deep; ++i) chain.push_back(make(std::to_string(i), i ? std::to_string(i - 1) : "", i));
    std::reverse(chain.begin(), chain.end());  // children before parents in the input
    auto t = build_thread(std::move(chain));
    REQUIRE(t.entries.size() == std::size_t(deep));
    CHECK(t.top_level == 1);
    CHECK(t.entries[0].descendants == std::uint32_t(deep - 1));
    CHECK(t.entries.back().depth == 6);
    CHECK(t.entries.back().capped);
    std::string html;
    colloquy::render_thread_html(html, t, {});
    CHECK(html.find("data-id=\"49999\"") != std::string::npos);

    std::vector<comment> flat;
    const int wide = 100000;
    flat.reserve(wide + 1);
    flat.push_back(make("root", "", 0));
    for (int i = 0; i < wide; ++i) flat.push_back(make(std::string("s").append(std::to_string(i)), "root", wide - i));
    auto w = build_thread(std::move(flat));
    REQUIRE(w.entries.size() == std::size_t(wide + 1));
    CHECK(w.entries[0].descendants == std::uint32_t(wide));
    CHECK(w.comments[w.entries[1].index].id == "s99999");  // the oldest reply first
    std::string wide_html;
    colloquy::render_thread_html(wide_html, w, {});
    CHECK(wide_html.size() > std::size_t(wide) * 100);
  }

  TEST_CASE("Generated threads, valid and hostile, keep every property under every option") {
    for (std::uint64_t seed = 100; seed < 106; ++seed) {
      for (bool hostile : {false, true}) {
        auto g = colloquy::test::generate(400, seed, hostile, 75, 60);
        auto r = colloquy::read_comments(g.doc.dump());
        REQUIRE(r.ok);
        for (const auto& named : colloquy::sort_orders) {
          const std::string_view order = named.first;
          for (int cap : {0, 3, 6}) {
            for (bool replies : {false, true}) {
              CAPTURE(seed);
              CAPTURE(hostile);
              CAPTURE(order);
              CAPTURE(cap);
              thread_options o{*colloquy::sort_order_from_name(order), cap, replies};
              auto t = build_thread(r.comments, o);
              colloquy::test::check_thread_properties(t, o);
              colloquy::test::check_order(t, o);
            }
          }
        }
      }
    }
  }
}

TEST_SUITE("Rendering threads") {
  TEST_CASE("Dates formatted once per day are exactly format_iso8601 and append_when") {
    colloquy::test::rng r{9};
    // Without a clock (absolute dates only) and with one placed inside the sampled days, so
    // relative labels ("3 hours ago") and their switch to absolute dates are covered too.
    for (std::int64_t now : {std::int64_t(0), std::int64_t(1285423380000 + 10 * 86400000LL)})
      for (int offset : {0, 330, -600}) {
        const colloquy::time_zone zone{false, offset};
        const colloquy::date_style style{now, 7 * 86400000LL};
        colloquy::detail::date_cache dates(colloquy::locale_en, zone, style);
        colloquy::test::property_failures f;
        for (int i = 0; i < 3000; ++i) {
          // Mostly close together (cache hits), sometimes anywhere from year 1 to 9999.
          std::int64_t ms = i % 10 ? 1285423380000 + std::int64_t(r.below(20 * 86400)) * 1000 +
                                         (i % 3 ? 0 : std::int64_t(r.below(1000)))
                                   : colloquy::min_time_ms + std::int64_t(r.below64(std::uint64_t(
                                                                 colloquy::max_time_ms - colloquy::min_time_ms)));
          std::string got, want;
          dates.append_iso(got, ms);
          dates.append_shown(got, ms);
          want = colloquy::format_iso8601(ms);
          colloquy::append_when(want, ms, colloquy::locale_en, zone, style);
          f.expect(got == want, got + " != " + want);
        }
      }
  }
}
