// colloquy: render a thread to HTML, check a comments document, make Latest Stories cards; the
// server's commands (serve, admin, import, export) run colloquy-server (server_main.cpp).
#include <cstdio>
#include <cstdint>
#include <cstdlib>
#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <algorithm>
#include <condition_variable>
#include <functional>
#include <new>
#include <mutex>

#include <malloc.h>
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "colloquy/colloquy.hpp"
#include "colloquy/json_writer.hpp"
#include "cli.hpp"

namespace {

// The name an input is called by in messages.
std::string input_name(const std::string& path) { return path.empty() || path == "-" ? "<stdin>" : path; }

// An input's bytes: a regular file mapped read-only (no copy, no zero-filled buffer: the
// pages come straight from the page cache, populated in one call), anything else (stdin, a
// pipe) read into a buffer as it comes. Reading a 3.9 MB document through a string cost a
// quarter of `colloquy render`'s whole run in page faults, zeroing and copying.
class input_bytes {
 public:
  input_bytes() = default;
  input_bytes(const input_bytes&) = delete;
  input_bytes& operator=(const input_bytes&) = delete;
  ~input_bytes() {
    if (mapped_) munmap(mapped_, size_);
  }

  std::string_view view() const {
    return mapped_ ? std::string_view(static_cast<const char*>(mapped_), size_) : buffer_;
  }

  // Reads FILE (or stdin for "" and "-") whole. False with a reason: no such file, a directory, ...
  bool read(const std::string& path, std::string& why) {
    const bool stdin_input = path.empty() || path == "-";
    std::FILE* f = stdin_input ? stdin : std::fopen(path.c_str(), "rb");
    if (!f) {
      why = "cannot read " + path + ": " + std::strerror(errno);
      return false;
    }
    struct stat st {};
    const bool known = fstat(fileno(f), &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
      why = path + " is a directory, not a file";
      if (!stdin_input) std::fclose(f);
      return false;
    }
    if (known && S_ISREG(st.st_mode) && st.st_size > 0 && map(fileno(f), std::size_t(st.st_size))) {
      if (!stdin_input) std::fclose(f);
      return true;
    }
    const bool ok = read_stream(f);
    if (!stdin_input) std::fclose(f);
    if (!ok) why = "cannot read " + input_name(path) + ": " + std::strerror(errno);
    return ok;
  }

 private:
  bool map(int fd, std::size_t size) {
    void* p = mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) return false;  // e.g. a file system without mmap: read it instead
    mapped_ = p;
    size_ = size;
    return true;
  }

  // A stream grows the buffer as it comes, up to one byte past the largest document the core
  // takes (limits.hpp): the core then refuses it as too large, and `yes | colloquy check` or
  // `colloquy check /dev/zero` ends there instead of growing until memory runs out.
  bool read_stream(std::FILE* f) {
    constexpr std::size_t cap = colloquy::limits::max_document_bytes + 1;
    std::size_t used = 0;
    buffer_.resize(64 * 1024);
    for (;;) {
      used += std::fread(buffer_.data() + used, 1, buffer_.size() - used, f);
      if (used < buffer_.size() || used == cap) break;
      buffer_.resize(std::min(buffer_.size() * 2, cap));
    }
    buffer_.resize(used);
    return !std::ferror(f);
  }

  void* mapped_ = nullptr;
  std::size_t size_ = 0;
  std::string buffer_;
};

// --locale: one of the built-in languages (a region is fine: fr-CA), or a refusal listing them.
bool check_locale(const char* cmd, const colloquy::cli::args& a) {
  if (!a.has("locale") || colloquy::locale_for(a.get("locale"))) return true;
  std::string known;
  for (const colloquy::locale_data* l : colloquy::locales) known += (known.empty() ? "" : ", ") + std::string(l->tag);
  std::fprintf(stderr, "colloquy %s: unknown --locale %s (known: %s; a region such as fr-CA is fine)\n", cmd,
               colloquy::cli::named(a.get("locale")).c_str(), known.c_str());
  return false;
}

