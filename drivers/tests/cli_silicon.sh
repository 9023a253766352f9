#!/bin/sh
# ftsa silicon compare on a CSV measured on the RTL: fault maps (as if
# measured at two supply voltages) and one BER point (the accuracy of two
# RTL runs with uniform weight faults).  The C model reproduces the fault-map
# points exactly (error 0.00); the BER point is reported with its error;
# --max-error, bad CSVs and usage errors exit 1 or 2.
set -u
ftsa=$1 models=$2
. "$(dirname "$0")/cli_check.sh"
lenet=$models/lenet5.ftsa
# Correct images of an RTL run under a fault list (ftsa run's "faulty accuracy ... (C/N)").
# Its fault-free count stays in $tmp/run.txt.
rtl_correct() {
    "$ftsa" run --backend rtl --model "$lenet" --faults "$1" --images 20 >"$tmp/run.txt"
    sed -n 's/^faulty accuracy.*(\([0-9]*\)\/20)$/\1/p' "$tmp/run.txt"
}
for b in 0.001 0.004; do
    "$ftsa" faults gen --model "$lenet" --memory weight --ber $b --seed 7 --out "$tmp/map_$b.txt" 2>/dev/null
done
c1=$(rtl_correct "$tmp/map_0.001.txt")
c4=$(rtl_correct "$tmp/map_0.004.txt")
clean=$(sed -n 's/^fault-free accuracy.*(\([0-9]*\)\/20)$/\1/p' "$tmp/run.txt")
sum=0
for s in 101 102; do
    "$ftsa" faults gen --model "$lenet" --memory weight --ber 0.002 --seed $s --out "$tmp/u$s.txt" 2>/dev/null
    sum=$((sum + $(rtl_correct "$tmp/u$s.txt")))
done
[ -n "$c1" ] && [ -n "$c4" ] || { echo "FAIL cannot measure on the RTL"; exit 1; }
# The maps must matter, or an exact match would prove nothing.
[ "$c4" != "$clean" ] && echo "ok   silicon-map-matters ($clean -> $c4 of 20)" ||
    { echo "FAIL the fault map does not change the accuracy"; fail=1; }
cat >"$tmp/measured.csv" <<CSV
# accuracy measured on the RTL (ftsa run --backend rtl, 20 test images)
point,vdd,fault_map,ber,images,accuracy,errors
v0.70,0.70,map_0.001.txt,,20,$(awk "BEGIN { printf \"%.2f\", $c1 / 20 }"),
v0.60,0.60,map_0.004.txt,,20,,$((20 - c4))
ber2e-3,,,0.002,20,$(awk "BEGIN { printf \"%.3f\", $sum / 40 }"),
CSV
cat "$tmp/measured.csv"
run() { "$ftsa" silicon compare --measured "$tmp/measured.csv" --model "$lenet" --trials 3 "$@"; }
check silicon-maps-exact 0 "v0.60 *0.600 V, fault map *20 *[0-9.]*% *[0-9.]*% ( 0.00) *0.00 *0.00%" -- run --csv "$tmp/out.csv"
check silicon-map-exact-1 0 "v0.70 *0.700 V, fault map *20 *[0-9.]*% *[0-9.]*% ( 0.00) *0.00 *0.00%" -- run
check silicon-ber-point 0 "ber2e-3 *BER 0.002 *20 " -- run
check silicon-mean 0 "mean absolute error [0-9.]* percentage points, mean relative error [0-9.]*% over 3 points" -- run
[ "$(wc -l <"$tmp/out.csv")" -eq 4 ] && echo "ok   silicon-csv-rows" || { echo "FAIL silicon-csv-rows"; fail=1; }
check silicon-max-error 1 "exceeds --max-error 0.001%" -- run --max-error 0.001
printf 'point,ber,images\nx,0.01,20\n' >"$tmp/noacc.csv"
check silicon-no-measure 1 "noacc.csv: line 2: no measured accuracy or errors" -- "$ftsa" silicon compare --measured "$tmp/noacc.csv" --model "$lenet"
printf 'point,ber,images,accuracy,volts\nx,0.01,20,0.5,1\n' >"$tmp/col.csv"
check silicon-bad-column 1 "col.csv: line 1: unknown column 'volts'" -- "$ftsa" silicon compare --measured "$tmp/col.csv" --model "$lenet"
printf 'ber,images,accuracy\n0.01,20,zero\n' >"$tmp/num.csv"
check silicon-bad-number 1 "num.csv: line 2: accuracy: 'zero' is not a number" -- "$ftsa" silicon compare --measured "$tmp/num.csv" --model "$lenet"
printf 'ber,fault_map,images,accuracy\n0.01,m.txt,20,0.5\n' >"$tmp/both.csv"
check silicon-ber-and-map 1 "line 2: give exactly one of ber and fault_map" -- "$ftsa" silicon compare --measured "$tmp/both.csv" --model "$lenet"
check silicon-needs-csv 2 "--measured CSV is required" -- "$ftsa" silicon compare
check silicon-bad-sub 2 "expected 'compare'" -- "$ftsa" silicon frobnicate
exit $fail
