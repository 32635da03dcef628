#!/usr/bin/env bats
# Crashes, small (make check): kill -9 at random moments during a large
# import and during bursts of writes, 5 times each.  Every time the
# database passes integrity_check, an import is all or nothing, no ticket
# is without its opening event, each ticket's state is its last events',
# and the next command works.  The full run (50 times) is in tests/stress
# (make stress); the scenarios are tests/stress/stress.bash.

load helper
load ../stress/stress

@test "kill -9 during an import of 2,000 tickets, 5 times: all or nothing, the database sound" {
	crash_import 5 2000
}

@test "kill -9 during bursts of writes by 3 processes, 5 times: the database sound" {
	crash_burst 5 3
}

@test "an import that completes after a killed one holds every ticket" {
	crash_template "$BATS_TEST_TMPDIR/template.jsonl"
	crash_import_file "$BATS_TEST_TMPDIR/template.jsonl" 600 10 \
	    "$BATS_TEST_TMPDIR/in.jsonl"
	open_ticket "first" --caller setup
	"$ITSM" import "$BATS_TEST_TMPDIR/in.jsonl" >/dev/null 3>&- &
	pid=$!
	sleep 0.05
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" || true
	assert_db_sound
	n=$(db_sql 'SELECT count(*) FROM tickets')
	[ "$n" = 1 ] || [ "$n" = 601 ]
	if [ "$n" = 1 ]; then
		run --separate-stderr itsm import "$BATS_TEST_TMPDIR/in.jsonl"
		assert_status 0
		assert_stderr ""
	fi
	[ "$(db_sql 'SELECT count(*) FROM tickets')" = 601 ]
	# The imported tickets keep their events, the template's.
	[ "$(db_sql "SELECT count(*) FROM events WHERE kind = 'open'")" = 601 ]
	run --separate-stderr itsm show 606 --json
	assert_status 0
	jq_is '[.summary, .status]' '["vpn drops","on_hold"]'
	assert_db_sound
}
