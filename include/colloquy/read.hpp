// Reading a comments document (DESIGN §2) into validated comments.
//
//   auto r = colloquy::read_comments(R"([{"id":1,"created":0,"text":"hi"}])");
//   // r.ok, r.comments[0].id == "1", r.problems empty
//
// Bad items are skipped or repaired, each with a problem (stable code + id/index); good items
// are always kept. Only a document that is not JSON, too large, or has no comments array fails
// as a whole: a comment holding a value nested past limits::max_json_depth is skipped on its own
// (json_too_deep), its nesting validated without a stack per level.
//
// The comments' strings are views into the document (or, decoded, into r.store): nothing of a
// comment's text is copied. Keep the document alive while the comments are in use, or hand it
// over by value (read_comments(std::string&&) keeps it in the result).
//
// Two readers give the same answer: read_comments (the hand-written single-pass reader in
// json_reader.hpp, the product path) and read_comments_reference (read_reference.hpp: nlohmann,
// the oracle the tests and the fuzzer compare it with, never linked into the widget). Both feed
// the same item rules (detail::finish_item).
//
// Item rules, in order (the first three and `status` skip the item; the rest repair it):
//   id        string (non-empty, <= limits::max_id_bytes, no C0 control or DEL: see
//             id_has_control in comment.hpp) or integer (its decimal form)
//             absent/null/"" -> missing_id; other types, too long or a control -> bad_id
//   nesting   any field nested deeper than limits::max_json_depth -> json_too_deep
//   created   ISO 8601 string or Unix seconds -> absent/null: missing_date; else bad_date
//   text      string <= limits::max_text_bytes -> absent/null: missing_text; not a string:
//             bad_text; longer: text_too_long
//   status    published|pending|deleted, absent/null = published; anything else: bad_status
//             (an unknown status is not trusted to be public)
//   duplicate id (after the above): the first is kept, later ones -> duplicate_id
//   parent    string or integer id (as `id`); absent/null/"" = top level; else bad_parent (top
//             level)
//   author    string (the name) or {name, location, url}; bad parts -> bad_author, a url that
//             is not absolute http(s) -> bad_author_url; the rest of the author is kept
//   edited    like created; a boolean (Reddit's shape: false, or true without a time) is
//             ignored; anything else unparsable -> bad_date (dropped)
//   votes     {up, down} integers in [0, limits::max_votes] or a net integer; else bad_votes
//   document  `thread` / `next` present but not strings -> bad_thread / bad_next (ignored);
//             `total` not an integer in [0, limits::max_votes] -> bad_total (ignored)
#pragma once
#include <concepts>
#include <cstring>
#if !defined(__EMSCRIPTEN__)
#include <functional>
#endif
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/cold.hpp"
#include "colloquy/comment.hpp"
#include "colloquy/date.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/id_index.hpp"
#include "colloquy/json_reader.hpp"
#include "colloquy/limits.hpp"

