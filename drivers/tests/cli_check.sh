# shellcheck shell=sh
# shellcheck disable=SC2034 # $fail is read by the scripts that source this file
# Shared by the CLI test scripts (sourced, not run): a scratch directory $tmp
# removed on exit, a $fail flag, and
#   check NAME EXPECTED_RC PATTERN -- COMMAND...
# which runs COMMAND and passes when it exits with EXPECTED_RC and its output
# matches PATTERN (grep; an empty PATTERN checks the exit code only).
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() {
    name=$1 want=$2 pat=$3
    shift 4
    "$@" >"$tmp/out" 2>&1
    rc=$?
    if [ "$rc" -ne "$want" ] || { [ -n "$pat" ] && ! grep -q -- "$pat" "$tmp/out"; }; then
        echo "FAIL $name: exit $rc (want $want), output:"; cat "$tmp/out"; fail=1
    else
        echo "ok   $name"
    fi
}
