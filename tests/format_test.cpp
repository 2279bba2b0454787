#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "colloquy/boundary.hpp"
#include "colloquy/decimal.hpp"
#include "colloquy/format.hpp"

using namespace colloquy;

namespace {
std::string byline(const author_info& a, const locale_data& loc = locale_en) {
  std::string out;
  append_byline_html(out, a, loc);
  return out;
}
std::string date(int64_t ms, const locale_data& loc, time_zone zone = {}) {
  std::string out;
  append_date(out, ms, loc, zone);
  return out;
}
std::string when(int64_t ms, int64_t now, const locale_data& loc = locale_en) {
  std::string out;
  append_when(out, ms, loc, {}, {now, 7 * 86400000LL});
  return out;
}
constexpr int64_t seed = 1285423380000;  // 2010-09-25T14:03:00Z
constexpr int64_t minute = 60000, hour = 60 * minute, day = 24 * hour;
}  // namespace

TEST_SUITE("Bylines") {
  TEST_CASE("Name and the first part of the location, as on the seed page") {
    CHECK(byline({"Mary D.", "Kansas, USA", ""}) ==
          "<span dir=\"auto\">Mary D.</span> in <span dir=\"auto\">Kansas</span> writes:");
    CHECK(byline({"Ron", "New York, USA", ""}) ==
          "<span dir=\"auto\">Ron</span> in <span dir=\"auto\">New York</span> writes:");
    CHECK(byline({"Gaspar", " Kenya ", ""}) ==
          "<span dir=\"auto\">Gaspar</span> in <span dir=\"auto\">Kenya</span> writes:");
  }
  TEST_CASE("No location, no name, and a linked name") {
    CHECK(byline({"Mary D.", "", ""}) == "<span dir=\"auto\">Mary D.</span> writes:");
    CHECK(byline({"Mary D.", " , USA", ""}) == "<span dir=\"auto\">Mary D.</span> writes:");
    CHECK(byline({"", "Kansas", ""}) ==
          "<span dir=\"auto\">Anonymous</span> in <span dir=\"auto\">Kansas</span> writes:");
    CHECK(byline({"  ", "", ""}) == "<span dir=\"auto\">Anonymous</span> writes:");
    CHECK(byline({"Mary", "", "https://example.org/mary?a=1&b=2"}) ==
          "<span dir=\"auto\"><a href=\"https://example.org/mary?a=1&amp;b=2\" rel=\"nofollow ugc "
          "noopener\">Mary</a></span> writes:");
    CHECK(byline({"Mary", "", "javascript:alert(1)"}) == "<span dir=\"auto\">Mary</span> writes:");
  }
  TEST_CASE("Names and places are escaped") {
    CHECK(byline({"<b>Eve</b>", "\"Paris\" & <Lyon>", ""}) ==
          "<span dir=\"auto\">&lt;b&gt;Eve&lt;/b&gt;</span> in <span dir=\"auto\">&quot;Paris&quot; &amp; "
          "&lt;Lyon&gt;</span> writes:");
  }
  TEST_CASE("Each name and place is isolated, so one written right to left keeps the words around it in order") {
    CHECK(byline({"\u05DE\u05E8\u05D9\u05DD \u05D3.", "\u05EA\u05DC \u05D0\u05D1\u05D9\u05D1", ""}) ==
          "<span dir=\"auto\">\u05DE\u05E8\u05D9\u05DD \u05D3.</span> in <span dir=\"auto\">\u05EA\u05DC "
          "\u05D0\u05D1\u05D9\u05D1</span> writes:");
    std::string reply;
    const std::string_view to = "Ann";
    append_byline_html(reply, {"Bob", "", ""}, locale_en, &to);
    CHECK(reply == "<span dir=\"auto\">Bob</span>, replying to <span dir=\"auto\">Ann</span>:");
  }
  TEST_CASE("Bylines in every language") {
    author_info mary{"Mary D.", "Kansas, USA", ""};
    CHECK(byline(mary, locale_fr) ==
          "<span dir=\"auto\">Mary D.</span> (<span dir=\"auto\">Kansas</span>) écrit\u202F:");
    CHECK(byline(mary, locale_de) ==
          "<span dir=\"auto\">Mary D.</span> aus <span dir=\"auto\">Kansas</span> schreibt:");
    CHECK(byline(mary, locale_es) ==
          "<span dir=\"auto\">Mary D.</span>, de <span dir=\"auto\">Kansas</span>, escribe:");
    CHECK(byline(mary, locale_ru) == "<span dir=\"auto\">Mary D.</span> (<span dir=\"auto\">Kansas</span>) пишет:");
    CHECK(byline({"", "", ""}, locale_ru) == "<span dir=\"auto\">Аноним</span> пишет:");
  }
}

