// What the widget's loader asks the core besides rendering: the loader's own defaults and the
// messages it may need before the module loads (written into the shipped loader at build time,
// so each is defined once, here and in locale.hpp), and the light/dark decision of
// data-theme="auto" from the colours the loader reads off the page.
//
//   std::string out;
//   colloquy::json_writer w(out);
//   colloquy::write_loader_defaults(w.begin_object());  // {"target":"#colloquy",…,"postTimeout":15000,…
//   colloquy::scheme_for("255 255 255 255\n", {})      // "light": the first opaque background is white
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "colloquy/json_writer.hpp"
#include "colloquy/limits.hpp"
#include "colloquy/locale.hpp"

namespace colloquy {

// Options only the loader uses: where it mounts, how long it waits, how much it reads.
struct loader_defaults {
  static constexpr std::string_view target = "#colloquy";
  static constexpr std::string_view theme = "auto";
  // "lazy": the module, the styles and the comments are fetched when the widget nears the
  // screen; "eager": at once.
  static constexpr std::string_view load = "lazy";
  // Colloquy.mount(): a page that mounts by itself has chosen its moment.
  static constexpr std::string_view mount_load = "eager";
  // ms before a POST counts as failed (it then waits in the outbox) and before loading the
  // comments gives up (then a Retry button): a phone on a bad network answers in seconds.
  static constexpr int64_t post_timeout_ms = 15000;
  static constexpr int64_t fetch_timeout_ms = 15000;
  // A comments document larger than this is refused unread: 16 MB is ~25,000 comments, past
  // which a thread should be paged (data-page-size).
  static constexpr int64_t max_bytes = 16 << 20;
};

// The loader's own defaults, as members of the object `w` is writing.
inline void write_loader_defaults(json_writer& w) {
  w.member("target", loader_defaults::target)
      .member("theme", loader_defaults::theme)
      .member("load", loader_defaults::load)
      .member("mountLoad", loader_defaults::mount_load)
      .member("postTimeout", loader_defaults::post_timeout_ms)
      .member("fetchTimeout", loader_defaults::fetch_timeout_ms)
      .member("maxBytes", loader_defaults::max_bytes)
      .member("editWindow", limits::edit_window_seconds * 1000);  // ms, for comments kept in the browser
}

// The messages the loader shows when something fails, by key, as members of the object `w` is
// writing.
inline void write_loader_messages(json_writer& w, const locale_data& loc) {
  w.member("comments_unavailable", loc.comments_unavailable)
      .member("comments_unusable", loc.comments_unusable)
      .member("loading", loc.loading)
      .member("retry", loc.retry)
      .member("local_only", loc.local_only)
      .member("not_sent", loc.not_sent);
}

// ---- Comment counts on index pages ----------------------------------------------------------
// web/colloquy-count.js fills a page's [data-colloquy-count] links ("3 Comments") and loads no
// module: the build writes count_setup() into it (wasm/count_setup.cpp), so its words, plural
// rules and limits are the ones defined here, in locale.hpp and in limits.hpp.
//
//   colloquy::count_setup()   // {"batch":100,…,"locales":{"en":{"forms":["{n} Comment",…],"rule":"3033…"},…}}

// A plural rule as the count script evaluates it: one digit per n below count_rule_span (the
// index of its form in plural_text: 0 one, 1 few, 2 many, 3 other), then one for the non-zero
// multiples of count_rule_million. For any other n the script reads the digit of
// count_rule_span / 2 + n % 100: the CLDR integer rules of the built-in languages look only at
// n itself below 200, at n % 10 and n % 100, and at multiples of a million (widget_test checks
// every locale's table against its rule up to 3,000,000).
inline constexpr int64_t count_rule_span = 200;
inline constexpr int64_t count_rule_million = 1000000;

inline std::string count_rule(const locale_data& loc) {
  std::string rule;
  for (int64_t n = 0; n < count_rule_span; ++n) rule += char('0' + int(loc.plural(n)));
  rule += char('0' + int(loc.plural(count_rule_million)));
  return rule;
}

// What the count script needs: requests of at most `batch` threads and `maxUrl` bytes of URL (a
// request line under the 8 KB that the reference server and nginx accept), thread ids of at most
// `maxThreadBytes`, the loader's fetch deadline, and each language's forms and rule.
inline constexpr int64_t count_max_url_bytes = 6144;

inline std::string count_setup() {
  std::string out;
  json_writer w(out);
  w.begin_object()
      .member("batch", int64_t(limits::max_count_threads))
      .member("maxUrl", count_max_url_bytes)
      .member("maxThreadBytes", int64_t(limits::max_thread_bytes))
      .member("fetchTimeout", loader_defaults::fetch_timeout_ms)
      .key("locales")
      .begin_object();
  for (const locale_data* l : locales) {
    const plural_text& t = l->comments_count;
    w.key(l->tag).begin_object().key("forms").begin_array();
    for (std::string_view form : {t.one, t.few, t.many, t.other}) w.string(form);
    w.end_array().member("rule", count_rule(*l)).end_object();
  }
  w.end_object().end_object();
  return out;
}

// ---- data-theme="auto" ----------------------------------------------------------------------

struct page_colors {
  std::string_view color_scheme;  // the page's computed color-scheme ("normal", "light dark", …)
  bool prefers_dark = false;      // the reader's prefers-color-scheme
};

namespace detail {
// x ^ 2.4 for x in (0, 1], as x^2 times the fifth root of x^2 (Newton's method from 1, which
// approaches the root from above): no pow, whose tables cost the widget's module ~3 KB gzip.
inline double pow_2_4(double x) {
  const double square = x * x;
  double root = 1;
  for (int i = 0; i < 24; ++i) {
    const double r2 = root * root;
    root = (4 * root + square / (r2 * r2)) / 5;
  }
  return square * root;
}
// WCAG relative luminance of an sRGB colour (0..255 channels).
inline double relative_luminance(int r, int g, int b) {
  auto linear = [](int v) {
    double c = v / 255.0;
    return c <= 0.04045 ? c / 12.92 : pow_2_4((c + 0.055) / 1.055);
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}
// Below this luminance white text contrasts more with the background than black does
// ((1.05) / (L + 0.05) > (L + 0.05) / 0.05 for L < 0.179): the background is dark.
inline constexpr double dark_below = 0.179;
}  // namespace detail

// "light" or "dark" for the widget: the first opaque background among `backgrounds` (one per
// line, "r g b a" with 0..255 channels, from the mount element up to <html>), else the page's
// color-scheme, and only when the page offers both, the reader's preference. Lines that are not
// four numbers are skipped.
inline std::string_view scheme_for(std::string_view backgrounds, const page_colors& page) {
  std::size_t pos = 0;
  while (pos < backgrounds.size()) {
    std::size_t end = backgrounds.find('\n', pos);
    if (end == std::string_view::npos) end = backgrounds.size();
    int v[4] = {0, 0, 0, 0};
    const char* p = backgrounds.data() + pos;
    const char* last = backgrounds.data() + end;
    bool ok = true;
    for (int& x : v) {  // digits by hand: smaller in the module than std::from_chars<int>
      while (p < last && *p == ' ') ++p;
      const char* digits = p;
      for (; p < last && *p >= '0' && *p <= '9' && x <= 255; ++p) x = x * 10 + (*p - '0');
      ok = ok && p > digits && x <= 255;
    }
    pos = end + 1;
    if (!ok || v[3] <= 127) continue;  // half transparent or less: the page behind shows through
    return detail::relative_luminance(v[0], v[1], v[2]) < detail::dark_below ? "dark" : "light";
  }
  bool dark = page.color_scheme.find("dark") != std::string_view::npos;
  bool light = page.color_scheme.find("light") != std::string_view::npos;
  if (dark && light) return page.prefers_dark ? "dark" : "light";
  return dark ? "dark" : "light";
}

}  // namespace colloquy
