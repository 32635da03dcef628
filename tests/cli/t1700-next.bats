#!/usr/bin/env bats
# itsm next: the one ticket to work on now, the head of the queue for you
# or your group.

load helper

@test "next on an empty queue prints nothing and exits 0" {
	run --separate-stderr itsm next
	assert_status 0
	assert_output ""
	assert_stderr ""
	open_ticket "done" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	for opt in "" --mine "--group service-desk" --json -q; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm next $opt
		assert_status 0
		assert_output ""
		assert_stderr ""
	done
}

@test "next prints the head of the queue: priority first, then the oldest" {
	open_ticket "low" --caller a --impact low --urgency low
	open_ticket "P3 recent" --caller a --impact medium --urgency medium
	open_ticket "P3 older" --caller a --impact medium --urgency medium --at 2026-11-28T08:00:00Z
	open_ticket "no priority" --caller a --at 2026-11-28T07:00:00Z
	run --separate-stderr itsm next
	assert_status 0
	assert_output $'INC-3\tP3\tnew\t2026-11-28T08:00:00Z\tservice-desk\t\tP3 older'
	assert_stderr ""
	open_ticket "P1" --caller a --impact high --urgency high
	run --separate-stderr itsm next -q
	assert_output "INC-5"
}

@test "next skips tickets on hold, resolved, closed and cancelled" {
	open_ticket "held P1" --caller a --impact high --urgency high
	itsm hold 1 --reason vendor -m "patch" >/dev/null
	open_ticket "resolved P1" --caller a --impact high --urgency high
	itsm resolve 2 --workaround -m "restarted" >/dev/null
	open_ticket "cancelled P1" --caller a --impact high --urgency high
	itsm cancel 3 -m "mistake" >/dev/null
	open_ticket "P5" --caller a --impact low --urgency low
	run --separate-stderr itsm next -q
	assert_status 0
	assert_output "INC-4"
	itsm hold 1 --release >/dev/null
	run --separate-stderr itsm next -q
	assert_output "INC-1"
}

@test "next without option: tickets assigned to you or to nobody" {
	export ITSM_ACTOR=bob
	open_ticket "P1 carol's" --caller a --impact high --urgency high
	itsm assign 1 --to carol >/dev/null
	open_ticket "P2 nobody's" --caller a --impact high --urgency medium
	open_ticket "P3 bob's" --caller a --impact medium --urgency medium
	itsm assign 3 >/dev/null
	run --separate-stderr itsm next -q
	assert_output "INC-2"
	itsm assign 2 --to carol >/dev/null
	run --separate-stderr itsm next -q
	assert_output "INC-3"
}

@test "next --mine: the head of the tickets assigned to you" {
	export ITSM_ACTOR=bob
	open_ticket "P1 nobody's" --caller a --impact high --urgency high
	open_ticket "P4 bob's" --caller a --impact medium --urgency low
	open_ticket "P2 bob's" --caller a --impact high --urgency medium
	run --separate-stderr itsm next --mine
	assert_status 0
	assert_output ""
	itsm assign 2 >/dev/null
	itsm assign 3 >/dev/null
	run --separate-stderr itsm next --mine
	assert_output $'INC-3\tP2\tin_progress\t2026-11-28T09:00:00Z\tservice-desk\tbob\tP2 bob\'s'
	ITSM_ACTOR=carol run --separate-stderr itsm next --mine
	assert_status 0
	assert_output ""
}

@test "next --group G: the head of that group's queue, whoever has it" {
	export ITSM_ACTOR=bob
	open_ticket "sd P1" --caller a --impact high --urgency high
	open_ticket "l2 P3" --caller a --impact medium --urgency medium
	itsm escalate 2 >/dev/null
	itsm assign 2 --to carol >/dev/null
	open_ticket "l2 P4" --caller a --impact low --urgency medium
	itsm escalate 3 >/dev/null
	run --separate-stderr itsm next --group support-l2 -q
	assert_status 0
	assert_output "INC-2"
	run --separate-stderr itsm next --group Service-Desk -q
	assert_output "INC-1"
	run --separate-stderr itsm next --group engineering
	assert_status 0
	assert_output ""
}

@test "next --json prints one ticket object, --format table a header and the row" {
	open_ticket "P2" --caller a --impact high --urgency medium
	run --separate-stderr itsm next --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .priority]' '["INC-1","P2"]'
	run --separate-stderr itsm next --format table
	assert_status 0
	[ "${#lines[@]}" = 2 ]
	[[ ${lines[0]} == REF* ]]
	[[ ${lines[1]} == "INC-1 "* ]]
}

@test "next changes nothing" {
	open_ticket "P2" --caller a --impact high --urgency medium
	before=$(db_digest)
	run --separate-stderr itsm next
	assert_status 0
	assert_unchanged "$before"
}

@test "next --group with --mine (64), an unknown group (65), an operand (64)" {
	open_ticket "P2" --caller a --impact high --urgency medium
	run --separate-stderr itsm next --group service-desk --mine
	assert_status 64
	assert_output ""
	assert_one_line_error "--group and --mine exclude each other"
	run --separate-stderr itsm next --group nope
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown group 'nope' (expected one of: service-desk, support-l2, engineering), and no ticket has that group"
	run --separate-stderr itsm next 1
	assert_status 64
	assert_output ""
}
