// What the two translation units of colloquy.wasm share: the answer of the last call and the
// export macro. boundary.cpp holds every export but one; render.cpp holds the thread's render
// path, compiled for speed.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "colloquy/boundary.hpp"

#define COLLOQUY_EXPORT(name) extern "C" __attribute__((export_name(#name), used))

namespace colloquy::wasm {
// The answer of the last call, read by the loader through colloquy_result_data()/_size().
extern std::string result;

// The loader's input kept for later (memory.cpp): `p` itself when it is the block colloquy_alloc
// gave last (the loader's colloquy_free of it then leaves it alone), else a copy of its `size`
// bytes; either is handed to release_input when done.
char* take_input(const char* p, std::size_t size);
void release_input(char* p);

inline std::string_view view(const char* p, std::size_t n) { return {p, n}; }
}  // namespace colloquy::wasm
