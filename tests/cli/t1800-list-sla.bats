#!/usr/bin/env bats
# itsm list --mine, --on-hold, --stagnant, --breached, the "!" of a
# breached ticket in the table, and the "sla" section of itsm show.

load helper

# sla_section REF: the "sla" section of "itsm show REF --format table".
sla_section() {
	itsm show "$1" --format table | sed -n '/^sla$/,/^$/p' | sed '/^$/d'
}

@test "list --mine: the open tickets assigned to you" {
	export ITSM_ACTOR=bob
	open_ticket "bob's" --caller a
	open_ticket "carol's" --caller a
	open_ticket "nobody's" --caller a
	open_ticket "bob's, resolved" --caller a --impact low --urgency low
	open_ticket "bob's, held" --caller a
	itsm assign 1 >/dev/null
	itsm assign 2 --to carol >/dev/null
	itsm assign 4 >/dev/null
	itsm resolve 4 --permanent -m "fixed" >/dev/null
	itsm assign 5 >/dev/null
	itsm hold 5 --reason user -m "away" >/dev/null
	run --separate-stderr itsm list --mine
	assert_status 0
	assert_stderr ""
	assert_output "$(printf '%s\n' \
	    $'INC-1\t\tin_progress\t2026-11-28T09:00:00Z\tservice-desk\tbob\tbob\'s' \
	    $'INC-5\t\ton_hold\t2026-11-28T09:00:00Z\tservice-desk\tbob\tbob\'s, held')"
	ITSM_ACTOR=carol run --separate-stderr itsm list --mine -q
	assert_output "INC-2"
	ITSM_ACTOR=dave run --separate-stderr itsm list --mine
	assert_status 0
	assert_output ""
	run --separate-stderr itsm list --mine --assignee carol
	assert_status 64
	assert_one_line_error "--mine and --assignee exclude each other"
}

@test "list --on-hold: only the tickets on hold; not with --status or --all" {
	open_ticket "held" --caller a
	open_ticket "working" --caller a
	itsm hold 1 --reason problem -m "PRB-3" >/dev/null
	run --separate-stderr itsm list --on-hold -q
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm list --on-hold --status new
	assert_status 64
	assert_one_line_error "--on-hold excludes --status and --all"
	run --separate-stderr itsm list --on-hold --all
	assert_status 64
}

@test "list --stagnant: no activity for longer than the priority's threshold" {
	# Thresholds of the default policy: P1 1h, P2 4h, P3 1d, P4 3d, P5 1w;
	# an unprioritized ticket takes the last one's (1w).
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P2" --caller a --impact high --urgency medium
	open_ticket "P3" --caller a --impact medium --urgency medium
	open_ticket "P4" --caller a --impact medium --urgency low
	open_ticket "P5" --caller a --impact low --urgency low
	open_ticket "none" --caller a
	expect() {	# expect TIME REFS...
		local now=$1
		shift
		ITSM_NOW=$now run --separate-stderr itsm list --stagnant -q
		assert_status 0
		assert_output "$(printf '%s\n' "$@")"
	}
	expect 2026-11-28T10:00:00Z ""
	expect 2026-11-28T10:00:01Z INC-1
	expect 2026-11-28T13:00:01Z INC-1 INC-2
	expect 2026-11-29T09:00:01Z INC-1 INC-2 INC-3
	expect 2026-12-01T09:00:01Z INC-1 INC-2 INC-3 INC-4
	expect 2026-12-05T09:00:00Z INC-1 INC-2 INC-3 INC-4
	expect 2026-12-05T09:00:01Z INC-1 INC-2 INC-3 INC-4 INC-5 INC-6
}

@test "list --stagnant: activity re-arms the clock; on hold and resolved never stagnate" {
	open_ticket "P1 noted" --caller a --impact high --urgency high
	open_ticket "P1 held" --caller a --impact high --urgency high
	open_ticket "P1 resolved" --caller a --impact high --urgency high
	open_ticket "P1 idle" --caller a --impact high --urgency high
	ITSM_NOW=2026-11-28T09:30:00Z itsm note 1 -m "still on it" >/dev/null
	itsm hold 2 --reason vendor -m "patch" >/dev/null
	itsm resolve 3 --workaround -m "restarted" >/dev/null
	export ITSM_NOW=2026-11-28T10:15:00Z
	run --separate-stderr itsm list --stagnant -q
	assert_status 0
	assert_output "INC-4"
	export ITSM_NOW=2026-11-28T10:30:01Z
	run --separate-stderr itsm list --stagnant -q
	assert_output $'INC-1\nINC-4'
}

