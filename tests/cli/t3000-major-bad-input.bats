#!/usr/bin/env bats
# itsm major, bad input (issue 4): each refusal has its documented exit
# status (itsm(1)), one line on stderr, nothing on stdout, and leaves the
# database as it was.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
	# INC-1 an active major, INC-2 an incident, REQ-3 a request, INC-4
	# a major ended and closed.
	open_major "Payroll down" --caller ann --service payroll --impact medium --urgency high
	open_ticket "Payroll error" --caller bob --service payroll
	open_ticket "New laptop" --caller carl --type request
	open_major "Mail down" --caller dan --impact low --urgency low
	itsm major end 4 >/dev/null
	itsm resolve 4 --workaround -m "restarted" >/dev/null
	itsm close 4 --confirmed >/dev/null
	BEFORE=$(db_digest)
}

# --- refused by the workflow (1) ---

@test "declaring a request is refused (1)" {
	run --separate-stderr itsm major declare REQ-3 -m "laptops for all"
	assert_rejected 1 "cannot declare REQ-3 major: it is a request, not an incident" "$BEFORE"
}

@test "declaring a change is refused (1)" {
	open_ticket "Upgrade payroll" --caller erin --type change
	before=$(db_digest)
	run --separate-stderr itsm major declare 5
	assert_rejected 1 "cannot declare CHG-5 major: it is a change, not an incident" "$before"
}

@test "a second commander is refused (1)" {
	run --separate-stderr itsm major roster 1 --add bob --role commander
	assert_rejected 1 "INC-1 has a commander already \(alice\): there is exactly one" "$BEFORE"
}

@test "linking to a closed major is refused (1)" {
	run --separate-stderr itsm major link 4 --child 2
	assert_rejected 1 "cannot link incidents to INC-4: the major is ended" "$BEFORE"
}

@test "linking to an ended major is refused (1)" {
	itsm major end 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 2
	assert_rejected 1 "cannot link incidents to INC-1: the major is ended" "$before"
}

@test "ending a major twice is refused (1)" {
	run --separate-stderr itsm major end 4 -m "again"
	assert_rejected 1 "cannot end INC-4: the major is ended \(only while it is active\)" "$BEFORE"
}

@test "updating, communicating or linking on a ticket never major is refused (1)" {
	run --separate-stderr itsm major update 2 -m "x"
	assert_rejected 1 "cannot update INC-2: it is not a major incident" "$BEFORE"
	run --separate-stderr itsm major comms 2 --audience users -m "x"
	assert_rejected 1 "cannot communicate on INC-2: it is not a major incident" "$BEFORE"
	run --separate-stderr itsm major end 2
	assert_rejected 1 "cannot end INC-2: it is not a major incident" "$BEFORE"
	run --separate-stderr itsm major action 2 --add "x" --owner bob --due 2026-12-01
	assert_rejected 1 "cannot add an action to INC-2: it is not a major incident" "$BEFORE"
}

# --- invalid value (65) ---

@test "an unknown role is invalid (65)" {
	run --separate-stderr itsm major roster 1 --add bob --role chef
	assert_rejected 65 "unknown role 'chef'" "$BEFORE"
}

@test "an unknown audience is invalid (65)" {
	run --separate-stderr itsm major comms 1 --audience ceo -m "payroll is down"
	assert_rejected 65 "unknown audience 'ceo' \(expected one of: executives, users, service-desk\)" "$BEFORE"
}

@test "an unknown channel is invalid (65)" {
	run --separate-stderr itsm major comms 1 --audience users -m "down" --channel pigeon
	assert_rejected 65 "unknown channel 'pigeon'" "$BEFORE"
}

@test "linking a ticket to itself is invalid (65)" {
	run --separate-stderr itsm major link 1 --child 1
	assert_rejected 65 "cannot link a ticket to itself" "$BEFORE"
}

@test "empty text, a bad time or a bad ref is invalid (65)" {
	run --separate-stderr itsm major update 1 -m ""
	assert_rejected 65 "update is empty" "$BEFORE"
	run --separate-stderr itsm major update 1 -m - </dev/null
	assert_rejected 65 "update is empty" "$BEFORE"
	run --separate-stderr itsm major update 1 -m "x" --at tomorrow
	assert_rejected 65 "invalid time 'tomorrow'" "$BEFORE"
	run --separate-stderr itsm major update 1 -m "x" --at 2026-11-28T08:00:00Z
	assert_rejected 65 "--at 2026-11-28T08:00:00Z is before the [a-z ]+ of INC-1 at 2026-11-28T09:00:00Z" "$BEFORE"
	run --separate-stderr itsm major declare 2 --commander ""
	assert_rejected 65 "commander is empty" "$BEFORE"
	run --separate-stderr itsm major link 1 --child abc
	assert_rejected 65 "'abc'" "$BEFORE"
}

