// Reading a comments document (DESIGN §2) into validated comments.
//
//   auto r = colloquy::read_comments(R"([{"id":1,"created":0,"text":"hi"}])");
//   // r.ok, r.comments[0].id == "1", r.problems empty
//
// Bad items are skipped or repaired, each with a problem (stable code + id/index); good items
// are always kept. Only a document that is not JSON or has no comments array fails as a whole.
#pragma once
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/comment.hpp"
#include "colloquy/date.hpp"
#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/limits.hpp"

namespace colloquy {

struct read_result {
  bool ok = false;             // false: the document itself is unusable (see `error`)
  problem error;               // document-level problem when !ok
  std::string thread;          // the document's thread id, if given
  std::string next;            // "load more" cursor, if given
  std::vector<comment> comments;
  std::vector<problem> problems;  // item-level: skipped or repaired items
};

namespace detail {

// Deepest [ / { nesting of a JSON text, strings skipped; stops counting past `cap`.
inline std::size_t json_depth(std::string_view s, std::size_t cap) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > deepest && (deepest = depth) > cap) return deepest;
    } else if ((c == ']' || c == '}') && depth) {
      --depth;
    }
  }
  return deepest;
}

inline problem make_problem(std::string_view code, const std::string& id, std::size_t index,
                            std::string_view field, std::string_view message) {
  return problem{std::string(code), id, index, std::string(field), std::string(message)};
}

// Reads an id-like value: a non-empty string or an integer. Returns false for other types.
inline bool read_id(const nlohmann::json& v, std::string& out) {
  if (v.is_string()) {
    out = v.get_ref<const std::string&>();
    return true;
  }
  if (v.is_number_integer()) {
    out = v.is_number_unsigned() ? std::to_string(v.get<std::uint64_t>()) : std::to_string(v.get<std::int64_t>());
    return true;
  }
  return false;
}

inline std::optional<int64_t> read_time(const nlohmann::json& v) {
  if (v.is_string()) return parse_iso8601(v.get_ref<const std::string&>());
  if (v.is_number()) return from_unix_seconds(v.get<double>());
  return std::nullopt;
}

