#!/usr/bin/env bash
# Installs what Colloquy needs (Debian packages, npm tooling) and builds it natively and to
# WebAssembly. Safe to re-run: installs only what is missing, rebuilds only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(cmake make g++ clang emscripten nlohmann-json3-dev doctest-dev libcpp-httplib-dev libsqlite3-dev
          libboost-dev libssl-dev zlib1g-dev libbrotli-dev
          chromium brotli ca-certificates)
packages+=(zopfli)  # the widget's .gz files (wasm/CMakeLists.txt)
packages+=(nginx-light libnginx-mod-http-brotli-static)  # examples/nginx: its browser test and tests/bench/serve.sh
packages+=(postgresql-15 libpq-dev)  # the PostgreSQL store and its tests (tests/server/pg_cluster.sh)
packages+=(firefox-esr webkit2gtk-driver xvfb xauth)  # tests/engines: Firefox and WebKit (xvfb-run needs xauth)
packages+=(clang-format-14)  # ctest format_check: the C++ sources as .clang-format writes them
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "colloquy: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # The tests run a throw-away PostgreSQL cluster of their own: no system cluster ("main") and
  # so no system service is made when Debian's PostgreSQL is first installed.
  if ! dpkg-query -W -f='${Status}' postgresql-common 2>/dev/null | grep -q "install ok installed"; then
    mkdir -p /etc/postgresql-common
    [ -e /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" >/etc/postgresql-common/createcluster.conf
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confold install -y -qq --no-install-recommends "${missing[@]}"
fi

# Browser-test tooling (package.json): playwright-core, puppeteer-core and selenium-webdriver drive
# Debian's Chromium, Firefox and WebKit; none downloads a browser.
if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

jobs=$(nproc)
# --demo (examples/demo.sh): only what the demo serves, the colloquy tool and the widget, not
# the test programs (a fraction of the build); tests/run.sh builds the rest.
native=() wasm=()
if [ "${1:-}" = "--demo" ]; then native=(--target colloquy_cli) wasm=(--target colloquy_widget); fi
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j"$jobs" "${native[@]}"
if [ ! -f build/wasm/CMakeCache.txt ]; then
  emcmake cmake -S . -B build/wasm -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
cmake --build build/wasm -j"$jobs" "${wasm[@]}"
