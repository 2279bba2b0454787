// Comment markup (DESIGN §4) to safe HTML.
//
//   std::string html;
//   colloquy::append_markup_html(html, "Nice :)\n\nSecond paragraph");
//   // html == "<p>Nice :)</p>\n<p>Second paragraph</p>\n"
//
// Raw HTML in the text is never passed through: it is escaped and shown as text.
#pragma once
#include <string>
#include <string_view>

#include "colloquy/escape.hpp"

namespace colloquy {

// Paragraphs are separated by blank lines; a single newline is a soft break.
inline void append_markup_html(std::string& out, std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    // Skip blank lines between paragraphs.
    std::size_t line_end = text.find('\n', pos);
    if (line_end == std::string_view::npos) line_end = text.size();
    std::string_view line = text.substr(pos, line_end - pos);
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      pos = line_end + 1;
      continue;
    }
    // A paragraph runs until the next blank line.
    std::size_t end = line_end;
    while (end < text.size()) {
      std::size_t next_end = text.find('\n', end + 1);
      if (next_end == std::string_view::npos) next_end = text.size();
      std::string_view next = text.substr(end + 1, next_end - end - 1);
      if (next.find_first_not_of(" \t\r") == std::string_view::npos) break;
      end = next_end;
    }
    std::string_view para = text.substr(pos, end - pos);
    while (!para.empty() && (para.back() == ' ' || para.back() == '\r' || para.back() == '\t')) para.remove_suffix(1);
    while (!para.empty() && (para.front() == ' ' || para.front() == '\t')) para.remove_prefix(1);
    out += "<p>";
    append_escaped(out, para);
    out += "</p>\n";
    pos = end + 1;
  }
}

}  // namespace colloquy
