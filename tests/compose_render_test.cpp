// The widget's posting markup: the compose form, a comment shown on its own with its state, the
// live preview and draft messages, all through the api.hpp entry points the loader calls.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <string>

#include "colloquy/boundary.hpp"
#include "test_support.hpp"

namespace {
std::string html_of(const std::string& answer) { return answer.substr(answer.find('\0') + 1); }
nlohmann::json meta_of(const std::string& answer) { return nlohmann::json::parse(answer.substr(0, answer.find('\0'))); }
bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
int count(const std::string& s, const std::string& part) {
  int n = 0;
  for (auto p = s.find(part); p != std::string::npos; p = s.find(part, p + 1)) ++n;
  return n;
}
}  // namespace

TEST_SUITE("Compose form") {
  TEST_CASE("The bottom form has the three fields, a honeypot, a preview and an error slot per field") {
    std::string answer = colloquy::render_compose("", R"({"locale":"en"})");
    CHECK(meta_of(answer)["ok"] == true);
    std::string html = html_of(answer);
    CHECK(
        html.rfind("<form class=\"compose\" part=\"compose\" data-parent=\"\" data-depth=\"0\" id=\"colloquy-compose\" "
                   "aria-labelledby=\"colloquy-compose-title\" novalidate>",
                   0) == 0);
    CHECK(has(html, "<h3 id=\"colloquy-compose-title\">Leave a comment</h3>"));
    CHECK(has(html,
              "<label>Name<input name=\"name\" autocomplete=\"name\" dir=\"auto\" "
              "aria-describedby=\"colloquy-compose-name-error\"></label>"));
    CHECK(has(html, "<label>Location<input name=\"location\""));
    CHECK(has(html,
              "<label>Comment<textarea name=\"text\" rows=\"5\" dir=\"auto\" required "
              "aria-describedby=\"colloquy-compose-text-error\"></textarea></label>"));
    CHECK(has(
        html,
        "<p class=\"hp\" aria-hidden=\"true\"><label>Leave this field empty<input name=\"website\" tabindex=\"-1\""));
    CHECK(count(html, "<span class=\"error\" ") == 4);  // name, location, text, form-wide
    CHECK(has(html, "<button type=\"submit\" aria-describedby=\"colloquy-compose-form-error\">Post comment</button>"));
    CHECK(has(html, "<span class=\"error\" id=\"colloquy-compose-form-error\" data-for=\"\""));
    // The live preview opens below the buttons, never moving Post while the reader reaches for it.
    CHECK(html.find("<div class=\"preview\" hidden>") > html.find("<button type=\"submit\""));
    CHECK_FALSE(has(html, "data-action=\"cancel\""));
    CHECK_FALSE(has(html, "style="));
    CHECK(html.substr(html.size() - 7) == "</form>");
  }

  TEST_CASE("A reply form carries its parent (escaped) and the depth of the reply, capped") {
    std::string html = html_of(colloquy::render_compose("", R"({"parent":"c\"1<x>","parentDepth":2})"));
    CHECK(has(html,
              "<form class=\"compose reply\" part=\"compose\" data-parent=\"c&quot;1&lt;x&gt;\" data-depth=\"3\" "
              "id=\"colloquy-reply-c_221_3cx_3e\" novalidate><div class=\"reply-box\" role=\"article\" "
              "aria-label=\"Your reply\">"));
    CHECK(html.substr(html.size() - 13) == "</div></form>");
    CHECK(has(html,
              "<button type=\"submit\" aria-describedby=\"colloquy-reply-c_221_3cx_3e-form-error\">Post reply</button>"
              "<button type=\"button\" data-action=\"cancel\">Cancel</button>"));
    CHECK_FALSE(has(html, "<h3>"));
    CHECK(meta_of(colloquy::render_compose("", R"({"parent":"a","parentDepth":6})"))["depth"] == 6);
    CHECK(meta_of(colloquy::render_compose("", R"({"parent":"a","parentDepth":1,"maxDepth":1})"))["depth"] == 1);
  }

  TEST_CASE("Each field is described by its error slot, under ids unique to the form; the comment is required") {
    for (const char* options : {"{}", R"({"parent":"a b_c"})"}) {
      CAPTURE(options);
      const std::string html = html_of(colloquy::render_compose("", options));
      for (const char* field : {"name", "location", "text"}) {
        CAPTURE(field);
        const std::string id = std::string(options[1] == '}' ? "colloquy-compose" : "colloquy-reply-a_20b_5fc") + "-" +
                               field + "-error";
        CHECK(has(html, "aria-describedby=\"" + id + "\""));
        CHECK(has(html,
                  "<span class=\"error\" id=\"" + id + "\" data-for=\"" + field + "\" role=\"alert\" hidden></span>"));
        CHECK(count(html, id) == 2);
      }
      CHECK(count(html, " required") == 1);
      CHECK(has(html, "<textarea name=\"text\" rows=\"5\" dir=\"auto\" required"));
    }
    // Parent ids that differ only in bytes an id cannot hold give different ids.
    CHECK(has(html_of(colloquy::render_compose("", R"({"parent":"a b"})")), "id=\"colloquy-reply-a_20b\""));
    CHECK(has(html_of(colloquy::render_compose("", R"({"parent":"a_20b"})")), "id=\"colloquy-reply-a_5f20b\""));
  }
}

