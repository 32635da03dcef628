#!/usr/bin/env bats
# The command line as a whole: help, usage, --version, unknown commands
# and options, the global options and the database location.

load helper

COMMANDS="open categorize prioritize list show config help"

@test "itsm --version prints the version" {
	version=$(sed -n 's/^#define ITSM_VERSION "\(.*\)"$/\1/p' "$TOP/include/itsm/itsm.h")
	[ -n "$version" ]
	run --separate-stderr itsm --version
	assert_status 0
	assert_output "itsm $version"
	assert_stderr ""
}

@test "itsm help lists every command with its summary" {
	run --separate-stderr itsm help
	assert_status 0
	assert_stderr ""
	[[ ${lines[0]} == "usage: itsm "* ]]
	for c in $COMMANDS; do
		printf '%s\n' "$output" | grep -Eq "^  $c +[a-z]" ||
		    { echo "help does not list $c" >&2; false; }
	done
	# The hidden completion helper is not listed.
	! printf '%s\n' "$output" | grep -q '^  complete ' || false
}

@test "itsm -h and itsm --help print the global usage" {
	run --separate-stderr itsm -h
	assert_status 0
	assert_stderr ""
	[[ ${lines[0]} == "usage: itsm [--db DATABASE] [--config FILE]"* ]]
	usage=$output
	run --separate-stderr itsm --help
	assert_status 0
	assert_output "$usage"
}

@test "itsm CMD -h and --help: exit 0, the usage on stdout, nothing on stderr" {
	for c in $COMMANDS; do
		run --separate-stderr itsm "$c" -h
		assert_status 0
		assert_stderr ""
		[[ ${lines[0]} == "usage: itsm $c"* ]] ||
		    { echo "$c -h: ${lines[0]}" >&2; false; }
		h=$output
		run --separate-stderr itsm "$c" --help
		assert_status 0
		assert_output "$h"
	done
}

@test "itsm CMD -h needs no database and no valid policy" {
	printf 'impact: [\n' >"$ITSM_CONFIG"
	run --separate-stderr itsm open -h
	assert_status 0
	assert_nothing_stored
}

@test "itsm open -h names every option of open" {
	run --separate-stderr itsm open -h
	assert_status 0
	for o in "SUMMARY" "--caller NAME" "--affected" "--channel" "--contact" \
	    "--service" "-m" "--type" "--category" "--subcategory" \
	    "--impact LEVEL --urgency LEVEL" "--at"; do
		[[ $output == *"$o"* ]] || { echo "open -h lacks $o" >&2; false; }
	done
}

@test "itsm list -h names every filter of list" {
	run --separate-stderr itsm list -h
	assert_status 0
	for o in --status --type --priority --group --assignee --all --limit --fields; do
		[[ $output == *"$o"* ]] || { echo "list -h lacks $o" >&2; false; }
	done
}

@test "-h wins over a bad invocation of the command" {
	run --separate-stderr itsm prioritize -h --impact nonsense
	assert_status 0
	[[ ${lines[0]} == "usage: itsm prioritize"* ]]
}

@test "itsm help CMD shows the command's manual (or its usage): exit 0" {
	for c in open list config; do
		run --separate-stderr itsm help "$c"
		assert_status 0
		[[ $output == *"itsm $c"* ]] ||
		    { echo "help $c: $output" >&2; false; }
	done
}

@test "itsm help of an unknown command: 64" {
	run --separate-stderr itsm help frobnicate
	assert_status 64
	assert_output ""
	assert_one_line_error "unknown command 'frobnicate'"
}

@test "an unknown command: 64, one line" {
	run --separate-stderr itsm frobnicate
	assert_status 64
	assert_output ""
	assert_stderr "itsm: unknown command 'frobnicate' (see 'itsm -h')"
	assert_nothing_stored
}

@test "no prefix abbreviation of commands" {
	for c in ope li sh prio cat conf; do
		run --separate-stderr itsm "$c"
		assert_status 64
		assert_one_line_error "unknown command '$c'"
	done
}

@test "no command at all: 64" {
	run --separate-stderr itsm
	assert_status 64
	assert_output ""
	assert_one_line_error "no command"
	run --separate-stderr itsm --json
	assert_status 64
	assert_one_line_error "no command"
}

