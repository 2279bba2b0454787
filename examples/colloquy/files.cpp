#include "files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <filesystem>

#include <openssl/evp.h>

namespace colloquy::server {

namespace {

// Files up to this size are kept in memory with their hash; larger ones stream from disk (their
// hash is still remembered). The whole memory cache stays under the total.
constexpr std::uint64_t max_cached_file = 4 * 1024 * 1024;
constexpr std::size_t max_cached_total = 48 * 1024 * 1024;
constexpr std::size_t max_cached_files = 4096;

std::string_view content_type(std::string_view path) {
  std::size_t dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  struct pair {
    std::string_view ext, type;
  };
  static constexpr pair types[] = {{"html", "text/html; charset=utf-8"},
                                   {"htm", "text/html; charset=utf-8"},
                                   {"js", "text/javascript; charset=utf-8"},
                                   {"mjs", "text/javascript; charset=utf-8"},
                                   {"css", "text/css; charset=utf-8"},
                                   {"json", "application/json"},
                                   {"wasm", "application/wasm"},
                                   {"xml", "application/xml"},
                                   {"rss", "application/rss+xml"},
                                   {"atom", "application/atom+xml"},
                                   {"txt", "text/plain; charset=utf-8"},
                                   {"svg", "image/svg+xml"},
                                   {"png", "image/png"},
                                   {"jpg", "image/jpeg"},
                                   {"jpeg", "image/jpeg"},
                                   {"gif", "image/gif"},
                                   {"webp", "image/webp"},
                                   {"ico", "image/x-icon"},
                                   {"woff2", "font/woff2"},
                                   {"woff", "font/woff"},
                                   {"pdf", "application/pdf"}};
  for (const auto& t : types)
    if (t.ext == ext) return t.type;
  return "application/octet-stream";
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string query_value(std::string_view query, std::string_view key) {
  while (!query.empty()) {
    std::size_t amp = query.find('&');
    std::string_view item = query.substr(0, amp);
    if (item.size() > key.size() && item.substr(0, key.size()) == key && item[key.size()] == '=')
      return std::string(item.substr(key.size() + 1));
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

// One `bytes=` range against a representation of `size` bytes: [first, last], or unsatisfiable.
// Several ranges (or anything unreadable) are ignored: the whole file is sent, once.
enum class range_kind { none, one, unsatisfiable };
range_kind parse_range(std::string_view header, std::uint64_t size, std::uint64_t& first, std::uint64_t& last) {
  header = trim(header);
  if (header.substr(0, 6) != "bytes=") return range_kind::none;
  std::string_view spec = trim(header.substr(6));
  if (spec.find(',') != std::string_view::npos || spec.empty()) return range_kind::none;
  std::size_t dash = spec.find('-');
  if (dash == std::string_view::npos) return range_kind::none;
  auto number = [](std::string_view s, std::uint64_t& v) {
    if (s.empty() || s.size() > 18) return false;
    v = 0;
    for (char c : s) {
      if (c < '0' || c > '9') return false;
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
  };
  std::string_view a = trim(spec.substr(0, dash)), b = trim(spec.substr(dash + 1));
  std::uint64_t x = 0, y = 0;
  if (a.empty()) {  // the last y bytes
    if (!number(b, y)) return range_kind::none;
    if (y == 0 || size == 0) return range_kind::unsatisfiable;
    first = y >= size ? 0 : size - y;
    last = size - 1;
    return range_kind::one;
  }
  if (!number(a, x)) return range_kind::none;
  if (b.empty()) y = UINT64_MAX;
  else if (!number(b, y) || y < x) return range_kind::none;
  if (x >= size) return range_kind::unsatisfiable;
  first = x;
  last = std::min(y, size - 1);
  return range_kind::one;
}

}  // namespace

std::string content_hash(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr);
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < 8 && i < n; ++i) {
    out += digits[md[i] >> 4];
    out += digits[md[i] & 15];
  }
  return out;
}

accepted_codings parse_accept_encoding(std::string_view header) {
  accepted_codings a;
  bool br_listed = false, gzip_listed = false;
  double star = -1;
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    std::size_t semi = item.find(';');
    std::string coding = lower(trim(item.substr(0, semi)));
    double q = 1;
    if (semi != std::string_view::npos) {
      std::string params = lower(trim(item.substr(semi + 1)));
      if (params.rfind("q=", 0) == 0) q = std::strtod(params.c_str() + 2, nullptr);
    }
    if (!(q > 0)) q = 0;  // also a q that is no number
    q = std::min(q, 1.0);
    if (coding == "br") br_listed = true, a.br = q;
    else if (coding == "gzip" || coding == "x-gzip") gzip_listed = true, a.gzip = q;
    else if (coding == "*") star = q;
  }
  if (!br_listed && star > 0) a.br = star;
  if (!gzip_listed && star > 0) a.gzip = star;
  return a;
}

safe_path decode_path(std::string_view raw) {
  safe_path p;
  if (raw.empty() || raw.front() != '/') {
    p.bad = true;
    return p;
  }
  std::string decoded;
  decoded.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      int hi = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1, lo = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        p.bad = true;
        return p;
      }
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F || c == '\\') {
      p.bad = true;
      return p;
    }
    decoded += c;
  }
  // Segments: empty ones collapse; "." and ".." are refused (a browser never sends them).
  std::size_t i = 0;
  while (i < decoded.size()) {
    std::size_t slash = decoded.find('/', i + 1);
    std::string_view seg = std::string_view(decoded).substr(
        i + 1, (slash == std::string::npos ? decoded.size() : slash) - i - 1);
    if (seg == "." || seg == "..") {
      p.bad = true;
      return p;
    }
    if (!seg.empty()) {
      if (seg.front() == '.') p.hidden = true;
      p.path += '/';
      p.path += seg;
    }
    if (slash == std::string::npos) break;
    i = slash;
  }
  if (decoded.back() == '/') p.path += '/';
  if (p.path.empty()) p.path += '/';
  return p;
}