namespace colloquy {

struct read_result {
  bool ok = false;          // false: the document itself is unusable (see `error`)
  problem error;            // document-level problem when !ok
  std::string thread;       // the document's thread id, if given
  std::string next;         // "load more" cursor, if given
  bool next_given = false;  // the document has a "next" member (null: no more pages)
  // The thread's published comments as the server counts them, all pages together (a paged
  // answer's "total"); -1: not given. After pages are merged (api.hpp add_page), the latest
  // page's total, plus what the widget learnt since (`total_delta`: comments it added, less
  // those it saw deleted), heads the thread ("40 Comments" while 10 are loaded).
  std::int64_t total = -1;
  std::int64_t total_delta = 0;
  std::string feed;                    // the thread's Atom feed, if the server names one (a safe URL)
  std::vector<comment> comments;       // views into the document and into `store`
  problem_list problems;               // item-level: skipped or repaired items (the first 1,000)
  std::vector<std::size_t> positions;  // positions[i]: index in the document of comments[i]
  text_store store;                    // decoded strings the comments point at
  detail::id_index ids;                // id -> position in `comments` (build_thread reuses it)
};

// The thread's comments as the server counts them, with what the widget learnt since its count
// (see read_result::total); -1: no page said.
inline std::int64_t server_total(const read_result& r) { return r.total < 0 ? -1 : r.total + r.total_delta; }

// Problems appended after `from` by build_thread (thread.hpp) index comments by their position
// in r.comments; this makes them document indexes like the reading problems.
inline void to_document_indexes(read_result& r, std::size_t from) {
  for (std::size_t i = from; i < r.problems.size(); ++i)
    if (r.problems[i].index < r.positions.size()) r.problems[i].index = r.positions[r.problems[i].index];
}

namespace detail {

// An item's fields are checked once per comment, but mostly by branches that pass; what they
// report is rare: built for size (the scanner that reads the fields stays fast).
COLLOQUY_SMALL_BEGIN
inline problem make_problem(std::string_view code, const std::string& id, std::size_t index, std::string_view field,
                            std::string_view message) {
  return problem{std::string(code), id, index, std::string(field), std::string(message)};
}

using jk = json_value::kind;

// A string id as it is; an integer id as its decimal form, written into `buf`.
inline bool id_of(const json_value& v, std::string_view& out, char (&buf)[24]) {
  if (v.is(jk::string)) out = v.text;
  else if (v.is(jk::integer)) out = integer_text(v, buf);
  else return false;
  return true;
}

inline std::optional<int64_t> time_of(const json_value& v) {
  if (v.is(jk::string)) return parse_iso8601(v.text);
  if (v.is(jk::integer) || v.is(jk::real)) return from_unix_seconds(number_value(v));
  return std::nullopt;
}

// A vote count: an integer of at most limits::max_votes in magnitude (and >= 0 when `counter`).
inline bool votes_of(const json_value& v, bool counter, int64_t& out) {
  if (!v.is(jk::integer) || v.magnitude > limits::max_votes || (counter && v.negative)) return false;
  out = v.negative ? -static_cast<int64_t>(v.magnitude) : static_cast<int64_t>(v.magnitude);
  return true;
}

// Applies the item rules (see the top of this file) to one item. Returns false when the item
// is skipped; repairs are reported and the item kept. `keep(view)` returns a view of the same
// bytes that outlives the item (the document's own bytes, or a copy in the result's store).
template <class Keep>
bool finish_item(const raw_item& it, std::size_t index, comment& c, problem_list& problems, Keep&& keep) {
  char id_buf[24];
  auto report = [&](std::string_view code, std::string_view field, std::string_view message) {
    problems.add(code, c.id, index, field, message);
  };
  if (!it.id.present()) {
    report(errc::missing_id, "id", "comment has no id");
    return false;
  }
  if (!id_of(it.id, c.id, id_buf) || c.id.empty() || c.id.size() > limits::max_id_bytes || id_has_control(c.id)) {
    bool empty = it.id.is(jk::string) && it.id.text.empty();
    bool too_long = c.id.size() > limits::max_id_bytes;
    bool control = !too_long && id_has_control(c.id);
    c.id = {};
    if (empty) report(errc::missing_id, "id", "comment has an empty id");
    else
      report(errc::bad_id, "id",
             too_long  ? "id is longer than the limit"
             : control ? "id holds a control character"
                       : "id must be a string or an integer");
    return false;
  }
  if (it.too_deep) {
    report(errc::json_too_deep, "", "JSON nesting is deeper than the limit");
    return false;
  }
  if (!it.created.present()) {
    report(errc::missing_date, "created", "comment has no date");
    return false;
  }
  auto when = time_of(it.created);
  if (!when) {
    report(errc::bad_date, "created", "date is not ISO 8601 or Unix seconds (years 1 to 9999)");
    return false;
  }
  c.created = *when;
  if (!it.text.present()) {
    report(errc::missing_text, "text", "comment has no text");
    return false;
  }
  if (!it.text.is(jk::string)) {
    report(errc::bad_text, "text", "text must be a string");
    return false;
  }
  if (it.text.text.size() > limits::max_text_bytes) {
    report(errc::text_too_long, "text", "text is longer than the limit");
    return false;
  }
  if (it.status.present()) {
    std::string_view st = it.status.is(jk::string) ? it.status.text : std::string_view("?");
    if (st == "published") c.status = comment_status::published;
    else if (st == "pending") c.status = comment_status::pending;
    else if (st == "deleted") c.status = comment_status::deleted;
    else {
      report(errc::bad_status, "status", "unknown status: not shown");
      return false;
    }
  }
  c.id = keep(c.id);
  c.text = keep(it.text.text);
  // Optional fields: a bad value is dropped (repaired), the comment kept.
  if (it.parent.present() && !(it.parent.is(jk::string) && it.parent.text.empty())) {
    if (!id_of(it.parent, c.parent, id_buf) || c.parent.size() > limits::max_id_bytes || id_has_control(c.parent)) {
      c.parent = {};
      report(errc::bad_parent, "parent", "parent ignored: not an id; shown at top level");
    } else {
      c.parent = keep(c.parent);
    }
  }
  if (it.author.is(jk::string)) {
    if (it.author.text.size() <= limits::max_name_bytes) c.author.name = keep(it.author.text);
    else report(errc::bad_author, "author", "author name is longer than the limit");
  } else if (it.author.is(jk::object)) {
    auto field = [&](const json_value& v, std::string_view key, std::string_view& out, std::size_t limit) {
      if (!v.present()) return;
      if (!v.is(jk::string) || v.text.size() > limit) {
        report(errc::bad_author, key, "author field ignored: not a string or too long");
        return;
      }
      out = v.text;
    };
    field(it.author_name, "author.name", c.author.name, limits::max_name_bytes);
    field(it.author_location, "author.location", c.author.location, limits::max_location_bytes);
    c.author.name = keep(c.author.name);
    c.author.location = keep(c.author.location);
    std::string_view url;
    field(it.author_url, "author.url", url, limits::max_url_bytes);
    if (!url.empty()) {
      if (is_safe_url(url, url_policy::web)) c.author.url = keep(url);
      else report(errc::bad_author_url, "author.url", "author url dropped: only http(s) URLs are kept");
    }
  } else if (it.author.present()) {
    report(errc::bad_author, "author", "author must be an object or a string");
  }
  if (it.edited.present() && !it.edited.is(jk::boolean)) {
    if (auto t = time_of(it.edited)) c.edited = *t;
    else report(errc::bad_date, "edited", "edited date ignored: unparsable");
  }
  if (it.votes.is(jk::integer)) {
    if (!votes_of(it.votes, false, c.up)) report(errc::bad_votes, "votes", "votes ignored: net score out of range");
  } else if (it.votes.is(jk::object)) {
    bool ok = (!it.votes_up.present() || votes_of(it.votes_up, true, c.up)) &&
              (!it.votes_down.present() || votes_of(it.votes_down, true, c.down));
    if (ok) {
      c.has_up_down = true;
    } else {
      c.up = c.down = 0;
      report(errc::bad_votes, "votes", "votes ignored: up and down must be integers >= 0");
    }
  } else if (it.votes.present()) {
    report(errc::bad_votes, "votes", "votes ignored: not an object or an integer");
  }
  return true;
}

COLLOQUY_SMALL_END

// Collects finished items into a read_result: the item limit, duplicate ids (the first kept).
// Ids are looked up through their position in r.comments, so the vector may grow freely.
// Strings inside `document` are kept as views into it; any other (decoded) string is copied
// into r.store.
class item_sink {
 public:
  explicit item_sink(read_result& r, std::string_view document = {}) : r_(r), document_(document) {}

