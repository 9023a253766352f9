#!/bin/sh
# Hostile input at the command line (issue #22): numbers with a leading zero
# are refused (never octal), a checkpoint path that is a directory and output
# paths that are FIFOs or symlinks are refused with the path named and left as
# they were, a config line cut by a NUL byte is an error.
set -u
ftsa=$1
. "$(dirname "$0")/cli_check.sh"
check octal-images 2 "--images: '010' has a leading zero" -- "$ftsa" eval --images 010
check hex-images 0 "accuracy [0-9.]*% ([0-9]*/16)" -- "$ftsa" eval --images 0x10
check decimal-images 0 "accuracy [0-9.]*% ([0-9]*/10)" -- "$ftsa" eval --images 10
check inf-ber 2 "--ber: 'inf' is not a number" -- "$ftsa" faults gen --ber inf
check hexfloat-ber 2 "--ber: '0x1p-3' is not a number" -- "$ftsa" faults gen --ber 0x1p-3
check ckpt-directory 1 "$tmp:\{0,1\} is a directory" -- "$ftsa" train --checkpoint "$tmp" --resume --epochs 1 --out "$tmp/m.ftsa"
mkfifo "$tmp/fifo"
check out-fifo 1 "$tmp/fifo: is a FIFO; refusing" -- "$ftsa" faults gen --ber 0.01 --out "$tmp/fifo"
[ -p "$tmp/fifo" ] && echo "ok   fifo-kept" || { echo "FAIL fifo-kept"; fail=1; }
echo keep >"$tmp/target"
ln -s "$tmp/target" "$tmp/link"
check out-symlink 1 "$tmp/link: is a symbolic link; refusing" -- "$ftsa" faults gen --ber 0.01 --out "$tmp/link"
[ -L "$tmp/link" ] && [ "$(cat "$tmp/target")" = keep ] && echo "ok   symlink-kept" || { echo "FAIL symlink-kept"; fail=1; }
printf 'faults = flip\nseed = 010\n' >"$tmp/octal.cfg"
check config-octal 2 "octal.cfg:2: key 'seed': '010'.*leading zero" -- "$ftsa" campaign "$tmp/octal.cfg" --dry-run
printf 'images = 20\nseed = 5\000trials = 999\n' >"$tmp/nul.cfg"
check config-nul 2 "nul.cfg:2: NUL byte at column 9" -- "$ftsa" campaign "$tmp/nul.cfg" --dry-run
exit $fail
