#!/bin/sh
# ctest fst_toggles_counts: run tb_toggles.v under Icarus with an FST dump and
# compare fst_toggles' counts with the ones the testbench makes by design: over
# the whole trace, over two windows split at t = 56 (a rising clock edge and a
# counter step, which belong to the first window), and the change list of en_q.
# usage: toggles_test.sh IVERILOG VVP FST_TOGGLES TESTS_DIR
set -eu
iverilog=$1 vvp=$2 toggles=$3 dir=$4
"$iverilog" -g2005 -o tb_toggles.vvp "$dir/tb_toggles.v"
"$vvp" -n tb_toggles.vvp -fst > /dev/null
fail() {
  echo "FAIL: $1, got:"; cat "$2"; exit 1
}
# expect FILE SIGNAL WIDTH TOGGLES HIGH RISES
expect() {
  grep -q "^tb_toggles	$2	$3	$4	$5	$6\$" "$1" ||
    fail "expected $2 width $3 toggles $4 high $5 rises $6 in $1" "$1"
}
"$toggles" tb_toggles.fst > tb_toggles.tsv
expect tb_toggles.tsv clk 1 32 80 16
expect tb_toggles.tsv count_q 4 30 0 0
expect tb_toggles.tsv en_q 1 2 161 1

# Counter steps at t = 6, 16, .. 156: 0 -> 6 by t = 56 (10 bit toggles), 5 -> 10
# in (50, 100] (10); the clock is high in [10k + 6, 10k + 11).
"$toggles" --to 56 tb_toggles.fst > tb_toggles_a.tsv
grep -q "^# from=0 to=56 end_time=166 " tb_toggles_a.tsv || fail "window header" tb_toggles_a.tsv
expect tb_toggles_a.tsv clk 1 11 25 6
expect tb_toggles_a.tsv count_q 4 10 0 0
expect tb_toggles_a.tsv en_q 1 1 55 1
"$toggles" --from 56 tb_toggles.fst > tb_toggles_b.tsv
grep -q "^# from=56 to=166 end_time=166 " tb_toggles_b.tsv || fail "window header" tb_toggles_b.tsv
expect tb_toggles_b.tsv clk 1 21 55 10
expect tb_toggles_b.tsv count_q 4 20 0 0
expect tb_toggles_b.tsv en_q 1 1 106 0
"$toggles" --from 50 --to 100 tb_toggles.fst > tb_toggles_c.tsv
expect tb_toggles_c.tsv clk 1 10 25 5
expect tb_toggles_c.tsv count_q 4 10 0 0
expect tb_toggles_c.tsv en_q 1 0 50 0

"$toggles" --changes tb_toggles.en_q tb_toggles.fst > tb_toggles_en.tsv
printf '0\t0\n1\t1\n162\t0\n' | cmp -s - tb_toggles_en.tsv ||
  fail "expected en_q changes 0 0, 1 1, 162 0" tb_toggles_en.tsv
if "$toggles" --changes tb_toggles.none tb_toggles.fst > /dev/null 2>&1; then
  echo "FAIL: --changes of a missing variable succeeded"; exit 1
fi
if "$toggles" --from 9 --to 3 tb_toggles.fst > /dev/null 2>&1; then
  echo "FAIL: an empty window was accepted"; exit 1
fi
echo PASS
