// The reference comments reader: the same answer as read_comments (read.hpp) through nlohmann's
// DOM, the oracle the tests and the fuzzer compare the product reader with. Native tools and
// tests only: nlohmann is not part of the widget's module.
//
//   colloquy::read_result ref = colloquy::read_comments_reference(bytes);
#pragma once
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/json_dom.hpp"
#include "colloquy/read.hpp"

namespace colloquy {
namespace detail {

// ---- The reference reader: nlohmann, the oracle ----

inline json_value value_of(const nlohmann::json& j) {
  json_value v;
  switch (j.type()) {
    case nlohmann::json::value_t::null: v.k = jk::null; break;
    case nlohmann::json::value_t::boolean:
      v.k = jk::boolean;
      v.magnitude = j.get<bool>() ? 1 : 0;
      break;
    case nlohmann::json::value_t::number_integer: {
      auto i = j.get<std::int64_t>();
      v.k = jk::integer;
      v.negative = i < 0;
      v.magnitude = i < 0 ? std::uint64_t(0) - static_cast<std::uint64_t>(i) : static_cast<std::uint64_t>(i);
      break;
    }
    case nlohmann::json::value_t::number_unsigned:
      v.k = jk::integer;
      v.magnitude = j.get<std::uint64_t>();
      break;
    case nlohmann::json::value_t::number_float:
      v.k = jk::real;
      v.real = j.get<double>();
      break;
    case nlohmann::json::value_t::string:
      v.k = jk::string;
      v.text = j.get_ref<const std::string&>();
      break;
    case nlohmann::json::value_t::object: v.k = jk::object; break;
    case nlohmann::json::value_t::array: v.k = jk::array; break;
    default: break;
  }
  return v;
}

inline json_value member_of(const nlohmann::json& object, const char* key) {
  auto f = object.find(key);
  return f == object.end() ? json_value{} : value_of(*f);
}

inline raw_item raw_item_of(const nlohmann::json& item) {
  raw_item it;
  it.id = member_of(item, "id");
  it.parent = member_of(item, "parent");
  it.created = member_of(item, "created");
  it.edited = member_of(item, "edited");
  it.text = member_of(item, "text");
  it.status = member_of(item, "status");
  it.author = member_of(item, "author");
  it.votes = member_of(item, "votes");
  if (it.author.is(jk::object)) {
    const auto& a = *item.find("author");
    it.author_name = member_of(a, "name");
    it.author_location = member_of(a, "location");
    it.author_url = member_of(a, "url");
  }
  if (it.votes.is(jk::object)) {
    const auto& v = *item.find("votes");
    it.votes_up = member_of(v, "up");
    it.votes_down = member_of(v, "down");
  }
  return it;
}

}  // namespace detail

// The same answer through nlohmann's DOM: the oracle for tests and fuzzing (slower, and it
// builds the whole document in memory first). Never throws.
inline read_result read_comments_reference(std::string_view document) {
  using nlohmann::json;
  if (document.size() > limits::max_document_bytes)
    return detail::document_error(errc::document_too_large, "", "document is larger than the limit");
  // Nesting past the limit is parsed on and marked (parse_json_limited): the comment holding
  // it is refused below, as in the fast reader. (A parser callback could see the depth too, but
  // nlohmann's callback parser is quadratic on long arrays of objects: 5 s for 200,000
  // comments.)
  json doc;
  switch (detail::parse_json_limited(document, doc, true)) {
    case detail::json_parse::too_deep:
      return detail::document_error(errc::json_too_deep, "", "JSON nesting is deeper than the limit");
    case detail::json_parse::not_json: return detail::document_error(errc::not_json, "", "document is not valid JSON");
    case detail::json_parse::ok: break;
  }
  read_result r;
  const json* items = nullptr;
  detail::json_value thread, next, feed, total;
  if (doc.is_array()) {
    items = &doc;
  } else if (doc.is_object()) {
    if (auto c = doc.find("comments"); c != doc.end() && c->is_array()) items = &*c;
    thread = detail::member_of(doc, "thread");
    next = detail::member_of(doc, "next");
    feed = detail::member_of(doc, "feed");
    total = detail::member_of(doc, "total");
  }
  if (!items) return detail::document_error(errc::no_comments, "comments", "document has no comments array");
  detail::item_sink sink(r);
  for (std::size_t i = 0; i < items->size(); ++i) {
    if (!sink.accepting(i)) break;
    const json& item = (*items)[i];
    if (!item.is_object()) sink.not_object(i);
    else {
      detail::raw_item it = detail::raw_item_of(item);
      it.too_deep = detail::has_too_deep(item);
      sink.add(it, i);
    }
  }
  detail::finish_document(r, thread, next, feed, total);
  r.ok = true;
  return r;
}

}  // namespace colloquy
