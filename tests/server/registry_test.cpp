// The error registry (include/colloquy/error.hpp) is the one place a stable error code is
// spelled: these tests read the sources and fail on a code written anywhere else. Native only
// (it reads files), so it lives with the server tests.
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

#include "colloquy/error.hpp"

namespace {

namespace fs = std::filesystem;

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::set<std::string> registry_codes() {
  std::set<std::string> codes;
  for (const auto& e : colloquy::error_codes) codes.emplace(e.code);
  return codes;
}

// Every quoted literal of `text` that is a registry code, as "file:line: code". Comment lines
// are documentation (usage examples show codes) and are skipped.
std::vector<std::string> spelled_codes(const fs::path& file, const std::string& text, const std::regex& literal,
                                       const std::set<std::string>& codes) {
  std::vector<std::string> found;
  std::istringstream lines(text);
  std::string line;
  for (int n = 1; std::getline(lines, line); ++n) {
    std::size_t first = line.find_first_not_of(" \t");
    if (first != std::string::npos && line.compare(first, 2, "//") == 0) continue;
    for (std::sregex_iterator it(line.begin(), line.end(), literal), end; it != end; ++it) {
      std::string word = (*it)[1].str();
      if (codes.count(word)) found.push_back(file.filename().string() + ":" + std::to_string(n) + ": " + word);
    }
  }
  return found;
}

}  // namespace

TEST_SUITE("Error registry") {
  TEST_CASE("Every code is unique, named as it is sent, with an HTTP error status") {
    std::set<std::string_view> seen;
    for (const auto& e : colloquy::error_codes) {
      CAPTURE(e.code);
      CHECK(seen.insert(e.code).second);
      CHECK(std::regex_match(std::string(e.code), std::regex("[a-z][a-z0-9_]*")));
      CHECK(e.http_status >= 400);
      CHECK(e.http_status <= 599);
      CHECK(colloquy::find_error(e.code) == &e);
      CHECK(colloquy::error_status(e.code) == e.http_status);
    }
    CHECK(colloquy::find_error("no_such_code") == nullptr);
    // The wire strings of a few codes clients rely on.
    CHECK(colloquy::errc::body_too_large == "body_too_large");
    CHECK(colloquy::error_status(colloquy::errc::client_id_taken) == 409);
    CHECK(colloquy::error_status(colloquy::errc::host_not_allowed) == 421);
  }

  TEST_CASE("No C++ source outside the registry spells a code") {
    const std::set<std::string> codes = registry_codes();
    const std::regex literal("\"([a-z][a-z0-9_]*)\"");
    const fs::path root = COLLOQUY_SOURCE_DIR;
    std::vector<std::string> found;
    std::size_t files = 0;
    for (const fs::path& dir : {root / "include" / "colloquy", root / "examples" / "colloquy", root / "wasm"}) {
      for (const auto& entry : fs::directory_iterator(dir)) {
        const fs::path& p = entry.path();
        if (p.extension() != ".hpp" && p.extension() != ".cpp") continue;
        if (p.filename() == "error.hpp") continue;
        ++files;
        for (auto& f : spelled_codes(p, read_text(p), literal, codes)) found.push_back(f);
      }
    }
    CHECK(files > 15);
    std::string list;
    for (const auto& f : found) list += "\n  " + f;
    CHECK_MESSAGE(found.empty(), "codes spelled outside error.hpp (use colloquy::errc::…):" << list);
  }

  TEST_CASE("The codes the widget raises itself are registry codes, tabled once by the build") {
    const std::set<std::string> codes = registry_codes();
    const fs::path web = fs::path(COLLOQUY_SOURCE_DIR) / "web";
    std::string js = read_text(web / "colloquy.js");
    // The one table, written in by the build (wasm/widget.cmake) from the names the scripts use.
    CHECK(js.find("const CODES = Object.freeze(/*@COLLOQUY_CODES@*/{});") != std::string::npos);
    // Each CODES.<name> in the loader and its scripts names a code of the registry.
    std::size_t n = 0;
    const std::regex use(R"(CODES\.([a-z][a-z0-9_]*))");
    for (const auto& entry : fs::directory_iterator(web)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("colloquy", 0) != 0 || entry.path().extension() != ".js") continue;
      const std::string text = read_text(entry.path());
      for (std::sregex_iterator it(text.begin(), text.end(), use), end; it != end; ++it, ++n) {
        CAPTURE(name);
        CHECK(codes.count((*it)[1].str()) == 1);
      }
    }
    CHECK(n > 0);
    // Nowhere in the loader is a code quoted.
    auto found = spelled_codes("colloquy.js", js, std::regex("['\"]([a-z][a-z0-9_]*)['\"]"), codes);
    std::string list;
    for (const auto& f : found) list += "\n  " + f;
    CHECK_MESSAGE(found.empty(), "codes spelled in the loader (use CODES.…):" << list);
  }

  TEST_CASE("The scripts the loader fetches when needed spell no code: each uses a CODES table the build writes") {
    const std::set<std::string> codes = registry_codes();
    std::size_t scripts = 0;
    for (const auto& entry : fs::directory_iterator(fs::path(COLLOQUY_SOURCE_DIR) / "web")) {
      const std::string name = entry.path().filename().string();
      if (name.rfind("colloquy-", 0) != 0 || entry.path().extension() != ".js") continue;
      ++scripts;
      std::string js = read_text(entry.path());
      if (name == "colloquy-post.js") REQUIRE(js.find("CODES.") != std::string::npos);
      // A script that raises codes holds its own table, written in by the build (wasm/widget.cmake).
      if (js.find("CODES.") != std::string::npos)
        CHECK_MESSAGE(js.find("CODES = /*@COLLOQUY_CODES@*/{}") != std::string::npos, name);
      auto found = spelled_codes(name, js, std::regex("['\"]([a-z][a-z0-9_]*)['\"]"), codes);
      std::string list;
      for (const auto& f : found) list += "\n  " + f;
      CHECK_MESSAGE(found.empty(), "codes spelled in " << name << " (use CODES.…):" << list);
    }
    CHECK(scripts >= 2);
  }
}
