# bash completion for hln(1)                            -*- shell-script -*-
# Copyright (c) 2026, the hln developers.  SPDX-License-Identifier: BSD-2-Clause
#
# Installed as .../bash-completion/completions/hln; or source it from ~/.bashrc.
# Self-contained: works with or without the bash-completion package.

_hln_commands='create count list break dedupe help'
_hln_global_opts='-h --help --version'
_hln_create_opts='-f --force -i --interactive -L --logical -P --physical
    -T --no-target-directory -t --target-directory= -n --dry-run
    --no-dereference --reflink --reflink= -v --verbose -r -R --recursive
    --batch -0 --null
    --progress --no-progress -h --help'
_hln_list_opts='--root= -0 --null -j --json -L --dereference
    -P --no-dereference -v --verbose --progress --no-progress -h --help'
_hln_break_opts='-r -R --recursive --reflink --reflink= -n --dry-run
    -v --verbose -j --json --progress --no-progress -h --help'
_hln_dedupe_opts='-n --dry-run -v --verbose --list -0 --null -j --json
    --reflink --min-size= --max-size= --exclude= --ignore-owner --ignore-mode
    --ignore-xattrs -c --content-only --same-time --bytes
    --progress --no-progress -h --help'
_hln_count_opts='-r --recursive -j --json -0 --null -L --dereference
    -P --no-dereference --bytes -x --one-file-system
    --progress --no-progress -h --help'

# _hln_words WORDLIST PREFIX: COMPREPLY = the words of WORDLIST starting with PREFIX.
_hln_words()
{
    local IFS=$' \t\n'
    mapfile -t COMPREPLY < <(compgen -W "$1" -- "$2")
}

# _hln_paths dir|file PREFIX: COMPREPLY = directories (or any file) matching PREFIX.
_hln_paths()
{
    local flag=-f
    [[ $1 == dir ]] && flag=-d
    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen "$flag" -- "$2")
}

# _hln_optarg COMMAND OPTION VALUE: when OPTION of COMMAND takes an
# argument, COMPREPLY = the completions of VALUE for it and return 0;
# return 1 for an option that takes none.  The one table of option
# arguments: a new option with a value is one line here.
_hln_optarg()
{
    case "$1 $2" in
        'create -t' | 'create --target-directory' | 'list --root')
            _hln_paths dir "$3" ;;
        'break --reflink') _hln_words 'auto always never' "$3" ;;
        'create --reflink') _hln_words 'always auto' "$3" ;;
        # sizes and patterns: nothing to offer, but never file names
        'dedupe --min-size' | 'dedupe --max-size' | 'dedupe --exclude') ;;
        *) return 1 ;;
    esac
    return 0
}

# _hln_separate COMMAND OPTION: whether OPTION takes its argument as the
# next word too ("-t DIR", "--root DIR"); --reflink takes it only after '='.
_hln_separate()
{
    case "$1 $2" in
        'create -t' | 'create --target-directory' | 'list --root' | \
            'dedupe --min-size' | 'dedupe --max-size' | 'dedupe --exclude')
            return 0 ;;
    esac
    return 1
}

_hln()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=''
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd='' cmd_at=0 i w after_dashdash=0 batch=0
    COMPREPLY=()

    # The command is the first word that is not an option.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ -z $cmd ]]; then
            [[ $w == -* ]] || { cmd=$w; cmd_at=$i; }
            continue
        fi
        ((after_dashdash)) && continue
        case $w in
            --) after_dashdash=1 ;;
            --batch) batch=1 ;;
        esac
    done

    if [[ -z $cmd ]]; then
        if [[ $cur == -* ]]; then
            _hln_words "$_hln_global_opts" "$cur"
        else
            _hln_words "$_hln_commands" "$cur"
        fi
        return 0
    fi
    if [[ $cmd == help ]]; then
        ((COMP_CWORD == cmd_at + 1)) && _hln_words "$_hln_commands" "$cur"
        return 0
    fi

    if ((!after_dashdash)); then
        # "--opt=VALUE": bash splits the word at '=' (it is in
        # COMP_WORDBREAKS), so the cursor is on '=' itself ("--root=") or
        # on the VALUE after it, and the reply replaces only that part;
        # where '=' is no break, the word is whole and the reply keeps
        # its "--opt=".
        if [[ $cur == = && $prev == --* ]]; then
            _hln_optarg "$cmd" "$prev" '' && return 0
        elif [[ $prev == = && $COMP_CWORD -ge 2 ]]; then
            _hln_optarg "$cmd" "${COMP_WORDS[COMP_CWORD - 2]}" "$cur" &&
                return 0
        elif [[ $cur == --*=* ]]; then
            if _hln_optarg "$cmd" "${cur%%=*}" "${cur#*=}"; then
                COMPREPLY=("${COMPREPLY[@]/#/${cur%%=*}=}")
                return 0
            fi
        elif _hln_separate "$cmd" "$prev"; then
            _hln_optarg "$cmd" "$prev" "$cur"
            return 0
        fi
        if [[ $cur == -* ]]; then
            local opts=_hln_${cmd}_opts
            _hln_words "${!opts-}" "$cur"
            if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
                compopt -o nospace 2>/dev/null
            fi
            return 0
        fi
    fi
    # With --batch the pairs come from stdin: no operands.
    [[ $cmd == create ]] && ((batch)) && return 0
    _hln_paths file "$cur"
    return 0
}

complete -F _hln hln
# ex: filetype=sh
