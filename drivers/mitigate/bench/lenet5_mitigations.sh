#!/bin/sh
# The LeNet-5 mitigation comparison of docs/mitigations.md, end to end:
#   drivers/mitigate/bench/lenet5_mitigations.sh [FTSA] [OUT]
# builds the Ranger, FT-ClipAct, FitAct (per neuron) and FitAct (per channel)
# models with the default options, prints each step's wall time, then runs
# ftsa compare-mitigations on them and the unprotected model.  A benchmark:
# it prints figures, it never fails a build.  Run from the repository root.
set -eu
ftsa=${1:-build/ftsa}
out=${2:-build/mitigations}
model=models/lenet5.ftsa
export OPENBLAS_NUM_THREADS=1
mkdir -p "$out"
step() {
    name=$1
    shift
    t0=$(date +%s.%N)
    "$@" >"$out/$name.log" 2>&1
    t1=$(date +%s.%N)
    printf '%-16s %7.1f s   %s\n' "$name" "$(awk "BEGIN { print $t1 - $t0 }")" "$*"
}
step ranger "$ftsa" mitigate ranger --model "$model" --out "$out/ranger.ftsa"
step clipact "$ftsa" mitigate clipact --model "$model" --out "$out/clipact.ftsa"
step fitact "$ftsa" mitigate fitact --model "$model" --out "$out/fitact.ftsa"
step fitact-channel "$ftsa" mitigate fitact --per-channel --model "$model" --out "$out/fitact_ch.ftsa"
for m in "$model" "$out/ranger.ftsa" "$out/clipact.ftsa" "$out/fitact.ftsa" "$out/fitact_ch.ftsa"; do
    printf '%-28s %s\n' "$m" "$("$ftsa" eval --model "$m" | grep accuracy)"
done
step compare "$ftsa" compare-mitigations --variant unprotected="$model" \
    --variant ranger="$out/ranger.ftsa" --variant ft-clipact="$out/clipact.ftsa" \
    --variant fitact="$out/fitact.ftsa" --variant fitact-channel="$out/fitact_ch.ftsa" \
    --trials 20 --images 2000 --out "$out/cmp"
grep -v "^compare-mitigations:" "$out/compare.log"
