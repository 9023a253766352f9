#!/bin/sh
# The committed rtl/ftsa_regs.vh and drivers/include/ftsa/hw_regs.h must be what
# scripts/gen_hw_regs.py makes of scripts/hw_regs.txt.  usage: check_hw_regs.sh SRC_DIR
set -e
src=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$src/scripts/gen_hw_regs.py" "$src/scripts/hw_regs.txt" "$tmp/ftsa_regs.vh" "$tmp/hw_regs.h"
for pair in "ftsa_regs.vh:rtl/ftsa_regs.vh" "hw_regs.h:drivers/include/ftsa/hw_regs.h"; do
  if ! cmp -s "$tmp/${pair%%:*}" "$src/${pair#*:}"; then
    echo "${pair#*:} is out of date: run scripts/gen_hw_regs.py scripts/hw_regs.txt rtl/ftsa_regs.vh drivers/include/ftsa/hw_regs.h" >&2
    exit 1
  fi
done
echo "generated register files are up to date"
