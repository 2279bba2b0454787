// The reference server's HTTP/1.1 layer: Boost.Beast parsing over Asio, with the limits an
// open-internet server needs enforced before any route sees a request.
//
//   http::options o;                       // limits and timeouts, see below
//   http::listener l(o, errors);
//   if (auto e = l.bind("127.0.0.1", 8080); !e.empty()) die(e);   // "address in use", ...
//   l.run([](const http::request& q, http::response& r) { r.body = "hello"; });  // until stop()
//
// Why Beast and not cpp-httplib (Debian's 0.11, used before): measured against a hostile client
// on this machine, cpp-httplib gave one blocking thread per connection (70 connections trickling
// a header byte every 2 s stopped every other GET for 25 s), read timeouts per recv() but no
// deadline for a whole request, no cap on header count (60,000 headers accepted), bodies without
// a cap on routes that did not read them, and decompression of request bodies in memory. Beast
// gives a parser with header and body limits and a stream whose timer bounds a whole operation;
// the rest (caps per address, deadlines, shutdown) is this file. libmicrohttpd was the other
// candidate: it has connection caps but only an inactivity timeout, so a client sending one byte
// per timeout holds a connection for hours.
//
// Threads: a few I/O threads run every socket (idle or slow connections cost no thread); the
// route handler runs on a separate worker pool, so a handler waiting for the database never
// stalls reading or writing for anyone else.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace colloquy::server::http {

struct options {
  std::size_t max_body = 256 * 1024;         // every request body, whatever the route or method
  std::size_t max_header_bytes = 16 * 1024;  // request line and header fields together
  std::size_t max_header_fields = 100;
  std::size_t max_request_line = 8 * 1024;
  std::chrono::seconds header_timeout{10};  // first byte to the end of the headers
  std::chrono::seconds body_timeout{10};    // the whole body
  std::chrono::seconds idle_timeout{5};     // a kept-alive connection waiting for a request
  std::chrono::seconds write_timeout{30};   // each write of an answer to a slow reader
  std::chrono::seconds shutdown_timeout{10};
  std::size_t max_connections = 1024;
  std::size_t max_connections_per_address = 64;  // IPv4 address or IPv6 /64
  int io_threads = 2;
  int workers = 16;
};

using header_list = std::vector<std::pair<std::string, std::string>>;

// Two ASCII strings equal but for the letters' case (header names, tokens, schemes).
bool iequals(std::string_view a, std::string_view b);

struct request {
  std::string method;
  // As sent: path and query, percent-escapes kept. An absolute-form target ("http://host/p?q",
  // RFC 9112 §3.2.2) is reduced to its path and query, and its authority replaces the Host
  // header; CONNECT's authority-form and "*" (OPTIONS) are kept as sent.
  std::string target;
  std::string path;   // target before '?', still escaped
  std::string query;  // after '?', without it
  int version = 11;   // 10 or 11
  header_list headers;
  std::string body;
  std::string remote_address;  // the peer's address (no port)

  // The first header of that name (case-insensitive), empty when absent.
  std::string_view header(std::string_view name) const;
  // Every value of that header, in order.
  std::vector<std::string_view> headers_named(std::string_view name) const;
};

// A file part to stream from disk after the head (ranges and large files).
struct file_part {
  int fd = -1;  // owned: closed by the layer
  std::uint64_t offset = 0, length = 0;
};

struct response {
  int status = 200;
  header_list headers;  // never Connection, Content-Length or Date: the layer writes those
  std::string body;
  std::shared_ptr<const std::string> shared_body;  // sent instead of `body` when set
  file_part file;                                  // sent instead of either when fd >= 0
  bool head_only = false;                          // HEAD: the length of the body, no bytes
  bool close = false;                              // close the connection after this answer

  void set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  // Sets a header, replacing any of the same name (case-insensitive).
  void replace(std::string name, std::string value);
  std::uint64_t content_length() const {
    return file.fd >= 0 ? file.length : shared_body ? shared_body->size() : body.size();
  }
};

// Answers a request the layer refuses itself (too large, too slow, malformed): the route layer
// formats it (JSON error, common headers, CORS). `code` is a stable error code; `head` is the
// request without its body when its headers could be read, else nullptr.
using error_answer =
    std::function<response(int status, std::string_view code, std::string_view message, const request* head)>;
using handler = std::function<void(const request&, response&)>;
// Asked on an I/O thread when a client sends "Expect: 100-continue" and waits before sending its
// body (RFC 9110 10.1.1): true when the request's head alone decides the answer (a refusal: a
// route, method or media type not taken), written into the response, which is then sent at once
// instead of "100 Continue"; the body is never read and the connection closes. It must not block
// (no database): an answer that needs more is the handler's, once the body is read.
using early_answer = std::function<bool(const request& head, response&)>;

// The key connections are counted under: an IPv4 address, or the /64 of an IPv6 address
// (one home or host usually owns a whole /64). IPv4-mapped IPv6 counts as IPv4.
std::string address_key(std::string_view address);

class listener {
 public:
  listener(options o, error_answer errors);
  ~listener();
  listener(const listener&) = delete;
  listener& operator=(const listener&) = delete;

  // Binds and listens; empty on success, else why not. Port 0 picks a free port.
  std::string bind(const std::string& host, int port);
  int port() const;
  // Serves until stop(); returns when every connection is closed (or the shutdown deadline passed)
  // and every handler has returned.
  void run(handler h, early_answer early = nullptr);
  // Thread-safe, callable once or more: stop accepting, close idle and half-read connections at
  // once, let requests being handled finish and answer, close what is left after the deadline.
  void stop();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace colloquy::server::http
