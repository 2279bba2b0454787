#!/usr/bin/env bash
# Builds the markup fuzzer with clang + libFuzzer (ASan, UBSan) and runs it.
#   tests/fuzz/run.sh [seconds]      default 600; extra libFuzzer flags via FUZZ_FLAGS
# The seed corpus is made from the CommonMark spec examples and XSS vectors of the shared test
# data (into build/fuzz, never into the repository); findings land in build/fuzz/findings.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
out=build/fuzz
data=${COLLOQUY_TEST_DATA:-../shared/data}
mkdir -p "$out/corpus" "$out/findings"
clang++ -std=c++20 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Iinclude -Itests tests/fuzz/fuzz_markup.cpp -o "$out/fuzz_markup"
if [ -d "$data" ] && [ -z "$(ls -A "$out/corpus")" ]; then
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
nice -n 19 "$out/fuzz_markup" "$out/corpus" -dict=tests/fuzz/markup.dict -max_total_time="$seconds" \
  -max_len=4096 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/findings/" -print_final_stats=1 ${FUZZ_FLAGS:-}
