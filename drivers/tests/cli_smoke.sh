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
check bad-backend 2 "ftsa eval: unknown back end 'nope'" -- "$ftsa" eval --model "$tmp/lin.ftsa" --backend nope
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
# SRAM-space draws on LeNet-5 (docs/faults.md): usage errors, geometry of the
# RTL build, deterministic lists that replay on the cmodel back end.
lenet=$(dirname "$0")/../../models/lenet5.ftsa
check gen-sram-vs-tensor 2 "--memory (SRAM space) excludes --tensor" -- "$ftsa" faults gen --memory weight --tensor bias --ber 0.1
check gen-sram-unknown 2 "--memory: unknown value 'dram'" -- "$ftsa" faults gen --memory dram --ber 0.1
check gen-sram-words-range 2 "--words: 0-5000 outside acc's words 0..1023" -- "$ftsa" faults gen --memory acc --words 0-5000 --ber 0.1
check gen-sram-words-bad 2 "--words: '9-3' is not a range" -- "$ftsa" faults gen --memory act --words 9-3 --ber 0.1
check gen-sram-words-tensor 2 "need --memory" -- "$ftsa" faults gen --words 0-3 --ber 0.1
check gen-seu-tensor 2 "--kind seu needs an SRAM" -- "$ftsa" faults gen --kind seu --ber 0.1
check gen-rd-prob 2 "--kind rd needs --prob" -- "$ftsa" faults gen --memory acc --kind rd --ber 0.1
check gen-rd-prob-range 2 "--prob: 2 is not a probability" -- "$ftsa" faults gen --memory acc --kind rd --prob 2 --ber 0.1
check gen-cycles-kind 2 "--cycles is for --kind seu" -- "$ftsa" faults gen --memory acc --cycles 0-9 --ber 0.1
check gen-sram-bits 2 "--bits: '32' is not .* within 32-bit lanes" -- "$ftsa" faults gen --memory acc --bits 32 --ber 0.1
check gen-sram-array 2 "--array: .*supports 4, 8 and 16" -- "$ftsa" faults gen --memory acc --array 12 --ber 0.1
check gen-sram-count 1 "faults requested, the region has 64 bits" -- "$ftsa" faults gen --memory thr --words 0-7 --bits msb --count 65
check gen-sram-used 0 "weight words 0..[0-9]* of 64-bit words (N = 8)" -- "$ftsa" faults gen --memory weight --model "$lenet" --ber 1e-4 --seed 4 --out "$tmp/w.txt"
"$ftsa" faults gen --memory weight --model "$lenet" --ber 1e-4 --seed 4 --out "$tmp/w2.txt" 2>/dev/null
cmp -s "$tmp/w.txt" "$tmp/w2.txt" && echo "ok   gen-sram-deterministic" || { echo "FAIL gen-sram-deterministic"; fail=1; }
check gen-sram-msb 0 "faults over 8192 bits of the acc SRAM" -- "$ftsa" faults gen --memory acc --bits msb --count 50 --out "$tmp/msb.txt"
awk '$1 == "flip" && $4 % 32 != 31 { bad = 1 } END { exit bad }' "$tmp/msb.txt" && echo "ok   gen-sram-msb-lanes" || { echo "FAIL gen-sram-msb-lanes"; fail=1; }
# Upsets fall inside the inference run by default.
check gen-seu-cycles 0 "upsets in cycles 0\\.\\.[0-9]* (inference of" -- "$ftsa" faults gen --memory act --model "$lenet" --kind seu --count 40 --out "$tmp/seu.txt"
last=$(sed -n 's/.*upsets in cycles 0\.\.\([0-9]*\).*/\1/p' "$tmp/out")
awk -v last="$last" '$1 == "seu" { c = substr($5, 2) + 0; if (c > last) bad = 1 } END { exit bad }' "$tmp/seu.txt" && echo "ok   gen-seu-in-run" || { echo "FAIL gen-seu-in-run"; fail=1; }
check gen-seu-clash 0 "note: 1 cycle holds upsets of several words" -- "$ftsa" faults gen --memory weight --words 0-1 --kind seu --cycles 5-5 --count 128
# Every memory, every kind, in one list per memory, replayed on the cmodel back end.
for mem in weight act acc param thr; do
    : >"$tmp/all-$mem.txt"
    for kind in sa0 sa1 flip seu rd; do
        prob=
        [ "$kind" = rd ] && prob="--prob 0.05"
        # shellcheck disable=SC2086 # $prob is empty or two words
        "$ftsa" faults gen --memory "$mem" --model "$lenet" --kind "$kind" $prob --count 3 --seed 9 2>/dev/null |
            grep -v '^#' >>"$tmp/all-$mem.txt" || { echo "FAIL gen-$mem-$kind"; fail=1; }
    done
    check "run-sram-$mem" 0 "back end cmodel, 15 faults from" -- "$ftsa" run --model "$lenet" --faults "$tmp/all-$mem.txt" --backend cmodel --images 20
done
# A list drawn for a 16 x 16 array does not fit the default 8 x 8 build.
"$ftsa" faults gen --memory acc --array 16 --bits msb --count 200 --out "$tmp/acc16.txt" 2>/dev/null
check run-sram-width 1 "acc16.txt: line [0-9]*: bit [0-9]* outside acc's 256-bit words" -- "$ftsa" run --model "$lenet" --faults "$tmp/acc16.txt" --images 2
exit $fail
