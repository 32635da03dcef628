#!/usr/bin/env bats
# itsm major watch (issue 4): follows the timeline live, like tail -f,
# showing entries written by other processes; line-buffered when piped;
# ends by itself when the major ends, or on interrupt.  No timing is
# asserted: each wait is bounded (wait_for_line, wait_for_exit).

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
	WATCH_OUT="$BATS_TEST_TMPDIR/watch.out"
	WATCH_ERR="$BATS_TEST_TMPDIR/watch.err"
	WATCH_PID=
}

teardown() {
	# A watcher left behind by a failed test.
	if [ -n "$WATCH_PID" ] && kill -0 "$WATCH_PID" 2>/dev/null; then
		kill "$WATCH_PID"
	fi
	db_teardown
}

# start_watch ARGS...: "itsm major watch ARGS" in the background, its
# output into $WATCH_OUT (a file), its pid in WATCH_PID.
start_watch() {
	"$ITSM" major watch "$@" >"$WATCH_OUT" 2>"$WATCH_ERR" 3>&- &
	WATCH_PID=$!
}

# watch_status: waits for the watcher to exit (bounded) and sets
# WATCH_STATUS to its exit status.
watch_status() {
	wait_for_exit "$WATCH_PID" || return 1
	WATCH_STATUS=0
	wait "$WATCH_PID" || WATCH_STATUS=$?
}

@test "watch shows an update written by another process, and ends when the major ends" {
	open_major "Payroll down" --caller ann
	start_watch INC-1
	wait_for_line "$WATCH_OUT" 'major-roster'
	ITSM_NOW=2026-11-28T09:05:00Z itsm major update 1 -m "failover started" >/dev/null
	wait_for_line "$WATCH_OUT" 'failover started$'
	kill -0 "$WATCH_PID"
	ITSM_NOW=2026-11-28T09:06:00Z ITSM_ACTOR=bob itsm major comms 1 --audience users -m "payroll is down" >/dev/null
	wait_for_line "$WATCH_OUT" 'payroll is down$'
	ITSM_NOW=2026-11-28T09:30:00Z itsm major end 1 -m "restored" >/dev/null
	watch_status
	[ "$WATCH_STATUS" = 0 ]
	[ ! -s "$WATCH_ERR" ]
	run cat "$WATCH_OUT"
	assert_output "2026-11-28T09:00:00Z	alice	open	status		new	
2026-11-28T09:00:00Z	alice	major-declare	major		active	
2026-11-28T09:00:00Z	alice	major-roster	alice		commander	
2026-11-28T09:00:00Z	alice	start	status	new	in_progress	
2026-11-28T09:05:00Z	alice	major-update				failover started
2026-11-28T09:06:00Z	bob	major-comms	users			payroll is down
2026-11-28T09:30:00Z	alice	major-end	major	active	ended	restored"
}

@test "watch is line-buffered into a pipe" {
	open_major "Payroll down" --caller ann
	"$ITSM" major watch 1 2>"$WATCH_ERR" 3>&- | cat >"$WATCH_OUT" 3>&- &
	wait_for_line "$WATCH_OUT" 'major-roster'
	itsm major update 1 -m "through the pipe" >/dev/null
	wait_for_line "$WATCH_OUT" 'through the pipe$'
	itsm major end 1 >/dev/null
	# The pipeline ends when watch does.
	WATCH_PID=$!
	watch_status
	[ "$WATCH_STATUS" = 0 ]
}

@test "watch --format table prints one readable line per entry" {
	open_major "Payroll down" --caller ann
	start_watch 1 --format table
	wait_for_line "$WATCH_OUT" 'major-roster'
	ITSM_NOW=2026-11-28T09:05:00Z itsm major update 1 -m "failover started" >/dev/null
	wait_for_line "$WATCH_OUT" 'failover started$'
	ITSM_NOW=2026-11-28T09:30:00Z itsm major end 1 >/dev/null
	watch_status
	run cat "$WATCH_OUT"
	assert_output "2026-11-28T09:00:00Z  alice  open  status: - -> new
2026-11-28T09:00:00Z  alice  major-declare  major: - -> active
2026-11-28T09:00:00Z  alice  major-roster  alice: - -> commander
2026-11-28T09:00:00Z  alice  start  status: new -> in_progress
2026-11-28T09:05:00Z  alice  major-update  failover started
2026-11-28T09:30:00Z  alice  major-end  major: active -> ended"
}

@test "watch of an ended major prints its timeline and exits at once" {
	open_major "Payroll down" --caller ann
	ITSM_NOW=2026-11-28T09:30:00Z itsm major end 1 >/dev/null
	start_watch 1
	watch_status
	[ "$WATCH_STATUS" = 0 ]
	run cat "$WATCH_OUT"
	assert_output "2026-11-28T09:00:00Z	alice	open	status		new	
2026-11-28T09:00:00Z	alice	major-declare	major		active	
2026-11-28T09:00:00Z	alice	major-roster	alice		commander	
2026-11-28T09:00:00Z	alice	start	status	new	in_progress	
2026-11-28T09:30:00Z	alice	major-end	major	active	ended	"
}

@test "watch ends on interrupt" {
	open_major "Payroll down" --caller ann
	start_watch 1
	wait_for_line "$WATCH_OUT" 'major-roster'
	kill -INT "$WATCH_PID"
	watch_status
	start_watch 1
	wait_for_line "$WATCH_OUT" 'major-roster'
	kill -TERM "$WATCH_PID"
	watch_status
}

@test "watch of a ticket that never was major is not found (66)" {
	open_ticket "Printer jam" --caller ann
	run --separate-stderr itsm major watch 1
	assert_status 66
	assert_output ""
	assert_one_line_error "INC-1 never was a major incident"
}

@test "watch --format csv has a header and quotes what needs it" {
	open_major "Payroll down" --caller ann
	itsm major update 1 -m 'the "primary", full' >/dev/null
	itsm major end 1 >/dev/null
	run --separate-stderr itsm major watch 1 --format csv
	assert_status 0
	assert_output 'at,actor,kind,field,from,to,message
2026-11-28T09:00:00Z,alice,open,status,,new,
2026-11-28T09:00:00Z,alice,major-declare,major,,active,
2026-11-28T09:00:00Z,alice,major-roster,alice,,commander,
2026-11-28T09:00:00Z,alice,start,status,new,in_progress,
2026-11-28T09:00:00Z,alice,major-update,,,,"the ""primary"", full"
2026-11-28T09:00:00Z,alice,major-end,major,active,ended,'
}
