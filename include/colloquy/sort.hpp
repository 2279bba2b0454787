// Sort orders and pagination of comment threads.
//
//   auto order = colloquy::sort_order_from_name("top").value_or(colloquy::sort_order::oldest);
//   auto t = colloquy::build_thread(std::move(comments), {order});        // thread.hpp
//   auto page = colloquy::page_of(t.starts, t.entries.size(), {0, 20});  // the first 20 threads
//
// Orders (applied to top-level comments; replies read as a conversation, oldest first, unless
// thread_options::order_replies applies the same order at every depth):
//   oldest         created ascending (the default, the seed page's order)
//   newest         created descending
//   top            Wilson score interval lower bound at 95% (z = 1.96) of up / (up + down),
//                    (p + z²/2n − z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n),  n = up + down, 0 if n = 0;
//                  when the document carries only net scores (any comment has a non-zero
//                  net-only `votes`), every comment is ranked by its net score instead, so
//                  one document never mixes the two scales.
//   hot            Reddit's "hot" rank, which needs no clock (the same input always sorts the
//                  same way): sign(s)·log10(max(|s|, 1)) + (t − 1134028003) / 45000, where s is
//                  the net score and t the creation time in Unix seconds: ten times the score
//                  is worth 12.5 hours of recency.
//   controversial  Reddit's controversy, (up + down) ^ (min(up, down) / max(up, down)), on a log
//                  scale (it orders alike), 0 when either is 0 (so a net-only document falls
//                  back to the tie-break order): many votes, evenly split, rank first.
// Ties (equal keys) break by creation time (older first; newer first for `newest`), then by
// id in byte order, so the order never depends on the input order.
//
// Pagination counts top-level threads and never splits one: page {offset, size} covers threads
// [offset, offset + size) and `next` is the offset where "load more" continues.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "colloquy/cold.hpp"
#include "colloquy/comment.hpp"
#include "colloquy/locale.hpp"

namespace colloquy {

enum class sort_order { oldest, newest, top, hot, controversial };

// Every order with its stable name (the widget's select values, the CLI's --sort).
inline constexpr std::array<std::pair<std::string_view, sort_order>, 5> sort_orders{{
    {"oldest", sort_order::oldest},
    {"newest", sort_order::newest},
    {"top", sort_order::top},
    {"hot", sort_order::hot},
    {"controversial", sort_order::controversial},
}};

inline std::optional<sort_order> sort_order_from_name(std::string_view name) {
  for (const auto& [n, o] : sort_orders)
    if (n == name) return o;
  return std::nullopt;
}

// An order's label in the sort menu, in `loc`'s words (a new order without one is a -Wswitch warning).
inline std::string_view label_of(sort_order order, const locale_data& loc) {
  switch (order) {
    case sort_order::oldest: return loc.sort_oldest;
    case sort_order::newest: return loc.sort_newest;
    case sort_order::top: return loc.sort_top;
    case sort_order::hot: return loc.sort_hot;
    case sort_order::controversial: return loc.sort_controversial;
  }
  return loc.sort_oldest;
}

inline std::string_view name_of(sort_order order) {
  for (const auto& [n, o] : sort_orders)
    if (o == order) return n;
  return "oldest";
}

// The ranks and the order run once per thread (n log n comparisons at most): built for size.
COLLOQUY_SMALL_BEGIN
// Lower bound of the Wilson score interval at 95% for `up` positive out of `up + down`.
inline double wilson_lower_bound(double up, double down) {
  const double n = up + down;
  if (!(n > 0)) return 0;
  constexpr double z = 1.959963984540054;
  const double p = up / n;
  return (p + z * z / (2 * n) - z * std::sqrt((p * (1 - p) + z * z / (4 * n)) / n)) / (1 + z * z / n);
}

namespace detail {
// log10 of a vote count x >= 1, within a few units in the last place of std::log10: x = m * 2^e
// with m in [1/sqrt(2), sqrt(2)), ln m = 2 atanh((m - 1) / (m + 1)) summed to double precision
// (|t| < 0.18, 12 odd powers). libm's log10 cost the widget's module 0.4 KB gzip.
inline double log10_of_count(double x) {
  int e = 0;
  for (; x >= 1.4142135623730951; x /= 2) ++e;  // exact: halving a double
  const double t = (x - 1) / (x + 1), t2 = t * t;
  double term = t, sum = 0;
  for (int k = 1; k < 25; k += 2, term *= t2) sum += term / k;
  return (e * 0.6931471805599453 + 2 * sum) * 0.4342944819032518;
}
}  // namespace detail

inline double hot_rank(int64_t net_score, int64_t created_ms) {
  const double s = static_cast<double>(net_score);
  const double order = detail::log10_of_count(std::max(std::fabs(s), 1.0));
  const double sign = s > 0 ? 1 : s < 0 ? -1 : 0;
  const double seconds = static_cast<double>(created_ms / 1000 - 1134028003);
  return sign * order + seconds / 45000;
}

// log10 of the controversy: the same order as the power itself (log10 increases), without
// linking pow and its tables into the widget's module (~3 KB gzip).
inline double controversy(int64_t up, int64_t down) {
  if (up <= 0 || down <= 0) return 0;
  const double u = static_cast<double>(up), d = static_cast<double>(down);
  return (u > d ? d / u : u / d) * detail::log10_of_count(u + d);
}

// Orders comments (by index into a comment vector) for one sort order.
class comment_order {
 public:
  comment_order(const std::vector<comment>& comments, sort_order order) : cs_(comments), order_(order) {
    // The dates side by side: sorting a large thread touched every comment at random, each a
    // cache miss; this array is a twentieth of their size.
    created_.resize(comments.size());
    for (std::size_t i = 0; i < comments.size(); ++i) created_[i] = comments[i].created;
    if (order == sort_order::oldest || order == sort_order::newest) return;
    bool net_only = false;
    if (order == sort_order::top)
      for (const auto& c : comments)
        if (!c.has_up_down && c.up != 0) net_only = true;
    key_.resize(comments.size());
    for (std::size_t i = 0; i < comments.size(); ++i) {
      const comment& c = comments[i];
      switch (order) {
        case sort_order::top:
          key_[i] = net_only ? static_cast<double>(c.score())
                             : wilson_lower_bound(static_cast<double>(c.up), static_cast<double>(c.down));
          break;
        case sort_order::hot: key_[i] = hot_rank(c.score(), c.created); break;
        default: key_[i] = c.has_up_down ? controversy(c.up, c.down) : 0; break;
      }
    }
  }

