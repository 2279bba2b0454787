// What every module of the widget exports besides its entry points: memory for the loader's
// input and the answer of the last call (see boundary.hpp). Built for size (-Oz).
#include <cstdlib>
#include <cstring>

#include "boundary.hpp"

namespace colloquy::wasm {
std::string result;
namespace {
void* last = nullptr;   // the block colloquy_alloc gave last, until freed
void* taken = nullptr;  // a block take_input kept: the loader's colloquy_free leaves it
}  // namespace

char* take_input(const char* p, std::size_t size) {
  if (p && p == last) {
    last = nullptr;
    taken = const_cast<char*>(p);
    return const_cast<char*>(p);
  }
  char* copy = static_cast<char*>(std::malloc(size ? size : 1));
  if (!copy) __builtin_trap();  // out of memory: the loader starts the module anew
  return static_cast<char*>(std::memcpy(copy, p, size));
}
void release_input(char* p) {
  if (p == taken) taken = nullptr;
  std::free(p);
}
}  // namespace colloquy::wasm

using colloquy::wasm::result;

COLLOQUY_EXPORT(colloquy_alloc) void* colloquy_alloc(std::size_t size) {
  return colloquy::wasm::last = std::malloc(size ? size : 1);
}
COLLOQUY_EXPORT(colloquy_free) void colloquy_free(void* p) {
  using namespace colloquy::wasm;
  if (p == last) last = nullptr;
  if (p && p == taken) taken = nullptr;  // its keeper frees it
  else std::free(p);
}
COLLOQUY_EXPORT(colloquy_result_data) const char* colloquy_result_data() { return result.data(); }
COLLOQUY_EXPORT(colloquy_result_size) std::size_t colloquy_result_size() { return result.size(); }

// Releases the last answer's memory (a long thread's HTML can be megabytes).
COLLOQUY_EXPORT(colloquy_result_clear) void colloquy_result_clear() { std::string().swap(result); }