TEST_SUITE("A comment on its own") {
  const char* mine = R"({"id":"k-1","parent":"c1","author":{"name":"Ron","location":"New York, USA"},
                         "created":"2026-01-02T03:04:05Z","text":"Hello <b>there</b>"})";

  TEST_CASE("A comment being sent renders like the thread's, one level under its parent, marked sending") {
    std::string answer = colloquy::render_comment(mine, R"({"parentDepth":0,"state":"sending","clientId":"k-1"})");
    CHECK(meta_of(answer)["ok"] == true);
    CHECK(meta_of(answer)["depth"] == 1);
    std::string html = html_of(answer);
    CHECK(html.rfind("<div class=\"comment sending\" data-client-id=\"k-1\" role=\"article\" part=\"comment\" "
                     "id=\"comment-k-1\" "
                     "data-id=\"k-1\" data-depth=\"1\" "
                     "aria-label=\"Reply by Ron, level 2, January 2, 2026\">",
                     0) == 0);
    CHECK(has(html,
              "<p class=\"byline\"><span dir=\"auto\">Ron</span> in <span dir=\"auto\">New York</span> writes:</p>"));
    CHECK(has(html, "Hello &lt;b&gt;there&lt;/b&gt;"));
    CHECK(html.ends_with("<p class=\"state\">Sending\xE2\x80\xA6</p></div>\n"));  // the last line of the comment
    CHECK(has(html, "data-action=\"reply\""));
  }

  TEST_CASE("An unsent comment offers a retry; a top-level one stays at depth 0") {
    std::string html = html_of(colloquy::render_comment(mine, R"({"state":"unsent","clientId":"k-1"})"));
    CHECK(html.rfind("<div class=\"comment unsent\" data-client-id=\"k-1\" role=\"article\"", 0) == 0);
    CHECK(has(html, "data-depth=\"0\""));
    CHECK(has(
        html,
        "<p class=\"state\">Not sent yet <button type=\"button\" data-action=\"retry\">Retry</button></p></div>\n"));
  }

  TEST_CASE("The server's answer replaces it: no client id, and pending reads \"Awaiting moderation\"") {
    std::string html = html_of(colloquy::render_comment(
        R"({"id":"c9","created":"2026-01-02T03:04:05Z","text":"hi","status":"pending"})", R"({"parentDepth":3})"));
    CHECK(
        html.rfind("<div class=\"comment pending\" role=\"article\" part=\"comment\" id=\"comment-c9\" data-id=\"c9\" "
                   "data-depth=\"4\" "
                   "aria-label=\"Reply by Anonymous, level 5, January 2, 2026\">",
                   0) == 0);
    CHECK(html.ends_with("<p class=\"state\">Awaiting moderation</p></div>\n"));
    CHECK_FALSE(has(html, "data-client-id"));
    std::string published = html_of(colloquy::render_comment(R"({"id":"c9","created":0,"text":"hi"})", "{}"));
    CHECK_FALSE(has(published, "class=\"state\""));
  }

  TEST_CASE("An unreadable comment or state is an error with a stable code, and no HTML") {
    std::string a = colloquy::render_comment(R"({"id":"c9","text":"no date"})", "{}");
    CHECK(meta_of(a)["ok"] == false);
    CHECK(meta_of(a)["error"]["code"] == "missing_date");
    CHECK(html_of(a).empty());
    CHECK(meta_of(colloquy::render_comment("{not json", "{}"))["error"]["code"] == "not_json");
    CHECK(meta_of(colloquy::render_comment(mine, R"({"state":"lost"})"))["error"]["code"] == "bad_option");
    // A client id cannot break out of its attribute.
    std::string html = html_of(colloquy::render_comment(mine, R"({"state":"unsent","clientId":"\"><script>"})"));
    CHECK(has(html, "data-client-id=\"&quot;&gt;&lt;script&gt;\""));
    CHECK_FALSE(has(html, "<script>"));
  }
}

