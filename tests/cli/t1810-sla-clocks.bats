#!/usr/bin/env bats
# The SLA clocks at their edges (issue 14): a target reached at the very
# moment the clock stops, the response due time after a reopen, and
# histories whose times were stated (--at), skewed (ITSM_NOW behind) or
# imported out of order.

load helper

# sla_section REF: the "sla" section of "itsm show REF --format table".
sla_section() {
	itsm show "$1" --format table | sed -n '/^sla$/,/^$/p' | sed '/^$/d'
}

# at TIME CMD...: itsm CMD at TIME.
at() {
	local t=$1
	shift
	ITSM_NOW=$t itsm "$@" >/dev/null
}

@test "a resolution target reached as the ticket goes on hold is met, as the same 4h split otherwise" {
	# P1, 4h to resolve.  INC-1 runs 4h, is on hold 13:00-14:00 and
	# resolved when released; INC-2 runs 3h, is on hold 12:00-13:00 and
	# runs 1h more.  Both ran 4h and were stopped 1h.
	open_ticket "four hours then hold" --caller a --impact high --urgency high
	open_ticket "three, hold, one" --caller a --impact high --urgency high
	itsm note 1 -m "on it" >/dev/null
	itsm note 2 -m "on it" >/dev/null
	at 2026-11-28T13:00:00Z hold 1 --reason user -m "away"
	at 2026-11-28T12:00:00Z hold 2 --reason user -m "away"
	at 2026-11-28T13:00:00Z hold 2 --release
	# On hold with no time left: not past due, the due time is now.
	export ITSM_NOW=2026-11-28T13:30:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T13:30:00Z (paused, 0s left)
  clock ran           4h, stopped 30m
  calendar            24x7"
	at 2026-11-28T14:00:00Z hold 1 --release
	# Released, the clock has not run past 4h yet: not breached.
	ITSM_NOW=2026-11-28T14:00:00Z run --separate-stderr itsm list --breached -q
	assert_output ""
	ITSM_NOW=2026-11-28T14:00:01Z run --separate-stderr itsm list --breached -q
	assert_output $'INC-1\nINC-2'
	at 2026-11-28T14:00:00Z resolve 1 --permanent -m "fixed"
	at 2026-11-28T14:00:00Z resolve 2 --permanent -m "fixed"
	export ITSM_NOW=2026-11-29T00:00:00Z
	for ref in 1 2; do
		run sla_section $ref
		assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T14:00:00Z (met)
  clock ran           4h, stopped 1h
  calendar            24x7"
		ticket_is $ref .resolution_due '"2026-11-28T14:00:00Z"'
	done
	# The figures agree with show.
	run --separate-stderr itsm stats --json
	jq_is .total.resolution '{"met":2,"breached":0,"compliance":1}'
}

@test "one second more on the clock after a target reached at a hold is missed" {
	open_ticket "four hours then hold" --caller a --impact high --urgency high
	at 2026-11-28T13:00:00Z hold 1 --reason user -m "away"
	at 2026-11-28T14:00:00Z hold 1 --release
	at 2026-11-28T14:00:01Z resolve 1 --permanent -m "fixed"
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (missed)
  resolution          due 2026-11-28T14:00:00Z (missed)
  clock ran           4h1s, stopped 1h
  calendar            24x7"
}

@test "a response, once made, keeps its due time through resolution, reopening and holds" {
	# P5: 1d to respond.  INC-1 answered in 1h, INC-2 (P1, 15m) in 20m.
	open_ticket "answered in time" --caller a --impact low --urgency low
	open_ticket "answered late" --caller a --impact high --urgency high
	at 2026-11-28T10:00:00Z note 1 -m "on it"
	at 2026-11-28T09:20:00Z note 2 -m "sorry"
	at 2026-11-28T11:00:00Z resolve 1 --permanent -m "fixed"
	at 2026-11-28T11:00:00Z resolve 2 --permanent -m "fixed"
	expect() {	# the stored and the live response due times, met or missed
		ticket_is 1 .response_due '"2026-11-29T09:00:00Z"'
		ticket_is 2 .response_due '"2026-11-28T09:15:00Z"'
		run sla_section 1
		[[ ${lines[1]} == "  response            due 2026-11-29T09:00:00Z (met)" ]]
		run sla_section 2
		[[ ${lines[1]} == "  response            due 2026-11-28T09:15:00Z (missed)" ]]
		run --separate-stderr itsm stats --json
		jq_is .total.response '{"met":1,"breached":1,"compliance":0.5}'
	}
	export ITSM_NOW=2026-11-28T12:00:00Z
	expect
	# Three days resolved, then back to work: the response stays met.
	at 2026-12-01T11:00:00Z reopen 1 -m "again"
	at 2026-12-01T11:00:00Z reopen 2 -m "again"
	export ITSM_NOW=2026-12-01T12:00:00Z
	expect
	run --separate-stderr itsm list --breached -q
	assert_output ""
	# A hold after the response moves its due time no more.
	at 2026-12-01T12:00:00Z hold 1 --reason user -m "away"
	export ITSM_NOW=2026-12-03T12:00:00Z
	expect
	# Nor a sweep after a change of the targets: P5 responds in 2d now.
	sed -i 's/response: 1d/response: 2d/' "$ITSM_CONFIG"
	grep -q 'response: 2d' "$ITSM_CONFIG"
	at 2026-12-03T12:00:00Z escalate --stagnant
	ticket_is 1 .response_due '"2026-11-30T09:00:00Z"'
}

# --- No history leaves a clock stopped for ever. ---

