#!/usr/bin/env bash
# Builds a libFuzzer target with clang (-fsanitize=fuzzer,address,undefined) and runs it for
# SECONDS (default 600) under `nice -n 19`.
#
#   tests/fuzz/run.sh thread 600     # comments reader (fast reader vs nlohmann oracle) + pipeline
#   tests/fuzz/run.sh markup 600     # comment markup, with the HTML allowlist as its oracle
#   tests/fuzz/run.sh thread 5       # a smoke run
#
# Each target's corpus (build/fuzz/<target>/corpus) is seeded from the shared test data
# (../shared/data, or $COLLOQUY_TEST_DATA), never into the repository; findings land in
# build/fuzz/<target>/. Extra libFuzzer flags via FUZZ_FLAGS. Exits non-zero on a finding.
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: tests/fuzz/run.sh thread|markup [seconds]}
seconds=${2:-600}
out=build/fuzz/$target
data=${COLLOQUY_TEST_DATA:-../shared/data}
third_party=build/native/third_party
[ -d "$third_party/nlohmann" ] || { echo "run tests/setup.sh first (needs $third_party)"; exit 2; }
mkdir -p "$out/corpus"

case "$target" in
  thread) flags=(-dict=tests/fuzz/comments.dict -max_len=16384) ;;
  markup) flags=(-dict=tests/fuzz/markup.dict -max_len=4096 -timeout=10 -rss_limit_mb=2048) ;;
  *) echo "unknown target $target (thread or markup)"; exit 2 ;;
esac

binary=$out/fuzz_$target
if [ ! -x "$binary" ] || [ -n "$(find include tests/fuzz "tests/html_allowlist.hpp" -newer "$binary" -print -quit)" ]; then
  nice -n 19 clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -Iinclude -Itests -isystem "$third_party" \
    "tests/fuzz/fuzz_$target.cpp" -o "$binary"
fi

if [ -d "$data" ] && [ -z "$(ls -A "$out/corpus")" ]; then
  if [ "$target" = thread ]; then
    node tests/fuzz/seed.mjs "$data/comments" "$out/corpus" examples/seed/comments.json
  else
    python3 - "$data" "$out/corpus" <<'PY'
import json, sys, os, hashlib
data, corpus = sys.argv[1], sys.argv[2]
seeds = [e["markdown"] for e in json.load(open(os.path.join(data, "commonmark/comment_subset.json")))]
seeds += json.load(open(os.path.join(data, "xss/vectors.json")))
for s in seeds:
    b = s.encode("utf-8")
    open(os.path.join(corpus, hashlib.sha1(b).hexdigest()), "wb").write(b)
PY
  fi
fi

nice -n 19 "$binary" "$out/corpus" "${flags[@]}" -max_total_time="$seconds" -print_final_stats=1 \
  -artifact_prefix="$out/" ${FUZZ_FLAGS:-} 2>&1 | tee "$out/last-run.log" | \
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|Test unit written" || true
grep -q "stat::number_of_executed_units" "$out/last-run.log" && ! grep -q "ERROR:" "$out/last-run.log"
