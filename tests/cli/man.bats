#!/usr/bin/env bats
# The manual pages agree with the binary: each page's SYNOPSIS is exactly
# the usage that "itsm CMD -h" prints (both come from the command's
# descriptor, so a drift on either side fails here), every command that
# "itsm help" lists has its page and every page its command, the pages are
# clean under mandoc's lint, and itsm.yaml(5) shows the embedded default
# policy verbatim.  itsm-hooks(5) lists the hooks lib/ runs, itsm(1)'s
# workflow table is lib/workflow.c's, and itsm(1) points to every page.
#
# "help" is a command like the others: it has its page, itsm-help(1).

load helper

# normalize: stdin with every run of blanks and line breaks made one space,
# none at either end.
normalize() {
	tr -s ' \t\n' '   ' | sed 's/^ //; s/ $//'
}

# man_synopsis PAGE: the text of PAGE's SYNOPSIS section as mandoc renders
# it, normalized.
man_synopsis() {
	mandoc -T ascii "$1" | col -bx | awk '
		/^SYNOPSIS$/ { on = 1; next }
		on && /^[^ ]/ { exit }
		on { print }' | normalize
}

# cmd_usage [CMD]: the usage lines of "itsm [CMD] -h", up to the first
# blank line, without "usage:", normalized.
cmd_usage() {
	"$ITSM" "$@" -h | awk '/^$/ { exit } { print }' |
	    sed '1s/^usage://' | normalize
}

# same_synopsis PAGE [CMD]: succeeds when PAGE's SYNOPSIS is exactly the
# usage of "itsm [CMD] -h"; else prints both and fails.
same_synopsis() {
	local page=$1 got want
	shift
	got=$(man_synopsis "$page")
	want=$(cmd_usage "$@")
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		printf 'SYNOPSIS of %s differs from "itsm %s -h":\n' \
		    "${page##*/}" "$*" >&2
		printf '  page:  %s\n  usage: %s\n' "$got" "$want" >&2
		return 1
	fi
}

# differs FILE1 FILE2: succeeds when the files differ (so that a mutation
# that did not apply fails the test instead of proving nothing).
differs() {
	! cmp -s "$1" "$2"
}

# listed_commands: the commands "itsm help" lists, one per line.
listed_commands() {
	"$ITSM" help | awk '
		/^commands:$/ { on = 1; next }
		on && /^$/ { exit }
		on { print $1 }'
}

@test "itsm(1): SYNOPSIS is the usage of itsm -h" {
	same_synopsis "$TOP/man/itsm.1"
}

@test "itsm-open(1): SYNOPSIS is the usage of itsm open -h" {
	same_synopsis "$TOP/man/itsm-open.1" open
}

@test "itsm-categorize(1): SYNOPSIS is the usage of itsm categorize -h" {
	same_synopsis "$TOP/man/itsm-categorize.1" categorize
}

@test "itsm-prioritize(1): SYNOPSIS is the usage of itsm prioritize -h" {
	same_synopsis "$TOP/man/itsm-prioritize.1" prioritize
}

@test "itsm-list(1): SYNOPSIS is the usage of itsm list -h" {
	same_synopsis "$TOP/man/itsm-list.1" list
}

@test "itsm-show(1): SYNOPSIS is the usage of itsm show -h" {
	same_synopsis "$TOP/man/itsm-show.1" show
}

@test "itsm-config(1): SYNOPSIS is the usage of itsm config -h" {
	same_synopsis "$TOP/man/itsm-config.1" config
}

@test "itsm-help(1): SYNOPSIS is the usage of itsm help -h" {
	same_synopsis "$TOP/man/itsm-help.1" help
}

@test "every command itsm help lists has a page whose SYNOPSIS is its usage" {
	local c n=0 bad=0
	for c in $(listed_commands); do
		n=$((n + 1))
		if [ ! -f "$TOP/man/itsm-$c.1" ]; then
			echo "no page man/itsm-$c.1 for the command '$c'" >&2
			bad=1
		elif ! same_synopsis "$TOP/man/itsm-$c.1" "$c"; then
			bad=1
		fi
	done
	[ "$n" -ge 7 ] || { echo "itsm help listed $n commands" >&2; return 1; }
	[ "$bad" = 0 ]
}

