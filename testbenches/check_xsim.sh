#!/bin/sh
# Icarus Verilog runs the same command stream as the Verilated RTL and leaves
# the same host memory (every layer's output and every cycle stamp) with no X,
# at N = 8 (with and without FTSA_FAULTS: the fault ports do not change
# fault-free timing) and N = 16 (a packed convolution with 2 * taps <= N, whose
# idle array rows once read X); then once more at N = 8 with random bus stalls:
# the same outputs, and RUN_CYCLES - STALL_CYCLES is the zero-wait run length.
# With "axi": the same through rtl/ftsa_axi_top.v and the AXI BFMs of
# tb_axi.v at N = 8, with a zero-wait AXI memory and with random stalls (the
# wrapper's CSR writes take two cycles, so stamps are left out there).
# usage: check_xsim.sh native|axi PREP_EXE IVERILOG VVP SRC_DIR WORK_DIR SEED8 SEED16
#        (SEED8, SEED16: netgen seeds of the networks at N = 8 and 16)
set -e
mode=$1 prep=$2 iverilog=$3 vvp=$4 src=$5 work=$6 seed8=$7 seed16=$8

# keep MODE FILE: the words of a hex file, the stamp words (indices in file
# stamps) left out when MODE is nostamps.
keep() {
  grep -v '^//' "$2" | tr 'A-F' 'a-f' |
    if [ "$1" = nostamps ]; then awk 'NR == FNR { s[$1 + 1] = 1; next } !(FNR in s)' stamps -
    else cat; fi
}

# run N DEFINE STALL_SEED [BENCH]
run() {
  tb=${4:-tb_xsim}
  "$iverilog" -g2005 $2 -s $tb -P$tb.ArrayN=$1 -I"$src/rtl" -I"$src/testbenches" -o xsim.vvp \
    "$src/testbenches/$tb.v" "$src"/rtl/ftsa_*.v
  rm -f result.hex
  "$vvp" -n xsim.vvp $(cat args) +stall=$3
  cmpmode=all
  if [ "$3" != 0 ] || [ $tb = tb_axi ]; then cmpmode=nostamps; fi
  if [ ! -f result.hex ]; then
    echo "Icarus $tb (N=$1 $2 stall $3) failed (message above)" >&2
    exit 1
  fi
  keep $cmpmode result.hex > got.txt
  keep $cmpmode expect.hex > want.txt
  if ! cmp -s got.txt want.txt; then
    echo "Icarus $tb (N=$1 $2 stall $3) and Verilator disagree" >&2
    exit 1
  fi
  echo "Icarus $tb (N=$1 $2 stall $3) matches Verilator word for word, no X"
}

mkdir -p "$work/n8" "$work/n16"
cd "$work/n8"
"$prep" 8 "$seed8" .
if [ "$mode" = axi ]; then
  run 8 -DFTSA_PLAIN 0 tb_axi
  run 8 -DFTSA_PLAIN 5 tb_axi
  exit 0
fi
run 8 -DFTSA_PLAIN 0
run 8 -DFTSA_FAULTS 0
run 8 -DFTSA_PLAIN 7
cd "$work/n16"
"$prep" 16 "$seed16" .
run 16 -DFTSA_PLAIN 0
