#include "server.hpp"

#include <arpa/inet.h>
#include <malloc.h>
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <brotli/encode.h>
#include <nlohmann/json.hpp>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <zlib.h>

#include "admin_files.hpp"
#include "cli.hpp"
#include "colloquy/atom.hpp"
#include "colloquy/colloquy.hpp"
#include "files.hpp"
#include "http.hpp"
#include "store.hpp"

namespace colloquy::server {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

std::string slurp(const std::string& path, bool& ok) {
  std::ifstream in(path, std::ios::binary);
  ok = static_cast<bool>(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// An id no stored comment can have (not UTF-8, a NUL, too long): it finds nothing on either
// backend, before PostgreSQL could refuse its bytes or cut it at the NUL.
bool impossible_id(std::string_view id) {
  return id.empty() || id.size() > limits::max_id_bytes || id.find('\0') != std::string_view::npos ||
         detail::has_invalid_utf8(id);
}

// A string member of a JSON object body, read by the core's reader as the draft in it was
// (compose.hpp): none when the body is no object or the member no string.
std::optional<std::string> string_member(std::string_view body, std::string_view key) {
  detail::json_document doc;
  if (doc.parse(body) != detail::json_document::status::ok || !doc.root().is(detail::json_value::kind::object))
    return std::nullopt;
  const std::string_view* s = doc.root()[key].string();
  return s ? std::optional<std::string>(*s) : std::nullopt;
}

std::int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Headers every answer carries.
struct common_headers {
  std::string csp;
  void apply(http::response& r) const {
    if (!csp.empty()) r.set("Content-Security-Policy", csp);
    r.set("X-Content-Type-Options", "nosniff");
    r.set("Referrer-Policy", "strict-origin-when-cross-origin");
  }
};

void json_error(http::response& r, int status, std::string_view code, std::string_view message,
                std::string_view field = {}) {
  json e = {{"code", code}, {"message", message}, {"field", field.empty() ? json() : json(field)}};
  r.status = status;
  r.set("Content-Type", "application/json");
  r.body = dump(json{{"error", e}});
}

// Top-level comments in the core's `order` (sort.hpp), as the widget shows them: a paged thread
// in another order than its cursor's (oldest) is paged in that order here.
void order_roots(std::vector<root_summary>& roots, sort_order order) {
  std::vector<comment> cs(roots.size());
  for (std::size_t i = 0; i < roots.size(); ++i) {
    cs[i].id = roots[i].id;
    cs[i].created = roots[i].created;
    cs[i].up = roots[i].up;
    cs[i].down = roots[i].down;
    cs[i].has_up_down = true;
  }
  std::vector<std::uint32_t> at(roots.size());
  for (std::size_t i = 0; i < at.size(); ++i) at[i] = std::uint32_t(i);
  const comment_order before(cs, order);
  std::sort(at.begin(), at.end(), std::cref(before));
  std::vector<root_summary> sorted;
  sorted.reserve(roots.size());
  for (std::uint32_t i : at) sorted.push_back(std::move(roots[i]));
  roots = std::move(sorted);
}

// A stored comment in the DESIGN §2 shape. A deleted comment keeps only its place (its text is
// never sent); clientIds are sent only to the client that posted them.
json comment_json(const stored_comment& c, bool with_client_id) {
  // A rejected comment is, to its poster, deleted (DESIGN §2 knows no other status).
  bool gone = c.status == "deleted" || c.status == "rejected";
  json author = {{"name", c.name}, {"location", c.location}};
  if (!c.url.empty()) author["url"] = c.url;
  json j = {{"id", c.id},
            {"parent", c.parent.empty() ? json() : json(c.parent)},
            {"author", std::move(author)},
            {"created", format_iso8601(c.created)},
            {"text", gone ? std::string() : c.text},
            {"votes", {{"up", c.up}, {"down", c.down}}},
            {"status", gone ? "deleted" : c.status}};
  if (c.edited) j["edited"] = format_iso8601(c.edited);
  if (with_client_id && !c.client_id.empty()) j["clientId"] = c.client_id;
  return j;
}

// A comment as a thread lists it to every reader. One awaiting moderation or rejected is there
// only as a placeholder for its published replies (store_sql.hpp listed): it says nothing a
// moderator has not read or has refused, no text, no author, no votes; awaiting moderation (an
// author's edit) it says so, rejected it is deleted. A published comment deleted keeps its
// placeholder's shape (comment_json).
json listed_json(const stored_comment& c) {
  if (c.status != "pending" && c.status != "rejected") return comment_json(c, false);
  return {{"id", c.id},
          {"parent", c.parent.empty() ? json() : json(c.parent)},
          {"author", {{"name", ""}, {"location", ""}}},
          {"created", format_iso8601(c.created)},
          {"text", ""},
          {"status", c.status == "pending" ? "pending" : "deleted"}};
}

// The address a client is counted against. Behind a reverse proxy every connection comes from
// the proxy, so with `trust_proxy` it is the last X-Forwarded-For entry: the one the proxy
// itself appended. Earlier entries come from the client and prove nothing; without
// `trust_proxy` the header is ignored, so a client cannot pick its own address.
std::string client_address(const http::request& req, bool trust_proxy) {
  if (trust_proxy) {
    auto values = req.headers_named("X-Forwarded-For");
    if (!values.empty()) {
      std::string_view list = values.back();
      std::size_t comma = list.rfind(',');
      std::string_view last = comma == std::string_view::npos ? list : list.substr(comma + 1);
      while (!last.empty() && (last.front() == ' ' || last.front() == '\t')) last.remove_prefix(1);
      while (!last.empty() && (last.back() == ' ' || last.back() == '\t')) last.remove_suffix(1);
      if (!last.empty() && last.size() < 64) return std::string(last);
    }
  }
  return req.remote_address;
}

// The credential of an "Authorization: Bearer <credential>" header, or nothing: the scheme's
// name in any case (RFC 9110 11.1: "bearer" is "Bearer"), then spaces, then the credential.
std::optional<std::string_view> bearer_credential(std::string_view header) {
  constexpr std::string_view scheme = "bearer";
  if (header.size() <= scheme.size() || header[scheme.size()] != ' ' ||
      !http::iequals(header.substr(0, scheme.size()), scheme))
    return std::nullopt;
  const std::size_t at = header.find_first_not_of(' ', scheme.size());
  if (at == std::string_view::npos) return std::nullopt;
  return header.substr(at);
}

// Compares two secrets in a time that depends on neither: both are hashed first, and the
// digests (always 32 bytes) are compared without an early exit.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char da[EVP_MAX_MD_SIZE], db[EVP_MAX_MD_SIZE];
  unsigned int na = 0, nb = 0;
  EVP_Digest(a.data(), a.size(), da, &na, EVP_sha256(), nullptr);
  EVP_Digest(b.data(), b.size(), db, &nb, EVP_sha256(), nullptr);
  return na == nb && CRYPTO_memcmp(da, db, na) == 0 && !b.empty();
}

bool is_api(std::string_view path) { return path.substr(0, 5) == "/api/"; }

// An Origin header as a browser writes a page's origin (RFC 6454 6.2, the URL standard): "http"
// or "https", "://", a host in lower case (a name or an IPv4 address: labels of letters, digits,
// '-' and '_' between single dots, a last dot allowed; or an IPv6 address in brackets), and a
// port from 1 to 65535 with no leading zero, nothing else: no path, no user, no space or control
// byte. "null" (a sandboxed frame, a file, a redirect: an opaque origin) is no origin of a site
// either. Only such a value is ever answered back in
// Access-Control-Allow-Origin: "--cors *" answers the caller's origin, not whatever it sent.
bool serialized_origin(std::string_view origin) {
  std::string_view host;
  if (origin.rfind("https://", 0) == 0) host = origin.substr(8);
  else if (origin.rfind("http://", 0) == 0) host = origin.substr(7);
  else return false;
  std::size_t end = 0;
  if (!host.empty() && host[0] == '[') {
    end = host.find(']');
    if (end == std::string_view::npos || std::count(host.begin(), host.begin() + std::ptrdiff_t(end), ':') < 2 ||
        host.substr(1, end - 1).find_first_not_of("0123456789abcdef:.") != std::string_view::npos)
      return false;
    ++end;
  } else {
    end = std::min(host.find(':'), host.size());
    const std::string_view name = host.substr(0, end);
    if (name.empty() || name.front() == '.' || name.find("..") != std::string_view::npos ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-._") != std::string_view::npos)
      return false;
  }
  const std::string_view port = host.substr(end);
  if (port.empty()) return true;
  if (port[0] != ':' || port.size() < 2 || port.size() > 6 || port[1] == '0' ||
      port.find_first_not_of("0123456789", 1) != std::string_view::npos)
    return false;
  return std::stoul(std::string(port.substr(1))) <= 65535;
}

// True when the request body is declared JSON: the media type alone (parameters such as
// charset after ';'), exactly application/json.
bool is_json_request(const http::request& req) {
  std::string type = lower(req.header("Content-Type"));
  type = type.substr(0, type.find(';'));
  type.erase(type.find_last_not_of(" \t") + 1);
  type.erase(0, type.find_first_not_of(" \t") == std::string::npos ? type.size() : type.find_first_not_of(" \t"));
  return type == "application/json";
}

std::string hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += digits[bytes[i] >> 4];
    out += digits[bytes[i] & 15];
  }
  return out;
}

// The moderation page's session for `token` (see `authorised` in run): hex SHA-256 of a fixed
// label and the token. Knowing it gives no way back to the token.
std::string admin_session(std::string_view token) {
  const std::string input = "colloquy admin session\n" + std::string(token);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(input.data(), input.size(), digest, &n, EVP_sha256(), nullptr);
  return "session-" + hex(digest, n);
}

// A query string's part, form-decoded: "+" is a space, "%XX" a byte.
std::string form_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else out += s[i];
  }
  return out;
}

