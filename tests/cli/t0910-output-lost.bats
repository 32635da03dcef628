#!/usr/bin/env bats
# Output that cannot be written (issue 11): a command that changed the
# database keeps its change and exits 73, "done, but the output was
# lost", so that a script does not run it again; a command that changed
# nothing (a read, a dry run) exits 74; a command that failed keeps its
# own status.  A closed pipe is told the same way, not by SIGPIPE.

load helper

# full ARGS...: itsm ARGS with standard output on a full disk.
full() {
	itsm "$@" >/dev/full
}

# assert_kept: the last run did its change but lost its output (73).
assert_kept() {
	assert_status 73 || return 1
	assert_one_line_error "cannot write output \(the change is kept: do not run the command again\): No space left on device"
}

# assert_lost: the last run changed nothing and lost its output (74).
assert_lost() {
	assert_status 74 || return 1
	assert_one_line_error "cannot write output: No space left on device"
}

@test "note >/dev/full: 73, the note is kept, one line saying not to run it again; a failure keeps its status" {
	[ -w /dev/full ] || skip "no /dev/full"
	open_ticket "Mail down" --caller ann
	run --separate-stderr full note 1 -m "checked the logs"
	assert_kept
	[ "$(count_events "kind = 'note' AND message = 'checked the logs'")" = 1 ]
	# A command that fails keeps its own status.
	before=$(db_digest)
	run --separate-stderr full note 9 -m "x"
	assert_status 66
	run --separate-stderr full close 1 --confirmed
	assert_status 1
	assert_unchanged "$before"
}

@test "every writing command >/dev/full: 73, and the change is kept" {
	[ -w /dev/full ] || skip "no /dev/full"
	run --separate-stderr full open "Mail down" --caller ann
	assert_kept
	[ "$(db_sql 'SELECT count(*) FROM tickets')" = 1 ]
	run --separate-stderr full open -q "VPN slow" --caller bob --json
	assert_kept
	run --separate-stderr full categorize 1 --type incident --category network
	assert_kept
	ticket_is 1 .category '"network"'
	run --separate-stderr full prioritize 1 --impact high --urgency high
	assert_kept
	ticket_is 1 .priority '"P1"'
	run --separate-stderr full assign 1 --to dave
	assert_kept
	ticket_is 1 .assignee '"dave"'
	run --separate-stderr full hold 1 --reason user -m "waiting"
	assert_kept
	ticket_is 1 .status '"on_hold"'
	run --separate-stderr full hold 1 --release
	assert_kept
	run --separate-stderr full resolve 1 --permanent -m "fixed"
	assert_kept
	ticket_is 1 .status '"resolved"'
	run --separate-stderr full close 1 --confirmed
	assert_kept
	ticket_is 1 .status '"closed"'
	run --separate-stderr full major declare 2 -m "all down" --json
	assert_kept
	ticket_is 2 .major true
	itsm export >"$BATS_TEST_TMPDIR/backup.jsonl"
	run --separate-stderr full --db "$BATS_TEST_TMPDIR/new.db" import \
	    "$BATS_TEST_TMPDIR/backup.jsonl"
	assert_kept
	[ "$(sqlite3 "$BATS_TEST_TMPDIR/new.db" 'SELECT count(*) FROM tickets')" = 2 ]
}

@test "a reading command >/dev/full: 74, as before; so is a dry run" {
	[ -w /dev/full ] || skip "no /dev/full"
	open_ticket "Mail down" --caller ann --impact high --urgency high \
	    --at -11d
	itsm resolve 1 --permanent -m "fixed" --at -10d >/dev/null
	open_ticket "VPN slow" --caller bob
	before=$(db_digest)
	for args in "list" "list --all" "show 1" "list --format csv" "stats" \
	    "export" "next" "show 1 --json" "close --auto --dry-run"; do
		# shellcheck disable=SC2086
		run --separate-stderr full $args
		assert_lost
	done
	assert_unchanged "$before"
	# The same sweep for real: the ticket is closed, the output lost.
	run --separate-stderr full close --auto
	assert_kept
	ticket_is 1 .status '"closed"'
}

@test "a closed pipe: a writing command exits 73 (not killed by SIGPIPE), a reading one 74" {
	open_ticket "Mail down" --caller ann
	# The reader is gone before itsm writes.
	(sleep 0.5; rc=0; itsm note 1 -m "piped" --json || rc=$?
	    echo $rc >"$BATS_TEST_TMPDIR/rc") \
	    2>"$BATS_TEST_TMPDIR/err" | true
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 73 ]
	grep -q "the change is kept.*Broken pipe" "$BATS_TEST_TMPDIR/err"
	[ "$(count_events "kind = 'note' AND message = 'piped'")" = 1 ]
	(sleep 0.5; rc=0; itsm show 1 || rc=$?; echo $rc >"$BATS_TEST_TMPDIR/rc") \
	    2>"$BATS_TEST_TMPDIR/err" | true
	[ "$(cat "$BATS_TEST_TMPDIR/rc")" = 74 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
}