  // False once the item limit is reached (reported once, at that item's index).
  bool accepting(std::size_t index) {
    if (r_.comments.size() < limits::max_comments) return true;
    if (!full_) {
      full_ = true;
      r_.problems.add(errc::too_many_comments, "", index, "",
                      "thread has more comments than the limit; the rest are skipped");
    }
    return false;
  }

  void add(const raw_item& it, std::size_t index) {
    r_.comments.emplace_back();
    auto keep = [this](std::string_view s) {
      const std::less_equal<const char*> le;
      if (le(document_.data(), s.data()) && le(s.data() + s.size(), document_.data() + document_.size())) return s;
      return r_.store.keep(s);
    };
    if (!finish_item(it, index, r_.comments.back(), r_.problems, keep)) {
      r_.comments.pop_back();
      return;
    }
#if !defined(__EMSCRIPTEN__)
    if (!index_ids_) return r_.positions.push_back(index);
#endif
    index_last(index);
  }

  // The comment just added (item `index`) found by its id from now on, or dropped as a
  // duplicate of an earlier one.
  void index_last(std::size_t index) {
    const auto position = static_cast<std::uint32_t>(r_.comments.size() - 1);
    auto id_of = [this](std::uint32_t k) -> std::string_view { return r_.comments[k].id; };
    if (r_.ids.insert(r_.comments.back().id, position, id_of) != position) {
      r_.problems.add(errc::duplicate_id, r_.comments.back().id, index, "id", "duplicate id: the first is kept");
      r_.comments.pop_back();
      return;
    }
    r_.positions.push_back(index);
  }

