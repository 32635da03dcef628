#!/usr/bin/env bats
# itsm open: identify the caller and log a ticket, optionally categorized
# and prioritized in the same transaction.

load helper

@test "open prints the new ref alone on stdout, numbering from 1" {
	run --separate-stderr itsm open "Printer down" --caller alice
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	run --separate-stderr itsm open "Mail is slow" --caller bob
	assert_status 0
	assert_output "INC-2"
	assert_stderr ""
}

@test "open logs a new incident: the caller is the affected person by default" {
	open_ticket "Printer down" --caller alice
	run --separate-stderr itsm show INC-1 --json
	assert_status 0
	jq_is '[.id, .ref, .type, .status, .summary, .caller, .affected]' \
	    '[1,"INC-1","incident","new","Printer down","alice","alice"]'
	jq_is '[.description, .channel, .contact, .service, .category, .subcategory]' \
	    '[null,null,null,null,null,null]'
	jq_is '[.impact, .urgency, .priority, .response_due, .resolution_due]' \
	    '[null,null,null,null,null]'
	jq_is '[.opened_at, .updated_at, .tier, .group, .assignee, .major]' \
	    '["2026-11-28T09:00:00Z","2026-11-28T09:00:00Z","N1","service-desk",null,false]'
	jq_is '[.events[] | [.kind, .field, .from, .to]]' '[["open","status",null,"new"]]'
}

@test "open records caller and affected apart, with channel, contact, service, description" {
	open_ticket "Cannot print payroll" --caller "Anne Assistant" \
	    --affected "Mark Manager" --channel phone --contact "ext 4242" \
	    --service printing -m "The 3rd floor printer jams on every page"
	run --separate-stderr itsm show 1 --json
	assert_status 0
	jq_is '[.caller, .affected, .channel, .contact, .service, .description]' \
	    '["Anne Assistant","Mark Manager","phone","ext 4242","printing","The 3rd floor printer jams on every page"]'
	jq_is '.events[0].message' '"The 3rd floor printer jams on every page"'
}

@test "open --json prints the ticket object with the fields of DESIGN section 4" {
	run --separate-stderr itsm open "VPN drops" --caller carol --channel chat --json
	assert_status 0
	assert_stderr ""
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.id, .ref, .status, .summary, .caller, .affected, .channel]' \
	    '[1,"INC-1","new","VPN drops","carol","carol","chat"]'
	# Types: numbers, a boolean, nulls where unset, ISO 8601 times.
	jq_is '[(.id|type), (.major|type), (.reopen_count|type), (.reassignment_count|type)]' \
	    '["number","boolean","number","number"]'
	jq_is '[.reopen_count, .reassignment_count, .resolution, .satisfaction, .parent, .responded_at]' \
	    '[0,0,null,null,null,null]'
	jq_is '.opened_at' '"2026-11-28T09:00:00Z"'
	# One JSON document: no events in open's object.
	jq_is 'has("events")' 'false'
}

@test "open -q prints only the ref" {
	run --separate-stderr itsm open -q "Screen flickers" --caller dan
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm -q open "Screen flickers again" --caller dan
	assert_status 0
	assert_output "INC-2"
}

@test "open without --caller is a usage error (64) and creates nothing" {
	before=$(db_digest)
	run --separate-stderr itsm open "No caller"
	assert_status 64
	assert_output ""
	assert_one_line_error "caller"
	assert_unchanged "$before"
	assert_nothing_stored
}

@test "open without --caller on an existing database changes nothing" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "No caller" --affected bob
	assert_status 64
	assert_one_line_error "missing --caller"
	assert_unchanged "$before"
}

@test "open without a summary is a usage error (64)" {
	run --separate-stderr itsm open --caller alice
	assert_status 64
	assert_output ""
	assert_one_line_error "SUMMARY"
}

@test "open --caller without its value is a usage error (64)" {
	run --separate-stderr itsm open "x" --caller
	assert_status 64
	assert_one_line_error "--caller"
}

