#!/usr/bin/env bats
# itsm list: the work queue.  Open tickets, major first, then priority,
# then oldest; filters narrow it, --fields picks the columns.

load helper

# The foundation has no command yet to hold, resolve, close, cancel,
# assign, escalate or declare a major incident: the tests put tickets in
# those states straight into the database.
set_ticket() {	# set_ticket ID "col = value, ..."
	db_sql "UPDATE tickets SET $2 WHERE id = $1"
}

@test "an empty list exits 0 with no output, in every format" {
	for fmt in tsv table jsonl; do
		run --separate-stderr itsm list --format "$fmt"
		assert_status 0
		assert_output ""
		assert_stderr ""
	done
	run --separate-stderr itsm list -q
	assert_status 0
	assert_output ""
	run --separate-stderr itsm list --json
	assert_status 0
	jq_is '.' '[]'
	# A CSV file always names its columns (a maintainers' decision).
	run --separate-stderr itsm list --format csv
	assert_status 0
	assert_output "ref,priority,status,opened_at,group,assignee,summary"
	assert_stderr ""
}

@test "a list with no open ticket left is empty too" {
	open_ticket "Request" --caller alice --type request
	run --separate-stderr itsm list
	assert_status 0
	assert_output ""
	assert_stderr ""
}

@test "list prints ref, priority, status, opened_at, group, assignee, summary as tsv" {
	open_ticket "Printer down" --caller alice --impact low --urgency low
	open_ticket "Mail down" --caller bob --at 2026-11-28T08:00:00Z
	run --separate-stderr itsm list
	assert_status 0
	assert_stderr ""
	assert_output "$(printf '%s\n' \
	    $'INC-1\tP5\tnew\t2026-11-28T09:00:00Z\tservice-desk\t\tPrinter down' \
	    $'INC-2\t\tnew\t2026-11-28T08:00:00Z\tservice-desk\t\tMail down')"
}

@test "order: priority first, then oldest first, unprioritized last" {
	open_ticket "unprioritized old" --caller x --at 2026-11-28T06:00:00Z
	open_ticket "P5 oldest" --caller x --impact low --urgency low --at 2026-11-28T07:00:00Z
	open_ticket "P1 newer" --caller x --impact high --urgency high --at 2026-11-28T08:30:00Z
	open_ticket "P1 older" --caller x --impact high --urgency high --at 2026-11-28T08:10:00Z
	open_ticket "P3" --caller x --impact medium --urgency medium
	open_ticket "unprioritized new" --caller x
	open_ticket "P2" --caller x --impact 2 --urgency 1 --at 2026-11-28T08:59:00Z
	run --separate-stderr itsm list --fields ref,priority,summary
	assert_status 0
	assert_output "$(printf '%s\n' \
	    $'INC-4\tP1\tP1 older' \
	    $'INC-3\tP1\tP1 newer' \
	    $'INC-7\tP2\tP2' \
	    $'INC-5\tP3\tP3' \
	    $'INC-2\tP5\tP5 oldest' \
	    $'INC-1\t\tunprioritized old' \
	    $'INC-6\t\tunprioritized new')"
}

@test "order: a major incident comes before every priority" {
	open_ticket "P1" --caller x --impact high --urgency high --at 2026-11-28T07:00:00Z
	open_ticket "major P4" --caller x --impact medium --urgency low
	open_ticket "major unprioritized" --caller x
	open_ticket "P2" --caller x --impact high --urgency medium
	set_ticket 2 "major = 1"
	set_ticket 3 "major = 1"
	run --separate-stderr itsm list -q
	assert_status 0
	assert_output "$(printf 'INC-2\nINC-3\nINC-1\nINC-4')"
}

@test "re-prioritizing moves a ticket in the queue" {
	open_ticket "first" --caller x --impact low --urgency low
	open_ticket "second" --caller x --impact medium --urgency medium
	run --separate-stderr itsm list -q
	assert_output "$(printf 'INC-2\nINC-1')"
	itsm prioritize 1 --impact high --urgency high
	run --separate-stderr itsm list -q
	assert_output "$(printf 'INC-1\nINC-2')"
}

@test "by default only open tickets: new, in_progress and on_hold" {
	for s in new in_progress on_hold resolved closed redirected cancelled; do
		open_ticket "$s" --caller x
	done
	for id in 2 3 4 5 6 7; do
		set_ticket "$id" "status = (SELECT summary FROM tickets WHERE id = $id)"
	done
	run --separate-stderr itsm list --fields ref,status
	assert_status 0
	assert_output "$(printf 'INC-1\tnew\nINC-2\tin_progress\nINC-3\ton_hold')"
}

