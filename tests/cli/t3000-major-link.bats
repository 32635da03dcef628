#!/usr/bin/env bats
# itsm major link (issue 4): other callers' incidents of the same outage
# become children of the major; resolving the major resolves its open
# children with the same solution, recorded on each.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
}

# INC-1 a P2 major on payroll, INC-2..INC-4 other callers' incidents.
major_and_calls() {
	open_major "Payroll down" --caller ann --service payroll --impact medium --urgency high
	open_ticket "Payroll error" --caller bob --service payroll
	open_ticket "Cannot see my payslip" --caller carl --impact low --urgency low
	open_ticket "Payroll slow" --caller dan --service payroll
}

@test "link makes incidents children of the major, recorded on both" {
	major_and_calls
	export ITSM_NOW=2026-11-28T09:20:00Z
	run --separate-stderr itsm major link INC-1 --child INC-2 3
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 2 '[.parent, .updated_at, (.events[] | select(.kind == "major-link") | [.at, .actor, .field, .from, .to])]' \
	    '[1,"2026-11-28T09:20:00Z",["2026-11-28T09:20:00Z","alice","parent",null,"INC-1"]]'
	ticket_is 3 '.parent' '1'
	ticket_is 4 '.parent' 'null'
	ticket_is 1 '[.events[] | select(.kind == "major-link") | [.at, .field, .from, .to]]' \
	    '[["2026-11-28T09:20:00Z","child",null,"INC-2"],["2026-11-28T09:20:00Z","child",null,"INC-3"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '.children' '[{"ref":"INC-2","status":"new"},{"ref":"INC-3","status":"new"}]'
}

@test "--child may be repeated; linking a child again records nothing" {
	major_and_calls
	run --separate-stderr itsm major link 1 --child 2 --child 4
	assert_status 0
	ticket_is 4 '.parent' '1'
	run --separate-stderr itsm major link 1 --child 2
	assert_status 0
	[ "$(count_events "kind = 'major-link'")" = 4 ]
}

@test "resolving the major resolves its open children with the same solution, recorded on each" {
	major_and_calls
	itsm major link 1 --child 2 3 >/dev/null
	itsm hold 3 --reason user -m "waiting for the caller" >/dev/null
	export ITSM_NOW=2026-11-28T10:30:00Z
	run --separate-stderr itsm resolve 1 --permanent --code solved -m "replaced the full disk"
	assert_status 0
	assert_output "INC-1"
	for i in 2 3; do
		ticket_is $i '[.status, .resolution, .resolved_at, .updated_at]' \
		    '["resolved",{"type":"permanent","code":"solved","notes":"replaced the full disk"},"2026-11-28T10:30:00Z","2026-11-28T10:30:00Z"]'
	done
	ticket_is 2 '[.events[] | select(.kind == "resolve") | [.at, .actor, .field, .from, .to, .message]]' \
	    '[["2026-11-28T10:30:00Z","alice","status","new","resolved","resolved with the major INC-1"],["2026-11-28T10:30:00Z","alice","resolution.type",null,"permanent",null],["2026-11-28T10:30:00Z","alice","resolution.code",null,"solved",null]]'
	ticket_is 3 '[.events[] | select(.kind == "resolve" and .field == "status") | [.from, .to]]' '[["on_hold","resolved"]]'
	# An incident not linked is not touched.
	ticket_is 4 '[.status, .resolution]' '["new",null]'
	run --separate-stderr itsm major status 1 --json
	jq_is '.children' '[{"ref":"INC-2","status":"resolved"},{"ref":"INC-3","status":"resolved"}]'
}

@test "a workaround on the major is a workaround on its children; back-dated with it" {
	major_and_calls
	itsm major link 1 --child 2 >/dev/null
	export ITSM_NOW=2026-11-28T11:00:00Z
	run --separate-stderr itsm resolve 1 --workaround -m "failed over" --at 2026-11-28T10:40:00Z
	assert_status 0
	ticket_is 2 '[.status, .resolution, .resolved_at]' \
	    '["resolved",{"type":"workaround","code":null,"notes":"failed over"},"2026-11-28T10:40:00Z"]'
	ticket_is 2 '[.events[] | select(.kind == "resolve") | [.at, .recorded_at]] | unique' '[["2026-11-28T10:40:00Z","2026-11-28T11:00:00Z"]]'
}