@test "open --impact without --urgency (and the reverse) is a usage error (64)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "Half" --caller bob --impact high
	assert_status 64
	assert_output ""
	assert_one_line_error "both --impact and --urgency"
	run --separate-stderr itsm open "Half" --caller bob --urgency low
	assert_status 64
	assert_one_line_error "both --impact and --urgency"
	assert_unchanged "$before"
}

@test "open --impact --urgency prioritizes in the same transaction" {
	run --separate-stderr itsm open "Site down" --caller eve --impact high \
	    --urgency medium --json
	assert_status 0
	jq_is '[.impact, .urgency, .priority, .status]' '["high","medium","P2","new"]'
	jq_is '[.response_due, .resolution_due]' \
	    '["2026-11-28T09:30:00Z","2026-11-28T17:00:00Z"]'
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[] | [.kind, .field, .from, .to, .at]]' \
	    '[["open","status",null,"new","2026-11-28T09:00:00Z"],["prioritize","impact",null,"high","2026-11-28T09:00:00Z"],["prioritize","urgency",null,"medium","2026-11-28T09:00:00Z"],["prioritize","priority",null,"P2","2026-11-28T09:00:00Z"]]'
}

@test "open with an unknown impact logs nothing at all (one transaction)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "Second" --caller bob --impact huge \
	    --urgency high
	assert_status 65
	assert_output ""
	assert_one_line_error "unknown impact 'huge'"
	assert_unchanged "$before"
	run --separate-stderr itsm open "Third" --caller bob
	assert_output "INC-2"
}

@test "open --type --category --subcategory categorizes in the same transaction" {
	run --separate-stderr itsm open "No Wi-Fi" --caller fay --type incident \
	    --category network --subcategory wifi --json
	assert_status 0
	jq_is '[.ref, .type, .category, .subcategory, .status]' \
	    '["INC-1","incident","network","wifi","new"]'
	run --separate-stderr itsm show INC-1 --json
	jq_is '[.events[] | [.kind, .field, .to]]' \
	    '[["open","status","new"],["categorize","category","network"],["categorize","subcategory","wifi"]]'
}

@test "open --category alone categorizes an incident" {
	open_ticket "Laptop broken" --caller gus --category hardware
	run --separate-stderr itsm show 1 --json
	jq_is '[.type, .category, .subcategory]' '["incident","hardware",null]'
}

@test "open with everything: categorized and prioritized at once" {
	run --separate-stderr itsm open "Mail down" --caller bob --affected carol \
	    --channel email --contact carol@example.org --service mail \
	    -m "no mail since 8am" --type incident --category software \
	    --subcategory email --impact 1 --urgency 2 --json
	assert_status 0
	jq_is '[.caller, .affected, .channel, .contact, .service, .description, .category, .subcategory, .impact, .urgency, .priority]' \
	    '["bob","carol","email","carol@example.org","mail","no mail since 8am","software","email","high","medium","P2"]'
}

@test "open --type request logs it redirected as REQ-1" {
	run --separate-stderr itsm open "New laptop please" --caller hal --type request
	assert_status 0
	assert_output "REQ-1"
	run --separate-stderr itsm show 1 --json
	jq_is '[.ref, .type, .status]' '["REQ-1","request","redirected"]'
}

@test "open --type change logs it redirected as CHG-1" {
	run --separate-stderr itsm open "Upgrade the firewall" --caller ivy --type change
	assert_status 0
	assert_output "CHG-1"
	run --separate-stderr itsm show CHG-1 --json
	jq_is '[.ref, .type, .status]' '["CHG-1","change","redirected"]'
}

@test "open -m - reads the description from standard input" {
	printf 'line one\nline two\twith a tab\n\n' >"$BATS_TEST_TMPDIR/desc"
	run --separate-stderr itsm open "From stdin" --caller jo -m - \
	    <"$BATS_TEST_TMPDIR/desc"
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm show 1 --json
	[ "$(printf '%s\n' "$output" | jq -r .description)" = \
	    "$(printf 'line one\nline two\twith a tab')" ]
}

