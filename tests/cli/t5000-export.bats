#!/usr/bin/env bats
# itsm export (issue 5): every ticket, or those the filters select, as JSON
# Lines: one object a line with every field of the ticket (DESIGN.md
# section 4), its events, the store's bookkeeping and its major-incident
# dossier; -o FILE; bad filters refused.

load helper

# The members of an exported line after the ticket's fields.
EXPORT_KEYS=${TICKET_KEYS%]}',"events","store","crisis"]'
STORE_KEYS='["ext_ref","priority_rank","stagnant_escalated_at","breach_escalated_at","auto_closed","hold_reason"]'
CRISIS_KEYS='["state","proposed_at","proposal","declared_at","declared_by","ended_at","bridge","root_cause","roster","findings","actions"]'

# Six tickets, one of each kind the filters tell apart:
#   INC-1 P1 new          service-desk  (none)
#   INC-2 P5 in_progress  support-l2    dave
#   REQ-3    redirected   service-desk
#   INC-4 P3 resolved     service-desk  carol
#   INC-5    cancelled    service-desk
#   INC-6 P3 closed       support-l2    (none)
six_tickets() {
	export ITSM_ACTOR=alice
	open_ticket "Mail down" --caller ann --impact high --urgency high
	open_ticket "Printer jam" --caller bob --impact low --urgency low
	itsm assign 2 --to dave --group support-l2 >/dev/null
	itsm note 2 -m "checked the tray" >/dev/null
	itsm hold 2 --reason user -m "waiting" >/dev/null
	itsm hold 2 --release >/dev/null
	open_ticket "New laptop" --caller cid --type request
	open_ticket "VPN slow" --caller dan --impact medium --urgency medium
	itsm assign 4 --to carol >/dev/null
	itsm resolve 4 --workaround -m "reconnected" --code workaround >/dev/null
	open_ticket "Opened twice" --caller eve
	itsm cancel 5 -m "typo" >/dev/null
	open_ticket "Screen flicker" --caller fay --impact medium --urgency medium
	itsm assign 6 --group support-l2 >/dev/null
	itsm resolve 6 --permanent -m "new cable" >/dev/null
	itsm close 6 --confirmed --satisfaction 5 >/dev/null
}

# export_ids ARGS...: the ids "itsm export ARGS" writes, on one line.
export_ids() {
	itsm export "$@" | jq -r .id | paste -sd' '
}

@test "an empty database exports nothing, successfully" {
	itsm list >/dev/null	# the database exists
	run --separate-stderr itsm export
	assert_status 0
	assert_output ""
	assert_stderr ""
}

@test "one JSON object per line, by id, every status (not only the open ones)" {
	six_tickets
	run --separate-stderr itsm export
	assert_status 0
	assert_stderr ""
	[ "${#lines[@]}" = 6 ]
	# Each line alone is one JSON object: six lines, six objects (two on
	# a line, or one over two lines, would not count six).
	[ "$(printf '%s\n' "$output" | jq -c type | paste -sd' ')" = \
	    '"object" "object" "object" "object" "object" "object"' ]
	jq_is '[.id, .ref, .status]' '[1,"INC-1","new"]
[2,"INC-2","in_progress"]
[3,"REQ-3","redirected"]
[4,"INC-4","resolved"]
[5,"INC-5","cancelled"]
[6,"INC-6","closed"]'
}

@test "every ticket field of DESIGN.md section 4, then events, store and crisis" {
	six_tickets
	open_major "Payroll down" --caller gus --service payroll
	itsm major roster 7 --add hal --role engineer >/dev/null
	itsm major review 7 --root-cause "disk full" --factor "no alert" >/dev/null
	itsm major action 7 --add "alert on disk" --owner hal --due 2026-12-01 >/dev/null
	run --separate-stderr itsm export
	assert_status 0
	jq_is 'keys_unsorted == '"$EXPORT_KEYS" "$(yes true | head -7)"
	jq_is '.events[] | keys_unsorted == '"$EVENT_KEYS" \
	    "$(yes true | head -"$(count_events true)")"
	jq_is '.store | keys_unsorted == '"$STORE_KEYS" "$(yes true | head -7)"
	jq_is 'select(.id != 7) | .crisis' "$(yes null | head -6)"
	jq_is 'select(.id == 7) | .crisis | keys_unsorted == '"$CRISIS_KEYS" true
	jq_is 'select(.id == 7) | .crisis | [.state, .declared_by, .root_cause,
	    [.roster[] | keys_unsorted], [.findings[] | keys_unsorted],
	    [.actions[] | keys_unsorted]]' \
	    '["active","alice","disk full",[["name","role","since"],["name","role","since"]],[["kind","text","at"]],[["n","text","owner","due","done_at"]]]'
	jq_is 'select(.id == 7) | [.crisis.roster[] | [.name, .role]]' \
	    '[["alice","commander"],["hal","engineer"]]'
	jq_is 'select(.id == 2) | .store' \
	    '{"ext_ref":null,"priority_rank":4,"stagnant_escalated_at":null,"breach_escalated_at":null,"auto_closed":false,"hold_reason":null}'
}

