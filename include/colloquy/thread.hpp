// Threading: comments in, a display order out (parents before replies, depth, descendants).
//
//   auto t = colloquy::build_thread(std::move(read.comments), {colloquy::sort_order::top});
//   for (auto& e : t.entries) render(t.comments[e.index], e.depth);
//
// - Orphans (parent not in the thread) are shown at top level, marked (`orphan`).
// - A self-parent, and one comment of each reply cycle, are shown at top level, marked the same
//   way. A cycle is cut at its oldest member (then the smallest id), so the result never
//   depends on the input order.
// - A deleted comment with live replies stays as a placeholder that keeps them; one without
//   live replies disappears with its (all deleted) subtree.
// - Replies deeper than `max_depth` are shown at that depth, in conversation order, `capped`,
//   with `reply_to` naming the comment they answer ("replying to NAME").
// - Every entry knows how many live comments are below it (`descendants`).
// Iterative throughout: a 50,000-deep reply chain must not overflow the wasm stack. Work is
// O(n log n) in the number of comments.
// The thread's comments still view the bytes they were read from (comment.hpp): keep the
// document and its read_result alive while the thread is in use.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "colloquy/cold.hpp"
#include "colloquy/comment.hpp"
#include "colloquy/error.hpp"
#include "colloquy/id_index.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/sort.hpp"

namespace colloquy {

struct thread_options {
  sort_order order = sort_order::oldest;
  int max_depth = limits::default_max_depth;  // replies deeper than this render at this depth
  bool order_replies = false;                 // false: replies oldest first (a conversation)
};

// One comment in display order.
struct thread_entry {
  std::uint32_t index = 0;        // into thread::comments
  std::uint32_t depth = 0;        // display depth, capped at max_depth
  std::uint32_t descendants = 0;  // live replies below it, at any depth
  std::uint32_t reply_to = 0;     // index of the comment replied to (when depth > 0 or capped)
  bool orphan = false;            // shown at top level though it names a parent (see above)
  bool capped = false;            // deeper than max_depth: shown with "replying to NAME"
  bool placeholder = false;       // deleted, kept only because it has live replies
};

struct thread {
  std::vector<comment> comments;
  std::vector<thread_entry> entries;  // display order
  std::size_t top_level = 0;          // number of top-level threads in `entries`
  std::vector<std::uint32_t> starts;  // entry index where each top-level thread begins
  std::size_t live = 0;               // entries that are not placeholders
};

namespace detail {
// Sorts [first, last) by `before`, stably: a bottom-up merge sort through `scratch`, skipping
// runs already in order (a thread read in date order merges nothing). Threading's orders are
// total (comment_order: ties broken by date, then id), so there the result is std::sort's; the
// reader's marks rely on the stability. In the widget's module, std::sort's instantiations
// cost ~0.6 KB gzip for threading and ~2.5 KB for the marks.
template <class T, class Before>
void merge_sort(T* first, T* last, std::vector<T>& scratch, const Before& before) {
  const std::size_t n = std::size_t(last - first);
  scratch.resize(std::max(scratch.size(), n));
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo + width < n; lo += 2 * width) {
      const std::size_t mid = lo + width, hi = std::min(lo + 2 * width, n);
      if (!before(first[mid], first[mid - 1])) continue;  // the two runs are in order already
      T* to = scratch.data();
      std::size_t a = lo, b = mid;
      while (a < mid && b < hi) *to++ = std::move(before(first[b], first[a]) ? first[b++] : first[a++]);
      to = std::move(first + a, first + mid, to);
      std::move(scratch.data(), to, first + lo);  // what is left of [mid, hi) is in place
    }
  }
}
}  // namespace detail

