// RSS and Atom feeds: the browser's XML parser turns the bytes into an element tree, and the core
// maps that tree to JSON Feed items (DESIGN §5), which stories.hpp reads like any JSON Feed.
//
// The tree is a neutral, flat stream the loader writes while walking the parsed document:
// tokens separated by NUL bytes (XML text holds no NUL), in document order:
//   "<name"         an element opens (its local name: "content" for media:content)
//   "@name=value"   an attribute of the element just opened (its qualified name: "rdf:about")
//   "#text"         text (CDATA included)
//   ">"             the element closes
//
//   auto mapped = colloquy::map_feed_tree(tree);   // mapped.ok, mapped.json (a JSON Feed)
//
// Why the split: decoding (declared encodings) and well-formedness are the browser's, and a second
// XML parser in C++ would drift from it (and cost ~30 KB of wasm); what each RSS and Atom field
// means is policy, and lives here, next to the JSON Feed reader, under native tests.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "colloquy/error.hpp"
#include "colloquy/escape.hpp"
#include "colloquy/format.hpp"
#include "colloquy/json_writer.hpp"

namespace colloquy {

struct feed_tree_result {
  bool ok = false;
  problem error;     // not_feed: the root is neither RSS nor Atom, or there is no root
  std::string json;  // a JSON Feed 1.1 document with the items, fields as the feed wrote them
};

namespace detail {

// One node of the tree: an element (with attributes) or a text. Nodes are in document order;
// an element's descendants are the nodes (index, end).
struct tree_node {
  std::string_view name;  // empty for a text
  std::string_view text;
  std::vector<std::pair<std::string_view, std::string_view>> attributes;
  std::uint32_t end = 0;
};

struct feed_tree {
  std::vector<tree_node> nodes;

