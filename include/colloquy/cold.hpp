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
// COLLOQUY_COLD marks one function (a member function: the pragma cannot go inside a class).
//
// Cold here means run once per call or per page, or only on bad input: reading a document's
// top level and its errors, threading, sorting, the section around the articles, dates
// formatted once per day, options. What runs per comment (the JSON scanner, an item's fields,
// the article writer, the plain-paragraph fast path, escaping) stays fast.
#pragma once

#if defined(__EMSCRIPTEN__) && defined(__clang__)
#define COLLOQUY_COLD_BEGIN _Pragma("clang attribute push(__attribute__((minsize)), apply_to = function)")
#define COLLOQUY_COLD_END _Pragma("clang attribute pop")
#define COLLOQUY_COLD __attribute__((minsize))
#else
#define COLLOQUY_COLD_BEGIN
#define COLLOQUY_COLD_END
#define COLLOQUY_COLD
#endif