TEST_SUITE("Live preview") {
  TEST_CASE("The preview is the body the thread will show, raw HTML shown as text") {
    std::string answer = colloquy::preview("First <img src=x onerror=alert(1)>\n\nSecond", "{}");
    CHECK(meta_of(answer)["ok"] == true);
    std::string html = html_of(answer);
    CHECK(has(html, "&lt;img src=x onerror=alert(1)&gt;"));
    CHECK_FALSE(has(html, "<img"));
    std::string body;
    colloquy::append_markup_html(body, "First <img src=x onerror=alert(1)>\n\nSecond");
    CHECK(html == body);
    CHECK(html_of(colloquy::preview("", "{}")).empty());
  }
}

TEST_SUITE("Draft messages") {
  TEST_CASE("Known draft codes read as sentences; unknown ones name their code") {
    auto msg = [](std::string_view code) {
      std::string out;
      colloquy::append_draft_message(out, code, colloquy::locale_en);
      return out;
    };
    CHECK(msg("text_too_long") == "This comment is too long.");
    CHECK(msg("text_required") == "Please write a comment.");
    CHECK(msg("name_too_long") == "This name is too long.");
    CHECK(msg("location_too_long") == "This location is too long.");
    CHECK(msg("rate_limited") == "This comment could not be posted (rate_limited).");
    // The loader's own refusals read as sentences, never as their codes.
    CHECK(msg(colloquy::errc::storage_refused).find("storage_refused") == std::string::npos);
    CHECK(msg(colloquy::errc::bad_answer) ==
          "The comments server gave an answer that could not be read; this comment may not have been posted.");
  }

  TEST_CASE("check_compose is check_draft with the widget's words: same verdict, codes and fields") {
    const std::string big(300, 'n');
    const std::string drafts[] = {
        R"({"thread":"/p","text":"  \r\n "})",
        R"({"thread":"/p","text":"fine","author":{"name":")" + big + R"(","location":")" + big + R"("}})",
        R"({"thread":"/p","text":"ok","honeypot":"http://spam.example"})",
        R"({"thread":"/p","parent":"c1","text":"Hi\r\nthere","author":{"name":" Ron "}})",
        "not json",
    };
    for (const auto& d : drafts) {
      CAPTURE(d);
      auto ours = nlohmann::json::parse(colloquy::check_compose(d, R"({"requireClientId":false})"));
      auto theirs = nlohmann::json::parse(colloquy::check_draft(d, R"({"requireClientId":false})"));
      CHECK(ours["ok"] == theirs["ok"]);
      CHECK(ours["draft"] == theirs["draft"]);
      REQUIRE(ours["problems"].size() == theirs["problems"].size());
      for (std::size_t i = 0; i < ours["problems"].size(); ++i) {
        CHECK(ours["problems"][i]["code"] == theirs["problems"][i]["code"]);
        CHECK(ours["problems"][i]["field"] == theirs["problems"][i]["field"]);
        CHECK(ours["problems"][i]["message"].is_string());
      }
    }
    auto empty = nlohmann::json::parse(colloquy::check_compose(drafts[0], R"({"requireClientId":false})"));
    CHECK(empty["problems"][0]["message"] == "Please write a comment.");
    auto reply = nlohmann::json::parse(colloquy::check_compose(drafts[3], R"({"requireClientId":false})"));
    CHECK(reply["ok"] == true);
    CHECK(reply["draft"]["text"] == "Hi\nthere");
    CHECK(reply["draft"]["author"]["name"] == "Ron");
  }

  TEST_CASE("A server's refusal is worded in the widget's language, field kept") {
    auto d = nlohmann::json::parse(colloquy::describe_problems(
        R"([{"code":"text_too_long","field":"text","message":"x"},{"code":"rate_limited"},7])", "{}"));
    CHECK(d["ok"] == true);
    REQUIRE(d["problems"].size() == 2);
    CHECK(d["problems"][0]["message"] == "This comment is too long.");
    CHECK(d["problems"][0]["field"] == "text");
    CHECK(d["problems"][1]["message"] == "This comment could not be posted (rate_limited).");
    CHECK(nlohmann::json::parse(colloquy::describe_problems("{", "{}"))["ok"] == false);
  }
}

