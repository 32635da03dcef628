#!/usr/bin/env bats
# The history stays in order (issue 11): an action's time, stated with
# --at, is never before the latest thing that happened to the ticket (the
# resolution for a close, the hold for a release, the opening for
# anything) nor in the future; a writer whose clock is behind records the
# action at the time of that latest event, its real time kept in
# recorded_at.

load helper

# sla_section REF: the "sla" section of "itsm show REF --format table".
sla_section() {
	itsm show "$1" --format table | sed -n '/^sla$/,/^$/p' | sed '/^$/d'
}

@test "close --confirmed --at before the resolution is refused (65): the breach stays a breach" {
	export ITSM_NOW=2026-12-05T10:00:00Z
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	export ITSM_NOW=2026-12-05T16:00:00Z
	itsm resolve 1 --permanent -m fixed >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm close 1 --confirmed --at -359m
	assert_rejected 65 "--at 2026-12-05T10:01:00Z is before the resolution of INC-1 at 2026-12-05T16:00:00Z$" "$before"
	ticket_is 1 '[.status, .resolved_at, .closed_at]' '["resolved","2026-12-05T16:00:00Z",null]'
	run sla_section 1
	[[ $output == *"resolution          due 2026-12-05T14:00:00Z (missed)"* ]]
	# At the resolution or after it, the close is logged as stated.
	run --separate-stderr itsm close 1 --confirmed --at 2026-12-05T16:00:00Z
	assert_status 0
	ticket_is 1 '[.status, .closed_at]' '["closed","2026-12-05T16:00:00Z"]'
	run sla_section 1
	[[ $output == *"resolution          due 2026-12-05T14:00:00Z (missed)"* ]]
}

@test "hold --release --at before the hold is refused (65): a late P1 stays breached" {
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	itsm note 1 -m looking >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm hold 1 --reason vendor -m patch >/dev/null
	export ITSM_NOW=2026-11-28T10:30:00Z
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --release --at 2026-11-28T09:30:00Z
	assert_rejected 65 "--at 2026-11-28T09:30:00Z is before the hold of INC-1 at 2026-11-28T10:00:00Z$" "$before"
	# Released at 10:30: the clock runs again, and a week later the P1
	# is breached.
	itsm hold 1 --release >/dev/null
	export ITSM_NOW=2026-12-05T10:00:00Z
	run --separate-stderr itsm list --breached -q
	assert_status 0
	assert_output "INC-1"
	run sla_section 1
	[[ $output != *left* ]]
	[[ $output == *"over"* ]]
}

# refused_at CMD...: CMD (an itsm command line) is refused with 65 naming
# the event of INC-1 at 10:00, and changes nothing.
refused_at() {
	local before
	before=$(db_digest)
	run --separate-stderr itsm "$@" --at 2026-11-28T09:59:59Z
	assert_rejected 65 "--at 2026-11-28T09:59:59Z is before the [a-z -]+ of INC-1 at 2026-11-28T10:00:00Z$" "$before"
}

@test "every action with --at before the ticket's latest event is refused (65), nothing changed" {
	open_ticket "Mail slow" --caller alice --impact medium --urgency medium
	ITSM_NOW=2026-11-28T10:00:00Z itsm note 1 -m "looking" >/dev/null
	export ITSM_NOW=2026-11-28T12:00:00Z
	refused_at note 1 -m "later note"
	refused_at assign 1 --to bob
	refused_at assign 1 --group support-l2
	refused_at escalate 1
	refused_at escalate 1 --hierarchical --reason blocked -m "stuck"
	refused_at categorize 1 --type incident --category software
	refused_at prioritize 1 --impact high --urgency high
	refused_at hold 1 --reason user -m "away"
	refused_at resolve 1 --workaround -m "restarted"
	refused_at cancel 1 -m "mistake"
	refused_at major declare 1
	# The message names the event: the note started the work.
	refused_at note 1 -m x
	[[ $stderr == *"before the start of work of INC-1"* ]]
	# At the same second it is accepted.
	run --separate-stderr itsm note 1 -m "same second" --at 2026-11-28T10:00:00Z
	assert_status 0
}

