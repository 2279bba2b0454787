// The comment model every stage shares (DESIGN §2, after reading).
//
// A comment's strings are views: into the comments document it was read from, or into the
// read_result's text_store (read.hpp) for strings that had to be decoded. Reading copies no
// comment text; keep the document and the read_result alive while the comments are in use.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace colloquy {

enum class comment_status : std::uint8_t { published, pending, deleted };

struct author_info {
  std::string_view name;      // may be empty: renders as "Anonymous"
  std::string_view location;  // free text; the byline shows its first part
  std::string_view url;       // empty unless an absolute http(s) URL

  bool operator==(const author_info&) const = default;
};

struct comment {
  std::string_view id;      // ids are strings; integer ids are read as their decimal form
  std::string_view parent;  // empty: top level
  author_info author;
  int64_t created = 0;    // ms since the Unix epoch, UTC
  int64_t edited = 0;     // 0: never edited
  std::string_view text;  // comment markup (DESIGN §4), unformatted
  int64_t up = 0, down = 0;
  bool has_up_down = false;  // false: only the net score (`up`) is known
  comment_status status = comment_status::published;

  int64_t score() const { return up - down; }
  // Every field, so a comparison (the readers' agreement tests) cannot miss a new one.
  bool operator==(const comment&) const = default;
};

// Whether `id` holds a C0 control character or DEL: such an id is refused wherever comment ids
// come in (read.hpp, import.hpp), as a reply's parent too (compose.hpp). An id is also the
// element id `comment-<id>` and `data-id`, and HTML's parser rewrites controls in attribute
// values (CR and CRLF become LF, NUL becomes U+FFFD): "a\r" and "a\n" would be one element, and
// links, replies and de-duplication by id would find the wrong comment. The other controls go
// too: no comment system's ids hold them, and they cannot be seen in a link or a message.
inline bool id_has_control(std::string_view id) {
  for (char c : id)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) return true;
  return false;
}

// Stable storage for the strings comments point at when they are not the document's own bytes
// (decoded escapes, integer ids), and for documents handed over by value. Strings are packed
// into large chunks: no allocation per comment, and nothing moves when the store is moved.
class text_store {
 public:
  std::string_view keep(std::string_view s) {
    if (s.empty()) return {};
    if (s.size() > room_) {
      const std::size_t size = std::max(s.size(), chunk_size_);
      // 16 KB doubling to 64 KB: ordinary heap blocks, that a later call reuses.
      chunk_size_ = std::min<std::size_t>(chunk_size_ * 2, std::size_t(64) << 10);
      chunks_.push_back(std::make_unique<char[]>(size));
      next_ = chunks_.back().get();
      room_ = size;
    }
    std::memcpy(next_, s.data(), s.size());
    std::string_view kept(next_, s.size());
    next_ += s.size();
    room_ -= s.size();
    return kept;
  }

  // Takes a document over (no copy); the view stays valid for the store's life.
  std::string_view own(std::string&& document) {
    documents_.push_back(std::make_unique<std::string>(std::move(document)));
    return *documents_.back();
  }

  // Takes over everything another store holds (its views stay valid).
  void absorb(text_store&& other) {
    for (auto& c : other.chunks_) chunks_.push_back(std::move(c));
    for (auto& d : other.documents_) documents_.push_back(std::move(d));
    other = text_store{};
  }

 private:
  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::unique_ptr<std::string>> documents_;
  char* next_ = nullptr;
  std::size_t room_ = 0;
  std::size_t chunk_size_ = 16 * 1024;
};

}  // namespace colloquy
