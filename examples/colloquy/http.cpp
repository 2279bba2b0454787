#include "http.hpp"

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <ctime>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "colloquy/error.hpp"

namespace colloquy::server::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

namespace {

const char* reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 416: return "Range Not Satisfiable";
    case 421: return "Misdirected Request";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Status";
  }
}

std::string http_date() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[64];
  std::strftime(out, sizeof out, "%a, %d %b %Y %H:%M:%S GMT", &tm);
  return out;
}

// RFC 9112 §3.2: the request target in origin-form ("/path?query") is taken as it is. The
// absolute-form ("http://authority/path?query"), which a server MUST accept (§3.2.2), is reduced
// to its path and query, and its authority becomes the Host header: an origin server MUST ignore
// the Host received beside it and use the target's, so the route's one Host check (and the links
// and answers keyed by Host) see the authority and cannot be gone around. CONNECT's
// authority-form and the asterisk-form ("*", OPTIONS) are left to the route as sent. Returns
// why an absolute-form target is refused (RFC 9110 §4.2: http or https only, with a host and
// without a user name), else empty.
std::string_view take_target(request& r) {
  const std::string_view t = r.target;
  std::size_t colon = t.find(':');
  const bool scheme = !t.empty() && t[0] != '/' && t != "*" && r.method != "CONNECT" && colon != 0 &&
                      colon != std::string_view::npos &&
                      std::all_of(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
                        return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                      });
  if (scheme) {
    if (!(iequals(t.substr(0, colon), "http") || iequals(t.substr(0, colon), "https")) ||
        t.substr(colon + 1, 2) != "//")
      return "only http and https URLs are served";
    std::string_view rest = t.substr(colon + 3);
    const std::size_t end = rest.find_first_of("/?");
    const std::string authority(rest.substr(0, end));
    if (authority.empty()) return "the URL has no host";
    if (authority.find('@') != std::string::npos) return "a URL with a user name is not served";
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    std::string target = rest.empty() || rest[0] == '?' ? "/" + std::string(rest) : std::string(rest);
    r.headers.erase(
        std::remove_if(r.headers.begin(), r.headers.end(), [](const auto& h) { return iequals(h.first, "Host"); }),
        r.headers.end());
    r.headers.emplace_back("Host", authority);
    r.target = std::move(target);
  }
  const std::size_t q = r.target.find('?');
  r.path = r.target.substr(0, q);
  if (q != std::string::npos) r.query = r.target.substr(q + 1);
  return {};
}

// Open connections, in total and per address key: the caps are checked at accept.
class connection_table {
 public:
  connection_table(std::size_t total, std::size_t per) : max_total_(total), max_per_(per) {}
  enum class verdict { admitted, over_address, full };
  // `over`: how far past the total cap this one may go (a connection is being closed for it).
  verdict admit(const std::string& key, std::size_t over = 0) {
    std::lock_guard<std::mutex> l(m_);
    std::size_t& n = per_[key];
    if (total_ >= max_total_ + over || n >= max_per_) {
      const verdict v = n >= max_per_ ? verdict::over_address : verdict::full;
      if (n == 0) per_.erase(key);
      return v;
    }
    ++n;
    ++total_;
    return verdict::admitted;
  }
  std::size_t count(const std::string& key) {
    std::lock_guard<std::mutex> l(m_);
    auto it = per_.find(key);
    return it == per_.end() ? 0 : it->second;
  }
  void release(const std::string& key) {
    std::lock_guard<std::mutex> l(m_);
    auto it = per_.find(key);
    if (it != per_.end() && --it->second == 0) per_.erase(it);
    --total_;
  }

 private:
  std::mutex m_;
  std::size_t max_total_, max_per_, total_ = 0;
  std::unordered_map<std::string, std::size_t> per_;
};

}  // namespace

std::string_view request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::vector<std::string_view> request::headers_named(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) out.emplace_back(v);
  return out;
}

void response::replace(std::string name, std::string value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); }),
                headers.end());
  set(std::move(name), std::move(value));
}

