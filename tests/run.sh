#!/usr/bin/env bash
# Every test layer: the doctest suite natively, as wasm under node and as wasm in headless
# Chromium (ctest), then the browser tests of the example pages (node's test runner).
# Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
ctest --test-dir build/native --output-on-failure
ctest --test-dir build/wasm --output-on-failure
node --test --test-concurrency=1 tests/browser/
echo "colloquy: all test layers passed"
