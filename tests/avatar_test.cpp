// Identicon avatars (avatar.hpp): one per author, the same everywhere, mirrored, inside the
// allowlist whatever the name.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "colloquy/avatar.hpp"
#include "html_allowlist.hpp"

namespace {

std::string avatar(std::string_view name, std::string_view location = {}) {
  std::string out;
  colloquy::append_avatar_svg(out, {name, location, {}});
  return out;
}

// The cells the path fills, read back from its "M<x> <y>h<w>v1h-<w>z" runs: cells[y][x].
std::vector<std::vector<bool>> cells_of(const std::string& svg) {
  std::vector<std::vector<bool>> cells(5, std::vector<bool>(5, false));
  const std::size_t d = svg.find(" d=\"") + 4;
  const std::size_t end = svg.find('"', d);
  for (std::size_t i = d; i < end; i += 12) {
    REQUIRE(svg.compare(i, 1, "M") == 0);
    const int x = svg[i + 1] - '0', y = svg[i + 3] - '0', w = svg[i + 5] - '0';
    REQUIRE(svg[i + 11] == 'z');
    for (int k = x; k < x + w; ++k) {
      CHECK_FALSE(cells[std::size_t(y)][std::size_t(k)]);  // runs never overlap
      cells[std::size_t(y)][std::size_t(k)] = true;
    }
  }
  return cells;
}

}  // namespace

TEST_SUITE("Avatars") {
  TEST_CASE("The same author gets the same avatar, trimmed as the byline trims the name") {
    CHECK(avatar("Mary D.", "Kansas, USA") == avatar("Mary D.", "Kansas, USA"));
    CHECK(avatar("  Mary D. ", "Kansas, USA ") == avatar("Mary D.", "Kansas, USA"));
    CHECK(avatar("Mary D.", "Kansas, USA") != avatar("Mary D.", "Paris"));
    CHECK(avatar("ab", "c") != avatar("a", "bc"));  // name and location are kept apart
    CHECK(colloquy::avatar_seed({"Mary D.", "Kansas, USA", {}}) ==
          colloquy::avatar_seed({"Mary D.", "Kansas, USA", "https://x"}));
    // A fixed value, computed by tests/bench/reference.mjs's own JavaScript: the avatar must not
    // change between builds, platforms or releases.
    CHECK(avatar("Mary D.", "Kansas, USA") ==
          R"x(<svg class="avatar" viewbox="0 0 5 5" width="32" height="32" aria-hidden="true"><path fill="hsl(225,51%,49%)" )x"
          R"x(d="M0 0h1v1h-1zM4 0h1v1h-1zM1 1h3v1h-3zM0 2h5v1h-5zM0 3h1v1h-1zM4 3h1v1h-1zM1 4h3v1h-3z"></path></svg>)x");
  }

  TEST_CASE("Avatars are mirrored, never blank, and tell thousands of authors apart") {
    std::set<std::string> seen;
    for (int i = 0; i < 5000; ++i) {
      const std::string name = "reader " + std::to_string(i);
      CAPTURE(name);
      const std::string svg = avatar(name, "Somewhere");
      const auto cells = cells_of(svg);
      bool any = false;
      for (int y = 0; y < 5; ++y)
        for (int x = 0; x < 5; ++x) {
          CHECK(cells[std::size_t(y)][std::size_t(x)] == cells[std::size_t(y)][std::size_t(4 - x)]);
          any = any || cells[std::size_t(y)][std::size_t(x)];
        }
      CHECK(any);
      seen.insert(svg);
    }
    // 15 pattern bits and 360 × 25 × 15 colours: collisions among 5,000 names are rare.
    CHECK(seen.size() > 4990);
  }

  TEST_CASE("Hostile names and locations never reach the markup: only numbers and the fixed frame do") {
    for (std::string_view name : {"\"><script>alert(1)</script>", "</svg><img src=x onerror=alert(1)>", "' onload='x",
                                  "\xEF\xBB\xBF\0\x01", "javascript:alert(1)", ""}) {
      CAPTURE(name);
      const std::string svg = avatar(name, name);
      auto why = colloquy::test::allowlist_violation(svg);
      CHECK_MESSAGE(!why, *why);
      CHECK(svg.find("script") == std::string::npos);
      CHECK(svg.find("onerror") == std::string::npos);
      CHECK(svg.find("style") == std::string::npos);
      CHECK(svg.find("url(") == std::string::npos);
    }
  }
}
