#!/bin/sh
# verilator --lint-only -Wall on the SECDED ECC at several widths (one of them
# a perfect code) and on every clip-cost variant.  usage: lint.sh VERILATOR RTL_DIR
set -eu
verilator=$1
rtl=$2
for w in 11 32 64 96 128 256; do
  for m in enc dec; do
    "$verilator" --lint-only -Wall -I"$rtl/ecc" "$rtl/ecc/ftsa_secded_$m.v" -GDataW=$w
  done
done
for v in "1 0" "2 0" "3 0" "2 1" "3 1" "2 2" "3 2" "0 3"; do
  set -- $v
  "$verilator" --lint-only -Wall -I"$rtl" "$rtl/cost/ftsa_cost_clip.v" "$rtl/ftsa_clip.v" \
    -GMode=$1 -GThrSrc=$2
done
echo "lint clean"
