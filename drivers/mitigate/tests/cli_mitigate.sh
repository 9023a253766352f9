#!/bin/sh
# ftsa mitigate and ftsa compare-mitigations from the command line: usage
# errors exit 2 (also bad SRAM words), Ranger keeps the
# accuracy, a small FT-ClipAct search and FitAct run are byte-identical when
# repeated (determinism for a seed), and a small comparison writes its report,
# resumes without rerunning anything, and refuses a variant of another shape;
# the protected models in models/ stay within 1 point of the unprotected one.
set -u
ftsa=$1
# shellcheck source=drivers/tests/cli_check.sh
. "$(dirname "$0")/../../tests/cli_check.sh"
m="$(dirname "$0")/../../../models"

check help 0 "FitAct" -- "$ftsa" mitigate --help
check no-method 2 "a METHOD is required" -- "$ftsa" mitigate
check bad-method 2 "unknown method 'clip'" -- "$ftsa" mitigate clip --out "$tmp/x.ftsa"
check no-out 2 "--out FILE is required" -- "$ftsa" mitigate ranger
check bad-option 2 "unknown option '--frob'" -- "$ftsa" mitigate ranger --frob 1 --out "$tmp/x"
check bad-ber 2 "key 'ber'" -- "$ftsa" mitigate clipact --ber 2 --out "$tmp/x"
check bad-space 2 "key 'space': 'disk'" -- "$ftsa" mitigate clipact --space disk --out "$tmp/x"
check bad-words 2 "key 'words'" -- "$ftsa" mitigate clipact --space sram --words 9-99999 --out "$tmp/x"
check bad-model 1 "nope.ftsa" -- "$ftsa" mitigate ranger --model "$tmp/nope.ftsa" --out "$tmp/x"

# A model profiled on a few images, so that each command below need not profile 5000.
check profile 0 "" -- "$ftsa" profile --images 300 --out "$tmp/p.ftsa"
check ranger 0 "4 threshold bytes" -- "$ftsa" mitigate ranger --out "$tmp/ranger.ftsa" \
    --model "$tmp/p.ftsa" --images 200

ca="--model $tmp/p.ftsa --iters 2 --images 40 --trials 1 --ber 1e-3,3e-2 --quiet"
# shellcheck disable=SC2086 # $ca is a list of options
for i in 1 2; do
    check "clipact-$i" 0 "clip, layer thresholds" -- "$ftsa" mitigate clipact $ca --out "$tmp/ca$i.ftsa"
done
cmp -s "$tmp/ca1.ftsa" "$tmp/ca2.ftsa" || { echo "FAIL clipact not deterministic"; fail=1; }
fa="--model $tmp/p.ftsa --epochs 1 --train-images 300 --images 200 --quiet"
# shellcheck disable=SC2086
for i in 1 2; do
    check "fitact-$i" 0 "neuron thresholds (4704)" -- "$ftsa" mitigate fitact $fa --out "$tmp/fa$i.ftsa"
done
cmp -s "$tmp/fa1.ftsa" "$tmp/fa2.ftsa" || { echo "FAIL fitact not deterministic"; fail=1; }
# shellcheck disable=SC2086
check fitact-channel 0 "channel thresholds (6)" -- \
    "$ftsa" mitigate fitact $fa --per-channel --out "$tmp/fc.ftsa"

small="--images 10 --ber 1e-3,1e-2 --trials 2 --quiet"
# shellcheck disable=SC2086
check compare-one 2 "at least two --variant" -- \
    "$ftsa" compare-mitigations --variant a="$m/lenet5.ftsa" $small --out "$tmp/c"
# shellcheck disable=SC2086
check compare-bad-name 2 "names take letters" -- \
    "$ftsa" compare-mitigations --variant "a b=$m/lenet5.ftsa" $small --out "$tmp/c"
# shellcheck disable=SC2086
check compare 0 "report $tmp/c/report.html" -- "$ftsa" compare-mitigations \
    --variant plain="$m/lenet5.ftsa" --variant ranger="$tmp/ranger.ftsa" \
    --variant fitact="$tmp/fa1.ftsa" $small --out "$tmp/c"
for f in report.html compare.json compare.dat plain/trials.csv fitact/summary.json; do
    [ -s "$tmp/c/$f" ] || { echo "FAIL compare wrote no $f"; fail=1; }
done
grep -q '"threshold_bytes": 6508' "$tmp/c/compare.json" || { echo "FAIL threshold bytes"; fail=1; }
cp "$tmp/c/compare.json" "$tmp/first.json"
# shellcheck disable=SC2086
check compare-again 0 "" -- "$ftsa" compare-mitigations \
    --variant plain="$m/lenet5.ftsa" --variant ranger="$tmp/ranger.ftsa" \
    --variant fitact="$tmp/fa1.ftsa" $small --out "$tmp/c"
cmp -s "$tmp/c/compare.json" "$tmp/first.json" || { echo "FAIL rerun changed the results"; fail=1; }
# shellcheck disable=SC2086
check compare-shape 2 "did not run the same fault lists" -- "$ftsa" compare-mitigations \
    --variant lenet="$m/lenet5.ftsa" --variant mlp="$m/mlp.ftsa" $small --out "$tmp/d"
# The shipped protected models (and the Ranger model just made) stay within 1 point of the
# unprotected one on the first 1000 test images (docs/mitigations.md has the 10,000-image figures).
correct() { "$ftsa" eval --model "$1" --images 1000 | sed -n 's/^accuracy .*(\([0-9]*\)\/1000)$/\1/p'; }
base=$(correct "$m/lenet5.ftsa")
for f in "$m/lenet5_ranger.ftsa" "$m/lenet5_clipact.ftsa" "$m/lenet5_fitact.ftsa" \
    "$m/lenet5_fitact_ch.ftsa" "$tmp/ranger.ftsa"; do
    c=$(correct "$f")
    if [ -z "$c" ] || [ -z "$base" ] || [ $((c - base)) -gt 10 ] || [ $((base - c)) -gt 10 ]; then
        echo "FAIL $f: $c correct against $base unprotected"; fail=1
    else
        echo "ok   $f: $c/1000 correct (unprotected $base)"
    fi
done
exit "$fail"