TEST_SUITE("Posting words") {
  TEST_CASE("Every language the widget offers has every posting string") {
    for (const char* tag : {"en", "fr", "de", "es", "ru"}) {
      CAPTURE(tag);
      const colloquy::locale_data& l = colloquy::find_locale(tag);
      const colloquy::action_words& w = colloquy::find_action_words(l);
      for (std::string_view s : {l.compose_heading,
                                 l.field_name,
                                 l.field_location,
                                 l.field_text,
                                 l.honeypot_label,
                                 l.preview_label,
                                 l.submit,
                                 l.submit_reply,
                                 l.cancel,
                                 l.sending,
                                 l.not_sent,
                                 l.retry,
                                 l.awaiting_moderation,
                                 l.reply_form_label,
                                 w.comment_posted,
                                 w.link_copied,
                                 w.copy_link,
                                 w.vote_failed,
                                 w.error_text_required,
                                 w.error_text_too_long,
                                 w.error_name_too_long,
                                 w.error_location_too_long,
                                 w.error_rejected,
                                 w.error_storage_refused,
                                 w.error_bad_answer})
        CHECK_FALSE(s.empty());
      CHECK(w.error_rejected.find("{code}") != std::string_view::npos);
      if (l.tag != "en") CHECK(w.error_text_required != colloquy::action_words_en.error_text_required);
    }
  }
}

TEST_SUITE("Editing one's own comment") {
  TEST_CASE("The edit form holds the text field only, under the comment's id, at its depth, with Save and Cancel") {
    const std::string thread = R"([{"id":"c 1<","created":0,"text":"x"},{"id":"c1","created":0,"text":"y"}])";
    const std::string answer = colloquy::render_edit(thread, R"({"edit":"c 1<","parentDepth":2})");
    CHECK(meta_of(answer)["depth"] == 2);
    const std::string form = html_of(answer);
    CHECK(has(form,
              R"(<form class="compose reply edit" part="compose" data-parent="" data-edit="c 1&lt;" data-depth="2")"));
    CHECK(has(form, R"(id="colloquy-edit-c_201_3c")"));
    CHECK(has(form, R"(role="article" aria-label="Edit your comment")"));
    CHECK(has(
        form,
        R"(<textarea name="text" rows="5" dir="auto" required aria-describedby="colloquy-edit-c_201_3c-text-error">)"));
    CHECK_FALSE(has(form, R"(name="name")"));
    CHECK_FALSE(has(form, R"(name="location")"));
    CHECK_FALSE(has(form, R"(name="website")"));  // no honeypot: only the token's holder edits
    CHECK(has(form, ">Save</button>"));
    CHECK(has(form, R"(data-action="cancel">Cancel</button>)"));
    CHECK(count(form, R"(role="alert")") == 2);  // the text's slot and the form's
    CHECK(has(html_of(colloquy::render_edit(thread, R"({"edit":"c1","locale":"de"})")), ">Speichern</button>"));
    // The bottom and reply forms are as they were: no edit attributes.
    CHECK_FALSE(has(html_of(colloquy::render_compose("", R"({"parent":"c1","parentDepth":0})")), "data-edit"));
  }

  TEST_CASE("The edit form holds the comment's text as the thread's last page has it, escaped") {
    // The first page, then the server's answer to an earlier edit: the later copy is the text now.
    const std::string pages = std::string(R"({"comments":[{"id":"c1","created":0,"text":"old"},)") +
                              R"({"id":"c2","created":0,"text":"other"}],"next":null})" + '\0' +
                              R"([{"id":"c1","created":0,"edited":5,"text":"\nnew </textarea><b>&amp; \"x\""}])";
    const std::string form = html_of(colloquy::render_edit(pages, R"({"edit":"c1","parentDepth":0})"));
    // One newline after the tag is the parser's to drop; the text's own leading newline stays.
    CHECK(has(form, "-text-error\">\n\nnew &lt;/textarea&gt;&lt;b&gt;&amp;amp; &quot;x&quot;</textarea>"));
    CHECK_FALSE(has(form, "old"));
    // A comment the pages do not hold gets no form, and says so.
    const std::string none = colloquy::render_edit(pages, R"({"edit":"c9"})");
    CHECK(none.find('\0') == std::string::npos);
    CHECK(meta_of(none)["ok"] == false);
    CHECK(meta_of(none)["error"]["code"] == "no_such_comment");
    CHECK(meta_of(colloquy::render_edit("not json", R"({"edit":"c1"})"))["error"]["code"] == "no_such_comment");
  }

  TEST_CASE("Every word colloquy-post.js asks the posting module for is answered, in every language") {
    // announce('key'), words('key') and colloquy_action_message calls, read from the script: a
    // key the core does not answer would leave the live region or a button silent.
    const std::string script = colloquy::test::source_file("web/colloquy-post.js");
    const std::regex call(R"((?:announce|words)\('([a-z_]+)'\)|'colloquy_action_message', '([a-z_]+)')");
    std::set<std::string> keys;
    for (auto m = std::sregex_iterator(script.begin(), script.end(), call); m != std::sregex_iterator(); ++m)
      keys.insert((*m)[1].matched ? (*m)[1].str() : (*m)[2].str());
    for (const char* expected : {"comment_posted", "not_sent", "link_copied", "copy_link", "vote_failed", "cancel"})
      CHECK(keys.count(expected) == 1);
    for (const std::string& key : keys)
      for (const char* locale : {"en", "fr", "de", "es", "ru"}) {
        CAPTURE(key);
        CAPTURE(locale);
        CHECK_FALSE(colloquy::action_message(key, R"({"locale":")" + std::string(locale) + "\"}").empty());
      }
  }

  TEST_CASE("A refused edit or delete reads as a sentence in the widget's language") {
    auto message = [](std::string_view code, std::string_view locale) {
      const std::string in = R"([{"code":")" + std::string(code) + R"(","field":""}])";
      return nlohmann::json::parse(colloquy::describe_problems(
          in, R"({"locale":")" + std::string(locale) + "\"}"))["problems"][0]["message"]
          .get<std::string>();
    };
    CHECK(message("bad_token", "en") == "This comment can no longer be changed from this browser.");
    CHECK(message("edit_window_closed", "en") == "The time for changing this comment is over.");
    CHECK(message("edit_window_closed", "ru") == "Время на изменение этого комментария истекло.");
    CHECK(colloquy::action_message("delete_question", R"({"locale":"fr-CA"})") == "Supprimer ce commentaire\u202F?");
    CHECK(colloquy::action_message("cancel", R"({"locale":"es"})") == "Cancelar");
    CHECK(colloquy::action_message("comment_saved", "{}") == "Comment updated");
    CHECK(colloquy::action_message("no_such_key", "{}").empty());
  }

  TEST_CASE("Every language has every word of an edit or delete") {
    for (const char* tag : {"en", "fr", "de", "es", "ru"}) {
      CAPTURE(tag);
      const colloquy::action_words& w = colloquy::find_action_words(colloquy::find_locale(tag));
      CHECK(w.tag == colloquy::find_locale(tag).tag);
      for (std::string_view s : {w.edit_label, w.save, w.delete_question, w.saved, w.removed, w.change_failed,
                                 w.error_bad_token, w.error_window_closed})
        CHECK_FALSE(s.empty());
    }
  }
}