std::string address_key(std::string_view address) {
  std::string a(address);
  in6_addr v6{};
  if (inet_pton(AF_INET6, a.c_str(), &v6) == 1) {
    static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(mapped, mapped + 12, v6.s6_addr)) {
      char out[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, v6.s6_addr + 12, out, sizeof out);
      return out;
    }
    std::fill(v6.s6_addr + 8, v6.s6_addr + 16, 0);
    char out[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &v6, out, sizeof out);
    return std::string(out) + "/64";
  }
  return a;
}

struct listener::impl {
  // Declared before the I/O context: sessions still queued in it when it is destroyed release
  // their connection slots into these.
  options o;
  error_answer errors;
  connection_table table;
  handler route;
  early_answer early;
  std::atomic<bool> stopping{false};
  class session;
  std::mutex sessions_mutex;
  std::unordered_map<session*, std::weak_ptr<session>> sessions;

  asio::io_context io;
  asio::strand<asio::io_context::executor_type> control{io.get_executor()};  // stopping and its deadline
  asio::steady_timer deadline{control};
  asio::thread_pool workers;
  tcp::acceptor acceptor{control};

  impl(options opts, error_answer e)
      : o(opts),
        errors(std::move(e)),
        table(opts.max_connections, opts.max_connections_per_address),
        workers(static_cast<std::size_t>(std::max(1, opts.workers))) {}

  void accept();
  bool make_room();
  void begin_stop();
};

class listener::impl::session : public std::enable_shared_from_this<session> {
 public:
  session(impl& owner, tcp::socket socket, std::string address, std::string key)
      : owner_(owner),
        stream_(std::move(socket)),
        address_(std::move(address)),
        key_(std::move(key)),
        buffer_(owner.o.max_header_bytes + 4096),
        deadline_(stream_.get_executor()) {}

  ~session() {
    owner_.table.release(key_);
    if (file_fd_ >= 0) ::close(file_fd_);
    bool last = false;
    {
      std::lock_guard<std::mutex> l(owner_.sessions_mutex);
      owner_.sessions.erase(this);
      last = owner_.sessions.empty();
    }
    // The last connection gone during a shutdown: no need to wait for the deadline.
    if (last && owner_.stopping) {
      impl* o = &owner_;
      asio::post(o->control, [o] { o->deadline.cancel(); });
    }
  }

  asio::any_io_executor executor() { return stream_.get_executor(); }

  void start() {
    {
      std::lock_guard<std::mutex> l(owner_.sessions_mutex);
      owner_.sessions.emplace(this, weak_from_this());
    }
    asio::dispatch(stream_.get_executor(), [self = shared_from_this()] { self->wait_for_request(); });
  }

  // On the session's strand: a connection waiting for (or in the middle of reading) a request
  // has nothing acknowledged to lose and is closed at once; one being answered finishes first.
  void shutdown() {
    if (idle()) close();
  }
  // From any thread: what shutdown() would close now, and since when it has been waiting.
  bool idle() const {
    const state s = state_;
    return s == state::waiting || s == state::reading;
  }
  std::int64_t idle_since() const { return idle_since_; }
  const std::string& key() const { return key_; }

 private:
  enum class state { waiting, reading, handling, writing, closed };

  void close() {
    if (state_ == state::closed) return;
    state_ = state::closed;
    deadline_.cancel();  // its handler holds the session: let it go now
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

  // Idle until the first byte of a request (idle timeout), then the whole header (header timeout).
  void wait_for_request() {
    if (owner_.stopping) return close();
    state_ = state::waiting;
    idle_since_ = std::chrono::steady_clock::now().time_since_epoch().count();
    if (buffer_.size() > 0) return read_header();
    stream_.expires_after(owner_.o.idle_timeout);
    stream_.async_read_some(buffer_.prepare(4096), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      if (ec || n == 0) return self->close();
      self->buffer_.commit(n);
      self->read_header();
    });
  }

