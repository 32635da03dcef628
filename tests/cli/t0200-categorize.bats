#!/usr/bin/env bats
# itsm categorize: incident, service request or change; requests and
# changes are redirected to their practice.

load helper

@test "categorize an incident: category and subcategory, ref printed alone" {
	open_ticket "No Wi-Fi" --caller alice
	run --separate-stderr itsm categorize INC-1 --type incident \
	    --category network --subcategory wifi
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	run --separate-stderr itsm show 1 --json
	jq_is '[.ref, .type, .status, .category, .subcategory]' \
	    '["INC-1","incident","new","network","wifi"]'
	jq_is '[.events[1:][] | [.kind, .field, .from, .to]]' \
	    '[["categorize","category",null,"network"],["categorize","subcategory",null,"wifi"]]'
}

@test "categorize a request: redirected to service request management as REQ-n" {
	open_ticket "First" --caller alice
	open_ticket "New keyboard please" --caller bob
	run --separate-stderr itsm categorize INC-2 --type request
	assert_status 0
	assert_output "REQ-2 redirected to service request management"
	assert_stderr ""
	run --separate-stderr itsm show 2 --json
	jq_is '[.ref, .type, .status]' '["REQ-2","request","redirected"]'
	jq_is '[.events[1:][] | [.kind, .field, .from, .to, .message]]' \
	    '[["categorize","type","incident","request",null],["redirect","status","new","redirected","service request management"]]'
	# The other ticket is untouched.
	run --separate-stderr itsm show 1 --json
	jq_is '[.ref, .status]' '["INC-1","new"]'
}

@test "categorize a change: redirected to change enablement as CHG-n" {
	open_ticket "Open port 8443" --caller carol
	run --separate-stderr itsm categorize 1 --type change
	assert_status 0
	assert_output "CHG-1 redirected to change enablement"
	run --separate-stderr itsm show CHG-1 --json
	jq_is '[.ref, .type, .status]' '["CHG-1","change","redirected"]'
}

@test "a redirected ticket is found by INC-n, inc-n, REQ-n, req-n, CHG-n and n" {
	open_ticket "First" --caller alice
	open_ticket "New keyboard please" --caller bob
	itsm categorize INC-2 --type request
	for ref in INC-2 inc-2 REQ-2 req-2 Req-2 CHG-2 2; do
		run --separate-stderr itsm show "$ref" --json
		assert_status 0
		jq_is '[.id, .ref, .summary]' '[2,"REQ-2","New keyboard please"]'
	done
}

@test "a redirected ticket leaves the incident queue" {
	open_ticket "Incident" --caller alice
	open_ticket "Request" --caller bob
	open_ticket "Change" --caller carol
	itsm categorize 2 --type request
	itsm categorize 3 --type change
	run --separate-stderr itsm list -q
	assert_output "INC-1"
	run --separate-stderr itsm list -q --status redirected
	assert_output "$(printf 'REQ-2\nCHG-3')"
}

@test "categorize --json prints the ticket object" {
	open_ticket "Slow laptop" --caller dan
	run --separate-stderr itsm categorize 1 --type incident --category hardware \
	    --subcategory laptop --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .category, .subcategory]' '["INC-1","hardware","laptop"]'
	run --separate-stderr itsm categorize 1 --type request --json
	jq_is '[.ref, .type, .status]' '["REQ-1","request","redirected"]'
}

@test "categorize -q prints the ref only, even when redirecting" {
	open_ticket "Software install" --caller eve
	run --separate-stderr itsm categorize 1 --type request -q
	assert_status 0
	assert_output "REQ-1"
}

@test "categorize: type, category and subcategory are case-insensitive and stored canonical" {
	open_ticket "Phishing mail" --caller fay
	run --separate-stderr itsm categorize inc-1 --type INCIDENT \
	    --category Security --subcategory PHISHING
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm show 1 --json
	jq_is '[.type, .category, .subcategory]' '["incident","security","phishing"]'
}

