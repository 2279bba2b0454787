// compose.hpp: the draft normalisation and validation shared by the widget and the server.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"

using colloquy::draft;
using colloquy::validate_draft;

namespace {
draft good() {
  draft d;
  d.thread = "/2010/09/24/nato-russia-council";
  d.name = "Ron";
  d.location = "New York, USA";
  d.text = "Human Security 21";
  d.client_id = "4b2f0c1e-8a1d-4f57-9c3e-2f1b7d6a9e01";
  return d;
}

std::vector<std::string> codes(const colloquy::draft_result& r) {
  std::vector<std::string> out;
  for (const auto& p : r.problems) out.push_back(p.code + "@" + p.field);
  return out;
}
}  // namespace

TEST_SUITE("Composing a comment") {
  TEST_CASE("A good draft passes unchanged") {
    auto r = validate_draft(good());
    CHECK(r.ok());
    CHECK(r.value.text == "Human Security 21");
    CHECK(r.value.name == "Ron");
    CHECK(r.value.client_id == good().client_id);
  }

  TEST_CASE("Text is trimmed, newlines normalised, control characters removed") {
    draft d = good();
    d.text = "  \r\n first\r\nsecond\rthird\x01\x7F\tcol\n\n\xC2\x85 ";
    auto r = validate_draft(d);
    CHECK(r.ok());
    CHECK(r.value.text == "first\nsecond\nthird\tcol");
  }

  TEST_CASE("One-line fields lose newlines, tabs and bidi overrides") {
    draft d = good();
    d.name =
        " Mary\tD.\r\n\xE2\x80\xAE"
        "evil\xE2\x81\xA6 ";
    d.location = "\nKansas,\x1B[31m USA\n";
    auto r = validate_draft(d);
    CHECK(r.ok());
    CHECK(r.value.name == "Mary D. evil");
    CHECK(r.value.location == "Kansas,[31m USA");
  }

  TEST_CASE("Invalid UTF-8 becomes U+FFFD, valid multibyte text is kept") {
    draft d = good();
    d.text = "caf\xC3\xA9 \xFF \xED\xA0\x80 \xF0\x9F\x98\x80";
    auto r = validate_draft(d);
    CHECK(r.ok());
    CHECK(r.value.text == "caf\xC3\xA9 \xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xF0\x9F\x98\x80");
  }

  TEST_CASE("Text is required after trimming") {
    for (const char* text : {"", "   ", "\r\n\t \n", "\x01\x02"}) {
      CAPTURE(text);
      draft d = good();
      d.text = text;
      CHECK(codes(validate_draft(d)) == std::vector<std::string>{"text_required@text"});
    }
  }

  TEST_CASE("Length limits, measured after normalising") {
    draft d = good();
    d.text = std::string(colloquy::limits::max_text_bytes, 'x');
    CHECK(validate_draft(d).ok());
    d.text += "y";
    CHECK(codes(validate_draft(d)) == std::vector<std::string>{"text_too_long@text"});
    d.text = "  " + std::string(colloquy::limits::max_text_bytes, 'x') + "\n\n";
    CHECK(validate_draft(d).ok());

    d = good();
    d.name = std::string(colloquy::limits::max_name_bytes + 1, 'n');
    d.location = std::string(colloquy::limits::max_location_bytes + 1, 'l');
    d.thread = "/" + std::string(colloquy::limits::max_thread_bytes, 't');
    d.client_id = std::string(colloquy::limits::max_client_id_bytes + 1, 'c');
    CHECK(codes(validate_draft(d)) == std::vector<std::string>{"thread_too_long@thread", "name_too_long@name",
                                                               "location_too_long@location", "bad_client_id@clientId"});
  }

  TEST_CASE("Every problem is reported, each with its field") {
    draft d;
    d.parent = "c1\t";
    d.honeypot = "http://spam.example";
    CHECK(codes(validate_draft(d)) == std::vector<std::string>{"thread_required@thread", "bad_parent@parent",
                                                               "text_required@text", "client_id_required@clientId",
                                                               "honeypot_filled@honeypot"});
    for (const auto& p : validate_draft(d).problems) CHECK_FALSE(p.message.empty());
  }

  TEST_CASE("Parent ids and clientIds have a shape") {
    draft d = good();
    for (const char* ok : {"c1", "12345", "comment-7/x"}) {
      d.parent = ok;
      CHECK(validate_draft(d).ok());
    }
    for (const char* bad : {"c1\n", " c1",
                            "c\x01"
                            "1"}) {
      CAPTURE(bad);
      d.parent = bad;
      CHECK(codes(validate_draft(d)) == std::vector<std::string>{"bad_parent@parent"});
    }
    d.parent = std::string(colloquy::limits::max_id_bytes + 1, 'p');
    CHECK(codes(validate_draft(d)) == std::vector<std::string>{"bad_parent@parent"});
    d = good();
    for (const char* bad : {"has space", "semi;colon", "<script>", "\xC3\xA9"}) {
      CAPTURE(bad);
      d.client_id = bad;
      CHECK(codes(validate_draft(d)) == std::vector<std::string>{"bad_client_id@clientId"});
    }
    d.client_id = "";
    CHECK(validate_draft(d, {.require_client_id = false}).ok());
  }

  TEST_CASE("A filled honeypot is rejected with its own code") {
    draft d = good();
    d.honeypot = "x";
    CHECK(codes(validate_draft(d)) == std::vector<std::string>{"honeypot_filled@honeypot"});
    d.honeypot = "  \n";
    CHECK(validate_draft(d).ok());
  }

  TEST_CASE("read_draft reads the posting JSON of DESIGN section 3") {
    auto r = colloquy::read_draft(R"({"thread":"/t","parent":"c1","author":{"name":" Ron ","location":"NY"},
                                      "text":"Hi\r\n","clientId":"abc-1"})");
    CHECK(r.ok());
    CHECK(r.value.parent == "c1");
    CHECK(r.value.name == "Ron");
    CHECK(r.value.location == "NY");
    CHECK(r.value.text == "Hi");
    auto n = colloquy::read_draft(R"({"thread":"/t","parent":42,"author":"Mary","text":"x","clientId":"a"})");
    CHECK(n.ok());
    CHECK(n.value.parent == "42");
    CHECK(n.value.name == "Mary");
    CHECK(colloquy::read_draft(R"({"thread":"/t","parent":null,"text":"x","clientId":"a"})").ok());
  }

  TEST_CASE("read_draft reports bad bodies and wrong types with stable codes") {
    CHECK(codes(colloquy::read_draft("{")) == std::vector<std::string>{"not_json@"});
    CHECK(codes(colloquy::read_draft("[1]")) == std::vector<std::string>{"not_object@"});
    CHECK(codes(colloquy::read_draft(std::string(colloquy::limits::max_draft_bytes + 1, ' '))) ==
          std::vector<std::string>{"body_too_large@"});
    auto r = colloquy::read_draft(R"({"thread":"/t","text":5,"author":{"name":["x"]},"parent":{},"clientId":"a"})");
    CHECK(codes(r) == std::vector<std::string>{"bad_parent@parent", "bad_field@name", "bad_field@text"});
  }

  TEST_CASE("A posted body is read as JSON.parse reads it: a lone surrogate is U+FFFD, a huge number a number") {
    // A lone surrogate escape (JSON.parse keeps it; the UTF-8 the server stores cannot) is U+FFFD.
    auto r = colloquy::read_draft(
        R"({"thread":"/t","text":"a\ud800b\udc00","author":{"name":"\udbff"},"clientId":"a","n":1e999})");
    CHECK(r.ok());
    CHECK(r.value.text ==
          "a\xEF\xBF\xBD"
          "b\xEF\xBF\xBD");
    CHECK(r.value.name == "\xEF\xBF\xBD");
    // A number where a string belongs is the wrong type, however large.
    CHECK(codes(colloquy::read_draft(R"({"thread":"/t","text":1e999,"clientId":"a"})")) ==
          std::vector<std::string>{"bad_field@text"});
    CHECK(codes(colloquy::read_draft(R"({"thread":"/t","text":"x","parent":-1e999,"clientId":"a"})")) ==
          std::vector<std::string>{"bad_parent@parent"});
  }

  TEST_CASE("No reply names an id the comments reader refuses: one with a control character") {
    for (int c = 0; c < 0x80; ++c) {
      if (c >= 0x20 && c < 0x7F) continue;
      CAPTURE(c);
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", c);
      auto reply = colloquy::read_draft(R"({"thread":"/t","text":"x","clientId":"a","parent":"c)" +
                                        std::string(escape) + "1\"}");
      CHECK(codes(reply) == std::vector<std::string>{"bad_parent@parent"});
    }
  }

  TEST_CASE("check_draft answers the normalised draft and every problem as JSON") {
    auto ok = nlohmann::json::parse(
        colloquy::check_draft(R"({"thread":"/p","text":" hi\r\nyou ","clientId":"a1","author":{"name":"R"}})", "{}"));
    CHECK(ok["ok"] == true);
    CHECK(ok["draft"]["text"] == "hi\nyou");
    CHECK(ok["draft"]["parent"].is_null());
    CHECK(ok["draft"]["author"]["name"] == "R");
    CHECK(ok["draft"]["clientId"] == "a1");
    CHECK(ok["problems"].empty());

    auto bad = nlohmann::json::parse(colloquy::check_draft(R"({"thread":"/p","text":"  "})", "{}"));
    CHECK(bad["ok"] == false);
    REQUIRE(bad["problems"].size() == 2);
    CHECK(bad["problems"][0]["code"] == "text_required");
    CHECK(bad["problems"][0]["field"] == "text");
    CHECK(bad["problems"][1]["code"] == "client_id_required");
    CHECK(bad["problems"][1]["field"] == "clientId");

    auto typing = nlohmann::json::parse(
        colloquy::check_draft(R"({"thread":"/p","text":"hi"})", R"({"requireClientId":false})"));
    CHECK(typing["ok"] == true);
  }

  TEST_CASE("Normalising any bytes gives valid UTF-8 without controls, and is idempotent") {
    // A fixed-seed generator (xorshift): the same inputs in every runtime.
    std::uint32_t state = 2463534242u;
    auto next = [&] {
      state ^= state << 13;
      state ^= state >> 17;
      state ^= state << 5;
      return state;
    };
    const std::string pieces[] = {"\r\n",
                                  "\r",
                                  "\n",
                                  "\t",
                                  " ",
                                  "\x00",
                                  "\x1B",
                                  "\x7F",
                                  "\xC2\x85",
                                  "\xE2\x80\xAE",
                                  "\xE2\x81\xA6",
                                  "\xC3\xA9",
                                  "\xF0\x9F\x98\x80",
                                  "\xED\xA0\x80",
                                  "\xFF",
                                  "\xC3",
                                  "a",
                                  "<",
                                  "&"};
    for (int round = 0; round < 500; ++round) {
      std::string input;
      int n = static_cast<int>(next() % 40);
      for (int i = 0; i < n; ++i) {
        if (next() % 3 == 0) input += static_cast<char>(next() & 0xFF);
        else input += pieces[next() % (sizeof pieces / sizeof pieces[0])];
      }
      CAPTURE(round);
      for (bool multiline : {true, false}) {
        std::string once = colloquy::detail::normalise_field(input, multiline);
        CHECK(colloquy::detail::normalise_field(once, multiline) == once);
        bool clean = true;
        for (std::size_t i = 0; i < once.size();) {
          std::size_t len = colloquy::detail::utf8_sequence(once, i);
          unsigned char c = static_cast<unsigned char>(once[i]);
          if (len == 0 || (len == 1 && c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7F ||
              (len == 2 && c == 0xC2 && static_cast<unsigned char>(once[i + 1]) < 0xA0)) {
            clean = false;
            break;
          }
          i += len;
        }
        CHECK(clean);
        CHECK(once.find('\r') == std::string::npos);
        if (!once.empty()) {
          CHECK(once.front() != ' ');
          CHECK(once.back() != ' ');
          CHECK(once.back() != '\n');
        }
      }
    }
  }
}

