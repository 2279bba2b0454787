// Static files for the reference server: the site (--root) and the widget (--widget).
//
//   colloquy::server::file_folder site("examples/seed", {});
//   site.serve(request, "/index.html", response);   // 200/206/304/404/416, headers set
//
// A folder never hands out a dotfile or anything reached through a link that leaves it; paths
// with control bytes are refused before the file system sees them. Files are answered with a
// strong ETag (SHA-256 of the content, per encoding), `304` on If-None-Match, a precompressed
// `FILE.br`/`FILE.gz` next to the file when Accept-Encoding allows it, and at most one byte
// range. Small files are kept in memory (checked against the disk on every request).
#pragma once
#include <sys/stat.h>

#include <array>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http.hpp"

namespace colloquy::server {

// The first 16 hex digits of the SHA-256 of `data`: ETags.
std::string content_hash(std::string_view data);
// A widget file's version in `?v=` URLs, as the build writes them into colloquy.js
// (wasm/widget.cmake): the first 8 hex digits of its SHA-256.
constexpr std::size_t version_digits = 8;

// Which content codings an Accept-Encoding header allows, and which it prefers: each coding's
// q-value (0: not acceptable; `br;q=0` is no). The one with the highest q is chosen, br on a tie
// (it is the smaller), the other when the first cannot be had (no .br twin, say).
struct accepted_codings {
  double br = 0, gzip = 0;
  // The acceptable codings, the preferred first ("" where none is left).
  std::array<const char*, 2> in_order() const {
    const bool gzip_first = gzip > br;
    const char *first = gzip_first ? "gzip" : "br", *second = gzip_first ? "br" : "gzip";
    const double q1 = gzip_first ? gzip : br, q2 = gzip_first ? br : gzip;
    return {q1 > 0 ? first : "", q2 > 0 ? second : ""};
  }
};
accepted_codings parse_accept_encoding(std::string_view header);

// The path of a request target, percent-decoded and checked: empty when unusable (a control
// byte, a NUL, a bad escape, a `.` or `..` segment), `hidden` when a segment is a dotfile.
struct safe_path {
  std::string path;  // "/a/b.html", no empty, "." or ".." segments
  bool bad = false;
  bool hidden = false;
};
safe_path decode_path(std::string_view raw);

// True when an If-None-Match header matches `etag` (weak comparison, "*" too).
bool etag_matches(std::string_view if_none_match, std::string_view etag);

struct folder_options {
  bool cors_public = false;  // widget assets: readable by any origin
  bool versioned = false;    // ?v=<content hash> URLs are cached for a year
};

class file_folder {
 public:
  // `dir` must exist; it is resolved once (symlinks included) and nothing outside it is served.
  file_folder(const std::string& dir, folder_options o);
  const std::string& root() const { return root_; }

  // Answers GET/HEAD for `path` (decoded, relative to this folder, starting with '/').
  void serve(const http::request& q, const std::string& path, http::response& r);

 private:
  struct entry {
    std::uint64_t ino = 0, size = 0;
    std::int64_t mtime_ns = 0;
    std::string hash;                            // of the content
    std::shared_ptr<const std::string> content;  // small files only
  };
  std::shared_ptr<const entry> load(const std::string& real_path, int fd, std::uint64_t ino, std::uint64_t size,
                                    std::int64_t mtime_ns);
  // Opens `path` inside the folder (no dotfile, no way out), never waiting on it: fd and its
  // `st` for a regular file or a folder, else -1 (a FIFO, socket or device is not found).
  int open_inside(const std::string& path, std::string& real_path, struct stat& st) const;

  std::string root_;
  folder_options o_;
  std::mutex m_;
  std::unordered_map<std::string, std::shared_ptr<const entry>> cache_;
  std::size_t cached_bytes_ = 0;
};

}  // namespace colloquy::server
