// Locale data: every user-visible word the core renders, in one place.
#pragma once
#include <array>
#include <string_view>

namespace colloquy {

struct locale_data {
  std::string_view tag;                      // BCP 47 language tag
  std::array<std::string_view, 12> months;   // nominative month names
  std::string_view date_pattern;             // {month} {day} {year}
  std::string_view byline;                   // {name} {place}
  std::string_view byline_no_place;          // {name}
  std::string_view anonymous;
  std::string_view reply;
  std::string_view more;                     // the story card's "… more" link
  std::string_view comments_one, comments_many;  // header count: {n}
  std::string_view sort_label;
  std::string_view sort_oldest, sort_newest;
  std::string_view latest_stories;
  // Threads: sort orders, paging, deep replies, deleted placeholders. A locale that leaves one
  // empty gets the English text (see `or_english`).
  std::string_view sort_top, sort_hot, sort_controversial;
  std::string_view load_more;
  std::string_view byline_reply;           // {name} {place} {to}: a reply shown below the depth cap
  std::string_view byline_reply_no_place;  // {name} {to}
  std::string_view deleted;                // a deleted comment kept for its replies
};

inline constexpr locale_data locale_en{
    "en",
    {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"},
    "{month} {day}, {year}",
    "{name} in {place} writes:",
    "{name} writes:",
    "Anonymous",
    "Reply",
    "more",
    "{n} Comment",
    "{n} Comments",
    "Sort by",
    "Oldest",
    "Newest",
    "Latest Stories",
    "Top",
    "Hot",
    "Controversial",
    "Load more comments",
    "{name} in {place}, replying to {to}:",
    "{name}, replying to {to}:",
    "This comment was deleted.",
};

// `text` unless a locale left it empty, then `english` (strings added after a locale was written).
inline std::string_view or_english(std::string_view text, std::string_view english) {
  return text.empty() ? english : text;
}

// The locale for a language tag ("en", "en-US"); English when the language is not available.
inline const locale_data& find_locale(std::string_view /*tag*/) { return locale_en; }

// Replaces each "{key}" in `pattern` by the value `get(key)` returns, appending to `out`.
// Values are appended through `emit`, so callers choose escaping per value.
template <class Emit>
void expand_pattern(std::string_view pattern, Emit&& emit_key, std::string& out) {
  std::size_t pos = 0;
  while (pos < pattern.size()) {
    auto open = pattern.find('{', pos);
    if (open == std::string_view::npos) break;
    auto close = pattern.find('}', open);
    if (close == std::string_view::npos) break;
    out.append(pattern.substr(pos, open - pos));
    emit_key(pattern.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  out.append(pattern.substr(pos));
}

}  // namespace colloquy
