#!/bin/sh
# Icarus Verilog runs the same command stream as the Verilated RTL and leaves
# the same host memory (every layer's output and every cycle stamp), with and
# without FTSA_FAULTS: the design simulates the same on both simulators and the
# fault ports do not change fault-free timing.
# usage: check_xsim.sh PREP_EXE IVERILOG VVP SRC_DIR WORK_DIR SEED (a netgen seed)
set -e
prep=$1 iverilog=$2 vvp=$3 src=$4 work=$5 seed=$6
mkdir -p "$work"
cd "$work"
"$prep" 8 "$seed" .
for def in -DFTSA_PLAIN -DFTSA_FAULTS; do
  "$iverilog" -g2005 $def -I"$src/rtl" -o xsim.vvp "$src/testbenches/tb_xsim.v" "$src"/rtl/ftsa_*.v
  rm -f result.hex
  "$vvp" -n xsim.vvp $(cat args)
  # $writememh adds address comments; the words themselves must be identical.
  if ! grep -v '^//' result.hex | tr 'A-F' 'a-f' | cmp -s - expect.hex; then
    echo "Icarus ($def) and Verilator disagree" >&2
    exit 1
  fi
  echo "Icarus ($def) matches Verilator word for word"
done