# --- no such ticket (66) ---

@test "the report of a ticket that never was major is not found (66)" {
	run --separate-stderr itsm major report 2
	assert_rejected 66 "INC-2 never was a major incident" "$BEFORE"
	run --separate-stderr itsm major report REQ-3
	assert_rejected 66 "REQ-3 never was a major incident" "$BEFORE"
}

@test "a ticket that does not exist is not found (66)" {
	run --separate-stderr itsm major declare 99
	assert_rejected 66 "no such ticket" "$BEFORE"
	run --separate-stderr itsm major status 99
	assert_rejected 66 "no such ticket" "$BEFORE"
}

# --- usage (64) ---

@test "an unknown verb is a usage error (64)" {
	run --separate-stderr itsm major promote 1
	assert_rejected 64 "unknown verb 'promote'" "$BEFORE"
	run --separate-stderr itsm major
	assert_rejected 64 "missing the verb" "$BEFORE"
	# No prefix abbreviation.
	run --separate-stderr itsm major decl 2
	assert_rejected 64 "unknown verb 'decl'" "$BEFORE"
}

@test "missing required options are usage errors (64)" {
	run --separate-stderr itsm major comms 1 -m "down"
	assert_rejected 64 "missing --audience" "$BEFORE"
	run --separate-stderr itsm major comms 1 --audience users
	assert_rejected 64 "missing --message" "$BEFORE"
	run --separate-stderr itsm major update 1
	assert_rejected 64 "missing --message" "$BEFORE"
	run --separate-stderr itsm major reject 1
	assert_rejected 64 "missing --message" "$BEFORE"
	run --separate-stderr itsm major link 1
	assert_rejected 64 "missing --child" "$BEFORE"
	run --separate-stderr itsm major roster 1
	assert_rejected 64 "give one of --add, --remove and --handover" "$BEFORE"
	run --separate-stderr itsm major roster 1 --add bob
	assert_rejected 64 "--add and --role go together" "$BEFORE"
	run --separate-stderr itsm major action 1 --add "alerts" --owner bob
	assert_rejected 64 "--add needs --owner and --due" "$BEFORE"
	run --separate-stderr itsm major action 1
	assert_rejected 64 "give one of --add and --done" "$BEFORE"
	run --separate-stderr itsm major review 1
	assert_rejected 64 "nothing to record" "$BEFORE"
	run --separate-stderr itsm major declare
	assert_rejected 64 "missing REF" "$BEFORE"
	run --separate-stderr itsm major watch
	assert_rejected 64 "missing REF" "$BEFORE"
}

@test "unknown options and extra arguments are usage errors (64)" {
	run --separate-stderr itsm major detect --bogus
	assert_rejected 64 "unknown option '--bogus'" "$BEFORE"
	run --separate-stderr itsm major detect 1
	assert_rejected 64 "unexpected argument '1'" "$BEFORE"
	run --separate-stderr itsm major declare 2 3
	assert_rejected 64 "unexpected argument '3'" "$BEFORE"
	run --separate-stderr itsm major comms 1 --audience users -m "x" --channel
	assert_rejected 64 "option --channel needs a value" "$BEFORE"
	run --separate-stderr itsm major action 1 --done 1 --owner bob
	assert_rejected 64 "--done takes no --owner or --due" "$BEFORE"
}

@test "a refused command runs no hook" {
	use_hooks
	hook_log post-major-comms
	hook_log post-major-declare
	run --separate-stderr itsm major comms 1 --audience ceo -m "x"
	assert_status 65
	run --separate-stderr itsm major declare 3
	assert_status 1
	[ ! -e "$BATS_TEST_TMPDIR/post-major-comms.jsonl" ]
	[ ! -e "$BATS_TEST_TMPDIR/post-major-declare.jsonl" ]
	# The hooks are there: a command that succeeds runs its hook.
	itsm major comms 1 --audience users -m "down" >/dev/null
	[ "$(wc -l <"$BATS_TEST_TMPDIR/post-major-comms.jsonl")" = 1 ]
}
