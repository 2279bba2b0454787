// The CommonMark spec examples of the sections comment markup supports (shared data), run the
// way the spec's own test tool runs them: both sides normalised (test/normalize.py: attributes
// sorted, references resolved, insignificant whitespace collapsed), then compared. Pass counts
// are printed per section on every run, natively, under node and in Chromium.
//
// Examples are sorted into:
// - supported: must match the spec's HTML (goal: at least 95% pass);
// - raw HTML (`uses_raw_html`): raw HTML is never passed through, so the expected HTML is the
//   spec's with every tag that the input spells out verbatim escaped as text;
// - URL policy: the spec links a URL our policy rejects (an unknown scheme, an empty href): the
//   output must carry no such link;
// - reference links: examples with a link reference definition ("[foo]: /url"), a documented
//   gap of the subset; counted, not compared.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/markup.hpp"
#include "html_allowlist.hpp"
#include "test_support.hpp"

namespace {

bool is_block_tag(std::string_view t) {
  static const char* const tags[] = {
      "article",  "header", "aside",  "hgroup", "blockquote", "hr",       "iframe",   "body",       "li",     "map",
      "button",   "object", "canvas", "ol",     "output",     "colgroup", "p",        "pre",        "video",  "caption",
      "noscript", "ul",     "dd",     "dl",     "dt",         "div",      "fieldset", "figcaption", "figure", "footer",
      "form",     "h1",     "h2",     "h3",     "h4",         "h5",       "h6",       "section",    "table",  "tbody",
      "td",       "tfoot",  "th",     "thead",  "tr",         "address",  "html",     "head",       "title"};
  return std::find(std::begin(tags), std::end(tags), t) != std::end(tags);
}

void escape_normalised(std::string& out, std::string_view s, bool attribute) {
  for (char c : s) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      case '\'':
        if (attribute) {
          out += "&#x27;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
}

std::string decode_references(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    if (s[i] == '&') {
      std::size_t n = colloquy::test::detail::read_reference(s, i, out);
      if (n) {
        i += n;
        continue;
      }
    }
    out += s[i++];
  }
  return out;
}

void rstrip(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
}

// A C++ rendering of commonmark-spec's test/normalize.py.
std::string normalize_html(std::string_view html, bool drop_rel = false) {
  std::string out;
  enum { start_tag, end_tag, data, other } last = start_tag;
  std::string last_tag;
  bool in_pre = false;
  std::size_t i = 0;
  auto handle_data = [&](std::string_view raw) {
    std::string d = decode_references(raw);
    bool after_tag = last == end_tag || last == start_tag;
    bool after_block = after_tag && is_block_tag(last_tag);
    if (after_tag && last_tag == "br")
      d.erase(0, d.find_first_not_of('\n') == std::string::npos ? d.size() : d.find_first_not_of('\n'));
    if (!in_pre) {
      std::string c;
      bool space = false;
      for (char ch : d) {
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f') {
          space = true;
          continue;
        }
        if (space) c += ' ';
        space = false;
        c += ch;
      }
      if (space) c += ' ';
      d = c;
    }
    if (after_block && !in_pre) {
      if (last == start_tag)
        d.erase(0, d.find_first_not_of(' ') == std::string::npos ? d.size() : d.find_first_not_of(' '));
      else {
        d.erase(0, d.find_first_not_of(' ') == std::string::npos ? d.size() : d.find_first_not_of(' '));
        rstrip(d);
      }
    }
    escape_normalised(out, d, false);
    if (!raw.empty()) last = data;
  };
  while (i < html.size()) {
    std::size_t lt = html.find('<', i);
    bool tag = false;
    if (lt != std::string_view::npos && lt + 1 < html.size()) {
      char c = html[lt + 1];
      tag = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '/' || c == '!' || c == '?';
    }
    if (lt == std::string_view::npos) {
      handle_data(html.substr(i));
      break;
    }
    if (!tag) {
      handle_data(html.substr(i, lt + 1 - i));
      i = lt + 1;
      continue;
    }
    if (lt > i) handle_data(html.substr(i, lt - i));
    std::size_t gt = html.find('>', lt);
    if (html[lt + 1] == '!' || html[lt + 1] == '?') {
      std::size_t end = html.substr(lt, 4) == "<!--" ? html.find("-->", lt + 4) : gt;
      end = end == std::string_view::npos ? html.size() : end + (html.substr(lt, 4) == "<!--" ? 3 : 1);
      out += html.substr(lt, end - lt);
      last = other;
      i = end;
      continue;
    }
    // Find the tag's end, respecting quoted attribute values.
    std::size_t k = lt + 1;
    char quote = 0;
    for (; k < html.size(); ++k) {
      if (quote) {
        if (html[k] == quote) quote = 0;
        continue;
      }
      if (html[k] == '"' || html[k] == '\'') quote = html[k];
      else if (html[k] == '>') break;
    }
    (void)gt;
    std::string_view body = html.substr(lt + 1, k - lt - 1);
    i = k + 1;
    bool closing = !body.empty() && body[0] == '/';
    if (closing) body.remove_prefix(1);
    bool self_closing = !body.empty() && body.back() == '/';
    if (self_closing) body.remove_suffix(1);
    std::size_t n = 0;
    while (n < body.size() && body[n] != ' ' && body[n] != '\n' && body[n] != '\t' && body[n] != '/') ++n;
    std::string name(body.substr(0, n));
    for (char& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
    if (closing) {
      if (name == "pre") in_pre = false;
      else if (is_block_tag(name)) rstrip(out);
      out += "</" + name + ">";
      last_tag = name;
      last = end_tag;
      continue;
    }
    // Attributes.
    std::vector<std::pair<std::string, std::optional<std::string>>> attrs;
    std::size_t a = n;
    while (a < body.size()) {
      while (a < body.size() && (body[a] == ' ' || body[a] == '\n' || body[a] == '\t' || body[a] == '/')) ++a;
      std::size_t s = a;
      while (a < body.size() && body[a] != '=' && body[a] != ' ' && body[a] != '\n' && body[a] != '\t') ++a;
      if (a == s) break;
      std::string key(body.substr(s, a - s));
      for (char& c : key) c = char(std::tolower(static_cast<unsigned char>(c)));
      std::optional<std::string> value;
      if (a < body.size() && body[a] == '=') {
        ++a;
        if (a < body.size() && (body[a] == '"' || body[a] == '\'')) {
          char q = body[a++];
          std::size_t e = body.find(q, a);
          if (e == std::string_view::npos) e = body.size();
          value = decode_references(body.substr(a, e - a));
          a = e + 1;
        } else {
          std::size_t e = a;
          while (e < body.size() && body[e] != ' ' && body[e] != '\n' && body[e] != '\t') ++e;
          value = decode_references(body.substr(a, e - a));
          a = e;
        }
      }
      if (drop_rel && name == "a" && key == "rel") continue;
      attrs.emplace_back(key, value);
    }
    std::sort(attrs.begin(), attrs.end());
    if (name == "pre") in_pre = true;
    if (is_block_tag(name)) rstrip(out);
    out += "<" + name;
    for (auto& [key, value] : attrs) {
      out += " " + key;
      if (value) {
        out += "=\"";
        escape_normalised(out, *value, true);
        out += '"';
      }
    }
    out += ">";
    last_tag = name;
    last = self_closing ? end_tag : start_tag;
  }
  return out;
}

// The spec's expected HTML with every tag the markdown spells out verbatim shown as text.
std::string escape_raw_tags(std::string_view expected, std::string_view markdown) {
  std::string out;
  std::size_t i = 0;
  while (i < expected.size()) {
    std::size_t lt = expected.find('<', i);
    if (lt == std::string_view::npos) {
      out += expected.substr(i);
      break;
    }
    out += expected.substr(i, lt - i);
    std::size_t gt = expected.find('>', lt);
    if (gt == std::string_view::npos) {
      out += expected.substr(lt);
      break;
    }
    std::string_view tag = expected.substr(lt, gt + 1 - lt);
    if (markdown.find(tag) != std::string_view::npos) {
      // An HTML block (a tag alone on its line, outside any paragraph) reads as a paragraph.
      bool block = (lt == 0 || expected[lt - 1] == '\n') && (gt + 1 == expected.size() || expected[gt + 1] == '\n');
      if (block) out += "<p>";
      for (char c : tag)
        out += c == '<'   ? std::string("&lt;")
               : c == '>' ? std::string("&gt;")
               : c == '&' ? std::string("&amp;")
               : c == '"' ? std::string("&quot;")
                          : std::string(1, c);
      if (block) out += "</p>";
    } else {
      out += tag;
    }
    i = gt + 1;
  }
  return out;
}

bool has_reference_definition(std::string_view md) {
  // A definition is a line (inside containers) starting "[label]: destination"; labels may span
  // lines, so the "]:" may come later.
  for (std::size_t p = 0; p < md.size();) {
    std::size_t k = p;
    while (k < md.size() && (md[k] == ' ' || md[k] == '>' || md[k] == '-' || md[k] == '*' || md[k] == '\t')) ++k;
    if (k < md.size() && md[k] == '[' && md.find("]:", k) != std::string_view::npos) return true;
    std::size_t e = md.find('\n', p);
    if (e == std::string_view::npos) break;
    p = e + 1;
  }
  return false;
}

// True when the spec links a URL the markup policy rejects (so our output legitimately differs).
bool links_rejected_url(std::string_view expected) {
  std::size_t p = 0;
  while ((p = expected.find("<a href=\"", p)) != std::string_view::npos) {
    p += 9;
    std::size_t e = expected.find('"', p);
    std::string url = decode_references(expected.substr(p, e - p));
    if (!colloquy::is_safe_url(url, colloquy::url_policy::link)) return true;
  }
  return false;
}

std::string markup(std::string_view md) {
  std::string out;
  colloquy::append_markup_html(out, md);
  return out;
}

struct tally {
  int pass = 0, total = 0, raw_pass = 0, raw_total = 0, policy_pass = 0, policy_total = 0, references = 0;
};

}  // namespace

