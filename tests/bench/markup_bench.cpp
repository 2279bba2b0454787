// Formatting speed on real comment text: the 2,783 comments of the shared threads, formatted
// round-robin until 100,000 comments are done, 7 times; prints the median. No assertion: the
// figures are for reading and comparing.
//
//   g++ -std=c++20 -O2 -DNDEBUG -Iinclude tests/bench/markup_bench.cpp -o build/markup_bench
//   nice -n 19 build/markup_bench ../shared/data/comments
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "colloquy/markup.hpp"

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : "../shared/data/comments";
  std::vector<std::string> texts;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    std::ifstream in(entry.path());
    std::stringstream s;
    s << in.rdbuf();
    auto j = nlohmann::json::parse(s.str(), nullptr, false);
    if (!j.is_array()) continue;
    for (const auto& c : j)
      if (c.is_object() && c.contains("text") && c["text"].is_string()) texts.push_back(c["text"].get<std::string>());
  }
  if (texts.empty()) {
    std::fprintf(stderr, "no comments under %s\n", dir.c_str());
    return 1;
  }
  const std::size_t n = 100000;
  std::vector<double> ms;
  std::size_t bytes_in = 0, bytes_out = 0;
  std::string out;
  for (int run = 0; run < 7; ++run) {
    bytes_in = bytes_out = 0;
    auto start = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < n; ++i) {
      const std::string& t = texts[i % texts.size()];
      out.clear();
      colloquy::append_markup_html(out, t);
      bytes_in += t.size();
      bytes_out += out.size();
    }
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double median = ms[ms.size() / 2];
  std::printf("markup: %zu distinct comments, %zu formatted per run, %.1f MB in, %.1f MB out\n", texts.size(), n,
              bytes_in / 1e6, bytes_out / 1e6);
  std::printf("median %.1f ms per 100,000 comments (min %.1f, max %.1f): %.0f ns/comment, %.0f MB/s of input\n", median,
              ms.front(), ms.back(), median * 1e6 / n, bytes_in / 1e3 / median);
}
