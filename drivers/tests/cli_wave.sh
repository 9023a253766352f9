#!/bin/sh
# Waveforms (ftsa eval / ftsa run --trace): the extension picks VCD or FST, a
# trace that cannot be written or has another extension is an error (exit 1,
# nothing run), and the cmodel back end refuses --trace with a reason.
set -u
ftsa=$1
helper=$2
. "$(dirname "$0")/cli_check.sh"
"$helper" --write-model "$tmp/lin.ftsa" || { echo "FAIL cannot write model"; exit 1; }
m="--model $tmp/lin.ftsa --images 1"
# shellcheck disable=SC2086 # $m is split on purpose
{
check vcd 0 "accuracy" -- "$ftsa" eval $m --backend rtl --trace "$tmp/w.vcd"
head -c 200 "$tmp/w.vcd" | grep -q '\$date\|\$version\|\$timescale' && grep -q 'hreq_ready_i' "$tmp/w.vcd" &&
  [ "$(grep -c '^[01]' "$tmp/w.vcd")" -gt 1000 ] && [ ! -e "$tmp/w.vcd.tmp.fst" ] &&
  echo "ok   vcd-is-vcd" || { echo "FAIL vcd-is-vcd: not a VCD with the top's ports and their value changes"; fail=1; }
# Every signal of the GTKWave save file is in the trace (full scope.name).
awk '$1 == "$scope" { sc[++d] = $3 } $1 == "$upscope" { d-- }
     $1 == "$var" { n = sc[1]; for (i = 2; i <= d; i++) n = n "." sc[i]; print n "." $5 }' "$tmp/w.vcd" |
  sort -u >"$tmp/names"
missing=$(grep '^TOP\.' "$(dirname "$0")/../../rtl/ftsa_top.gtkw" | sed 's/\[.*//' | sort -u |
  comm -23 - "$tmp/names")
[ -z "$missing" ] && echo "ok   gtkw-signals" || { echo "FAIL gtkw-signals: not in the trace: $missing"; fail=1; }
check fst 0 "accuracy" -- "$ftsa" eval $m --backend rtl --trace "$tmp/w.fst"
head -c 200 "$tmp/w.fst" | grep -q '\$date\|\$timescale' &&
  { echo "FAIL fst-is-fst: the .fst file is VCD text"; fail=1; } || echo "ok   fst-is-fst"
[ -s "$tmp/w.fst" ] || { echo "FAIL fst-written: empty"; fail=1; }
check bad-dir 1 "cannot create $tmp/none/w.vcd" -- "$ftsa" eval $m --backend rtl --trace "$tmp/none/w.vcd"
check bad-ext 1 "name the file .vcd (VCD) or .fst" -- "$ftsa" eval $m --backend rtl --trace "$tmp/w.txt"
check cmodel 1 "cmodel back end has no signals to trace" -- "$ftsa" eval $m --backend cmodel --trace "$tmp/c.vcd"
[ ! -e "$tmp/c.vcd" ] && echo "ok   cmodel-writes-nothing" || { echo "FAIL cmodel-writes-nothing"; fail=1; }
printf 'flip weight 0 0\n' >"$tmp/f.txt"
check run-trace 0 "predictions changed" -- "$ftsa" run $m --backend rtl --faults "$tmp/f.txt" --trace "$tmp/r.fst"
[ -s "$tmp/r.fst" ] && echo "ok   run-trace-written" || { echo "FAIL run-trace-written"; fail=1; }
check run-cmodel 1 "no signals to trace" -- "$ftsa" run $m --faults "$tmp/f.txt" --trace "$tmp/r.vcd"
}
exit $fail
