// Identicon avatars (avatar.hpp): one per author, the same everywhere, mirrored, inside the
// allowlist whatever the name. The avatar is a span whose classes the stylesheet draws:
// av-h<0-23> the hue, av-<row a-e><column 0-2> a filled cell (column 0 drawn at both edges, 1
// beside both, 2 in the middle).
#include <doctest/doctest.h>

#include <array>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "colloquy/avatar.hpp"
#include "html_allowlist.hpp"

namespace {

std::string avatar(std::string_view name, std::string_view location = {}) {
  std::string out;
  colloquy::append_avatar(out, {name, location, {}});
  return out;
}

// An avatar read back from its markup: the hue and the filled cells (cells[row][column], columns
// 0-2 from the edges in; a 5×5 square mirrored about its middle column by construction).
struct read_avatar {
  unsigned hue = 0;
  std::array<std::array<bool, 3>, 5> cells{};
  unsigned bits = 0;  // the cells as avatar.hpp numbers them: bit row * 3 + column
};

// Reads `html` as exactly `<span class="avatar av-h<hue>[ av-<row><column>]…" aria-hidden="true"></span>`:
// the hue 0-23 without a leading zero, cells a-e × 0-2 in order, each at most once. Anything
// else (another element or attribute, a stray class, a style, a column beyond the middle) is
// nullopt.
std::optional<read_avatar> read(std::string_view html) {
  constexpr std::string_view head = R"(<span class="avatar av-h)";
  constexpr std::string_view tail = R"(" aria-hidden="true"></span>)";
  if (!html.starts_with(head) || !html.ends_with(tail) || html.size() < head.size() + tail.size() + 1) return {};
  std::string_view classes = html.substr(head.size(), html.size() - head.size() - tail.size());
  read_avatar a;
  std::size_t i = 0;
  while (i < classes.size() && classes[i] >= '0' && classes[i] <= '9')
    a.hue = a.hue * 10 + unsigned(classes[i++] - '0');
  if (i == 0 || i > 2 || (i == 2 && classes[0] == '0') || a.hue > 23) return {};
  int last = -1;
  for (; i < classes.size(); i += 6) {
    if (classes.substr(i, 4) != " av-" || i + 6 > classes.size()) return {};
    const char row = classes[i + 4], column = classes[i + 5];
    if (row < 'a' || row > 'e' || column < '0' || column > '2') return {};
    const int cell = (row - 'a') * 3 + (column - '0');
    if (cell <= last) return {};  // in order, never twice
    last = cell;
    a.cells[std::size_t(row - 'a')][std::size_t(column - '0')] = true;
    a.bits |= 1u << cell;
  }
  return a;
}

}  // namespace