// Problems on stderr, one per line (each as JSON), then how many more there were.
void print_problems(const char* cmd, const colloquy::problem_list& problems) {
  std::string line;
  for (const colloquy::problem& p : problems) {
    line.clear();
    colloquy::json_writer w(line);
    colloquy::write_json(w, p);
    std::fprintf(stderr, "colloquy %s: skipped or repaired: %s\n", cmd, line.c_str());
  }
  if (auto n = problems.omitted())
    std::fprintf(stderr, "colloquy %s: ... and %zu more problems (colloquy check lists the first 1,000)\n", cmd, n);
}

// An unusable input: "colloquy CMD: FILE: code: message" on stderr, exit 1.
int refuse_input(const char* cmd, const std::string& path, const colloquy::problem& error) {
  std::fprintf(stderr, "colloquy %s: %s: %s: %s\n", cmd, input_name(path).c_str(), error.code.c_str(),
               error.message.c_str());
  return 1;
}

// Standard output written with write(2) straight from the renderer's buffer, in the large
// pieces it hands over (no stdio buffer, no copy); the first failure (a full disk, a closed
// pipe) is kept for the exit status.
class html_output {
 public:
  // For render.hpp's html_drain: `to` is an html_output.
  static void drain(void* to, std::string_view html) { static_cast<html_output*>(to)->write(html); }

  void write(std::string_view s) {
    while (!s.empty() && !error_) {
      const ssize_t n = ::write(STDOUT_FILENO, s.data(), s.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) error_ = errno;
      else s.remove_prefix(std::size_t(n));
    }
  }
  // The rest of the HTML and a newline; 0, or 1 with a message when the output failed.
  int finish(const char* cmd, std::string_view html) {
    write(html);
    write("\n");
    if (!error_) return 0;
    std::fprintf(stderr, "colloquy %s: cannot write the HTML: %s\n", cmd, std::strerror(error_));
    return 1;
  }

 private:
  int error_ = 0;
};

// Whether a second thread would have a processor to itself now: this process may run on two
// or more (its affinity: `taskset -c 0` or a one-CPU container says no) and fewer tasks are
// running on the machine than it has processors, this one included (/proc/loadavg). Next to a
// busy program the second thread would take turns with it and the first would wait for both: a
// 10,000-comment render took 34-40 ms of wall time on two threads beside a compiler, 28 on one.
bool processor_free() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0 || CPU_COUNT(&set) < 2) return false;
  FILE* f = std::fopen("/proc/loadavg", "r");
  if (!f) return true;
  double minute = 0, five = 0, fifteen = 0;
  int running = 0, tasks = 0;
  const int read = std::fscanf(f, "%lf %lf %lf %d/%d", &minute, &five, &fifteen, &running, &tasks);
  std::fclose(f);
  return read != 5 || running < std::min<long>(CPU_COUNT(&set), sysconf(_SC_NPROCESSORS_ONLN));
}

// A second thread for half of the work, started on another processor than this thread's and then
// free to move. Left to itself, Linux starts a new thread on its parent's processor and moves it
// at the next load balancing, milliseconds later: in a 10,000-comment render the two threads took
// turns on one processor while the other was idle (`perf sched timehist`). Joined when destroyed.
class helper_thread {
 public:
  helper_thread() = default;
  helper_thread(const helper_thread&) = delete;
  helper_thread& operator=(const helper_thread&) = delete;
  ~helper_thread() { join(); }

