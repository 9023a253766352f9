#!/bin/sh
# ftsa trace diff / show: exit codes 0 (identical), 1 (different, one sentence),
# 2 (usage, unreadable file); show prints the summary and honours --limit.
set -u
ftsa=$1
helper=$2
. "$(dirname "$0")/cli_check.sh"
"$helper" --write-pair "$tmp" || { echo "FAIL cannot write traces"; exit 1; }
check diff-same 0 "identical: 200 accesses" -- "$ftsa" trace diff "$tmp/a.trc" "$tmp/same.trc"
check diff-differs 1 "cycle 20 (entry 41): ACC write at address 10 in trace A, address 77 in trace B; command #2 (PASS ky=1 kx=3 ctile=2 last octile=3 weights at 64, started at cycle 11) in layer 0" -- "$ftsa" trace diff "$tmp/a.trc" "$tmp/b.trc"
check diff-usage 2 "expected two trace files" -- "$ftsa" trace diff "$tmp/a.trc"
check diff-missing 2 "nope.trc: cannot open" -- "$ftsa" trace diff "$tmp/a.trc" "$tmp/nope.trc"
printf 'FTRC\001\000\000\000garbage' >"$tmp/bad.trc"
check diff-corrupt 2 "bad.trc: truncated" -- "$ftsa" trace diff "$tmp/bad.trc" "$tmp/a.trc"
check no-subcommand 2 "expected a subcommand" -- "$ftsa" trace
check show 0 "ACC            0        100" -- "$ftsa" trace show "$tmp/a.trc"
check show-marks 0 "command #4: DMA_STORE ACT1, 16 words, host 0x200" -- "$ftsa" trace show "$tmp/a.trc"
check show-limit 0 "... 195 more accesses (--limit 5)" -- "$ftsa" trace show "$tmp/a.trc" --limit 5
check show-bad-limit 2 "--limit: 'x' is not a non-negative integer" -- "$ftsa" trace show "$tmp/a.trc" --limit x
exit $fail
