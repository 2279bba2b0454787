// The import files' XML reader (include/colloquy/xml.hpp): well-formed input read as written,
// everything else refused with a stable code and a position, nothing but the predefined
// entities and character references ever expanded.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "colloquy/xml.hpp"

namespace xml = colloquy::xml;

TEST_SUITE("XML reader") {
  TEST_CASE("Elements, attributes, text, CDATA and references are read as written") {
    auto d = xml::parse(
        "\xEF\xBB\xBF<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- export -->\n"
        "<disqus xmlns:dsq=\"http://disqus.com/disqus-internals\">\n"
        "  <post dsq:id='42'><message><![CDATA[<p>a & b</p>]]></message>"
        "<name>Tom &amp; Jerry &lt;3 &#233;&#x1F600; &quot;&apos;</name><empty/></post>\n"
        "</disqus>\n<!-- trailing comment -->");
    REQUIRE(d.ok);
    CHECK(d.root().name == "disqus");
    CHECK(xml::attribute_value(d.root(), "xmlns:dsq") == "http://disqus.com/disqus-internals");
    const xml::element* post = d.child(d.root(), "post");
    REQUIRE(post != nullptr);
    CHECK(xml::attribute_value(*post, "dsq:id") == "42");
    CHECK(d.child_text(*post, "message") == "<p>a & b</p>");
    CHECK(d.child_text(*post, "name") == "Tom & Jerry <3 \xC3\xA9\xF0\x9F\x98\x80 \"'");
    CHECK(d.child(*post, "empty") != nullptr);
    CHECK(d.child(*post, "missing") == nullptr);
    CHECK(d.child_text(*post, "missing").empty());
    int posts = 0;
    d.each_child(d.root(), "post", [&](const xml::element&) { ++posts; });
    CHECK(posts == 1);
  }

  TEST_CASE("Split CDATA sections join; ']]>' survives only through them") {
    auto d = xml::parse("<m><![CDATA[a]]]]><![CDATA[>b <scr]]><![CDATA[ipt>]]></m>");
    REQUIRE(d.ok);
    CHECK(d.root().text == "a]]>b <script>");
    CHECK(xml::parse("<m>a ]]> b</m>").error.code == "not_xml");
  }

  TEST_CASE("Document type and entity declarations are refused, never expanded") {
    const char* const refused[] = {
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;\">]><lolz>&lol2;</lolz>",
        "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><r>&x;</r>",
        "<!DOCTYPE r SYSTEM \"http://evil.example/r.dtd\"><r/>",
        "<!doctype r><r/>",
        "<r><!ENTITY x \"y\"></r>",
    };
    for (const char* s : refused) {
      CAPTURE(s);
      auto d = xml::parse(s);
      CHECK_FALSE(d.ok);
      CHECK(d.error.code == "xml_doctype_refused");
      CHECK(d.elements.empty());
    }
    // An entity that is not predefined is an error, not an empty string.
    auto d = xml::parse("<r>&lol;</r>");
    CHECK(d.error.code == "not_xml");
    CHECK(d.error.message.find("undefined entity &lol;") != std::string::npos);
  }

  TEST_CASE("Malformed input is refused with its line and column") {
    struct bad {
      const char* xml;
      std::size_t line, column;
    };
    const bad cases[] = {
        {"<a><b></a>", 1, 11},
        {"<a>\n  <b x=\"1\" x=\"2\"/></a>", 2, 13},
        {"<a x=\"<\"/>", 1, 7},
        {"<a>text", 1, 8},
        {"<a/><b/>", 1, 5},
        {"text<a/>", 1, 1},
        {"<a>&#0;</a>", 1, 4},
        {"<a>&#xD800;</a>", 1, 4},
        {"<a>&nbsp;</a>", 1, 4},
        {"<a><![CDATA[open</a>", 1, 4},
        {"", 1, 1},
        {"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a/>", 1, 44},
    };
    for (const bad& b : cases) {
      CAPTURE(b.xml);
      auto d = xml::parse(b.xml);
      CHECK_FALSE(d.ok);
      CHECK(d.error.code == "not_xml");
      CHECK(d.error.line == b.line);
      CHECK(d.error.column == b.column);
    }
  }

  TEST_CASE("Nesting is capped, without recursion") {
    std::string deep;
    for (std::size_t i = 0; i < 100000; ++i) deep += "<a>";
    auto d = xml::parse(deep);
    CHECK(d.error.code == "xml_too_deep");
    std::string ok;
    for (std::size_t i = 0; i < xml::max_xml_depth; ++i) ok += "<a>";
    for (std::size_t i = 0; i < xml::max_xml_depth; ++i) ok += "</a>";
    CHECK(xml::parse(ok).ok);
  }

  TEST_CASE("An '&' that starts no reference is read as itself, counted, the first one placed") {
    auto d = xml::parse("<a u=\"?id=7&ref=blog\">\nx &amp y && &#x000000001F600; &lt;</a>");
    REQUIRE(d.ok);
    CHECK(xml::attribute_value(d.root(), "u") == "?id=7&ref=blog");
    CHECK(d.root().text == "\nx &amp y && \xF0\x9F\x98\x80 <");
    CHECK(d.bare_ampersands == 4);
    CHECK(d.first_bare_ampersand.code == "not_xml");
    CHECK(d.first_bare_ampersand.line == 1);
    CHECK(d.first_bare_ampersand.column == 12);
    CHECK(xml::parse("<a>&amp;</a>").bare_ampersands == 0);
    // Linear: no search for a ';' past the longest reference.
    std::string many = "<a>";
    for (int i = 0; i < 200000; ++i) many += "&x ";
    many += "</a>";
    auto m = xml::parse(many);
    REQUIRE(m.ok);
    CHECK(m.bare_ampersands == 200000);
  }

  TEST_CASE("Prefixes the caller knows are matched by namespace, in scope") {
    auto known = [](std::string_view uri) -> std::string_view { return uri == "urn:k" ? "k" : ""; };
    auto d = xml::parse(
        "<r xmlns:x=\"urn:k\" xmlns:k=\"urn:other\"><x:a x:id=\"1\"/><k:b/><c xmlns:x=\"urn:z\"><x:d/></c>"
        "<x:e></x:e></r>",
        known);
    REQUIRE(d.ok);
    std::vector<std::string> names;
    for (const auto& e : d.elements) names.push_back(e.name);
    CHECK(names == std::vector<std::string>{"r", "k:a", "k:b", "c", "x:d", "k:e"});
    CHECK(xml::attribute_value(d.elements[1], "k:id") == "1");
    std::string crowded = "<r";
    for (int i = 0; i < 65; ++i) crowded += " xmlns:p" + std::to_string(i) + "=\"urn:k\"";
    CHECK(xml::parse(crowded + "/>", known).error.code == "not_xml");
    CHECK(xml::parse(crowded + "/>").ok);  // names as written: nothing to track
  }

  TEST_CASE("A UTF-16 file is refused as such") {
    for (std::string_view bytes : {std::string_view("\xFF\xFE<\0a\0", 6), std::string_view("\0<\0a", 4)}) {
      auto d = xml::parse(bytes);
      CHECK(d.error.code == "not_xml");
      CHECK(d.error.message.find("UTF-16") != std::string::npos);
    }
  }

  TEST_CASE("Bytes that are not UTF-8 pass through for the caller to repair") {
    auto d = xml::parse("<a>caf\xE9 \xFF</a>");
    REQUIRE(d.ok);
    CHECK(d.root().text == "caf\xE9 \xFF");
  }
  TEST_CASE("Streamed items are handed over as they close, then dropped; the rest is kept") {
    std::vector<std::string> seen;
    const xml::stream each_p{1, "p", [&](const xml::document& d, const xml::element& parent, const xml::element& p) {
                               std::string kids;
                               for (std::size_t i : p.children) kids += d.elements[i].name + "=" + d.elements[i].text;
                               seen.push_back(parent.name + ">" + p.text + "[" + kids + "]");
                             }};
    auto d = xml::parse("<r><t id='1'/><p>a<x>1</x><y>2</y></p><q><p>deep</p></q><p>b</p><p/></r>", nullptr, each_p);
    REQUIRE(d.ok);
    CHECK(seen == std::vector<std::string>{"r>a[x=1y=2]", "r>b[]", "r>[]"});
    std::vector<std::string> kept;
    for (const auto& e : d.elements) kept.push_back(e.name);
    CHECK(kept == std::vector<std::string>{"r", "t", "q", "p"});  // a <p> deeper than depth 1 stays
    REQUIRE(d.root().children.size() == 2);
    CHECK(d.elements[d.root().children[1]].name == "q");
    // The tree holds one item at a time: 10,000 items leave only the root.
    std::string many = "<r>";
    for (int i = 0; i < 10000; ++i) many += "<p><x>" + std::to_string(i) + "</x></p>";
    std::size_t items = 0;
    auto m = xml::parse(many + "</r>", nullptr, {1, "p", [&](const auto&, const auto&, const auto&) { ++items; }});
    REQUIRE(m.ok);
    CHECK(items == 10000);
    CHECK(m.elements.size() == 1);
    // What is not well-formed after items were handed over is still refused whole.
    CHECK_FALSE(xml::parse("<r><p/><p></r>", nullptr, each_p).ok);
  }
}
