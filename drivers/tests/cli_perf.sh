#!/bin/sh
# ftsa perf: usage errors exit 2, a missing model exits 1 naming the file, and
# the per-layer cycles of LeNet-5 at N = 8 equal the rtl back end's
# (perf_ref, through the driver API) when this build has the RTL.
set -u
ftsa=$1
ref=$2
model=$3
. "$(dirname "$0")/cli_check.sh"
check help 0 "--clock-mhz F" -- "$ftsa" perf --help
check bad-array 2 "--array: 3 is outside 4..64" -- "$ftsa" perf --model "$model" --array 3
check odd-array 2 "--array: 10 is not a multiple of 4" -- "$ftsa" perf --model "$model" --array 10
check bad-option 2 "ftsa perf: unknown option '--frobnicate'" -- "$ftsa" perf --frobnicate
check bad-clock 2 "--clock-mhz: 0 is not a positive frequency" -- "$ftsa" perf --model "$model" --clock-mhz 0
check stray-arg 2 "unexpected argument 'x'" -- "$ftsa" perf --model "$model" x
check missing-model 1 "nope.ftsa: cannot open" -- "$ftsa" perf --model "$tmp/nope.ftsa"
check table 0 "weights resident:     yes" -- "$ftsa" perf --model "$model" --array 8
check n16 0 "on a 16x16 array" -- "$ftsa" perf --model "$model" --array 16
check csv 0 "^8,total,inference,,,," -- "$ftsa" perf --model "$model" --csv

"$ftsa" perf --model "$model" --array 8 --csv >"$tmp/perf.csv" || { echo "FAIL perf --csv"; exit 1; }
grep -v '^array_n\|,total,\|,setup,' "$tmp/perf.csv" | cut -d, -f2,7 | tr , ' ' >"$tmp/perf.txt"
"$ref" "$model" 8 >"$tmp/rtl.txt"
case $? in
77) echo "skip rtl-cycles: this build has no rtl back end" ;;
0)
    if cmp -s "$tmp/perf.txt" "$tmp/rtl.txt"; then
        echo "ok   rtl-cycles ($(wc -l <"$tmp/rtl.txt") layers equal the rtl back end's)"
    else
        echo "FAIL rtl-cycles: layer, perf cycles vs rtl cycles:"
        paste -d' ' "$tmp/perf.txt" "$tmp/rtl.txt"
        fail=1
    fi ;;
*) echo "FAIL rtl-cycles: perf_ref failed"; fail=1 ;;
esac
exit $fail
