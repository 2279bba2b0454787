// A raw HTTP/1.1 client over POSIX sockets, for tests that must send what no well-behaved client
// library would: endless headers, trickled bytes, bodies that never end, lying lengths. Loopback
// only. Every call that waits has a deadline, so a server that misbehaves fails a test instead of
// hanging it.
//
//   raw::connection c("127.0.0.1", port, "127.0.0.5");   // source address 127.0.0.5
//   c.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
//   raw::response r = c.read_response(std::chrono::seconds(5));
//   if (r.complete) CHECK(r.status == 200);
#pragma once
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace colloquy::test::raw {

using steady = std::chrono::steady_clock;
using ms = std::chrono::milliseconds;

inline std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// One parsed answer. `complete`: a status line, headers and the whole body (by Content-Length,
// chunks, or up to the close) arrived before the deadline.
struct response {
  bool complete = false;
  bool got_status = false;  // at least the status line and headers arrived
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;        // de-chunked, never decompressed
  bool closed = false;     // the server closed the connection (EOF or reset) while reading
  bool timed_out = false;  // the deadline passed first
  std::string error;       // what went wrong, for messages

  // The first value of a header (case-insensitive name), or "".
  std::string header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (lower(k) == lower(std::string(name))) return v;
    return {};
  }
  bool has(std::string_view name) const { return count(name) > 0; }
  std::size_t count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& [k, v] : headers)
      if (lower(k) == lower(std::string(name))) ++n;
    return n;
  }
  // A short description for failure messages.
  std::string describe() const {
    std::ostringstream s;
    if (got_status) s << status << " " << reason << " (" << body.size() << " body bytes)";
    else s << "no answer";
    if (closed) s << ", closed";
    if (timed_out) s << ", timed out";
    if (!error.empty()) s << ", " << error;
    if (got_status && !body.empty()) {
      // The start of the body, printable bytes only (a compressed body shows as dots).
      std::string start = body.substr(0, 200);
      for (char& c : start)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) c = '.';
      s << ": " << start;
    }
    return s.str();
  }
};

class connection {
 public:
  // Connects to `host` (an IPv4 or IPv6 literal) at `port`, from `source` (an address literal of
  // the same family, e.g. "127.0.0.7"; empty: the kernel chooses), within `timeout`.
  connection(const std::string& host, int port, const std::string& source = "", ms timeout = ms(3000)) {
    const bool v6 = host.find(':') != std::string::npos;
    fd_ = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      error_ = std::string("socket: ") + std::strerror(errno);
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_storage to{}, from{};
    socklen_t len = 0;
    if (!fill(host, port, v6, to, len)) {
      error_ = "bad address " + host;
      close();
      return;
    }
    if (!source.empty()) {
      socklen_t flen = 0;
      if (!fill(source, 0, v6, from, flen) || ::bind(fd_, reinterpret_cast<sockaddr*>(&from), flen) != 0) {
        error_ = "cannot bind to " + source + ": " + std::strerror(errno);
        close();
        return;
      }
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    int rc = ::connect(fd_, reinterpret_cast<sockaddr*>(&to), len);
    if (rc != 0 && errno != EINPROGRESS) {
      error_ = std::string("connect: ") + std::strerror(errno);
      close();
      return;
    }
    if (rc != 0) {
      pollfd p{fd_, POLLOUT, 0};
      int n = ::poll(&p, 1, static_cast<int>(timeout.count()));
      int err = 0;
      socklen_t elen = sizeof err;
      if (n <= 0 || ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &elen) != 0 || err != 0) {
        error_ = n <= 0 ? "connect timed out" : std::string("connect: ") + std::strerror(err);
        close();
        return;
      }
    }
  }
  ~connection() { close(); }
  connection(const connection&) = delete;
  connection& operator=(const connection&) = delete;
  connection(connection&& o) noexcept
      : fd_(std::exchange(o.fd_, -1)), buffer_(std::move(o.buffer_)), error_(std::move(o.error_)), eof_(o.eof_) {}

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  const std::string& error() const { return error_; }
  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Makes close() send a reset at once (SO_LINGER 0), for connections abandoned in bulk.
  void abort_on_close() {
    linger l{1, 0};
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  }
  // Shrinks the kernel's send buffer, so that a server that stops reading stops the sender soon.
  void small_send_buffer(int bytes = 16384) {
    if (fd_ >= 0) ::setsockopt(fd_, SOL_SOCKET, SO_SNDBUF, &bytes, sizeof bytes);
  }