  // False when no thread could be had: the caller does the work itself.
  template <class Work>
  bool start(Work work) {
    try {
      work_ = std::move(work);
    } catch (const std::bad_alloc&) { return false; }
    pthread_attr_t attr;
    if (pthread_attr_init(&attr) != 0) return false;
    cpu_set_t others;
    CPU_ZERO(&others);
    const int here = sched_getcpu();
    if (here >= 0 && sched_getaffinity(0, sizeof all_, &all_) == 0) {
      for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
        if (cpu != here && CPU_ISSET(cpu, &all_)) CPU_SET(cpu, &others);
      widen_ = CPU_COUNT(&others) > 0 && pthread_attr_setaffinity_np(&attr, sizeof others, &others) == 0;
    }
    running_ = pthread_create(&id_, &attr, &helper_thread::run, this) == 0;
    pthread_attr_destroy(&attr);
    return running_;
  }
  void join() {
    if (running_) pthread_join(id_, nullptr);
    running_ = false;
  }

 private:
  static void* run(void* self) {
    helper_thread& t = *static_cast<helper_thread*>(self);
    // Placed: now it may run anywhere the process may (a busy processor is not waited for).
    if (t.widen_) pthread_setaffinity_np(pthread_self(), sizeof t.all_, &t.all_);
    t.work_();
    return nullptr;
  }

  std::function<void()> work_;
  pthread_t id_{};
  cpu_set_t all_{};
  bool widen_ = false, running_ = false;
};

// A static page's articles on two threads (render.hpp html_drain::articles), written in order
// by this one: the page is cut into blocks of `block_entries` articles; this thread renders the
// even blocks and writes every block, a worker renders the odd ones at the same time into two
// buffers it reuses once written. An article depends only on the thread and its place in it,
// so the HTML is the same as in one pass. Blocks the size of the output's drains keep every
// buffer small and warm: holding the second half of the page instead (4 MB at 10,000 comments)
// cost ~2 ms of CPU in first touches of fresh memory (PERFORMANCE.md). A page of one or two
// blocks is rendered here alone: starting a thread would cost more than it saves; so is every
// page when no processor is free (processor_free).
class two_thread_articles {
 public:
  static constexpr std::size_t block_entries = 256;

  static void render(std::string& out, const colloquy::thread& t, const colloquy::page_range& range,
                     const colloquy::render_options& o) {
    two_thread_articles pages(t, range, o);
    if (pages.blocks_ <= 2 || !processor_free() || !pages.start()) return colloquy::render_page_html(out, t, range, o);
    pages.write_in_order(out);
  }

 private:
  two_thread_articles(const colloquy::thread& t, const colloquy::page_range& range, const colloquy::render_options& o)
      : t_(t), range_(range), drain_(o.drain), o_(o) {
    o_.drain = {};
    blocks_ = (range.last - range.first + block_entries - 1) / block_entries;
  }
  // Also when this thread failed half-way (an exception): the worker stops at its next block.
  ~two_thread_articles() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopped_ = true;
    }
    changed_.notify_one();
    worker_.join();
  }

  colloquy::page_range block(std::size_t b) const {
    colloquy::page_range r = range_;
    r.first = range_.first + b * block_entries;
    r.last = std::min(range_.last, r.first + block_entries);
    return r;
  }

  bool start() {
    return worker_.start([this] { render_odd_blocks(); });  // else one pass
  }

  // The worker: block b into held_[b / 2 % 2], once block b - 4 (the last in that buffer) is written.
  void render_odd_blocks() {
    for (std::size_t b = 1; b < blocks_; b += 2) {
      std::string& into = held_[b / 2 % 2];
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return stopped_ || written_ + 3 >= b; });
        if (stopped_) return;
      }
      into.clear();
      colloquy::render_page_html(into, t_, block(b), o_);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        rendered_ = b + 1;
      }
      changed_.notify_one();
    }
  }

  void write_in_order(std::string& out) {
    drain_.write(drain_.to, out);  // what precedes the articles
    out.clear();
    for (std::size_t b = 0; b < blocks_; ++b) {
      if (b % 2 == 0) {
        colloquy::render_page_html(out, t_, block(b), o_);
        drain_.write(drain_.to, out);
        out.clear();
        continue;
      }
      {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return rendered_ > b; });
      }
      drain_.write(drain_.to, held_[b / 2 % 2]);
      {
        std::lock_guard<std::mutex> lock(mutex_);
        written_ = b + 1;
      }
      changed_.notify_one();
    }
  }

  const colloquy::thread& t_;
  const colloquy::page_range range_;
  const colloquy::html_drain drain_;
  colloquy::render_options o_;  // without the drain: each block is written whole
  std::size_t blocks_ = 0;
  helper_thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::size_t written_ = 0, rendered_ = 0;  // blocks written (in order); odd blocks rendered (up to)
  bool stopped_ = false;
  std::string held_[2];
};

