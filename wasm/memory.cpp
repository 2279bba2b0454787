// What every module of the widget exports besides its entry points: memory for the loader's
// input and the answer of the last call (see boundary.hpp). Built for size (-Oz).
#include <cstdlib>

#include "boundary.hpp"

namespace colloquy::wasm {
std::string result;
}  // namespace colloquy::wasm

using colloquy::wasm::result;

COLLOQUY_EXPORT(colloquy_alloc) void* colloquy_alloc(std::size_t size) { return std::malloc(size ? size : 1); }
COLLOQUY_EXPORT(colloquy_free) void colloquy_free(void* p) { std::free(p); }
COLLOQUY_EXPORT(colloquy_result_data) const char* colloquy_result_data() { return result.data(); }
COLLOQUY_EXPORT(colloquy_result_size) std::size_t colloquy_result_size() { return result.size(); }

// Releases the last answer's memory (a long thread's HTML can be megabytes).
COLLOQUY_EXPORT(colloquy_result_clear) void colloquy_result_clear() { std::string().swap(result); }
