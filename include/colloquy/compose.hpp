// Posting: a reader's draft, normalised and validated by the very code the widget (through
// wasm) and the reference server both run (DESIGN §3).
//
//   colloquy::draft d{.thread = "/post", .name = " Ron ", .text = "Hi\r\nthere", .client_id = "4b2f"};
//   colloquy::draft_result r = colloquy::validate_draft(d);
//   // r.ok(), r.value.name == "Ron", r.value.text == "Hi\nthere"
//
//   auto j = colloquy::read_draft(R"({"thread":"/post","text":"  ","clientId":"x1"})");
//   // j.problems[0].code == "text_required", .field == "text"
//
// Normalising: invalid UTF-8 becomes U+FFFD; CRLF and CR become LF; control characters are
// removed (the text keeps LF and tab; one-line fields turn tab/LF into a space and also drop
// bidi overrides, which could reorder the byline around them); every field is trimmed.
// Validating reports every problem, each with a stable code and the field it belongs to
// (`thread`, `parent`, `name`, `location`, `text`, `clientId`, `honeypot`).
#pragma once
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/error.hpp"
#include "colloquy/json_reader.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/utf8.hpp"

namespace colloquy {

// What a reader typed, plus the hidden honeypot field that only bots fill in.
struct draft {
  std::string thread;  // the page's thread id
  std::string parent;  // empty: top level
  std::string name;    // may be empty: "Anonymous"
  std::string location;
  std::string text;       // comment markup, stored raw (rendering escapes it)
  std::string client_id;  // idempotency key chosen by the client (a UUID)
  std::string honeypot;   // must stay empty
};

struct draft_result {
  draft value;                    // normalised
  std::vector<problem> problems;  // every problem found, in field order
  bool ok() const { return problems.empty(); }
};

struct draft_options {
  // The widget validates while the reader types, before it has picked a clientId.
  bool require_client_id = true;
};

namespace detail {

// The normalisation described at the top of this header. `multiline`: the comment text.
inline std::string normalise_field(std::string_view s, bool multiline) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    std::size_t n = utf8_sequence(s, i);
    if (n == 0) {
      out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (n == 1) {
      if (c == '\r') {
        out += multiline ? '\n' : ' ';
        if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      } else if (c == '\n' || c == '\t') {
        out += multiline ? char(c) : ' ';
      } else if (c >= 0x20 && c != 0x7F) {
        out += char(c);
      }  // other C0 controls and DEL are dropped
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      // C1 controls (U+0080..U+009F) are dropped.
    } else if (!multiline && n == 3 && c == 0xE2 &&
               ((s[i + 1] == '\x80' && static_cast<unsigned char>(s[i + 2]) >= 0xAA &&
                 static_cast<unsigned char>(s[i + 2]) <= 0xAE) ||
                (s[i + 1] == '\x81' && static_cast<unsigned char>(s[i + 2]) >= 0xA6 &&
                 static_cast<unsigned char>(s[i + 2]) <= 0xA9))) {
      // Bidi embeddings/overrides (U+202A..U+202E) and isolates (U+2066..U+2069).
    } else {
      out.append(s.data() + i, n);
    }
    i += n;
  }
  auto space = [](char c) { return c == ' ' || c == '\n' || c == '\t'; };
  std::size_t a = 0, z = out.size();
  while (a < z && space(out[a])) ++a;
  while (z > a && space(out[z - 1])) --z;
  return out.substr(a, z - a);
}

inline bool is_client_id_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == ':';
}

// Problems are listed in the order of the form's fields.
inline int field_rank(std::string_view field) {
  constexpr std::string_view order[] = {"thread", "parent", "name", "location", "text", "clientId", "honeypot"};
  for (int i = 0; i < 7; ++i)
    if (order[i] == field) return i;
  return 7;
}

inline void add_problem(std::vector<problem>& out, std::string_view code, std::string_view field,
                        std::string_view message) {
  problem p;
  p.code = std::string(code);
  p.field = std::string(field);
  p.message = std::string(message);
  out.push_back(std::move(p));
}

