#!/bin/bash
# ftsa campaign from the command line: config errors name file, line and key
# (exit 2), a small campaign writes every output, a rerun changes nothing,
# another campaign in the same directory is refused.
set -u
ftsa=$1
helper=$2
. "$(dirname "$0")/../../tests/cli_check.sh"
"$helper" --write-model "$tmp/m.ftsa" || { echo "FAIL cannot write model"; exit 1; }
small=(--model "$tmp/m.ftsa" --images 10 --ber "1e-3, 1e-2" --trials 3 --quiet)

check help 0 "per_layer on|off" -- "$ftsa" campaign --help
printf 'model = %s\n# comment\ntrails = 5\n' "$tmp/m.ftsa" >"$tmp/typo.cfg"
check unknown-key 2 "typo.cfg:3: unknown key 'trails'" -- "$ftsa" campaign "$tmp/typo.cfg"
printf 'ber = 0.5, 2\n' >"$tmp/ber.cfg"
check bad-ber 2 "ber.cfg:1: key 'ber': 2 is not a bit error rate" -- "$ftsa" campaign "$tmp/ber.cfg"
printf 'images 10\n' >"$tmp/noeq.cfg"
check no-equals 2 "noeq.cfg:1: expected 'key = value'" -- "$ftsa" campaign "$tmp/noeq.cfg"
check missing-config 2 "nope.cfg: cannot open" -- "$ftsa" campaign "$tmp/nope.cfg"
check bad-flag-value 2 "command line (--trials): key 'trials'" -- "$ftsa" campaign --trials lots
check unknown-flag 2 "unknown option '--frobnicate'" -- "$ftsa" campaign --frobnicate 1
check bad-layer 2 "key 'layers': the network has no layer 40" -- \
    "$ftsa" campaign "${small[@]}" --layers 40 --out "$tmp/x"
check too-many-images 2 "keys 'first' and 'images'" -- \
    "$ftsa" campaign "${small[@]}" --first 9995 --out "$tmp/x"
check dry-run 0 "6 curves x 2 rates = 12 points, 36 trials" -- \
    "$ftsa" campaign "${small[@]}" --dry-run --out "$tmp/x"
[ -e "$tmp/x" ] && { echo "FAIL dry run created the output directory"; fail=1; }
check sram-dry-run 0 "flip weight SRAM, 6400 sites" -- \
    "$ftsa" campaign "${small[@]}" --space sram --words 0-99 --dry-run --out "$tmp/x"
check sram-bad-memory 2 "key 'memory': 'dram'" -- "$ftsa" campaign --space sram --memory dram
check sram-bad-words 2 "key 'words': 5-99999 outside the weight SRAM" -- \
    "$ftsa" campaign "${small[@]}" --space sram --words 5-99999 --out "$tmp/x"

# Flags override the file: the file asks for 7 trials, the flag for 3.
printf 'trials = 7\nper_layer = off\nout = %s\n' "$tmp/a" >"$tmp/ok.cfg"
check runs 0 "^flip weights all  " -- "$ftsa" campaign "$tmp/ok.cfg" "${small[@]/--quiet/--no-report}"
[ -e "$tmp/a/report.html" ] && { echo "FAIL --no-report wrote report.html"; fail=1; }
check runs-report 0 "" -- "$ftsa" campaign "$tmp/ok.cfg" "${small[@]}"
# Not a terminal: plain log lines with the count and an ETA, no carriage returns.
check log-lines 0 "^campaign: 36/36 trials (100%), .* trials/s, ETA" -- \
    "$ftsa" campaign "${small[@]/--quiet/--no-report}" --out "$tmp/log"
grep -q $'\r' "$tmp/out" && { echo "FAIL progress wrote carriage returns to a pipe"; fail=1; }
for f in trials.csv summary.json report.html campaign.cfg; do
    [ -s "$tmp/a/$f" ] || { echo "FAIL missing $f"; fail=1; }
done
if command -v gnuplot >/dev/null; then
    for f in accuracy.svg accuracy.png tolerance.svg; do
        [ -s "$tmp/a/$f" ] || { echo "FAIL missing $f"; fail=1; }
    done
    grep -q "<svg" "$tmp/a/report.html" || { echo "FAIL report does not embed the SVG"; fail=1; }
fi
rows=$(($(wc -l <"$tmp/a/trials.csv") - 1))
[ "$rows" -eq 6 ] || { echo "FAIL trials.csv has $rows rows, want 1 curve x 2 rates x 3 trials"; fail=1; }
grep -q '"trials": 6' "$tmp/a/summary.json" || { echo "FAIL summary.json trial count"; fail=1; }
cp "$tmp/a/trials.csv" "$tmp/trials.before"
check rerun 0 "" -- "$ftsa" campaign "$tmp/ok.cfg" "${small[@]}"
cmp -s "$tmp/a/trials.csv" "$tmp/trials.before" || { echo "FAIL rerun changed trials.csv"; fail=1; }
if command -v flock >/dev/null; then
    check locked 1 "another ftsa campaign is running in this directory" -- \
        flock "$tmp/a/.lock" "$ftsa" campaign "$tmp/ok.cfg" "${small[@]}"
fi
check other-campaign 1 "holds trials of another campaign" -- \
    "$ftsa" campaign "$tmp/ok.cfg" "${small[@]}" --seed 2
check fresh 0 "" -- "$ftsa" campaign "$tmp/ok.cfg" "${small[@]}" --seed 2 --fresh
mkdir -p "$tmp/d" && echo garbage >"$tmp/d/trials.csv"
check damaged 1 "trials.csv: not a campaign trials file" -- \
    "$ftsa" campaign "${small[@]}" --out "$tmp/d"
exit $fail
