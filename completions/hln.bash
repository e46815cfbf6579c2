# bash completion for hln(1)                            -*- shell-script -*-
# Copyright (c) 2026, the hln developers.  SPDX-License-Identifier: BSD-2-Clause
#
# Installed as .../bash-completion/completions/hln; or source it from ~/.bashrc.
# Self-contained: works with or without the bash-completion package.

_hln_commands='create count list break help'
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

    case $cmd in
        help)
            ((COMP_CWORD == cmd_at + 1)) && _hln_words "$_hln_commands" "$cur"
            return 0
            ;;
        create)
            # "-t DIR", "--target-directory DIR", "--target-directory=DIR"
            # (bash splits the last at '=' when '=' is in COMP_WORDBREAKS).
            if ((!after_dashdash)); then
                if [[ $prev == -t || $prev == --target-directory ]]; then
                    _hln_paths dir "$cur"
                    return 0
                fi
                if [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --target-directory ]]; then
                    _hln_paths dir "$cur"
                    return 0
                fi
                if [[ $cur == --target-directory=* ]]; then
                    local dir=${cur#--target-directory=}
                    _hln_paths dir "$dir"
                    COMPREPLY=("${COMPREPLY[@]/#/--target-directory=}")
                    return 0
                fi
                if [[ $cur == --reflink=* ]]; then
                    _hln_words 'always auto' "${cur#--reflink=}"
                    COMPREPLY=("${COMPREPLY[@]/#/--reflink=}")
                    return 0
                fi
                if [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --reflink ]]; then
                    _hln_words 'always auto' "$cur"
                    return 0
                fi
                if [[ $cur == -* ]]; then
                    _hln_words "$_hln_create_opts" "$cur"
                    if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
                        compopt -o nospace 2>/dev/null
                    fi
                    return 0
                fi
            fi
            # With --batch the pairs come from stdin: no operands.
            ((batch)) && return 0
            _hln_paths file "$cur"
            ;;
        break)
            if ((!after_dashdash)); then
                if [[ $cur == --reflink=* ]]; then
                    _hln_words 'auto always never' "${cur#--reflink=}"
                    COMPREPLY=("${COMPREPLY[@]/#/--reflink=}")
                    return 0
                fi
                if [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --reflink ]]; then
                    _hln_words 'auto always never' "$cur"
                    return 0
                fi
                if [[ $cur == -* ]]; then
                    _hln_words "$_hln_break_opts" "$cur"
                    return 0
                fi
            fi
            _hln_paths file "$cur"
            ;;
        count)
            if ((!after_dashdash)) && [[ $cur == -* ]]; then
                _hln_words "$_hln_count_opts" "$cur"
                return 0
            fi
            _hln_paths file "$cur"
            ;;
        list)
            # "--root DIR", "--root=DIR" (split at '=' as for create -t).
            if ((!after_dashdash)); then
                if [[ $prev == --root ]]; then
                    _hln_paths dir "$cur"
                    return 0
                fi
                if [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --root ]]; then
                    _hln_paths dir "$cur"
                    return 0
                fi
                if [[ $cur == --root=* ]]; then
                    _hln_paths dir "${cur#--root=}"
                    COMPREPLY=("${COMPREPLY[@]/#/--root=}")
                    return 0
                fi
                if [[ $cur == -* ]]; then
                    _hln_words "$_hln_list_opts" "$cur"
                    if ((${#COMPREPLY[@]} == 1)) && [[ ${COMPREPLY[0]} == *= ]]; then
                        compopt -o nospace 2>/dev/null
                    fi
                    return 0
                fi
            fi
            _hln_paths file "$cur"
            ;;
    esac
    return 0
}

complete -F _hln hln
# ex: filetype=sh