// A large document's comments read from two places at once (read.hpp document_reader::split_at):
// a worker reads from an item boundary near the middle to the end while this thread reads up to
// it and takes the worker's items there. The scan that finds the boundary may be fooled by a
// string's content; the items are then thrown away and this thread reads on, so the result is
// always the one-pass result. A file is one document (a NUL in it is not JSON, as for check).
// Documents under split_bytes (reading them takes under a millisecond, of which a thread's start
// and the take-over would eat much) are read in one pass, and so is everything when no
// processor is free (processor_free).
class two_thread_reading {
 public:
  static constexpr std::size_t split_bytes = 256 * 1024;
  // The boundary is looked for this far from the middle at most.
  static constexpr std::size_t search_bytes = 64 * 1024;

  static colloquy::read_result read(std::string_view doc) {
    const std::size_t at = doc.size() < split_bytes || !processor_free() ? std::string_view::npos
                                                                         : item_boundary(doc, doc.size() / 2);
    if (at == std::string_view::npos) return colloquy::read_comments(doc);
    colloquy::detail::document_reader first(doc), second(doc);
    bool second_read = false;  // the worker read to the end (not, e.g., out of memory)
    // Joined here, or by the first reader at the boundary, also when reading throws.
    helper_thread worker;
    const bool started = worker.start([&] {
      try {
        second.read_items_from(at, items_depth(doc));
        second_read = true;
      } catch (const std::exception&) {  // its items are not taken: this thread reads them
      }
    });
    if (!started) return first.read();  // no thread to be had: one pass
    first.split_at(at, second, [&] {
      worker.join();
      return second_read;
    });
    return first.read();
  }

 private:
  // The '{' of the first "}, {" (whitespace around the comma) within search_bytes after `from`:
  // between two items of the comments array, unless it is inside a string or a nested array.
  static std::size_t item_boundary(std::string_view doc, std::size_t from) {
    const std::size_t until = std::min(doc.size(), from + search_bytes);
    auto skip_ws = [&](std::size_t i) {
      while (i < until && (doc[i] == ' ' || doc[i] == '\n' || doc[i] == '\r' || doc[i] == '\t')) ++i;
      return i;
    };
    for (std::size_t i = doc.find('}', from); i < until; i = doc.find('}', i + 1)) {
      std::size_t j = skip_ws(i + 1);
      if (j >= until || doc[j] != ',') continue;
      j = skip_ws(j + 1);
      if (j < until && doc[j] == '{') return j;
    }
    return std::string_view::npos;
  }

  // How deep the comments are: in a bare array (1) or in the {"comments": [...]} wrapper (2).
  // A wrong guess only means the first reader finds the depth different and reads on.
  static std::size_t items_depth(std::string_view doc) {
    const std::size_t first = doc.find_first_not_of(" \n\r\t\xEF\xBB\xBF");
    return first != std::string_view::npos && doc[first] == '[' ? 1 : 2;
  }
};

