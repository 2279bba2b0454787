// Shared by the thread tests: generated comments documents (valid and hostile, each item
// labelled with what the reader must do with it), the shared real threads converted to the
// wire format, and the property checks every thread must pass.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "colloquy/read_reference.hpp"
#include "test_support.hpp"

namespace colloquy::test {

// Comments point at their strings (comment.hpp). Tests that build comments by hand keep the
// strings here, for the life of the test run.
inline std::string_view kept(std::string s) {
  static std::deque<std::string> strings;  // a deque never moves what it holds
  strings.push_back(std::move(s));
  return strings.back();
}

// A small deterministic PRNG (SplitMix64): the same seed gives the same document everywhere.
struct rng {
  std::uint64_t state;
  std::uint64_t next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n ? static_cast<std::size_t>(next() % n) : 0; }
  // A 64-bit range even where size_t is 32 bits (wasm).
  std::uint64_t below64(std::uint64_t n) { return n ? next() % n : 0; }
  bool chance(unsigned percent) { return below(100) < percent; }
};

// A generated document and, per item, the code the reader must report ("" = kept clean).
struct generated {
  nlohmann::json doc;
  std::vector<std::string> expect;  // per item: "" (kept) or the problem code (skipped)
  std::set<std::string> kept_ids;   // ids of the items that must be kept
  std::size_t bad = 0;
};

inline std::string iso(std::int64_t ms) { return format_iso8601(ms); }

// `n` items; replies pick an earlier comment as parent (so real threads, sometimes deep).
// With `hostile`, about a third of the items are broken in one of many ways, and some good
// items get repairable faults (bad author url, bad votes) that must not cost the comment.
inline generated generate(std::size_t n, std::uint64_t seed, bool hostile, unsigned reply_percent = 60,
                          unsigned chain_percent = 30) {
  rng r{seed};
  generated g;
  nlohmann::json items = nlohmann::json::array();
  std::vector<std::string> good;            // ids of kept items so far
  const std::int64_t base = 1285423380000;  // 2010-09-25T14:03:00Z
  for (std::size_t i = 0; i < n; ++i) {
    nlohmann::json c;
    std::string id = "c" + std::to_string(i);
    bool numeric = r.chance(20);
    if (numeric) c["id"] = 1000000 + i;
    else c["id"] = id;
    if (numeric) id = std::to_string(1000000 + i);
    if (!good.empty() && r.chance(reply_percent)) {
      // Mostly reply to the newest comments: long chains, as in real threads.
      std::size_t k = r.chance(chain_percent) ? good.size() - 1 : r.below(good.size());
      c["parent"] = good[k];
    } else {
      c["parent"] = nullptr;
    }
    switch (r.below(3)) {
      case 0: c["author"] = "Author " + std::to_string(r.below(50)); break;
      case 1: c["author"] = {{"name", "Name <" + std::to_string(i) + ">"}, {"location", "Town, Land"}}; break;
      default: break;
    }
    std::int64_t when = base + static_cast<std::int64_t>(r.below(1000)) * 60000;  // many equal dates
    if (r.chance(50)) c["created"] = iso(when);
    else c["created"] = when / 1000;
    c["text"] = "Comment " + std::to_string(i) + (r.chance(30) ? "\n\nSecond & \"quoted\" <b>para</b>" : "");
    switch (r.below(3)) {
      case 0: c["votes"] = {{"up", r.below(40)}, {"down", r.below(40)}}; break;
      case 1: c["votes"] = static_cast<std::int64_t>(r.below(80)) - 20; break;
      default: break;
    }
    if (r.chance(8)) c["status"] = "deleted";
    else if (r.chance(5)) c["status"] = "pending";
    std::string expect;
    if (hostile && r.chance(35)) {
      switch (r.below(12)) {
        case 0:
          c = nlohmann::json::array({1, 2});
          expect = errc::item_not_object;
          break;
        case 1:
          c.erase("id");
          expect = errc::missing_id;
          break;
        case 2:
          c["id"] = "";
          expect = errc::missing_id;
          break;
        case 3:
          c["id"] = {{"nested", true}};
          expect = errc::bad_id;
          break;
        case 4:
          c["created"] = "yesterday";
          expect = errc::bad_date;
          break;
        case 5:
          c.erase("created");
          expect = errc::missing_date;
          break;
        case 6:
          c["text"] = 42;
          expect = errc::bad_text;
          break;
        case 7:
          c.erase("text");
          expect = errc::missing_text;
          break;
        case 8:
          c["text"] = std::string(limits::max_text_bytes + 1, 'x');
          expect = errc::text_too_long;
          break;
        case 9:
          c["status"] = "spam";
          expect = errc::bad_status;
          break;
        case 10:
          if (good.empty()) break;
          c["id"] = good[r.below(good.size())];  // a duplicate of a kept id
          expect = errc::duplicate_id;
          break;
        default:
          c = "just a string";
          expect = errc::item_not_object;
          break;
      }
    } else if (hostile && r.chance(20)) {
      // Repairable faults: the comment stays.
      c["author"] = {{"name", "Eve"}, {"url", "javascript:alert(1)"}};
      c["votes"] = {{"up", -3}};
    }
    g.expect.push_back(expect);
    if (expect.empty()) {
      good.push_back(id);
      g.kept_ids.insert(id);
    } else {
      ++g.bad;
    }
    items.push_back(std::move(c));
  }
  if (seed % 2) g.doc = items;
  else g.doc = {{"thread", "/generated/" + std::to_string(seed)}, {"comments", std::move(items)}, {"next", nullptr}};
  return g;
}

