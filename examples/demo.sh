#!/usr/bin/env bash
# Builds Colloquy and serves the seed page with the reference server and its SQLite database:
# post a comment on the page, reload, and it is still there (stored in the database file).
# Usage: examples/demo.sh [PORT]   (default 8080; or set PORT; DB=path for another database)
set -euo pipefail
cd "$(dirname "$0")/.."
tests/setup.sh
port=${1:-${PORT:-8080}}
db=${DB:-build/demo/colloquy.db}
mkdir -p "$(dirname "$db")"
echo "colloquy: open http://127.0.0.1:${port}/ (Ctrl-C stops; comments are kept in ${db})"
exec build/native/examples/colloquy serve --port "$port" --root examples/seed \
  --widget build/wasm/widget --db "$db" --seed examples/seed/comments.json