// A vote's body (POST /api/comments/votes), read by the core for the server: the first problem,
// with its code and field, or the vote.
TEST_SUITE("Reading a vote") {
  std::string vote_json(std::string_view vote, std::string_view voter = "voter-0001", std::string_view comment = "c1",
                        std::string_view thread = "/2010/09/post.html") {
    return R"({"thread":")" + std::string(thread) + R"(","comment":")" + std::string(comment) + R"(","voter":")" +
           std::string(voter) + R"(","vote":)" + std::string(vote) + "}";
  }
  std::string first_code(const colloquy::vote_request_result& r) { return r.ok() ? "" : r.problems.front().code; }

  TEST_CASE("A vote of 1, -1 or 0 is read with its thread, comment and voter") {
    for (const auto& given : {std::pair{"1", 1}, {"-1", -1}, {"0", 0}, {"-0", 0}}) {
      const std::string_view text = given.first;  // (clang's lambdas in CHECK take no structured binding)
      const int value = given.second;
      CAPTURE(text);
      const auto r = colloquy::read_vote(vote_json(text));
      REQUIRE(r.ok());
      CHECK(r.value.vote == value);
      CHECK(r.value.comment == "c1");
      CHECK(r.value.voter == "voter-0001");
      CHECK(r.value.thread == "/2010/09/post.html");
    }
    // The thread is normalised as a post's: spaces around it go.
    CHECK(colloquy::read_vote(vote_json("1", "voter-0001", "c1", "  /t  ")).value.thread == "/t");
  }

  TEST_CASE("Anything else is refused with a stable code and the field") {
    for (const char* vote :
         {"2", "-2", "1.5", "1.0", "1e309", "-1e309", "18446744073709551617", "\"1\"", "null", "true"}) {
      CAPTURE(vote);
      const auto r = colloquy::read_vote(vote_json(vote));
      CHECK(first_code(r) == "bad_vote");
      CHECK(r.problems.front().field == "vote");
    }
    CHECK(first_code(colloquy::read_vote(R"({"thread":"/t","comment":"c1","voter":"voter-0001"})")) == "bad_vote");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "short"))) == "bad_voter");
    CHECK(first_code(colloquy::read_vote(vote_json("1", std::string(129, 'v')))) == "bad_voter");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "has a space"))) == "bad_voter");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "voter-\\u0001-0001"))) == "bad_voter");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "voter-0001", ""))) == "bad_id");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "voter-0001", std::string(257, 'c')))) == "bad_id");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "voter-0001", "c1", " "))) == "thread_required");
    CHECK(first_code(colloquy::read_vote(vote_json("1", "voter-0001", "c1", std::string(513, 't')))) ==
          "thread_too_long");
    CHECK(first_code(colloquy::read_vote(R"({"thread":"/t","comment":7,"voter":"voter-0001","vote":1})")) == "bad_id");
    CHECK(first_code(colloquy::read_vote("[1]")) == "not_object");
    CHECK(first_code(colloquy::read_vote("{")) == "not_json");
    CHECK(first_code(colloquy::read_vote(std::string(100000, '[') + std::string(100000, ']'))) == "not_json");
    CHECK(first_code(colloquy::read_vote(std::string(300 * 1024, ' '))) == "body_too_large");
  }
}