  // Reading a request has a deadline of its own, not the stream's (which closes the socket, so
  // no answer could be written): when it passes, the read is cancelled and answered 408. The
  // stream's expiry stays as a backstop a little later.
  void read_deadline(std::chrono::steady_clock::duration limit) {
    timed_out_ = false;
    stream_.expires_after(limit + std::chrono::seconds(5));
    deadline_.expires_after(limit);
    deadline_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec || self->state_ != state::reading) return;
      self->timed_out_ = true;
      beast::error_code e;
      self->stream_.socket().cancel(e);
    });
  }

  void read_header() {
    head_request_ = false;
    state_ = state::reading;
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(owner_.o.max_header_bytes));
    parser_->body_limit(owner_.o.max_body);
    read_deadline(owner_.o.header_timeout);
    parse_header();
  }

  // The header, parsed as it arrives until the parser has it whole. Not bhttp::async_read_header,
  // which reads on while the parser wants more: to Beast a line ended by a bare LF is no line yet
  // (it waits for a CR), so such a request waited for the header deadline and got 408. Until the
  // header is whole, every byte the parser leaves unread is the header's, whose lines end in CRLF
  // (RFC 9112 2.2; a field value holds no LF), so a bare LF among them is refused at once.
  void parse_header() {
    beast::error_code ec;
    while (!parser_->is_header_done() && buffer_.size() > 0) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more || (!ec && used == 0)) {
        if (bare_line_feed()) {
          deadline_.cancel();
          return refuse(400, errc::bad_request, "a line of the request header does not end in CRLF");
        }
        ec = {};
        break;
      }
      if (ec) return on_header(ec);
    }
    if (parser_->is_header_done()) return on_header({});
    const std::size_t room = beast::read_size(buffer_, 65536);
    if (room == 0) return on_header(bhttp::error::buffer_overflow);
    stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code e, std::size_t n) {
      if (self->state_ == state::closed) return;
      self->buffer_.commit(n);
      if (e == asio::error::eof)
        e = self->parser_->got_some() ? bhttp::error::partial_message : bhttp::error::end_of_stream;
      if (e) return self->on_header(e);
      self->parse_header();
    });
  }

  // Which limit a request over the header limit broke: a request line with no end in sight is
  // 414, anything else 431.
  bool request_line_too_long() const {
    if (parser_->got_some() && !parser_->get().target().empty())  // the line was read whole
      return parser_->get().target().size() > owner_.o.max_request_line;
    auto data = buffer_.data();
    std::string_view seen(static_cast<const char*>(data.data()), data.size());
    std::size_t eol = seen.find("\r\n");
    return eol == std::string_view::npos ? seen.size() > owner_.o.max_request_line : eol > owner_.o.max_request_line;
  }

  void on_header(beast::error_code ec) {
    if (state_ == state::closed) return;
    deadline_.cancel();
    if (timed_out_ || ec == beast::error::timeout)
      return refuse(408, errc::request_timeout, "the request headers took too long");
    if (ec == bhttp::error::header_limit || ec == bhttp::error::buffer_overflow) {
      if (request_line_too_long()) return refuse(414, errc::uri_too_long, "the request line is too long");
      return refuse(431, errc::headers_too_large, "the request headers are too large");
    }
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == asio::error::eof ||
        ec == asio::error::connection_reset || ec == asio::error::operation_aborted)
      return close();
    // A Content-Length over the body limit is caught while the header is read: the header
    // itself is complete and is kept for the answer (CORS headers, say).
    if (ec && ec != bhttp::error::body_limit) return refuse(400, errc::bad_request, "the request could not be read");

    auto sv = [](beast::string_view v) { return std::string_view(v.data(), v.size()); };
    const auto& h = parser_->get();
    head_request_ = h.method() == bhttp::verb::head;
    std::size_t fields = 0, bytes = h.method_string().size() + h.target().size() + 12, hosts = 0, codings = 0;
    for (const auto& f : h) {
      ++fields;
      bytes += f.name_string().size() + f.value().size() + 4;
      hosts += f.name() == bhttp::field::host;
      codings += f.name() == bhttp::field::transfer_encoding;
    }
    if (h.target().size() > owner_.o.max_request_line)
      return refuse(414, errc::uri_too_long, "the request line is too long");
    // The parser checks its limit only while the header is incomplete: one that arrived whole
    // in a read is measured here.
    if (fields > owner_.o.max_header_fields || bytes > owner_.o.max_header_bytes)
      return refuse(431, errc::headers_too_large, "the request headers are too large");
    // RFC 9112: one Host; a body's framing that two readers could take two ways (chunked not
    // the last coding, or a coding besides it) is refused, never guessed (request smuggling).
    if (hosts > 1) return refuse(400, errc::bad_request, "more than one Host header");
    std::string_view coded = sv(h[bhttp::field::transfer_encoding]);
    while (!coded.empty() && (coded.front() == ' ' || coded.front() == '\t')) coded.remove_prefix(1);
    while (!coded.empty() && (coded.back() == ' ' || coded.back() == '\t')) coded.remove_suffix(1);
    if (codings > 1 || (codings && !iequals(coded, "chunked")))
      return refuse(400, errc::bad_request, "Transfer-Encoding other than a single chunked is not accepted");

    request_.emplace();
    request& r = *request_;
    r.method = std::string(h.method_string());
    r.target = std::string(h.target());
    r.version = static_cast<int>(h.version());
    for (const auto& f : h) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.remote_address = address_;
    // RFC 9112 6.1: an HTTP/1.0 message with Transfer-Encoding has faulty framing for some
    // reader on its way here; it is answered and the connection closed, so nothing that follows
    // on it is taken for a second request.
    keep_alive_ = h.keep_alive() && !(codings && h.version() == 10);
    const std::string_view bad_target = take_target(r);

    if (h.version() != 10 && h.version() != 11) return refuse(505, errc::bad_request, "HTTP/1.0 and HTTP/1.1 only");
    if (!bad_target.empty()) return refuse(400, errc::bad_path, bad_target);
    // A body in a content coding would be inflated to an unknown size: refused before a byte of it is read.
    std::string_view coding = sv(h[bhttp::field::content_encoding]);
    if (!coding.empty() && !iequals(coding, "identity"))
      return refuse(415, errc::unsupported_encoding, "request bodies are accepted without Content-Encoding only");
    if (auto length = parser_->content_length();
        ec == bhttp::error::body_limit || (length && *length > owner_.o.max_body))
      return refuse(413, errc::body_too_large, "the request body is larger than the limit");

    if (parser_->is_done()) return handle();
    if (iequals(sv(h[bhttp::field::expect]), "100-continue") && h.version() == 11) {
      // A client waiting to send its body is not asked for one its head already had refused.
      if (std::optional<response> early = early_answer_for_head()) return answer_unread(std::move(*early));
      static const char continue_line[] = "HTTP/1.1 100 Continue\r\n\r\n";
      stream_.expires_after(owner_.o.write_timeout);
      return asio::async_write(stream_, asio::buffer(continue_line, sizeof continue_line - 1),
                               [self = shared_from_this()](beast::error_code e, std::size_t) {
                                 if (e) return self->close();
                                 self->read_body();
                               });
    }
    read_body();
  }

  // The route's answer from the head alone (listener::run's early_answer), if it has one. On an
  // I/O thread: one that throws is left to the handler, which answers 500 if it throws again.
  std::optional<response> early_answer_for_head() {
    if (!owner_.early) return std::nullopt;
    response res;
    try {
      if (owner_.early(*request_, res)) return res;
    } catch (...) {}
    return std::nullopt;
  }

  // The body, parsed as it arrives until the parser has it whole. Not bhttp::async_read, which
  // reads on for as long as the parser wants more: to Beast a chunk-size line ended by a bare LF
  // is no line yet (it waits for a CR), so such a body waited for the body deadline and got 408.
  // Here the bytes the parser leaves unread are looked at after each read: in a chunked body they
  // are a chunk-size line or the trailer not yet whole, whose lines end in CRLF (RFC 9112 7.1),
  // so a bare LF among them is bad framing, refused at once.
  void read_body() {
    if (state_ == state::closed) return;
    read_deadline(owner_.o.body_timeout);
    parser_->eager(true);  // as bhttp::async_read: each put() parses all it can
    parse_body();
  }

  void parse_body() {
    beast::error_code ec;
    while (!parser_->is_done() && buffer_.size() > 0) {
      const std::size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == bhttp::error::need_more || (!ec && used == 0)) {
        if (parser_->chunked() && bare_line_feed()) {
          deadline_.cancel();
          return refuse(400, errc::bad_request, "a line of the chunked body does not end in CRLF");
        }
        break;
      }
      if (ec) return body_read(ec);
    }
    if (parser_->is_done()) return body_read({});
    const std::size_t room = beast::read_size(buffer_, 65536);
    if (room == 0) return body_read(bhttp::error::buffer_overflow);
    stream_.async_read_some(buffer_.prepare(room), [self = shared_from_this()](beast::error_code e, std::size_t n) {
      if (self->state_ == state::closed) return;
      self->buffer_.commit(n);
      if (e) return self->body_read(e);
      self->parse_body();
    });
  }

  // A LF in the bytes not parsed yet that no CR comes before (a header's or a chunked body's).
  bool bare_line_feed() const {
    auto data = buffer_.data();
    const std::string_view left(static_cast<const char*>(data.data()), data.size());
    for (std::size_t at = left.find('\n'); at != std::string_view::npos; at = left.find('\n', at + 1))
      if (at == 0 || left[at - 1] != '\r') return true;
    return false;
  }

  // The body read whole (`ec` empty), or why not.
  void body_read(beast::error_code ec) {
    deadline_.cancel();
    if (ec == bhttp::error::body_limit)
      return refuse(413, errc::body_too_large, "the request body is larger than the limit");
    if (timed_out_ || ec == beast::error::timeout)
      return refuse(408, errc::request_timeout, "the request body took too long");
    if (ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message || ec == asio::error::eof ||
        ec == asio::error::operation_aborted || ec == asio::error::connection_reset)
      return close();
    if (ec) return refuse(400, errc::bad_request, "the request body could not be read");
    request_->body = std::move(parser_->get().body());
    handle();
  }

  // The route runs on the worker pool; its answer comes back to this connection's strand.
  void handle() {
    state_ = state::handling;
    stream_.expires_never();
    parser_.reset();
    asio::post(owner_.workers, [self = shared_from_this()] {
      response res;
      try {
        self->owner_.route(*self->request_, res);
      } catch (...) {
        res = self->owner_.errors(500, errc::internal_error, "the request could not be handled", nullptr);
        res.close = true;
      }
      asio::post(self->stream_.get_executor(), [self, res = std::move(res)]() mutable { self->write(std::move(res)); });
    });
  }

  // Refuses a request the layer will not read further.
  void refuse(int status, std::string_view code, std::string_view message) {
    answer_unread(owner_.errors(status, code, message, request_ ? &*request_ : nullptr));
  }

  // Answers a request without reading the rest of it: the answer, then the connection closes
  // (whatever of the request was not read stays unread).
  void answer_unread(response res) {
    res.close = true;
    keep_alive_ = false;
    parser_.reset();
    lingering_ = true;
    write(std::move(res));
  }

  // After a refusal the client may still be sending the request we did not read; closing now
  // would reset the connection and could destroy the answer before the client reads it. So
  // stop sending, then read and drop what arrives, a bounded amount for a bounded time.
  void linger() {
    lingering_ = false;
    state_ = state::writing;
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    if (ec) return close();
    chunk_.resize(16 * 1024);
    stream_.expires_after(std::chrono::seconds(2));
    drain(0);
  }
  void drain(std::size_t dropped) {
    if (dropped > 1024 * 1024) return close();
    stream_.async_read_some(asio::buffer(chunk_),
                            [self = shared_from_this(), dropped](beast::error_code ec, std::size_t n) {
                              if (ec || self->state_ == state::closed) return self->close();
                              self->drain(dropped + n);
                            });
  }

  void write(response res) {
    if (state_ == state::closed) return;
    state_ = state::writing;
    close_after_ = res.close || !keep_alive_ || owner_.stopping;
    // Whatever answers it (an error, any route), a HEAD request gets the header alone: a body
    // would be read as the start of the next answer on this connection.
    res.head_only = res.head_only || head_request_;
    std::string& head = head_;
    head.clear();
    head += "HTTP/1.1 ";
    head += std::to_string(res.status);
    head += ' ';
    head += reason(res.status);
    head += "\r\nDate: ";
    head += http_date();
    head += "\r\n";
    for (const auto& [k, v] : res.headers) {
      if (iequals(k, "Connection") || iequals(k, "Content-Length") || iequals(k, "Date")) continue;
      head += k;
      head += ": ";
      head += v;
      head += "\r\n";
    }
    bool bodyless = res.status == 204 || res.status == 304 || (res.status >= 100 && res.status < 200);
    if (!bodyless) {
      head += "Content-Length: ";
      head += std::to_string(res.content_length());
      head += "\r\n";
    }
    if (close_after_) head += "Connection: close\r\n";
    else if (request_ && request_->version == 10) head += "Connection: keep-alive\r\n";
    head += "\r\n";

    body_.clear();
    shared_body_.reset();
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
    file_left_ = 0;
    std::vector<asio::const_buffer> out{asio::buffer(head_)};
    if (!bodyless && !res.head_only) {
      if (res.file.fd >= 0) {
        file_fd_ = res.file.fd;
        file_offset_ = res.file.offset;
        file_left_ = res.file.length;
        res.file.fd = -1;
      } else if (res.shared_body) {
        shared_body_ = std::move(res.shared_body);
        out.push_back(asio::buffer(*shared_body_));
      } else {
        body_ = std::move(res.body);
        out.push_back(asio::buffer(body_));
      }
    } else if (res.file.fd >= 0) {
      ::close(res.file.fd);
    }
    request_.reset();
    stream_.expires_after(owner_.o.write_timeout);
    asio::async_write(stream_, out, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->close();
      self->write_file();
    });
  }

  // A file streams in slices from disk, each write with its own deadline.
  void write_file() {
    if (file_left_ == 0) return finish();
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(file_left_, 256 * 1024));
    chunk_.resize(n);
    ssize_t got = ::pread(file_fd_, chunk_.data(), n, static_cast<off_t>(file_offset_));
    if (got <= 0) return close();  // the file shrank under us: the answer cannot be completed
    file_offset_ += static_cast<std::uint64_t>(got);
    file_left_ -= static_cast<std::uint64_t>(got);
    stream_.expires_after(owner_.o.write_timeout);
    asio::async_write(stream_, asio::buffer(chunk_.data(), static_cast<std::size_t>(got)),
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec) return self->close();
                        self->write_file();
                      });
  }

  void finish() {
    if (lingering_) return linger();
    body_.clear();
    body_.shrink_to_fit();
    shared_body_.reset();
    chunk_.clear();
    chunk_.shrink_to_fit();
    if (file_fd_ >= 0) ::close(file_fd_);
    file_fd_ = -1;
    if (close_after_) return close();
    wait_for_request();
  }

  impl& owner_;
  beast::tcp_stream stream_;
  std::string address_, key_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  std::optional<request> request_;
  std::atomic<state> state_{state::waiting};  // read by make_room() on the accepting thread
  std::atomic<std::int64_t> idle_since_{0};
  bool keep_alive_ = true, close_after_ = false, lingering_ = false, timed_out_ = false;
  bool head_request_ = false;    // the request being answered is a HEAD
  asio::steady_timer deadline_;  // read_deadline
  std::string head_, body_;
  std::shared_ptr<const std::string> shared_body_;
  std::vector<char> chunk_;
  int file_fd_ = -1;
  std::uint64_t file_offset_ = 0, file_left_ = 0;
};