  // Sends all of `data` within `timeout`. False when the connection failed (reset, closed: the
  // server gave up on us) or the time ran out; `sent` (optional) counts what went out.
  bool send(std::string_view data, ms timeout = ms(5000), std::size_t* sent = nullptr) {
    if (fd_ < 0) return false;
    const auto deadline = steady::now() + timeout;
    std::size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::send(fd_, data.data() + done, data.size() - done, MSG_NOSIGNAL);
      if (n > 0) {
        done += static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        error_ = std::string("send: ") + std::strerror(errno);
        if (sent) *sent = done;
        return false;
      }
      int left = remaining(deadline);
      if (left <= 0) {
        error_ = "send timed out";
        if (sent) *sent = done;
        return false;
      }
      pollfd p{fd_, POLLOUT, 0};
      ::poll(&p, 1, std::min(left, 100));
    }
    if (sent) *sent = done;
    return true;
  }

  // Bytes the server sent and this side has not parsed yet are waiting (or the server closed),
  // within `timeout`. Reads them into the buffer.
  bool readable(ms timeout = ms(0)) {
    if (!buffer_.empty() || eof_) return true;
    fill_buffer(steady::now() + timeout);
    return !buffer_.empty() || eof_;
  }

  // Waits until the server closes the connection (EOF or reset), reading and keeping whatever it
  // sends meanwhile. True if it closed within `timeout`.
  bool wait_closed(ms timeout) {
    const auto deadline = steady::now() + timeout;
    while (!eof_ && fd_ >= 0) {
      if (remaining(deadline) <= 0) return false;
      fill_buffer(deadline);
    }
    return true;
  }
  bool server_closed() const { return eof_; }
  // Everything received and not parsed as an answer yet.
  const std::string& pending() const { return buffer_; }

  // Reads one whole answer within `timeout`. `head`: the request was HEAD (no body follows).
  response read_response(ms timeout = ms(5000), bool head = false) {
    response r;
    const auto deadline = steady::now() + timeout;
    std::size_t end;
    while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (eof_ || fd_ < 0) return finish(r, "closed before the headers ended");
      if (remaining(deadline) <= 0) {
        r.timed_out = true;
        return finish(r, "no complete headers before the deadline");
      }
      fill_buffer(deadline);
    }
    std::string head_text = buffer_.substr(0, end);
    buffer_.erase(0, end + 4);
    std::istringstream lines(head_text);
    std::string line;
    std::getline(lines, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) return finish(r, "bad status line: " + line.substr(0, 80));
    r.status = std::atoi(line.c_str() + 9);
    r.reason = line.size() > 13 ? line.substr(13) : "";
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string value = line.substr(colon + 1);
      auto b = value.find_first_not_of(" \t"), e = value.find_last_not_of(" \t");
      r.headers.emplace_back(line.substr(0, colon), b == std::string::npos ? "" : value.substr(b, e - b + 1));
    }
    r.got_status = true;
    if (head || r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200)) {
      r.complete = true;
      return r;
    }
    if (lower(r.header("Transfer-Encoding")).find("chunked") != std::string::npos) return read_chunked(r, deadline);
    if (r.has("Content-Length")) {
      std::size_t want = std::strtoull(r.header("Content-Length").c_str(), nullptr, 10);
      while (buffer_.size() < want) {
        if (eof_ || fd_ < 0) return finish(r, "closed inside the body", &want);
        if (remaining(deadline) <= 0) {
          r.timed_out = true;
          return finish(r, "body incomplete at the deadline", &want);
        }
        fill_buffer(deadline);
      }
      r.body = buffer_.substr(0, want);
      buffer_.erase(0, want);
      r.complete = true;
      return r;
    }
    // No length: the body runs to the close.
    while (!eof_ && fd_ >= 0) {
      if (remaining(deadline) <= 0) {
        r.timed_out = true;
        r.body = std::move(buffer_);
        buffer_.clear();
        return finish(r, "body without length not closed by the deadline");
      }
      fill_buffer(deadline);
    }
    r.body = std::move(buffer_);
    buffer_.clear();
    r.complete = true;
    r.closed = true;
    return r;
  }

 private:
  static bool fill(const std::string& host, int port, bool v6, sockaddr_storage& out, socklen_t& len) {
    if (v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&out);
      a->sin6_family = AF_INET6;
      a->sin6_port = htons(static_cast<uint16_t>(port));
      len = sizeof *a;
      return ::inet_pton(AF_INET6, host.c_str(), &a->sin6_addr) == 1;
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&out);
    a->sin_family = AF_INET;
    a->sin_port = htons(static_cast<uint16_t>(port));
    len = sizeof *a;
    return ::inet_pton(AF_INET, host.c_str(), &a->sin_addr) == 1;
  }
  static int remaining(steady::time_point deadline) {
    return static_cast<int>(std::chrono::duration_cast<ms>(deadline - steady::now()).count());
  }
  // One wait (at most until the deadline, in slices) and one read into the buffer.
  void fill_buffer(steady::time_point deadline) {
    if (fd_ < 0 || eof_) return;
    int left = std::max(0, remaining(deadline));
    pollfd p{fd_, POLLIN, 0};
    int n = ::poll(&p, 1, std::min(left, 200));
    if (n <= 0) return;
    char chunk[65536];
    ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
    if (got > 0) buffer_.append(chunk, static_cast<std::size_t>(got));
    else if (got == 0) eof_ = true;
    else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      error_ = std::string("recv: ") + std::strerror(errno);
      eof_ = true;
    }
  }
  response& finish(response& r, const std::string& why, const std::size_t* want = nullptr) {
    if (r.got_status && !r.complete) {
      std::size_t take = want ? std::min(*want, buffer_.size()) : buffer_.size();
      r.body += buffer_.substr(0, take);
      buffer_.erase(0, take);
    }
    r.closed = eof_ || fd_ < 0;
    r.error = why + (error_.empty() ? "" : " (" + error_ + ")");
    return r;
  }
  response& read_chunked(response& r, steady::time_point deadline) {
    for (;;) {
      std::size_t eol;
      while ((eol = buffer_.find("\r\n")) == std::string::npos) {
        if (eof_ || fd_ < 0) return finish(r, "closed inside a chunk size");
        if (remaining(deadline) <= 0) {
          r.timed_out = true;
          return finish(r, "chunked body incomplete at the deadline");
        }
        fill_buffer(deadline);
      }
      std::size_t size = std::strtoull(buffer_.c_str(), nullptr, 16);
      if (size == 0) {
        // "0\r\n", then trailers (none expected), then an empty line.
        std::size_t end;
        while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) {
          if (eof_ || fd_ < 0 || remaining(deadline) <= 0) break;
          fill_buffer(deadline);
        }
        buffer_.erase(0, end == std::string::npos ? buffer_.size() : end + 4);
        r.complete = true;
        return r;
      }
      while (buffer_.size() < eol + 2 + size + 2) {
        if (eof_ || fd_ < 0) return finish(r, "closed inside a chunk");
        if (remaining(deadline) <= 0) {
          r.timed_out = true;
          return finish(r, "chunked body incomplete at the deadline");
        }
        fill_buffer(deadline);
      }
      r.body.append(buffer_, eol + 2, size);
      buffer_.erase(0, eol + 2 + size + 2);
    }
  }

  int fd_ = -1;
  std::string buffer_;
  std::string error_;
  bool eof_ = false;
};

