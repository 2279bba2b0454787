// libFuzzer target: the comments reader and the whole thread pipeline.
//
//   tests/fuzz/run.sh thread 600 # build with clang (-fsanitize=fuzzer,address,undefined), fuzz 10 min
//
// For every input: the fast reader and the nlohmann reference reader must give the same answer
// (ok, error code, thread, next, total, every comment field, every problem); then the thread is built
// and rendered with options taken from the input's hash, and its invariants are checked: every
// comment shown at most once, every live comment shown, parents before replies, depth within
// the cap, pages that partition the top-level threads. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "colloquy/boundary.hpp"
#include "colloquy/read_reference.hpp"

namespace {

void require(bool ok) {
  if (!ok) __builtin_trap();
}

bool same(const colloquy::problem& a, const colloquy::problem& b) {
  return a.code == b.code && a.id == b.id && a.index == b.index && a.field == b.field;
}

void check_agreement(const colloquy::read_result& fast, const colloquy::read_result& ref) {
  require(fast.ok == ref.ok);
  require(fast.error.code == ref.error.code);
  require(fast.thread == ref.thread && fast.next == ref.next && fast.total == ref.total);
  require(fast.comments.size() == ref.comments.size());
  for (std::size_t i = 0; i < fast.comments.size(); ++i) require(fast.comments[i] == ref.comments[i]);
  require(fast.problems.size() == ref.problems.size());
  for (std::size_t i = 0; i < fast.problems.size(); ++i) require(same(fast.problems[i], ref.problems[i]));
  require(fast.positions == ref.positions);
}

void check_thread(const colloquy::thread& t, const colloquy::thread_options& o) {
  const std::size_t n = t.comments.size();
  std::vector<int> seen(n, 0);
  std::vector<std::size_t> position(n, SIZE_MAX);
  for (std::size_t k = 0; k < t.entries.size(); ++k) {
    const auto& e = t.entries[k];
    require(e.index < n);
    require(++seen[e.index] == 1);
    position[e.index] = k;
    require(e.depth <= static_cast<std::uint32_t>(o.max_depth));
  }
  for (std::size_t i = 0; i < n; ++i)
    if (t.comments[i].status != colloquy::comment_status::deleted) require(seen[i] == 1);
  for (std::size_t k = 0; k < t.entries.size(); ++k) {
    const auto& e = t.entries[k];
    if (e.depth > 0 || e.capped) require(position[e.reply_to] < k);  // the parent comes first
    else require(e.depth == 0 && !e.capped);
  }
  // Pages partition the top-level threads.
  for (std::size_t size : {std::size_t(1), std::size_t(3)}) {
    std::size_t offset = 0, covered = 0, entries = 0;
    for (;;) {
      auto r = colloquy::page_of(t.starts, t.entries.size(), {offset, size});
      require(r.first == entries);
      entries = r.last;
      covered += r.threads;
      if (!r.next) break;
      require(*r.next == offset + r.threads);
      offset = *r.next;
    }
    require(covered == t.top_level && entries == t.entries.size());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view doc(reinterpret_cast<const char*>(data), size);
  auto fast = colloquy::read_comments(doc);
  auto ref = colloquy::read_comments_reference(doc);
  check_agreement(fast, ref);
  if (!fast.ok) return 0;

  std::size_t h = std::hash<std::string_view>()(doc);
  colloquy::thread_options o;
  o.order = colloquy::sort_orders[h % colloquy::sort_orders.size()].second;
  o.max_depth = static_cast<int>((h >> 8) % 8);
  o.order_replies = (h >> 16) & 1;
  auto t = colloquy::build_thread(std::move(fast.comments), o, &fast.problems);
  check_thread(t, o);
  std::string html;
  colloquy::render_options ro;
  ro.order = o.order;
  ro.page = {(h >> 20) % 3, (h >> 24) % 4};
  colloquy::render_thread_html(html, t, ro);
  require(html.size() > 0);
  // The entry point too (options parsing, paging, meta): its meta must always be JSON.
  std::string options = "{\"sort\":\"" + std::string(colloquy::name_of(o.order)) +
                        "\",\"maxDepth\":" + std::to_string(o.max_depth) +
                        ",\"pageSize\":" + std::to_string((h >> 28) % 3) +
                        ",\"offset\":" + std::to_string((h >> 30) % 3) + "}";
  std::string answer = colloquy::render_comments(doc, options);
  auto nul = answer.find('\0');
  require(nul != std::string::npos);
  require(!nlohmann::json::parse(answer.begin(), answer.begin() + long(nul), nullptr, false).is_discarded());
  return 0;
}
