// The core's small-document JSON reader (json_document) against nlohmann, the oracle, and its
// writer (json_writer) read back by nlohmann; the shared character-reference decoder.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "colloquy/json_dom.hpp"
#include "colloquy/json_reader.hpp"
#include "colloquy/json_writer.hpp"
#include "colloquy/references.hpp"

using colloquy::detail::json_document;
using jk = colloquy::detail::json_value::kind;

namespace {
// The tree as nlohmann's DOM, to compare with nlohmann's own parse.
nlohmann::json to_nlohmann(json_document::ref r) {
  const auto& v = r.value();
  switch (v.k) {
    case jk::null: return nullptr;
    case jk::boolean: return v.magnitude != 0;
    case jk::integer:
      if (v.negative) return static_cast<std::int64_t>(~v.magnitude + 1);  // two's complement: INT64_MIN too
      return v.magnitude;
    case jk::real: return v.real;
    case jk::string: return std::string(v.text);
    case jk::array: {
      nlohmann::json a = nlohmann::json::array();
      for (json_document::ref e : r) a.push_back(to_nlohmann(e));
      return a;
    }
    case jk::object: {
      nlohmann::json o = nlohmann::json::object();
      for (json_document::ref m : r) o[std::string(m.key())] = to_nlohmann(m);
      return o;
    }
    default: return nlohmann::json();
  }
}
}  // namespace

TEST_SUITE("JSON reader for small documents") {
  TEST_CASE("Reads what nlohmann reads as JSON.parse would, and refuses what it refuses") {
    const char* docs[] = {
        R"({"sort":"top","pageSize":20,"now":1.7e12,"static":true,"x":null})",
        R"([1,-2,18446744073709551615,-9223372036854775808,0.5,-0,1e2,"a\"b\\c\u00e9\ud83d\ude00"])",
        R"({"a":{"b":[{"c":[]},{}]},"a":"last wins"})",
        "\xEF\xBB\xBF {\"bom\": 1} ",
        R"("just a string")",
        R"({"k":"caf\u00e9 Москва 😀"})",
        R"({"a":1,})",
        R"([1 2])",
        R"({"a":01})",
        R"(["\ud800"])",
        "[\"\xC3\x28\"]",
        "{\"a\":\"x\ty\"}",
        R"({"a":1e400})",
        R"({"a":[-1e400,1e-400,0.0E-1999,-0.0E-1999],"\udc00":"\ud83d\ud83d\ude00\ude00\ud800\u0041"})",
        R"(["\ud800\u12"])",
        R"([1e400e])",
        "",
        "[] []",
    };
    for (const char* text : docs) {
      CAPTURE(text);
      json_document doc;
      const bool ours = doc.parse(text) == json_document::status::ok;
      nlohmann::json theirs;
      const bool parsed = colloquy::detail::parse_json_limited(text, theirs) == colloquy::detail::json_parse::ok;
      CHECK(ours == parsed);
      if (ours && parsed) CHECK(to_nlohmann(doc.root()) == theirs);
    }
  }

  TEST_CASE("Out of a double's range is infinity; a lone surrogate escape is U+FFFD (as JSON.parse reads them)") {
    const std::string text = R"({"big":1e309,"small":-1E+400,"digits":)" + std::string(400, '9') +
                             R"(,"s":"a\ud800b\udc00\ud83d\ude00\ud800\ud800\udc00"})";
    json_document doc;  // views into `text`
    REQUIRE(doc.parse(text) == json_document::status::ok);
    auto root = doc.root();
    CHECK(root["big"].value().real == HUGE_VAL);
    CHECK(root["small"].value().real == -HUGE_VAL);
    CHECK(root["digits"].value().real == HUGE_VAL);
    CHECK(*root.string_at("s") ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD\xF0\x9F\x98\x80\xEF\xBF\xBD\xF0\x90\x80\x80");
    int n = 0;
    CHECK(colloquy::detail::read_int(root, "big", 0, 100, n) == colloquy::detail::int_field::bad);
  }

  TEST_CASE("Nesting past the limit is too_deep, and a syntax error before it wins") {
    json_document doc;
    const std::string deep(colloquy::limits::max_json_depth + 1, '[');
    CHECK(doc.parse(deep) == json_document::status::too_deep);
    CHECK(doc.parse("[x" + deep) == json_document::status::not_json);
    CHECK(doc.parse(std::string(colloquy::limits::max_json_depth, '[') +
                    std::string(colloquy::limits::max_json_depth, ']')) == json_document::status::ok);
  }

  TEST_CASE("Lookups: members, absent keys, wrong types, integers in range") {
    json_document doc;
    REQUIRE(doc.parse(R"({"s":"v","n":42,"neg":-3,"big":99999999999,"f":1.5,"o":{"in":"x"}})") ==
            json_document::status::ok);
    auto root = doc.root();
    CHECK(*root.string_at("s") == "v");
    CHECK(root.string_at("n") == nullptr);
    CHECK(root.string_at("missing") == nullptr);
    CHECK(*root["o"].string_at("in") == "x");
    CHECK_FALSE(root["o"]["nope"].exists());
    CHECK_FALSE(root["s"]["under a string"].exists());
    int n = 0;
    CHECK(colloquy::detail::read_int(root, "n", 0, 100, n) == colloquy::detail::int_field::ok);
    CHECK(n == 42);
    CHECK(colloquy::detail::read_int(root, "neg", 0, 100, n) == colloquy::detail::int_field::bad);
    CHECK(colloquy::detail::read_int(root, "big", 0, 100, n) == colloquy::detail::int_field::bad);
    CHECK(colloquy::detail::read_int(root, "f", 0, 100, n) == colloquy::detail::int_field::bad);
    CHECK(colloquy::detail::read_int(root, "missing", 0, 100, n) == colloquy::detail::int_field::absent);
    CHECK(n == 42);
  }
}