@test "each exported ticket is what show --json says, events and their login included" {
	six_tickets
	local id
	# One export, the six shows, each side compacted by one jq: line N
	# is ticket N on both (show's live "sla" is not exported).
	itsm export | jq -c 'del(.store, .crisis)' \
	    >"$BATS_TEST_TMPDIR/exported"
	for id in 1 2 3 4 5 6; do
		itsm show "$id" --json
	done | jq -c 'del(.sla)' >"$BATS_TEST_TMPDIR/shown"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/shown")" = 6 ]
	if ! cmp -s "$BATS_TEST_TMPDIR/exported" "$BATS_TEST_TMPDIR/shown"; then
		diff "$BATS_TEST_TMPDIR/exported" "$BATS_TEST_TMPDIR/shown" >&2
		return 1
	fi
	# The actor is ITSM_ACTOR, the login is who ran the command.
	run itsm export
	jq_is '[.events[] | .actor == "alice" and .login != null and .login != ""] | all' \
	    "$(yes true | head -6)"
	# The counts of events are those of the database.
	[ "$(itsm export | jq -s 'map(.events | length) | add')" = \
	    "$(count_events true)" ]
}

@test "text with line breaks, tabs, quotes and UTF-8 stays on one line, exactly" {
	itsm open "Quote \" and tab	here" --caller "Zoë" -m $'line 1\nline 2\r\n\\end' >/dev/null
	run --separate-stderr itsm export
	assert_status 0
	[ "${#lines[@]}" = 1 ]
	jq_is '[.summary, .caller, .description]' \
	    '["Quote \" and tab\there","Zoë","line 1\nline 2\r\n\\end"]'
}

@test "--status: statuses comma-separated or repeated" {
	six_tickets
	[ "$(export_ids --status new)" = "1" ]
	[ "$(export_ids --status resolved,closed)" = "4 6" ]
	[ "$(export_ids --status cancelled --status redirected)" = "3 5" ]
	[ "$(export_ids --status on_hold)" = "" ]
}

@test "--type, --priority and --group (any case), --assignee (exact)" {
	six_tickets
	[ "$(export_ids --type request)" = "3" ]
	[ "$(export_ids --type incident)" = "1 2 4 5 6" ]
	[ "$(export_ids --priority P3)" = "4 6" ]
	[ "$(export_ids --priority p1)" = "1" ]
	[ "$(export_ids --group support-l2)" = "2 6" ]
	[ "$(export_ids --group SERVICE-DESK)" = "1 3 4 5" ]
	[ "$(export_ids --assignee carol)" = "4" ]
	[ "$(export_ids --assignee Carol)" = "" ]
}

@test "--limit N: the first N by id; filters together must all match" {
	six_tickets
	[ "$(export_ids --limit 2)" = "1 2" ]
	[ "$(export_ids --limit 100)" = "1 2 3 4 5 6" ]
	[ "$(export_ids --group support-l2 --status closed)" = "6" ]
	[ "$(export_ids --assignee carol --priority p3 --type incident)" = "4" ]
	[ "$(export_ids --status new,resolved --limit 1)" = "1" ]
}

@test "-o FILE writes the export there and nothing to standard output" {
	six_tickets
	itsm export >"$BATS_TEST_TMPDIR/stdout.jsonl"
	run --separate-stderr itsm export -o "$BATS_TEST_TMPDIR/out.jsonl"
	assert_status 0
	assert_output ""
	assert_stderr ""
	cmp "$BATS_TEST_TMPDIR/stdout.jsonl" "$BATS_TEST_TMPDIR/out.jsonl"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out.jsonl")" = 6 ]
	run --separate-stderr itsm export --output "$BATS_TEST_TMPDIR/two.jsonl" --limit 2
	assert_status 0
	[ "$(jq -r .id "$BATS_TEST_TMPDIR/two.jsonl" | paste -sd' ')" = "1 2" ]
}

@test "-o into a directory that does not exist: 74, one line, nothing written" {
	six_tickets
	before=$(db_digest)
	run --separate-stderr itsm export -o "$BATS_TEST_TMPDIR/no/such/dir/x.jsonl"
	assert_rejected 74 "cannot write '.*/no/such/dir/x.jsonl'" "$before"
	[ ! -e "$BATS_TEST_TMPDIR/no" ]
}

@test "bad filters: unknown status, unknown type, a limit below 1 or not a number (65)" {
	six_tickets
	before=$(db_digest)
	run --separate-stderr itsm export --status open
	assert_rejected 65 "unknown status 'open'" "$before"
	run --separate-stderr itsm export --status new,bogus
	assert_rejected 65 "unknown status 'bogus'" "$before"
	run --separate-stderr itsm export --type problem
	assert_rejected 65 "unknown type 'problem'" "$before"
	run --separate-stderr itsm export --limit 0
	assert_rejected 65 "invalid limit '0'" "$before"
	run --separate-stderr itsm export --limit 3x
	assert_rejected 65 "invalid limit '3x'" "$before"
	run --separate-stderr itsm export -o "$BATS_TEST_TMPDIR/x.jsonl" --limit -1
	assert_rejected 65 "invalid limit '-1'" "$before"
	[ ! -e "$BATS_TEST_TMPDIR/x.jsonl" ]
}

@test "usage errors: an operand, an unknown option (64)" {
	six_tickets
	before=$(db_digest)
	run --separate-stderr itsm export 1
	assert_status 64
	assert_output ""
	assert_unchanged "$before"
	run --separate-stderr itsm export --mine
	assert_status 64
	assert_output ""
	assert_unchanged "$before"
}