@test "list --breached: past the response due time unanswered, or the resolution due time" {
	open_ticket "P1 unanswered" --caller a --impact high --urgency high
	open_ticket "P1 answered" --caller a --impact high --urgency high
	ITSM_NOW=2026-11-28T09:10:00Z itsm note 2 -m "on it" >/dev/null
	open_ticket "P1 answered late" --caller a --impact high --urgency high
	ITSM_NOW=2026-11-28T09:20:00Z itsm note 3 -m "sorry" >/dev/null
	open_ticket "P5" --caller a --impact low --urgency low
	open_ticket "none" --caller a
	export ITSM_NOW=2026-11-28T09:15:00Z
	run --separate-stderr itsm list --breached
	assert_status 0
	assert_output ""
	export ITSM_NOW=2026-11-28T09:30:00Z
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1"
	# 13:00:01: every P1 is past its resolution due time.
	export ITSM_NOW=2026-11-28T13:00:01Z
	run --separate-stderr itsm list --breached -q
	assert_output $'INC-1\nINC-2\nINC-3'
	itsm resolve 2 --permanent -m "fixed" >/dev/null
	run --separate-stderr itsm list --breached -q
	assert_output $'INC-1\nINC-3'
}

@test "the table marks a major: MAJOR before its priority, first in the queue, above a breached P1" {
	open_ticket "P1 late" --caller a --impact high --urgency high
	open_ticket "Payroll slow" --caller b --service payroll --impact medium --urgency medium
	itsm major declare 2 >/dev/null
	open_ticket "Unprioritized major" --caller c
	itsm major declare 3 >/dev/null
	export ITSM_NOW=2026-11-28T09:31:00Z
	run --separate-stderr itsm list --format table
	assert_status 0
	assert_output "REF       PRI       STATUS      AGE       GROUP          ASSIGNEE     SUMMARY
INC-2     MAJOR P3  in_progress 31m ago   service-desk   -            Payroll slow
INC-3     MAJOR -   in_progress 31m ago   service-desk   -            Unprioritized major
INC-1     P1!       new         31m ago   service-desk   -            P1 late"
	# Machine formats keep the priority clean.
	run --separate-stderr itsm list --fields ref,priority
	assert_output $'INC-2\tP3\nINC-3\t\nINC-1\tP1'
}

@test "the table marks a breached ticket's priority with '!'" {
	open_ticket "P1 late" --caller a --impact high --urgency high
	open_ticket "P5 fine" --caller a --impact low --urgency low
	open_ticket "P2 answered" --caller a --impact high --urgency medium
	itsm note 3 -m "on it" >/dev/null
	open_ticket "no priority" --caller a
	export ITSM_NOW=2026-11-28T09:31:00Z
	run --separate-stderr itsm list --format table
	assert_status 0
	assert_output "REF       PRI       STATUS      AGE       GROUP          ASSIGNEE     SUMMARY
INC-1     P1!       new         31m ago   service-desk   -            P1 late
INC-3     P2        in_progress 31m ago   service-desk   -            P2 answered
INC-2     P5        new         31m ago   service-desk   -            P5 fine
INC-4     -         new         31m ago   service-desk   -            no priority"
	run --separate-stderr itsm list --breached --format table
	assert_output "REF       PRI       STATUS      AGE       GROUP          ASSIGNEE     SUMMARY
INC-1     P1!       new         31m ago   service-desk   -            P1 late"
	# Machine formats keep the priority clean.
	run --separate-stderr itsm list --breached
	assert_output $'INC-1\tP1\tnew\t2026-11-28T09:00:00Z\tservice-desk\t\tP1 late'
	run --separate-stderr itsm list --breached --json
	jq_is '[.[].priority]' '["P1"]'
}