// The shared real threads (../shared/data/comments) use their sources' shape; this converts a
// record to the wire format (DESIGN §2): author string or object (with the WordPress url),
// `deleted`/`isDeleted` to status deleted, WordPress `approved: "0"` to pending, Reddit's
// numeric `edited` kept and boolean one dropped, null votes dropped.
inline nlohmann::json to_wire(const nlohmann::json& s, std::size_t i) {
  nlohmann::json c;
  c["id"] = s["id"];
  c["parent"] = s["parent"];
  if (s.contains("author_url") && s["author_url"].is_string() && !s["author_url"].get<std::string>().empty())
    c["author"] = {{"name", s["author"]}, {"url", s["author_url"]}};
  else if (i % 2) c["author"] = {{"name", s["author"]}};
  else c["author"] = s["author"];
  c["created"] = s["created"];
  c["text"] = s["text"];
  if (s.contains("votes") && s["votes"].is_number_integer()) c["votes"] = s["votes"];
  if (s.contains("edited") && s["edited"].is_number()) c["edited"] = s["edited"];
  bool deleted = (s.contains("deleted") && s["deleted"] == true) ||
                 (s.contains("isDeleted") && s["isDeleted"] == "true");
  if (deleted) c["status"] = "deleted";
  else if (s.contains("approved") && s["approved"] == "0") c["status"] = "pending";
  return c;
}

inline const std::vector<std::string>& real_thread_files() {
  static const std::vector<std::string> files = {"commento_via_remark42_migrator_commento.json",
                                                 "commento_via_remark42_rest_api_commento.json",
                                                 "isso_disqus.json",
                                                 "isso_generic.json",
                                                 "isso_wordpress.json",
                                                 "reddit_announcements_fo7p5b.json",
                                                 "reddit_announcements_n49rw.json",
                                                 "reddit_funny_3hahrw.json",
                                                 "reddit_graw_thread.json",
                                                 "remark42_disqus.json",
                                                 "remark42_tree_bench.json",
                                                 "wordpress_theme_unit_test.json"};
  return files;
}

// Collects the first failed expectation of a property check, so a check over thousands of
// comments is one doctest assertion (the suite also runs in wasm, where assertions cost).
struct property_failures {
  std::size_t count = 0;
  std::string first;
  void expect(bool ok, const std::string& what) {
    if (!ok && count++ == 0) first = what;
  }
  ~property_failures() { CHECK_MESSAGE(count == 0, count << " failures; first: " << first); }
};

