#!/usr/bin/env bats
# The clocks in business time (issue 14): the Paris office of
# examples/office-hours.yaml (Europe/Paris, UTC+1 in winter; Monday to
# Friday 08:00-12:00 and 13:30-18:00, a business day 8h30m; 11 November
# a holiday; P1 around the clock).  SLA due times, stagnation and
# auto-close count its working time; JSON says the instants in UTC.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	cp "$TOP/examples/office-hours.yaml" "$ITSM_CONFIG"
}

# Friday 27 November 2026, 17:50 in Paris: 10 minutes before closing.
FRIDAY_EVENING=2026-11-27T16:50:00Z

@test "due times count working time; show --json says them in UTC, with the calendar and the working time left" {
	export ITSM_NOW=$FRIDAY_EVENING
	open_ticket "P3 on Friday evening" --caller a --impact medium --urgency medium
	# Response 2h: 10m on Friday, 1h50m on Monday from 08:00 (07:00Z);
	# resolution 1d, 8h30m: Monday 17:50 (16:50Z).
	ticket_is 1 '[.priority, .response_due, .resolution_due]' \
	    '["P3","2026-11-30T08:50:00Z","2026-11-30T16:50:00Z"]'
	ticket_is 1 '.sla' \
	    '{"calendar":"paris-office","response_due":"2026-11-30T08:50:00Z","resolution_due":"2026-11-30T16:50:00Z","response_left":7200,"resolution_left":30600,"paused":false}'
	# On Saturday nothing was counted: all of it is left.
	ITSM_NOW=2026-11-28T12:00:00Z run --separate-stderr itsm show 1 --format table
	assert_status 0
	[[ $output == *$'\n  calendar            paris-office\n'* ]]
	# The table in the policy's display zone, Paris (itsm-show(1)).
	[[ $output == *"due 2026-11-30T09:50:00+01:00 (1h50m left)"* ]]
	[[ $output == *"due 2026-11-30T17:50:00+01:00 (8h20m left)"* ]]
}

@test "a ticket opened outside working time starts its clocks at the next opening; a holiday does not count" {
	export ITSM_NOW=2026-11-28T10:00:00Z	# Saturday
	open_ticket "P3 on Saturday" --caller a --impact medium --urgency medium
	# Response 2h from Monday 08:00: 10:00.  Resolution 1d, 8h30m, used
	# up at Monday's closing: due at Tuesday's opening, 08:00 (07:00Z).
	ticket_is 1 '[.response_due, .resolution_due]' \
	    '["2026-11-30T09:00:00Z","2026-12-01T07:00:00Z"]'
	# Tuesday 10 November 10:00, 1d: Thursday 10:00, Wednesday the 11th
	# (Armistice) being a holiday.
	export ITSM_NOW=2026-11-10T09:00:00Z
	open_ticket "P3 before a holiday" --caller a --impact medium --urgency medium
	ticket_is 2 '.resolution_due' '"2026-11-12T09:00:00Z"'
}

@test "a target used up at a closing time is due at the reopening: what is done over lunch is on time" {
	export ITSM_NOW=2026-11-30T07:00:00Z	# Monday 08:00
	open_ticket "P4, answered over lunch" --caller a --impact medium --urgency low
	open_ticket "P4, answered after lunch" --caller a --impact medium --urgency low
	# Response 4h: 08:00-12:00, used up at 12:00; the clock runs on at
	# 13:30 (12:30Z): due then, not past due during the break.
	ticket_is 1 '.response_due' '"2026-11-30T12:30:00Z"'
	ITSM_NOW=2026-11-30T11:00:01Z run --separate-stderr itsm list --breached -q
	assert_status 0
	assert_output ""
	ITSM_NOW=2026-11-30T12:30:00Z run --separate-stderr itsm list --breached -q
	assert_output ""
	ITSM_NOW=2026-11-30T12:30:01Z run --separate-stderr itsm list --breached -q
	assert_output $'INC-1\nINC-2'
	# Answered at 12:45 (the clock ran 4h: met) and at 13:31 (4h01s:
	# missed), in show and in stats alike.
	ITSM_NOW=2026-11-30T11:45:00Z itsm assign 1 --to tech07 >/dev/null
	ITSM_NOW=2026-11-30T12:31:00Z itsm assign 2 --to tech07 >/dev/null
	export ITSM_NOW=2026-11-30T15:00:00Z
	run --separate-stderr itsm show 1 --format table --utc
	[[ $output == *"response            due 2026-11-30T12:30:00Z (met)"* ]]
	run --separate-stderr itsm show 2 --format table --utc
	[[ $output == *"response            due 2026-11-30T12:30:00Z (missed)"* ]]
	run --separate-stderr itsm stats --json
	jq_is .total.response '{"met":1,"breached":1,"compliance":0.5}'
}

