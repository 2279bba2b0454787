// Code that the widget's module ships but seldom runs, built for size there.
//
//   COLLOQUY_COLD_BEGIN
//   inline widget_options parse_widget_options(std::string_view json) { … }
//   COLLOQUY_COLD_END
//
// The render path is compiled for speed (wasm/render.cpp at -O2), and so is everything it
// reaches: option parsing, error answers, the full markup parser behind the plain-text fast
// path. Functions declared between the two markers get clang's `minsize` and `noinline` in
// WebAssembly: they are optimised as at -Oz, nothing is inlined into them, and they stay out of
// the fast functions that call them (inlined into a caller built for speed, a size-built
// function is rebuilt for speed there: the full markup parser inside the article writer and
// the per-page context inside the page writer were ~1.7 KB gzip of colloquy.wasm). Native
// builds (the CLI, the server, the tests) are not affected.
// COLLOQUY_COLD marks one function (a member function: the pragma cannot go inside a class).
// COLLOQUY_SMALL_BEGIN/END build for size and leave inlining to clang: for code made of many
// small helpers that are cheaper inlined (threading, sorting, an item's checks, whose problem
// messages are dropped only where the report is inlined: error.hpp COLLOQUY_PROBLEM_CODES_ONLY).
// Which regions are which was measured (PERFORMANCE.md, "The reading module under 60 KB").
//
// Cold here means run once per call or per page, or only on bad input: reading a document's
// top level and its errors, threading, sorting, the section around the articles, dates
// formatted once per day, options. What runs per comment (the JSON scanner, an item's fields,
// the article writer, the plain-paragraph fast path, escaping) stays fast.
#pragma once

#if defined(__EMSCRIPTEN__) && defined(__clang__)
#define COLLOQUY_SMALL_BEGIN _Pragma("clang attribute push(__attribute__((minsize)), apply_to = function)")
#define COLLOQUY_SMALL_END _Pragma("clang attribute pop")
#define COLLOQUY_COLD_BEGIN \
  COLLOQUY_SMALL_BEGIN _Pragma("clang attribute push(__attribute__((noinline)), apply_to = function)")
#define COLLOQUY_COLD_END _Pragma("clang attribute pop") COLLOQUY_SMALL_END
#define COLLOQUY_COLD __attribute__((minsize, noinline))
#else
#define COLLOQUY_SMALL_BEGIN
#define COLLOQUY_SMALL_END
#define COLLOQUY_COLD_BEGIN
#define COLLOQUY_COLD_END
#define COLLOQUY_COLD
#endif
