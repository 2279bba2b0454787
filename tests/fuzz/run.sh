#!/usr/bin/env bash
# Builds the libFuzzer target with clang (-fsanitize=fuzzer,address,undefined) and fuzzes the
# comments reader and thread pipeline for SECONDS (default 600) under `nice -n 19`.
#
#   tests/fuzz/run.sh 600            # a 10-minute run; findings land in build/fuzz/crash-*
#   tests/fuzz/run.sh 5              # a smoke run
#
# The corpus (build/fuzz/corpus) is seeded with the shared real threads (../shared/data),
# split into small documents in the project's wire shapes, and with examples/seed.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
out=build/fuzz
mkdir -p "$out/corpus"
third_party=build/native/third_party
[ -d "$third_party/nlohmann" ] || { echo "run tests/setup.sh first (needs $third_party)"; exit 2; }
if [ ! -x "$out/fuzz_thread" ] || [ -n "$(find include tests/fuzz/fuzz_thread.cpp -newer "$out/fuzz_thread" -print -quit)" ]; then
  nice -n 19 clang++ -std=c++20 -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined \
    -fno-sanitize-recover=undefined -Iinclude -isystem "$third_party" \
    tests/fuzz/fuzz_thread.cpp -o "$out/fuzz_thread"
fi
data=${COLLOQUY_TEST_DATA:-../shared/data}
node tests/fuzz/seed.mjs "$data/comments" "$out/corpus" examples/seed/comments.json
nice -n 19 "$out/fuzz_thread" "$out/corpus" -dict=tests/fuzz/comments.dict -max_len=16384 \
  -max_total_time="$seconds" -print_final_stats=1 -artifact_prefix="$out/" 2>&1 | tee "$out/last-run.log" | \
  grep -E "^#[0-9]+[[:space:]]+(INITED|DONE|pulse)|stat::|ERROR|SUMMARY|Test unit written" || true
grep -q "stat::number_of_executed_units" "$out/last-run.log" && ! grep -q "ERROR:" "$out/last-run.log"
