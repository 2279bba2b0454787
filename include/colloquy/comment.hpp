// The comment model every stage shares (DESIGN §2, after reading).
#pragma once
#include <cstdint>
#include <string>

namespace colloquy {

enum class comment_status : std::uint8_t { published, pending, deleted };

struct author_info {
  std::string name;      // may be empty: renders as "Anonymous"
  std::string location;  // free text; the byline shows its first part
  std::string url;       // empty unless an absolute http(s) URL
};

struct comment {
  std::string id;      // ids are strings; integer ids are read as their decimal form
  std::string parent;  // empty: top level
  author_info author;
  int64_t created = 0;  // ms since the Unix epoch, UTC
  int64_t edited = 0;   // 0: never edited
  std::string text;     // comment markup (DESIGN §4), unformatted
  int64_t up = 0, down = 0;
  bool has_up_down = false;  // false: only the net score (`up`) is known
  comment_status status = comment_status::published;

  int64_t score() const { return up - down; }
};

}  // namespace colloquy