@test "due times stored by the closing-time rule are recomputed once, before a sweep" {
	export ITSM_NOW=2026-11-30T07:00:00Z	# Monday 08:00
	open_ticket "P4" --caller a --impact medium --urgency low
	itsm escalate --stagnant >/dev/null
	# As an itsm of before the rule left it: due at 12:00 (11:00Z), its
	# fingerprint without the rule's version.
	db_sql "UPDATE tickets SET response_due = $(date -u -d 2026-11-30T11:00:00Z +%s) WHERE id = 1"
	db_sql "UPDATE meta SET value = replace(value, '/2;', ';') WHERE key = 'sla_targets'"
	[[ $(db_sql "SELECT value FROM meta WHERE key = 'sla_targets'") == *"calendars="*[0-9a-f]";" ]]
	export ITSM_NOW=2026-11-30T11:30:00Z	# 12:30, over lunch
	run --separate-stderr itsm escalate --stagnant --breached
	assert_status 0
	assert_output ""
	ticket_is 1 '.response_due' '"2026-11-30T12:30:00Z"'
	[[ $(db_sql "SELECT value FROM meta WHERE key = 'sla_targets'") == *"calendars="*"/2;" ]]
}

@test "a change of priority keeps the working time already counted" {
	export ITSM_NOW=2026-11-30T07:00:00Z	# Monday 08:00
	open_ticket "P3" --caller a --impact medium --urgency medium
	ticket_is 1 '.response_due' '"2026-11-30T09:00:00Z"'
	# At 10:00 it becomes a P4 (response 4h): 2h were counted, 2h are
	# left, used up at 12:00: due at 13:30 (12:30Z); not 4h from now.
	export ITSM_NOW=2026-11-30T09:00:00Z
	itsm prioritize 1 --impact medium --urgency low -m "can wait" >/dev/null
	ticket_is 1 '[.priority, .response_due]' '["P4","2026-11-30T12:30:00Z"]'
	ticket_is 1 '.sla.response_left' '7200'
	# Held from 10:30 to 14:00: the clock stopped 30m of working time
	# (11:30-12:00 ... the lunch break does not count either).
	ITSM_NOW=2026-11-30T09:30:00Z itsm hold 1 --reason user -m "away" >/dev/null
	ITSM_NOW=2026-11-30T13:00:00Z itsm hold 1 --release >/dev/null
	# 1h30m left at 14:00: 15:30 (14:30Z).
	ITSM_NOW=2026-11-30T13:00:00Z ticket_is 1 '.response_due' '"2026-11-30T14:30:00Z"'
}

@test "a Friday-evening P3 is not escalated over the weekend, and is on Monday at the right minute" {
	export ITSM_NOW=$FRIDAY_EVENING
	open_ticket "P3 on Friday evening" --caller a --impact medium --urgency medium
	# Stagnation 1d: a business day, 8h30m: Monday 17:50 (16:50Z).
	expect() {	# expect TIME REFS...: the sweep at TIME escalates REFS
		local now=$1
		shift
		ITSM_NOW=$now run --separate-stderr itsm escalate --stagnant -q
		assert_status 0
		assert_output "$(printf '%s\n' "$@")"
	}
	expect 2026-11-28T17:00:00Z ""		# Saturday: 24h on the wall
	expect 2026-11-29T20:00:00Z ""		# Sunday evening
	expect 2026-11-30T16:50:00Z ""		# Monday 17:50: exactly 1d
	ITSM_NOW=2026-11-30T16:50:01Z run --separate-stderr itsm list --stagnant -q
	assert_output "INC-1"
	ITSM_NOW=2026-11-30T16:50:01Z run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_output $'INC-1\tescalated to 1 manager\tstagnant: no activity for 8h30m1s of paris-office time (threshold 1d)'
	expect 2026-11-30T16:50:02Z ""		# escalated once
}

