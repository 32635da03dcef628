#!/usr/bin/env bats
# Concurrency, small (make check): 4 technicians each open 25 tickets and
# note them while cron's escalate --stagnant and close --auto and a list
# run in loops.  Nothing lost, no "database is locked", nothing on
# stderr, the database sound.  The full run (8 x 200) is in tests/stress
# (make stress); the scenario is tests/stress/stress.bash.

load helper
load ../stress/stress

@test "4 x 25 tickets with notes while escalate --stagnant, close --auto and list loop: nothing lost" {
	valgrind_waits
	stress_concurrency 4 25
}

@test "the sound-database check catches a ticket without its opening event" {
	open_ticket "x" --caller y
	assert_db_sound
	# A ticket written behind itsm's back, without an event.
	db_sql "INSERT INTO tickets (id, type, status, summary,
	    caller, affected, opened_at, updated_at) SELECT 2, type, status,
	    summary, caller, affected, opened_at, updated_at FROM tickets"
	run assert_db_sound
	[ "$status" != 0 ]
	[[ $output == *"without an opening event: 2"* ]]
}
