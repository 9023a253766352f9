# bash completion for ftsa.  Commands and options come from the CLI's own
# help (`ftsa --help`, `ftsa help CMD [SUB]`), so they never drift from it.
_ftsa()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local ftsa=${COMP_WORDS[0]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        local cmds
        cmds=$("$ftsa" --help 2>/dev/null | awk '/^commands:/ { on = 1; next } on && !NF { exit } on { print $1 }')
        COMPREPLY=($(compgen -W "$cmds help --help --version" -- "$cur"))
        return
    fi
    local cmd=${COMP_WORDS[1]} sub=""
    case $cmd in
    faults) sub=gen ;;
    trace) sub="record diff show" ;;
    mitigate) sub="ranger clipact fitact" ;;
    esac
    if [ "$COMP_CWORD" -eq 2 ] && [ -n "$sub" ] && [[ $cur != -* ]]; then
        COMPREPLY=($(compgen -W "$sub" -- "$cur"))
        return
    fi
    case $prev in
    --model|--out|--faults|--per-image|--outcomes|--trace|--checkpoint|--config|--data)
        COMPREPLY=($(compgen -f -- "$cur"))
        return ;;
    --backend)
        COMPREPLY=($(compgen -W "$("$ftsa" --version 2>/dev/null | sed -n 's/^back ends //p')" -- "$cur"))
        return ;;
    esac
    if [[ $cur == -* ]]; then
        local help opts
        if [ "$cmd" = faults ] || [ "$cmd" = trace ]; then
            help=$("$ftsa" help "$cmd" "${COMP_WORDS[2]}" 2>/dev/null)
        else
            help=$("$ftsa" help "$cmd" 2>/dev/null)
        fi
        opts=$(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts --help" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -F _ftsa ftsa
