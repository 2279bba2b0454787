// What the widget's loader asks the core besides rendering: the loader's own defaults and the
// messages it may need before the module loads (written into the shipped loader at build time,
// so each is defined once, here and in locale.hpp), and the light/dark decision of
// data-theme="auto" from the colours the loader reads off the page.
//
//   std::string out;
//   colloquy::json_writer w(out);
//   colloquy::write_loader_defaults(w.begin_object());  // {"target":"#colloquy",…,"postTimeout":15000,…
//   colloquy::scheme_for("255 255 255 255\n", {})      // "light": the first opaque background is white
//   colloquy::choose_scheme("0 0 0 255 url(a.png)\n", {})  // "dark opaque": an image is over the black
#pragma once
#include <algorithm>
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
constexpr double pow_2_4(double x) {
  const double square = x * x;
  double root = 1;
  for (int i = 0; i < 24; ++i) {
    const double r2 = root * root;
    root = (4 * root + square / (r2 * r2)) / 5;
  }
  return square * root;
}
// WCAG relative luminance of an sRGB colour (0..255 channels).
constexpr double relative_luminance(int r, int g, int b) {
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

// The schemes' colours as colloquy.css sets them (0xrrggbb; widget_test reads the stylesheet
// to keep the two the same): text (fg, muted, accent, error) needs 4.5:1 on the background,
// controls (field borders) 3:1 (WCAG 1.4.3, 1.4.11).
struct scheme_palette {
  std::uint32_t text[4];
  std::uint32_t control;
};
inline constexpr scheme_palette light_palette{{0x222222, 0x666666, 0x1c5a8c, 0xb3261e}, 0x767676};
inline constexpr scheme_palette dark_palette{{0xe8e8e8, 0xaaaaaa, 0x8cc4f0, 0xff8a80}, 0x8a8a8a};

namespace detail {
constexpr double luminance_of(std::uint32_t rgb) {
  return relative_luminance(int(rgb >> 16), int(rgb >> 8 & 255), int(rgb & 255));
}
// The luminance a background needs for every colour of `p` to stand out from it: at least
// (a light palette: its colours are darker) or at most (a dark one) the bound WCAG's ratio
// (L1 + 0.05) / (L2 + 0.05) gives for each. Worked out when compiling: the module holds two numbers.
constexpr double ground_bound(const scheme_palette& p, bool dark) {
  double bound = dark ? 1 : 0;
  auto need = [&](std::uint32_t rgb, double ratio) {
    const double l = luminance_of(rgb) + 0.05;
    bound = dark ? std::min(bound, l / ratio - 0.05) : std::max(bound, l * ratio - 0.05);
  };
  for (std::uint32_t c : p.text) need(c, 4.5);
  need(p.control, 3);
  return bound;
}
inline constexpr double light_ground_min = ground_bound(light_palette, false);  // ~0.773: #e4e4e4 at least
inline constexpr double dark_ground_max = ground_bound(dark_palette, true);     // ~0.050: #3f3f3f at most
// Whether every colour of the scheme stands out enough from a background of luminance `ground`.
constexpr bool readable_on(bool dark, double ground) {
  return dark ? ground <= dark_ground_max : ground >= light_ground_min;
}
}  // namespace detail

// The scheme for the widget: "light" or "dark", followed by " opaque" when the widget paints its
// own background of that scheme. `backgrounds`: one line per element from the mount element up
// to <html>, "r g b a" (0..255 channels) for its background colour, then its computed
// background-image ("none"; an image, a gradient: painted over that colour). The first opaque
// background decides light or dark by its luminance; the widget paints its own background when
// an image comes before it (what is behind the widget is unknown) or when the scheme's text would
// not reach 4.5:1 on it (mid-tones: #777, #1c5a8c), so README's 4.5:1 holds under auto. With no
// opaque background, the page's color-scheme decides, and only when the page offers both, the
// reader's preference. Lines that are neither are skipped.
inline std::string_view choose_scheme(std::string_view backgrounds, const page_colors& page) {
  static constexpr std::string_view answers[] = {"light", "dark", "light opaque", "dark opaque"};
  bool opaque = false;
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
    // Then the element's background-image: "none", or an image (url(), a gradient: a '(')
    // painted over its colour, which hides what is behind the widget.
    while (p < last && *p != '(') ++p;
    opaque = opaque || p < last;
    pos = end + 1;
    if (!ok || v[3] <= 127) continue;  // half transparent or less: the page behind shows through
    const double ground = detail::relative_luminance(v[0], v[1], v[2]);
    const bool dark = ground < detail::dark_below;
    return answers[dark + 2 * (opaque || !detail::readable_on(dark, ground))];
  }
  bool dark = page.color_scheme.find("dark") != std::string_view::npos;
  bool light = page.color_scheme.find("light") != std::string_view::npos;
  return answers[(dark && light ? page.prefers_dark : dark) + 2 * opaque];
}

// "light" or "dark": choose_scheme's scheme.
inline std::string_view scheme_for(std::string_view backgrounds, const page_colors& page) {
  const std::string_view answer = choose_scheme(backgrounds, page);
  return answer.substr(0, answer.find(' '));
}

}  // namespace colloquy