// The heap a large document's reading and rendering will fill (about twice its bytes), made
// ready in one piece and marked for 2 MB pages (MADV_HUGEPAGE; the kernel's default is 4 KB
// pages outside regions so marked). Every first touch of a fresh 4 KB page is a page fault, and
// under a hypervisor each is dear: rendering 10,000 comments (3.9 MB) took ~1,450 faults and a
// third of its CPU time was the kernel's; so marked, ~400 faults (PERFORMANCE.md). Readers on
// two threads share the one arena so prepared. Nothing is touched here: memory never used is
// never resident. Below a megabyte, or where the heap cannot be grown in place, nothing is done.
void prepare_heap(std::size_t document_bytes) {
  constexpr std::size_t huge = std::size_t(2) << 20, cap = std::size_t(256) << 20;
  if (document_bytes < (std::size_t(1) << 20)) return;
  const std::size_t want = std::min(cap, 2 * document_bytes + huge);
  // One arena; large blocks from the heap, which grows by `want` at once and is not trimmed.
  mallopt(M_ARENA_MAX, 1);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  mallopt(M_TOP_PAD, int(want));
  mallopt(M_TRIM_THRESHOLD, int(std::min(cap * 2, 4 * want)));
  // The break moved on to one page short of a 2 MB boundary: the heap's new top, where malloc
  // writes its header, is that page, and all above the boundary is untouched when marked. Those
  // skipped bytes are address space only: never touched, never resident.
  const auto brk_now = reinterpret_cast<std::uintptr_t>(sbrk(0));
  const std::size_t page = std::size_t(sysconf(_SC_PAGESIZE));
  const auto lo = (brk_now + page + huge - 1) & ~(huge - 1);
  if (sbrk(intptr_t(lo - page - brk_now)) == reinterpret_cast<void*>(-1)) return;
  void* first = std::malloc(huge);  // grows the heap by `want` past the block
  if (!first) return;
  const auto hi = reinterpret_cast<std::uintptr_t>(sbrk(0)) & ~(huge - 1);
  if (hi > lo) madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE);
  std::free(first);
}

// A whole number from 0 to `max` for --flag, or a usage error (never silently clamped).
bool whole_number(const char* cmd, const colloquy::cli::args& a, const char* flag, long long lo, long long max,
                  long long& out) {
  if (!a.has(flag)) return true;
  std::string v = a.get(flag);
  char* end = nullptr;
  errno = 0;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (v.empty() || *end || errno || n < lo || n > max) {
    std::fprintf(stderr, "colloquy %s: --%s needs a whole number from %lld to %lld, not '%s'\n", cmd, flag, lo, max,
                 v.c_str());
    return false;
  }
  out = n;
  return true;
}

int render(const colloquy::cli::args& a) {
  colloquy::widget_options o;
  o.static_page = true;
  o.locale = a.get("locale", "en");
  const std::string sort = a.get("sort", "oldest");
  if (auto order = colloquy::sort_order_from_name(sort)) {
    o.order = *order;
  } else {
    std::fprintf(stderr, "colloquy render: unknown --sort %s (oldest, newest, top, hot or controversial)\n",
                 colloquy::cli::named(sort).c_str());
    return 2;
  }
  if (!check_locale("render", a)) return 2;
  long long depth = o.max_depth, page_size = 0, offset = 0;
  if (!whole_number("render", a, "max-depth", 0, colloquy::limits::max_max_depth, depth) ||
      !whole_number("render", a, "page-size", 0, (long long)colloquy::limits::max_page_size, page_size) ||
      !whole_number("render", a, "offset", 0, (long long)colloquy::limits::max_comments, offset))
    return 2;
  o.max_depth = int(depth);
  o.page_size = std::size_t(page_size);
  o.page_offset = std::size_t(offset);
  input_bytes doc;
  std::string why;
  std::string path;
  if (!colloquy::cli::file_argument("render", a, path)) return 2;
  if (!doc.read(path, why)) {
    std::fprintf(stderr, "colloquy render: %s\n", why.c_str());
    return 2;
  }
  prepare_heap(doc.view().size());
  html_output out;
  o.drain = {html_output::drain, &out};
  o.drain.articles = two_thread_articles::render;
  const colloquy::comments_view v = colloquy::render_comments_view(two_thread_reading::read(doc.view()), o);
  if (!v.ok) return refuse_input("render", path, v.error);
  print_problems("render", v.problems);
  return out.finish("render", v.html);
}