// Reads one item; returns false when it must be skipped. Repairs are reported and kept.
inline bool read_item(const nlohmann::json& item, std::size_t index, comment& c, std::vector<problem>& problems) {
  if (!item.is_object()) {
    problems.push_back(make_problem(errc::not_object, "", index, "", "comment is not a JSON object"));
    return false;
  }
  auto id = item.find("id");
  if (id == item.end() || id->is_null()) {
    problems.push_back(make_problem(errc::missing_id, "", index, "id", "comment has no id"));
    return false;
  }
  if (!read_id(*id, c.id) || c.id.empty() || c.id.size() > limits::max_id_bytes) {
    problems.push_back(make_problem(c.id.empty() && id->is_string() ? errc::missing_id : errc::bad_id, "", index,
                                    "id", "id must be a non-empty string or an integer"));
    return false;
  }
  auto created = item.find("created");
  if (created == item.end() || created->is_null()) {
    problems.push_back(make_problem(errc::missing_date, c.id, index, "created", "comment has no date"));
    return false;
  }
  auto when = read_time(*created);
  if (!when) {
    problems.push_back(make_problem(errc::bad_date, c.id, index, "created", "date is not ISO 8601 or Unix seconds"));
    return false;
  }
  c.created = *when;
  auto text = item.find("text");
  if (text == item.end() || text->is_null()) {
    problems.push_back(make_problem(errc::missing_text, c.id, index, "text", "comment has no text"));
    return false;
  }
  if (!text->is_string()) {
    problems.push_back(make_problem(errc::bad_text, c.id, index, "text", "text must be a string"));
    return false;
  }
  c.text = text->get_ref<const std::string&>();
  if (c.text.size() > limits::max_text_bytes) {
    problems.push_back(make_problem(errc::text_too_long, c.id, index, "text", "text is longer than the limit"));
    return false;
  }
  // Optional fields: a bad value is dropped (repaired), the comment kept.
  if (auto p = item.find("parent"); p != item.end() && !p->is_null()) {
    if (!read_id(*p, c.parent))
      problems.push_back(make_problem(errc::bad_parent, c.id, index, "parent", "parent ignored: not an id"));
  }
  if (auto a = item.find("author"); a != item.end() && !a->is_null()) {
    auto str = [&](const char* key, std::string& out, std::size_t limit) {
      auto f = a->find(key);
      if (f == a->end() || f->is_null()) return;
      if (!f->is_string() || f->get_ref<const std::string&>().size() > limit) {
        problems.push_back(make_problem(errc::bad_author, c.id, index, std::string("author.") + key,
                                        "author field ignored: not a string or too long"));
        return;
      }
      out = f->get_ref<const std::string&>();
    };
    if (a->is_string()) {
      if (a->get_ref<const std::string&>().size() <= limits::max_name_bytes) c.author.name = a->get<std::string>();
      else problems.push_back(make_problem(errc::bad_author, c.id, index, "author", "author name too long"));
    } else if (a->is_object()) {
      str("name", c.author.name, limits::max_name_bytes);
      str("location", c.author.location, limits::max_location_bytes);
      std::string url;
      str("url", url, limits::max_url_bytes);
      if (!url.empty()) {
        if (is_safe_url(url, url_policy::web)) c.author.url = std::move(url);
        else problems.push_back(make_problem(errc::bad_author_url, c.id, index, "author.url",
                                             "author url dropped: only http(s) URLs are kept"));
      }
    } else {
      problems.push_back(make_problem(errc::bad_author, c.id, index, "author", "author must be an object or a string"));
    }
  }
  if (auto e = item.find("edited"); e != item.end() && !e->is_null()) {
    if (auto t = read_time(*e)) c.edited = *t;
    else problems.push_back(make_problem(errc::bad_date, c.id, index, "edited", "edited date ignored: unparsable"));
  }
  if (auto v = item.find("votes"); v != item.end() && !v->is_null()) {
    if (v->is_number_integer()) {
      c.up = v->get<int64_t>();
    } else if (v->is_object()) {
      auto count = [&](const char* key, int64_t& out) {
        auto f = v->find(key);
        if (f == v->end()) return true;
        if (!f->is_number_integer() || f->get<int64_t>() < 0) return false;
        out = f->get<int64_t>();
        return true;
      };
      if (count("up", c.up) && count("down", c.down)) {
        c.has_up_down = true;
      } else {
        c.up = c.down = 0;
        problems.push_back(make_problem(errc::bad_votes, c.id, index, "votes", "votes ignored: need integers >= 0"));
      }
    } else {
      problems.push_back(make_problem(errc::bad_votes, c.id, index, "votes", "votes ignored: not an object or integer"));
    }
  }
  if (auto s = item.find("status"); s != item.end() && !s->is_null()) {
    const std::string* st = s->is_string() ? &s->get_ref<const std::string&>() : nullptr;
    if (st && *st == "published") c.status = comment_status::published;
    else if (st && *st == "pending") c.status = comment_status::pending;
    else if (st && *st == "deleted") c.status = comment_status::deleted;
    else {
      // An unknown status is not trusted to be public: the comment is skipped.
      problems.push_back(make_problem(errc::bad_status, c.id, index, "status", "unknown status"));
      return false;
    }
  }
  return true;
}

}  // namespace detail

inline read_result read_comments(std::string_view json) {
  read_result r;
  if (json.size() > limits::max_document_bytes) {
    r.error = detail::make_problem(errc::too_large, "", 0, "", "document is larger than the limit");
    return r;
  }
  if (detail::json_depth(json, limits::max_json_depth) > limits::max_json_depth) {
    r.error = detail::make_problem(errc::too_deep, "", 0, "", "JSON nesting is deeper than the limit");
    return r;
  }
  auto doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded()) {
    r.error = detail::make_problem(errc::not_json, "", 0, "", "document is not valid JSON");
    return r;
  }
  const nlohmann::json* items = nullptr;
  if (doc.is_array()) {
    items = &doc;
  } else if (doc.is_object()) {
    if (auto c = doc.find("comments"); c != doc.end() && c->is_array()) items = &*c;
    if (auto t = doc.find("thread"); t != doc.end() && t->is_string()) r.thread = t->get<std::string>();
    if (auto n = doc.find("next"); n != doc.end() && n->is_string()) r.next = n->get<std::string>();
  }
  if (!items) {
    r.error = detail::make_problem(errc::no_comments, "", 0, "comments", "document has no comments array");
    return r;
  }
  r.ok = true;
  r.comments.reserve(std::min(items->size(), limits::max_comments));
  std::unordered_set<std::string_view> seen;
  // Ids are viewed from `r.comments`; reserve above keeps them from moving.
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (r.comments.size() == limits::max_comments) {
      r.problems.push_back(detail::make_problem(errc::too_many_comments, "", i, "",
                                                "thread has more comments than the limit; the rest are skipped"));
      break;
    }
    comment c;
    if (!detail::read_item((*items)[i], i, c, r.problems)) continue;
    if (seen.count(c.id)) {
      r.problems.push_back(detail::make_problem(errc::duplicate_id, c.id, i, "id", "duplicate id: the first is kept"));
      continue;
    }
    r.comments.push_back(std::move(c));
    seen.insert(r.comments.back().id);
  }
  return r;
}

}  // namespace colloquy
