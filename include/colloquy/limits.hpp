// Named limits, each with the reason it exists.
#pragma once
#include <cstddef>

namespace colloquy::limits {

// Longest comment text accepted, in bytes: Reddit's 10,000-character cap is at most 40,000
// UTF-8 bytes, which covers a long essay while bounding the work of formatting one comment.
inline constexpr std::size_t max_text_bytes = 40000;
// Author name and location: a byline, not a biography.
inline constexpr std::size_t max_name_bytes = 200;
inline constexpr std::size_t max_location_bytes = 200;
inline constexpr std::size_t max_url_bytes = 2048;  // what every browser still navigates to
inline constexpr std::size_t max_id_bytes = 256;
// Comments read from one document: 200,000 is twice the largest threads we test, and keeps the
// wasm heap under a few hundred MB even for long texts.
inline constexpr std::size_t max_comments = 200000;
// Nesting of the JSON document itself (not of replies): real documents need 4 levels; the cap
// stops a "[[[[…" bomb from exhausting the parser's stack.
inline constexpr std::size_t max_json_depth = 64;
// Whole document: 64 MB is ~100,000 long comments.
inline constexpr std::size_t max_document_bytes = 64u << 20;
// Reply depth shown before replies flatten with a "replying to NAME" marker.
inline constexpr int default_max_depth = 6;

// Posting (compose.hpp). A thread id is a page path or URL: 512 bytes covers real permalinks,
// longer ones are tracking noise. A clientId is a UUID (36 bytes); 128 leaves room for prefixes.
inline constexpr std::size_t max_thread_bytes = 512;
inline constexpr std::size_t max_client_id_bytes = 128;
// One posted draft as JSON: the longest text, JSON-escaped at worst as \uXXXX (6 bytes) per
// byte, is 240,000 bytes; 256 KB holds any valid draft and refuses anything larger unparsed.
inline constexpr std::size_t max_draft_bytes = 256u << 10;

}  // namespace colloquy::limits