@test "a release stated before its hold is refused: the ordering rule keeps the clock" {
	open_ticket "held" --caller a --impact high --urgency high
	itsm note 1 -m "on it" >/dev/null
	at 2026-11-28T11:00:00Z hold 1 --reason user -m "away"
	export ITSM_NOW=2026-11-28T12:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --release --at 2026-11-28T10:59:59Z
	assert_rejected 65 "--at 2026-11-28T10:59:59Z is before the hold of INC-1 at 2026-11-28T11:00:00Z" "$before"
	# The same second is allowed: held 0s, the clock runs from 11:00.
	itsm hold 1 --release --at 2026-11-28T11:00:00Z >/dev/null
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T13:00:00Z (1h left)
  clock ran           3h, stopped 0s
  calendar            24x7"
	ticket_is 1 .resolution_due '"2026-11-28T13:00:00Z"'
}

@test "a host clock behind the hold records the release at the hold's time: the clock runs again" {
	open_ticket "held" --caller a --impact high --urgency high
	itsm note 1 -m "on it" >/dev/null
	at 2026-11-28T11:00:00Z hold 1 --reason user -m "away"
	# Another host, an hour behind, releases it: at 11:00, written at 10:00.
	at 2026-11-28T10:00:00Z hold 1 --release
	ticket_is 1 '[.events[] | select(.field == "status") | [.to, .at, .recorded_at]][-1]' \
	    '["in_progress","2026-11-28T11:00:00Z","2026-11-28T10:00:00Z"]'
	ticket_is 1 '[.status, .resolution_due]' '["in_progress","2026-11-28T13:00:00Z"]'
	# Held again and released in the same second by that host: recorded
	# in that order, the clock runs.
	at 2026-11-28T10:00:00Z hold 1 --reason user -m "away again"
	at 2026-11-28T10:00:00Z hold 1 --release
	ticket_is 1 '[.status, .resolution_due]' '["in_progress","2026-11-28T13:00:00Z"]'
	export ITSM_NOW=2026-11-28T12:00:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T13:00:00Z (1h left)
  clock ran           3h, stopped 0s
  calendar            24x7"
	ITSM_NOW=2026-11-28T13:00:01Z run --separate-stderr itsm list --breached -q
	assert_output "INC-1"
}

# exported_held FILE FILTER: INC-1, a P1 answered at 09:00, on hold at
# 10:00, released at 11:00, exported through jq FILTER into FILE; the
# database is then empty again.
exported_held() {
	open_ticket "held" --caller a --impact high --urgency high
	itsm note 1 -m "on it" >/dev/null
	at 2026-11-28T10:00:00Z hold 1 --reason user -m "away"
	at 2026-11-28T11:00:00Z hold 1 --release
	itsm export | jq -c "$2" >"$1"
	db_reset
}

@test "an imported history with a release before its hold: the clock runs, as the ticket's status says" {
	exported_held "$BATS_TEST_TMPDIR/t.jsonl" \
	    '(.events[] | select(.kind == "release") | .at) |= "2026-11-28T09:30:00Z"'
	ITSM_NOW=2026-11-28T12:00:00Z itsm import "$BATS_TEST_TMPDIR/t.jsonl" >/dev/null
	# Ran 09:00-10:00, stopped at the hold, in progress from then on
	# (its last change): 3h left at 10:00.
	export ITSM_NOW=2026-11-28T20:00:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T13:00:00Z (7h over)
  clock ran           11h, stopped 0s
  calendar            24x7"
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1"
	# Any change stores what show computes, and so does a sweep after
	# a change of the targets (P1 in 5h).
	itsm note 1 -m "still here" >/dev/null
	ticket_is 1 .resolution_due '"2026-11-28T13:00:00Z"'
	sed -i '0,/resolution: 4h/s//resolution: 5h/' "$ITSM_CONFIG"
	grep -q 'resolution: 5h' "$ITSM_CONFIG"
	itsm escalate --stagnant >/dev/null
	ticket_is 1 .resolution_due '"2026-11-28T14:00:00Z"'
}

@test "an imported ticket on hold whose history ends with a release: stopped, not running" {
	exported_held "$BATS_TEST_TMPDIR/t.jsonl" '.status = "on_hold"'
	ITSM_NOW=2026-11-28T12:00:00Z itsm import "$BATS_TEST_TMPDIR/t.jsonl" >/dev/null
	# Ran 09:00-10:00; stopped since, the release at 11:00 its last change.
	export ITSM_NOW=2026-11-28T20:00:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T23:00:00Z (paused, 3h left)
  clock ran           1h, stopped 10h
  calendar            24x7"
	itsm note 1 -m "still away" >/dev/null
	ticket_is 1 .resolution_due '"2026-11-28T23:00:00Z"'
}

@test "an imported resolved ticket with no status event: its clock stopped at the resolution, not running on" {
	cat >"$BATS_TEST_TMPDIR/t.jsonl" <<'JSON'
{"id":1,"summary":"s","caller":"c","status":"resolved","impact":"high","urgency":"high","priority":"P1","opened_at":"2026-11-28T09:00:00Z","responded_at":"2026-11-28T09:10:00Z","resolved_at":"2026-11-28T12:00:00Z"}
JSON
	ITSM_NOW=2026-11-28T13:00:00Z itsm import "$BATS_TEST_TMPDIR/t.jsonl" >/dev/null
	export ITSM_NOW=2026-11-30T13:00:00Z
	run sla_section 1
	assert_output "sla
  response            due 2026-11-28T09:15:00Z (met)
  resolution          due 2026-11-28T13:00:00Z (met)
  clock ran           3h, stopped 0s
  calendar            24x7"
}
