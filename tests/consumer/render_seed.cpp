// Renders a two-comment thread with the public (typed) API and prints what a page would show.
#include <colloquy/api.hpp>

#include <cstdio>
#include <string>

int main() {
  const std::string document = R"J({"comments": [
    {"id": "a", "created": "2010-09-25T14:03:00Z", "text": "Nice :)", "author": {"name": "Mary D.", "location": "Kansas, USA"}},
    {"id": "b", "parent": "a", "created": "2010-09-26T09:00:00Z", "text": "*Agreed*", "author": "Ron"}]})J";
  colloquy::widget_options options;
  options.locale = "de";
  const colloquy::comments_view view = colloquy::render_comments_view(document, options);
  std::printf("{\"ok\":%s,\"count\":%zu}\n%s\n", view.ok ? "true" : "false", view.count, view.html.c_str());
  return view.ok ? 0 : 1;
}
