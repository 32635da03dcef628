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
  clock ran           4h, stopped 30m"
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
  clock ran           4h, stopped 1h"
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
  clock ran           4h1s, stopped 1h"
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