TEST_SUITE("CommonMark spec examples") {
  TEST_CASE("The supported sections pass, raw HTML shows as text, per-section counts printed") {
    auto text = colloquy::test::shared_data("commonmark/comment_subset.json");
    if (!text) return;
    auto examples = nlohmann::json::parse(*text);
    std::vector<std::string> order;
    std::map<std::string, tally> sections;
    std::string failures;
    for (const auto& ex : examples) {
      std::string md = ex["markdown"], expected = ex["html"], section = ex["section"];
      int number = ex["example"];
      if (!sections.count(section)) order.push_back(section);
      tally& t = sections[section];
      std::string got = markup(md);
      // Whatever the example, the output stays inside the allowlist.
      auto violation = colloquy::test::allowlist_violation(got, colloquy::test::markup_allowlist());
      CHECK_MESSAGE(!violation, "example " << number << ": " << violation.value_or(""));
      if (has_reference_definition(md)) {
        ++t.references;
        continue;
      }
      if (ex["uses_raw_html"].get<bool>()) {
        ++t.raw_total;
        bool ok = normalize_html(got, true) == normalize_html(escape_raw_tags(expected, md));
        t.raw_pass += ok;
        if (!ok) failures += "raw-html example " + std::to_string(number) + " (" + section + ")\n";
        continue;
      }
      if (links_rejected_url(expected)) {
        ++t.policy_total;
        // The rejected URL must not appear as a link.
        bool ok = got.find("href=\"\"") == std::string::npos;
        for (std::size_t p = 0; ok && (p = got.find("<a href=\"", p)) != std::string::npos;) {
          p += 9;
          ok = colloquy::is_safe_url(decode_references(std::string_view(got).substr(p, got.find('"', p) - p)),
                                     colloquy::url_policy::link);
        }
        t.policy_pass += ok;
        CHECK_MESSAGE(ok, "example " << number << " links a rejected URL: " << got);
        continue;
      }
      ++t.total;
      bool ok = normalize_html(got, true) == normalize_html(expected);
      t.pass += ok;
      if (!ok) {
        failures += "example " + std::to_string(number) + " (" + section + ")\n  markdown: " + nlohmann::json(md).dump() +
                    "\n  expected: " + nlohmann::json(normalize_html(expected)).dump() +
                    "\n  got:      " + nlohmann::json(normalize_html(got, true)).dump() + "\n";
      }
    }
    tally all;
    std::printf(
        "CommonMark %s examples by section (supported passed/compared; raw HTML escaped; URL policy; reference links "
        "excluded):\n",
        "0.31.2");
    for (const auto& name : order) {
      const tally& t = sections[name];
      std::printf("  %-42s %3d/%3d   raw %d/%d   policy %d/%d   refs %d\n", name.c_str(), t.pass, t.total, t.raw_pass,
                  t.raw_total, t.policy_pass, t.policy_total, t.references);
      all.pass += t.pass;
      all.total += t.total;
      all.raw_pass += t.raw_pass;
      all.raw_total += t.raw_total;
      all.policy_pass += t.policy_pass;
      all.policy_total += t.policy_total;
      all.references += t.references;
    }
    std::printf("  %-42s %3d/%3d (%.1f%%)   raw %d/%d   policy %d/%d   refs %d\n", "TOTAL", all.pass, all.total,
                100.0 * all.pass / std::max(1, all.total), all.raw_pass, all.raw_total, all.policy_pass,
                all.policy_total, all.references);
    if (std::getenv("COLLOQUY_SPEC_FAILURES")) std::printf("%s", failures.c_str());
    CHECK_MESSAGE(all.pass * 100 >= all.total * 95, "spec pass rate below 95%:\n" << failures);
    CHECK(all.raw_pass == all.raw_total);
  }

  TEST_CASE("The normaliser treats equivalent HTML alike and different HTML apart") {
    CHECK(normalize_html("<p>a&#39;b</p>\n") == normalize_html("<p>a'b</p>"));
    CHECK(normalize_html("<br />") == normalize_html("<br>"));
    CHECK(normalize_html("<a title=\"t\" href=\"/u\">x</a>") == normalize_html("<a href=\"/u\" title=\"t\">x</a>"));
    CHECK(normalize_html("<p>a</p>") != normalize_html("<p>b</p>"));
    CHECK(normalize_html("<em>a</em>") != normalize_html("<strong>a</strong>"));
  }
}
