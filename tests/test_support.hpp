// Helpers shared by the test files: reading fixtures and the shared real-world data.
#pragma once
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include <doctest/doctest.h>

namespace colloquy::test {

inline std::optional<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A file of the shared test material (../shared/data). When the material is not on this machine
// the calling test case is reported as skipped (a MESSAGE), never as passed silently.
inline std::optional<std::string> shared_data(const std::string& relative) {
  auto text = read_file(std::string(COLLOQUY_TEST_DATA_DIR) + "/" + relative);
  if (!text) MESSAGE("SKIPPED: shared test data not found: " << COLLOQUY_TEST_DATA_DIR << "/" << relative);
  return text;
}

// A file of this repository (examples, fixtures); must exist.
inline std::string source_file(const std::string& relative) {
  auto text = read_file(std::string(COLLOQUY_SOURCE_DIR) + "/" + relative);
  REQUIRE_MESSAGE(text.has_value(), "missing " << relative);
  return *text;
}

}  // namespace colloquy::test