bool etag_matches(std::string_view header, std::string_view etag) {
  auto strip = [](std::string_view t) {
    t = trim(t);
    if (t.substr(0, 2) == "W/") t.remove_prefix(2);
    return t;
  };
  std::string_view want = strip(etag);
  while (!header.empty()) {
    std::size_t comma = header.find(',');
    std::string_view item = strip(header.substr(0, comma));
    if (item == "*" || item == want) return true;
    if (comma == std::string_view::npos) break;
    header.remove_prefix(comma + 1);
  }
  return false;
}

file_folder::file_folder(const std::string& dir, folder_options o) : o_(o) {
  std::error_code ec;
  root_ = std::filesystem::canonical(dir, ec).string();
  if (ec) root_ = dir;
}

int file_folder::open_inside(const std::string& path, std::string& real_path, struct stat& st) const {
  std::string full = root_ + path;
  char resolved[PATH_MAX];
  if (!::realpath(full.c_str(), resolved)) return -1;
  real_path = resolved;
  // Through links or not, the file must be inside the folder, and no part of its real path
  // below the folder may be hidden.
  if (real_path.size() <= root_.size() || real_path.compare(0, root_.size(), root_) != 0 || real_path[root_.size()] != '/')
    return -1;
  if (real_path.find("/.", root_.size()) != std::string::npos) return -1;
  // Only a regular file, or a folder (for the redirect to its index), is opened: opening a FIFO
  // for reading waits for a writer, which held a worker for as long as nobody wrote, and opening
  // a device can wait or do worse. Checked before opening, then again on what was opened (it may
  // have been replaced in between), which O_NONBLOCK lets return at once.
  if (::stat(real_path.c_str(), &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode))) {
    errno = ENOENT;
    return -1;
  }
  int fd = ::open(real_path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return -1;
  if (::fstat(fd, &st) != 0 || !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) ||
      ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK) != 0) {
    ::close(fd);
    errno = ENOENT;
    return -1;
  }
  return fd;
}

std::shared_ptr<const file_folder::entry> file_folder::load(const std::string& real_path, int fd, std::uint64_t ino,
                                                            std::uint64_t size, std::int64_t mtime_ns) {
  {
    std::lock_guard<std::mutex> l(m_);
    auto it = cache_.find(real_path);
    if (it != cache_.end() && it->second->ino == ino && it->second->size == size && it->second->mtime_ns == mtime_ns)
      return it->second;
  }
  auto e = std::make_shared<entry>();
  e->ino = ino;
  e->size = size;
  e->mtime_ns = mtime_ns;
  // Read the whole file once to hash it; keep the bytes when it is small.
  std::string content;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::string chunk(256 * 1024, '\0');
  std::uint64_t at = 0;
  while (at < size) {
    ssize_t got = ::pread(fd, chunk.data(), chunk.size(), static_cast<off_t>(at));
    if (got <= 0) break;
    EVP_DigestUpdate(ctx, chunk.data(), static_cast<std::size_t>(got));
    if (size <= max_cached_file) content.append(chunk.data(), static_cast<std::size_t>(got));
    at += static_cast<std::uint64_t>(got);
  }
  EVP_DigestFinal_ex(ctx, md, &n);
  EVP_MD_CTX_free(ctx);
  if (at != size) return nullptr;  // changed while read: try again next time
  static const char digits[] = "0123456789abcdef";
  for (unsigned i = 0; i < 8; ++i) {
    e->hash += digits[md[i] >> 4];
    e->hash += digits[md[i] & 15];
  }
  if (size <= max_cached_file) e->content = std::make_shared<const std::string>(std::move(content));
  std::lock_guard<std::mutex> l(m_);
  auto& slot = cache_[real_path];
  if (slot && slot->content) cached_bytes_ -= slot->content->size();
  slot = e;
  if (e->content) cached_bytes_ += e->content->size();
  // Over budget: forget everything else (it is reloaded from disk on demand).
  if (cached_bytes_ > max_cached_total || cache_.size() > max_cached_files) {
    cache_.clear();
    cache_.emplace(real_path, e);
    cached_bytes_ = e->content ? e->content->size() : 0;
  }
  return e;
}

