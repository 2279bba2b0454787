// Threading: comments in, a display order out (parents before replies, depth, descendants).
//
//   auto t = colloquy::build_thread(std::move(read.comments), {});
//   for (auto& e : t.entries) render(t.comments[e.index], e.depth);
//
// Iterative throughout: a 50,000-deep reply chain must not overflow the wasm stack.
#pragma once
#include <algorithm>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "colloquy/comment.hpp"
#include "colloquy/limits.hpp"

namespace colloquy {

enum class sort_order { oldest, newest };

struct thread_options {
  sort_order order = sort_order::oldest;
  int max_depth = limits::default_max_depth;  // replies deeper than this render at this depth
};

// One comment in display order.
struct thread_entry {
  std::uint32_t index = 0;        // into thread::comments
  std::uint32_t depth = 0;        // display depth, capped at max_depth
  std::uint32_t descendants = 0;  // replies below it, at any depth
  std::uint32_t reply_to = 0;     // when capped (`capped`), the index of the comment replied to
  bool orphan = false;            // its parent is not in the thread: shown at top level
  bool capped = false;            // deeper than max_depth: shown with "replying to NAME"
  bool placeholder = false;       // deleted, kept only because it has live replies
};

struct thread {
  std::vector<comment> comments;
  std::vector<thread_entry> entries;  // display order
  std::size_t top_level = 0;          // number of top-level threads in `entries`
};

namespace detail {
inline bool comes_before(const comment& a, const comment& b, sort_order order) {
  if (a.created != b.created) return order == sort_order::oldest ? a.created < b.created : a.created > b.created;
  return a.id < b.id;
}
}  // namespace detail

inline thread build_thread(std::vector<comment> comments, const thread_options& options = {}) {
  thread t;
  t.comments = std::move(comments);
  const auto n = static_cast<std::uint32_t>(t.comments.size());
  constexpr std::uint32_t none = UINT32_MAX;

  std::unordered_map<std::string_view, std::uint32_t> by_id;
  by_id.reserve(n);
  for (std::uint32_t i = 0; i < n; ++i) by_id.emplace(t.comments[i].id, i);

  std::vector<std::uint32_t> parent(n, none);
  std::vector<bool> orphan(n, false);
  for (std::uint32_t i = 0; i < n; ++i) {
    const auto& p = t.comments[i].parent;
    if (p.empty()) continue;
    auto it = by_id.find(p);
    if (it == by_id.end()) orphan[i] = true;
    else if (it->second != i) parent[i] = it->second;  // a self-parent becomes top level
  }
  // Break reply cycles: walk up from each comment, colouring the path; a walk that meets its
  // own colour has found a cycle, which is cut at its oldest member (then the smallest id), so
  // the result does not depend on input order.
  std::vector<std::uint32_t> colour(n, none);
  std::vector<std::uint32_t> path;
  for (std::uint32_t i = 0; i < n; ++i) {
    path.clear();
    std::uint32_t j = i;
    while (j != none && colour[j] == none) {
      colour[j] = i;
      path.push_back(j);
      j = parent[j];
    }
    if (j != none && colour[j] == i) {
      std::uint32_t cut = j;
      for (std::uint32_t k = parent[j]; k != j; k = parent[k])
        if (detail::comes_before(t.comments[k], t.comments[cut], sort_order::oldest)) cut = k;
      parent[cut] = none;
    }
  }

  // Children lists (CSR layout), each sorted; replies read as a conversation, oldest first.
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
  const auto& cs = t.comments;
  for (std::uint32_t i = 0; i < n; ++i)
    std::sort(kids.begin() + first[i], kids.begin() + first[i + 1],
              [&](auto a, auto b) { return detail::comes_before(cs[a], cs[b], sort_order::oldest); });
  std::sort(roots.begin(), roots.end(),
            [&](auto a, auto b) { return detail::comes_before(cs[a], cs[b], options.order); });

  // Live descendants, bottom-up over a pre-order (reverse pre-order visits children first).
  std::vector<std::uint32_t> pre;
  pre.reserve(n);
  std::vector<std::uint32_t> stack;
  for (auto it = roots.rbegin(); it != roots.rend(); ++it) stack.push_back(*it);
  while (!stack.empty()) {
    auto v = stack.back();
    stack.pop_back();
    pre.push_back(v);
    for (auto k = first[v + 1]; k > first[v]; --k) stack.push_back(kids[k - 1]);
  }
  std::vector<std::uint32_t> live(n, 0);  // live comments in the subtree below
  for (auto it = pre.rbegin(); it != pre.rend(); ++it) {
    auto v = *it;
    if (parent[v] != none)
      live[parent[v]] += live[v] + (cs[v].status != comment_status::deleted ? 1 : 0);
  }

  // Emit in pre-order with depths; a deleted comment with no live replies disappears with its
  // (all deleted) subtree, one with live replies stays as a placeholder.
  const auto cap = static_cast<std::uint32_t>(std::max(0, options.max_depth));
  std::vector<std::uint32_t> depth(n, 0);
  t.entries.reserve(n);
  for (auto v : pre) {
    bool deleted = cs[v].status == comment_status::deleted;
    if (deleted && live[v] == 0) continue;
    thread_entry e;
    e.index = v;
    std::uint32_t d = parent[v] == none ? 0 : depth[parent[v]] + 1;
    depth[v] = d;
    e.depth = std::min(d, cap);
    e.capped = d > cap;
    e.reply_to = parent[v] == none ? 0 : parent[v];
    e.descendants = live[v];
    e.orphan = orphan[v] || (parent[v] == none && !cs[v].parent.empty() && cs[v].parent != cs[v].id);
    e.placeholder = deleted;
    if (d == 0) ++t.top_level;
    t.entries.push_back(e);
  }
  return t;
}

}  // namespace colloquy
