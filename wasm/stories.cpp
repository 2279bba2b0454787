// The boundary of colloquy-stories.wasm: Latest Stories, fetched only by a page with
// data-stories. A JSON Feed, or an RSS/Atom element tree the browser's XML parser made, in;
// meta + '\0' + the cards' HTML out (colloquy/boundary.hpp). Built for size (-Oz).
#include "boundary.hpp"

using colloquy::wasm::result;
using colloquy::wasm::view;

COLLOQUY_EXPORT(colloquy_render_stories)
void colloquy_render_stories(const char* feed, std::size_t feed_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_stories(view(feed, feed_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_render_feed_tree)
void colloquy_render_feed_tree(const char* tree, std::size_t tree_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_feed_tree(view(tree, tree_size), view(opts, opts_size));
}
