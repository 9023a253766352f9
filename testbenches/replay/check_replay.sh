#!/bin/sh
# Export a test-vector package with `ftsa export vectors` and replay it on
# ftsa_top with the plain Verilog bench tb_replay.v (docs/vectors.md).
#
# usage: check_replay.sh MODE FTSA SIM SRC WORK N [EXPORT_OPTIONS...]
#   MODE  pass     the replay must pass (outputs, stamps, run lengths, no X)
#         faults   as pass, and the package's expected outputs must differ
#                  from the fault-free package's (the faults matter)
#         corrupt  one expected output word is flipped: the replay must fail
#                  and name that image, layer and word as the first mismatch
#         stall    random host-bus stalls (bench parameter Stall = 7): the
#                  outputs must match; stamps are not compared
#   SIM   icarus:IVERILOG:VVP  or  verilator:VERILATOR
#   WORK  scratch directory (emptied); N the array side
# The manifest's CRC-32s are checked with Python's zlib when python3 exists.
set -eu
mode=$1 ftsa=$2 sim=$3 src=$4 work=$5 n=$6
shift 6
rm -rf "$work"
mkdir -p "$work"
pkg=$work/pkg
"$ftsa" export vectors --array "$n" --out "$pkg" "$@"

if command -v python3 >/dev/null 2>&1; then
  python3 - "$pkg" <<'EOF'
import json, sys, zlib
d = sys.argv[1]
m = json.load(open(d + "/manifest.json"))
for name, f in m["files"].items():
    data = open(d + "/" + name, "rb").read()
    if len(data) != f["bytes"] or "%08x" % zlib.crc32(data) != f["crc32"]:
        sys.exit("manifest: %s does not match its size or CRC-32" % name)
print("manifest: %d files match their CRC-32s (RTL %s)" % (len(m["files"]), m["rtl_revision"]))
EOF
fi

# The expected output words of a package (expect.hex without the stamps).
outputs() {
  awk 'function hex(s,  i, v) { v = 0; s = tolower(s)
         for (i = 1; i <= length(s); i++) v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
         return v }
       FNR == NR { split($0, f, "_"); cnt[n++] = hex(f[2]); next }
       { if (left == 0 && stamps == 0) { left = cnt[l % n]; stamps = 2; l++ }
         if (left > 0) { print; left-- } else stamps-- }' "$1/layout.hex" "$1/expect.hex"
}

if [ "$mode" = faults ]; then
  # The same package without the faults: the faults must change some output.
  skip=0 clean=
  for a in "$@"; do
    if [ $skip = 1 ]; then skip=0; continue; fi
    if [ "$a" = --faults ]; then skip=1; continue; fi
    clean="$clean $a"
  done
  # shellcheck disable=SC2086
  "$ftsa" export vectors --array "$n" --out "$work/clean" $clean >/dev/null
  outputs "$pkg" >"$work/faulty.txt"
  outputs "$work/clean" >"$work/clean.txt"
  changed=$(diff "$work/faulty.txt" "$work/clean.txt" | grep -c '^<' || true)
  if [ "$changed" -eq 0 ]; then
    echo "the fault list changes no expected output word: the test would prove nothing" >&2
    exit 1
  fi
  echo "the faults change $changed expected output words"
fi

hexval() { printf '%d' "0x$1"; }
if [ "$mode" = corrupt ]; then
  # Flip bit 0 of the first output word of the last image's last layer that
  # has output words (layout.hex: host word, words, stamp word, ct).
  images=$(hexval "$(sed -n 5p "$pkg/params.hex")")
  per=0 last=0 off=0 idx=0
  while IFS=_ read -r base words stamp ct; do
    w=$(hexval "$words")
    if [ "$w" -gt 0 ]; then last=$idx off=$per; fi
    per=$((per + w + 2)) idx=$((idx + 1))
  done <"$pkg/layout.hex"
  line=$(( (images - 1) * per + off + 1 ))
  awk -v l="$line" 'NR == l { v = substr($0, 8, 1); d = index("0123456789abcdef", v) - 1;
      d = d % 2 ? d - 1 : d + 1; $0 = substr($0, 1, 7) substr("0123456789abcdef", d + 1, 1) }
      { print }' "$pkg/expect.hex" >"$pkg/expect.tmp"
  mv "$pkg/expect.tmp" "$pkg/expect.hex"
  want="first mismatch: image $((images - 1)), layer $last, output word 0 "
fi

stall=0
[ "$mode" = stall ] && stall=7
case $sim in
  icarus:*)
    iverilog=$(echo "$sim" | cut -d: -f2) vvp=$(echo "$sim" | cut -d: -f3)
    "$iverilog" -g2005 -DFTSA_FAULTS -P tb_replay.ArrayN="$n" -P tb_replay.Stall=$stall -I"$src/rtl" -o "$work/replay.vvp" \
      "$src/testbenches/replay/tb_replay.v" "$src"/rtl/ftsa_*.v
    run() { (cd "$pkg" && "$vvp" -n "$work/replay.vvp"); }
    ;;
  verilator:*)
    verilator=$(echo "$sim" | cut -d: -f2)
    "$verilator" --binary --timing -j 2 -Wno-fatal -Wno-lint -Wno-style -DFTSA_FAULTS -GArrayN="$n" -GStall=$stall \
      -I"$src/rtl" --top-module tb_replay --Mdir "$work/obj" -o replay \
      "$src/testbenches/replay/tb_replay.v" "$src"/rtl/ftsa_*.v >"$work/verilator.log" 2>&1 ||
      { cat "$work/verilator.log" >&2; exit 1; }
    run() { (cd "$pkg" && "$work/obj/replay"); }
    ;;
  *) echo "unknown simulator $sim" >&2; exit 2 ;;
esac

t0=$(date +%s)
run >"$work/replay.log" 2>&1 || true
t1=$(date +%s)
cat "$work/replay.log"
echo "replay took $((t1 - t0)) s"
if [ "$mode" = corrupt ]; then
  grep -q "^replay: FAIL" "$work/replay.log" || { echo "the corrupted package was not caught" >&2; exit 1; }
  grep -q "$want" "$work/replay.log" ||
    { echo "the first mismatch is not the corrupted word ($want)" >&2; exit 1; }
  echo "the corrupted word was caught and named"
else
  grep -q "^replay: PASS" "$work/replay.log" || exit 1
  if [ "$mode" = stall ]; then
    grep -q "random stalls" "$work/replay.log" && grep -q "[1-9][0-9]* of them stalled" "$work/replay.log" ||
      { echo "no stall happened" >&2; exit 1; }
  fi
fi