@test "show's sla section: time left, time over, met and missed" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P5" --caller a --impact low --urgency low
	open_ticket "none" --caller a
	export ITSM_NOW=2026-11-28T09:31:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (16m over)
  resolution          due 2026-11-28T13:00:00Z (3h29m left)
  clock ran           31m, stopped 0s
  calendar            24x7"
	run sla_section 2
	assert_output "sla
  response            due 2026-11-29T09:00:00Z (23h29m left)
  resolution          due 2026-12-05T09:00:00Z (6d23h29m left)
  clock ran           31m, stopped 0s
  calendar            24x7"
	# No priority, no clocks to show.
	run sla_section 3
	assert_output ""
	itsm note 1 -m "late answer" >/dev/null
	ITSM_NOW=2026-11-28T14:00:00Z itsm resolve 1 --permanent -m "fixed" >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm resolve 2 --permanent -m "fixed" >/dev/null
	export ITSM_NOW=2026-11-30T00:00:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (missed)
  resolution          due 2026-11-28T13:00:00Z (missed)
  clock ran           5h, stopped 0s
  calendar            24x7"
	run sla_section 2
	assert_output "sla
  response            due 2026-11-29T09:00:00Z (met)
  resolution          due 2026-12-05T09:00:00Z (met)
  clock ran           1h, stopped 0s
  calendar            24x7"
}

@test "a resolved ticket's due times no longer move with the clock" {
	open_ticket "P2" --caller a --impact high --urgency medium
	ITSM_NOW=2026-11-28T10:00:00Z itsm resolve 1 --workaround -m "restarted" >/dev/null
	ticket_is 1 '[.response_due, .resolution_due]' '["2026-11-28T09:30:00Z","2026-11-28T17:00:00Z"]'
	ITSM_NOW=2026-12-01T10:00:00Z itsm close 1 --confirmed >/dev/null
	ticket_is 1 '[.response_due, .resolution_due]' '["2026-11-28T09:30:00Z","2026-11-28T17:00:00Z"]'
	export ITSM_NOW=2026-12-24T00:00:00Z
	# Answered by the resolution at 10:00: the 30m response was missed.
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:30:00Z (missed)
  resolution          due 2026-11-28T17:00:00Z (met)
  clock ran           1h, stopped 0s
  calendar            24x7"
}

# due_everywhere REF FIELD TIME: FIELD of REF reads TIME in tsv, csv, json
# (list and show) and in show's table.
due_everywhere() {
	run --separate-stderr itsm list --all --format tsv --fields ref,"$2"
	printf '%s\n' "$output" | grep -qxF "$(printf '%s\t%s' "$1" "$3")"
	run --separate-stderr itsm list --all --format csv --fields ref,"$2"
	printf '%s\n' "$output" | grep -qxF "$1,$3"
	run --separate-stderr itsm list --all --json
	jq_is ".[] | select(.ref == \"$1\") | .$2" "\"$3\""
	run --separate-stderr itsm show "$1" --json
	jq_is ".$2" "\"$3\""
	run --separate-stderr itsm show "$1"
	printf '%s\n' "$output" | grep -qxF "$(printf '%s\t%s' "$2" "$3")"
	run --separate-stderr itsm show "$1" --format table
	[[ $output == *"due $3"* ]]
}

@test "a due time past year 9999 is 9999-12-31T23:59:59Z in every format, never year 0000 or null (issue 11)" {
	# A resolution target of 418000 weeks (8011 years) from 2026.
	sed -i '0,/resolution: 4h/s//resolution: 418000w/' "$ITSM_CONFIG"
	open_ticket "Far away" --caller alice --impact high --urgency high
	due_everywhere INC-1 resolution_due 9999-12-31T23:59:59Z
	due_everywhere INC-1 response_due 2026-11-28T09:15:00Z
	# Opened two hours before the end of the range: 4h later is past it.
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	ITSM_NOW=9999-12-31T22:00:00Z open_ticket "Last night" --caller bob --impact high --urgency high
	export ITSM_NOW=9999-12-31T23:59:59Z
	due_everywhere INC-2 resolution_due 9999-12-31T23:59:59Z
	due_everywhere INC-2 response_due 9999-12-31T22:15:00Z
	# Breached on response, never on a resolution due at the end.
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1
INC-2"
}