TEST_SUITE("Avatars") {
  TEST_CASE("The same author gets the same avatar, trimmed as the byline trims the name") {
    CHECK(avatar("Mary D.", "Kansas, USA") == avatar("Mary D.", "Kansas, USA"));
    CHECK(avatar("  Mary D. ", "Kansas, USA ") == avatar("Mary D.", "Kansas, USA"));
    CHECK(avatar("\tMary D.\n", "\r\nKansas, USA") == avatar("Mary D.", "Kansas, USA"));
    CHECK(avatar("Mary D.", "Kansas, USA") != avatar("Mary D.", "Paris"));
    CHECK(avatar("ab", "c") != avatar("a", "bc"));  // name and location are kept apart
    CHECK(colloquy::avatar_seed({"Mary D.", "Kansas, USA", {}}) ==
          colloquy::avatar_seed({"Mary D.", "Kansas, USA", "https://x"}));
    // The classes carry the seed as avatar.hpp says: bits 0-14 the cells, (seed >> 16) % 24 the hue.
    const std::uint64_t seed = colloquy::avatar_seed({"Mary D.", "Kansas, USA", {}});
    const auto mary = read(avatar("Mary D.", "Kansas, USA"));
    REQUIRE(mary);
    CHECK(mary->bits == (seed & 0x7FFF));
    CHECK(mary->hue == (seed >> 16) % 24);
  }

  TEST_CASE(
      "Fixed values, computed by tests/bench/reference.mjs's own JavaScript: avatars never change between builds") {
    // Worked out with node from reference.mjs's avatar function (FNV-1a over the name, 0xFF, the
    // location; SplitMix64's finaliser) and from a separate BigInt implementation, which agree;
    // they also read the same cells and hue (old hue % 24) as the inline SVGs these replaced.
    CHECK(avatar("Mary D.", "Kansas, USA") ==
          R"(<span class="avatar av-h9 av-a0 av-b1 av-b2 av-c0 av-c1 av-c2 av-d0 av-e1 av-e2" aria-hidden="true"></span>)");
    CHECK(avatar("Jos\xC3\xA9 \xC3\x91\xC3\xBA\xC3\xB1"
                 "ez",
                 "S\xC3\xA3o Paulo, Brasil") ==
          R"(<span class="avatar av-h22 av-a0 av-b0 av-b1 av-c1 av-c2 av-d2 av-e0 av-e1" aria-hidden="true"></span>)");
    CHECK(avatar("", "") ==
          R"(<span class="avatar av-h0 av-a0 av-a2 av-b0 av-c0 av-c1 av-e2" aria-hidden="true"></span>)");
    // "reader 1799" has no pattern bit set: never a blank square, the middle column instead.
    CHECK((colloquy::avatar_seed({"reader 1799", "", {}}) & 0x7FFF) == 0);
    CHECK(avatar("reader 1799") ==
          R"(<span class="avatar av-h10 av-a2 av-b2 av-c2 av-d2 av-e2" aria-hidden="true"></span>)");
  }

  TEST_CASE("Avatars are mirrored, never blank, and tell thousands of authors apart") {
    std::set<std::string> seen;
    std::array<unsigned, 24> hues{};
    std::array<unsigned, 15> cells{};
    constexpr unsigned names = 5000;
    for (unsigned i = 0; i < names; ++i) {
      const std::string name = "reader " + std::to_string(i);
      CAPTURE(name);
      const std::string html = avatar(name, "Somewhere");
      // Only the classes the stylesheet knows: cells in columns 0-2, which it mirrors onto 3-4.
      const auto a = read(html);
      REQUIRE_MESSAGE(a, html);
      CHECK(a->bits != 0);  // never blank
      ++hues[a->hue];
      for (unsigned c = 0; c < 15; ++c) cells[c] += (a->bits >> c) & 1;
      seen.insert(html);
    }
    // 24 hues × 32,767 non-blank patterns = 786,408 avatars. 5,000 names make 12.5 million pairs:
    // about 16 pairs share an avatar if the seed spreads them evenly (19 do: reference.mjs agrees),
    // a Poisson count whose chance of passing 35 is about 1e-5. Losing the hue would give ~380.
    CHECK(seen.size() >= names - 35);
    // Every hue and every cell in use, evenly: 208 names a hue (sd 14), 2,500 a cell (sd 35).
    for (unsigned h = 0; h < 24; ++h) {
      CAPTURE(h);
      CHECK(hues[h] >= 150);
      CHECK(hues[h] <= 270);
    }
    for (unsigned c = 0; c < 15; ++c) {
      CAPTURE(c);
      CHECK(cells[c] >= 2350);
      CHECK(cells[c] <= 2650);
    }
  }

  TEST_CASE("The reader of the classes refuses what the stylesheet would not draw") {
    CHECK(read(R"(<span class="avatar av-h9 av-a0 av-e2" aria-hidden="true"></span>)"));
    for (std::string_view bad : {
             R"(<span class="avatar av-h24 av-a0" aria-hidden="true"></span>)",  // no 25th hue
             R"(<span class="avatar av-h09 av-a0" aria-hidden="true"></span>)",
             R"(<span class="avatar av-h9 av-a3" aria-hidden="true"></span>)",  // right of the middle
             R"(<span class="avatar av-h9 av-f0" aria-hidden="true"></span>)",
             R"(<span class="avatar av-h9 av-b0 av-a0" aria-hidden="true"></span>)",
             R"(<span class="avatar av-h9 av-a0 av-a0" aria-hidden="true"></span>)",
             R"(<span class="avatar av-h9 x" aria-hidden="true"></span>)",
             R"(<span class="avatar av-h9" style="color:red" aria-hidden="true"></span>)",
         }) {
      CAPTURE(bad);
      CHECK_FALSE(read(bad));
    }
  }

  TEST_CASE("Hostile names and locations never reach the markup: only the fixed classes do") {
    using namespace std::string_view_literals;
    for (std::string_view name :
         {"\"><script>alert(1)</script>"sv, "</span><img src=x onerror=alert(1)>"sv, "' onload='x"sv,
          "\xEF\xBB\xBF\0\x01"sv, "javascript:alert(1)"sv, "av-h99 av-z9\" style=\"x"sv, ""sv}) {
      CAPTURE(name);
      const std::string html = avatar(name, name);
      auto why = colloquy::test::allowlist_violation(html);
      CHECK_MESSAGE(!why, *why);
      CHECK(read(html));  // exactly the frame, a hue and cells
      CHECK(html.find("script") == std::string::npos);
      CHECK(html.find("onerror") == std::string::npos);
      CHECK(html.find("style") == std::string::npos);
      CHECK(html.find("url(") == std::string::npos);
    }
  }
}
