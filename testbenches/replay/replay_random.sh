#!/bin/sh
# Replay random networks (vec_netgen) with random inputs (check_replay.sh).
# usage: replay_random.sh MODE NETGEN SIZE CHECK_REPLAY FTSA SIM SRC WORK N SEED...
#   MODE: pass, corrupt or stall (check_replay.sh); SIZE: small or default (vec_netgen's sizes)
set -eu
mode=$1 netgen=$2 size=$3 check=$4 ftsa=$5 sim=$6 src=$7 work=$8 n=$9
shift 9
mkdir -p "$work"
for seed in "$@"; do
  if [ "$size" = small ]; then "$netgen" "$seed" "$work/net$seed.ftsa" small
  else "$netgen" "$seed" "$work/net$seed.ftsa"; fi
  log=$work/s$seed.log
  "$check" "$mode" "$ftsa" "$sim" "$src" "$work/s$seed" "$n" --model "$work/net$seed.ftsa" \
    --images 2 --inputs random --seed "$seed" >"$log" 2>&1 || { cat "$log"; exit 1; }
  grep '^replay: PASS\|first mismatch\|caught\|took' "$log"
done