TEST_SUITE("Absolute dates") {
  TEST_CASE("The seed page's dates in five languages") {
    CHECK(date(seed, locale_en) == "September 25, 2010");
    CHECK(date(seed, locale_fr) == "25 septembre 2010");
    CHECK(date(seed, locale_de) == "25. September 2010");
    CHECK(date(seed, locale_es) == "25 de septiembre de 2010");
    CHECK(date(seed, locale_ru) == "25 сентября 2010\u00A0г.");
  }
  TEST_CASE("The time zone decides the day") {
    int64_t late = *parse_iso8601("2010-09-25T23:30:00Z");
    CHECK(date(late, locale_en) == "September 25, 2010");
    CHECK(date(late, locale_en, *parse_time_zone("+01:00")) == "September 26, 2010");
    CHECK(date(late, locale_en, *parse_time_zone("-0500")) == "September 25, 2010");
    CHECK(date(*parse_iso8601("2011-01-01T02:00:00Z"), locale_en, *parse_time_zone("-03")) == "December 31, 2010");
  }
  TEST_CASE("Time zone names") {
    CHECK(parse_time_zone("UTC")->offset_minutes == 0);
    CHECK(parse_time_zone("+05:30")->offset_minutes == 330);
    CHECK(parse_time_zone("-0930")->offset_minutes == -570);
    CHECK(parse_time_zone("local")->host);
    CHECK(parse_time_zone("America/New_York")->host);
    CHECK(parse_time_zone("Etc/GMT+5")->host);
    for (const char* bad : {"", "+25:00", "+05:3", "5", "/etc/passwd", "<script>", "+05:30x"}) {
      CAPTURE(bad);
      CHECK_FALSE(parse_time_zone(bad).has_value());
    }
  }
}

TEST_SUITE("Relative dates") {
  TEST_CASE("English, from just now to the switch to absolute") {
    CHECK(when(seed, seed + 30 * 1000) == "just now");
    CHECK(when(seed, seed - 2 * minute) == "just now");  // a little clock skew
    CHECK(when(seed, seed + minute) == "1 minute ago");
    CHECK(when(seed, seed + 59 * minute) == "59 minutes ago");
    CHECK(when(seed, seed + 3 * hour) == "3 hours ago");
    CHECK(when(seed, seed + day) == "1 day ago");
    CHECK(when(seed, seed + 6 * day) == "6 days ago");
    CHECK(when(seed, seed + 7 * day) == "September 25, 2010");
    CHECK(when(seed, 0) == "September 25, 2010");  // no clock: absolute
    std::string out;
    append_when(out, seed, locale_en, {}, {seed + 400 * day, 3650 * day});
    CHECK(out == "1 year ago");
  }
  TEST_CASE("Plural forms follow CLDR: Russian one/few/many") {
    CHECK(when(seed, seed + 1 * hour, locale_ru) == "1 час назад");
    CHECK(when(seed, seed + 2 * hour, locale_ru) == "2 часа назад");
    CHECK(when(seed, seed + 5 * hour, locale_ru) == "5 часов назад");
    CHECK(when(seed, seed + 11 * hour, locale_ru) == "11 часов назад");
    CHECK(when(seed, seed + 21 * hour, locale_ru) == "21 час назад");
    CHECK(when(seed, seed + 22 * hour, locale_ru) == "22 часа назад");
    CHECK(when(seed, seed + 12 * minute, locale_ru) == "12 минут назад");
    CHECK(when(seed, seed + 31 * minute, locale_ru) == "31 минуту назад");
    CHECK(when(seed, seed + 2 * day, locale_ru) == "2 дня назад");
  }
  TEST_CASE("French, German and Spanish") {
    CHECK(when(seed, seed + 1 * hour, locale_fr) == "il y a 1 heure");
    CHECK(when(seed, seed + 3 * hour, locale_fr) == "il y a 3 heures");
    CHECK(when(seed, seed + 1 * day, locale_de) == "vor 1 Tag");
    CHECK(when(seed, seed + 4 * day, locale_de) == "vor 4 Tagen");
    CHECK(when(seed, seed + 1 * minute, locale_es) == "hace 1 minuto");
    CHECK(when(seed, seed + 10 * minute, locale_es) == "hace 10 minutos");
  }
  TEST_CASE("Plural rules at the CLDR sample boundaries") {
    for (int64_t n : {1, 21, 101, 1001}) CHECK(plural_ru(n) == plural_category::one);
    for (int64_t n : {2, 3, 4, 22, 24, 102}) CHECK(plural_ru(n) == plural_category::few);
    for (int64_t n : {0, 5, 11, 12, 14, 19, 100, 111}) CHECK(plural_ru(n) == plural_category::many);
    CHECK(plural_fr(0) == plural_category::one);
    CHECK(plural_fr(1) == plural_category::one);
    CHECK(plural_fr(2) == plural_category::other);
    CHECK(plural_fr(1000000) == plural_category::many);
    CHECK(plural_es(1) == plural_category::one);
    CHECK(plural_es(0) == plural_category::other);
    CHECK(plural_en(1) == plural_category::one);
    CHECK(plural_en(0) == plural_category::other);
  }
}

