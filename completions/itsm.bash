# bash completion for itsm(1)                             -*- shell-script -*-
#
# A thin wrapper: the candidates come from the binary being completed,
# "itsm __complete -- WORD...", which knows the commands, their options,
# the effective policy and the open tickets (the protocol is described at
# the top of cmd/complete.c).  This file only passes the words, strips the
# descriptions, quotes, and completes file names when told ":file".
#
# Install as /usr/share/bash-completion/completions/itsm, or source it.
# It uses bash-completion when loaded (_get_comp_words_by_ref, _filedir)
# and works without it.

# _itsm_dequote WORD [~]: sets REPLY to WORD as the shell would pass it,
# without running anything: quotes and backslashes removed, a leading
# unquoted "~/" expanded (kept with a second argument).  Variables are
# left as they are.
_itsm_dequote()
{
    local s=$1 out= c q= i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        if [[ $q == "'" ]]; then
            if [[ $c == "'" ]]; then q=; else out+=$c; fi
        elif [[ $q == '"' ]]; then
            if [[ $c == '"' ]]; then
                q=
            elif [[ $c == '\' && ${s:i+1:1} == [\"\\\$\`] ]]; then
                out+=${s:i+1:1}
                ((i++))
            else
                out+=$c
            fi
        elif [[ $c == "'" || $c == '"' ]]; then
            q=$c
        elif [[ $c == '\' ]]; then
            ((i++))
            out+=${s:i:1}
        else
            out+=$c
        fi
    done
    if [[ -z ${2-} && ($s == '~' || $s == '~/'*) ]]; then
        out=$HOME${out:1}
    fi
    REPLY=$out
}

# _itsm_words: without bash-completion, sets words, cword and cur from
# COMP_WORDS, COMP_CWORD, COMP_LINE and COMP_POINT, joining again what
# bash split at '=' and ':' (COMP_WORDBREAKS): "--db=x" is one word.
_itsm_words()
{
    local line=${COMP_LINE:0:COMP_POINT} w i j=0 blank
    words=()
    cword=0
    for ((i = 0; i <= COMP_CWORD && i < ${#COMP_WORDS[@]}; i++)); do
        w=${COMP_WORDS[i]}
        blank=0
        if [[ $line == [[:blank:]]* ]]; then
            blank=1
            line=${line#"${line%%[![:blank:]]*}"}
        fi
        # The word under the cursor stops at the cursor.
        if ((i == COMP_CWORD)) && ((${#line} < ${#w})); then
            w=$line
        fi
        if ((i > 1 && !blank)) &&
            [[ $w == [=:]* || ${words[j - 1]} == *[=:] ]]; then
            words[j - 1]+=$w
        else
            words[j++]=$w
        fi
        line=${line#"$w"}
    done
    cword=$((j - 1))
    cur=${words[cword]}
}

_itsm()
{
    local cur cword words=() REPLY
    if declare -F _get_comp_words_by_ref >/dev/null; then
        _get_comp_words_by_ref -n =: cur words cword
    else
        _itsm_words
    fi

    # The binary named by the command word (build/itsm, ~/bin/itsm).
    _itsm_dequote "${COMP_WORDS[0]}"
    local cmd=${REPLY:-itsm}

    local args=() i
    for ((i = 1; i < cword; i++)); do
        _itsm_dequote "${words[i]}"
        args+=("$REPLY")
    done
    _itsm_dequote "$cur"
    args+=("$REPLY")

    # What readline replaces is the part of cur after the last '=' or ':'
    # that bash breaks words at; candidates must not repeat what is
    # before it.
    local breaks= trim=
    [[ $COMP_WORDBREAKS == *=* ]] && breaks+='='
    [[ $COMP_WORDBREAKS == *:* ]] && breaks+=':'
    if [[ $breaks && $cur == *[$breaks]* ]]; then
        trim=${cur%"${cur##*[$breaks]}"}
    fi

    local out line word
    out=$("$cmd" __complete -- "${args[@]}" 2>/dev/null)
    COMPREPLY=()
    if [[ $out == ':file' ]]; then
        # A FILE value: "--db=x" completes x, keeping "--db=" unless
        # readline splits there anyway.
        local pre=
        if [[ $cur == -*=* ]]; then
            pre=${cur%%=*}=
            cur=${cur#*=}
            [[ $breaks == *=* ]] && pre=
        fi
        if [[ -z $pre ]] && declare -F _filedir >/dev/null; then
            _filedir
        else
            compopt -o filenames 2>/dev/null
            local IFS=$'\n'
            _itsm_dequote "$cur" '~'
            COMPREPLY=($(compgen -f -- "$REPLY"))
            if [[ $pre ]]; then
                COMPREPLY=("${COMPREPLY[@]/#/$pre}")
            fi
        fi
        return 0
    fi
    while IFS= read -r line; do
        [[ $line ]] || continue
        word=${line%%$'\t'*}
        if [[ $trim && $word == "$trim"* ]]; then
            word=${word#"$trim"}
        fi
        # Quote what the shell would split or expand, unless the user
        # opened a quote already.
        if [[ $word == *[!A-Za-z0-9_.,:=+@%/-]* && $cur != [\"\']* ]]; then
            printf -v word %q "$word"
        fi
        COMPREPLY+=("$word")
    done <<<"$out"
    return 0
}

complete -F _itsm itsm
