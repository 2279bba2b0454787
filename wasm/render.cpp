// The hot path of colloquy.wasm: a comments document in, the thread's HTML out. Built at -O3
// and linked first, so the copies of the shared inline functions (reading, threading, markup,
// escaping) that the module keeps are the fast ones; the rest of the boundary is built for
// size (boundary.cpp).
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "boundary.hpp"
#include "colloquy/cold.hpp"

using colloquy::wasm::result;
using colloquy::wasm::view;

COLLOQUY_EXPORT(colloquy_render_comments)
void colloquy_render_comments(const char* doc, std::size_t doc_size, const char* opts, std::size_t opts_size) {
  result = colloquy::render_comments(view(doc, doc_size), view(opts, opts_size));
}

// ---- Sessions: a thread read once, rendered a slice at a time (api.hpp comments_session) ----
// Their bookkeeping runs a few times per thread: built for size (the reading and rendering they
// call stay fast).
COLLOQUY_COLD_BEGIN

namespace {
// Open sessions by id: one per widget on the page, closed by the loader when its widget renders
// anew or is destroyed. Beyond max_sessions (a loader that never closes) the oldest is dropped:
// its widget's next call answers bad_option, and the memory of a 20 MB thread is not held twice.
constexpr std::size_t max_sessions = 16;
std::vector<std::pair<std::uint32_t, std::unique_ptr<colloquy::comments_session>>> sessions;
std::uint32_t last_session = 0;

colloquy::comments_session* find_session(std::uint32_t id) {
  for (const auto& [key, session] : sessions)
    if (key == id) return session.get();
  return nullptr;
}

void close_session(std::uint32_t id) {
  std::erase_if(sessions, [id](const auto& entry) { return entry.first == id; });
}

// A step of reading (colloquy::limits::read_step_bytes), then, once read, the page the options
// ask for; a document that cannot be read closes its session.
std::string read_on(std::uint32_t id, std::string_view options) {
  colloquy::comments_session* s = find_session(id);
  if (!s) return colloquy::no_such_session();
  if (!s->read(colloquy::limits::read_step_bytes)) return colloquy::session_reading(id);
  std::string answer = colloquy::render_session_page(*s, options, s->ok() ? id : 0);
  if (!s->ok()) close_session(id);
  return answer;
}
}  // namespace

// Opens a session on a comments document (kept in the module); answers {"reading":true,…} as
// colloquy_session_read does, having read nothing. The page's task that calls it is the one that
// took the bytes off the network and copied them in, and a first reading step runs before the
// engine has optimized the reader (512 KB: 29-41 ms in the page, 5 ms warm; PERFORMANCE.md,
// "Long tasks with no DevTools attached"): the reading starts in a task of its own.
COLLOQUY_EXPORT(colloquy_session_open)
void colloquy_session_open(const char* doc, std::size_t doc_size, const char* opts, std::size_t opts_size) {
  const colloquy::widget_options o = colloquy::parse_widget_options(view(opts, opts_size));
  if (sessions.size() == max_sessions) sessions.erase(sessions.begin());
  const std::uint32_t id = ++last_session;
  // The loader's block kept, not copied: a thread's bytes written once into fresh memory, not
  // twice (20 MB: ~120 ms of the page's first task after the bytes, in page faults).
  sessions.emplace_back(id, std::make_unique<colloquy::comments_session>(colloquy::wasm::take_input(doc, doc_size),
                                                                         doc_size, colloquy::wasm::release_input, o));
  result = colloquy::session_reading(id);
}

// Reads on (options "session"): {"reading":true,…} while there is more, then the page at the
// options' "offset", its first slice only (a document that cannot be read: its error).
COLLOQUY_EXPORT(colloquy_session_read)
void colloquy_session_read(const char*, std::size_t, const char* opts, std::size_t opts_size) {
  result = read_on(colloquy::session_of(view(opts, opts_size)), view(opts, opts_size));
}

// The next slice of a page: options "session", "from" and "to" (the last answer's "rest").
COLLOQUY_EXPORT(colloquy_session_slice)
void colloquy_session_slice(const char*, std::size_t, const char* opts, std::size_t opts_size) {
  colloquy::comments_session* s = find_session(colloquy::session_of(view(opts, opts_size)));
  result = s ? colloquy::render_session_slice(*s, view(opts, opts_size)) : colloquy::no_such_session();
}

// Frees a session (an unknown id is ignored).
COLLOQUY_EXPORT(colloquy_session_close)
void colloquy_session_close(std::uint32_t id) { close_session(id); }
COLLOQUY_COLD_END