// A request with CRLF line ends. `headers` are written as given ("Name: value" each); Host is
// added first unless given; Content-Length is added for a non-empty body unless a length or a
// Transfer-Encoding is given.
inline std::string request(const std::string& method, const std::string& target, int port,
                           std::vector<std::string> headers = {}, const std::string& body = "") {
  auto has = [&](const char* name) {
    for (const auto& h : headers)
      if (lower(h).rfind(lower(name) + ":", 0) == 0) return true;
    return false;
  };
  std::string out = method + " " + target + " HTTP/1.1\r\n";
  if (!has("Host")) out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& h : headers) out += h + "\r\n";
  if (!body.empty() && !has("Content-Length") && !has("Transfer-Encoding"))
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "\r\n";
  out += body;
  return out;
}

// Connects, sends `bytes`, reads one answer: the usual one-shot exchange.
inline response exchange(int port, const std::string& bytes, ms timeout = ms(5000), const std::string& source = "",
                         const std::string& host = "127.0.0.1", bool head = false) {
  connection c(host, port, source);
  if (!c.connected()) {
    response r;
    r.error = c.error();
    return r;
  }
  if (!c.send(bytes, timeout)) {
    // The server may have answered and closed before taking everything: read what it said.
    response r = c.read_response(ms(1000), head);
    if (!r.got_status) r.error = "send failed: " + c.error();
    return r;
  }
  return c.read_response(timeout, head);
}

// The resident set of a process, in KiB, from /proc/<pid>/status (`field`: VmRSS, or VmHWM for
// the peak); -1 when unreadable.
inline long proc_kib(int pid, const std::string& field = "VmRSS") {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  return -1;
}

// Percent-encodes everything but unreserved characters and '/'.
inline std::string encode(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') out += static_cast<char>(c);
    else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace colloquy::test::raw
