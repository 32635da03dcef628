#!/usr/bin/env bats
# itsm close: only a resolved ticket, only on the user's confirmation
# (step 9); the user's rejection sends it back to work; cron closes the
# ones left without an answer.

load helper

# resolved_ticket SUMMARY [open options]: opens a P5 incident for alice,
# affecting carol, and resolves it.
resolved_ticket() {
	open_ticket "$1" --caller alice --affected carol --impact low --urgency low "${@:2}"
	itsm resolve "$(db_sql 'SELECT max(id) FROM tickets')" \
	    --permanent -m "fixed" --code solved >/dev/null
}

@test "close --confirmed closes a resolved ticket, confirmed by the affected person" {
	resolved_ticket "Printer jam"
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T11:00:00Z
	run --separate-stderr itsm close 1 --confirmed
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .closed_at, .resolved_at, .satisfaction, .resolution.type]' \
	    '["closed","2026-11-28T11:00:00Z","2026-11-28T09:00:00Z",null,"permanent"]'
	ticket_is 1 '[.events[-2:][] | [.at, .actor, .kind, .field, .from, .to, .message]]' \
	    '[["2026-11-28T11:00:00Z","bob","close","status","resolved","closed",null],["2026-11-28T11:00:00Z","bob","close","confirmed_by",null,"carol",null]]'
}

@test "close --confirmed --by NAME --satisfaction N -m NOTE" {
	resolved_ticket "Printer jam"
	run --separate-stderr itsm close 1 --confirmed --by alice --satisfaction 4 -m "works, thanks"
	assert_status 0
	assert_output "INC-1"
	ticket_is 1 '[.status, .satisfaction]' '["closed",4]'
	ticket_is 1 '[.events[-3:][] | [.kind, .field, .from, .to, .message]]' \
	    '[["close","status","resolved","closed","works, thanks"],["close","confirmed_by",null,"alice",null],["close","satisfaction",null,"4",null]]'
}

@test "satisfaction 1 and 5 are the bounds" {
	resolved_ticket "one"
	resolved_ticket "two"
	run --separate-stderr itsm close 1 --confirmed --satisfaction 1
	assert_status 0
	run --separate-stderr itsm close 2 --confirmed --satisfaction 5 --json
	assert_status 0
	jq_is '[.status, .satisfaction]' '["closed",5]'
	ticket_is 1 '.satisfaction' '1'
}

@test "satisfaction 0, 6, abc or empty: 65, nothing changed" {
	resolved_ticket "Printer jam"
	before=$(db_digest)
	for s in 0 6 abc "" -1 4.5; do
		run --separate-stderr itsm close 1 --confirmed --satisfaction "$s"
		assert_status 65
		assert_output ""
		assert_stderr "itsm: invalid satisfaction '$s' (expected a whole number from 1 to 5)"
	done
	assert_unchanged "$before"
	ticket_is 1 '.status' '"resolved"'
}

@test "close without --confirmed or --rejected, or with both: 64, nothing changed" {
	resolved_ticket "Printer jam"
	before=$(db_digest)
	run --separate-stderr itsm close 1
	assert_rejected 64 "close needs the user's answer: --confirmed or --rejected" "$before"
	run --separate-stderr itsm close 1 --satisfaction 5
	assert_rejected 64 "--confirmed or --rejected" "$before"
	run --separate-stderr itsm close 1 --confirmed --rejected -m "?"
	assert_rejected 64 "--confirmed or --rejected" "$before"
	run --separate-stderr itsm close --confirmed
	assert_rejected 64 "REF" "$before"
	run --separate-stderr itsm close 1 --confirmed --dry-run
	assert_rejected 64 "--dry-run goes with --auto" "$before"
	run --separate-stderr itsm close 2 --confirmed
	assert_rejected 66 "no such ticket" "$before"
}

@test "only a resolved ticket is closed: new, in_progress, on_hold, closed refused (1)" {
	open_ticket "new" --caller alice --impact low --urgency low
	open_ticket "working" --caller alice --impact low --urgency low
	itsm note 2 -m "looking" >/dev/null
	open_ticket "held" --caller alice --impact low --urgency low
	itsm hold 3 --reason user -m "away" >/dev/null
	resolved_ticket "done"
	itsm close 4 --confirmed >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm close 1 --confirmed
	assert_refused "itsm: cannot close INC-1: it is new (close is allowed when resolved)" "$before"
	run --separate-stderr itsm close 2 --confirmed --satisfaction 5
	assert_refused "itsm: cannot close INC-2: it is in_progress (close is allowed when resolved)" "$before"
	run --separate-stderr itsm close 3 --confirmed
	assert_refused "itsm: cannot close INC-3: it is on_hold (close is allowed when resolved)" "$before"
	run --separate-stderr itsm close 4 --confirmed
	assert_refused "itsm: cannot close INC-4: it is closed (close is allowed when resolved)" "$before"
	run --separate-stderr itsm close 2 --rejected -m "not fixed"
	assert_refused "itsm: cannot reject INC-2: it is in_progress (reject is allowed when resolved)" "$before"
}

