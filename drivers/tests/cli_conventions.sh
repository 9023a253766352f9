#!/bin/sh
# CLI conventions (issue 22): --version, `ftsa help CMD`, --help of every
# subcommand, one option parser with "ftsa CMD:" messages, exit 2 for usage
# errors and 1 for run-time failures, outputs checked before the work, -q/-v
# progress on stderr, --json, and the number formats of tables and configs.
set -u
ftsa=$1
python=${2:-}
. "$(dirname "$0")/cli_check.sh"
lenet=$(dirname "$0")/../../models/lenet5.ftsa

check version 0 "^ftsa [0-9][0-9.]*$" -- "$ftsa" --version
grep -q "^rtl sha256:[0-9a-f]\{16\} ([0-9]* files in rtl/)$" "$tmp/out" && grep -q "^build " "$tmp/out" &&
    grep -q "^back ends cmodel" "$tmp/out" && echo "ok   version-lines" || { echo "FAIL version-lines"; cat "$tmp/out"; fail=1; }
check help-cmd 0 "^usage: ftsa eval " -- "$ftsa" help eval
check help-sub 0 "^usage: ftsa trace record" -- "$ftsa" help trace diff
check help-unknown 2 "ftsa help: unknown command 'nope'" -- "$ftsa" help nope
# Every command the top-level help lists, and every subcommand, answers --help with exit 0.
cmds=$("$ftsa" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
[ "$(echo "$cmds" | wc -w)" -ge 10 ] && echo "ok   command-list" || { echo "FAIL command-list: $cmds"; fail=1; }
for c in $cmds "faults gen" "trace record" "trace diff" "trace show"; do
    first=${c%% *}
    # shellcheck disable=SC2086 # $c is one or two words
    check "help-$first" 0 "^usage: ftsa $first" -- "$ftsa" $c --help
    # shellcheck disable=SC2086
    check "help-cmd-$first" 0 "^usage: ftsa $first" -- "$ftsa" help $c
done

# One parser: the same messages, prefixed "ftsa CMD:", from every command; exit 2.
for c in eval run perf profile train campaign compare-mitigations "mitigate ranger" "faults gen" \
         "trace record" "trace show" "trace diff"; do
    name=$(echo "$c" | tr ' ' -)
    # shellcheck disable=SC2086
    check "unknown-opt-$name" 2 "^ftsa ${c%% ranger}: unknown option '--frob' (see 'ftsa help ${c%% ranger}')" -- "$ftsa" $c --frob
    grep -q "unrecognized option" "$tmp/out" && { echo "FAIL $name: getopt's own message"; fail=1; }
done
check needs-value 2 "^ftsa eval: option '--images' needs a value$" -- "$ftsa" eval --images
check needs-value-mitigate 2 "^ftsa mitigate: option '--out' needs a value$" -- "$ftsa" mitigate ranger --out
check needs-value-campaign 2 "^ftsa campaign: option '--seed' needs a value$" -- "$ftsa" campaign --seed
check short-unknown 2 "^ftsa eval: unknown option '-x'" -- "$ftsa" eval -x
# --opt=value and options after operands, also where a hand loop used to parse.
check mitigate-eq 1 "^ftsa mitigate: --out: cannot create $tmp/no/x.ftsa: directory $tmp/no does not exist" -- \
    "$ftsa" mitigate --out="$tmp/no/x.ftsa" ranger
check unknown-sub 2 "^ftsa trace: unknown subcommand 'frob'" -- "$ftsa" trace frob

# Usage errors exit 2: unknown back ends, images outside the test set.
for c in "eval:eval" "run:run --faults $tmp/none.txt" "trace record:trace record --out $tmp/t.trc" \
         "campaign:campaign" "mitigate:mitigate ranger --out $tmp/m.ftsa"; do
    name=${c%%:*}
    # shellcheck disable=SC2086
    check "backend-$name" 2 "^ftsa $name: unknown back end 'nope' (this build has: cmodel" -- "$ftsa" ${c#*:} --backend nope
done
"$ftsa" faults gen --model "$lenet" --ber 1e-3 --seed 3 --out "$tmp/f.txt" 2>/dev/null
check run-range 2 "^ftsa run: --first 9990 --images 100: images 9990..10089 requested, the test set has 10000" -- \
    "$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --first 9990 --images 100
check run-range-ok 0 "images 9990..9999" -- "$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --first 9990 --images 10

# Outputs are checked before the work: no results printed, exit 1.
check per-image-dir 1 "^ftsa run: --per-image: cannot create /no/such/dir/x.csv: directory /no/such/dir does not exist" -- \
    "$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --images 10000 --per-image /no/such/dir/x.csv
grep -q "accuracy" "$tmp/out" && { echo "FAIL per-image-dir: ran before failing"; fail=1; }
check per-image-isdir 1 "^ftsa run: --outcomes: $tmp is a directory" -- \
    "$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --outcomes "$tmp"
check train-out 1 "^ftsa train: --out: cannot create /no/such/m.ftsa" -- "$ftsa" train --out /no/such/m.ftsa

# Progress on stderr: none by default for a short run, from the start with -v, never with -q.
"$ftsa" eval --model "$lenet" --images 300 >"$tmp/o" 2>"$tmp/e"
[ ! -s "$tmp/e" ] && echo "ok   short-run-silent" || { echo "FAIL short-run-silent"; cat "$tmp/e"; fail=1; }
"$ftsa" eval --model "$lenet" --images 300 -v >"$tmp/o" 2>"$tmp/e"
grep -q "^eval: 300/300 images (100%), .* images/s, ETA 0 s$" "$tmp/e" && grep -q "^eval: [0-9]\{1,3\}/300 images ([0-9]\{1,2\}%)" "$tmp/e" &&
    ! grep -q "images" "$tmp/o" && echo "ok   verbose-progress" || { echo "FAIL verbose-progress"; cat "$tmp/e"; fail=1; }
"$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --images 100 -v >"$tmp/o" 2>"$tmp/e"
grep -q "^run: 200/200 inferences (100%)" "$tmp/e" && echo "ok   run-progress" || { echo "FAIL run-progress"; cat "$tmp/e"; fail=1; }
"$ftsa" eval --model "$lenet" --images 300 -q -v -q >"$tmp/o" 2>"$tmp/e"
[ ! -s "$tmp/e" ] && grep -q "accuracy" "$tmp/o" && echo "ok   quiet" || { echo "FAIL quiet"; cat "$tmp/e"; fail=1; }
if "$ftsa" --version | grep -q "^back ends.* rtl"; then
    "$ftsa" eval --model "$lenet" --backend rtl --images 3 -v >"$tmp/o" 2>"$tmp/e"
    grep -q "^eval: 3/3 images (100%)" "$tmp/e" && echo "ok   rtl-progress" || { echo "FAIL rtl-progress"; cat "$tmp/e"; fail=1; }
fi

# campaign --quiet: no progress, but the results table; no nan, shortest numbers in the config.
"$ftsa" campaign --model "$lenet" --quiet --no-report --images 20 --ber 0.3 --trials 2 --per-layer off \
    --confidence 0.95 --out "$tmp/camp" >"$tmp/o" 2>"$tmp/e"
grep -q "^flip weights all  *[0-9.]*  *-  *none$" "$tmp/o" && [ ! -s "$tmp/e" ] &&
    echo "ok   campaign-quiet-table" || { echo "FAIL campaign-quiet-table"; cat "$tmp/o" "$tmp/e"; fail=1; }
grep -qi "nan" "$tmp/o" && { echo "FAIL campaign table prints nan"; fail=1; }
grep -q "^confidence = 0.95$" "$tmp/camp/campaign.cfg" && grep -q "^ber = 0.3$" "$tmp/camp/campaign.cfg" &&
    echo "ok   config-numbers" || { echo "FAIL config-numbers"; cat "$tmp/camp/campaign.cfg"; fail=1; }

# --json: one object whose figures are those of the text output.
"$ftsa" eval --model "$lenet" --images 200 >"$tmp/text"
"$ftsa" eval --model "$lenet" --images 200 --json >"$tmp/json"
correct=$(sed -n 's|^accuracy .* (\([0-9]*\)/200)|\1|p' "$tmp/text")
grep -q "^{\"command\": \"eval\", .*\"images\": 200, \"correct\": $correct, " "$tmp/json" &&
    echo "ok   eval-json" || { echo "FAIL eval-json"; cat "$tmp/json"; fail=1; }
"$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --images 100 >"$tmp/text"
"$ftsa" run --model "$lenet" --faults "$tmp/f.txt" --images 100 --json >"$tmp/json2"
changed=$(sed -n 's|^predictions changed \([0-9]*\) of 100.*|\1|p' "$tmp/text")
grep -q "\"changed\": $changed," "$tmp/json2" && echo "ok   run-json" || { echo "FAIL run-json"; cat "$tmp/json2"; fail=1; }
"$ftsa" faults gen --model "$lenet" --count 3 --seed 2 --out "$tmp/f3.txt" 2>/dev/null
"$ftsa" run --model "$lenet" --faults "$tmp/f3.txt" --images 20 --outcomes "$tmp/o.csv" --json >"$tmp/json4" 2>"$tmp/e"
grep -q "^outcomes of 3 faults" "$tmp/e" && [ "$(wc -l <"$tmp/json4")" -eq 1 ] &&
    echo "ok   run-json-outcomes" || { echo "FAIL run-json-outcomes"; cat "$tmp/json4" "$tmp/e"; fail=1; }
"$ftsa" perf --model "$lenet" --csv >"$tmp/text"
"$ftsa" perf --model "$lenet" --json >"$tmp/json3"
cycles=$(awk -F, '$2 == "total" { print $7 }' "$tmp/text")
grep -q "\"inference_cycles\": $cycles," "$tmp/json3" && echo "ok   perf-json" || { echo "FAIL perf-json"; cat "$tmp/json3"; fail=1; }
if [ -n "$python" ]; then
    for j in json json2 json3 json4; do
        "$python" -m json.tool "$tmp/$j" >/dev/null && echo "ok   $j parses" || { echo "FAIL $j is not JSON"; fail=1; }
    done
fi
exit $fail