@test "--all lists every status" {
	for s in new in_progress on_hold resolved closed redirected cancelled; do
		open_ticket "$s" --caller x
	done
	for id in 2 3 4 5 6 7; do
		set_ticket "$id" "status = (SELECT summary FROM tickets WHERE id = $id)"
	done
	run --separate-stderr itsm list --all --fields ref,status
	assert_status 0
	assert_output "$(printf '%s\n' $'INC-1\tnew' $'INC-2\tin_progress' \
	    $'INC-3\ton_hold' $'INC-4\tresolved' $'INC-5\tclosed' \
	    $'INC-6\tredirected' $'INC-7\tcancelled')"
}

@test "--status is repeatable and comma-separated" {
	for s in new in_progress on_hold resolved closed redirected cancelled; do
		open_ticket "$s" --caller x
	done
	for id in 2 3 4 5 6 7; do
		set_ticket "$id" "status = (SELECT summary FROM tickets WHERE id = $id)"
	done
	run --separate-stderr itsm list --status resolved -q
	assert_status 0
	assert_output "INC-4"
	run --separate-stderr itsm list --status closed,cancelled -q
	assert_output "$(printf 'INC-5\nINC-7')"
	run --separate-stderr itsm list --status on_hold --status redirected,new -q
	assert_output "$(printf 'INC-1\nINC-3\nINC-6')"
}

@test "--type keeps one type" {
	open_ticket "incident" --caller x
	open_ticket "request" --caller x --type request
	open_ticket "change" --caller x --type change
	run --separate-stderr itsm list --all --type request -q
	assert_status 0
	assert_output "REQ-2"
	run --separate-stderr itsm list --all --type CHANGE -q
	assert_output "CHG-3"
	run --separate-stderr itsm list --type incident -q
	assert_output "INC-1"
}

@test "--priority keeps one priority, case-insensitive" {
	open_ticket "a" --caller x --impact high --urgency high
	open_ticket "b" --caller x --impact low --urgency low
	open_ticket "c" --caller x --impact high --urgency high
	open_ticket "d" --caller x
	run --separate-stderr itsm list --priority P1 -q
	assert_status 0
	assert_output "$(printf 'INC-1\nINC-3')"
	run --separate-stderr itsm list --priority p5 -q
	assert_output "INC-2"
	run --separate-stderr itsm list --priority P2
	assert_status 0
	assert_output ""
}

@test "--group keeps one group" {
	open_ticket "desk" --caller x
	open_ticket "l2" --caller x
	open_ticket "eng" --caller x
	set_ticket 2 "group_name = 'support-l2', tier = 'N2'"
	set_ticket 3 "group_name = 'engineering', tier = 'N3'"
	run --separate-stderr itsm list --group support-l2
	assert_status 0
	assert_output $'INC-2\t\tnew\t2026-11-28T09:00:00Z\tsupport-l2\t\tl2'
	run --separate-stderr itsm list --group Service-Desk -q
	assert_output "INC-1"
}

@test "--assignee keeps one assignee" {
	open_ticket "a" --caller x
	open_ticket "b" --caller x
	open_ticket "c" --caller x
	set_ticket 1 "assignee = 'bob'"
	set_ticket 3 "assignee = 'bob'"
	set_ticket 2 "assignee = 'carol'"
	run --separate-stderr itsm list --assignee bob --fields ref,assignee
	assert_status 0
	assert_output "$(printf 'INC-1\tbob\nINC-3\tbob')"
	run --separate-stderr itsm list --assignee nobody
	assert_status 0
	assert_output ""
}

@test "--caller, --affected, --service, --category: one each, in any case; a name no ticket has lists nothing" {
	open_ticket "Mail slow" --caller Ann --affected bob --service mail
	open_ticket "VPN down" --caller carl --affected ann --service VPN
	open_ticket "Mail bounces" --caller ann --service Mail
	itsm categorize 2 --type incident --category network >/dev/null
	itsm categorize 3 --type incident --category software >/dev/null
	run --separate-stderr itsm list --caller ANN -q
	assert_status 0
	assert_output "$(printf 'INC-1\nINC-3')"
	# The affected user is the caller unless told otherwise.
	run --separate-stderr itsm list --affected Ann -q
	assert_output "$(printf 'INC-2\nINC-3')"
	run --separate-stderr itsm list --service MAIL -q
	assert_output "$(printf 'INC-1\nINC-3')"
	run --separate-stderr itsm list --category NETWORK -q
	assert_output "INC-2"
	run --separate-stderr itsm list --caller ann --service mail --category software -q
	assert_output "INC-3"
	run --separate-stderr itsm list --caller nobody
	assert_status 0
	assert_output ""
	assert_stderr ""
	# Not a prefix, not a pattern.
	run --separate-stderr itsm list --caller an -q
	assert_output ""
	run --separate-stderr itsm list --service 'm%' -q
	assert_output ""
}

