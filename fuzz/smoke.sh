#!/bin/sh
# Driven by ctest (fuzz/smoke.cmake):
#   smoke.sh build SRC_DIR BIN_DIR CLANG   configure and build fuzz/ with clang
#   smoke.sh run BIN_DIR SRC_DIR NAME SECONDS
# run fuzzes harness NAME for SECONDS from its committed seeds
# (SRC_DIR/fuzz/corpus/NAME, read only) into BIN_DIR/corpus/NAME, and fails on
# any crash, leak, sanitizer report, timeout or out-of-memory, leaving the
# input in BIN_DIR/artifacts/.
set -eu
mode=$1
if [ "$mode" = build ]; then
    src=$2 bin=$3 clang=$4
    cmake -S "$src/fuzz" -B "$bin" -DCMAKE_C_COMPILER="$clang" -DCMAKE_BUILD_TYPE=None >"$bin.log" 2>&1 ||
        { cat "$bin.log"; exit 1; }
    exec cmake --build "$bin" -j2
fi
bin=$2 src=$3 name=$4 seconds=$5
mkdir -p "$bin/corpus/$name" "$bin/artifacts"
exec "$bin/fuzz_$name" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$bin/artifacts/$name-" \
    "$bin/corpus/$name" "$src/fuzz/corpus/$name"