// A request body (a draft, a vote) parsed into `doc` as a JSON object, or its problem added to
// `problems`: body_too_large past 256 KB, not_json (deeper than the reader's depth too), or
// not_object, each worded for what the body should have been.
inline bool read_request_object(std::string_view json, json_document& doc, std::vector<problem>& problems,
                                std::string_view not_json_message, std::string_view not_object_message) {
  if (json.size() > limits::max_draft_bytes)
    add_problem(problems, errc::body_too_large, "", "the request body is larger than 256 KB");
  else if (doc.parse(json) != json_document::status::ok) add_problem(problems, errc::not_json, "", not_json_message);
  else if (!doc.root().is(json_value::kind::object)) add_problem(problems, errc::not_object, "", not_object_message);
  else return true;
  return false;
}

}  // namespace detail

// Normalises every field of `d`, then checks it. Never throws.
inline draft_result validate_draft(const draft& d, const draft_options& o = {}) {
  draft_result r;
  draft& v = r.value;
  v.thread = detail::normalise_field(d.thread, false);
  // Ids are compared byte for byte, so only surrounding blanks are trimmed from them.
  v.parent = detail::normalise_field(d.parent, false);
  v.name = detail::normalise_field(d.name, false);
  v.location = detail::normalise_field(d.location, false);
  v.text = detail::normalise_field(d.text, true);
  v.client_id = detail::normalise_field(d.client_id, false);
  v.honeypot = detail::normalise_field(d.honeypot, false);
  auto& p = r.problems;
  using namespace detail;
  if (v.thread.empty()) add_problem(p, errc::thread_required, "thread", "the thread id is missing");
  else if (v.thread.size() > limits::max_thread_bytes)
    add_problem(p, errc::thread_too_long, "thread", "the thread id is longer than 512 bytes");
  if (!v.parent.empty() && (v.parent.size() > limits::max_id_bytes || v.parent != d.parent))
    add_problem(p, errc::bad_parent, "parent", "the parent is not a comment id");
  if (v.name.size() > limits::max_name_bytes)
    add_problem(p, errc::name_too_long, "name", "the name is longer than 200 bytes");
  if (v.location.size() > limits::max_location_bytes)
    add_problem(p, errc::location_too_long, "location", "the location is longer than 200 bytes");
  if (v.text.empty()) add_problem(p, errc::text_required, "text", "the comment is empty");
  else if (v.text.size() > limits::max_text_bytes)
    add_problem(p, errc::text_too_long, "text", "the comment is longer than 40,000 bytes");
  if (v.client_id.empty()) {
    if (o.require_client_id) add_problem(p, errc::client_id_required, "clientId", "the clientId is missing");
  } else {
    bool shape = v.client_id.size() <= limits::max_client_id_bytes && v.client_id == d.client_id;
    for (char c : v.client_id) shape = shape && is_client_id_char(c);
    if (!shape)
      add_problem(p, errc::bad_client_id, "clientId",
                  "the clientId must be 1 to 128 letters, digits, '-', '_', '.' or ':'");
  }
  if (!v.honeypot.empty()) add_problem(p, errc::honeypot_filled, "honeypot", "the form was filled in by a bot");
  return r;
}