@test "--text: in the summary or the description, anywhere, in any case" {
	open_ticket "Printer jammed" --caller a
	open_ticket "Screen dark" --caller a -m "the PRINTER beside it works"
	open_ticket "VPN down" --caller a -m "since 9:00"
	open_ticket "100% CPU_load" --caller a
	run --separate-stderr itsm list --text printer -q
	assert_status 0
	assert_output "$(printf 'INC-1\nINC-2')"
	run --separate-stderr itsm list --text "INTER BES" -q
	assert_output "INC-2"
	run --separate-stderr itsm list --text "printer  beside" -q
	assert_output ""
	# No pattern: % and _ are themselves.
	run --separate-stderr itsm list --text "%" -q
	assert_output "INC-4"
	run --separate-stderr itsm list --text "u_l" -q
	assert_output "INC-4"
	run --separate-stderr itsm list --text "c" --all -q
	assert_output "$(printf 'INC-2\nINC-3\nINC-4')"
}

@test "--since and --until: opened at or after, before; any time form" {
	export ITSM_NOW=2026-11-26T10:00:00Z
	open_ticket "old" --caller a
	export ITSM_NOW=2026-11-27T23:59:59Z
	open_ticket "eve" --caller a
	export ITSM_NOW=2026-11-28T00:00:00Z
	open_ticket "midnight" --caller a
	export ITSM_NOW=2026-11-28T09:00:00Z
	open_ticket "today" --caller a
	run --separate-stderr itsm list --since 2026-11-28 -q
	assert_status 0
	assert_output "$(printf 'INC-3\nINC-4')"
	run --separate-stderr itsm list --until 2026-11-28 -q
	assert_output "$(printf 'INC-1\nINC-2')"
	run --separate-stderr itsm list --since yesterday --until today -q
	assert_output "INC-2"
	run --separate-stderr itsm list --since -1h -q
	assert_output "INC-4"
	run --separate-stderr itsm list --since 2026-11-28T09:00:00Z -q
	assert_output "INC-4"
}

@test "bad --since, --until or --text: refused, one line, nothing changed" {
	open_ticket "x" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm list --since nonsense
	assert_status 65
	assert_output ""
	assert_one_line_error "invalid time 'nonsense'"
	run --separate-stderr itsm list --until 2026-13-01
	assert_status 65
	assert_one_line_error "invalid time '2026-13-01'"
	run --separate-stderr itsm list --text ""
	assert_status 64
	assert_one_line_error "--text needs some text"
	assert_unchanged "$before"
}

@test "filters combine" {
	open_ticket "a" --caller x --impact high --urgency high
	open_ticket "b" --caller x --impact high --urgency high
	open_ticket "c" --caller x --impact high --urgency high
	set_ticket 2 "assignee = 'bob'"
	set_ticket 3 "assignee = 'bob', status = 'resolved'"
	run --separate-stderr itsm list --priority P1 --assignee bob -q
	assert_output "INC-2"
	run --separate-stderr itsm list --all --priority P1 --assignee bob -q
	assert_output "$(printf 'INC-2\nINC-3')"
}

@test "--limit N keeps the first N of the queue" {
	for i in 1 2 3 4 5; do open_ticket "t$i" --caller x; done
	itsm prioritize 4 --impact high --urgency high
	run --separate-stderr itsm list --limit 2 -q
	assert_status 0
	assert_output "$(printf 'INC-4\nINC-1')"
	run --separate-stderr itsm list --limit 1 -q
	assert_output "INC-4"
	run --separate-stderr itsm list --limit 100 -q
	assert_output "$(printf 'INC-4\nINC-1\nINC-2\nINC-3\nINC-5')"
}

@test "--fields picks and orders the columns" {
	open_ticket "Printer down" --caller alice --affected bob --channel phone \
	    --impact high --urgency low
	run --separate-stderr itsm list --fields summary,ref,caller,affected,channel,impact,urgency,priority,id,type,response_due,major
	assert_status 0
	assert_output $'Printer down\tINC-1\talice\tbob\tphone\thigh\tlow\tP3\t1\tincident\t2026-11-28T11:00:00Z\tfalse'
	run --separate-stderr itsm list --fields ref --format csv
	assert_output "$(printf 'ref\nINC-1')"
}

