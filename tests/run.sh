#!/usr/bin/env bash
# Every test layer: the doctest suite natively, natively under AddressSanitizer and UBSan, as
# wasm under node and as wasm on a page in Chromium, Firefox and WebKit (ctest), then the browser
# tests of the example pages (node's test runner), then those that run in all three engines.
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
ctest --test-dir build/native --output-on-failure
# Comments are views into the document they were read from (comment.hpp): a lifetime mistake
# must fail here, not corrupt a page.
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug >/dev/null \
  -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined"
cmake --build build/asan -j"$(nproc)" --target colloquy_tests
build/asan/tests/colloquy_tests
ctest --test-dir build/wasm --output-on-failure
node --test --test-concurrency=1 tests/browser/
# The checks that matter in every engine readers use: Chromium, Firefox, WebKit (tests/engines).
node --test --test-concurrency=1 tests/engines/
echo "colloquy: all test layers passed"
