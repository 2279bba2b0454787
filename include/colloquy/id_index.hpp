// A flat hash index of comment ids: id -> position in a comment vector, used by the reader
// (duplicate ids) and by threading (parents).
//
//   colloquy::detail::id_index ids;
//   auto first = ids.insert(c.id, i, [&](std::uint32_t k) -> std::string_view { return cs[k].id; });
//   // first == i: a new id; otherwise the position of the earlier comment with that id
//
// Why not std::unordered_map: it allocates a node per id, and in wasm (dlmalloc) those
// allocations were a visible share of reading a 10,000-comment thread. Open addressing with
// linear probing over one vector of (hash, position) slots does no allocation per id. Ids are
// not stored: the caller's `id_of(position)` gives them back, so the index never dangles when
// the caller's vector grows.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace colloquy::detail {

// A hint that `p` will be read soon (nothing where the compiler has no such builtin; nothing
// in wasm).
inline void prefetch(const void* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

class id_index {
 public:
  explicit id_index(std::size_t expected = 0) { rehash(capacity_for(expected)); }

  // FNV-1a: simple, and the same on every platform (the order of nothing depends on it).
  static std::uint32_t hash(std::string_view s) {
    std::uint32_t h = 2166136261u;
    for (unsigned char c : s) h = (h ^ c) * 16777619u;
    return h;
  }

  // Asks for the slot where `id` would be looked up: on large threads the table is far bigger
  // than the cache, and every lookup was a miss. Called some work before find.
  void prefetch_slot(std::string_view id) const {
    if (!slots_.empty()) prefetch(&slots_[hash(id) & (slots_.size() - 1)]);
  }

  // Inserts `position` for `id` unless the id is already there; returns the position stored.
  template <class IdOf>
  std::uint32_t insert(std::string_view id, std::uint32_t position, IdOf&& id_of) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    const std::uint32_t h = hash(id);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      slot& s = slots_[i];
      if (s.position == empty) {
        s = {h, position};
        ++size_;
        return position;
      }
      if (s.hash == h && id_of(s.position) == id) return s.position;
    }
  }

  template <class IdOf>
  std::optional<std::uint32_t> find(std::string_view id, IdOf&& id_of) const {
    const std::uint32_t h = hash(id);
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const slot& s = slots_[i];
      if (s.position == empty) return std::nullopt;
      if (s.hash == h && id_of(s.position) == id) return s.position;
    }
  }

  std::size_t size() const { return size_; }

  void clear() {
    slots_.assign(slots_.size(), slot{});
    size_ = 0;
  }

 private:
  static constexpr std::uint32_t empty = UINT32_MAX;
  struct slot {
    std::uint32_t hash = 0;
    std::uint32_t position = empty;
  };

  static std::size_t capacity_for(std::size_t n) {
    std::size_t c = 16;
    while (c < n * 2) c *= 2;
    return c;
  }

  void rehash(std::size_t capacity) {
    std::vector<slot> old = std::move(slots_);
    slots_.assign(capacity, slot{});
    const std::size_t mask = capacity - 1;
    for (const slot& s : old) {
      if (s.position == empty) continue;
      std::size_t i = s.hash & mask;
      while (slots_[i].position != empty) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }

  std::vector<slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace colloquy::detail