  // It holds arrays the size of the thread: pass it to algorithms by std::cref, never by copy.
  comment_order(const comment_order&) = delete;
  comment_order& operator=(const comment_order&) = delete;

  sort_order order() const { return order_; }
  // The key `top`, `hot` and `controversial` sort by (descending); 0 for the date orders.
  double key(std::uint32_t i) const { return key_.empty() ? 0 : key_[i]; }

  bool operator()(std::uint32_t a, std::uint32_t b) const {
    if (!key_.empty() && key_[a] != key_[b]) return key_[a] > key_[b];
    if (created_[a] != created_[b])
      return order_ == sort_order::newest ? created_[a] > created_[b] : created_[a] < created_[b];
    const comment &x = cs_[a], &y = cs_[b];
    if (x.id != y.id) return x.id < y.id;
    return a < b;  // ids are unique after reading; this keeps the order strict regardless
  }

 private:
  const std::vector<comment>& cs_;
  sort_order order_;
  std::vector<double> key_;
  std::vector<std::int64_t> created_;
};
COLLOQUY_SMALL_END

// One page of top-level threads.
struct page_request {
  std::size_t offset = 0;  // top-level threads to skip (a previous page's `next`)
  std::size_t size = 0;    // top-level threads on the page; 0 = all the rest
};

struct page_range {
  std::size_t first = 0, last = 0;  // entries [first, last) of the thread's display order
  std::size_t offset = 0;           // top-level threads before the page
  std::size_t threads = 0;          // top-level threads on the page
  std::size_t total = 0;            // top-level threads in the whole thread
  std::optional<std::size_t> next;  // offset of the next page, when there is one
};

// `starts[k]` is the entry index where top-level thread k begins; `entries` the entry count.
inline page_range page_of(const std::vector<std::uint32_t>& starts, std::size_t entries, page_request p) {
  page_range r;
  r.total = starts.size();
  r.offset = std::min(p.offset, r.total);
  std::size_t end = p.size == 0 || p.size >= r.total - r.offset ? r.total : r.offset + p.size;
  r.threads = end - r.offset;
  r.first = r.offset < r.total ? starts[r.offset] : entries;
  r.last = end < r.total ? starts[end] : entries;
  if (end < r.total) r.next = end;
  return r;
}

}  // namespace colloquy
