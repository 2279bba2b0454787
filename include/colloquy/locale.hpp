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
  // Posting: the compose form, comments on their way to the server, draft errors.
  std::string_view compose_heading;
  std::string_view field_name, field_location, field_text;
  std::string_view honeypot_label;                  // read only by screen readers and bots
  std::string_view preview_label;
  std::string_view submit, submit_reply, cancel;
  std::string_view sending, not_sent, retry, awaiting_moderation;
  std::string_view error_text_required, error_text_too_long;
  std::string_view error_name_too_long, error_location_too_long;
  std::string_view error_rejected;                  // any other refusal: {code}
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
    "Leave a comment",
    "Name",
    "Location",
    "Comment",
    "Leave this field empty",
    "Preview",
    "Post comment",
    "Post reply",
    "Cancel",
    "Sending\xE2\x80\xA6",
    "Not sent yet",
    "Retry",
    "Awaiting moderation",
    "Please write a comment.",
    "This comment is too long.",
    "This name is too long.",
    "This location is too long.",
    "This comment could not be posted ({code}).",
};

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
