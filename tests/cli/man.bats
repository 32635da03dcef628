#!/usr/bin/env bats
# The manual pages agree with the binary: each page's SYNOPSIS is exactly
# the usage that "itsm CMD -h" prints (both come from the command's
# descriptor, so a drift on either side fails here), every command that
# "itsm help" lists has its page and every page its command, the pages are
# clean under mandoc's lint, and itsm.yaml(5) shows the embedded default
# policy verbatim.
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