@test "an action is not before the last change it depends on; notes may be logged late among notes" {
	open_ticket "Mail slow" --caller alice --impact medium --urgency medium
	itsm note 1 -m "looking" >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm assign 1 --group support-l2 >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm prioritize 1 --impact high --urgency high >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm categorize 1 --type incident --category software >/dev/null
	export ITSM_NOW=2026-11-28T12:00:00Z
	refused_at assign 1 --to bob
	[[ $stderr == *"before the assignment of INC-1"* ]]
	refused_at escalate 1
	[[ $stderr == *"before the assignment of INC-1"* ]]
	refused_at prioritize 1 --impact low --urgency low
	[[ $stderr == *"before the prioritization of INC-1"* ]]
	refused_at categorize 1 --type incident --category hardware
	[[ $stderr == *"before the categorization of INC-1"* ]]
	# A note written after the fact takes its place among the notes: it
	# changes nothing the later events depend on.
	run --separate-stderr itsm note 1 -m "called the user" --at 2026-11-28T09:30:00Z
	assert_status 0
	# But not before the opening.
	before=$(db_digest)
	run --separate-stderr itsm note 1 -m "early" --at 2026-11-28T08:59:00Z
	assert_rejected 65 "--at 2026-11-28T08:59:00Z is before the opening of INC-1 at 2026-11-28T09:00:00Z$" "$before"
}

@test "reopen, reject and the verbs of a major follow the same rule" {
	open_ticket "VPN down" --caller alice --impact high --urgency high
	ITSM_NOW=2026-11-28T10:00:00Z itsm resolve 1 --workaround -m "restarted" >/dev/null
	export ITSM_NOW=2026-11-28T12:00:00Z
	refused_at close 1 --confirmed
	refused_at close 1 --rejected -m "still down"
	[[ $stderr == *"before the resolution of INC-1"* ]]
	ITSM_NOW=2026-11-28T10:00:00Z itsm close 1 --confirmed >/dev/null
	refused_at reopen 1 -m "back again"
	[[ $stderr == *"before the closure of INC-1"* ]]
	# A major: declared at 10:00; a timeline entry may be logged late,
	# but not before the declaration.
	ITSM_NOW=2026-11-28T08:00:00Z open_ticket "Payroll down" --caller bob --impact high --urgency high
	ITSM_NOW=2026-11-28T10:00:00Z itsm major declare 2 >/dev/null
	ITSM_NOW=2026-11-28T11:00:00Z itsm major update 2 -m "failover done" >/dev/null
	run --separate-stderr itsm major update 2 -m "failover started" --at 2026-11-28T10:30:00Z
	assert_status 0
	before=$(db_digest)
	for v in "update 2 -m x" "comms 2 --audience users -m x" "end 2" \
	    "roster 2 --add carl --role scribe" "roster 2 --handover carl" \
	    "review 2 --root-cause x" "action 2 --add x --owner o --due 2026-12-01"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm major $v --at 2026-11-28T09:30:00Z
		assert_status 65
		assert_one_line_error "is before the declaration as a major of INC-2 at 2026-11-28T10:00:00Z$"
	done
	assert_unchanged "$before"
	# A roster change or an action is not undone before it was made.
	ITSM_NOW=2026-11-28T11:00:00Z itsm major roster 2 --add carl --role scribe >/dev/null
	ITSM_NOW=2026-11-28T11:00:00Z itsm major action 2 --add "fix the disk" --owner dan --due 2026-12-01 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major roster 2 --remove carl --at 2026-11-28T10:30:00Z
	assert_rejected 65 "is before the roster change of INC-2 at 2026-11-28T11:00:00Z$" "$before"
	run --separate-stderr itsm major action 2 --done 1 --at 2026-11-28T10:30:00Z
	assert_rejected 65 "is before the action change of INC-2 at 2026-11-28T11:00:00Z$" "$before"
}