@test "--fields accepts the nested resolution fields and is case-insensitive" {
	open_ticket "x" --caller alice
	run --separate-stderr itsm list --fields REF,Resolution.Code,reopen_count
	assert_status 0
	assert_output $'INC-1\t\t0'
}

@test "unknown status, priority, group, type or field: 65 with a one-line message" {
	open_ticket "x" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm list --status open
	assert_status 65
	assert_output ""
	assert_one_line_error "unknown status 'open'"
	run --separate-stderr itsm list --status new,bogus
	assert_status 65
	assert_one_line_error "unknown status 'bogus'"
	run --separate-stderr itsm list --priority P9
	assert_status 65
	assert_stderr "itsm: unknown priority 'P9' (expected one of: P1, P2, P3, P4, P5), and no ticket has that priority"
	run --separate-stderr itsm list --group nope
	assert_status 65
	assert_stderr "itsm: unknown group 'nope' (expected one of: service-desk, support-l2, engineering), and no ticket has that group"
	run --separate-stderr itsm list --type problem
	assert_status 65
	assert_one_line_error "unknown type 'problem'"
	run --separate-stderr itsm list --fields ref,colour
	assert_status 65
	assert_output ""
	assert_one_line_error "unknown field 'colour'"
	assert_unchanged "$before"
}

@test "--limit 0, -1, abc, 2x, 1.5 and a huge number are invalid (65)" {
	open_ticket "x" --caller alice
	before=$(db_digest)
	for n in 0 -1 abc 2x 1.5 "" 99999999999999999999999; do
		run --separate-stderr itsm list --limit "$n"
		assert_status 65
		assert_output ""
		assert_one_line_error "invalid limit"
	done
	assert_unchanged "$before"
}

@test "usage errors of list: 64" {
	open_ticket "x" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm list --limit
	assert_status 64
	assert_one_line_error "--limit"
	run --separate-stderr itsm list --fields ""
	assert_status 64
	assert_one_line_error "--fields"
	# An empty --status must not silently match nothing.
	for st in "" ","; do
		run --separate-stderr itsm list --status "$st"
		assert_status 64
		assert_output ""
		assert_one_line_error "--status"
	done
	run --separate-stderr itsm list INC-1
	assert_status 64
	assert_one_line_error "unexpected argument 'INC-1'"
	run --separate-stderr itsm list --sort priority
	assert_status 64
	assert_one_line_error "unknown option '--sort'"
	assert_unchanged "$before"
}

@test "a group or priority of imported tickets only: list, next and export filter on it alike; one no ticket has is 65 in each (issue 11)" {
	printf '%s\n' \
	    '{"id":1,"summary":"old","caller":"c","status":"in_progress","group":"Group 56","priority":"1 - Critical","opened_at":"2026-11-01T00:00:00Z"}' \
	    '{"id":2,"summary":"other","caller":"c","status":"new","group":"Group 7","opened_at":"2026-11-01T00:00:00Z"}' \
	    >"$BATS_TEST_TMPDIR/in.jsonl"
	itsm import "$BATS_TEST_TMPDIR/in.jsonl" >/dev/null 2>&1
	open_ticket "Local" --caller d
	for g in "Group 56" "group 56"; do
		run --separate-stderr itsm list --group "$g" -q
		assert_status 0
		assert_output "INC-1"
		run --separate-stderr itsm next --group "$g" -q
		assert_status 0
		assert_output "INC-1"
		run --separate-stderr itsm export --group "$g"
		assert_status 0
		jq_is '.ref' '"INC-1"'
	done
	run --separate-stderr itsm list --priority "1 - critical" -q
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm export --priority "1 - Critical"
	jq_is '.ref' '"INC-1"'
	# The policy's names still match in any case.
	run --separate-stderr itsm list --group SERVICE-DESK -q
	assert_output "INC-3"
	# A value neither the policy nor any ticket has: a typo, refused alike.
	before=$(db_digest)
	for cmd in list next export; do
		run --separate-stderr itsm "$cmd" --group "Group 57"
		assert_rejected 65 "unknown group 'Group 57' \(expected one of: service-desk, support-l2, engineering\), and no ticket has that group$" "$before"
	done
	for cmd in list export; do
		run --separate-stderr itsm "$cmd" --priority "2 - High"
		assert_rejected 65 "unknown priority '2 - High' .*, and no ticket has that priority$" "$before"
	done
}
