#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the server tests, from Debian's packages (postgresql-15):
# initdb into a fresh temporary folder as an unprivileged user (initdb refuses root), pg_ctl
# start on a free loopback port, no system service, and everything removed by `stop`.
#
#   tests/server/pg_cluster.sh start STATE   # prints the base URL, also written to STATE
#   tests/server/pg_cluster.sh stop STATE    # stops the cluster and removes its folder and STATE
#   tests/server/pg_cluster.sh run -- CMD…   # start, run CMD with COLLOQUY_TEST_PG set, stop
#
# Tests make one database per test in it (CREATE DATABASE) from the base URL
# postgresql://colloquy@127.0.0.1:PORT/ . Trust authentication on loopback only: the cluster
# lives as long as one test run and holds nothing but test data.
set -euo pipefail

bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "pg_cluster: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }

# Runs a PostgreSQL program as the unprivileged owner of the cluster.
as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}

free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
  echo "pg_cluster: no free port found" >&2
  return 1
}

start() {
  local state=$1 dir port
  stop "$state"  # a cluster left by an interrupted run
  dir=$(mktemp -d "${TMPDIR:-/tmp}/colloquy-pg-XXXXXX")
  chmod 700 "$dir"
  [ "$(id -u)" = 0 ] && chown nobody: "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U colloquy --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; rm -rf "$dir"; return 1; }
  # A port taken between the check and the start is tried again with another.
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c shared_buffers=64MB" start >/dev/null; then
      printf 'dir=%s\nurl=postgresql://colloquy@127.0.0.1:%s/\n' "$dir" "$port" >"$state"
      echo "postgresql://colloquy@127.0.0.1:$port/"
      return
    fi
  done
  cat "$dir/server.log" >&2
  rm -rf "$dir"
  return 1
}

stop() {
  local state=$1 dir
  [ -f "$state" ] || return 0
  dir=$(sed -n 's/^dir=//p' "$state")
  if [ -n "$dir" ] && [ -d "$dir/data" ]; then
    as_owner "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
  fi
  [ -n "$dir" ] && rm -rf "$dir"
  rm -f "$state"
}

case "${1:-}" in
  start) start "$2" ;;
  stop) stop "$2" ;;
  run)
    shift
    [ "${1:-}" = "--" ] && shift
    state=$(mktemp "${TMPDIR:-/tmp}/colloquy-pg-state-XXXXXX")
    trap 'stop "$state"' EXIT
    COLLOQUY_TEST_PG=$(start "$state") "$@"
    ;;
  *) echo "usage: $0 start STATE | stop STATE | run -- COMMAND..." >&2; exit 2 ;;
esac
