#!/bin/sh
# The man page generated from the help text: a section per command, the
# options of each, and groff renders it without a warning.
set -u
ftsa=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
"$(dirname "$0")/gen-man.sh" "$ftsa" "$tmp/ftsa.1" || { echo "FAIL gen-man.sh"; exit 1; }
for c in $("$ftsa" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }'); do
    up=$(printf '%s' "$c" | tr '[:lower:]' '[:upper:]')
    grep -q "^\.SH \"FTSA $up\"$" "$tmp/ftsa.1" && echo "ok   section $c" || { echo "FAIL no section for $c"; fail=1; }
done
grep -q '^  \\-\\-per\\-image FILE' "$tmp/ftsa.1" && echo "ok   run's options" || { echo "FAIL run's options"; fail=1; }
src=$(cd "$(dirname "$0")/../.." && pwd)
grep -q -e "$src" -e "$(dirname "$ftsa")" "$tmp/ftsa.1" && { echo "FAIL build or source paths in the page"; fail=1; }
if command -v groff >/dev/null; then
    groff -man -Tutf8 -ww -z "$tmp/ftsa.1" 2>"$tmp/warn"
    [ ! -s "$tmp/warn" ] && echo "ok   groff renders it cleanly" || { echo "FAIL groff:"; cat "$tmp/warn"; fail=1; }
fi
exit $fail
