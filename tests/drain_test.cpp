// A static page handed on as it is rendered (render.hpp html_drain, what `colloquy render`
// writes out in pieces): the pieces and the view's rest are the very HTML of one render.
#include <doctest/doctest.h>

#include "colloquy/api.hpp"
#include "thread_support.hpp"

namespace {
struct pieces {
  std::string html;
  std::size_t count = 0, largest = 0;
  static void take(void* to, std::string_view html) {
    auto& p = *static_cast<pieces*>(to);
    p.html += html;
    ++p.count;
    p.largest = std::max(p.largest, html.size());
  }
};
}  // namespace

TEST_CASE("A drained static page is the same HTML in pieces of about `every` bytes, ended by the view's rest") {
  const std::string doc = colloquy::test::generate(3000, 11, false).doc.dump();
  for (const char* sort : {"oldest", "top"}) {
    CAPTURE(sort);
    colloquy::widget_options o;
    o.static_page = true;
    o.order = *colloquy::sort_order_from_name(sort);
    const colloquy::comments_view whole = colloquy::render_comments_view(doc, o);
    REQUIRE(whole.ok);
    pieces p;
    o.drain = {pieces::take, &p, 64 * 1024};
    const colloquy::comments_view drained = colloquy::render_comments_view(doc, o);
    REQUIRE(drained.ok);
    CHECK(p.count >= whole.html.size() / (64 * 1024) - 1);
    CHECK(p.largest < 64 * 1024 + 16 * 1024);  // one article past `every` at the most
    CHECK(drained.html.size() < 64 * 1024 + 16 * 1024);
    CHECK(drained.chunks.empty());
    CHECK(p.html + drained.html == whole.html);
    CHECK(drained.count == whole.count);
  }
  // Only a static page is drained: the widget's pages keep their chunks.
  colloquy::widget_options o;
  pieces p;
  o.drain = {pieces::take, &p, 1024};
  const colloquy::comments_view v = colloquy::render_comments_view(doc, o);
  CHECK(p.count == 0);
  CHECK_FALSE(v.chunks.empty());
}
