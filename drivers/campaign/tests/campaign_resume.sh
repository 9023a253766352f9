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

# Kill at a random moment in [0, 1.2 x run time] and restart, until one run finishes.
RANDOM=${CAMPAIGN_SEED:-7}
killed=0
for ((i = 0; i < 200; i++)); do
    "$ftsa" "${args[@]}" --out "$tmp/run" >/dev/null 2>&1 &
    pid=$!
    delay=$((RANDOM % (ms * 12 / 10 + 1)))
    sleep "$(printf '0.%03d' "$delay")" 2>/dev/null || sleep 0.05
    [ "$delay" -ge 1000 ] && sleep $((delay / 1000))
    if kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null
        killed=$((killed + 1))
        done=0
        [ -f "$tmp/run/trials.csv" ] && done=$(($(wc -l <"$tmp/run/trials.csv") - 1))
        echo "kill $killed after ${delay} ms: $done trials on disk"
        # Every few kills, tear the last line as a crash mid-write would.
        if [ $((killed % 4)) -eq 0 ] && [ -s "$tmp/run/trials.csv" ]; then
            printf '%s' "$(tail -n 1 "$tmp/run/trials.csv" | cut -c1-30)" >>"$tmp/run/trials.csv"
            echo "  tore the last line"
        fi
    else
        wait "$pid"
    fi
    [ "$killed" -ge "$kills" ] && break
done
[ "$killed" -ge "$kills" ] || { echo "FAIL only $killed kills landed"; fail=1; }
"$ftsa" "${args[@]}" --out "$tmp/run" >/dev/null || { echo "FAIL final run"; exit 1; }
for f in trials.csv summary.json; do
    if cmp -s "$tmp/ref/$f" "$tmp/run/$f"; then
        echo "ok   $f identical after $killed kills"
    else
        echo "FAIL $f differs from the uninterrupted run"; diff "$tmp/ref/$f" "$tmp/run/$f" | head; fail=1
    fi
done
exit $fail