@test "a major's children: link and resolution are refused before a child's own history" {
	open_major "Payroll down" --caller ann --impact high --urgency high
	ITSM_NOW=2026-11-28T10:00:00Z open_ticket "Payroll error" --caller bob
	export ITSM_NOW=2026-11-28T12:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 2 --at 2026-11-28T09:30:00Z
	assert_rejected 65 "--at 2026-11-28T09:30:00Z is before the opening of INC-2 at 2026-11-28T10:00:00Z$" "$before"
	itsm major link 1 --child 2 --at 2026-11-28T10:30:00Z >/dev/null
	ITSM_NOW=2026-11-28T11:00:00Z itsm note 2 -m "me too" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "fixed" --at 2026-11-28T10:45:00Z
	assert_rejected 65 "--at 2026-11-28T10:45:00Z is before the start of work of INC-2 at 2026-11-28T11:00:00Z$" "$before"
	run --separate-stderr itsm resolve 1 --permanent -m "fixed" --at 2026-11-28T11:00:00Z
	assert_status 0
	ticket_is 2 '[.status, .resolved_at]' '["resolved","2026-11-28T11:00:00Z"]'
}

@test "--at in the future is refused (65) with both times" {
	open_ticket "Mail slow" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm note 1 -m x --at 2026-11-28T09:00:01Z
	assert_rejected 65 "--at 2026-11-28T09:00:01Z is in the future \(now 2026-11-28T09:00:00Z\)$" "$before"
}

@test "a clock behind the ticket's latest event records at that event's time, the real time kept" {
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	itsm note 1 -m looking >/dev/null
	# Host A (clock right) puts it on hold at 10:00; host B, its clock
	# an hour behind, releases it.
	ITSM_NOW=2026-11-28T10:00:00Z itsm hold 1 --reason vendor -m patch >/dev/null
	run --separate-stderr env ITSM_NOW=2026-11-28T09:30:00Z "$ITSM" hold 1 --release
	assert_status 0
	ticket_is 1 '[.status, .updated_at, (.events[-1] | .kind, .at, .recorded_at)]' \
	    '["in_progress","2026-11-28T10:00:00Z","release","2026-11-28T10:00:00Z","2026-11-28T09:30:00Z"]'
	# The clock runs again: a week later the P1 is breached.
	export ITSM_NOW=2026-12-05T10:00:00Z
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1"
	# A close from a host behind the resolution is not before it either.
	ITSM_NOW=2026-12-05T16:00:00Z itsm resolve 1 --permanent -m fixed >/dev/null
	ITSM_NOW=2026-12-05T10:01:00Z itsm close 1 --confirmed >/dev/null
	ticket_is 1 '[.resolved_at, .closed_at]' '["2026-12-05T16:00:00Z","2026-12-05T16:00:00Z"]'
}

@test "an imported ticket with no event for its resolution: its resolved_at holds a close back all the same" {
	printf '%s\n' '{"id":1,"summary":"s","caller":"c","status":"resolved","priority":"P3","opened_at":"2026-11-01T00:00:00Z","resolved_at":"2026-11-20T00:00:00Z"}' \
	    >"$BATS_TEST_TMPDIR/in.jsonl"
	itsm import "$BATS_TEST_TMPDIR/in.jsonl" >/dev/null 2>&1
	before=$(db_digest)
	run --separate-stderr itsm close 1 --confirmed --at 2026-11-10T00:00:00Z
	assert_rejected 65 "--at 2026-11-10T00:00:00Z is before the resolution of INC-1 at 2026-11-20T00:00:00Z$" "$before"
	run --separate-stderr itsm close 1 --confirmed --at 2026-11-21T00:00:00Z
	assert_status 0
	ticket_is 1 '[.resolved_at, .closed_at]' '["2026-11-20T00:00:00Z","2026-11-21T00:00:00Z"]'
}