@test "children already resolved or closed keep their own solution" {
	major_and_calls
	itsm major link 1 --child 2 3 4 >/dev/null
	export ITSM_NOW=2026-11-28T09:30:00Z
	itsm resolve 3 --workaround -m "cleared the cache" >/dev/null
	ITSM_NOW=2026-11-28T09:40:00Z itsm prioritize 4 --impact low --urgency low >/dev/null
	ITSM_NOW=2026-11-28T09:40:00Z itsm resolve 4 --permanent -m "user error" --code user-error >/dev/null
	ITSM_NOW=2026-11-28T09:50:00Z itsm close 4 --confirmed >/dev/null
	export ITSM_NOW=2026-11-28T10:30:00Z
	run --separate-stderr itsm resolve 1 --permanent -m "replaced the disk"
	assert_status 0
	ticket_is 2 '[.status, .resolution.notes]' '["resolved","replaced the disk"]'
	ticket_is 3 '[.status, .resolution, .resolved_at]' '["resolved",{"type":"workaround","code":null,"notes":"cleared the cache"},"2026-11-28T09:30:00Z"]'
	ticket_is 4 '[.status, .resolution.notes, .resolved_at]' '["closed","user error","2026-11-28T09:40:00Z"]'
	[ "$(count_events "ticket = 3 AND kind = 'resolve' AND field = 'status'")" = 1 ]
}

@test "a refused resolution of the major resolves no child" {
	open_major "Payroll down" --caller ann
	open_ticket "Payroll error" --caller bob
	itsm major link 1 --child 2 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "fixed"
	assert_refused "itsm: cannot resolve INC-1: it is not prioritized (run 'itsm prioritize' first)" "$before"
	ticket_is 2 '.status' '"new"'
}

@test "linking a ticket to itself is invalid (65), nothing changed" {
	major_and_calls
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child INC-1
	assert_rejected 65 "cannot link a ticket to itself" "$before"
	run --separate-stderr itsm major link 1 --child 2 1
	assert_rejected 65 "cannot link a ticket to itself" "$before"
}

@test "linking to an ended or closed major, or a ticket never major, is refused (1), nothing changed" {
	major_and_calls
	export ITSM_NOW=2026-11-28T10:00:00Z
	itsm major end 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 2
	assert_refused "itsm: cannot link incidents to INC-1: the major is ended (only while it is active)" "$before"
	itsm resolve 1 --workaround -m "failed over" >/dev/null
	itsm close 1 --confirmed >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 2
	assert_refused "itsm: cannot link incidents to INC-1: the major is ended (only while it is active)" "$before"
	run --separate-stderr itsm major link 2 --child 4
	assert_refused "itsm: cannot link incidents to INC-2: it is not a major incident" "$before"
}

@test "linking a request, a major, another major's child or a closed incident is refused (1), nothing changed" {
	major_and_calls
	open_ticket "New laptop" --caller erin --type request
	open_major "ERP down" --caller fay
	itsm major link 6 --child 4 >/dev/null
	itsm resolve 3 --workaround -m "cache" >/dev/null
	itsm close 3 --confirmed >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 5
	assert_refused "itsm: cannot link REQ-5: it is a request" "$before"
	run --separate-stderr itsm major link 1 --child 6
	assert_refused "itsm: cannot link INC-6: it is a major incident itself" "$before"
	run --separate-stderr itsm major link 1 --child 4
	assert_refused "itsm: cannot link INC-4: it is linked to INC-6 already" "$before"
	run --separate-stderr itsm major link 1 --child 3
	assert_refused "itsm: cannot link INC-3: it is closed" "$before"
	# All or nothing: a good child before a bad one is not linked either.
	run --separate-stderr itsm major link 1 --child 2 5
	assert_refused "itsm: cannot link REQ-5: it is a request" "$before"
	ticket_is 2 '.parent' 'null'
}

@test "linking a ticket that does not exist is not found (66), nothing changed" {
	major_and_calls
	before=$(db_digest)
	run --separate-stderr itsm major link 1 --child 2 99
	assert_rejected 66 "no such ticket" "$before"
}