@test "re-categorizing an incident changes the category and clears a foreign subcategory" {
	open_ticket "Odd" --caller gus --category network --subcategory vpn
	run --separate-stderr itsm categorize 1 --type incident --category access -m "it was a password"
	assert_status 0
	run --separate-stderr itsm show 1 --json
	jq_is '[.category, .subcategory]' '["access",null]'
	jq_is '[.events[-2:][] | [.kind, .field, .from, .to, .message]]' \
	    '[["categorize","category","network","access","it was a password"],["categorize","subcategory","vpn",null,"it was a password"]]'
}

@test "categorize with an unknown category is refused (65), listing the valid ones" {
	open_ticket "Odd" --caller hal
	before=$(db_digest)
	run --separate-stderr itsm categorize 1 --type incident --category plumbing
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown category 'plumbing' (expected one of: hardware, software, network, access, security)"
	assert_unchanged "$before"
}

@test "categorize with an unknown subcategory is refused (65), listing the valid ones" {
	open_ticket "Odd" --caller hal
	before=$(db_digest)
	run --separate-stderr itsm categorize 1 --type incident --category access \
	    --subcategory badge
	assert_status 65
	assert_one_line_error "'badge'.*account, password, permission"
	assert_unchanged "$before"
}

@test "categorize with an unknown type is refused (65)" {
	open_ticket "Odd" --caller hal
	before=$(db_digest)
	run --separate-stderr itsm categorize 1 --type problem
	assert_status 65
	assert_stderr "itsm: unknown type 'problem' (expected incident, request or change)"
	assert_unchanged "$before"
}

@test "categorize without --type is a usage error (64)" {
	open_ticket "Odd" --caller hal
	before=$(db_digest)
	run --separate-stderr itsm categorize 1 --category network
	assert_status 64
	assert_one_line_error "missing --type"
	run --separate-stderr itsm categorize --type incident
	assert_status 64
	assert_one_line_error "REF"
	assert_unchanged "$before"
}

@test "categorizing a redirected ticket is refused by the workflow (1), naming the status" {
	open_ticket "Request" --caller ivy
	itsm categorize 1 --type request
	before=$(db_digest)
	run --separate-stderr itsm categorize REQ-1 --type incident
	assert_status 1
	assert_output ""
	assert_stderr "itsm: cannot categorize REQ-1: it is redirected (categorize is allowed when new, in_progress, on_hold)"
	assert_unchanged "$before"
	run --separate-stderr itsm categorize 1 --type change
	assert_status 1
	assert_one_line_error "it is redirected"
	assert_unchanged "$before"
}

@test "categorize an unknown ticket: 66" {
	open_ticket "Only one" --caller jo
	before=$(db_digest)
	run --separate-stderr itsm categorize INC-7 --type incident
	assert_status 66
	assert_one_line_error "no such ticket"
	assert_unchanged "$before"
}

@test "categorize -m - reads the reason from standard input" {
	open_ticket "Access" --caller kim
	printf 'belongs to the access team\n' >"$BATS_TEST_TMPDIR/why"
	run --separate-stderr itsm categorize 1 --type request -m - <"$BATS_TEST_TMPDIR/why"
	assert_status 0
	run --separate-stderr itsm show 1 --json
	jq_is '.events[1].message' '"belongs to the access team"'
}

@test "categorize --at records the stated time and the recording time" {
	open_ticket "Back-dated" --caller lea --at 2026-11-28T08:00:00Z
	run --separate-stderr itsm categorize 1 --type incident --category software \
	    --at 2026-11-28T08:20:00Z
	assert_status 0
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[1].at, .events[1].recorded_at, .updated_at]' \
	    '["2026-11-28T08:20:00Z","2026-11-28T09:00:00Z","2026-11-28T08:20:00Z"]'
}

@test "categorize --at before the ticket was opened or in the future is refused (65)" {
	open_ticket "Back-dated" --caller lea --at 2026-11-28T08:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm categorize 1 --type incident --category software \
	    --at 2026-11-28T07:59:59Z
	assert_status 65
	assert_one_line_error "--at 2026-11-28T07:59:59Z is before the opening of INC-1 at 2026-11-28T08:00:00Z"
	run --separate-stderr itsm categorize 1 --type incident --category software \
	    --at 2026-11-29T00:00:00Z
	assert_status 65
	assert_one_line_error "future"
	assert_unchanged "$before"
}