void listener::impl::accept() {
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) return;
    if (!ec) {
      beast::error_code e2;
      auto peer = socket.remote_endpoint(e2);
      std::string address = e2 ? std::string("unknown") : peer.address().to_string();
      std::string key = address_key(address);
      using verdict = connection_table::verdict;
      verdict seat = stopping ? verdict::full : table.admit(key);
      // Full: a connection with nothing to lose (waiting for a request, or still sending one) is
      // closed to make room, from the address that holds the most, so that a few addresses
      // holding every slot idle cannot keep everyone else out.
      if (!stopping && seat == verdict::full && make_room()) seat = table.admit(key, 16);
      if (seat != verdict::admitted) {
        // Over a cap: a short answer, best effort on the non-blocking socket, and close.
        response r = errors(503, errc::too_many_connections, "too many connections; try again later", nullptr);
        std::string head = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 5\r\nConnection: close\r\n";
        for (const auto& [k, v] : r.headers) {
          if (iequals(k, "Connection")) continue;
          head += k + ": " + v + "\r\n";
        }
        head += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n" + r.body;
        socket.non_blocking(true, e2);
        socket.send(asio::buffer(head), 0, e2);
        socket.shutdown(tcp::socket::shutdown_both, e2);
        socket.close(e2);
      } else {
        socket.set_option(tcp::no_delay(true), e2);
        std::make_shared<session>(*this, std::move(socket), std::move(address), std::move(key))->start();
      }
    } else {
      // EMFILE and the like: pause briefly rather than spin on a failing accept.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    accept();
  });
}

