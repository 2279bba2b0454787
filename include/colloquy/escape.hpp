// The one escaping path and the one URL policy every renderer uses.
#pragma once
#include <string>
#include <string_view>

namespace colloquy {

// Appends `s` with the five HTML-significant characters replaced by entities, so the result is
// safe both as element text and inside a double- or single-quoted attribute value (OWASP XSS
// prevention rule #1 and #2). NUL becomes U+FFFD, as an HTML parser would make it.
inline void append_escaped(std::string& out, std::string_view s) {
  std::size_t run = 0;  // start of the pending run of characters that need no escaping
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char* rep;
    switch (s[i]) {
      case '&': rep = "&amp;"; break;
      case '<': rep = "&lt;"; break;
      case '>': rep = "&gt;"; break;
      case '"': rep = "&quot;"; break;
      case '\'': rep = "&#39;"; break;
      case '\0': rep = "\xEF\xBF\xBD"; break;
      default: continue;
    }
    out.append(s.data() + run, i - run);
    out.append(rep);
    run = i + 1;
  }
  out.append(s.data() + run, s.size() - run);
}

inline std::string escaped(std::string_view s) {
  std::string out;
  out.reserve(s.size() + 8);
  append_escaped(out, s);
  return out;
}

// Which URLs a link may carry.
enum class url_policy {
  web,   // absolute http: or https: only (author links, story links)
  link,  // http:, https:, mailto:, or a scheme-less (relative) reference (comment markup)
};

namespace detail {
inline bool is_ascii_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }
}  // namespace detail

// True when `url` (already entity-decoded) may be emitted as an href under `policy`.
// Browsers ignore leading C0 controls and spaces, and tabs and newlines anywhere in the scheme
// ("java\tscript:"), so the scheme is read the way the URL parser reads it before it is judged.
// Anything with a colon before the first '/', '?' or '#' has a scheme and must be allowlisted;
// a percent sign or other non-scheme character before that colon makes it unsafe, not relative.
inline bool is_safe_url(std::string_view url, url_policy policy) {
  std::size_t i = 0;
  while (i < url.size() && static_cast<unsigned char>(url[i]) <= 0x20) ++i;
  std::string scheme;
  bool has_scheme = false;
  bool scheme_chars_only = true;
  for (std::size_t j = i; j < url.size(); ++j) {
    char c = url[j];
    if (c == '\t' || c == '\n' || c == '\r') continue;
    if (c == ':') { has_scheme = true; break; }
    if (c == '/' || c == '?' || c == '#') break;
    if (scheme.size() < 16) scheme.push_back(detail::ascii_lower(c));
    bool ok = detail::is_ascii_alpha(c) || (!scheme.empty() && scheme.size() > 1 &&
                                            ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'));
    if (!ok) scheme_chars_only = false;
  }
  if (!has_scheme) {
    // A relative reference. Only the markup policy accepts it, and never an empty one.
    return policy == url_policy::link && i < url.size();
  }
  if (!scheme_chars_only) return false;
  if (scheme == "http" || scheme == "https") return true;
  return policy == url_policy::link && scheme == "mailto";
}

}  // namespace colloquy
