#!/bin/sh
# ctest fst_toggles_counts: run tb_toggles.v under Icarus with an FST dump and
# compare fst_toggles' counts with the ones the testbench makes by design.
# usage: toggles_test.sh IVERILOG VVP FST_TOGGLES TESTS_DIR
set -eu
iverilog=$1 vvp=$2 toggles=$3 dir=$4
"$iverilog" -g2005 -o tb_toggles.vvp "$dir/tb_toggles.v"
"$vvp" -n tb_toggles.vvp -fst > /dev/null
"$toggles" tb_toggles.fst > tb_toggles.tsv
expect() {
  if ! grep -q "^tb_toggles	$1	$2	$3	$4\$" tb_toggles.tsv; then
    echo "FAIL: expected $1 width $2 toggles $3 high $4, got:"; cat tb_toggles.tsv; exit 1
  fi
}
expect clk 1 32 80
expect count_q 4 30 0
expect en_q 1 2 161
echo PASS