@test "close --rejected -m WHY: back to in_progress, reopen_count + 1, resolution undone" {
	resolved_ticket "Printer jam"
	export ITSM_NOW=2026-11-28T12:00:00Z
	run --separate-stderr itsm close 1 --rejected -m "still jams"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .reopen_count, .resolution, .resolved_at, .closed_at, .updated_at]' \
	    '["in_progress",1,null,null,null,"2026-11-28T12:00:00Z"]'
	ticket_is 1 '[.events[-1] | .at, .kind, .field, .from, .to, .message]' \
	    '["2026-11-28T12:00:00Z","reject","status","resolved","in_progress","still jams"]'
	# Resolved and rejected again: 2.
	itsm resolve 1 --workaround -m "new toner" >/dev/null
	itsm close 1 --rejected -m "still jams" >/dev/null
	ticket_is 1 '.reopen_count' '2'
}

@test "close --rejected needs -m and takes no --by or --satisfaction (64)" {
	resolved_ticket "Printer jam"
	before=$(db_digest)
	run --separate-stderr itsm close 1 --rejected
	assert_rejected 64 "--rejected needs -m" "$before"
	run --separate-stderr itsm close 1 --rejected -m "no" --satisfaction 1
	assert_rejected 64 "--rejected needs -m" "$before"
	run --separate-stderr itsm close 1 --rejected -m "no" --by carol
	assert_rejected 64 "--rejected needs -m" "$before"
}

@test "close --auto closes resolved tickets older than the auto-close delay (5d), marked" {
	resolved_ticket "old"					# resolved 11-28 09:00
	ITSM_NOW=2026-11-30T09:00:00Z resolved_ticket "recent"	# resolved 11-30 09:00
	open_ticket "open and old" --caller alice --impact low --urgency low
	export ITSM_NOW=2026-12-03T08:59:59Z
	run --separate-stderr itsm close --auto
	assert_status 0
	assert_output ""
	assert_stderr ""
	export ITSM_NOW=2026-12-03T09:00:00Z
	run --separate-stderr itsm close --auto
	assert_status 0
	assert_output $'INC-1\tclosed\tclosed automatically: no answer from the user 5d after resolution'
	assert_stderr ""
	ticket_is 1 '[.status, .closed_at, .satisfaction]' '["closed","2026-12-03T09:00:00Z",null]'
	ticket_is 1 '[.events[-1] | .at, .kind, .field, .from, .to, .message]' \
	    '["2026-12-03T09:00:00Z","close","status","resolved","closed","closed automatically: no answer from the user 5d after resolution"]'
	ticket_is 1 '[.events[] | select(.field == "confirmed_by")] | length' '0'
	ticket_is 2 '.status' '"resolved"'
	ticket_is 3 '.status' '"new"'
	[ "$(db_sql 'SELECT id, auto_closed FROM tickets ORDER BY id')" = "1|1
2|0
3|0" ]
	# A second run closes nothing.
	before=$(db_digest)
	run --separate-stderr itsm close --auto
	assert_status 0
	assert_output ""
	assert_unchanged "$before"
	# The recent one in its turn.
	export ITSM_NOW=2026-12-05T09:00:00Z
	run --separate-stderr itsm close --auto --format table
	assert_output "INC-2 closed: closed automatically: no answer from the user 5d after resolution"
}

@test "close --auto --dry-run says what it would close and changes nothing" {
	resolved_ticket "one"
	resolved_ticket "two"
	export ITSM_NOW=2026-12-10T00:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm close --auto --dry-run
	assert_status 0
	assert_output $'INC-1\twould be closed\tclosed automatically: no answer from the user 5d after resolution\nINC-2\twould be closed\tclosed automatically: no answer from the user 5d after resolution'
	assert_unchanged "$before"
	run --separate-stderr itsm close --auto -q
	assert_output $'INC-1\nINC-2'
	ticket_is 2 '.status' '"closed"'
}

@test "close --auto follows the policy's delay and prints JSON" {
	policy_set auto_close 1d
	resolved_ticket "one"
	export ITSM_NOW=2026-11-29T09:00:00Z
	run --separate-stderr itsm close --auto --json
	assert_status 0
	jq_is '[.[] | .ref, .action, .dry_run, .detail, .ticket.status]' \
	    '["INC-1","closed",false,"closed automatically: no answer from the user 1d after resolution","resolved"]'
	ticket_is 1 '.status' '"closed"'
	run --separate-stderr itsm close --auto --json
	assert_output ""
}

@test "close --auto takes no ticket and no other option (64)" {
	resolved_ticket "one"
	export ITSM_NOW=2026-12-10T00:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm close 1 --auto
	assert_rejected 64 "--auto takes no ticket" "$before"
	run --separate-stderr itsm close --auto --confirmed
	assert_rejected 64 "--auto takes no ticket" "$before"
	run --separate-stderr itsm close --auto -m "bye"
	assert_rejected 64 "--auto takes no ticket" "$before"
}
