// Stable error codes. Tests assert them and JavaScript shows them; never rename one.
#pragma once
#include <string>
#include <string_view>

namespace colloquy {

// A problem found while reading input: a stable code, where it was, and a readable message.
// `id` is the item's id when it has one; `index` its position in the input array.
struct problem {
  std::string code;
  std::string id;
  std::size_t index = 0;
  std::string field;
  std::string message;
};

namespace errc {
// Document-level: the input cannot be used at all.
inline constexpr std::string_view not_json = "not_json";
inline constexpr std::string_view no_comments = "no_comments";
inline constexpr std::string_view too_deep = "json_too_deep";
inline constexpr std::string_view too_large = "document_too_large";
// Item-level: one comment skipped or repaired, the others kept.
inline constexpr std::string_view not_object = "item_not_object";
inline constexpr std::string_view missing_id = "missing_id";
inline constexpr std::string_view bad_id = "bad_id";
inline constexpr std::string_view duplicate_id = "duplicate_id";
inline constexpr std::string_view bad_parent = "bad_parent";
inline constexpr std::string_view bad_author = "bad_author";
inline constexpr std::string_view bad_author_url = "bad_author_url";
inline constexpr std::string_view missing_date = "missing_date";
inline constexpr std::string_view bad_date = "bad_date";
inline constexpr std::string_view missing_text = "missing_text";
inline constexpr std::string_view bad_text = "bad_text";
inline constexpr std::string_view text_too_long = "text_too_long";
inline constexpr std::string_view bad_votes = "bad_votes";
inline constexpr std::string_view bad_status = "bad_status";
inline constexpr std::string_view too_many_comments = "too_many_comments";
// Document fields present but unusable: ignored, the comments kept.
inline constexpr std::string_view bad_thread = "bad_thread";
inline constexpr std::string_view bad_next = "bad_next";
// Threading (thread.hpp): the comment is kept and shown at top level.
inline constexpr std::string_view orphan = "orphan";            // parent not in the thread
inline constexpr std::string_view self_parent = "self_parent";  // a comment replying to itself
inline constexpr std::string_view reply_cycle = "reply_cycle";  // cut here to break a cycle
// Feeds.
inline constexpr std::string_view not_feed = "not_feed";         // no items array, unknown XML root, empty
inline constexpr std::string_view not_xml = "not_xml";           // RSS/Atom not well-formed (loader's XML parser)
inline constexpr std::string_view feed_is_xml = "feed_is_xml";   // RSS/Atom handed to the core, which reads JSON Feed
inline constexpr std::string_view missing_url = "missing_url";   // feed item without a link: skipped
inline constexpr std::string_view bad_url = "bad_url";           // feed item link not http(s): skipped
inline constexpr std::string_view bad_image = "bad_image";       // feed item image not http(s): dropped
}  // namespace errc

}  // namespace colloquy
