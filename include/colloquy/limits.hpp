// Named limits, each with the reason it exists.
#pragma once
#include <cstddef>
#include <cstdint>

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
// Problems kept per input (error.hpp problem_list); the rest are only counted. A thousand is
// more than anyone reads, and keeps the work and memory of a document of junk linear and small.
inline constexpr std::size_t max_problems = 1000;
// Nesting of the JSON document itself (not of replies): real documents need 4 levels; the cap
// stops a "[[[[…" bomb from exhausting the parser's stack.
inline constexpr std::size_t max_json_depth = 64;
// Whole document: 64 MB is ~100,000 long comments.
inline constexpr std::size_t max_document_bytes = 64u << 20;
// Vote counts: 2^53 is the largest integer a JavaScript number (and a double) holds exactly, so
// scores survive the trip to the widget and the score arithmetic of sort.hpp stays exact.
inline constexpr std::uint64_t max_votes = std::uint64_t(1) << 53;
// How long a reader may edit or delete their own comment after posting it: the reference
// server's --edit-window default and the window of a comment kept in the browser (storage mode).
// Long enough to mend a typo; short enough that replies rarely answer words since changed.
inline constexpr std::int64_t edit_window_seconds = 15 * 60;
// Reply depth shown before replies flatten with a "replying to NAME" marker.
// Six levels keep a reply readable on a phone (each level indents); deeper replies stay in
// conversation order, marked with the name they answer.
inline constexpr int default_max_depth = 6;
// Largest --max-depth / maxDepth accepted: deeper indentation is unreadable anyway.
inline constexpr int max_max_depth = 64;
// Largest page (top-level threads per page) a caller may ask for; 0 means "everything".
inline constexpr std::size_t max_page_size = 100000;

// The widget's first paint renders a thread a slice at a time (api.hpp comments_session): a
// slice is what the browser parses, styles and lays out in one go, short enough that a busy
// phone keeps each task well under 50 ms, long enough that a 50,000-comment thread is not
// thousands of calls (tests/bench/firstpaint.mjs, PERFORMANCE.md). The first slice fills a
// screen (a screen holds ~10 comments).
inline constexpr std::size_t first_slice_comments = 16;
inline constexpr std::size_t slice_comments = 24;
// Text bytes (plus ~400 of markup per comment) in one slice: a few long comments weigh as much
// as many short ones.
inline constexpr std::size_t slice_bytes = 16u << 10;
// Bytes of a comments document read per step of a session: ~5 ms in a browser's wasm on a
// phone-class core (the reader's ~100 MB/s, four times slower), so a 20 MB document is ~40 short
// calls instead of one long one.
inline constexpr std::size_t read_step_bytes = 512u << 10;

// Posting (compose.hpp). A thread id is a page path or URL: 512 bytes covers real permalinks,
// longer ones are tracking noise. A clientId is a UUID (36 bytes); 128 leaves room for prefixes.
inline constexpr std::size_t max_thread_bytes = 512;
inline constexpr std::size_t max_client_id_bytes = 128;
// A clientId sent again gets its comment's edit token again (the first answer may have been
// lost) only when it is at least this long: an id a client made up short could be guessed.
inline constexpr std::size_t min_secret_client_id_bytes = 16;
// Comment counts (GET <comments>/counts): threads per request. An index page lists 10 to 50
// posts; 100 bounds one request's work to 100 index lookups (a longer page sends more requests).
inline constexpr std::size_t max_count_threads = 100;
// One posted draft as JSON: the longest text, JSON-escaped at worst as \uXXXX (6 bytes) per
// byte, is 240,000 bytes; 256 KB holds any valid draft and refuses anything larger unparsed.
inline constexpr std::size_t max_draft_bytes = 256u << 10;

// An import file (colloquy import): the largest real exports are a few hundred MB of XML; the
// whole file is read into memory with its tree, so 512 MB bounds the importer at a few GB.
inline constexpr std::size_t max_import_bytes = 512u << 20;

}  // namespace colloquy::limits
