#!/usr/bin/env bash
# Builds Colloquy and serves the seed page with the reference server.
# Usage: examples/demo.sh [PORT]   (default 8080; or set PORT)
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
port=${1:-${PORT:-8080}}
echo "colloquy: open http://127.0.0.1:${port}/ (Ctrl-C stops)"
exec build/native/examples/colloquy serve --port "$port" --root examples/seed \
  --widget build/wasm/widget --comments examples/seed/comments.json
