// Native end-to-end benchmark: comments document bytes in, HTML bytes out (render_comments,
// the same entry point the wasm module exports). Prints one JSON line per document:
//   colloquy_bench RUNS FILE...   ->  {"file":…,"bytes":…,"runs":…,"median_ms":…,"mb_s":…}
// Built and run by tests/bench/run.mjs (see PERFORMANCE.md); not part of tests/run.sh.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "colloquy/boundary.hpp"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: colloquy_bench RUNS FILE...\n");
    return 2;
  }
  int runs = std::atoi(argv[1]);
  for (int f = 2; f < argc; ++f) {
    std::ifstream in(argv[f], std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    std::string doc = s.str();
    std::vector<double> ms;
    std::size_t out_bytes = 0;
    for (int i = 0; i < runs + 1; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      std::string out = colloquy::render_comments(doc, R"({"sort":"oldest"})");
      auto t1 = std::chrono::steady_clock::now();
      out_bytes = out.size();
      if (i) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());  // run 0 warms up
    }
    std::sort(ms.begin(), ms.end());
    double median = ms[ms.size() / 2];
    std::printf("{\"file\":\"%s\",\"bytes\":%zu,\"html_bytes\":%zu,\"runs\":%d,\"median_ms\":%.3f,\"mb_s\":%.1f}\n",
                argv[f], doc.size(), out_bytes, runs, median, double(doc.size()) / 1e6 / (median / 1e3));
  }
  return 0;
}