TEST_SUITE("Locales") {
  TEST_CASE("Tags select a language, region and case ignored; unknown falls back to English") {
    CHECK(find_locale("fr").tag == "fr");
    CHECK(find_locale("fr-CA").tag == "fr");
    CHECK(find_locale("DE_at").tag == "de");
    CHECK(find_locale("es-419").tag == "es");
    CHECK(find_locale("ru").tag == "ru");
    CHECK(find_locale("en-GB").tag == "en");
    CHECK(find_locale("xx").tag == "en");
    CHECK(find_locale("").tag == "en");
  }
  TEST_CASE("Every locale fills every user-visible string") {
    for (const locale_data* l : {&locale_en, &locale_fr, &locale_de, &locale_es, &locale_ru}) {
      CAPTURE(l->tag);
      for (auto m : l->months) CHECK_FALSE(m.empty());
      for (auto s : {l->anonymous,
                     l->reply,
                     l->more,
                     l->latest_stories,
                     l->sort_label,
                     l->sort_oldest,
                     l->sort_newest,
                     l->sort_top,
                     l->sort_hot,
                     l->sort_controversial,
                     l->load_more,
                     l->byline_reply,
                     l->byline_reply_no_place,
                     l->just_now,
                     l->comments_unavailable,
                     l->comments_unusable,
                     l->loading,
                     l->local_only,
                     find_action_words(*l).error_storage_refused,
                     find_action_words(*l).error_bad_answer})
        CHECK_FALSE(s.empty());
      if (l->tag != "en") {
        CHECK(l->reply != locale_en.reply);
        CHECK(l->load_more != locale_en.load_more);
        CHECK(l->comments_unavailable != locale_en.comments_unavailable);
        CHECK(l->loading != locale_en.loading);
        CHECK(l->local_only != locale_en.local_only);
        CHECK(find_action_words(*l).error_storage_refused != action_words_en.error_storage_refused);
        CHECK(find_action_words(*l).error_bad_answer != action_words_en.error_bad_answer);
      }
    }
  }
  TEST_CASE("The comment count header uses plural forms") {
    CHECK(plural_form(locale_ru, locale_ru.comments_count, 1) == "{n} комментарий");
    CHECK(plural_form(locale_ru, locale_ru.comments_count, 3) == "{n} комментария");
    CHECK(plural_form(locale_ru, locale_ru.comments_count, 5) == "{n} комментариев");
    CHECK(plural_form(locale_en, locale_en.comments_count, 1) == "{n} Comment");
    CHECK(plural_form(locale_fr, locale_fr.comments_count, 0) == "{n} commentaire");
  }
}

