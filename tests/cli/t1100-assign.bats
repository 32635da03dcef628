#!/usr/bin/env bats
# itsm assign: take a ticket (yourself by default), hand it to someone, or
# move it to another group; reassignments are counted.

load helper

@test "assign takes the ticket for yourself (ITSM_ACTOR) and starts the work" {
	open_ticket "Mail down" --caller alice
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T09:04:00Z
	run --separate-stderr itsm assign INC-1
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.assignee, .status, .responded_at, .reassignment_count, .group, .tier]' \
	    '["bob","in_progress","2026-11-28T09:04:00Z",0,"service-desk","N1"]'
	ticket_is 1 '[.events[1:][] | [.at, .actor, .kind, .field, .from, .to]]' \
	    '[["2026-11-28T09:04:00Z","bob","assign","assignee",null,"bob"],["2026-11-28T09:04:00Z","bob","start","status","new","in_progress"]]'
}

@test "assign without ITSM_ACTOR takes the login name" {
	open_ticket "Mail down" --caller alice
	me=$(itsm_login)
	run --separate-stderr itsm assign 1
	assert_status 0
	ticket_is 1 '.assignee' "\"$me\""
}

@test "assign --to hands the ticket to someone else" {
	open_ticket "Mail down" --caller alice
	export ITSM_ACTOR=bob
	run --separate-stderr itsm assign 1 --to carol -m "she knows mail"
	assert_status 0
	assert_output "INC-1"
	ticket_is 1 '[.assignee, .status, .reassignment_count]' '["carol","in_progress",0]'
	ticket_is 1 '[.events[1] | .actor, .kind, .field, .to, .message]' \
	    '["bob","assign","assignee","carol","she knows mail"]'
}

@test "assign --group moves the ticket: the tier follows the group" {
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm assign 1 --group support-l2 --to dave
	assert_status 0
	ticket_is 1 '[.group, .tier, .assignee]' '["support-l2","N2","dave"]'
	ticket_is 1 '[.events[] | select(.kind == "assign") | [.field, .from, .to]]' \
	    '[["group","service-desk","support-l2"],["tier","N1","N2"],["assignee",null,"dave"]]'
	run --separate-stderr itsm assign 1 --group ENGINEERING --to erin
	assert_status 0
	ticket_is 1 '[.group, .tier, .assignee]' '["engineering","N3","erin"]'
	# Down again: assign may move a ticket anywhere.
	run --separate-stderr itsm assign 1 --group service-desk --to bob
	assert_status 0
	ticket_is 1 '[.group, .tier, .assignee]' '["service-desk","N1","bob"]'
}

@test "assign --group without --to hands the ticket to the group, unassigned, no response" {
	export ITSM_ACTOR=bob
	open_ticket "Mail down" --caller alice
	itsm assign 1 >/dev/null
	open_ticket "DNS down" --caller alice
	run --separate-stderr itsm assign 1 --group support-l2 -m "for the mail team"
	assert_status 0
	assert_output "INC-1"
	ticket_is 1 '[.group, .tier, .assignee, .status, .reassignment_count]' \
	    '["support-l2","N2",null,"in_progress",1]'
	ticket_is 1 '[.events[-3:][] | [.kind, .field, .from, .to, .message]]' \
	    '[["assign","group","service-desk","support-l2","for the mail team"],["assign","tier","N1","N2","for the mail team"],["assign","assignee","bob",null,"for the mail team"]]'
	# Moving a new ticket to a queue is no response.
	run --separate-stderr itsm assign 2 --group support-l2
	assert_status 0
	ticket_is 2 '[.group, .assignee, .status, .responded_at]' '["support-l2",null,"new",null]'
}

@test "reassignment_count counts reassignments, not the first assignment" {
	open_ticket "Mail down" --caller alice
	itsm assign 1 --to bob >/dev/null
	ticket_is 1 '.reassignment_count' '0'
	itsm assign 1 --to carol >/dev/null
	ticket_is 1 '.reassignment_count' '1'
	# The same person again is no reassignment.
	itsm assign 1 --to carol >/dev/null
	ticket_is 1 '.reassignment_count' '1'
	# Another group is one.
	itsm assign 1 --group support-l2 --to carol >/dev/null
	ticket_is 1 '.reassignment_count' '2'
	itsm assign 1 --to dave >/dev/null
	ticket_is 1 '[.reassignment_count, .assignee]' '[3,"dave"]'
}

@test "assign --json prints the ticket object" {
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm assign 1 --to bob --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.assignee, .status]' '["bob","in_progress"]'
}

@test "assign bad input: unknown group (65), empty assignee (65), unknown ticket (66)" {
	open_ticket "Mail down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm assign 1 --group nope
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown group 'nope' (expected one of: service-desk, support-l2, engineering)"
	assert_unchanged "$before"
	run --separate-stderr itsm assign 1 --to ""
	assert_rejected 65 "assignee is empty" "$before"
	run --separate-stderr itsm assign 2
	assert_rejected 66 "no such ticket" "$before"
}

@test "assigning a resolved or closed ticket is refused (1), nothing changed" {
	open_ticket "Mail down" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm assign 1 --to bob
	assert_refused "itsm: cannot assign INC-1: it is resolved (assign is allowed when new, in_progress, on_hold)" "$before"
	itsm close 1 --confirmed >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm assign 1 --group support-l2
	assert_refused "itsm: cannot assign INC-1: it is closed (assign is allowed when new, in_progress, on_hold)" "$before"
}
