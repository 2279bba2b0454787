// The boundary of colloquy-post.wasm: posting, fetched with colloquy-post.js when a reader
// starts writing. Drafts checked with the code the server runs, the live preview, a comment
// being sent, a server's answer judged, and where a posted comment goes (colloquy/api.hpp).
// Built for size (-Oz).
#include "boundary.hpp"

using colloquy::wasm::result;
using colloquy::wasm::view;

// Draft JSON in, meta JSON out (no '\0', no HTML): see colloquy::check_draft in api.hpp.
COLLOQUY_EXPORT(colloquy_check_draft)
void colloquy_check_draft(const char* draft, std::size_t draft_size, const char* opts, std::size_t opts_size) {
  result = colloquy::check_draft(view(draft, draft_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_preview)
void colloquy_preview(const char* text, std::size_t text_size, const char* opts, std::size_t opts_size) {
  result = colloquy::preview(view(text, text_size), view(opts, opts_size));
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

COLLOQUY_EXPORT(colloquy_place_comment)
void colloquy_place_comment(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::place_comment(view(in, in_size), view(opts, opts_size));
}

// A reader's own comment: the form that edits its text, and the words of an edit or delete.
COLLOQUY_EXPORT(colloquy_render_edit)
void colloquy_render_edit(const char* in, std::size_t in_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_edit(view(in, in_size), view(opts, opts_size));
}

COLLOQUY_EXPORT(colloquy_action_message)
void colloquy_action_message(const char* key, std::size_t key_size, const char* opts, std::size_t opts_size) {
  result = colloquy::action_message(view(key, key_size), view(opts, opts_size));
}
