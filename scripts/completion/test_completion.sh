#!/bin/bash
# The bash completion against the built ftsa: commands, subcommands, options
# read from the help text, back ends from --version.
ftsa=$1
. "$(dirname "$0")/ftsa.bash"
fail=0
complete_words() { # expected-word words...
    local want=$1
    shift
    COMP_WORDS=("$ftsa" "$@")
    COMP_CWORD=$(($# ))
    COMPREPLY=()
    _ftsa
    if printf '%s\n' "${COMPREPLY[@]}" | grep -qx -- "$want"; then
        echo "ok   '${*}' -> $want"
    else
        echo "FAIL '${*}': want $want, got: ${COMPREPLY[*]}"; fail=1
    fi
}
complete_words eval ev
complete_words compare-mitigations comp
complete_words --version --vers
complete_words --images eval --im
complete_words --json run --js
complete_words --per-image run --faults f.txt --per
complete_words gen faults g
complete_words --memory faults gen --mem
complete_words record trace rec
complete_words --limit trace show --li
complete_words cmodel eval --backend cm
complete_words --no-report campaign --no
complete_words --train-images mitigate fitact --train
exit $fail