// The display order's invariants, checked from first principles (not with the code under test):
//  - every live comment appears exactly once; a deleted one only as a placeholder with live
//    replies; nothing appears twice
//  - a reply comes after its parent, at the parent's depth + 1 (capped at max_depth, `capped`
//    exactly when the true depth passes it); depth never above the cap
//  - descendants count the live comments below
inline void check_thread_properties(const thread& t, const thread_options& o) {
  property_failures f;
  const std::size_t n = t.comments.size();
  const auto cap = static_cast<std::uint32_t>(std::clamp(o.max_depth, 0, limits::max_max_depth));
  std::map<std::string, std::size_t, std::less<>> index_of;
  for (std::size_t i = 0; i < n; ++i) index_of.emplace(t.comments[i].id, i);
  std::vector<int> times(n, 0);
  std::vector<std::size_t> pos(n, SIZE_MAX);
  std::vector<std::uint32_t> true_depth(n, 0);
  std::vector<std::size_t> live_below(n, 0);
  std::size_t placeholders = 0;
  for (std::size_t k = 0; k < t.entries.size(); ++k) {
    const auto& e = t.entries[k];
    if (e.index >= n) {
      f.expect(false, "entry " + std::to_string(k) + " out of range");
      return;
    }
    const comment& c = t.comments[e.index];
    const std::string at = "entry " + std::to_string(k) + " (" + std::string(c.id) + "): ";
    ++times[e.index];
    pos[e.index] = k;
    f.expect(e.depth <= cap, at + "depth above the cap");
    f.expect(e.placeholder == (c.status == comment_status::deleted), at + "placeholder flag");
    placeholders += e.placeholder;
    auto p = c.parent.empty() ? index_of.end() : index_of.find(c.parent);
    bool has_parent = p != index_of.end() && p->second != e.index && pos[p->second] != SIZE_MAX && !e.orphan;
    if (has_parent) {
      true_depth[e.index] = true_depth[p->second] + 1;
      f.expect(e.depth == std::min(true_depth[e.index], cap), at + "depth is not the parent's + 1 (capped)");
      f.expect(e.capped == (true_depth[e.index] > cap), at + "capped flag");
      f.expect(e.reply_to == p->second, at + "reply_to is not the parent");
    } else {
      // Top level: no parent, a parent not in the thread, or cut (self-parent, cycle): marked.
      f.expect(e.depth == 0 && !e.capped, at + "a reply before its parent, or a lost parent");
      f.expect(e.orphan == !c.parent.empty(), at + "orphan flag");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    f.expect(times[i] <= 1, "shown twice: " + std::string(t.comments[i].id));
    if (t.comments[i].status != comment_status::deleted)
      f.expect(times[i] == 1, "live comment missing: " + std::string(t.comments[i].id));
  }
  for (std::size_t k = t.entries.size(); k-- > 0;) {
    const auto& e = t.entries[k];
    f.expect(e.descendants == live_below[e.index], "descendants of " + std::string(t.comments[e.index].id));
    if (e.placeholder) f.expect(e.descendants > 0, "placeholder without live replies");
    if (e.depth > 0 || e.capped) live_below[e.reply_to] += live_below[e.index] + (e.placeholder ? 0 : 1);
  }
  f.expect(t.live == t.entries.size() - placeholders, "live count");
}

// An order's key computed here, independently of sort.hpp.
inline double expected_key(const comment& c, sort_order o, bool net_only) {
  switch (o) {
    case sort_order::top: {
      if (net_only) return double(c.up - c.down);
      double n = double(c.up + c.down);
      if (n == 0) return 0;
      double z = 1.96, p = double(c.up) / n;
      return (p + z * z / (2 * n) - z * std::sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n);
    }
    case sort_order::hot: {
      double s = double(c.up - c.down);
      return (s > 0   ? 1
              : s < 0 ? -1
                      : 0) *
                 std::log10(std::max(std::abs(s), 1.0)) +
             double(c.created / 1000 - 1134028003) / 45000;
    }
    case sort_order::controversial:
      if (!c.has_up_down || c.up <= 0 || c.down <= 0) return 0;
      return std::pow(double(c.up + c.down), double(std::min(c.up, c.down)) / double(std::max(c.up, c.down)));
    default: return 0;
  }
}

// True when `a` may come before `b` under the order (key, then date, then id).
inline bool ordered(const comment& a, const comment& b, sort_order o, bool net_only) {
  double ka = expected_key(a, o, net_only), kb = expected_key(b, o, net_only);
  if (std::abs(ka - kb) > 1e-9 * std::max(1.0, std::abs(ka))) return ka > kb;
  if (a.created != b.created) return o == sort_order::newest ? a.created > b.created : a.created < b.created;
  return a.id < b.id;
}

// Top-level comments and the replies of each parent follow the order.
inline void check_order(const thread& t, const thread_options& o) {
  property_failures f;
  bool net_only = false;
  for (const auto& c : t.comments)
    if (!c.has_up_down && c.up != 0) net_only = true;
  const comment* prev_top = nullptr;
  std::map<std::uint32_t, const comment*> prev_child;
  for (const auto& e : t.entries) {
    const comment& c = t.comments[e.index];
    if (e.depth == 0 && !e.capped) {
      if (prev_top)
        f.expect(ordered(*prev_top, c, o.order, net_only), std::string(prev_top->id) + " before " + std::string(c.id));
      prev_top = &c;
    } else {
      auto& prev = prev_child[e.reply_to];
      sort_order ro = o.order_replies ? o.order : sort_order::oldest;
      if (prev)
        f.expect(ordered(*prev, c, ro, net_only), "reply " + std::string(prev->id) + " before " + std::string(c.id));
      prev = &c;
    }
  }
}

// Where the next comment (render.hpp: `<div class="comment…" role="article" …>`) opens at or
// after `from`, npos when there is none. Only a comment's class starts with the word "comment".
inline std::size_t find_comment(std::string_view html, std::size_t from = 0) {
  constexpr std::string_view open = "<div class=\"comment";
  for (std::size_t at = html.find(open, from); at != std::string_view::npos; at = html.find(open, at + 1)) {
    const std::size_t next = at + open.size();
    if (next < html.size() && (html[next] == '"' || html[next] == ' ')) return at;
  }
  return std::string_view::npos;
}

// One past the </div> that closes the comment opening at `start`: divs counted, so the body
// <div> inside does not end it (text and attribute values are escaped: no '<' in them).
inline std::size_t comment_end(std::string_view html, std::size_t start) {
  std::size_t depth = 0;
  for (std::size_t at = html.find('<', start); at != std::string_view::npos; at = html.find('<', at + 1)) {
    if (html.compare(at, 5, "<div ") == 0 || html.compare(at, 5, "<div>") == 0) {
      ++depth;
    } else if (html.compare(at, 6, "</div>") == 0) {
      REQUIRE(depth > 0);
      if (--depth == 0) return at + 6;
    }
  }
  FAIL("comment at byte " << start << " is never closed");
  return std::string_view::npos;
}

// How many comments `html` holds.
inline std::size_t count_comments(std::string_view html) {
  std::size_t n = 0;
  for (std::size_t p = find_comment(html); p != std::string_view::npos; p = find_comment(html, p + 1)) ++n;
  return n;
}

// Opening tags of each comment outside its body: the comment's <div>, the avatar <span>, the
// byline's <p> and link, the date <span>, the body <div>, the buttons. Returns the largest count
// in `html`.
inline std::size_t max_elements_outside_body(const std::string& html, std::size_t* articles = nullptr) {
  std::size_t most = 0, count = 0, pos = 0;
  while ((pos = find_comment(html, pos)) != std::string::npos) {
    const std::size_t end = comment_end(html, pos);
    std::string a = html.substr(pos, end - 6 - pos);   // without the comment's own </div>
    std::size_t body = a.find("<div class=\"body\"");  // dir="auto" but on a deleted one's placeholder
    REQUIRE(body != std::string::npos);
    std::size_t body_end = a.rfind("</div>");
    REQUIRE(body_end != std::string::npos);
    REQUIRE(body_end > body);
    std::string outside = a.substr(0, body + 1) + a.substr(body_end);
    std::size_t tags = 0;
    for (std::size_t i = 0; i + 1 < outside.size(); ++i)
      if (outside[i] == '<' && outside[i + 1] != '/') ++tags;
    most = std::max(most, tags);
    ++count;
    pos = end;
  }
  if (articles) *articles = count;
  return most;
}

// The fields of two read results, compared (reader agreement).
inline void check_same_reading(const read_result& a, const read_result& b) {
  REQUIRE(a.ok == b.ok);
  CHECK(a.error.code == b.error.code);
  CHECK(a.thread == b.thread);
  CHECK(a.next == b.next);
  CHECK(a.total == b.total);
  REQUIRE(a.comments.size() == b.comments.size());
  std::size_t same = 0;
  for (std::size_t i = 0; i < a.comments.size(); ++i) {
    const comment &x = a.comments[i], &y = b.comments[i];
    if (x == y) {
      ++same;  // one assertion below for all the equal ones; the fields only when they differ
      continue;
    }
    CAPTURE(x.id);
    CHECK(x.id == y.id);
    CHECK(x.parent == y.parent);
    CHECK(x.author.name == y.author.name);
    CHECK(x.author.location == y.author.location);
    CHECK(x.author.url == y.author.url);
    CHECK(x.created == y.created);
    CHECK(x.edited == y.edited);
    CHECK(x.text == y.text);
    CHECK(x.up == y.up);
    CHECK(x.down == y.down);
    CHECK(x.has_up_down == y.has_up_down);
    CHECK(x.status == y.status);
  }
  CHECK(same == a.comments.size());
  REQUIRE(a.problems.size() == b.problems.size());
  CHECK(a.problems.omitted() == b.problems.omitted());
  property_failures f;
  for (std::size_t i = 0; i < a.problems.size(); ++i) {
    const problem &p = a.problems[i], &q = b.problems[i];
    f.expect(p.code == q.code && p.id == q.id && p.index == q.index && p.field == q.field,
             "problem " + std::to_string(i) + ": " + p.code + "/" + p.id + " vs " + q.code + "/" + q.id);
  }
  CHECK(a.positions == b.positions);
}

}  // namespace colloquy::test