TEST_SUITE("Answers to a post") {
  TEST_CASE("judge_answer: delivered, refused for good (bad_answer when unusable), or retry") {
    auto judge = [](std::string_view body, int status) {
      return nlohmann::json::parse(colloquy::judge_answer(body, R"({"status":)" + std::to_string(status) + "}"));
    };
    CHECK(judge(R"({"id":"s1","text":"hi"})", 201)["outcome"] == "delivered");
    CHECK(judge(R"({"id":7})", 200)["outcome"] == "delivered");
    for (auto answer : {std::pair<std::string_view, int>{"<html>Created</html>", 201},
                        {"", 201},
                        {R"({"id":""})", 201},
                        {R"({"ok":true})", 200},
                        {"<h1>Forbidden</h1>", 403},
                        {R"({"message":"no"})", 400}}) {
      // Not a structured binding: clang 14 (the wasm build) cannot capture one in CAPTURE's lambda.
      std::string_view body = answer.first;
      CAPTURE(body);
      auto v = judge(body, answer.second);
      CHECK(v["outcome"] == "refused");
      CHECK(v["error"]["code"] == colloquy::errc::bad_answer);
    }
    auto v = judge(R"({"error":{"code":"text_too_long","field":"text","message":"too long"}})", 400);
    CHECK(v["outcome"] == "refused");
    CHECK(v["error"]["code"] == colloquy::errc::text_too_long);
    CHECK(v["error"]["field"] == "text");
    for (int status : {500, 502, 503, 408, 429, 0, 302})
      CHECK(judge(R"({"error":{"code":"rate_limited"}})", status)["outcome"] == "retry");
  }
}
