// The WebAssembly boundary: bytes in linear memory in, bytes out. No embind, no JS glue.
//
// The loader copies input into memory from colloquy_alloc(), calls an entry point with
// (pointer, length) pairs, and reads the answer at colloquy_result_data()/_size(), valid until
// the next call. Answers are <meta JSON> '\0' <HTML> (see colloquy/boundary.hpp).
//
// This translation unit is built for size (-Oz): everything but the thread's render path,
// which is in render.cpp, built for speed (see CMakeLists.txt).
#include <cstdint>
#include <cstdlib>

#include "boundary.hpp"

namespace colloquy::wasm {
std::string result;
}  // namespace colloquy::wasm

using colloquy::wasm::result;
using colloquy::wasm::view;

COLLOQUY_EXPORT(colloquy_alloc) void* colloquy_alloc(std::size_t size) { return std::malloc(size ? size : 1); }
COLLOQUY_EXPORT(colloquy_free) void colloquy_free(void* p) { std::free(p); }
COLLOQUY_EXPORT(colloquy_result_data) const char* colloquy_result_data() { return result.data(); }
COLLOQUY_EXPORT(colloquy_result_size) std::size_t colloquy_result_size() { return result.size(); }

// Releases the last answer's memory (a long thread's HTML can be megabytes).
COLLOQUY_EXPORT(colloquy_result_clear) void colloquy_result_clear() { std::string().swap(result); }

COLLOQUY_EXPORT(colloquy_render_stories)
void colloquy_render_stories(const char* feed, std::size_t feed_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_stories(view(feed, feed_size), view(opts, opts_size));
}

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

// Draft JSON in, meta JSON out (no '\0', no HTML): see colloquy::check_draft in api.hpp.
COLLOQUY_EXPORT(colloquy_check_draft)
void colloquy_check_draft(const char* draft, std::size_t draft_size, const char* opts, std::size_t opts_size) {
  result = colloquy::check_draft(view(draft, draft_size), view(opts, opts_size));
}

// Posting: the live preview, the compose form, one comment on its own (see colloquy/api.hpp).
COLLOQUY_EXPORT(colloquy_preview)
void colloquy_preview(const char* text, std::size_t text_size, const char* opts, std::size_t opts_size) {
  result = colloquy::preview(view(text, text_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_render_compose)
void colloquy_render_compose(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_compose(view(in, in_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_render_comment)
void colloquy_render_comment(const char* comment, std::size_t comment_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_comment(view(comment, comment_size), view(opts, opts_size));
}

// Draft problems in the widget's language: see colloquy::check_compose / describe_problems.
COLLOQUY_EXPORT(colloquy_check_compose)
void colloquy_check_compose(const char* draft, std::size_t draft_size, const char* opts, std::size_t opts_size) {
  result = colloquy::check_compose(view(draft, draft_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_describe_problems)
void colloquy_describe_problems(const char* problems, std::size_t problems_size, const char* opts, std::size_t opts_size) {
  result = colloquy::describe_problems(view(problems, problems_size), view(opts, opts_size));
}

// A server's answer to a post: delivered, refused (with its error) or retry (see colloquy::judge_answer).
COLLOQUY_EXPORT(colloquy_judge_answer)
void colloquy_judge_answer(const char* body, std::size_t body_size, const char* opts, std::size_t opts_size) {
  result = colloquy::judge_answer(view(body, body_size), view(opts, opts_size));
}

// The loader's questions: its options and messages, an RSS/Atom element tree's cards, the
// scheme of data-theme="auto", and where a new comment goes (see colloquy/api.hpp).
COLLOQUY_EXPORT(colloquy_widget_setup)
void colloquy_widget_setup(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::widget_setup(view(in, in_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_render_feed_tree)
void colloquy_render_feed_tree(const char* tree, std::size_t tree_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_feed_tree(view(tree, tree_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_page_scheme)
void colloquy_page_scheme(const char* colors, std::size_t colors_size, const char* opts, std::size_t opts_size) {
  result = colloquy::page_scheme(view(colors, colors_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_place_comment)
void colloquy_place_comment(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::place_comment(view(in, in_size), view(opts, opts_size));
}
