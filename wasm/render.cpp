// The hot path of colloquy.wasm: a comments document in, the thread's HTML out. Built at -O3
// and linked first, so the copies of the shared inline functions (reading, threading, markup,
// escaping) that the module keeps are the fast ones; the rest of the boundary is built for
// size (boundary.cpp).
#include "boundary.hpp"

COLLOQUY_EXPORT(colloquy_render_comments)
void colloquy_render_comments(const char* doc, std::size_t doc_size, const char* opts, std::size_t opts_size) {
  using colloquy::wasm::view;
  colloquy::wasm::result = colloquy::render_comments(view(doc, doc_size), view(opts, opts_size));
}