  // Room for about `n` comments up front: growing a vector of comments moves every string.
  void reserve(std::size_t n) {
    n = std::min(n, limits::max_comments);
    r_.comments.reserve(n);
    r_.positions.reserve(n);
    if (r_.ids.size() == 0) r_.ids = id_index(n);
  }

#if !defined(__EMSCRIPTEN__)
  // A second reader's sink (document_reader::split_at): its comments are indexed, and their
  // duplicates found, by the first reader when it takes them over.
  void leave_ids_to_first_reader() { index_ids_ = false; }
#endif

  void not_object(std::size_t index) {
    r_.problems.add(errc::item_not_object, "", index, "", "comment is not a JSON object");
  }

  void reset() {
    r_.comments.clear();
    r_.problems.clear();
    r_.positions.clear();
    r_.ids.clear();
    full_ = false;
  }

 private:
  read_result& r_;
  std::string_view document_;
  bool full_ = false;
#if !defined(__EMSCRIPTEN__)
  bool index_ids_ = true;
#endif
};

// Document-level fields that are present but unusable are ignored and reported, after the
// items, in this order: thread, next (not strings), feed (not a URL is_safe_url accepts), total
// (not a count).
inline void finish_document(read_result& r, const json_value& thread, const json_value& next, const json_value& feed,
                            const json_value& total) {
  if (thread.is(jk::string)) r.thread.assign(thread.text);
  else if (thread.present()) r.problems.add(errc::bad_thread, "", 0, "thread", "thread ignored: not a string");
  r.next_given = !next.is(jk::absent);
  if (next.is(jk::string)) r.next.assign(next.text);
  else if (next.present()) r.problems.add(errc::bad_next, "", 0, "next", "next ignored: not a string");
  if (feed.is(jk::string) && feed.text.size() <= limits::max_url_bytes && is_safe_url(feed.text, url_policy::link))
    r.feed.assign(feed.text);
  else if (feed.present()) r.problems.add(errc::bad_url, "", 0, "feed", "feed ignored: not a safe URL");
  if (total.is(jk::integer) && !total.negative && total.magnitude <= limits::max_votes)
    r.total = std::int64_t(total.magnitude);
  else if (total.present()) r.problems.add(errc::bad_total, "", 0, "total", "total ignored: not a count");
}

inline read_result document_error(std::string_view code, std::string_view field, std::string_view message) {
  read_result r;
  r.error = make_problem(code, "", 0, field, message);
  return r;
}

// ---- The fast reader: a single pass over the bytes (json_reader.hpp) ----

// A key against a literal: a fixed-size memcmp the compiler turns into one or two loads
// (string_view's == went through an out-of-line compare for every key of every comment).
template <std::size_t N>
inline bool is_key(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// Reads a document in steps (read_step: a budget of bytes per call), so that a caller can
// read a 20 MB document without holding its thread for the whole read (api.hpp
// comments_session); read() is the same in one step. The result's comments view the document.
class document_reader {
 public:
  explicit document_reader(std::string_view s) : sc_(s), document_(s), sink_(r_, s) {}
  document_reader(const document_reader&) = delete;  // sink_ refers to r_
  document_reader& operator=(const document_reader&) = delete;

  read_result read() {
    while (!read_step(SIZE_MAX)) {}
    return result();
  }

  // Reads on until about `budget` more bytes are read (whole items at least one) or the
  // document ends; true once it is read (then call result(), once).
  bool read_step(std::size_t budget) {
    const std::size_t stop = sc_.offset() + std::min(budget, sc_.remaining());
    while (ok_ && phase_ != phase::done) {
      switch (phase_) {
        case phase::start: start(); break;
        case phase::member: member(); break;
        case phase::items:
          if (!items_until(stop)) return false;
          break;
        case phase::next_member:
          if (sc_.eat(',')) phase_ = phase::member;
          else if ((ok_ = sc_.expect('}'))) sc_.close(), phase_ = phase::end;
          break;
        case phase::end:
          sc_.skip_ws();
          if (!sc_.at_end()) ok_ = sc_.fail();
          phase_ = phase::done;
          break;
        case phase::done: break;
      }
    }
    return true;
  }

#if !defined(__EMSCRIPTEN__)
  // Reading from two places at once (natively: `colloquy render` of a large document, see
  // examples/colloquy/main.cpp). `second` reads the comments array's items from `at` to the
  // array's end, `depth` levels deep, on another thread (read_items_from), while this reader
  // reads up to `at`. `at` is an item boundary found by a scan that a string's content may fool,
  // so this reader takes the second one's items (after `wait()`, which waits for it to finish
  // and says whether it read to the end: false when it failed, e.g. out of memory) only when it
  // reaches exactly `at` at the start of an item, as deep; otherwise it reads on
  // and they are thrown away. Either way the result is the one-pass result, problems and
  // errors and their positions included.
  void split_at(std::size_t at, document_reader& second, std::function<bool()> wait) {
    split_at_ = at;
    second_ = &second;
    wait_ = std::move(wait);
  }

  // The second reader's part (see split_at): nothing else is called on it.
  void read_items_from(std::size_t at, std::size_t depth) {
    sc_.seek(at, depth);
    start_depth_ = depth;
    have_items_ = true;
    sink_.leave_ids_to_first_reader();
    r_.comments.reserve(sc_.remaining() / 256);
    r_.positions.reserve(sc_.remaining() / 256);
    items_until(SIZE_MAX);
  }
#endif

  COLLOQUY_COLD read_result result() {
    if (document_.size() > limits::max_document_bytes)
      return document_error(errc::document_too_large, "", "document is larger than the limit");
    if (!ok_) {
      const bool deep = sc_.error() == json_scanner::failure::too_deep;
      const text_position at = position_of(document_, sc_.error_offset());
      std::string message = deep ? "JSON nesting is deeper than the limit" : "document is not valid JSON: " + at.what;
      message += " at line " + decimal(at.line) + ", column " + decimal(at.column);
      read_result failed = document_error(deep ? errc::json_too_deep : errc::not_json, "", message);
      failed.error.line = at.line;
      failed.error.column = at.column;
      return failed;
    }
    if (!have_items_) return document_error(errc::no_comments, "comments", "document has no comments array");
    finish_document(r_, thread_, next_, feed_, total_);
    r_.ok = true;
    return std::move(r_);
  }

 private:
  // Where read_step is: the document is an array of comments, or the {thread, comments, next,
  // feed, total} wrapper (a repeated key keeps its last value), read member by member.
  enum class phase : std::uint8_t { start, member, items, next_member, end, done };

  COLLOQUY_COLD void start() {
    phase_ = phase::done;
    if (document_.size() > limits::max_document_bytes) return;  // result() says so, nothing read
    phase_ = phase::end;
    if (!(ok_ = sc_.skip_bom())) return;
    sc_.skip_ws();
    const char c = sc_.peek();
    if (c == '[') {
      in_object_ = false;
      begin_items();
    } else if (c == '{') {
      in_object_ = true;
      sc_.advance();
      if (!(ok_ = sc_.open())) return;
      if (sc_.eat('}')) sc_.close();
      else phase_ = phase::member;
    } else {
      json_value ignored;
      ok_ = sc_.value(ignored, key_);
    }
  }

  COLLOQUY_COLD void member() {
    std::string_view key;
    phase_ = phase::next_member;
    if (!(ok_ = sc_.string(key, key_) && sc_.expect(':'))) return;
    if (is_key(key, "comments")) {
      sink_.reset();
      sc_.skip_ws();
      have_items_ = sc_.peek() == '[';
      if (have_items_) begin_items();
      else ok_ = sc_.skip_value();
    } else if (is_key(key, "thread")) {
      ok_ = sc_.value(thread_, thread_buf_);
    } else if (is_key(key, "next")) {
      ok_ = sc_.value(next_, next_buf_);
    } else if (is_key(key, "feed")) {
      ok_ = sc_.value(feed_, feed_buf_);
    } else if (is_key(key, "total")) {
      ok_ = sc_.value(total_, total_buf_);
    } else {
      ok_ = sc_.skip_value();
    }
  }

  // At the comments array's '['.
  COLLOQUY_COLD void begin_items() {
    have_items_ = true;
    // Real comments take 150 to 1,000 bytes of JSON; guessing one per 256 bytes avoids most
    // regrowth without reserving much more than is used.
    sink_.reserve(sc_.remaining() / 256);
    sc_.advance();
    const phase after = in_object_ ? phase::next_member : phase::end;
    phase_ = after;
    if (!(ok_ = sc_.open())) return;
    if (sc_.eat(']')) {
      sc_.close();
      return;
    }
    index_ = 0;
    phase_ = phase::items;
  }

  // Items until the array ends (true) or the read passes `stop` (false: more to read).
  bool items_until(std::size_t stop) {
    do {
      sc_.skip_ws();
#if !defined(__EMSCRIPTEN__)
      if (sc_.offset() == split_at_ && take_second_half()) return true;
#endif
      if (!sink_.accepting(index_)) {
        if (!(ok_ = sc_.skip_value())) return true;
      } else if (sc_.peek() == '{') {
        if (!(ok_ = item())) return true;
        sink_.add(item_, index_);
      } else {
        json_value ignored;
        if (!(ok_ = sc_.value(ignored, key_))) return true;
        sink_.not_object(index_);
      }
      ++index_;
      if (!sc_.eat(',')) {
        if ((ok_ = sc_.expect(']'))) sc_.close();
        phase_ = in_object_ ? phase::next_member : phase::end;
        return true;
      }
    } while (sc_.offset() < stop);
    return false;
  }

  // One comment object into item_ (views into the input or into this reader's buffers). Out of
  // line on purpose: a browser runs a wasm function's current call in its baseline code until
  // it returns, so reading a large document in one inlined loop never got the optimized code;
  // as a call per comment it is promoted once hot (PERFORMANCE.md, "The widget on a page").
  [[gnu::noinline]] bool item() {
    item_.clear();
    sc_.took_too_deep();  // a value skipped before this item is not its own
    const bool ok = members([&](std::string_view key) {
      switch (key.size()) {  // by length first: one fixed-size compare per key
        case 2: return is_key(key, "id") ? sc_.value(item_.id, buf_[0]) : sc_.skip_value();
        case 4: return is_key(key, "text") ? sc_.value(item_.text, buf_[1]) : sc_.skip_value();
        case 5: return is_key(key, "votes") ? votes() : sc_.skip_value();
        case 6:
          return is_key(key, "parent")   ? sc_.value(item_.parent, buf_[2])
                 : is_key(key, "author") ? author()
                 : is_key(key, "status") ? sc_.value(item_.status, buf_[3])
                 : is_key(key, "edited") ? sc_.value(item_.edited, buf_[4])
                                         : sc_.skip_value();
        case 7: return is_key(key, "created") ? sc_.value(item_.created, buf_[5]) : sc_.skip_value();
        default: return sc_.skip_value();
      }
    });
    item_.too_deep = sc_.took_too_deep();
    return ok;
  }

  bool author() {
    item_.author_name.k = item_.author_location.k = item_.author_url.k = jk::absent;
    sc_.skip_ws();
    if (sc_.peek() != '{') return sc_.value(item_.author, buf_[6]);
    item_.author = json_value{};
    item_.author.k = jk::object;
    return members([&](std::string_view key) {
      if (is_key(key, "name")) return sc_.value(item_.author_name, buf_[7]);
      if (is_key(key, "location")) return sc_.value(item_.author_location, buf_[8]);
      if (is_key(key, "url")) return sc_.value(item_.author_url, buf_[9]);
      return sc_.skip_value();
    });
  }

  bool votes() {
    item_.votes_up.k = item_.votes_down.k = jk::absent;
    sc_.skip_ws();
    if (sc_.peek() != '{') return sc_.value(item_.votes, buf_[10]);
    item_.votes = json_value{};
    item_.votes.k = jk::object;
    return members([&](std::string_view key) {
      if (is_key(key, "up")) return sc_.value(item_.votes_up, buf_[10]);
      if (is_key(key, "down")) return sc_.value(item_.votes_down, buf_[11]);
      return sc_.skip_value();
    });
  }

#if !defined(__EMSCRIPTEN__)
  // At split_at_, the start of an item: the second reader's items, as if read here, and its
  // end of the array (or its error). Only when it started as deep and its items cannot change
  // what the limits do (the comments limit not reached, none of its problems left out);
  // false: this reader reads on.
  bool take_second_half() {
    split_at_ = SIZE_MAX;
    if (!wait_()) return false;
    document_reader& second = *second_;
    read_result& half = second.r_;
    if (second.start_depth_ != sc_.depth() || half.problems.omitted() ||
        r_.comments.size() + second.index_ >= limits::max_comments)
      return false;
    // Each comment's problems come before it is indexed (a duplicate id is reported last), as
    // in one pass.
    auto p = half.problems.begin();
    auto report = [&] {
      p->index += index_;
      r_.problems.push_back(std::move(*p++));
    };
    // The id table is far larger than the cache: each slot is asked for some comments ahead.
    constexpr std::size_t ahead = 8;
    for (std::size_t k = 0; k < half.comments.size(); ++k) {
      if (k + ahead < half.comments.size()) r_.ids.prefetch_slot(half.comments[k + ahead].id);
      while (p != half.problems.end() && p->index <= half.positions[k]) report();
      r_.comments.push_back(half.comments[k]);
      sink_.index_last(index_ + half.positions[k]);
    }
    while (p != half.problems.end()) report();
    r_.store.absorb(std::move(half.store));
    index_ += second.index_;
    sc_ = second.sc_;
    ok_ = second.ok_;
    phase_ = in_object_ ? phase::next_member : phase::end;
    return true;
  }
#endif

  // The members of an object at the cursor, each handed to `member(key)`.
  template <class Member>
  bool members(Member&& member) {
    sc_.advance();
    if (!sc_.open()) return false;
    if (sc_.eat('}')) {
      sc_.close();
      return true;
    }
    do {
      std::string_view key;
      if (!sc_.string(key, key_) || !sc_.expect(':') || !member(key)) return false;
    } while (sc_.eat(','));
    if (!sc_.expect('}')) return false;
    sc_.close();
    return true;
  }

  json_scanner sc_;
  std::string_view document_;
  read_result r_;
  item_sink sink_;
  phase phase_ = phase::start;
  bool ok_ = true, in_object_ = false, have_items_ = false;
  std::size_t index_ = 0;  // of the next item in the comments array
  json_value thread_, next_, feed_, total_;
  raw_item item_;
  std::string key_, thread_buf_, next_buf_, feed_buf_, total_buf_;
  std::string buf_[12];  // one decoding buffer per field, so a later field never clobbers one
#if !defined(__EMSCRIPTEN__)
  std::size_t split_at_ = SIZE_MAX, start_depth_ = 0;  // see split_at
  document_reader* second_ = nullptr;
  std::function<bool()> wait_;
#endif
};

}  // namespace detail

// The product reader: one pass, no DOM, no copy of the comments' text. Never throws.
// The comments point into `json`: keep it alive while they are in use (or pass it by value).
inline read_result read_comments(std::string_view json) { return detail::document_reader(json).read(); }

// The same, for a document handed over (a std::string rvalue): the result keeps it.
template <class String>
requires std::same_as<String, std::string> read_result read_comments(String&& json) {
  text_store owner;
  std::string_view kept = owner.own(std::move(json));
  read_result r = read_comments(kept);
  r.store.absorb(std::move(owner));
  return r;
}

// Several comments documents in one input, separated by '\0' (JSON holds no raw NUL): the pages
// of a thread as the widget holds them, one after another: the server's pages, and what the
// widget learnt since (a comment it posted, the server's answer to an edit or a delete, the
// newest comments a live update brought), each a page of its own after them. Comments are read
// in that order, and a later page's copy of a comment (same id) replaces the earlier one in its
// place: the later page is the newer word on it (edited, deleted, approved). A reply of a later
// page whose parent is not among the pages read while the server has more pages (a cursor) is
// left out: its parent is on a page not read yet, which brings the reply too (a server's page
// holds whole threads). "next" is the last page's that has a "next" member (null: no more
// pages), so a bare array of comments leaves the cursor as it was. A page after the first that
// is unusable is reported as a problem (its document error, at the index of its first comment)
// and skipped, so the pages already shown stay.
// Adds a later page of a thread to the pages read so far, `r` (see read_comment_pages). Both run
// once per call: built for size.
COLLOQUY_COLD_BEGIN
inline void add_page(read_result& r, read_result page) {
  const std::size_t base = r.comments.size();
  if (!page.ok) {
    page.error.index = base;
    r.problems.push_back(std::move(page.error));
    return;
  }
  auto id_of = [&](std::uint32_t k) -> std::string_view { return r.comments[k].id; };
  r.store.absorb(std::move(page.store));
  for (auto& p : page.problems) {
    p.index += base;
    r.problems.push_back(std::move(p));
  }
  r.problems.add_omitted(page.problems.omitted());
  // A page with a total is the server's count from then on; a page without one (what the widget
  // learnt) moves the count by the comments it adds and those it shows deleted.
  const bool counted = page.total >= 0;
  if (counted) {
    r.total = page.total;
    r.total_delta = 0;
  }
  const auto shown = [](const comment& c) { return c.status != comment_status::deleted; };
  for (auto& c : page.comments) {
    if (const auto known = r.ids.find(c.id, id_of)) {
      if (!counted) r.total_delta += int(shown(c)) - int(shown(r.comments[*known]));
      r.comments[*known] = std::move(c);
      continue;
    }
    if (!c.parent.empty() && !r.next.empty() && !r.ids.find(c.parent, id_of)) continue;
    if (!counted) r.total_delta += int(shown(c));
    r.comments.push_back(std::move(c));
    r.ids.insert(r.comments.back().id, std::uint32_t(r.comments.size() - 1), id_of);
  }
  if (page.next_given) r.next = std::move(page.next);
}

inline read_result read_comment_pages(std::string_view input) {
  std::size_t end = input.find('\0');
  read_result r = read_comments(input.substr(0, end));
  if (!r.ok) return r;
  while (end != std::string_view::npos) {
    std::size_t start = end + 1;
    end = input.find('\0', start);
    add_page(r, read_comments(input.substr(start, end == std::string_view::npos ? end : end - start)));
  }
  return r;
}
COLLOQUY_COLD_END

}  // namespace colloquy