// The idle connection (state waiting or reading) of the address holding the most connections,
// the longest idle of those, closed on its strand; false when every connection is busy.
bool listener::impl::make_room() {
  std::shared_ptr<session> victim;
  std::size_t most = 0;
  {
    std::lock_guard<std::mutex> l(sessions_mutex);
    for (auto& [p, w] : sessions) {
      std::shared_ptr<session> s = w.lock();
      if (!s || !s->idle()) continue;
      const std::size_t n = table.count(s->key());
      if (!victim || n > most || (n == most && s->idle_since() < victim->idle_since())) {
        victim = std::move(s);
        most = n;
      }
    }
  }
  if (!victim) return false;
  asio::post(victim->executor(), [victim] { victim->shutdown(); });
  return true;
}

void listener::impl::begin_stop() {
  if (stopping.exchange(true)) return;
  beast::error_code ec;
  acceptor.close(ec);
  std::vector<std::shared_ptr<session>> open;
  {
    std::lock_guard<std::mutex> l(sessions_mutex);
    for (auto& [p, w] : sessions)
      if (auto s = w.lock()) open.push_back(std::move(s));
  }
  for (auto& s : open) asio::post(s->executor(), [s] { s->shutdown(); });
  if (open.empty()) return;
  // Whatever is still open at the deadline is closed by stopping the I/O threads.
  deadline.expires_after(o.shutdown_timeout);
  deadline.async_wait([this](beast::error_code e) {
    if (!e) io.stop();
  });
}

