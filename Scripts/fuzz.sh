#!/usr/bin/env bash
# Fuzzes the pure parts that see server bytes first (frame splitter, JSON parser, decoder+ingest, sanitiser,
# widths) and hostile files (a recording played through the store, theme and configuration YAML) with libFuzzer and AddressSanitizer. Usage: Scripts/fuzz.sh [RUNS_PER_TARGET] [TARGET...]
# Crashes are written to Fuzz/findings/; minimise one with `-minimize_crash=1`, then add it to Fuzz/regressions/
# (replayed by the ordinary build's `tfdrift-fuzz` in the test suite).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
runs="${1:-1000000}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(frame json decoder sanitizer width recording yaml)
swift build -c release --scratch-path .build-fuzz --product tfdrift-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING
binary=$(swift build -c release --scratch-path .build-fuzz --product tfdrift-fuzz --sanitize fuzzer --sanitize address -Xswiftc -DFUZZING --show-bin-path)/tfdrift-fuzz
mkdir -p Fuzz/findings
for target in "${targets[@]}"; do
    corpus=$(mktemp -d)
    cp Fuzz/seeds/* "$corpus"/ 2>/dev/null || true
    echo "== $target: $runs runs"
    TFDRIFT_FUZZ_TARGET="$target" "$binary" -runs="$runs" -max_len=4096 -artifact_prefix="Fuzz/findings/$target-" \
        -print_final_stats=1 "$corpus" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==.*ERROR|SUMMARY|Done)" || true
    rm -rf "$corpus"
done