TEST_SUITE("Numbers with a fraction or an exponent (decimal_to_double)") {
  using colloquy::detail::decimal_to_double;

  TEST_CASE("Unix times with milliseconds and the usual options read exactly as strtod reads them") {
    // Every millisecond time from 1970 to 2100 at a fixed stride, and the shapes of options.
    for (long long ms = 0; ms < 4102444800000LL; ms += 4102444800000LL / 20011 + 7) {
      char text[40];
      std::snprintf(text, sizeof text, "%lld.%03lld", ms / 1000, ms % 1000);
      CAPTURE(text);
      CHECK(decimal_to_double(text) == std::strtod(text, nullptr));
    }
    for (const char* text :
         {"0.5", "-0.0", "1e2", "1.7e12", "-1.5E+3", "1e-5", "0.000123", "2.5e-3", "1e22", "9007199254740993e0"}) {
      CAPTURE(text);
      CHECK(decimal_to_double(text) == std::strtod(text, nullptr));
    }
    CHECK(std::signbit(decimal_to_double("-0.0")));
  }

  TEST_CASE("Beyond the exact range: within a unit in the last place, infinity and zero at the ends") {
    for (const char* text :
         {"3.14159265358979323846", "123456789012345678901234.5", "6.02214076e23", "1.602176634e-19"}) {
      CAPTURE(text);
      const double ours = decimal_to_double(text), exact = std::strtod(text, nullptr);
      CHECK((ours == exact || std::nextafter(ours, exact) == exact));
    }
    CHECK(std::isinf(decimal_to_double("1e400")));
    CHECK(decimal_to_double("1e-400") == 0);
    CHECK(decimal_to_double("0e999999999999") == 0);
  }
}

TEST_SUITE("JSON writer") {
  TEST_CASE("Objects, arrays, numbers and null, read back by nlohmann") {
    std::string out;
    colloquy::json_writer w(out);
    w.begin_object().key("ok").boolean(true).key("n").number(-12).key("big").number(
        std::uint64_t(18446744073709551615ull));
    w.key("list").begin_array().number(1).string("two").null().begin_object().end_object().begin_array().end_array().end_array();
    w.key("cursor").string_or_null("").member("name", "a\"b").member("size", std::size_t(7)).end_object();
    CHECK(out ==
          R"({"ok":true,"n":-12,"big":18446744073709551615,"list":[1,"two",null,{},[]],"cursor":null,"name":"a\"b","size":7})");
    CHECK_FALSE(nlohmann::json::parse(out, nullptr, false).is_discarded());
  }

  TEST_CASE("Strings: escapes as nlohmann writes them, invalid UTF-8 replaced") {
    std::string out;
    colloquy::json_writer(out).string(std::string_view("q\" b\\ \n\t\x01 caf\xC3\xA9 \xFF end", 21));
    CHECK(out == "\"q\\\" b\\\\ \\n\\t\\u0001 caf\xC3\xA9 \xEF\xBF\xBD end\"");
    auto back = nlohmann::json::parse(out, nullptr, false);
    REQUIRE(back.is_string());
    CHECK(back.get<std::string>() == "q\" b\\ \n\t\x01 caf\xC3\xA9 \xEF\xBF\xBD end");
  }
}

TEST_SUITE("Character references") {
  using colloquy::detail::decode_reference;
  using colloquy::detail::reference_rules;
  TEST_CASE("CommonMark needs the ';' and bounds the digits; HTML does not, and reads Windows-1252") {
    std::string out;
    CHECK(decode_reference("&eacute;t", 0, out, reference_rules::commonmark) == 8);
    CHECK(out == "\xC3\xA9");
    out.clear();
    CHECK(decode_reference("&#233", 0, out, reference_rules::commonmark) == 0);
    CHECK(decode_reference("&#233 ", 0, out, reference_rules::html) == 5);
    CHECK(out == "\xC3\xA9");
    out.clear();
    CHECK(decode_reference("&#146;", 0, out, reference_rules::html) == 6);
    CHECK(out == "\xE2\x80\x99");
    out.clear();
    CHECK(decode_reference("&#146;", 0, out, reference_rules::commonmark) == 6);
    CHECK(out == "\xC2\x92");
    out.clear();
    CHECK(decode_reference("&#12345678;", 0, out, reference_rules::commonmark) == 0);
    CHECK(decode_reference("&#x110000;", 0, out, reference_rules::html) == 10);
    CHECK(out == "\xEF\xBF\xBD");
    out.clear();
    CHECK(decode_reference("&nosuch;", 0, out, reference_rules::html) == 0);
    CHECK(decode_reference("&amp", 0, out, reference_rules::html) == 0);
    CHECK(out.empty());
  }

  TEST_CASE("The packed table finds the first and last names of a letter, and misses what is not there") {
    using colloquy::detail::find_entity;
    CHECK(find_entity("AElig") == std::optional<std::string_view>("\xC3\x86"));
    CHECK(find_entity("Auml") == std::optional<std::string_view>("\xC3\x84"));
    CHECK(find_entity("zwnj") == std::optional<std::string_view>("\xE2\x80\x8C"));
    CHECK(find_entity("CounterClockwiseContourIntegral") == std::optional<std::string_view>("\xE2\x88\xB3"));
    CHECK(find_entity("NotNestedGreaterGreater") == std::optional<std::string_view>("\xE2\xAA\xA2\xCC\xB8"));
    CHECK_FALSE(find_entity("AEli"));
    CHECK_FALSE(find_entity("zwnjx"));
    CHECK_FALSE(find_entity("1x"));
    CHECK_FALSE(find_entity(""));
  }
}
