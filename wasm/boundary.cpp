// The WebAssembly boundary of colloquy.wasm, the module every page loads: bytes in linear memory
// in, bytes out. No embind, no JS glue.
//
// The loader copies input into memory from colloquy_alloc(), calls an entry point with
// (pointer, length) pairs, and reads the answer at colloquy_result_data()/_size(), valid until
// the next call (memory.cpp). Answers are <meta JSON> '\0' <HTML> (see colloquy/boundary.hpp).
//
// This translation unit is built for size (-Oz): what reading a thread needs besides its render
// path, which is in render.cpp, built for speed (see CMakeLists.txt). Latest Stories are in
// colloquy-stories.wasm (stories.cpp), posting in colloquy-post.wasm (post.cpp): a page loads
// them only when it shows stories, or when a reader starts writing.
#include "boundary.hpp"

using colloquy::wasm::result;
using colloquy::wasm::view;

COLLOQUY_EXPORT(colloquy_format_times)
void colloquy_format_times(const char* times, std::size_t times_size, const char* opts, std::size_t opts_size) {
  result = colloquy::format_times(view(times, times_size), view(opts, opts_size));
}

// The thread's pages plus a fresh page in, how many comments are new out (colloquy::new_comments).
COLLOQUY_EXPORT(colloquy_new_comments)
void colloquy_new_comments(const char* pages, std::size_t pages_size, const char* opts, std::size_t opts_size) {
  result = colloquy::new_comments(view(pages, pages_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_ui_message)
void colloquy_ui_message(const char* key, std::size_t key_size, const char* opts, std::size_t opts_size) {
  result = colloquy::ui_message(view(key, key_size), view(opts, opts_size));
}

// The empty compose form is on show before anyone writes, so reading renders it.
COLLOQUY_EXPORT(colloquy_render_compose)
void colloquy_render_compose(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_compose(view(in, in_size), view(opts, opts_size));
}

// The loader's questions: its options and messages, and the scheme of data-theme="auto" (see
// colloquy/api.hpp).
COLLOQUY_EXPORT(colloquy_widget_setup)
void colloquy_widget_setup(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::widget_setup(view(in, in_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_page_scheme)
void colloquy_page_scheme(const char* colors, std::size_t colors_size, const char* opts, std::size_t opts_size) {
  result = colloquy::page_scheme(view(colors, colors_size), view(opts, opts_size));
}
