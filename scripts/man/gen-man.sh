#!/bin/sh
# ftsa.1 from the CLI's own help text: `ftsa --help` for the synopsis and
# command list, `ftsa help CMD [SUB]` for each command's section, `ftsa
# --version` for the version.  Usage: gen-man.sh FTSA OUT
set -eu
ftsa=$1
out=$2
p() { printf '%s\n' "$*"; }
# The help's defaults as an installed tree has them, not this build's paths.
FTSA_MODEL="<prefix>/share/ftsa/models/lenet5.ftsa"
export FTSA_MODEL
esc() { sed -e 's/\\/\\e/g' -e 's/^\([.'"'"']\)/\\\&\1/' -e 's/-/\\-/g'; }
version=$("$ftsa" --version | sed -n '1s/^ftsa //p')
cmds=$("$ftsa" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
{
    p ".TH FTSA 1 \"\" \"ftsa $version\" \"User Commands\""
    p ".SH NAME"
    p "ftsa \\- fault-tolerant systolic-array accelerator: evaluation, fault injection, campaigns"
    p ".SH SYNOPSIS"
    p ".B ftsa"
    p ".I COMMAND"
    p "[\\fIOPTIONS\\fR]"
    p ".br"
    p ".B ftsa help"
    p ".I COMMAND"
    p ".br"
    p ".B ftsa \\-\\-version"
    p ".SH DESCRIPTION"
    p "Every command prints its options with \\fB\\-\\-help\\fR (or \\fBftsa help\\fR \\fICOMMAND\\fR)."
    p "Exit status: 0 success, 1 run-time failure, 2 usage error."
    p "Progress goes to standard error (\\fB\\-q\\fR silences it, \\fB\\-v\\fR shows it from the start)."
    p ".SH COMMANDS"
    "$ftsa" --help | awk '/^commands:/ { on = 1; next } on && !NF { exit } on' | while read -r name summary; do
        p ".TP"
        p ".B $name"
        p "$summary" | esc
    done
    for c in $cmds; do
        subs=""
        [ "$c" = faults ] && subs="gen"
        p ".SH \"FTSA $(p "$c" | tr '[:lower:]' '[:upper:]')\""
        if [ -z "$subs" ]; then
            p ".nf"
            "$ftsa" help "$c" | esc
            p ".fi"
        else
            for s in $subs; do
                p ".SS \"ftsa $c $s\""
                p ".nf"
                "$ftsa" help "$c" "$s" | esc
                p ".fi"
            done
        fi
    done
    p ".SH ENVIRONMENT"
    p ".TP"
    p ".B FTSA_MODEL"
    p "default model (else share/ftsa/models/lenet5.ftsa beside the installed binary)"
    p ".TP"
    p ".B FTSA_DATA_DIR"
    p "Fashion-MNIST directory (default /usr/share/datasets/fashion-mnist)"
    p ".SH SEE ALSO"
    p "docs/ in the source tree; \\fBpkg-config \\-\\-libs ftsa\\fR for the library."
} >"$out.tmp"
mv "$out.tmp" "$out"