@test "every command page is of a command itsm help lists" {
	local page c bad=0 commands
	commands=$(listed_commands)
	for page in "$TOP"/man/itsm-*.1; do
		c=${page##*/itsm-}
		c=${c%.1}
		if ! printf '%s\n' "$commands" | grep -qxF "$c"; then
			echo "man/itsm-$c.1 documents no listed command" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}

@test "itsm(1) names every listed command in COMMANDS" {
	local c bad=0 section
	section=$(mandoc -T ascii "$TOP/man/itsm.1" | col -bx | awk '
		/^COMMANDS$/ { on = 1; next }
		on && /^[^ ]/ { exit }
		on { print }')
	for c in $(listed_commands); do
		if ! printf '%s\n' "$section" | grep -Eq "^ +$c( |$)"; then
			echo "itsm(1) COMMANDS does not list '$c'" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}

@test "mandoc -T lint -W warning passes on every page" {
	local page n=0 bad=0
	for page in "$TOP"/man/*.[0-9]; do
		n=$((n + 1))
		if ! mandoc -T lint -W warning "$page" >&2; then
			echo "lint fails: ${page##*/}" >&2
			bad=1
		fi
	done
	[ "$n" -ge 9 ] || { echo "only $n pages" >&2; return 1; }
	[ "$bad" = 0 ]
}

@test "itsm.yaml(5) shows the embedded default policy verbatim" {
	local shown
	shown=$(mandoc -T ascii -O width=300 "$TOP/man/itsm.yaml.5" | col -bx |
	    awk '
		/^SEE ALSO$/ { exit }
		on == 2 && ind < 0 && /[^ ]/ { match($0, /^ */); ind = RLENGTH }
		on == 2 { print substr($0, ind + 1); next }
		on == 1 && /^$/ { on = 2; ind = -1; next }
		/The embedded default policy, which/ { on = 1 }')
	if [ "$shown" != "$(cat "$TOP/lib/default.yaml")" ]; then
		diff -u "$TOP/lib/default.yaml" - <<<"$shown" >&2 || true
		return 1
	fi
}

# The checks above must be able to fail: a page or a usage that drifts by
# one bracket, one value name, one option or the order of two options is
# caught.

@test "a drifted page is caught: value name, brackets, order, pair, option" {
	local page=$BATS_TEST_TMPDIR/itsm-open.1
	cp "$TOP/man/itsm-open.1" "$page"
	same_synopsis "$page" open	# the copy itself passes

	sed 's/^\.Op Fl -affected Ar NAME$/.Op Fl -affected Ar WHO/' \
	    "$TOP/man/itsm-open.1" >"$page"
	differs "$page" "$TOP/man/itsm-open.1"
	run same_synopsis "$page" open
	[ "$status" = 1 ]
	[[ "$stderr$output" == *"--affected WHO"* ]]

	sed 's/^\.Op Fl -at Ar TIME$/.Fl -at Ar TIME/' \
	    "$TOP/man/itsm-open.1" >"$page"
	differs "$page" "$TOP/man/itsm-open.1"
	run same_synopsis "$page" open
	[ "$status" = 1 ]

	sed '/^\.Op Fl -channel Ar CH$/{h;d;};/^\.Op Fl -contact Ar TEXT$/G' \
	    "$TOP/man/itsm-open.1" >"$page"
	differs "$page" "$TOP/man/itsm-open.1"
	run same_synopsis "$page" open
	[ "$status" = 1 ]

	sed 's/^\.Op Fl -impact Ar LEVEL Fl -urgency Ar LEVEL$/.Op Fl -impact Ar LEVEL\n.Op Fl -urgency Ar LEVEL/' \
	    "$TOP/man/itsm-open.1" >"$page"
	differs "$page" "$TOP/man/itsm-open.1"
	run same_synopsis "$page" open
	[ "$status" = 1 ]

	sed '/^\.Op Fl -service Ar NAME$/d' "$TOP/man/itsm-open.1" >"$page"
	differs "$page" "$TOP/man/itsm-open.1"
	run same_synopsis "$page" open
	[ "$status" = 1 ]

	page=$BATS_TEST_TMPDIR/itsm-config.1
	sed 's/^\.Op Ar FILE$/.Ar FILE/' "$TOP/man/itsm-config.1" >"$page"
	differs "$page" "$TOP/man/itsm-config.1"
	run same_synopsis "$page" config
	[ "$status" = 1 ]
}

@test "a drifted usage is caught: a binary whose usage gained an option" {
	local real=$ITSM
	ITSM=$BATS_TEST_TMPDIR/itsm
	cat >"$ITSM" <<-EOF
	#!/bin/sh
	"$real" "\$@" | sed 's/\[--at TIME\]/[--at TIME] [--dry-run]/'
	EOF
	chmod +x "$ITSM"
	"$ITSM" open -h | grep -qF -- '[--dry-run]'
	run same_synopsis "$TOP/man/itsm-open.1" open
	[ "$status" = 1 ]
	# The wrapper changes nothing else ...
	[ "$(cmd_usage list)" = "$(ITSM=$real cmd_usage list)" ]
	# ... and a page compared with another command's usage fails too.
	ITSM=$real
	run same_synopsis "$TOP/man/itsm-open.1" list
	[ "$status" = 1 ]
}

# section PAGE TITLE [INDENT]: the lines of the section (INDENT "") or
# subsection (INDENT "   ") TITLE of PAGE as mandoc renders it, without
# the title.
section() {
	mandoc -T ascii -O width=200 "$1" | col -bx | awk -v t="$3$2" -v ind="$3" '
		$0 == t { on = 1; next }
		on && match($0, /^ */) && RLENGTH <= length(ind) && /[^ ]/ { exit }
		on { print }'
}

# same_hooks PAGE: succeeds when the hooks that PAGE (itsm-hooks.5)
# lists under "The hooks" are those that lib/ runs, no more, no less;
# names may have several words ("post-major-declare").
same_hooks() {
	local lib page
	lib=$(grep -ohE '"post-[a-z]+(-[a-z]+)*"' "$TOP"/lib/*.c | tr -d '"' |
	    sort -u)
	page=$(section "$1" "The hooks" "   " |
	    awk '/^     post-[a-z]+(-[a-z]+)*( |$)/ { print $1 }' | sort -u)
	if [ "$(printf '%s\n' "$lib" | wc -l)" -lt 11 ]; then
		echo "found only these hooks in lib/: $lib" >&2
		return 1
	fi
	if [ "$lib" != "$page" ]; then
		diff -u <(printf '%s\n' "$lib") <(printf '%s\n' "$page") >&2 ||
		    true
		return 1
	fi
}

@test "itsm-hooks(5) lists every hook the library runs, and no other" {
	local page=$BATS_TEST_TMPDIR/itsm-hooks.5

	same_hooks "$TOP/man/itsm-hooks.5"

	# A hook missing from the page, or one that does not exist, is caught.
	sed '/^\.It Pa post-reopen$/,/^\.Pq Xr itsm-reopen 1 \.$/d' \
	    "$TOP/man/itsm-hooks.5" >"$page"
	differs "$page" "$TOP/man/itsm-hooks.5"
	run same_hooks "$page"
	[ "$status" = 1 ]
	sed 's/^\.It Pa post-reopen$/.It Pa post-revive/' \
	    "$TOP/man/itsm-hooks.5" >"$page"
	differs "$page" "$TOP/man/itsm-hooks.5"
	run same_hooks "$page"
	[ "$status" = 1 ]

	# So is a hook of several words: one missing, one renamed.
	sed '/^\.It Pa post-major-comms$/,/^\.It Pa post-major-link$/{
		/^\.It Pa post-major-link$/!d
	}' "$TOP/man/itsm-hooks.5" >"$page"
	differs "$page" "$TOP/man/itsm-hooks.5"
	run same_hooks "$page"
	[ "$status" = 1 ]
	sed 's/^\.It Pa post-major-end$/.It Pa post-major-stop/' \
	    "$TOP/man/itsm-hooks.5" >"$page"
	differs "$page" "$TOP/man/itsm-hooks.5"
	run same_hooks "$page"
	[ "$status" = 1 ]
}

# workflow_code [SRC]: the table of SRC (lib/workflow.c), one "action
# yes|- ..." line per action, sorted (an action listed twice, as escalate
# is, must have the same row both times to make one line).
workflow_code() {
	awk '
		/action_names\[/ { names = 1 }
		names && /\[ITSM_ACT_[A-Z_]+\] = "/ {
			match($0, /ITSM_ACT_[A-Z_]+/)
			k = substr($0, RSTART, RLENGTH)
			v = $0; sub(/^[^"]*"/, "", v); sub(/".*$/, "", v)
			name[k] = v
		}
		names && /^};/ { names = 0 }
		/allowed\[ITSM_NACTIONS\]/ { rows = 1 }
		rows && /\[ITSM_ACT_[A-Z_]+\] =/ {
			match($0, /ITSM_ACT_[A-Z_]+/)
			k = substr($0, RSTART, RLENGTH)
			v = $0; sub(/^[^{]*\{/, "", v); sub(/\}.*$/, "", v)
			gsub(/[ \t]/, "", v)
			n = split(v, cell, ",")
			line = name[k]
			for (i = 1; i <= n; i++)
				line = line " " (cell[i] == "1" ? "yes" : "-")
			print line
		}
		rows && /^};/ { rows = 0 }' "${1:-$TOP/lib/workflow.c}" | sort -u
}

# workflow_statuses [SRC]: the statuses of SRC, in order, on one line.
workflow_statuses() {
	awk '/status_names\[ITSM_NSTATUSES\]/ { on = 1; next }
		on { s = s $0 } on && /};/ { exit }
		END { gsub(/[^a-z_,]/, "", s); gsub(/,/, " ", s); print s }' \
	    "${1:-$TOP/lib/workflow.c}" | sed 's/ $//'
}

# same_workflow PAGE [SRC]: succeeds when the Workflow table of PAGE
# (itsm.1) is the table of SRC (lib/workflow.c), header included.
same_workflow() {
	local code page header statuses
	code=$(workflow_code "${2-}")
	statuses=$(workflow_statuses "${2-}")
	if [ "$(printf '%s\n' "$code" | wc -l)" -lt 12 ] ||
	    [ "$(printf '%s\n' "$statuses" | wc -w)" -lt 7 ]; then
		echo "cannot read the table of ${2:-lib/workflow.c}" >&2
		return 1
	fi
	page=$(section "$1" Workflow "   " | awk '
		$1 == "action" { on = 1; print; next }
		on && NF == 0 { exit }
		on { print }' | tr -s ' ' | sed 's/^ //; s/ $//')
	header=$(printf '%s\n' "$page" | head -n 1)
	if [ "$header" != "action $statuses" ]; then
		printf 'header: %s\nstatuses: %s\n' "$header" "$statuses" >&2
		return 1
	fi
	page=$(printf '%s\n' "$page" | tail -n +2 | sort -u)
	if [ "$code" != "$page" ]; then
		diff -u <(printf '%s\n' "$code") <(printf '%s\n' "$page") >&2 ||
		    true
		return 1
	fi
}

@test "itsm(1)'s workflow table is the table of lib/workflow.c" {
	same_workflow "$TOP/man/itsm.1"
}

@test "a drifted workflow table is caught, on either side" {
	local page=$BATS_TEST_TMPDIR/itsm.1 src=$BATS_TEST_TMPDIR/workflow.c

	# One cell of the page: reopen from cancelled refused.
	sed 's/^\(\.It Cm reopen .*\) Ta yes$/\1 Ta \\-/' \
	    "$TOP/man/itsm.1" >"$page"
	differs "$page" "$TOP/man/itsm.1"
	run same_workflow "$page"
	[ "$status" = 1 ]

	# One row missing from the page.
	sed '/^\.It Cm release Ta/d' "$TOP/man/itsm.1" >"$page"
	differs "$page" "$TOP/man/itsm.1"
	run same_workflow "$page"
	[ "$status" = 1 ]

	# One cell of the code: a note allowed on a closed ticket.
	sed 's/^\(\t\[ITSM_ACT_NOTE\] =\t*{ 1,   1,   1,   1,   \)0/\11/' \
	    "$TOP/lib/workflow.c" >"$src"
	differs "$src" "$TOP/lib/workflow.c"
	run same_workflow "$TOP/man/itsm.1" "$src"
	[ "$status" = 1 ]

	# The two escalations of the code drifting apart.
	sed 's/^\(\t\[ITSM_ACT_ESCALATE_MANAGERS\] =\t*{ 1,   1,   \)1/\10/' \
	    "$TOP/lib/workflow.c" >"$src"
	differs "$src" "$TOP/lib/workflow.c"
	run same_workflow "$TOP/man/itsm.1" "$src"
	[ "$status" = 1 ]
}

@test "itsm(1) SEE ALSO names every other page" {
	local see page name bad=0
	see=$(section "$TOP/man/itsm.1" "SEE ALSO")
	for page in "$TOP"/man/*.[0-9]; do
		name=${page##*/}
		[ "$name" = itsm.1 ] && continue
		name="${name%.*}(${name##*.})"
		if ! printf '%s\n' "$see" | grep -qF "$name"; then
			echo "itsm(1) SEE ALSO does not name $name" >&2
			bad=1
		fi
	done
	[ "$bad" = 0 ]
}