// A posted JSON body (DESIGN §3: {thread, parent, author:{name,location}, text, clientId}, plus
// an optional `honeypot`) read into a draft and validated. Wrong JSON types are problems too
// (`bad_field`), reported alongside the others; unknown keys are ignored.
inline draft_result read_draft(std::string_view json, const draft_options& o = {}) {
  draft_result r;
  detail::json_document doc;
  if (!detail::read_request_object(json, doc, r.problems, "the request body is not valid JSON",
                                   "the request body is not a JSON object"))
    return r;
  const detail::json_document::ref j = doc.root();
  draft d;
  std::vector<problem> type_problems;
  using jk = detail::json_value::kind;
  auto text_of = [&](detail::json_document::ref obj, const char* key, const char* field, std::string& out) {
    const detail::json_document::ref f = obj[key];
    if (!f.present()) return;
    if (auto s = f.string()) out = *s;
    else detail::add_problem(type_problems, errc::bad_field, field, std::string(field) + " must be a string");
  };
  text_of(j, "thread", "thread", d.thread);
  if (const detail::json_document::ref f = j["parent"]; f.present()) {
    char buf[24];
    if (auto s = f.string()) d.parent = *s;
    else if (f.is(jk::integer)) d.parent = detail::integer_text(f.value(), buf);
    else detail::add_problem(type_problems, errc::bad_parent, "parent", "the parent is not a comment id");
  }
  if (const detail::json_document::ref a = j["author"]; a.present()) {
    if (auto s = a.string()) d.name = *s;
    else if (a.is(jk::object)) {
      text_of(a, "name", "name", d.name);
      text_of(a, "location", "location", d.location);
    } else {
      detail::add_problem(type_problems, errc::bad_field, "name", "author must be an object");
    }
  }
  text_of(j, "text", "text", d.text);
  text_of(j, "clientId", "clientId", d.client_id);
  text_of(j, "honeypot", "honeypot", d.honeypot);
  r = validate_draft(d, o);
  // A field with the wrong type was read as empty: report the type, not the emptiness.
  for (const auto& t : type_problems) {
    std::erase_if(r.problems, [&](const problem& p) { return p.field == t.field; });
  }
  r.problems.insert(r.problems.begin(), type_problems.begin(), type_problems.end());
  std::stable_sort(r.problems.begin(), r.problems.end(), [](const problem& a, const problem& b) {
    return detail::field_rank(a.field) < detail::field_rank(b.field);
  });
  return r;
}

// A vote (POST /api/comments/votes, DESIGN §8): {"thread", "comment", "voter", "vote"}.
struct vote_request {
  std::string thread;  // normalised as a post's
  std::string comment;
  std::string voter;
  int vote = 0;  // 1, -1, or 0 to take a vote back
};

struct vote_request_result {
  vote_request value;
  std::vector<problem> problems;  // the first problem found, if any
  bool ok() const { return problems.empty(); }
};

// A voter id: 8 to 128 printable ASCII characters, no spaces (a UUID, say).
inline bool is_voter_id(std::string_view v) {
  if (v.size() < 8 || v.size() > 128) return false;
  for (char c : v)
    if (c <= 0x20 || c >= 0x7F) return false;
  return true;
}

// A vote's body read and checked as the server takes it, with the core's JSON reader: any valid
// JSON is read (a vote of 1e309 is a number, and not a vote), nothing is built beyond the
// reader's own bounds, and the first problem is the answer.
inline vote_request_result read_vote(std::string_view json) {
  vote_request_result r;
  auto refuse = [&](std::string_view code, std::string_view field, std::string_view message) {
    detail::add_problem(r.problems, code, field, message);
    return r;
  };
  detail::json_document doc;
  if (!detail::read_request_object(json, doc, r.problems, "the vote is not JSON (or nested deeper than any vote is)",
                                   R"(send {"thread", "comment", "voter", "vote"})"))
    return r;
  const detail::json_document::ref j = doc.root();
  vote_request& v = r.value;
  if (auto t = j["thread"].string()) v.thread = detail::normalise_field(*t, false);
  if (v.thread.empty()) return refuse(errc::thread_required, "thread", "the thread is missing");
  if (v.thread.size() > limits::max_thread_bytes)
    return refuse(errc::thread_too_long, "thread", "the thread id is longer than 512 bytes");
  const auto comment = j["comment"].string();
  if (!comment || comment->empty() || comment->size() > limits::max_id_bytes)
    return refuse(errc::bad_id, "comment", "comment must be the id of a comment");
  v.comment = *comment;
  const auto voter = j["voter"].string();
  if (!voter || !is_voter_id(*voter))
    return refuse(errc::bad_voter, "voter", "voter must be 8 to 128 printable characters without spaces");
  v.voter = *voter;
  const detail::json_value& vote = j["vote"].value();
  if (!vote.is(detail::json_value::kind::integer) || vote.magnitude > 1)
    return refuse(errc::bad_vote, "vote", "vote must be 1, -1 or 0");
  v.vote = vote.negative ? -static_cast<int>(vote.magnitude) : static_cast<int>(vote.magnitude);
  return r;
}

}  // namespace colloquy
