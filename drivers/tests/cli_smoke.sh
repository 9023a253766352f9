#!/bin/sh
# CLI behaviour: help, usage errors with exit 2, bad files with exit 1 and a
# message naming the file, and a full eval on a generated model.
set -u
ftsa=$1
helper=$2
. "$(dirname "$0")/cli_check.sh"
check help 0 "eval" -- "$ftsa" --help
check no-args 2 "usage" -- "$ftsa"
check unknown-cmd 2 "unknown command 'frobnicate'" -- "$ftsa" frobnicate
check eval-help 0 "--images N" -- "$ftsa" eval --help
check bad-images 2 "--images: 0 is outside 1..10000" -- "$ftsa" eval --images 0
check bad-number 2 "'12x' is not a non-negative integer" -- "$ftsa" eval --images 12x
check missing-model 1 "nope.ftsa: cannot open" -- "$ftsa" eval --model "$tmp/nope.ftsa"
printf 'FTSA\001\000\000\000garbage' >"$tmp/bad.ftsa"
check corrupt-model 1 "bad.ftsa: truncated" -- "$ftsa" eval --model "$tmp/bad.ftsa"
printf 'NOPE0000000000000000' >"$tmp/magic.ftsa"
check bad-magic 1 "magic.ftsa: bad magic" -- "$ftsa" eval --model "$tmp/magic.ftsa"
"$helper" --write-model "$tmp/lin.ftsa" || { echo "FAIL cannot write model"; exit 1; }
check bad-backend 1 "unknown back end 'nope'" -- "$ftsa" eval --model "$tmp/lin.ftsa" --backend nope
check bad-data 1 "cannot open" -- "$ftsa" eval --model "$tmp/lin.ftsa" --data "$tmp/none"
check eval-runs 0 "accuracy [0-9.]*% ([0-9]*/500)" -- "$ftsa" eval --model "$tmp/lin.ftsa" --images 500
check gen-needs-rate 2 "exactly one of --ber and --count" -- "$ftsa" faults gen --model "$tmp/lin.ftsa"
check gen-bad-bits 2 "--bits: '9'" -- "$ftsa" faults gen --model "$tmp/lin.ftsa" --ber 0.1 --bits 9
check gen-no-bias-layer 1 "layer 0: the network has 2 layers\\|holds no" -- "$ftsa" faults gen --model "$tmp/lin.ftsa" --ber 0.1 --layer 0
check gen-writes 0 "faults over 62720 bits" -- "$ftsa" faults gen --model "$tmp/lin.ftsa" --ber 0.01 --seed 7 --out "$tmp/f.txt"
"$ftsa" faults gen --model "$tmp/lin.ftsa" --ber 0.01 --seed 7 --out "$tmp/f2.txt" 2>/dev/null
cmp -s "$tmp/f.txt" "$tmp/f2.txt" && echo "ok   gen-deterministic" || { echo "FAIL gen-deterministic"; fail=1; }
check run-faults 0 "predictions changed [0-9]* of 300" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/f.txt" --images 300 --per-image "$tmp/p.csv"
[ "$(wc -l <"$tmp/p.csv")" -eq 301 ] && echo "ok   run-per-image" || { echo "FAIL run-per-image"; fail=1; }
printf 'flip L1.weights 0 0\nflip L1.weights 99999 0\n' >"$tmp/bad.txt"
check run-bad-index 1 "bad.txt: line 2: L1.weights: index 99999 out of range" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/bad.txt" --images 10
printf 'flip L1.weights 0 0\nstuck weight 1 1\n' >"$tmp/bad2.txt"
check run-bad-line 1 "bad2.txt:2: unknown fault kind 'stuck'" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/bad2.txt"
printf 'flip weight 0 0\nseu act 3 2 @100\n' >"$tmp/sram.txt"
check run-sram 0 "accuracy" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/sram.txt" --images 10
printf 'flip weight 99999 0\n' >"$tmp/sram-bad.txt"
check run-sram-range 1 "word 99999 outside weight (16384 words)" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/sram-bad.txt" --images 10
printf 'flip weight 0 0\nflip L1.weights 0 0\n' >"$tmp/mixed.txt"
check run-mixed 1 "mixes SRAM-space and tensor-space faults" -- "$ftsa" run --model "$tmp/lin.ftsa" --faults "$tmp/mixed.txt" --images 10
exit $fail