@test "an unknown global option: 64, one line" {
	run --separate-stderr itsm --frobnicate list
	assert_status 64
	assert_output ""
	assert_stderr "itsm: unknown option '--frobnicate' (see 'itsm -h')"
	run --separate-stderr itsm -x list
	assert_status 64
	assert_one_line_error "unknown option '-x'"
}

@test "an unknown command option: 64, one line naming the command" {
	open_ticket "x" --caller y
	before=$(db_digest)
	for c in $COMMANDS; do
		run --separate-stderr itsm "$c" --frobnicate
		assert_status 64
		assert_output ""
		assert_stderr "itsm: unknown option '--frobnicate' (see 'itsm $c -h')"
	done
	run --separate-stderr itsm list -Z
	assert_status 64
	assert_stderr "itsm: unknown option '-Z' (see 'itsm list -h')"
	assert_unchanged "$before"
}

@test "an option given twice is a usage error where it takes one value" {
	open_ticket "x" --caller y
	before=$(db_digest)
	run --separate-stderr itsm open "x" --caller a --caller b
	assert_status 64
	assert_one_line_error "--caller"
	assert_unchanged "$before"
}

@test "-- ends the options: a summary may start with a dash" {
	run --separate-stderr itsm open --caller alice -- "-x- weird summary"
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm show 1 --json
	jq_is '.summary' '"-x- weird summary"'
}

@test "--db FILE and --db=FILE choose the database over ITSM_DB" {
	other=$BATS_TEST_TMPDIR/other.db
	run --separate-stderr itsm --db "$other" open "in other" --caller a
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm --db="$other" list --fields ref,summary
	assert_output $'INC-1\tin other'
	assert_nothing_stored
	run --separate-stderr itsm list
	assert_status 0
	assert_output ""
	assert_nothing_stored	# reading creates no database (itsm(1) FILES)
}

@test "without ITSM_DB the database is \$XDG_DATA_HOME/itsm/itsm.db" {
	sqlite_only "the default database is a file"
	unset ITSM_DB
	export XDG_DATA_HOME=$BATS_TEST_TMPDIR/data
	run --separate-stderr itsm open "xdg" --caller a
	assert_status 0
	[ -f "$XDG_DATA_HOME/itsm/itsm.db" ]
	[ "$(sqlite3 "$XDG_DATA_HOME/itsm/itsm.db" 'SELECT summary FROM tickets')" = xdg ]
}

@test "without ITSM_DB nor XDG_DATA_HOME it is ~/.local/share/itsm/itsm.db" {
	sqlite_only "the default database is a file"
	unset ITSM_DB
	run --separate-stderr itsm open "home" --caller a
	assert_status 0
	[ -f "$HOME/.local/share/itsm/itsm.db" ]
	[ "$(sqlite3 "$HOME/.local/share/itsm/itsm.db" 'SELECT summary FROM tickets')" = home ]
	# Private: the data of callers is nobody else's business.
	[ "$(stat -c %a "$HOME/.local/share/itsm/itsm.db")" = 600 ]
}

@test "global options come before the command, output options after it too" {
	open_ticket "x" --caller y
	run --separate-stderr itsm --no-color -q list
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm list --no-color -q
	assert_output "INC-1"
}

@test "ITSM_NOW fixes the clock; an invalid ITSM_NOW is refused (65)" {
	ITSM_NOW=2030-01-02T03:04:05Z itsm open "later" --caller a >/dev/null
	run --separate-stderr itsm show 1 --json
	jq_is '.opened_at' '"2030-01-02T03:04:05Z"'
	before=$(db_digest)
	ITSM_NOW=garbage run --separate-stderr itsm open "x" --caller y
	assert_status 65
	assert_one_line_error "ITSM_NOW"
	assert_unchanged "$before"
}

# to_full ARGS...: itsm ARGS with standard output on a full disk.
to_full() {
	itsm "$@" >/dev/full
}

@test "output that cannot be written: 74, one line, for data and for --version" {
	[ -w /dev/full ] || skip "no /dev/full"
	open_ticket "x" --caller y
	for args in "list" "show 1" "list --json" "config show" "--version" "-h" "help"; do
		# shellcheck disable=SC2086
		run --separate-stderr to_full $args
		assert_status 74
		assert_one_line_error "cannot write output"
	done
}
