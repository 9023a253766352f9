#!/bin/bash
# Threads change no result: ftsa campaign (tensor and SRAM faults) and
# ftsa eval with --threads 1 and --threads 2 write byte-identical outputs
# (eval: every line but the speed).
set -u
ftsa=$1
. "$(dirname "$0")/../../tests/cli_check.sh"
small=(--images 60 --first 200 --ber "1e-5, 1e-3, 1e-2" --trials 4 --quiet --no-report)
for t in 1 2; do
    check "campaign-threads-$t" 0 "" -- \
        "$ftsa" campaign "${small[@]}" --tensors "weights, act" --out "$tmp/c$t" --threads "$t"
    check "sram-campaign-threads-$t" 0 "" -- \
        "$ftsa" campaign "${small[@]/60/6}" --space sram --per-layer off --out "$tmp/s$t" --threads "$t"
    check "eval-threads-$t" 0 "accuracy" -- "$ftsa" eval --images 700 --threads "$t"
    grep -v '^speed' "$tmp/out" >"$tmp/eval$t"
done
for f in c/trials.csv c/summary.json s/trials.csv s/summary.json; do
    d=${f%%/*} n=${f#*/}
    cmp -s "$tmp/${d}1/$n" "$tmp/${d}2/$n" || { echo "FAIL $d/$n differs between 1 and 2 threads"; fail=1; }
done
cmp -s "$tmp/eval1" "$tmp/eval2" || { echo "FAIL eval output differs between 1 and 2 threads"; fail=1; }
[ "$(wc -l <"$tmp/c1/trials.csv")" -gt 100 ] || { echo "FAIL campaign too small"; fail=1; }
check threads-zero 2 "--threads" -- "$ftsa" campaign --threads 0 --dry-run
check eval-threads-bad 2 "--threads" -- "$ftsa" eval --threads x
exit $fail