@test "open --message=TEXT and -mTEXT forms" {
	open_ticket "Long form" --caller jo --message="long form text"
	open_ticket "Short form" --caller jo -mshort
	run --separate-stderr itsm list --fields ref,description
	assert_output "$(printf 'INC-1\tlong form text\nINC-2\tshort')"
}

@test "open --at back-dates the ticket; the event keeps both times" {
	run --separate-stderr itsm open "Called at 8:15" --caller kim \
	    --at 2026-11-28T08:15:00Z --json
	assert_status 0
	jq_is '[.opened_at, .updated_at]' '["2026-11-28T08:15:00Z","2026-11-28T08:15:00Z"]'
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[0].at, .events[0].recorded_at]' \
	    '["2026-11-28T08:15:00Z","2026-11-28T09:00:00Z"]'
}

@test "open --at accepts a relative time and an offset" {
	open_ticket "Relative" --caller kim --at -45m
	open_ticket "Offset" --caller kim --at 2026-11-28T09:30:00+01:00
	run --separate-stderr itsm list --all --fields ref,opened_at
	assert_output "$(printf 'INC-1\t2026-11-28T08:15:00Z\nINC-2\t2026-11-28T08:30:00Z')"
}

@test "open --at in the future is refused (65) and changes nothing" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "Later" --caller kim --at 2026-11-28T09:00:01Z
	assert_status 65
	assert_output ""
	assert_one_line_error "future"
	assert_unchanged "$before"
}

@test "open --at with a date that is not one is refused (65)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	for at in tomorrow 2026-13-01 2026-02-30T10:00:00Z 2026-11-28T25:00Z ""; do
		run --separate-stderr itsm open "Bad date" --caller kim --at "$at"
		assert_status 65
		assert_one_line_error "invalid time"
	done
	assert_unchanged "$before"
}

@test "open with an unknown channel is refused (65) with the channels listed" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "Fax" --caller lea --channel fax
	assert_status 65
	assert_stderr "itsm: unknown channel 'fax' (expected one of: phone, email, chat, walk-in, portal, monitoring)"
	assert_unchanged "$before"
}

@test "open with an unknown type, category or subcategory is refused (65)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "x" --caller lea --type problem
	assert_status 65
	assert_one_line_error "unknown type 'problem'"
	run --separate-stderr itsm open "x" --caller lea --category plumbing
	assert_status 65
	assert_one_line_error "unknown category 'plumbing'"
	run --separate-stderr itsm open "x" --caller lea --category network \
	    --subcategory printer
	assert_status 65
	assert_one_line_error "printer.*connectivity, vpn, wifi, dns"
	assert_unchanged "$before"
}

@test "open with an empty summary or caller is refused (65)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm open "" --caller lea
	assert_status 65
	assert_one_line_error "summary is empty"
	run --separate-stderr itsm open "x" --caller ""
	assert_status 65
	assert_one_line_error "caller is empty"
	assert_unchanged "$before"
}

@test "open keeps UTF-8 text intact" {
	open_ticket "Écran noir — 画面" --caller "Zoë Ødegård"
	run --separate-stderr itsm show 1 --json
	jq_is '[.summary, .caller]' '["Écran noir — 画面","Zoë Ødegård"]'
}

@test "open --type request or change with --impact/--urgency is refused (1)" {
	open_ticket "First" --caller alice
	before=$(db_digest)
	for t in request change; do
		run --separate-stderr itsm open "Redirected" --caller bob --type "$t" \
		    --impact high --urgency high
		assert_status 1
		assert_output ""
		assert_one_line_error "redirected, not prioritized"
	done
	assert_unchanged "$before"
}

@test "open with an option given twice is a usage error (64)" {
	run --separate-stderr itsm open "x" --caller a --channel phone --channel email
	assert_status 64
	assert_one_line_error "--channel"
	assert_nothing_stored
}