// Builds the display order. Threading repairs (orphan, self_parent, reply_cycle) are appended to
// `problems` when given; their `index` is the comment's position in `comments`. `ids`, when
// given, is an index of exactly these comments' ids (read_result::ids): it saves building one.
// Once per thread, a few light passes: built for size.
COLLOQUY_SMALL_BEGIN
inline thread build_thread(std::vector<comment> comments, const thread_options& options = {},
                           problem_list* problems = nullptr, const detail::id_index* ids = nullptr) {
  thread t;
  t.comments = std::move(comments);
  const auto& cs = t.comments;
  const auto n = static_cast<std::uint32_t>(cs.size());
  constexpr std::uint32_t none = UINT32_MAX;
  auto report = [&](std::string_view code, std::uint32_t i, std::string_view message) {
    if (problems) problems->add(code, cs[i].id, i, "parent", message);
  };

  auto id_of = [&](std::uint32_t k) -> std::string_view { return cs[k].id; };
  detail::id_index own_index;
  if (!ids) {
    own_index = detail::id_index(n);
    for (std::uint32_t i = 0; i < n; ++i) own_index.insert(cs[i].id, i, id_of);  // the first of equal ids
  }
  const detail::id_index& by_id = ids ? *ids : own_index;

  std::vector<std::uint32_t> parent(n, none);
  std::vector<bool> orphan(n, false);
  constexpr std::uint32_t ahead = 8;  // lookups are cache misses on large threads: ask early
  for (std::uint32_t i = 0; i < n; ++i) {
    if (i + ahead < n && !cs[i + ahead].parent.empty()) by_id.prefetch_slot(cs[i + ahead].parent);
    const auto& p = cs[i].parent;
    if (p.empty()) continue;
    auto found = by_id.find(p, id_of);
    if (!found) {
      orphan[i] = true;
      report(errc::orphan, i, "parent not in the thread: shown at top level");
    } else if (*found == i) {
      orphan[i] = true;
      report(errc::self_parent, i, "comment replies to itself: shown at top level");
    } else {
      parent[i] = *found;
    }
  }
  // Break reply cycles: walk up from each comment, colouring the path; a walk that meets its
  // own colour has found a cycle, which is cut at its oldest member (then the smallest id).
  // Each comment is coloured once, so this is linear.
  {
    std::optional<comment_order> oldest;  // built at the first cycle (most threads have none)
    std::vector<std::uint32_t> colour(n, none);
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t j = i;
      while (j != none && colour[j] == none) {
        colour[j] = i;
        j = parent[j];
      }
      if (j != none && colour[j] == i) {
        if (!oldest) oldest.emplace(cs, sort_order::oldest);
        std::uint32_t cut = j;
        for (std::uint32_t k = parent[j]; k != j; k = parent[k])
          if ((*oldest)(k, cut)) cut = k;
        parent[cut] = none;
        orphan[cut] = true;
        report(errc::reply_cycle, cut, "replies form a cycle: cut here, shown at top level");
      }
    }
  }

  // Children lists (CSR layout), each sorted.
  std::vector<std::uint32_t> first(n + 1, 0), kids(n);
  std::vector<std::uint32_t> roots;
  for (std::uint32_t i = 0; i < n; ++i) {
    if (parent[i] == none) roots.push_back(i);
    else ++first[parent[i] + 1];
  }
  for (std::uint32_t i = 0; i < n; ++i) first[i + 1] += first[i];
  {
    std::vector<std::uint32_t> fill(first.begin(), first.end() - 1);
    for (std::uint32_t i = 0; i < n; ++i)
      if (parent[i] != none) kids[fill[parent[i]]++] = i;
  }
  {
    comment_order top(cs, options.order);
    std::optional<comment_order> oldest;
    const bool same = options.order_replies || options.order == sort_order::oldest;
    const comment_order& replies = same ? top : oldest.emplace(cs, sort_order::oldest);
    std::vector<std::uint32_t> scratch;
    for (std::uint32_t i = 0; i < n; ++i)
      if (first[i + 1] - first[i] > 1)
        detail::merge_sort(kids.data() + first[i], kids.data() + first[i + 1], scratch, replies);
    detail::merge_sort(roots.data(), roots.data() + roots.size(), scratch, top);
  }

  // Pre-order with an explicit stack.
  std::vector<std::uint32_t> pre;
  pre.reserve(n);
  {
    std::vector<std::uint32_t> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
      auto v = stack.back();
      stack.pop_back();
      pre.push_back(v);
      for (auto k = first[v + 1]; k > first[v]; --k) stack.push_back(kids[k - 1]);
    }
  }
  // Live comments below each one, bottom-up (reverse pre-order visits children first).
  // (Deleted flags side by side, read in one pass: pre-order visits comments at random.)
  std::vector<bool> deleted(n);
  for (std::uint32_t i = 0; i < n; ++i) deleted[i] = cs[i].status == comment_status::deleted;
  std::vector<std::uint32_t> live(n, 0);
  for (auto it = pre.rbegin(); it != pre.rend(); ++it) {
    auto v = *it;
    if (parent[v] != none) live[parent[v]] += live[v] + (deleted[v] ? 0 : 1);
  }

  // Emit in pre-order with depths. A deleted comment with no live replies is dropped, and so
  // is its subtree, which then holds only deleted comments.
  const auto cap = static_cast<std::uint32_t>(std::clamp(options.max_depth, 0, limits::max_max_depth));
  std::vector<std::uint32_t> depth(n, 0);
  t.entries.reserve(n);
  for (auto v : pre) {
    const bool gone = deleted[v];
    if (gone && live[v] == 0) continue;
    thread_entry e;
    e.index = v;
    std::uint32_t d = parent[v] == none ? 0 : depth[parent[v]] + 1;
    depth[v] = d;
    e.depth = std::min(d, cap);
    e.capped = d > cap;
    e.reply_to = parent[v] == none ? v : parent[v];
    e.descendants = live[v];
    e.orphan = orphan[v];
    e.placeholder = gone;
    if (d == 0) t.starts.push_back(static_cast<std::uint32_t>(t.entries.size()));
    t.live += !gone;
    t.entries.push_back(e);
  }
  t.top_level = t.starts.size();
  return t;
}

COLLOQUY_SMALL_END
}  // namespace colloquy
