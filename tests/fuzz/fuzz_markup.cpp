// libFuzzer target: comment markup through append_markup_html, with the HTML allowlist checker
// as the oracle. Any output outside the allowlist (an element, attribute or URL scheme the
// formatter must never emit, or unbalanced tags) aborts with the reason; ASan and UBSan catch
// memory and undefined-behaviour bugs. Build and run with tests/fuzz/run.sh markup.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "colloquy/markup.hpp"
#include "html_allowlist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::string html;
  colloquy::append_markup_html(html, text);
  if (auto why = colloquy::test::allowlist_violation(html, colloquy::test::markup_allowlist())) {
    std::fprintf(stderr, "allowlist violation: %s\n", why->c_str());
    std::abort();
  }
  // The plain-text fast path must give exactly what the full parser gives.
  std::string quick;
  if (colloquy::detail::md::append_plain_paragraphs(quick, text)) {
    std::string parsed;
    colloquy::detail::md::append_parsed_html(parsed, text);
    if (quick != parsed) {
      std::fprintf(stderr, "fast path differs from the parser:\n%s\n---\n%s\n", quick.c_str(), parsed.c_str());
      std::abort();
    }
  }
  return 0;
}