// A new comment's edit token: 32 bytes from OpenSSL's CSPRNG, as hex; empty if it failed.
std::string new_edit_token() {
  unsigned char bytes[32];
  return RAND_bytes(bytes, sizeof bytes) == 1 ? hex(bytes, sizeof bytes) : std::string();
}

// What the store keeps of an edit token: its SHA-256 (a stolen database edits nothing).
std::string edit_token_hash(std::string_view token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(token.data(), token.size(), digest, &n, EVP_sha256(), nullptr);
  return hex(digest, n);
}

// Every value of `key` in the query, in order (a parameter given as "key" alone is "").
std::vector<std::string> query_values(std::string_view query, std::string_view key) {
  std::vector<std::string> out;
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    std::size_t eq = item.find('=');
    if (form_decode(item.substr(0, eq)) == key)
      out.push_back(eq == std::string_view::npos ? std::string() : form_decode(item.substr(eq + 1)));
    query.remove_prefix(amp == std::string_view::npos ? query.size() : amp + 1);
  }
  return out;
}

std::string query_param(std::string_view query, std::string_view key, bool* present = nullptr) {
  while (true) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    std::size_t eq = item.find('=');
    if (form_decode(item.substr(0, eq)) == key) {
      if (present) *present = true;
      return eq == std::string_view::npos ? std::string() : form_decode(item.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  if (present) *present = false;
  return {};
}

// Host names the server answers to. DNS rebinding points a name the attacker owns at this
// server; the browser then sends that name as Host, with a matching Origin, so a same-origin
// check that trusts Host is no check at all. Only configured names and loopback are accepted:
// a loopback Host comes only from this machine or a page served from it (a health check, the
// address the start-up line prints), never from a rebound name.
class host_names {
 public:
  explicit host_names(const std::vector<std::string>& names) {
    for (const std::string& n : names) add(n);
    for (const char* n : {"localhost", "127.0.0.1", "[::1]"}) names_.push_back({n, ""});
  }
  bool allowed(std::string_view host) const {
    std::string h = lower(host);
    std::string name = h, port;
    std::size_t colon = h.rfind(':');
    if (colon != std::string::npos && h.find(']', colon) == std::string::npos && (h[0] != '[' || h[colon - 1] == ']')) {
      name = h.substr(0, colon);
      port = h.substr(colon + 1);
      // A port is digits: what follows the name is written into links (the Atom feed's).
      if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return false;
    }
    for (const auto& n : names_)
      if (n.name == name && (n.port.empty() || n.port == port)) return true;
    return false;
  }

 private:
  struct entry {
    std::string name, port;
  };
  void add(std::string n) {
    n = lower(n);
    if (auto scheme = n.find("://"); scheme != std::string::npos) n = n.substr(scheme + 3);
    n = n.substr(0, n.find('/'));
    if (n.empty()) return;
    std::size_t colon = n.rfind(':');
    if (colon != std::string::npos && n.find(']', colon) == std::string::npos)
      names_.push_back({n.substr(0, colon), n.substr(colon + 1)});
    else names_.push_back({n, ""});
  }
  std::vector<entry> names_;
};

std::string gzip_bytes(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 5, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return rc == Z_STREAM_END ? out : std::string();
}

std::string brotli_bytes(const std::string& in) {
  std::size_t n = BrotliEncoderMaxCompressedSize(in.size());
  std::string out(n ? n : in.size() + 1024, '\0');
  // Quality 5: about as fast as gzip and a fifth smaller on comment JSON; made once per thread
  // version, never per request.
  if (!BrotliEncoderCompress(5, BROTLI_DEFAULT_WINDOW, BROTLI_MODE_TEXT, in.size(),
                             reinterpret_cast<const std::uint8_t*>(in.data()), &n,
                             reinterpret_cast<std::uint8_t*>(out.data())))
    return {};
  out.resize(n);
  return out;
}

// API answers of GET /api/comments, kept per (thread, limit, cursor, recent, since) and thread
// version. One request builds a missing or stale answer while the others for the same key wait
// for it; compressed forms are made once, on first demand.
//
// Bounded, and hard to sweep: over the budget (many threads, or many pages of a big one) the
// answers used longest ago go first, never all at once, so a client asking for made-up threads
// or cursors cannot make every reader of a big thread pay a rebuild. An answer under
// `worth_keeping` bytes (an empty or made-up thread) is not kept at all: it is cheaper to read
// again than to hold.
class answer_cache {
 public:
  struct answer {
    std::int64_t version = -1;
    std::string origin;  // the origin its feed link names
    std::string hash;
    std::shared_ptr<const std::string> identity, gzip, br;
    std::size_t bytes() const {
      return (identity ? identity->size() : 0) + (gzip ? gzip->size() : 0) + (br ? br->size() : 0);
    }
  };
  struct slot {
    std::mutex m;
    answer a;                   // built for the origin that first asked
    std::vector<answer> other;  // the same answer for other origins (at most max_origins - 1)
  };
  static constexpr std::size_t worth_keeping = 1024;
  static constexpr std::size_t max_origins = 4;

  std::shared_ptr<slot> find(const std::string& key) {
    std::lock_guard<std::mutex> l(m_);
    entry& e = slots_[key];
    if (!e.s) e.s = std::make_shared<slot>();
    e.used = ++clock_;
    return e.s;
  }

  // The slot of `key` now holds `bytes` (all its answers' forms together).
  void account(const std::string& key, std::size_t bytes) {
    std::lock_guard<std::mutex> l(m_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    bytes_ += bytes - it->second.bytes;
    it->second.bytes = bytes;
    if (bytes_ <= max_bytes && slots_.size() <= max_slots) return;
    // The least recently used first, down to three quarters of either budget (so that this sort
    // is paid once per many additions), never `key` itself.
    std::vector<std::pair<std::uint64_t, const std::string*>> by_use;
    by_use.reserve(slots_.size());
    for (const auto& [k, e] : slots_)
      if (k != key) by_use.emplace_back(e.used, &k);
    std::sort(by_use.begin(), by_use.end());
    for (const auto& [used, k] : by_use) {
      if (bytes_ <= max_bytes / 4 * 3 && slots_.size() <= max_slots / 4 * 3) break;
      auto gone = slots_.find(*k);
      bytes_ -= gone->second.bytes;
      slots_.erase(gone);
    }
  }

  void forget(const std::string& key) {
    std::lock_guard<std::mutex> l(m_);
    auto it = slots_.find(key);
    if (it == slots_.end()) return;
    bytes_ -= it->second.bytes;
    slots_.erase(it);
  }

  // Threads whose answer was large when last built (big_answer bytes): building another page
  // of one from nothing (a `limit` or cursor no one asked for yet) costs a client a token
  // (--page-rate-limit, get_comments).
  static constexpr std::size_t big_answer = 256 * 1024;
  static constexpr std::size_t bytes_per_root = 128;  // ordered pages: 2,048 top-level comments are big
  // A small answer clears the mark only when it is the whole thread: a small page of a big
  // thread (limit=1 at a new cursor) must not make the next big build free.
  void note_size(const std::string& thread, std::size_t bytes, bool whole) {
    std::lock_guard<std::mutex> l(m_);
    if (bytes < big_answer) {
      if (whole) big_.erase(thread);
      return;
    }
    if (big_.size() >= 4096) big_.clear();  // bounded: forgetting a thread only makes its builds free
    big_.insert(thread);
  }
  bool is_big(const std::string& thread) {
    std::lock_guard<std::mutex> l(m_);
    return big_.count(thread) > 0;
  }

 private:
  struct entry {
    std::shared_ptr<slot> s;
    std::uint64_t used = 0;
    std::size_t bytes = 0;
  };
  static constexpr std::size_t max_slots = 2048;
  static constexpr std::size_t max_bytes = 32 * 1024 * 1024;
  std::mutex m_;
  std::unordered_map<std::string, entry> slots_;
  std::size_t bytes_ = 0;
  std::uint64_t clock_ = 0;
  std::unordered_set<std::string> big_;
};

// Values worked out from the database and kept under the version they were read at (a thread's,
// or the site's: store::version), so that one is never served past a change, whichever process
// made it. Read the version first and the value after it: a value is then never older than the
// version it is kept under. Bounded: over `budget` (in the costs given to keep) everything is
// forgotten and read again on demand.
//   - published counts (GET /api/comments/counts), per thread: an index page asks for the same
//     threads on every view, and counting scans each thread's rows where reading its version is
//     one key lookup (each costs its thread id's bytes, so long made-up ids fill it no faster);
//   - rendered Atom feeds, per thread and for the site ("").
template <class V>
class versioned_cache {
 public:
  explicit versioned_cache(std::size_t budget) : budget_(budget) {}

  std::optional<V> find(const std::string& key, std::int64_t version) {
    std::lock_guard<std::mutex> l(m_);
    auto it = kept_.find(key);
    if (it == kept_.end() || it->second.version != version) return std::nullopt;
    return it->second.value;
  }
  void keep(const std::string& key, std::int64_t version, V value, std::size_t cost) {
    std::lock_guard<std::mutex> l(m_);
    if (auto it = kept_.find(key); it != kept_.end()) {
      used_ -= it->second.cost;
      kept_.erase(it);
    }
    if (used_ + cost > budget_) {
      kept_.clear();
      used_ = 0;
    }
    kept_.emplace(key, entry{version, std::move(value), cost});
    used_ += cost;
  }

 private:
  struct entry {
    std::int64_t version;
    V value;
    std::size_t cost;
  };
  const std::size_t budget_;
  std::mutex m_;
  std::unordered_map<std::string, entry> kept_;
  std::size_t used_ = 0;
};

// A rendered feed and its ETag.
struct feed_answer {
  std::string etag;
  std::shared_ptr<const std::string> body;
};

// Gives freed memory back to the system once the server has been quiet for a moment: a burst
// of large answers leaves glibc's arenas holding pages otherwise.
class memory_trimmer {
 public:
  // Checks once a second; trims after a second with no request following one with some.
  memory_trimmer()
      : thread_([this] {
          std::unique_lock<std::mutex> l(m_);
          std::uint64_t last = 0;
          bool dirty = false;
          while (!done_) {
            cv_.wait_for(l, std::chrono::seconds(1));
            std::uint64_t now = activity_.load();
            if (now != last) {
              last = now;
              dirty = true;
            } else if (dirty) {
              malloc_trim(0);
              dirty = false;
            }
          }
        }) {}
  ~memory_trimmer() {
    {
      std::lock_guard<std::mutex> l(m_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void touch() { ++activity_; }

 private:
  std::mutex m_;
  std::condition_variable cv_;
  bool done_ = false;
  std::atomic<std::uint64_t> activity_{0};
  std::thread thread_;
};

// The database as messages name it: a PostgreSQL URL without its password.
std::string shown_db(const std::string& db) {
  if (!store::is_postgresql(db)) return db;
  std::size_t scheme = db.find("://") + 3, at = db.find('@', scheme), colon = db.find(':', scheme);
  if (at == std::string::npos || colon == std::string::npos || colon > at) return db;
  return db.substr(0, colon) + db.substr(at);
}

bool inside(const fs::path& file, const std::string& folder) {
  if (folder.empty()) return false;
  std::error_code ec;
  fs::path f = fs::weakly_canonical(fs::absolute(file), ec);
  fs::path d = fs::weakly_canonical(fs::absolute(folder), ec);
  auto fi = f.begin();
  for (auto di = d.begin(); di != d.end(); ++di, ++fi) {
    if (di->empty()) continue;
    if (fi == f.end() || *fi != *di) return false;
  }
  return true;
}

// The thread a bare-array seed belongs to: --seed-thread, else the one data-thread named on the
// site's index page. Only a regular file of at most 4 MB is read: a FIFO there would block the
// start for good, a device would never end.
std::string thread_of_site(const std::string& root) {
  const std::string index = root + "/index.html";
  std::error_code ec;
  if (!fs::is_regular_file(index, ec) || fs::file_size(index, ec) > (4u << 20) || ec) return {};
  bool ok = false;
  std::string page = slurp(index, ok);
  if (!ok) return {};
  std::size_t at = page.find("data-thread=\"");
  if (at == std::string::npos) return {};
  at += 13;
  std::size_t end = page.find('"', at);
  if (end == std::string::npos || page.find("data-thread=\"", end) != std::string::npos) return {};
  return page.substr(at, end - at);
}

}  // namespace

int run(const config& c) {
  // SIGINT/SIGTERM are taken by a thread of their own (sigwait), not a handler: stopping the
  // server is not async-signal-safe. Blocked first, so that a signal during start-up (a seed
  // import, say) waits for the stopper instead of killing the process halfway, and before any
  // worker thread inherits the mask. SIGPIPE is ignored: a reader who closes the tab mid-answer
  // is an EPIPE error on that connection, not the end of the server.
  std::signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  // A few arenas: with one per worker thread, memory freed after a burst stays mapped. A fixed
  // mmap threshold: answers and documents of 256 KB and more get pages of their own, returned
  // to the system when freed (glibc's default threshold rises after the first such free, and
  // big blocks then fragment the heap).
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);

  // Folders first (a mistyped option must not create a database), then the port (a server that
  // cannot listen must not touch the database), then the database.
  if (!fs::is_directory(c.root)) {
    std::fprintf(stderr, "colloquy serve: --root %s is not a directory\n", cli::named(c.root).c_str());
    return 2;
  }
  if (!c.widget.empty() && !fs::is_directory(c.widget)) {
    std::fprintf(stderr, "colloquy serve: --widget %s is not a directory\n", c.widget.c_str());
    return 2;
  }
  const bool postgresql = store::is_postgresql(c.db);
  for (const std::string& folder : {c.root, c.widget}) {
    if (!postgresql && inside(c.db, folder)) {
      std::fprintf(stderr,
                   "colloquy serve: refusing to start: --db %s is inside the served folder %s, which would publish "
                   "the database (and its write-ahead log, with client addresses); keep it elsewhere\n",
                   c.db.c_str(), folder.c_str());
      return 2;
    }
  }

  common_headers common{c.csp};
  http::options ho;
  ho.max_body = static_cast<std::size_t>(c.max_body);
  ho.header_timeout = std::chrono::seconds(c.header_timeout);
  ho.body_timeout = std::chrono::seconds(c.body_timeout);
  ho.idle_timeout = std::chrono::seconds(c.idle_timeout);
  ho.shutdown_timeout = std::chrono::seconds(c.shutdown_timeout);
  ho.max_connections = static_cast<std::size_t>(c.max_connections);
  // Each connection is a descriptor, and so is each file served and the database's: the soft
  // limit is raised as far as the hard one allows, and connections are capped below it, so a
  // flood meets "503 too_many_connections", not files that fail to open.
  if (rlimit fds{}; ::getrlimit(RLIMIT_NOFILE, &fds) == 0) {
    if (fds.rlim_cur < fds.rlim_max) {
      fds.rlim_cur = fds.rlim_max;
      ::setrlimit(RLIMIT_NOFILE, &fds);
      ::getrlimit(RLIMIT_NOFILE, &fds);
    }
    constexpr std::size_t reserve = 128;  // files, the database, the listener, logs
    const std::size_t usable = fds.rlim_cur > reserve * 2 ? std::size_t(fds.rlim_cur) - reserve : reserve;
    if (ho.max_connections > usable) {
      std::fprintf(stderr, "colloquy serve: %zu file descriptors (ulimit -n): at most %zu connections, not %zu\n",
                   std::size_t(fds.rlim_cur), usable, ho.max_connections);
      ho.max_connections = usable;
    }
  }
  // Behind a reverse proxy (--trust-proxy) every connection comes from the proxy: a cap per
  // socket address would count all its clients as one, and one client's burst would refuse
  // everyone else. So the proxy is capped in total only (--max-connections); fairness between
  // its clients is the rate limits' (they read X-Forwarded-For) and the proxy's own (nginx's
  // limit_conn, examples/nginx/colloquy.conf).
  ho.max_connections_per_address = c.trust_proxy ? ho.max_connections
                                                 : static_cast<std::size_t>(c.max_connections_per_address);
  ho.workers = c.workers;
  ho.io_threads = 2;
  // CORS: an allowed Origin gets its own value back (credentials are never involved, but "*"
  // in the configuration still answers the caller's origin, with Vary, so caches stay right;
  // under "*" only an origin as browsers write it: serialized_origin).
  const bool any_origin = std::find(c.cors.begin(), c.cors.end(), "*") != c.cors.end();
  auto allowed_origin = [&c](const http::request& req) -> std::string {
    std::string origin(req.header("Origin"));
    if (origin.empty()) return {};
    for (const auto& o : c.cors)
      if (o == origin || (o == "*" && serialized_origin(origin))) return origin;
    return {};
  };
  auto api_cors = [&](const http::request& req, http::response& res) {
    res.replace("Vary", "Origin");
    const std::string o = allowed_origin(req);
    if (o.empty()) return;
    res.set("Access-Control-Allow-Origin", o);
    // A widget on another origin reads these too: ETag for its conditional asks, Date for the
    // time it loaded the thread (the live update's "since").
    res.set("Access-Control-Expose-Headers", "Date, ETag");
  };
  http::listener listener(ho, [&](int status, std::string_view code, std::string_view message, const http::request* head) {
    http::response r;
    common.apply(r);
    // A browser script sees the refusal only with the CORS headers its origin would get.
    if (head && is_api(head->path)) api_cors(*head, r);
    json_error(r, status, code, message);
    return r;
  });
  if (std::string e = listener.bind(c.host, c.port); !e.empty()) {
    std::fprintf(stderr, "colloquy serve: cannot listen on %s:%d: %s\n", cli::named(c.host).c_str(), c.port, e.c_str());
    return 1;
  }
  const int port = listener.port();
  if (c.host_names.empty() && c.host != "127.0.0.1" && c.host != "::1" && c.host != "localhost")
    std::fprintf(stderr,
                 "colloquy serve: listening on %s, but only loopback Host names are answered (others get 421 "
                 "host_not_allowed); name this server's public host with --public-url or --host-name\n",
                 c.host.c_str());

  std::string error;
  const std::string db_name = shown_db(c.db);
  const bool existed = postgresql || fs::exists(c.db);
  auto db = store::open(c.db, error);
  if (!db) {
    std::fprintf(stderr, "colloquy serve: cannot open --db %s: %s\n", cli::named(db_name).c_str(), error.c_str());
    return 1;
  }
  if (db->created()) {
    std::string seed = c.comments;
    if (seed.empty() && fs::exists(c.root + "/comments.json")) seed = c.root + "/comments.json";
    if (!seed.empty()) {
      bool ok = false;
      std::string doc = slurp(seed, ok);
      std::string thread = c.seed_thread.empty() ? thread_of_site(c.root) : c.seed_thread;
      long n = ok ? db->import_document(doc, error, thread) : -1;
      if (!ok) error = "cannot read it";
      if (n < 0) {
        std::fprintf(stderr, "colloquy serve: seed %s not imported: %s\n", seed.c_str(), error.c_str());
        // A refused start leaves nothing behind: the next start must see no database and seed again.
        db->close();
        db.reset();
        if (!existed) {
          std::error_code ec;
          for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(c.db + suffix, ec);
        }
        return 1;
      }
      std::printf("Colloquy imported %ld comments from %s into %s\n", n, seed.c_str(), db_name.c_str());
    }
  }

  file_folder site(c.root, {});
  std::unique_ptr<file_folder> widget;
  if (!c.widget.empty()) widget = std::make_unique<file_folder>(c.widget, folder_options{true, true});
  const host_names hosts(c.host_names);
  store& comments = *db;
  answer_cache answers;
  versioned_cache<std::int64_t> counted(8 * 1024 * 1024);  // bytes: each thread's id and its entry
  versioned_cache<feed_answer> feeds(8 * 1024 * 1024);     // bytes
  // Rate limits are token buckets in the database (store::take_token), so every server process
  // on it counts a client against the same bucket, whichever process nginx sends it to.
  // -1: the database is down; the request would fail there anyway.
  auto rate_limited = [&](http::response& res, const char* kind, int per_minute, const std::string& address,
                          const char* message) {
    int wait = comments.take_token(std::string(kind) + ' ' + address, per_minute, now_ms());
    if (wait < 0) json_error(res, 503, errc::storage_unavailable, "the comments database cannot be reached right now");
    else if (wait > 0) {
      res.set("Retry-After", std::to_string(wait));
      json_error(res, 429, errc::rate_limited, message);
    }
    return wait != 0;
  };
  memory_trimmer trimmer;
  const std::string post_status = c.moderate ? "pending" : "published";
  const std::int64_t edit_window_ms = std::int64_t(c.edit_window) * 1000;

  // A browser posting from a page of another origin that is not allowed is refused outright,
  // not only hidden from its script: the comment would be stored otherwise. Host was checked
  // against the configured names before this runs.
  // Under "*" no origin is foreign, not even one answered no CORS headers (malformed, or "null"):
  // "*" lets anyone write, and a client that is no browser could as well send no Origin.
  auto foreign_origin = [&](const http::request& req) {
    std::string origin(req.header("Origin"));
    if (origin.empty() || any_origin || !allowed_origin(req).empty()) return false;
    std::string host(req.header("Host"));
    return origin != "http://" + host && origin != "https://" + host;
  };

  // This server's origin as clients reach it: the first --public-url, else the request's Host
  // (`scheme` "http:", or "" for a protocol-relative URL that works behind a TLS proxy).
  auto public_origin = [&](const http::request& req, const char* scheme) {
    for (const std::string& n : c.host_names)
      if (n.rfind("http://", 0) == 0 || n.rfind("https://", 0) == 0) return n.substr(0, n.find('/', n.find("//") + 2));
    return scheme + ("//" + std::string(req.header("Host")));
  };

  auto get_comments = [&](const http::request& req, http::response& res) {
    res.set("Cache-Control", "no-cache");
    res.replace("Vary", "Origin, Accept-Encoding");
    bool has_thread = false;
    std::string thread = detail::normalise_field(query_param(req.query, "thread", &has_thread), false);
    if (thread.empty()) return json_error(res, 400, errc::missing_thread, "the thread parameter is required", "thread");
    if (thread.size() > limits::max_thread_bytes)
      return json_error(res, 400, errc::thread_too_long, "the thread id is longer than 512 bytes", "thread");
    // limit and recent: a positive integer when given (0: not given; -1: not such); at most
    // 1000 (recent: refused above; limit: served as 1000, with `next` for the rest, so a widget
    // asked for pages of 5,000 threads still shows its thread).
    auto count_param = [&](const char* name) -> long {
      bool given = false;
      const std::string text = query_param(req.query, name, &given);
      char* end = nullptr;
      errno = 0;
      const long v = given ? std::strtol(text.c_str(), &end, 10) : 0;
      if (!given) return 0;
      if (text.empty() || *end || v < 1) return -1;
      return errno == ERANGE || v > 1000 ? 1001 : v;
    };
    long limit = count_param("limit");
    if (limit < 0) return json_error(res, 400, errc::bad_limit, "limit must be a positive integer", "limit");
    limit = std::min(limit, 1000L);
    // sort: the order of the top-level threads the pages follow (sort.hpp's names; oldest when
    // not given), so that "newest" begins with the newest thread, not the oldest page reversed.
    bool has_sort = false;
    const std::string sort_name = query_param(req.query, "sort", &has_sort);
    const std::optional<sort_order> order = has_sort ? sort_order_from_name(sort_name) : sort_order::oldest;
    if (!order)
      return json_error(res, 400, errc::bad_option, "sort must be oldest, newest, top, hot or controversial", "sort");
    const bool ordered = *order != sort_order::oldest;
    // The cursor is opaque to clients and names its order: oldest's is "r" and the seq of the
    // last top-level thread sent; another order's is its name's initial (n, t, h, c) and the
    // place in it where the next page begins. A cursor of another order is refused.
    const char mark = ordered ? name_of(*order)[0] : 'r';
    std::int64_t after = 0;
    if (std::string cursor = query_param(req.query, "cursor"); !cursor.empty()) {
      char* end = nullptr;
      long long v = cursor[0] == mark ? std::strtoll(cursor.c_str() + 1, &end, 10) : 0;
      if (v <= 0 || !end || *end)
        return json_error(res, 400, errc::bad_cursor, "the cursor is not one this server gave", "cursor");
      after = v;
    }
    // recent=N[&since=T]: the thread's N newest comments (posted at or after the ISO 8601 time
    // T), wherever they are in its pages, for a widget's live update (README, "Reference
    // server"). No page of the thread: no "next".
    const long recent = count_param("recent");
    if (recent < 0 || recent > 1000 || (recent && (limit || after)))
      return json_error(res, 400, errc::bad_limit, "recent must be an integer from 1 to 1000, without limit or cursor",
                        "recent");
    bool has_since = false;
    const std::string since_text = query_param(req.query, "since", &has_since);
    const std::optional<std::int64_t> since = has_since ? parse_iso8601(since_text) : std::optional<std::int64_t>(0);
    if (!since || (has_since && !recent))
      return json_error(res, error_status(errc::bad_date), errc::bad_date,
                        "since must be an ISO 8601 time, with recent", "since");
    std::int64_t version = comments.version(thread);
    if (version < 0) return json_error(res, 503, errc::storage_unavailable, "the comments cannot be read right now");
    // A page of the thread links its feed at the origin the client asked (one of the names
    // allowed); the newest comments (recent) link nothing.
    const std::string origin = recent ? std::string() : public_origin(req, "");
    const std::string key = thread + '\n' + std::to_string(limit) + '\n' + std::to_string(after) + '\n' +
                            std::to_string(recent) + '\n' + std::to_string(*since) +
                            (ordered && !recent ? "\n" + sort_name : std::string());
    auto slot = answers.find(key);
    std::unique_lock<std::mutex> lock(slot->m);
    answer_cache::answer& first = slot->a;
    if (recent && (first.version != version || !first.identity)) {
      std::vector<stored_comment> newest = comments.recent(thread, std::size_t(recent));
      json list = json::array();
      for (auto cm = newest.rbegin(); cm != newest.rend(); ++cm)
        if (cm->created >= *since) list.push_back(listed_json(*cm));
      first = {};
      // None may be a read that failed (recent() cannot say): answered, not kept.
      first.version = newest.empty() ? -1 : version;
      first.identity = std::make_shared<const std::string>(dump(json{{"thread", thread}, {"comments", std::move(list)}}));
      first.hash = content_hash(*first.identity);
      slot->other.clear();
    } else if (first.version != version || !first.identity) {
      // A page of a large thread built from nothing (no earlier answer under this key, so not a
      // reader after a new post) costs the client a token: a new `limit`, cursor or Host each
      // time cannot make the server read and write a whole thread per request.
      if (!first.identity && answers.is_big(thread) &&
          rate_limited(res, "page", c.page_rate_limit, http::address_key(client_address(req, c.trust_proxy)),
                       "too many pages of a large thread built for this address; try again later"))
        return;
      page p = ordered ? comments.list_ordered(thread, std::size_t(limit), std::size_t(after),
                                               [&](std::vector<root_summary>& roots) { order_roots(roots, *order); })
                       : comments.list(thread, std::size_t(limit), after);
      if (!p.ok) return json_error(res, 503, errc::storage_unavailable, "the comments cannot be read right now");
      json list = json::array();
      for (const auto& cm : p.comments) list.push_back(listed_json(cm));
      json next = ordered ? (p.next_offset ? json(mark + std::to_string(p.next_offset)) : json())
                          : (p.next_root ? json(mark + std::to_string(p.next_root)) : json());
      json body = {{"thread", thread}, {"comments", std::move(list)}, {"next", std::move(next)}};
      // A page of the thread (a limit or a cursor) says how many comments the thread has in all,
      // read with the page, for the widget's heading ("40 Comments" while it shows 10).
      if (p.total >= 0) body["total"] = p.total;
      // The thread's Atom feed, linked from the widget's header.
      body["feed"] = atom_feed_url(origin, thread);
      first = {};
      first.version = p.version;
      first.origin = origin;
      first.identity = std::make_shared<const std::string>(dump(body));
      first.hash = content_hash(*first.identity);
      slot->other.clear();
      // An ordered page reads every top-level comment of its thread to order them: that counts
      // as much as an answer of their size would (a cursor per root would otherwise be free).
      answers.note_size(thread, std::max(first.identity->size(), p.roots_read * answer_cache::bytes_per_root),
                        limit == 0 && after == 0 && !ordered);
    }
    // Another origin: the same answer with its feed link, made from the first by replacing that
    // link (never by reading the thread again), and kept, for a few origins. Any more (a client
    // varying Host's port, say) get the first origin's answer as kept, compressed: its feed link
    // names another of this server's own names, which serves the same feed.
    answer_cache::answer* chosen = &first;
    if (origin != first.origin) {
      for (answer_cache::answer& o : slot->other)
        if (o.origin == origin) chosen = &o;
      if (chosen == &first && slot->other.size() + 1 < answer_cache::max_origins) {
        const std::string was = "\"feed\":" + dump(json(atom_feed_url(first.origin, thread)));
        const std::size_t at = first.identity->find(was);
        std::string body = *first.identity;
        if (at != std::string::npos)
          body.replace(at, was.size(), "\"feed\":" + dump(json(atom_feed_url(origin, thread))));
        answer_cache::answer& o = slot->other.emplace_back();
        o.version = first.version;
        o.origin = origin;
        o.hash = content_hash(body);
        o.identity = std::make_shared<const std::string>(std::move(body));
        chosen = &o;
      }
    }
    answer_cache::answer& a = *chosen;
    accepted_codings ok = parse_accept_encoding(req.header("Accept-Encoding"));
    std::shared_ptr<const std::string> body = a.identity;
    std::string coding;
    // Small answers are not worth a compression step.
    if (a.identity->size() >= 1024) {
      for (const std::string_view name : ok.in_order()) {
        if (name == "br") {
          if (!a.br) a.br = std::make_shared<const std::string>(brotli_bytes(*a.identity));
          if (!a.br->empty()) body = a.br, coding = "br";
        } else if (name == "gzip") {
          if (!a.gzip) a.gzip = std::make_shared<const std::string>(gzip_bytes(*a.identity));
          if (!a.gzip->empty()) body = a.gzip, coding = "gzip";
        }
        if (!coding.empty()) break;
      }
    }
    std::string etag = "\"" + a.hash + (coding.empty() ? "" : "-" + coding) + "\"";
    std::size_t kept = first.bytes();
    for (const answer_cache::answer& o : slot->other) kept += o.bytes();
    lock.unlock();
    if (first.identity->size() < answer_cache::worth_keeping || first.version < 0) answers.forget(key);
    else answers.account(key, kept);
    res.set("ETag", etag);
    if (std::string_view inm = req.header("If-None-Match"); !inm.empty() && etag_matches(inm, etag)) {
      res.status = 304;
      return;
    }
    res.set("Content-Type", "application/json");
    if (!coding.empty()) res.set("Content-Encoding", coding);
    res.shared_body = std::move(body);
    res.head_only = req.method == "HEAD";
  };

  // Its origin and media type were checked by the route (reader_write), before its body was read.
  auto post_comment = [&](const http::request& req, http::response& res) {
    const std::string address = http::address_key(client_address(req, c.trust_proxy));
    if (rate_limited(res, "post", c.rate_limit, address, "too many comments from this address; try again later"))
      return;
    // The server never trusts the widget: the same validation, run again here.
    draft_result d = read_draft(req.body);
    if (!d.ok()) {
      json problems = json::array();
      for (const auto& p : d.problems)
        problems.push_back(
            {{"code", p.code}, {"field", p.field.empty() ? json() : json(p.field)}, {"message", p.message}});
      // A bot's post is answered as one: the honeypot first, whatever else is wrong.
      const problem* honeypot = nullptr;
      for (const auto& p : d.problems)
        if (p.code == errc::honeypot_filled) honeypot = &p;
      const problem& first = honeypot ? *honeypot : d.problems.front();
      json e = {
          {"code", first.code}, {"message", first.message}, {"field", first.field.empty() ? json() : json(first.field)}};
      res.status = error_status(first.code);
      res.set("Content-Type", "application/json");
      res.body = dump(json{{"error", e}, {"problems", problems}});
      return;
    }
    const std::string token = new_edit_token();
    if (token.empty()) return json_error(res, 500, errc::internal_error, "no edit token could be made; try again");
    post_result r = comments.post(d.value, post_status, now_ms(), address, edit_token_hash(token));
    switch (r.outcome) {
      case post_outcome::created: res.status = 201; break;
      case post_outcome::repeated:
        // The same post sent again (a retry) gets its comment back; a clientId reused for
        // anything else gets nothing, so a guessed or leaked clientId reveals no pending comment.
        if (r.comment.thread != d.value.thread || r.comment.text != d.value.text)
          return json_error(res, 409, errc::client_id_taken, "this clientId was used for another comment", "clientId");
        res.status = 200;
        break;
      case post_outcome::parent_not_found:
        return json_error(res, 409, errc::parent_not_found, "the comment replied to is not in this thread", "parent");
      case post_outcome::failed:
        std::fprintf(stderr, "colloquy serve: storing a comment failed: %s\n", r.error.c_str());
        return json_error(res, 503, errc::storage_unavailable, "the comment could not be stored; try again");
    }
    json answer = comment_json(r.comment, true);
    // The edit token, in this answer only. A post sent again (its first answer lost) gets a new
    // one while the window is open; the first, if it did arrive, no longer works. Whoever sends
    // the clientId again gets that token, so only an id too long to guess (the widget's are
    // UUIDs) is trusted with it: a shorter one still finds its comment, without a token.
    const std::int64_t until = r.comment.created + edit_window_ms;
    const bool editable = edit_window_ms > 0 && now_ms() <= until &&
                          (r.outcome == post_outcome::created ||
                           (d.value.client_id.size() >= limits::min_secret_client_id_bytes &&
                            comments.replace_edit_token(r.comment.thread, r.comment.id, edit_token_hash(token))));
    if (editable) {
      answer["token"] = token;
      answer["editableUntil"] = format_iso8601(until);
    }
    res.set("Content-Type", "application/json");
    res.body = dump(answer);
  };

  // POST /api/comments/votes (DESIGN §8): the same vote again changes nothing. Origin and media
  // type: as a post's.
  auto post_vote = [&](const http::request& req, http::response& res) {
    const std::string address = http::address_key(client_address(req, c.trust_proxy));
    if (rate_limited(res, "vote", c.vote_rate_limit, address, "too many votes from this address; try again later"))
      return;
    // Read and checked by the core (compose.hpp); every refusal is a 400 but an oversized body's.
    const vote_request_result read = read_vote(req.body);
    if (!read.ok()) {
      const problem& first = read.problems.front();
      return json_error(res, first.code == errc::body_too_large ? error_status(first.code) : 400, first.code,
                        first.message, first.field);
    }
    const vote_request& v = read.value;
    if (impossible_id(v.comment))
      return json_error(res, 404, errc::no_such_comment, "no published comment with that id in that thread", "comment");
    const vote_result r = comments.vote({v.thread, v.comment, v.voter, address, v.vote, c.votes_per_address, now_ms()});
    if (r.result == vote_result::outcome::no_comment)
      return json_error(res, 404, errc::no_such_comment, "no published comment with that id in that thread", "comment");
    // Not a rate: this address's voters on this comment stay at the cap however long one waits.
    if (r.result == vote_result::outcome::address_full)
      return json_error(res, 429, errc::too_many_voters, "this comment has as many votes from this address as it takes",
                        "voter");
    if (r.result == vote_result::outcome::failed)
      return json_error(res, 503, errc::storage_unavailable, "the vote could not be stored; try again");
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"comment", v.comment}, {"votes", {{"up", r.up}, {"down", r.down}}}, {"mine", r.mine}});
  };

  // PATCH and DELETE /api/comments/<id> (DESIGN §8): the author's own edit or delete, with the
  // token the post's answer carried, while the edit window is open.
  // Counted before the body is read, so a flood of edits costs the server nothing to refuse.
  auto edit_limited = [&](const http::request& req, http::response& res) {
    return rate_limited(res, "edit", c.rate_limit, http::address_key(client_address(req, c.trust_proxy)),
                        "too many changes from this address; try again later");
  };
  auto author_action = [&](http::response& res, const std::string& id, author_change change, const std::string& thread) {
    if (thread.empty()) return json_error(res, 400, errc::thread_required, "the thread is missing", "thread");
    if (impossible_id(id))
      return json_error(res, 404, errc::no_such_comment, "no comment with that id in that thread", "id");
    change.now_ms = now_ms();
    change.window_ms = edit_window_ms;
    const author_result r = comments.author_edit(thread, id, change);
    switch (r.outcome) {
      case author_outcome::done: break;
      case author_outcome::no_comment:
        return json_error(res, 404, errc::no_such_comment, "no comment with that id in that thread", "id");
      case author_outcome::bad_token:
        return json_error(res, 403, errc::bad_token, "this is not the token of that comment", "token");
      case author_outcome::window_closed:
        return json_error(res, 403, errc::edit_window_closed, "this comment can no longer be changed");
      case author_outcome::failed:
        return json_error(res, 503, errc::storage_unavailable, "the change could not be stored; try again");
    }
    res.set("Content-Type", "application/json");
    // The comment as the thread now lists it (a delete: status "deleted", no text), which the
    // widget adds to the thread it holds as one more page.
    res.body = dump(comment_json(r.comment, false));
  };
  auto edit_comment = [&](const http::request& req, http::response& res, const std::string& id) {
    if (edit_limited(req, res)) return;
    // The new text is validated and normalised exactly as a post's (compose.hpp).
    draft_result d = read_draft(req.body, {.require_client_id = false});
    if (!d.ok()) {
      const problem& first = d.problems.front();
      return json_error(res, error_status(first.code), first.code, first.message, first.field);
    }
    const std::optional<std::string> token = string_member(req.body, "token");
    author_change change;
    change.text = std::move(d.value.text);
    change.token_hash = token && !token->empty() ? edit_token_hash(*token) : std::string();
    change.address = client_address(req, c.trust_proxy);
    change.moderated = c.moderate;
    author_action(res, id, std::move(change), d.value.thread);
  };
  auto delete_comment = [&](const http::request& req, http::response& res, const std::string& id) {
    if (edit_limited(req, res)) return;
    const std::string thread = detail::normalise_field(query_param(req.query, "thread"), false);
    if (thread.size() > limits::max_thread_bytes)
      return json_error(res, 400, errc::thread_too_long, "the thread id is longer than 512 bytes", "thread");
    author_change change;
    change.remove = true;
    if (auto credential = bearer_credential(req.header("Authorization")))
      change.token_hash = edit_token_hash(*credential);
    change.address = client_address(req, c.trust_proxy);
    author_action(res, id, std::move(change), thread);
  };

  // Moderation API, only with --admin-token (see server.hpp). Two credentials: the token, and
  // the session the moderation page signs in for (POST /api/admin/session with the token), a
  // SHA-256 of the token under a fixed label: the same in every process, and as hard to guess as
  // 256 random bits. The session is checked first and never rate limited, so a moderator
  // working through a queue is never refused, whoever else shares the address. The token is
  // rate limited per address before it is even looked at (--admin-rate-limit), so it cannot be
  // guessed at speed; a flood of wrong tokens from the moderator's address delays a sign-in,
  // never a page already signed in.
  const std::string token = c.admin_token;
  const std::string session = token.empty() ? std::string() : admin_session(token);
  // (Without --admin-token the route answers 404 before any of these runs: admin_action.)
  auto authorised = [&](const http::request& req, http::response& res) {
    const std::optional<std::string_view> credential = bearer_credential(req.header("Authorization"));
    if (credential && same_secret(*credential, session)) return true;
    if (rate_limited(res, "admin", c.admin_rate_limit, http::address_key(client_address(req, c.trust_proxy)),
                     "too many admin requests from this address; try again later"))
      return false;
    if (!credential || !same_secret(*credential, token)) {
      json_error(res, 401, errc::unauthorized, "a valid admin token is required");
      return false;
    }
    return true;
  };
  // The moderation page's sign-in: the token (or a session) answers the session to use instead.
  auto admin_sign_in = [&](const http::request& req, http::response& res) {
    if (!authorised(req, res)) return;
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"session", session}});
  };
  auto admin_pending = [&](const http::request& req, http::response& res) {
    if (!authorised(req, res)) return;
    json list = json::array();
    for (const auto& cm : comments.pending(query_param(req.query, "thread"), 1000)) {
      json j = comment_json(cm, false);
      j["thread"] = cm.thread;
      list.push_back(std::move(j));
    }
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"comments", std::move(list)}});
  };
  auto admin_moderate = [&](const http::request& req, http::response& res) {
    if (!authorised(req, res)) return;
    static const std::pair<const char*, moderation> actions[] = {{"approve", moderation::approve},
                                                                 {"reject", moderation::reject},
                                                                 {"delete", moderation::remove},
                                                                 {"restore", moderation::restore}};
    // Read by the core's JSON reader, as votes are.
    detail::json_document doc;
    doc.parse(req.body);                                 // a body that is not JSON leaves no root: every field absent
    const detail::json_document::ref body = doc.root();  // absent when the body is not JSON
    const std::string_view* thread = body.string_at("thread");
    const std::string_view* id = body.string_at("id");
    const std::string_view* action = body.string_at("action");
    auto act = std::find_if(std::begin(actions), std::end(actions),
                            [&](const auto& x) { return action && *action == x.first; });
    // An approval names the version of the text the moderator saw: its `edited` time as the
    // listing gave it, null or absent for a comment never edited.
    const detail::json_document::ref edited = body["edited"];
    const std::optional<std::int64_t> seen = edited.present()
                                                 ? (edited.string() ? parse_iso8601(*edited.string()) : std::nullopt)
                                                 : std::optional<std::int64_t>(0);
    if (!thread || !id || act == std::end(actions) || !seen)
      return json_error(res, 400, errc::bad_moderation,
                        R"(send {"thread":…, "id":…, "action":"approve"|"reject"|"delete"|"restore", "edited":…})");
    // The audit log keeps the moderator's own address (not its rate-limit key, a /64 for IPv6).
    const moderation_result done = comments.moderate(std::string(*thread), std::string(*id), act->second,
                                                     client_address(req, c.trust_proxy), now_ms(), *seen);
    using outcome = moderation_result::outcome;
    if (done.result == outcome::failed)
      return json_error(res, 503, errc::storage_unavailable, "the moderation could not be stored; try again");
    if (done.result == outcome::stale) {
      // Its author edited it after the moderator's listing: nothing is published, and the answer
      // carries the text as it is now, to be read before approving again.
      json_error(res, 409, errc::comment_changed,
                 "its author has edited this comment since you saw it: read the new text, then decide again", "edited");
      json j = comment_json(done.comment, false);
      j["thread"] = done.comment.thread;
      j["status"] = done.comment.status;
      j["text"] = done.comment.text;
      json answer = json::parse(res.body);
      answer["comment"] = std::move(j);
      res.body = dump(answer);
      return;
    }
    if (done.result == outcome::not_applicable) {
      switch (act->second) {
        case moderation::remove:
          return json_error(res, 404, errc::no_such_comment, "no comment with that id in that thread to delete", "id");
        case moderation::restore:
          return json_error(res, 404, errc::not_deleted, "no deleted comment with that id in that thread", "id");
        default: return json_error(res, 404, errc::not_pending, "no pending comment with that id in that thread", "id");
      }
    }
    json j = comment_json(done.comment, false);
    j["thread"] = done.comment.thread;
    res.set("Content-Type", "application/json");
    res.body = dump(j);
  };
  // Comments of any status for the moderation page, newest first, each with its text and its
  // HTML as the widget renders it (the same core), in `html`: one static section whose
  // articles carry data-id "m0", "m1", … in the order of `comments`.
  auto admin_comments = [&](const http::request& req, http::response& res) {
    if (!authorised(req, res)) return;
    comment_query q;
    q.thread = detail::normalise_field(query_param(req.query, "thread"), false);
    q.status = query_param(req.query, "status");
    q.text = query_param(req.query, "q");
    static const std::string statuses[] = {"", "published", "pending", "deleted", "rejected"};
    if (std::find(std::begin(statuses), std::end(statuses), q.status) == std::end(statuses))
      return json_error(res, 400, errc::bad_moderation, "status is published, pending, deleted or rejected", "status");
    if (q.thread.size() > limits::max_thread_bytes || q.text.size() > 200)
      return json_error(res, 400, errc::bad_moderation, "the thread or the search text is too long");
    bool ok = false;
    auto found = comments.find(q, ok);
    if (!ok) return json_error(res, 503, errc::storage_unavailable, "the comments cannot be read right now");
    json list = json::array(), shown = json::array();
    for (std::size_t i = 0; i < found.size(); ++i) {
      const stored_comment& m = found[i];
      json j = comment_json(m, false);
      j["thread"] = m.thread;
      j["status"] = m.status;
      j["text"] = m.text;  // moderators see what was written, deleted or not
      list.push_back(std::move(j));
      // Rendered as a published top-level comment, so that its text shows whatever its status.
      stored_comment flat = m;
      flat.id = "m" + std::to_string(i);
      flat.parent.clear();
      flat.status = "published";
      shown.push_back(comment_json(flat, false));
    }
    widget_options shown_as;
    shown_as.static_page = true;
    comments_view rendered = render_comments_view(dump(json{{"comments", std::move(shown)}}), shown_as);
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"comments", std::move(list)}, {"html", rendered.ok ? std::move(rendered.html) : std::string()}});
  };
  auto admin_audit = [&](const http::request& req, http::response& res) {
    if (!authorised(req, res)) return;
    bool ok = false;
    auto entries = comments.audit_log(200, ok);
    if (!ok) return json_error(res, 503, errc::storage_unavailable, "the audit log cannot be read right now");
    json list = json::array();
    for (const auto& e : entries)
      list.push_back({{"at", format_iso8601(e.at)},
                      {"address", e.address},
                      {"action", e.action},
                      {"thread", e.thread},
                      {"id", e.id},
                      {"before", e.status_before},
                      {"after", e.status_after}});
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"entries", std::move(list)}});
  };

  // The moderation page: four files compiled in (admin/), under the strict CSP whatever --csp
  // says, and never framed (clickjacking a moderator's click). Only with --admin-token.
  auto admin_page = [&](const http::request& req, const std::string& path, http::response& res) {
    static const std::pair<const char*, std::pair<const char*, const char*>> files[] = {
        {"/admin", {admin_files::admin_html, "text/html; charset=utf-8"}},
        {"/admin/", {admin_files::admin_html, "text/html; charset=utf-8"}},
        {"/admin/admin.js", {admin_files::admin_js, "text/javascript; charset=utf-8"}},
        {"/admin/admin.css", {admin_files::admin_css, "text/css; charset=utf-8"}},
        {"/admin/colloquy-static.css", {admin_files::colloquy_static_css, "text/css; charset=utf-8"}}};
    auto f = std::find_if(std::begin(files), std::end(files), [&](const auto& x) { return path == x.first; });
    if (token.empty() || f == std::end(files)) {
      res.status = 404;
      res.set("Content-Type", "text/plain; charset=utf-8");
      res.body = "Not found\n";
      return;
    }
    res.replace("Content-Security-Policy",
                std::string(strict_csp) + "; frame-ancestors 'none'; form-action 'self'; base-uri 'none'");
    res.set("X-Frame-Options", "DENY");
    res.set("Cache-Control", "no-store");
    res.set("Content-Type", f->second.second);
    res.body = f->second.first;
    res.head_only = req.method == "HEAD";
  };

  // GET /api/comments/counts?thread=A&thread=B…: the published comments of each thread, for the
  // links of an index page (web/colloquy-count.js). Answered under each thread as sent; a
  // repeated thread is counted once.
  auto get_counts = [&](const http::request& req, http::response& res) {
    res.set("Cache-Control", "no-cache");
    std::vector<std::string> sent = query_values(req.query, "thread"), threads;
    if (sent.empty())
      return json_error(res, 400, errc::missing_thread, "at least one thread parameter is required", "thread");
    std::sort(sent.begin(), sent.end());
    sent.erase(std::unique(sent.begin(), sent.end()), sent.end());
    if (sent.size() > limits::max_count_threads)
      return json_error(
          res, 400, errc::too_many_threads,
          "at most " + std::to_string(limits::max_count_threads) + " threads per request; ask for the rest in another",
          "thread");
    for (const std::string& t : sent) {
      threads.push_back(detail::normalise_field(t, false));
      if (threads.back().empty())
        return json_error(res, 400, errc::missing_thread, "a thread parameter is empty", "thread");
      if (threads.back().size() > limits::max_thread_bytes)
        return json_error(res, 400, errc::thread_too_long, "a thread id is longer than 512 bytes", "thread");
    }
    bool ok = false;
    const std::vector<std::int64_t> versions = comments.versions(threads, ok);
    if (!ok) return json_error(res, 503, errc::storage_unavailable, "the comments cannot be counted right now");
    std::vector<std::int64_t> n(threads.size());
    std::vector<std::string> uncounted;  // not kept at their version: counted now
    for (std::size_t i = 0; i < threads.size(); ++i)
      if ((n[i] = counted.find(threads[i], versions[i]).value_or(-1)) < 0) uncounted.push_back(threads[i]);
    if (!uncounted.empty()) {
      const std::vector<std::int64_t> fresh = comments.published_counts(uncounted, ok);
      if (!ok) return json_error(res, 503, errc::storage_unavailable, "the comments cannot be counted right now");
      for (std::size_t i = 0, j = 0; i < threads.size(); ++i)
        if (n[i] < 0) {
          n[i] = fresh[j++];
          // A thread never written to (a made-up one) counts 0 at one key lookup: not kept.
          if (versions[i] > 0) counted.keep(threads[i], versions[i], n[i], threads[i].size() + 64);
        }
    }
    json counts = json::object();
    for (std::size_t i = 0; i < sent.size(); ++i) counts[sent[i]] = n[i];
    res.set("Content-Type", "application/json");
    res.body = dump(json{{"counts", std::move(counts)}});
  };

  // GET /api/feed.atom: the Atom feed of new comments, per thread (?thread=T) or for the whole
  // site (atom.hpp). Permalinks point at the blog: the first --cors origin, else the public URL,
  // else Host.
  auto get_feed = [&](const http::request& req, http::response& res) {
    const std::string thread = detail::normalise_field(query_param(req.query, "thread"), false);
    if (thread.size() > limits::max_thread_bytes)
      return json_error(res, 400, errc::thread_too_long, "the thread id is longer than 512 bytes", "thread");
    const std::string server = public_origin(req, "http:");
    std::string blog;
    for (const std::string& o : c.cors)
      if (blog.empty() && o != "*") blog = o;
    // Kept until the thread (or, for the site's, any thread) changes, per public origin (the
    // feed's links carry it); an unchanged feed is a 304 for a reader that has it.
    const std::int64_t version = comments.version(thread);
    if (version < 0) return json_error(res, 503, errc::storage_unavailable, "the feed cannot be read right now");
    const std::string key = server + '\n' + thread;
    std::optional<feed_answer> a = feeds.find(key, version);
    if (!a) {
      atom_feed f{blog.empty() ? server : blog, atom_feed_url(server, thread), thread,
                  std::int64_t(std::time(nullptr)) * 1000};
      const std::vector<stored_comment> recent = comments.recent(thread, 50);
      std::vector<atom_entry> entries;
      for (const stored_comment& cm : recent)
        entries.push_back({cm.id, cm.thread, cm.name, cm.text, cm.created, cm.edited});
      a = feed_answer{};
      a->body = std::make_shared<const std::string>(render_atom(f, entries));
      a->etag = "\"" + content_hash(*a->body) + "\"";
      // No entries may be a read that failed (recent() cannot say): not kept.
      if (!recent.empty()) feeds.keep(key, version, *a, a->body->size() + key.size());
    }
    res.set("Content-Type", "application/atom+xml; charset=utf-8");
    res.set("Cache-Control", "no-cache");
    res.set("ETag", a->etag);
    if (std::string_view inm = req.header("If-None-Match"); !inm.empty() && etag_matches(inm, a->etag)) {
      res.status = 304;
      return;
    }
    res.shared_body = a->body;
    res.head_only = req.method == "HEAD";
  };

  // GET and HEAD of anything but the API: the site's files, the widget's, the moderation page.
  auto get_file = [&](const http::request& req, const safe_path& path, http::response& res) {
    if (path.path == "/favicon.ico" && !fs::exists(c.root + "/favicon.ico")) {
      res.status = 204;
      return;
    }
    if (path.path == "/admin" || path.path.rfind("/admin/", 0) == 0) return admin_page(req, path.path, res);
    if (path.hidden) {
      res.status = 404;
      res.set("Content-Type", "text/plain; charset=utf-8");
      res.body = "Not found\n";
      return;
    }
    if (widget && path.path.rfind("/colloquy/", 0) == 0) return widget->serve(req, path.path.substr(9), res);
    site.serve(req, path.path, res);
  };

  // The route in two steps. `head_answer` is what the request's head alone decides: a refusal (a
  // Host not answered, a path or method no route takes, a write from an origin not allowed or
  // not in JSON) or a preflight, written into `res`; else the action that answers the request
  // with its body and the database. The HTTP layer asks it before "100 Continue" too
  // (http::early_answer), so a client is never asked for a body its head already had refused.
  // It runs on an I/O thread then: nothing in it may wait (no database, no file).
  using action = std::function<void(const http::request&, http::response&)>;
  auto refusal = [](http::response& res, int status, std::string_view code, std::string_view message) -> action {
    json_error(res, status, code, message);
    return nullptr;
  };
  auto method_not_allowed = [](http::response& res, const char* allow) -> action {
    res.set("Allow", allow);
    json_error(res, 405, errc::method_not_allowed, std::string("this path takes ") + allow);
    return nullptr;
  };
  // A reader's write (a post, a vote, an edit, a delete), never cached: refused from a browser on
  // an origin not allowed, and, when it has a body to read (`body`: what it is), unless JSON.
  auto reader_write = [&](const http::request& req, http::response& res, const char* verb, const char* body,
                          action then) -> action {
    res.set("Cache-Control", "no-store");
    if (foreign_origin(req))
      return refusal(res, 403, errc::origin_not_allowed, std::string("this origin may not ") + verb + " here");
    if (body && !is_json_request(req))
      return refusal(res, 415, errc::unsupported_media_type, std::string("send the ") + body + " as application/json");
    return then;
  };
  // The moderation API exists only with --admin-token.
  auto admin_action = [&](http::response& res, action then) -> action {
    res.set("Cache-Control", "no-store");
    if (token.empty()) return refusal(res, 404, errc::not_found, "moderation is off (no --admin-token)");
    return then;
  };

  auto head_answer = [&](const http::request& req, http::response& res) -> action {
    common.apply(res);
    // Not a proxy: CONNECT opens no tunnel, and what its client sends next is never read as requests.
    res.close = req.method == "CONNECT";
    // HTTP/1.1 requires Host; whatever it names must be a name this server answers to (an
    // absolute-form target's authority stands in for it: http.cpp).
    std::string_view host = req.header("Host");
    if ((!host.empty() || req.version == 11) && !hosts.allowed(host))
      return refusal(res, 421, errc::host_not_allowed, "this server does not answer to that host name");
    constexpr const char* every_method = "GET, HEAD, POST, PATCH, DELETE, OPTIONS";
    if (req.method == "CONNECT") return method_not_allowed(res, every_method);
    // The asterisk-form asks about the server as a whole, and only OPTIONS may (RFC 9110 §9.3.7).
    if (req.path == "*") {
      if (req.method != "OPTIONS") return refusal(res, 400, errc::bad_path, "the target * is for OPTIONS only");
      res.status = 204;
      res.set("Allow", every_method);
      return nullptr;
    }
    safe_path path = decode_path(req.path);
    if (path.bad) return refusal(res, 400, errc::bad_path, "the path is not one this server can serve");
    const bool get = req.method == "GET" || req.method == "HEAD";

    if (is_api(path.path)) {
      api_cors(req, res);
      if (req.method == "OPTIONS") {
        // Preflight: only allowed origins get the Allow-* headers.
        res.status = 204;
        if (allowed_origin(req).empty()) return nullptr;
        res.set("Access-Control-Allow-Methods", "GET, POST, PATCH, DELETE, OPTIONS");
        res.set("Access-Control-Allow-Headers", "Content-Type, Authorization");
        res.set("Access-Control-Max-Age", "600");
        return nullptr;
      }
      if (path.path == "/api/comments") {
        if (get) return get_comments;
        if (req.method == "POST") return reader_write(req, res, "post", "comment", post_comment);
        return method_not_allowed(res, "GET, HEAD, POST, OPTIONS");
      }
      if (path.path == "/api/comments/counts") {
        if (get) return get_counts;
        return method_not_allowed(res, "GET, HEAD, OPTIONS");
      }
      // Reader actions on one comment; other methods on these paths fall through to the 404.
      if (path.path == "/api/comments/votes" && req.method == "POST")
        return reader_write(req, res, "vote", "vote", post_vote);
      if (constexpr std::string_view one = "/api/comments/";
          path.path.size() > one.size() && path.path.rfind(one, 0) == 0) {
        const std::string id = path.path.substr(one.size());
        if (req.method == "PATCH")
          return reader_write(req, res, "edit", "edit",
                              [&, id](const http::request& q, http::response& r) { edit_comment(q, r, id); });
        if (req.method == "DELETE")
          return reader_write(req, res, "delete", nullptr,
                              [&, id](const http::request& q, http::response& r) { delete_comment(q, r, id); });
      }
      if (path.path == "/api/feed.atom") {
        if (get) return get_feed;
        return method_not_allowed(res, "GET, HEAD, OPTIONS");
      }
      if (path.path == "/api/admin/session") {
        if (req.method == "POST") return admin_action(res, admin_sign_in);
        return method_not_allowed(res, "POST, OPTIONS");
      }
      if (path.path == "/api/admin/pending") {
        if (get) return admin_action(res, admin_pending);
        return method_not_allowed(res, "GET, HEAD, OPTIONS");
      }
      if (path.path == "/api/admin/moderate") {
        if (req.method == "POST") return admin_action(res, admin_moderate);
        return method_not_allowed(res, "POST, OPTIONS");
      }
      if (path.path == "/api/admin/comments") {
        if (get) return admin_action(res, admin_comments);
        return method_not_allowed(res, "GET, HEAD, OPTIONS");
      }
      if (path.path == "/api/admin/audit") {
        if (get) return admin_action(res, admin_audit);
        return method_not_allowed(res, "GET, HEAD, OPTIONS");
      }
      return refusal(res, 404, errc::not_found, "no such API endpoint");
    }

    if (!get) return method_not_allowed(res, "GET, HEAD");
    return [&, path = std::move(path)](const http::request& q, http::response& r) { get_file(q, path, r); };
  };

  auto route = [&](const http::request& req, http::response& res) {
    trimmer.touch();
    if (const action then = head_answer(req, res)) then(req, res);
  };

  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    listener.stop();
  });
  std::printf("Colloquy is serving %s on http://%s:%d/ (comments in %s%s)\n", c.root.c_str(),
              c.host.find(':') != std::string::npos ? ("[" + c.host + "]").c_str() : c.host.c_str(), port,
              db_name.c_str(), c.moderate ? ", moderated" : "");
  std::fflush(stdout);
  // Returns when every connection is closed or the shutdown deadline passed, and every handler
  // has returned: a post being stored is committed before its 201 is written, and one that was
  // not answered was not acknowledged.
  listener.run(route, [&](const http::request& head, http::response& res) { return !head_answer(head, res); });
  // Wake the stopper if listening ended without a signal, and wait for it.
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  db->close();
  std::printf("Colloquy stopped; %s closed cleanly\n", db_name.c_str());
  std::fflush(stdout);
  return 0;
}

}  // namespace colloquy::server
