// Renders a two-comment thread with the public API and prints what a page would show.
#include <colloquy/api.hpp>

#include <cstdio>
#include <string>

int main() {
  const std::string document = R"J({"comments": [
    {"id": "a", "created": "2010-09-25T14:03:00Z", "text": "Nice :)", "author": {"name": "Mary D.", "location": "Kansas, USA"}},
    {"id": "b", "parent": "a", "created": "2010-09-26T09:00:00Z", "text": "*Agreed*", "author": "Ron"}]})J";
  const std::string out = colloquy::render_comments(document, R"({"locale": "de"})");
  const auto split = out.find('\0');  // <meta JSON> '\0' <HTML>
  if (split == std::string::npos) return 1;
  std::printf("%s\n%s\n", out.substr(0, split).c_str(), out.substr(split + 1).c_str());
  return 0;
}
