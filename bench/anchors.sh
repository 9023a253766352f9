#!/bin/sh
# ftsa's speed beside the PyTorch anchors (../shared/anchors/pytorch: int8
# oneDNN inference, PyTorchFI-style weight-flip trials), interleaved in one
# run on one core each, with the ratios.  Rounds alternate ftsa and PyTorch so
# a ratio compares runs made seconds apart on a shared machine.
#   usage: bench/anchors.sh BUILD PT_WORK [ROUNDS=3] [TRIALS=100]
#   BUILD: a Release build of this repo; PT_WORK: a directory holding the
#   anchors' .py files and lenet5_fp32.pt (see the anchors' README: train1.py).
# Figures: reference model images/s (bench_cmodel, one thread) vs int8 oneDNN
# batch 256; fault trials/s of `ftsa campaign` (1000 images, weight flips in
# all layers, BER 1e-4, --threads 1, per-trial cost from two campaign lengths
# so start-up and the baseline cancel) vs fi.py (int8, sparse draw).
set -u
B=$1 PW=$2 N=${3:-3} T=${4:-100}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
M=$ROOT/models/lenet5.ftsa
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
camp() { # TRIALS -> wall seconds
    s=$(date +%s.%N)
    "$B/ftsa" campaign --model "$M" --per_layer off --ber 1e-4 --trials "$1" --images 1000 \
        --threads 1 --out "$OUT/camp" --fresh --no-report --quiet >/dev/null || echo "campaign failed" >&2
    e=$(date +%s.%N)
    echo "$e - $s" | bc -l
}
for r in $(seq 1 "$N"); do
    echo "== round $r $(date -u +%T) load $(cut -d' ' -f1 /proc/loadavg)"
    ours=$("$B/bench/bench_cmodel" "$M" 10000 3 2 | sed -n 's/^C model, 1 core, image by image: \([0-9]*\) .*/\1/p')
    pt=$(cd "$PW" && PT_WORK=$PW /usr/bin/python3 pt_infer.py onednn 10000 1 2>/dev/null | tail -1 |
        /usr/bin/python3 -c 'import json,sys; print(round(json.load(sys.stdin)["int8_onednn_bs256"]["img_per_s_median"]))')
    echo "reference model: ftsa $ours images/s, PyTorch int8 oneDNN batch 256 $pt images/s: $(echo "$ours / $pt" | bc -l | cut -c1-5)x"
    t0=$(camp 10)
    t1=$(camp $((T + 10)))
    ftr=$(echo "$T / ($t1 - $t0)" | bc -l | cut -c1-7)
    fi=$(cd "$PW" && PT_WORK=$PW /usr/bin/python3 fi.py "$T" sparse 1e-4 1 2>/dev/null | head -1 |
        /usr/bin/python3 -c 'import json,sys; print(round(json.load(sys.stdin)["trials_per_s"], 2))')
    echo "fault trials (1000 images, BER 1e-4): ftsa $ftr trials/s, PyTorchFI-style $fi trials/s: $(echo "$ftr / $fi" | bc -l | cut -c1-5)x"
done
echo "command: $0 $B $PW $N $T"