listener::listener(options o, error_answer errors) : impl_(std::make_unique<impl>(o, std::move(errors))) {}
listener::~listener() = default;

std::string listener::bind(const std::string& host, int port) {
  beast::error_code ec;
  auto address = asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
  if (ec) return "not an IP address: " + host;
  tcp::endpoint ep(address, static_cast<unsigned short>(port));
  auto& a = impl_->acceptor;
  a.open(ep.protocol(), ec);
  if (ec) return ec.message();
  // SO_REUSEADDR lets a restarted server bind while old connections linger in TIME_WAIT; it
  // does not let two servers listen on one port (SO_REUSEPORT would, and is never set).
  a.set_option(asio::socket_base::reuse_address(true), ec);
  a.bind(ep, ec);
  if (ec == asio::error::address_in_use) return "address in use (is another server running on this port?)";
  if (ec) return ec.message();
  a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return ec.message();
  return {};
}

int listener::port() const {
  beast::error_code ec;
  auto ep = impl_->acceptor.local_endpoint(ec);
  return ec ? -1 : ep.port();
}

void listener::run(handler h, early_answer early) {
  impl_->route = std::move(h);
  impl_->early = std::move(early);
  impl_->accept();
  std::vector<std::thread> threads;
  for (int i = 1; i < std::max(1, impl_->o.io_threads); ++i) threads.emplace_back([this] { impl_->io.run(); });
  impl_->io.run();
  for (auto& t : threads) t.join();
  // Handlers still running (a post being committed) finish; their answers have nowhere to go.
  impl_->workers.join();
}

void listener::stop() {
  asio::post(impl_->control, [this] { impl_->begin_stop(); });
}

}  // namespace colloquy::server::http
