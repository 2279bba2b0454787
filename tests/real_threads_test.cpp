// The shared real threads (../shared/data/comments: Reddit, WordPress, Isso, Disqus, Remark42,
// Commento), converted to the wire format: read cleanly by both readers, threaded exactly as
// their MANIFEST describes, and every property holds under every order.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "colloquy/boundary.hpp"
#include "thread_support.hpp"

namespace {
// Items the sources themselves got wrong (see the data README): the code each must get.
std::map<std::size_t, std::string> known_bad(const std::string& file) {
  if (file == "remark42_disqus.json")  // "an empty <id/>" and "a bogus id and date"
    return {{3, std::string(colloquy::errc::missing_id)}, {5, std::string(colloquy::errc::bad_date)}};
  if (file == "isso_wordpress.json")  // two posts' comments merged: id "11" appears in both
    return {{7, std::string(colloquy::errc::duplicate_id)}};
  return {};
}
}  // namespace

TEST_SUITE("Real threads") {
  TEST_CASE("Every shared real thread reads cleanly and threads as its manifest says") {
    auto manifest_text = colloquy::test::shared_data("comments/MANIFEST.json");
    if (!manifest_text) return;
    auto manifest = nlohmann::json::parse(*manifest_text);
    std::size_t total = 0;
    for (const auto& file : colloquy::test::real_thread_files()) {
      CAPTURE(file);
      auto text = colloquy::test::shared_data("comments/" + file);
      REQUIRE(text.has_value());
      auto source = nlohmann::json::parse(*text);
      nlohmann::json items = nlohmann::json::array();
      for (std::size_t i = 0; i < source.size(); ++i) items.push_back(colloquy::test::to_wire(source[i], i));
      // Alternate the two document shapes.
      nlohmann::json doc = file.size() % 2 ? items
                                           : nlohmann::json{{"thread", file}, {"comments", items}, {"next", nullptr}};
      std::string bytes = doc.dump();
      auto r = colloquy::read_comments(bytes);
      colloquy::test::check_same_reading(r, colloquy::read_comments_reference(bytes));
      REQUIRE(r.ok);
      auto bad = known_bad(file);
      std::map<std::size_t, std::string> got;
      for (const auto& p : r.problems) got[p.index] = p.code;
      CHECK(got == bad);
      CHECK(r.comments.size() == source.size() - bad.size());
      total += r.comments.size();

      // Threading without a cap reproduces the manifest's shape (skipped items were top level).
      const nlohmann::json* entry = nullptr;
      for (const auto& m : manifest)
        if (m["file"].get<std::string>().find("/" + file) != std::string::npos) entry = &m;
      REQUIRE(entry != nullptr);
      colloquy::thread_options deep{colloquy::sort_order::oldest, colloquy::limits::max_max_depth};
      colloquy::problem_list thread_problems;
      auto t = colloquy::build_thread(r.comments, deep, &thread_problems);
      CHECK(thread_problems.empty());  // "every parent id resolves inside its own file"
      std::map<std::string, std::size_t> histogram;
      for (const auto& e : t.entries) ++histogram[std::to_string(e.depth)];
      std::map<std::string, std::size_t> expected;
      for (auto& [k, v] : (*entry)["depth_histogram"].items()) expected[k] = v.get<std::size_t>();
      expected["0"] -= bad.size();
      CHECK(histogram == expected);
      CHECK(t.top_level == (*entry)["top_level"].get<std::size_t>() - bad.size());
      colloquy::test::check_thread_properties(t, deep);

      for (const auto& named : colloquy::sort_orders) {
        const std::string_view name = named.first;
        const colloquy::sort_order order = named.second;
        CAPTURE(name);
        colloquy::thread_options o{order, colloquy::limits::default_max_depth};
        auto sorted = colloquy::build_thread(r.comments, o);
        colloquy::test::check_thread_properties(sorted, o);
        colloquy::test::check_order(sorted, o);
      }
      // Rendered: one comment (div role=article) per shown comment, at most 12 elements each
      // outside the text (render.hpp: 10, and 2 for "edited"; none of these comments is the
      // reader's own).
      std::string answer = colloquy::render_comments(bytes, R"({"sort":"top"})");
      std::string html = answer.substr(answer.find('\0') + 1);
      std::size_t articles = 0;
      CHECK(colloquy::test::max_elements_outside_body(html, &articles) <= 15);  // up to 3 <span dir=auto> in a byline
      CHECK(articles == t.entries.size());
    }
    CHECK(total == 2783 - 3);
  }
}