@test "a P1 on a 24x7 service is escalated at night; the same P1 on the office network is not" {
	# The calendar of a service (sla: services), not of the priority: the
	# cut varies within P1, the store's is the latest and the domain
	# decides per ticket.
	sed -i 's/^  priorities: {P1: 24x7}$/  services: {vpn: 24x7}/' "$ITSM_CONFIG"
	grep -q '^  services: {vpn: 24x7}$' "$ITSM_CONFIG"
	export ITSM_NOW=2026-11-27T21:00:00Z	# Friday 22:00
	open_ticket "VPN down" --caller a --impact high --urgency high --service vpn
	open_ticket "Office Wi-Fi down" --caller a --impact high --urgency high --service wifi
	# P1 stagnation 1h: 23:00 for the VPN, Monday 09:00 for the Wi-Fi.
	ITSM_NOW=2026-11-27T22:00:00Z run --separate-stderr itsm escalate --stagnant -q
	assert_output ""
	ITSM_NOW=2026-11-27T22:00:01Z run --separate-stderr itsm list --stagnant -q
	assert_output "INC-1"
	ITSM_NOW=2026-11-27T22:00:01Z run --separate-stderr itsm list --stagnant -q --limit 1
	assert_output "INC-1"
	ITSM_NOW=2026-11-27T22:00:01Z run --separate-stderr itsm escalate --stagnant -q
	assert_status 0
	assert_output "INC-1"
	ITSM_NOW=2026-11-30T08:00:00Z run --separate-stderr itsm escalate --stagnant -q
	assert_output ""
	ITSM_NOW=2026-11-30T08:00:01Z run --separate-stderr itsm escalate --stagnant -q
	assert_output "INC-2"
	# And their SLA clocks: 15m of response at night, on Monday.
	ticket_is 1 '[.sla.calendar, .response_due]' '["24x7","2026-11-27T21:15:00Z"]'
	ticket_is 2 '[.sla.calendar, .response_due]' '["paris-office","2026-11-30T07:15:00Z"]'
}

@test "close --auto waits 5 business days after the resolution" {
	export ITSM_NOW=2026-11-27T08:00:00Z	# Friday 09:00
	open_ticket "P3" --caller a --impact medium --urgency medium
	export ITSM_NOW=2026-11-27T16:00:00Z	# Friday 17:00
	itsm resolve 1 --permanent -m "fixed" >/dev/null
	# 5d of 8h30m: 1h on Friday, Monday to Thursday, 7h30m on Friday 4
	# December: 17:00 (16:00Z).  On the wall clock it would be Wednesday.
	for now in 2026-12-02T16:00:00Z 2026-12-04T15:59:59Z; do
		ITSM_NOW=$now run --separate-stderr itsm close --auto -q
		assert_status 0
		assert_output ""
	done
	ITSM_NOW=2026-12-04T16:00:00Z run --separate-stderr itsm close --auto -q
	assert_status 0
	assert_output "INC-1"
}

@test "a change of the calendars refreshes the stored due times of the open tickets" {
	export ITSM_NOW=$FRIDAY_EVENING
	open_ticket "P3 on Friday evening" --caller a --impact medium --urgency medium
	ticket_is 1 '.resolution_due' '"2026-11-30T16:50:00Z"'
	# Monday 30 November becomes a holiday: the sweep refreshes the dues
	# before it reads them (Tuesday 17:50).
	sed -i 's/^    holidays:$/&\n      - 2026-11-30/' "$ITSM_CONFIG"
	grep -q '^      - 2026-11-30$' "$ITSM_CONFIG"
	ITSM_NOW=2026-11-30T17:00:00Z run --separate-stderr itsm escalate --stagnant --breached -q
	assert_status 0
	assert_output ""
	run --separate-stderr itsm list --all --json
	jq_is '.[0].resolution_due' '"2026-12-01T16:50:00Z"'
}

@test "stats compliance counts by the due times of the calendar" {
	export ITSM_NOW=$FRIDAY_EVENING
	open_ticket "P3 on Friday evening" --caller a --impact medium --urgency medium
	# Resolved on Monday at 10:00 (09:00Z), its first response: the
	# response (due 09:50, 08:50Z) missed, the resolution (due 17:50)
	# met; on the wall clock (due Saturday) both would be missed.
	ITSM_NOW=2026-11-30T09:00:00Z itsm resolve 1 --permanent -m "fixed" >/dev/null
	ITSM_NOW=2026-12-01T09:00:00Z run --separate-stderr itsm stats --json
	assert_status 0
	jq_is '[.total.response, .total.resolution]' \
	    '[{"met":0,"breached":1,"compliance":0},{"met":1,"breached":0,"compliance":1}]'
}

@test "a limit counts the stagnant tickets of their own calendars, not the store's superset" {
	sed -i 's/^  priorities: {P1: 24x7}$/  services: {vpn: 24x7}/' "$ITSM_CONFIG"
	export ITSM_NOW=2026-11-27T21:00:00Z	# Friday 22:00
	open_ticket "Office Wi-Fi down" --caller a --impact high --urgency high --service wifi
	open_ticket "VPN down" --caller a --impact high --urgency high --service vpn
	export ITSM_NOW=2026-11-27T22:00:01Z
	run --separate-stderr itsm list --stagnant -q --limit 1
	assert_status 0
	assert_output "INC-2"
	run --separate-stderr itsm list --stagnant --limit 1 --json
	jq_is '[.[].ref]' '["INC-2"]'
}
