#!/usr/bin/env bats
# itsm note: diagnosis and work notes (step 6).  The first note on a new
# ticket starts the work and records the response.

load helper

@test "note -m TEXT prints the ref and records the note, its actor and time" {
	open_ticket "Mail down" --caller alice
	export ITSM_ACTOR=tom ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm note INC-1 -m "cannot reproduce on my PC"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.events[] | select(.kind == "note") | [.at, .actor, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:10:00Z","tom",null,null,null,"cannot reproduce on my PC"]]'
	ticket_is 1 '.updated_at' '"2026-11-28T09:10:00Z"'
}

@test "note -m - reads the note from standard input, lines kept" {
	open_ticket "Mail down" --caller alice
	printf 'ping ok\ndns ok\n' >"$BATS_TEST_TMPDIR/note"
	run --separate-stderr itsm note 1 -m - <"$BATS_TEST_TMPDIR/note"
	assert_status 0
	assert_output "INC-1"
	ticket_is 1 '[.events[] | select(.kind == "note") | .message]' \
	    '["ping ok\ndns ok"]'
}

@test "the first note on a new ticket moves it to in_progress and sets responded_at" {
	open_ticket "Mail down" --caller alice --impact high --urgency high
	ticket_is 1 '[.status, .responded_at]' '["new",null]'
	export ITSM_NOW=2026-11-28T09:07:00Z
	run --separate-stderr itsm note 1 -m "looking"
	assert_status 0
	ticket_is 1 '[.status, .responded_at, .response_due]' \
	    '["in_progress","2026-11-28T09:07:00Z","2026-11-28T09:15:00Z"]'
	ticket_is 1 '[.events[-2:][] | [.at, .kind, .field, .from, .to]]' \
	    '[["2026-11-28T09:07:00Z","note",null,null,null],["2026-11-28T09:07:00Z","start","status","new","in_progress"]]'
	# A second note keeps the first response.
	export ITSM_NOW=2026-11-28T10:00:00Z
	run --separate-stderr itsm note 1 -m "still looking"
	assert_status 0
	ticket_is 1 '[.status, .responded_at, .updated_at]' \
	    '["in_progress","2026-11-28T09:07:00Z","2026-11-28T10:00:00Z"]'
	ticket_is 1 '[.events[] | select(.kind == "start")] | length' '1'
}

@test "note --json prints the ticket as it is after the note" {
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm note 1 -m "looking" --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .status, .responded_at]' '["INC-1","in_progress","2026-11-28T09:00:00Z"]'
}

@test "note --at back-dates the note and the response" {
	open_ticket "Mail down" --caller alice --at 2026-11-28T08:00:00Z
	run --separate-stderr itsm note 1 -m "called back" --at 2026-11-28T08:05:00Z
	assert_status 0
	ticket_is 1 '[.responded_at, .events[-2].at, .events[-2].recorded_at]' \
	    '["2026-11-28T08:05:00Z","2026-11-28T08:05:00Z","2026-11-28T09:00:00Z"]'
}

@test "a note on a resolved ticket is allowed and keeps it resolved" {
	open_ticket "Mail down" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "restarted the service" >/dev/null
	export ITSM_NOW=2026-11-28T11:00:00Z
	run --separate-stderr itsm note 1 -m "user called: works"
	assert_status 0
	assert_output "INC-1"
	ticket_is 1 '[.status, .responded_at, .resolved_at]' \
	    '["resolved","2026-11-28T09:00:00Z","2026-11-28T09:00:00Z"]'
	ticket_is 1 '[.events[-1] | .kind, .message]' '["note","user called: works"]'
}

@test "a note on an on-hold ticket keeps it on hold" {
	open_ticket "Mail down" --caller alice
	itsm hold 1 --reason user -m "user away" >/dev/null
	run --separate-stderr itsm note 1 -m "left a voicemail"
	assert_status 0
	ticket_is 1 '.status' '"on_hold"'
}

@test "a note on a closed or cancelled ticket is refused (1), nothing changed" {
	open_ticket "Closed" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	itsm close 1 --confirmed >/dev/null
	open_ticket "Cancelled" --caller alice
	itsm cancel 2 -m "opened by mistake" >/dev/null
	open_ticket "Request" --caller alice --type request
	before=$(db_digest)
	run --separate-stderr itsm note 1 -m "late"
	assert_refused "itsm: cannot note INC-1: it is closed (note is allowed when new, in_progress, on_hold, resolved)" "$before"
	run --separate-stderr itsm note 2 -m "late"
	assert_refused "itsm: cannot note INC-2: it is cancelled (note is allowed when new, in_progress, on_hold, resolved)" "$before"
	run --separate-stderr itsm note 3 -m "late"
	assert_refused "itsm: cannot note REQ-3: it is redirected (note is allowed when new, in_progress, on_hold, resolved)" "$before"
}

@test "note bad input: no -m (64), empty note (65), unknown ticket (66)" {
	open_ticket "Mail down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm note 1
	assert_rejected 64 "missing --message" "$before"
	run --separate-stderr itsm note 1 -m ""
	assert_rejected 65 "note is empty" "$before"
	run --separate-stderr itsm note 7 -m "hello"
	assert_rejected 66 "no such ticket" "$before"
	ticket_is 1 '.status' '"new"'
}
