#!/usr/bin/env bash
# Builds Colloquy and serves the seed page with the reference server and its SQLite database:
# post a comment on the page, reload, and it is still there (stored in the database file).
# Usage: examples/demo.sh [PORT]   (default 8080; or set PORT; DB=path for another database)
set -euo pipefail
cd "$(dirname "$0")/.."
port=${1:-${PORT:-8080}}
# A port already taken is said before the build, not after it.
if (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; then
  echo "colloquy: port ${port} is in use (another server, or this demo already running?): examples/demo.sh PORT picks another" >&2
  exit 1
fi
tests/setup.sh --demo
db=${DB:-build/demo/colloquy.db}
mkdir -p "$(dirname "$db")"
echo "colloquy: serving on http://127.0.0.1:${port}/ (Ctrl-C stops; comments are kept in ${db})"
exec build/native/examples/colloquy serve --port "$port" --root examples/seed \
  --widget build/wasm/widget --db "$db" --seed examples/seed/comments.json