void file_folder::serve(const http::request& q, const std::string& rel, http::response& r) {
  auto not_found = [&] {
    r.status = 404;
    r.set("Content-Type", "text/plain; charset=utf-8");
    r.set("Cache-Control", "no-cache");
    r.body = "Not found\n";
  };
  std::string path = rel;
  if (path.empty() || path.back() == '/') path += "index.html";
  std::string real_path;
  struct stat st {};
  int fd = open_inside(path, real_path, st);
  if (fd < 0 && (errno == EMFILE || errno == ENFILE)) {  // out of descriptors: not the file's fault
    r.status = 503;
    r.set("Retry-After", "5");
    r.set("Content-Type", "text/plain; charset=utf-8");
    r.set("Cache-Control", "no-store");
    r.body = "Busy: try again shortly\n";
    return;
  }
  if (fd < 0) return not_found();
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    // A folder named without its slash: its index page.
    if (S_ISDIR(st.st_mode) && rel.back() != '/') {
      r.status = 301;
      // One leading slash: "//host" in Location would send the browser to another host.
      std::string location(1, '/');
      location.append(q.path, std::min(q.path.find_first_not_of('/'), q.path.size()));
      location += '/';
      if (!q.query.empty()) location += '?' + q.query;  // as sent: a campaign's or a page's parameters go along
      r.set("Location", location);
      r.set("Cache-Control", "no-cache");
      return;
    }
    return not_found();
  }
  const std::int64_t mtime_ns = std::int64_t(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  auto e = load(real_path, fd, st.st_ino, static_cast<std::uint64_t>(st.st_size), mtime_ns);
  if (!e) {
    ::close(fd);
    return not_found();
  }

  // The representation: a precompressed sibling when the client takes it and it is not older
  // than the file, unless a range is asked for (ranges are served from the file itself).
  std::string_view range_header = q.header("Range");
  accepted_codings ok = parse_accept_encoding(q.header("Accept-Encoding"));
  std::string coding;
  int body_fd = fd;
  std::uint64_t body_size = e->size;
  std::shared_ptr<const std::string> body = e->content;
  if (range_header.empty()) {
    for (const char* c : ok.in_order()) {
      if (!*c) continue;
      std::string sibling_real;
      struct stat ss {};
      int sfd = open_inside(path + (c[0] == 'b' ? ".br" : ".gz"), sibling_real, ss);
      if (sfd < 0) continue;
      // Older than the file means stale. Compared in whole seconds: brotli and gzip copy the
      // file's time to what they write, some only to the second.
      if (S_ISREG(ss.st_mode) && ss.st_mtim.tv_sec >= st.st_mtim.tv_sec) {
        auto se = load(sibling_real, sfd, ss.st_ino, static_cast<std::uint64_t>(ss.st_size),
                       std::int64_t(ss.st_mtim.tv_sec) * 1000000000 + ss.st_mtim.tv_nsec);
        if (se) {
          coding = c;
          ::close(body_fd);
          body_fd = sfd;
          body_size = se->size;
          body = se->content;
          break;
        }
      }
      ::close(sfd);
    }
  }
  const std::string etag = "\"" + e->hash + (coding.empty() ? "" : "-" + coding) + "\"";

  r.set("Content-Type", std::string(content_type(path)));
  r.set("ETag", etag);
  r.set("Vary", "Accept-Encoding");
  r.set("Accept-Ranges", "bytes");
  if (o_.versioned && query_value(q.query, "v") == std::string_view(e->hash).substr(0, version_digits))
    r.set("Cache-Control", "public, max-age=31536000, immutable");
  else r.set("Cache-Control", "no-cache");
  if (o_.cors_public) {
    r.set("Access-Control-Allow-Origin", "*");
    r.set("Cross-Origin-Resource-Policy", "cross-origin");
  }
  if (!coding.empty()) r.set("Content-Encoding", coding);
  r.head_only = q.method == "HEAD";

  if (std::string_view inm = q.header("If-None-Match"); !inm.empty() && etag_matches(inm, etag)) {
    ::close(body_fd);
    r.status = 304;
    return;
  }
  std::uint64_t first = 0, last = 0;
  range_kind kind = range_kind::none;
  if (!range_header.empty()) {
    std::string_view if_range = q.header("If-Range");
    if (if_range.empty() || trim(if_range) == etag) kind = parse_range(range_header, body_size, first, last);
  }
  if (kind == range_kind::unsatisfiable) {
    ::close(body_fd);
    r.status = 416;
    r.set("Content-Range", "bytes */" + std::to_string(body_size));
    return;
  }
  if (kind == range_kind::none) {
    first = 0;
    last = body_size ? body_size - 1 : 0;
  } else {
    r.status = 206;
    r.set("Content-Range",
          "bytes " + std::to_string(first) + "-" + std::to_string(last) + "/" + std::to_string(body_size));
  }
  const std::uint64_t length = body_size == 0 ? 0 : last - first + 1;
  if (body) {
    ::close(body_fd);
    if (kind == range_kind::none) r.shared_body = body;
    else r.body = body->substr(static_cast<std::size_t>(first), static_cast<std::size_t>(length));
  } else {
    r.file = {body_fd, first, length};
  }
}

}  // namespace colloquy::server
