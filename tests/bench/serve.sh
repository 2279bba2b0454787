#!/usr/bin/env bash
# The read-path load benchmark of `colloquy serve`: GET /api/comments of a 1,000-comment thread
# under wrk, side by side with nginx serving the very same answer bytes as a static file (the
# yardstick), plain and with Accept-Encoding: gzip; req/s, p50, p99 and RSS of both.
# It prints figures and asserts nothing; it is not part of tests/run.sh.
#
#   tests/bench/serve.sh [--reps 3] [--duration 10] [--connections 50] [--comments 1000]
#
# Needs the native build (tests/setup.sh). Installs wrk and nginx-light when missing. Runs for
# about 2 x reps x 2 x (duration + 5) s: ~3.5 minutes with the defaults. Traffic stays on
# 127.0.0.1. The machine is shared: the 1-minute load average is printed with every run.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
[ -x /usr/sbin/nginx ] || missing+=(nginx-light)
command -v curl >/dev/null || missing+=(curl)
if ((${#missing[@]})); then
  echo "serve.sh: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
if [ ! -x "${COLLOQUY_NATIVE_BUILD:-build/native}/examples/colloquy" ]; then
  echo "serve.sh: no ${COLLOQUY_NATIVE_BUILD:-build/native}/examples/colloquy; build first (tests/setup.sh)" >&2
  exit 2
fi
exec node tests/bench/serve.mjs "$@"
