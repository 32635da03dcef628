#!/usr/bin/env bats
# itsm reopen: a resolved, closed or cancelled ticket comes back to work.
# itsm cancel: opened by mistake, or a duplicate of another ticket.

load helper

@test "reopen -m REASON a resolved ticket: in_progress, reopen_count + 1, resolution undone" {
	open_ticket "Printer jam" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" --code solved >/dev/null
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T10:00:00Z
	run --separate-stderr itsm reopen 1 -m "jams again"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .reopen_count, .resolution, .resolved_at, .closed_at, .updated_at]' \
	    '["in_progress",1,null,null,null,"2026-11-28T10:00:00Z"]'
	ticket_is 1 '[.events[-1] | .at, .actor, .kind, .field, .from, .to, .message]' \
	    '["2026-11-28T10:00:00Z","bob","reopen","status","resolved","in_progress","jams again"]'
}

@test "reopen a closed ticket: satisfaction and closure undone" {
	open_ticket "Printer jam" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	itsm close 1 --confirmed --satisfaction 2 >/dev/null
	run --separate-stderr itsm reopen 1 -m "jams again"
	assert_status 0
	ticket_is 1 '[.status, .reopen_count, .satisfaction, .closed_at, .resolution]' \
	    '["in_progress",1,null,null,null]'
	ticket_is 1 '[.events[-1] | .from, .to]' '["closed","in_progress"]'
}

@test "reopen a cancelled ticket" {
	open_ticket "Not a duplicate after all" --caller alice
	itsm cancel 1 -m "duplicate?" >/dev/null
	run --separate-stderr itsm reopen 1 -m "it was not a duplicate"
	assert_status 0
	ticket_is 1 '[.status, .reopen_count]' '["in_progress",1]'
	ticket_is 1 '[.events[-1] | .kind, .from, .to, .message]' \
	    '["reopen","cancelled","in_progress","it was not a duplicate"]'
}

@test "reopen -m - reads the reason from standard input" {
	open_ticket "Printer jam" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	run --separate-stderr itsm reopen 1 -m - <<<"user called back"
	assert_status 0
	ticket_is 1 '.events[-1].message' '"user called back"'
}

@test "reopening a ticket that is still open is refused (1), nothing changed" {
	open_ticket "new" --caller alice
	open_ticket "working" --caller alice
	itsm note 2 -m "looking" >/dev/null
	open_ticket "held" --caller alice
	itsm hold 3 --reason user -m "away" >/dev/null
	open_ticket "a request" --caller alice --type request
	before=$(db_digest)
	run --separate-stderr itsm reopen 1 -m "x"
	assert_refused "itsm: cannot reopen INC-1: it is new (reopen is allowed when resolved, closed, cancelled)" "$before"
	run --separate-stderr itsm reopen 2 -m "x"
	assert_refused "itsm: cannot reopen INC-2: it is in_progress (reopen is allowed when resolved, closed, cancelled)" "$before"
	run --separate-stderr itsm reopen 3 -m "x"
	assert_refused "itsm: cannot reopen INC-3: it is on_hold (reopen is allowed when resolved, closed, cancelled)" "$before"
	run --separate-stderr itsm reopen 4 -m "x"
	assert_refused "itsm: cannot reopen REQ-4: it is redirected (reopen is allowed when resolved, closed, cancelled)" "$before"
}

@test "reopen without -m (64), with an empty reason (65), an unknown ticket (66)" {
	open_ticket "Printer jam" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm reopen 1
	assert_rejected 64 "missing --message" "$before"
	run --separate-stderr itsm reopen 1 -m ""
	assert_rejected 65 "empty" "$before"
	run --separate-stderr itsm reopen 2 -m "x"
	assert_rejected 66 "no such ticket" "$before"
}

@test "cancel -m REASON: cancelled, out of the queue" {
	open_ticket "Opened twice" --caller alice
	open_ticket "Keep" --caller alice
	export ITSM_NOW=2026-11-28T09:02:00Z
	run --separate-stderr itsm cancel 1 -m "opened by mistake"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .updated_at]' '["cancelled","2026-11-28T09:02:00Z"]'
	ticket_is 1 '[.events[1:][] | [.at, .kind, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:02:00Z","cancel","status","new","cancelled","opened by mistake"]]'
	run --separate-stderr itsm list -q
	assert_output "INC-2"
}

@test "cancel --duplicate-of REF records the original" {
	open_ticket "Mail down" --caller alice
	open_ticket "Mail down (bob)" --caller bob
	run --separate-stderr itsm cancel 2 -m "same outage" --duplicate-of inc-1
	assert_status 0
	assert_output "INC-2"
	ticket_is 2 '[.events[-2:][] | [.kind, .field, .from, .to, .message]]' \
	    '[["cancel","status","new","cancelled","same outage"],["cancel","duplicate_of",null,"INC-1",null]]'
	ticket_is 1 '.status' '"new"'
}

@test "cancel --duplicate-of itself (65) or an unknown ticket (66): nothing changed" {
	open_ticket "Mail down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm cancel 1 -m "dup" --duplicate-of 1
	assert_status 65
	assert_output ""
	assert_stderr "itsm: a ticket is not a duplicate of itself"
	run --separate-stderr itsm cancel 1 -m "dup" --duplicate-of INC-1
	assert_rejected 65 "not a duplicate of itself" "$before"
	run --separate-stderr itsm cancel 1 -m "dup" --duplicate-of 9
	assert_status 66
	assert_output ""
	assert_stderr "itsm: no such ticket to be a duplicate of: 9"
	assert_unchanged "$before"
	run --separate-stderr itsm cancel 1 -m "dup" --duplicate-of "nine"
	assert_status 65
	assert_unchanged "$before"
}

@test "cancel without -m (64), or of a resolved, closed or cancelled ticket (1)" {
	open_ticket "resolved" --caller alice --impact low --urgency low
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	open_ticket "closed" --caller alice --impact low --urgency low
	itsm resolve 2 --permanent -m "fixed" >/dev/null
	itsm close 2 --confirmed >/dev/null
	open_ticket "cancelled" --caller alice
	itsm cancel 3 -m "mistake" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm cancel 3
	assert_rejected 64 "missing --message" "$before"
	run --separate-stderr itsm cancel 1 -m "x"
	assert_refused "itsm: cannot cancel INC-1: it is resolved (cancel is allowed when new, in_progress, on_hold)" "$before"
	run --separate-stderr itsm cancel 2 -m "x"
	assert_refused "itsm: cannot cancel INC-2: it is closed (cancel is allowed when new, in_progress, on_hold)" "$before"
	run --separate-stderr itsm cancel 3 -m "x"
	assert_refused "itsm: cannot cancel INC-3: it is cancelled (cancel is allowed when new, in_progress, on_hold)" "$before"
}
