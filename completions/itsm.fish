# fish completion for itsm(1).  A thin wrapper: the candidates and their
# descriptions ("word<TAB>description", which fish reads natively) come
# from the binary being completed, "itsm __complete -- WORD...", which
# knows the commands, their options, the effective policy and the tickets
# (the protocol is described at the top of cmd/complete.c).  This file
# passes the words, and lets fish complete file names when the binary
# answers ":file".
#
# Install as /usr/share/fish/vendor_completions.d/itsm.fish.

# Runs "itsm __complete" on the command line up to the cursor.
function __itsm_run
    # The words before the cursor, unquoted, with a leading ~ expanded as
    # the shell would (for --db ~/x.db), and the current word, unquoted.
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct | string unescape)
    set -q cur[1]; or set cur ''
    set -l args
    for t in $tokens
        set -a args (string replace -r -- '^~(?=/|$)' $HOME $t)
    end
    # The binary named by the command word (build/itsm, ~/bin/itsm).
    set -l cmd $args[1]
    set -q cmd[1]; or set cmd itsm
    $cmd __complete -- $args[2..-1] $cur 2>/dev/null
end

# The candidates, unless the answer is ":file".
function __itsm_complete
    set -l out (__itsm_run)
    test "$out" = ":file"; and return
    set -q out[1]; and printf '%s\n' $out
end

# Whether the current word is a file name (--db, --config, config check).
function __itsm_wants_files
    set -l out (__itsm_run)
    test "$out" = ":file"
end

complete -c itsm -f -a '(__itsm_complete)'
# fish's own file completion: "~/", "--db=x" and quoting included.
complete -c itsm -n __itsm_wants_files -F