int check(const colloquy::cli::args& a) {
  input_bytes doc;
  std::string why;
  std::string path;
  if (!colloquy::cli::file_argument("check", a, path)) return 2;
  if (!doc.read(path, why)) {
    std::fprintf(stderr, "colloquy check: %s\n", why.c_str());
    return 2;
  }
  prepare_heap(doc.view().size());
  const colloquy::check_view v = colloquy::check_comments(doc.view());
  // {"comments","ok","problems","problemsOmitted","shown","top_level"}: the document's error
  // first in "problems" when it is unusable.
  std::string out;
  colloquy::json_writer w(out);
  w.begin_object().key("comments").number(v.comments).key("ok").boolean(v.ok).key("problems").begin_array();
  if (!v.ok) colloquy::write_json(w, v.error);
  for (const colloquy::problem& p : v.problems) colloquy::write_json(w, p);
  w.end_array().key("problemsOmitted").number(v.problems.omitted());
  if (v.ok) w.key("shown").number(v.shown).key("top_level").number(v.top_level);
  w.end_object();
  std::puts(out.c_str());
  return v.ok ? 0 : 1;
}

// Static sites: the same cards the widget shows, from the same core. The core reads JSON Feed
// only; RSS and Atom are converted by the widget's loader with the browser's XML parser, and a
// second, native XML reader here would drift from it. Such input is refused with feed_is_xml; an
// HTML page (a blog's address given for its feed's) with feed_is_html.
int stories(const colloquy::cli::args& a) {
  if (!check_locale("stories", a)) return 2;
  colloquy::widget_options o;
  o.locale = a.get("locale", "en");
  o.page_url = a.get("page-url");
  long long count = (long long)o.stories_count, length = (long long)o.summary_length;
  if (!whole_number("stories", a, "count", 1, 50, count) || !whole_number("stories", a, "length", 10, 2000, length))
    return 2;
  o.stories_count = std::size_t(count);
  o.summary_length = std::size_t(length);
  input_bytes feed;
  std::string why;
  std::string path;
  if (!colloquy::cli::file_argument("stories", a, path)) return 2;
  if (!feed.read(path, why)) {
    std::fprintf(stderr, "colloquy stories: %s\n", why.c_str());
    return 2;
  }
  const colloquy::stories_view v = colloquy::render_stories_view(feed.view(), o);
  if (!v.ok) return refuse_input("stories", path, v.error);
  print_problems("stories", v.problems);
  return html_output().finish("stories", v.html);
}

// The server's commands are the program colloquy-server beside this one, run in this process's
// place (same pid, arguments and descriptors): its libraries (OpenSSL, SQLite, Boost.Asio, zlib,
// Brotli, the C++ runtime) are then loaded by the commands that use them, never by `render`, whose
// whole start-up is a fraction of a millisecond (examples/CMakeLists.txt).
int run_server_program(const char* name, char** argv) {
  const std::string path = colloquy::cli::beside_executable("colloquy-server");
  execv(path.c_str(), argv);
  std::fprintf(stderr, "colloquy %s: cannot run %s: %s (keep it beside colloquy)\n", name, path.c_str(),
               std::strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  colloquy::cli::args a;
  int status = 0;
  const colloquy::cli::command* c = colloquy::cli::parse_command_line(argc, argv, a, status);
  if (!c) return status;
  if (c->server) return run_server_program(c->name, argv);
  const std::string_view name = c->name;
  if (name == "render") return render(a);
  if (name == "check") return check(a);
  return stories(a);
}
