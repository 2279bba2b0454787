// Code that the widget's module ships but seldom runs, built for size there.
//
//   COLLOQUY_COLD_BEGIN
//   inline widget_options parse_widget_options(std::string_view json) { … }
//   COLLOQUY_COLD_END
//
// The render path is compiled for speed (wasm/render.cpp at -O3), and so is everything it
// reaches: option parsing, error answers, the full markup parser behind the plain-text fast
// path. Functions declared between the two markers get clang's `minsize` in WebAssembly: they
// are optimised as at -Oz, and nothing is inlined into them, while they may still be inlined
// where they are small. Native builds (the CLI, the server, the tests) are not affected.
#pragma once

#if defined(__EMSCRIPTEN__) && defined(__clang__)
#define COLLOQUY_COLD_BEGIN _Pragma("clang attribute push(__attribute__((minsize)), apply_to = function)")
#define COLLOQUY_COLD_END _Pragma("clang attribute pop")
#else
#define COLLOQUY_COLD_BEGIN
#define COLLOQUY_COLD_END
#endif
