#!/bin/bash
# Resume: a campaign killed with SIGKILL at random moments (at least 10 times)
# and restarted with the same command ends with trials.csv and summary.json
# byte-identical to an uninterrupted run.  A torn last line is dropped.
set -u
ftsa=$1
helper=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$helper" --write-model "$tmp/m.ftsa" 11 || { echo "FAIL cannot write model"; exit 1; }
args=(campaign --model "$tmp/m.ftsa" --images 12 --ber "1e-3, 3e-3, 1e-2, 3e-2" --trials 5
      --seed 42 --quiet --no-report)
kills=${CAMPAIGN_KILLS:-12}
fail=0

start=$(date +%s%N)
"$ftsa" "${args[@]}" --out "$tmp/ref" >/dev/null || { echo "FAIL reference run"; exit 1; }
ms=$((($(date +%s%N) - start) / 1000000))
[ "$ms" -ge 20 ] || ms=20
total=$(($(wc -l <"$tmp/ref/trials.csv") - 1))
echo "reference run: $total trials in $ms ms"

# Rounds: start, kill at a random moment within one run time, restart, ...
# until a run finishes; then compare with the reference and start a fresh
# round, until enough kills have landed while trials were still pending.
RANDOM=${CAMPAIGN_SEED:-7}
killed=0 rounds=0
# Still running (not a zombie waiting to be reaped)?
running() {
    local state
    state=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -c1)
    [ -n "$state" ] && [ "$state" != "Z" ]
}
compare() {
    for f in trials.csv summary.json; do
        if ! cmp -s "$tmp/ref/$f" "$tmp/run/$f"; then
            echo "FAIL $f differs from the uninterrupted run (round $rounds)"
            diff "$tmp/ref/$f" "$tmp/run/$f" | head; fail=1
        fi
    done
}
for ((i = 0; i < 400 && killed < kills; i++)); do
    "$ftsa" "${args[@]}" --out "$tmp/run" >/dev/null 2>&1 &
    pid=$!
    delay=$((RANDOM % (ms + 1)))
    sleep "$((delay / 1000)).$(printf '%03d' $((delay % 1000)))"
    if running "$pid" && kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        n=0
        [ -f "$tmp/run/trials.csv" ] && n=$(($(wc -l <"$tmp/run/trials.csv") - 1))
        [ "$n" -lt "$total" ] && killed=$((killed + 1))
        echo "round $rounds: killed after $delay ms, $n of $total trials on disk"
        # Now and then tear the last line, as a crash in the middle of a write would.
        if [ $((i % 3)) -eq 2 ] && [ "$n" -gt 0 ]; then
            printf '%s' "$(tail -n 1 "$tmp/run/trials.csv" | cut -c1-30)" >>"$tmp/run/trials.csv"
            echo "  tore the last line"
        fi
    else
        wait "$pid" || { echo "FAIL restarted run failed"; fail=1; }
        compare
        echo "round $rounds: finished, results identical"
        rounds=$((rounds + 1))
        rm -rf "$tmp/run"
    fi
done
[ "$killed" -ge "$kills" ] || { echo "FAIL only $killed kills landed mid-campaign"; fail=1; }
"$ftsa" "${args[@]}" --out "$tmp/run" >/dev/null || { echo "FAIL final run"; exit 1; }
compare
[ "$fail" -eq 0 ] && echo "ok   trials.csv and summary.json identical after $killed kills in $((rounds + 1)) rounds"
exit $fail