TEST_SUITE("Entry points for the widget") {
  TEST_CASE("format_times relabels times in order, with an empty label for a bad line") {
    std::string labels = format_times("2010-09-25T14:03:00Z\nnot a date\n2010-09-25T11:03:00Z",
                                      R"({"now":1285434180000,"locale":"de"})");
    CHECK(labels == "vor 3 Stunden\n\nvor 6 Stunden");
  }
  TEST_CASE("Options that cannot be honoured are listed as ignored, and the defaults used") {
    auto o = parse_widget_options(
        R"({"sort":"sideways","locale":"tlh","summaryLength":5,"storiesCount":"x","pageSize":10})");
    CHECK(o.ignored == std::vector<std::string>{"locale", "sort", "storiesCount", "summaryLength"});
    CHECK(o.order == sort_order::oldest);
    CHECK(o.summary_length == 130);
    CHECK(o.page_size == 10);
    CHECK(parse_widget_options(R"({"sort":"top","locale":"fr-CA","summaryLength":40})").ignored.empty());
    CHECK(has_locale("RU"));
    CHECK_FALSE(has_locale("tlh"));
  }
  TEST_CASE("ui_message answers in the widget's language") {
    CHECK(ui_message("comments_unavailable", R"({"locale":"es"})") == "No se pudieron cargar los comentarios.");
    CHECK(ui_message("loading", R"({"locale":"de"})") == "Kommentare werden geladen\u2026");
    CHECK(ui_message("retry", R"({"locale":"fr"})") == "Réessayer");
    CHECK(ui_message("local_only", "{}") == "Comments you write here are kept in this browser only.");
    CHECK(ui_message("not_sent", R"({"locale":"de"})") == "Noch nicht gesendet");
    // Posting's own words are the posting module's (action_message), not the reading module's.
    CHECK(ui_message("comment_posted", "{}").empty());
    CHECK(action_message("comment_posted", R"({"locale":"fr"})") == "Commentaire publié");
    CHECK(action_message("not_sent", R"({"locale":"de"})") == "Noch nicht gesendet");
    CHECK(action_message("link_copied", R"({"locale":"es"})") == "Enlace copiado");
    CHECK(action_message("copy_link", "{}") == "Copy this link:");
    CHECK(action_message("vote_failed", R"({"locale":"de"})") == "Ihre Stimme konnte nicht gespeichert werden.");
    CHECK(ui_message("no_such_key", "{}").empty());
  }
  TEST_CASE("Counted messages follow the language's plural rules") {
    CHECK(ui_message("new_comments", R"({"count":1})") == "1 new comment");
    CHECK(ui_message("new_comments", R"({"count":2})") == "2 new comments");
    CHECK(ui_message("more_loaded", R"({"count":12})") == "12 more comments loaded");
    CHECK(ui_message("new_comments", R"({"locale":"ru","count":2})") == "2 новых комментария");
    CHECK(ui_message("new_comments", R"({"locale":"ru","count":5})") == "5 новых комментариев");
    CHECK(ui_message("new_comments", R"({"locale":"ru","count":21})") == "21 новый комментарий");
    CHECK(ui_message("more_loaded", R"({"locale":"fr","count":1})") == "1 commentaire de plus chargé");
    CHECK(ui_message("new_comments", R"({"locale":"de","count":3})") == "3 neue Kommentare");
    CHECK(ui_message("new_comments", R"({"locale":"es","count":1})") == "1 comentario nuevo");
    // Every built-in language has both, with the count in each form it uses.
    for (const locale_data* loc : locales) {
      CAPTURE(loc->tag);
      for (const plural_text* t : {&loc->new_comments, &loc->more_loaded})
        for (std::string_view form : {t->one, t->other}) CHECK(form.find("{n}") != std::string_view::npos);
    }
  }
  TEST_CASE("The thread renders in the requested language and zone") {
    std::string doc =
        R"([{"id":"a","created":"2010-09-25T23:30:00Z","text":"x","author":{"name":"Ann","location":"Lyon, France"}}])";
    std::string html = render_comments(doc, R"({"locale":"fr","timeZone":"+02:00"})");
    CHECK(html.find("<span dir=\"auto\">Ann</span> (<span dir=\"auto\">Lyon</span>) écrit\u202F:") != std::string::npos);
    CHECK(html.find("<span class=\"date\" data-datetime=\"2010-09-25T23:30:00Z\">26 septembre 2010</span>") !=
          std::string::npos);
    CHECK(html.find(">1 commentaire</h2>") != std::string::npos);
    CHECK(html.find(">Répondre</button>") != std::string::npos);
  }
}

TEST_SUITE("Decimal integers") {
  TEST_CASE("append_decimal and decimal write what std::to_string writes, at every width and at the limits") {
    std::vector<std::int64_t> values = {0, -1, 1, 9, 10, -10, 99, 100, INT64_MAX, INT64_MIN, INT32_MAX, INT32_MIN};
    for (std::int64_t p = 1; p > 0 && p <= INT64_MAX / 10; p *= 10)
      values.insert(values.end(), {p - 1, p, -p, -(p - 1)});
    for (std::int64_t v : values) {
      CAPTURE(v);
      std::string out = "x";
      append_decimal(out, v);
      CHECK(out == "x" + std::to_string(v));
      CHECK(decimal(v) == std::to_string(v));
    }
    CHECK(decimal(UINT64_MAX) == "18446744073709551615");
    CHECK(decimal(std::uint32_t(4000000000u)) == "4000000000");
    CHECK(decimal(short(-7)) == "-7");
    char buf[20];
    CHECK(std::string(buf, detail::write_uint(buf, UINT64_MAX)) == "18446744073709551615");
  }
}
