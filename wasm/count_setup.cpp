// Prints colloquy::count_setup(): the words, plural tables and limits that wasm/widget.cmake
// writes into the shipped colloquy-count.js, so they are defined once, in the core. Built for
// node and run once per build; nothing of it ships.
#include <cstdio>

#include "colloquy/widget.hpp"

int main() {
  const std::string setup = colloquy::count_setup();
  return std::fwrite(setup.data(), 1, setup.size(), stdout) == setup.size() && std::fflush(stdout) == 0 ? 0 : 1;
}