  // The first element child of `parent` (an index; -1 for none) named `name`, from `from` on.
  int child(int parent, std::string_view name, int from = -1) const {
    if (parent < 0) return -1;
    for (std::uint32_t i = std::uint32_t(from < 0 ? parent + 1 : nodes[from].end); i < nodes[parent].end; i = nodes[i].end)
      if (nodes[i].name == name) return int(i);
    return -1;
  }
  std::vector<int> children(int parent, std::string_view name) const {
    std::vector<int> out;
    for (int c = child(parent, name); c >= 0; c = child(parent, name, c)) out.push_back(c);
    return out;
  }
  // An attribute's value; empty when absent (as the loader's getAttribute(...) || undefined).
  std::string_view attribute(int element, std::string_view name) const {
    if (element < 0) return {};
    for (const auto& [k, v] : nodes[element].attributes)
      if (k == name) return v;
    return {};
  }
  // The element's textContent: its descendant texts, in order.
  std::string text(int element) const {
    std::string out;
    if (element < 0) return out;
    for (std::uint32_t i = std::uint32_t(element) + 1; i < nodes[element].end; ++i) out += nodes[i].text;
    return out;
  }
  // The element's content as markup (Atom xhtml content), for the core's HTML to text.
  std::string markup(int element) const;
};

inline std::string feed_tree::markup(int element) const {
  std::string out;
  std::vector<std::uint32_t> open;  // elements whose end tag is still due
  for (std::uint32_t i = std::uint32_t(element) + 1; i < nodes[element].end; ++i) {
    while (!open.empty() && nodes[open.back()].end <= i) {
      out += "</" + std::string(nodes[open.back()].name) + '>';
      open.pop_back();
    }
    const tree_node& n = nodes[i];
    if (n.name.empty()) {
      append_escaped(out, n.text);
      continue;
    }
    out += '<';
    out += n.name;
    for (const auto& [k, v] : n.attributes) {
      out += ' ';
      out += k;
      out += "=\"";
      append_escaped(out, v);
      out += '"';
    }
    out += '>';
    open.push_back(i);
  }
  for (auto it = open.rbegin(); it != open.rend(); ++it) out += "</" + std::string(nodes[*it].name) + '>';
  return out;
}

// Reads the token stream. Unbalanced input (closes without opens, elements never closed) is
// repaired the way a tree must be: extra closes are ignored, open elements end with the input.
inline feed_tree read_feed_tree(std::string_view stream) {
  feed_tree t;
  std::vector<std::uint32_t> open;
  std::size_t pos = 0;
  while (pos < stream.size()) {
    std::size_t end = stream.find('\0', pos);
    if (end == std::string_view::npos) end = stream.size();
    std::string_view token = stream.substr(pos, end - pos);
    pos = end + 1;
    if (token.empty()) continue;
    std::string_view rest = token.substr(1);
    switch (token[0]) {
      case '<':
        open.push_back(std::uint32_t(t.nodes.size()));
        t.nodes.push_back({rest, {}, {}, 0});
        break;
      case '@':
        if (!open.empty() && open.back() + 1 == t.nodes.size()) {
          std::size_t eq = rest.find('=');
          if (eq != std::string_view::npos)
            t.nodes.back().attributes.emplace_back(rest.substr(0, eq), rest.substr(eq + 1));
        }
        break;
      case '#': t.nodes.push_back({{}, rest, {}, std::uint32_t(t.nodes.size() + 1)}); break;
      case '>':
        if (!open.empty()) {
          t.nodes[open.back()].end = std::uint32_t(t.nodes.size());
          open.pop_back();
        }
        break;
      default: break;
    }
  }
  for (std::uint32_t e : open) t.nodes[e].end = std::uint32_t(t.nodes.size());
  return t;
}

inline bool is_image_element(const feed_tree& t, int e) {
  return t.attribute(e, "type").substr(0, 6) == "image/" || t.attribute(e, "medium") == "image";
}

// A JSON Feed item under construction: fields in the order written, empty values left out (a
// feed's empty <link/> is no link, as in the loader's `text || fallback`).
struct item_writer {
  json_writer& w;
  void field(std::string_view key, std::string_view value) {
    if (!value.empty()) w.member(key, value);
  }
};

// The first of `names` whose child has non-empty text.
inline std::string first_text(const feed_tree& t, int parent, std::initializer_list<std::string_view> names) {
  for (std::string_view n : names) {
    std::string s = t.text(t.child(parent, n));
    if (!s.empty()) return s;
  }
  return {};
}

inline void map_rss_item(const feed_tree& t, int it, json_writer& out) {
  item_writer w{out};
  int guid = t.child(it, "guid");
  std::string permalink = guid >= 0 && t.attribute(guid, "isPermaLink") != "false" ? t.text(guid) : std::string();
  int image = t.child(it, "thumbnail");
  if (image < 0) {
    for (std::string_view name : {"content", "enclosure"})
      for (int c : t.children(it, name))
        if (image < 0 && is_image_element(t, c)) image = c;
  }
  w.field("id", guid >= 0 ? t.text(guid) : std::string(t.attribute(it, "rdf:about")));
  std::string link = t.text(t.child(it, "link"));
  w.field("url", link.empty() ? permalink : link);
  w.field("title", t.text(t.child(it, "title")));
  w.field("content_html", first_text(t, it, {"description", "encoded"}));
  w.field("date_published", first_text(t, it, {"pubDate", "date"}));
  w.field("image", t.attribute(image, "url"));
}

inline void map_atom_entry(const feed_tree& t, int e, json_writer& out) {
  item_writer w{out};
  int link = -1, image = -1;
  for (int l : t.children(e, "link")) {
    std::string_view rel = t.attribute(l, "rel");
    if (link < 0 && (rel.empty() || rel == "alternate") && !t.attribute(l, "href").empty()) link = l;
    if (image < 0 && rel == "enclosure" && is_image_element(t, l)) image = l;
  }
  w.field("id", t.text(t.child(e, "id")));
  w.field("url", t.attribute(link, "href"));
  w.field("title", t.text(t.child(e, "title")));
  w.field("image", t.attribute(image, "href"));
  w.field("date_published", first_text(t, e, {"published", "issued", "updated", "modified"}));
  // Atom text constructs: type text (plain), html / text/html (escaped HTML), xhtml (markup).
  int body = -1;
  for (std::string_view name : {"summary", "content"})
    for (int b : t.children(e, name))
      if (body < 0 && trimmed(t.text(b)).size()) body = b;
  if (body < 0) return;
  std::string_view type = t.attribute(body, "type");
  if (type.empty()) type = "text";
  if (type.find("xhtml") != std::string_view::npos || type.find("xml") != std::string_view::npos)
    w.field("content_html", t.markup(body));
  else if (type.find("html") != std::string_view::npos) w.field("content_html", t.text(body));
  else w.field("summary", t.text(body));
}

}  // namespace detail

// Maps an RSS (0.9x, 1.0, 2.0) or Atom (0.3, 1.0) element tree to a JSON Feed of its items.
inline feed_tree_result map_feed_tree(std::string_view stream) {
  feed_tree_result r;
  detail::feed_tree t = detail::read_feed_tree(stream);
  int root = t.nodes.empty() || t.nodes[0].name.empty() ? -1 : 0;
  std::string_view root_name = root < 0 ? std::string_view() : t.nodes[0].name;
  bool rss = root_name == "rss" || root_name == "RDF", atom = root_name == "feed";
  if (!rss && !atom) {
    r.error = problem{std::string(errc::not_feed), "", 0, "",
                      "XML root <" + std::string(root_name.substr(0, 64)) + "> is not RSS or Atom"};
    return r;
  }
  r.ok = true;
  json_writer w(r.json);
  w.begin_object().member("version", "https://jsonfeed.org/version/1.1").key("items").begin_array();
  int holder = root_name == "rss" ? t.child(root, "channel") : root;
  for (int item : t.children(holder, rss ? "item" : "entry")) {
    w.begin_object();
    if (rss) detail::map_rss_item(t, item, w);
    else detail::map_atom_entry(t, item, w);
    w.end_object();
  }
  w.end_array().end_object();
  return r;
}

}  // namespace colloquy
