#!/usr/bin/env bats
# itsm resolve: service restored, by a workaround or a permanent fix
# (step 8); resolution codes from the policy; needs a prioritized incident.

load helper

@test "resolve --permanent -m SOLUTION --code CODE records the resolution" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	itsm note 1 -m "looking" >/dev/null
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T10:30:00Z
	run --separate-stderr itsm resolve INC-1 --permanent -m "replaced the disk" --code solved
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .resolution, .resolved_at, .closed_at, .updated_at]' \
	    '["resolved",{"type":"permanent","code":"solved","notes":"replaced the disk"},"2026-11-28T10:30:00Z",null,"2026-11-28T10:30:00Z"]'
	ticket_is 1 '[.events[-3:][] | [.at, .actor, .kind, .field, .from, .to, .message]]' \
	    '[["2026-11-28T10:30:00Z","bob","resolve","status","in_progress","resolved","replaced the disk"],["2026-11-28T10:30:00Z","bob","resolve","resolution.type",null,"permanent",null],["2026-11-28T10:30:00Z","bob","resolve","resolution.code",null,"solved",null]]'
}

@test "resolve --workaround without a code" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	run --separate-stderr itsm resolve 1 --workaround -m "cleaned /tmp"
	assert_status 0
	ticket_is 1 '[.status, .resolution]' '["resolved",{"type":"workaround","code":null,"notes":"cleaned /tmp"}]'
}

@test "resolution codes are read in any case and stored as the policy spells them" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	run --separate-stderr itsm resolve 1 --workaround -m "told the user" --code User-Error
	assert_status 0
	ticket_is 1 '.resolution.code' '"user-error"'
}

@test "every resolution code of the policy is accepted, and only those" {
	printf '%s\n' 'resolution_codes: [fixed-by-vendor, no-fault-found]' >>"$ITSM_CONFIG"
	sed -i '/^resolution_codes:$/,/^$/d' "$ITSM_CONFIG"
	open_ticket "one" --caller alice --impact low --urgency low
	open_ticket "two" --caller alice --impact low --urgency low
	run --separate-stderr itsm resolve 1 --permanent -m "vendor fixed it" --code fixed-by-vendor
	assert_status 0
	before=$(db_digest)
	run --separate-stderr itsm resolve 2 --permanent -m "solved" --code solved
	assert_rejected 65 "unknown resolution code 'solved'" "$before"
}

@test "resolve --json prints the ticket with its resolution object" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	run --separate-stderr itsm resolve 1 --permanent -m "replaced" --code solved --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '.resolution | keys_unsorted' '["type","code","notes"]'
	jq_is '[.status, .resolution.type]' '["resolved","permanent"]'
}

@test "resolve -m - reads the solution from standard input" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	printf 'rotated the logs\nadded a cron job\n' >"$BATS_TEST_TMPDIR/sol"
	run --separate-stderr itsm resolve 1 --permanent -m - <"$BATS_TEST_TMPDIR/sol"
	assert_status 0
	ticket_is 1 '.resolution.notes' '"rotated the logs\nadded a cron job"'
}

@test "resolving a new ticket at once records the response too" {
	open_ticket "Password reset" --caller alice --impact low --urgency medium
	export ITSM_NOW=2026-11-28T09:03:00Z
	run --separate-stderr itsm resolve 1 --permanent -m "reset it" --code solved
	assert_status 0
	ticket_is 1 '[.status, .responded_at, .resolved_at]' \
	    '["resolved","2026-11-28T09:03:00Z","2026-11-28T09:03:00Z"]'
}

@test "resolving an unprioritized incident is refused (1), nothing changed" {
	open_ticket "Disk full" --caller alice
	itsm note 1 -m "looking" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "replaced"
	assert_refused "itsm: cannot resolve INC-1: it is not prioritized (run 'itsm prioritize' first)" "$before"
}

@test "resolve needs exactly one of --workaround and --permanent (64)" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 -m "replaced"
	assert_rejected 64 "give one of --workaround and --permanent" "$before"
	run --separate-stderr itsm resolve 1 --workaround --permanent -m "replaced"
	assert_rejected 64 "give one of --workaround and --permanent" "$before"
	run --separate-stderr itsm resolve 1 --permanent
	assert_rejected 64 "missing --message" "$before"
}

@test "resolve with an unknown code: 65, nothing changed" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "replaced" --code magic
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown resolution code 'magic' (see 'itsm config show' for the resolution_codes)"
	assert_unchanged "$before"
	run --separate-stderr itsm resolve 1 --permanent -m ""
	assert_rejected 65 "solution is empty" "$before"
	run --separate-stderr itsm resolve 3 --permanent -m "x"
	assert_rejected 66 "no such ticket" "$before"
}

@test "resolving a resolved, closed or cancelled ticket is refused (1), nothing changed" {
	open_ticket "Disk full" --caller alice --impact medium --urgency medium
	itsm resolve 1 --permanent -m "replaced" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "again"
	assert_refused "itsm: cannot resolve INC-1: it is resolved (resolve is allowed when new, in_progress)" "$before"
	itsm close 1 --confirmed >/dev/null
	open_ticket "Mistake" --caller alice --impact low --urgency low
	itsm cancel 2 -m "opened by mistake" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "again"
	assert_refused "itsm: cannot resolve INC-1: it is closed (resolve is allowed when new, in_progress)" "$before"
	run --separate-stderr itsm resolve 2 --workaround -m "x"
	assert_refused "itsm: cannot resolve INC-2: it is cancelled (resolve is allowed when new, in_progress)" "$before"
}
