#!/bin/sh
# The Python binding from a temporary install: python/test_ftsa.py checks its
# results against the installed CLI's on the same model, faults and images,
# and its campaign point against `ftsa campaign`'s trials.csv.
set -u
build=$1 pysrc=$2 python=$3 cmake=$4
if [ -z "$python" ] || ! "$python" -c "import numpy" 2>/dev/null; then
    echo "skip: no python3 with numpy (Debian: python3-numpy)"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cmake" --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL install"; exit 1; }
ftsa=$tmp/prefix/bin/ftsa
"$ftsa" faults gen --ber 2e-3 --seed 5 --out "$tmp/f.txt" >/dev/null 2>&1 || { echo "FAIL faults gen"; exit 1; }
"$ftsa" run --faults "$tmp/f.txt" --images 200 >"$tmp/run" 2>&1 || { cat "$tmp/run"; echo "FAIL ftsa run"; exit 1; }
ok=$(sed -n 's|^fault-free accuracy .* (\([0-9]*\)/200)|\1|p' "$tmp/run")
bad=$(sed -n 's|^faulty accuracy .* (\([0-9]*\)/200)|\1|p' "$tmp/run")
changed=$(sed -n 's|^predictions changed \([0-9]*\) of 200.*|\1|p' "$tmp/run")
"$ftsa" eval --images 100 >"$tmp/eval" 2>&1 || { cat "$tmp/eval"; echo "FAIL ftsa eval"; exit 1; }
base=$(sed -n 's|^accuracy .* (\([0-9]*\)/100)|\1|p' "$tmp/eval")
# One campaign's point 1 (trials.csv: point,trial,...,correct,accuracy,faults).
"$ftsa" campaign --ber 1e-3,1e-2 --faults flip --tensors weights --per-layer off --trials 3 \
    --images 100 --seed 11 --out "$tmp/camp" --no-report --quiet >"$tmp/camp.log" 2>&1 ||
    { cat "$tmp/camp.log"; echo "FAIL ftsa campaign"; exit 1; }
camp=$(awk -F, '$3 == 1 { c = c sep $9; f = f sep $11; sep = "," } END { print c " " f }' "$tmp/camp/trials.csv")
# Sanitizer builds: the ASan runtime must be loaded before the library.
preload=
if objdump -p "$(find "$tmp/prefix" -name 'libftsa.so.0' | head -1)" | grep -q 'NEEDED.*libasan'; then
    preload=$(gcc -print-file-name=libasan.so)
fi
pydir=$(find "$tmp/prefix" -type d -name dist-packages | head -1)
cd "$tmp" && LD_PRELOAD=$preload PYTHONPATH="$pydir" "$python" "$pysrc/tests/test_ftsa.py" \
    "$tmp/f.txt" "$ok" "$bad" "$changed" "$base" $camp
