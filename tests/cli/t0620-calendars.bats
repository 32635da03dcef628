#!/usr/bin/env bats
# The policy's calendars, sla and timezone sections (issue 14): the Paris
# office example is a valid policy that config show writes back the same;
# each mistake is refused with 78, one line "FILE:LINE:COL: ...", and
# nothing written.

load helper

# refused YAML PATTERN: the default policy with the one line YAML added
# at its end is refused at that line, by config check and by a command
# that would write (open), which leaves no database behind.
refused() {
	assert_policy_refused "$1" "$2"
	cp "$BATS_TEST_TMPDIR/bad.yaml" "$ITSM_CONFIG"
	run --separate-stderr itsm open "Printer down" --caller alice
	assert_status 78
	assert_output ""
	assert_one_line_error "policy.yaml:[0-9]+:$2"
	assert_nothing_stored
}

@test "examples/office-hours.yaml is a valid policy; config show writes it back, and that means the same" {
	run --separate-stderr itsm --config "$TOP/examples/office-hours.yaml" config check
	assert_status 0
	assert_output "$TOP/examples/office-hours.yaml: ok"
	assert_stderr ""
	itsm --config "$TOP/examples/office-hours.yaml" config show >"$BATS_TEST_TMPDIR/shown.yaml"
	shown=$(cat "$BATS_TEST_TMPDIR/shown.yaml")
	[[ $shown == *$'\ntimezone: Europe/Paris\n'* ]]
	[[ $shown == *"    mon: ['08:00-12:00', '13:30-18:00']"* ]]
	[[ $shown == *"  holidays: [01-01, 05-01, 05-08, 07-14, 08-15, 11-01, 11-11, 12-25, 2026-04-06, 2026-05-14, 2026-05-25, 2027-03-29, 2027-05-06, 2027-05-17]"* ]]
	[[ $shown == *$'\nsla:\n  calendar: paris-office\n  priorities: {P1: 24x7}\n  stagnation: business\n  auto_close: business\n  cadence: wall\n'* ]]
	run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/shown.yaml" config show
	assert_status 0
	[ "$(printf '%s\n' "$output" | sed 1d)" = "$(sed 1d "$BATS_TEST_TMPDIR/shown.yaml")" ]
}

@test "durations are written back as written: 24h stays 24h, 7d stays 7d (in a business calendar neither is 1d or 1w)" {
	sed -e 's/^    resolution: 1d$/    resolution: 24h/' \
	    -e 's/^    resolution: 1w$/    resolution: 7d/' \
	    -e 's/^auto_close: 5d$/auto_close: 120h/' \
	    "$TOP/lib/default.yaml" >"$ITSM_CONFIG"
	run --separate-stderr itsm config show
	assert_status 0
	[[ $output == *$'\n  resolution: 24h\n'* ]]
	[[ $output == *$'\n  resolution: 7d\n'* ]]
	[[ $output == *$'\nauto_close: 120h\n'* ]]
	# 90m is still written in the largest unit it stays within: hours.
	sed -i 's/^    response: 2h$/    response: 90m/' "$ITSM_CONFIG"
	run --separate-stderr itsm config show
	[[ $output == *$'\n  response: 1h30m\n'* ]]
}

@test "a time zone that does not exist: 78 at it" {
	refused "timezone: Mars/Olympus" "11: timezone: unknown time zone 'Mars/Olympus'"
	refused "calendars: [{name: office, zone: Europe/Pariss, week: {mon: [08:00-12:00]}}]" \
	    "34: unknown time zone 'Europe/Pariss'"
	refused "calendars: [{name: office, zone: ../../etc/passwd, week: {mon: [08:00-12:00]}}]" \
	    "34: unknown time zone"
}

@test "overlapping working ranges, on one day or through a day range: 78 at the range" {
	refused "calendars: [{name: office, zone: UTC, week: {mon: [08:00-12:00, 11:00-13:00]}}]" \
	    "[0-9]+: working range '11:00-13:00' on mon overlaps the range 08:00-12:00 of that day"
	refused "calendars: [{name: office, zone: UTC, week: {mon-fri: [08:00-12:00], wed: [11:30-12:30]}}]" \
	    "[0-9]+: working range '11:30-12:30' on wed overlaps"
}

@test "bad working ranges and days: 78 at them" {
	refused "calendars: [{name: office, zone: UTC, week: {mon: [8:00-12:00]}}]" \
	    "[0-9]+: invalid working range '8:00-12:00' \\(expected HH:MM-HH:MM"
	refused "calendars: [{name: office, zone: UTC, week: {mon: [08:00-24:30]}}]" \
	    "[0-9]+: invalid working range '08:00-24:30'"
	refused "calendars: [{name: office, zone: UTC, week: {mon: [22:00-06:00]}}]" \
	    "[0-9]+: working range '22:00-06:00' ends before it starts"
	refused "calendars: [{name: office, zone: UTC, week: {monday: [08:00-12:00]}}]" \
	    "[0-9]+: unknown day 'monday' in week"
	refused "calendars: [{name: office, zone: UTC, week: {fri-mon: [08:00-12:00]}}]" \
	    "[0-9]+: day range 'fri-mon' runs backwards"
}

@test "a week without working time: 78 at the week" {
	refused "calendars: [{name: office, zone: UTC, week: {sat: [], sun: }}]" \
	    "[0-9]+: calendar 'office' has no working time in the week"
	refused "calendars: [{name: office, zone: UTC}]" \
	    "[0-9]+: calendar 'office' has no week"
}

@test "bad holiday dates: 78 at the date" {
	for d in 2026-02-29 2026-13-01 13-01 02-30 1969-12-25 26-12-25 tomorrow; do
		refused "calendars: [{name: office, zone: UTC, week: {mon: [08:00-12:00]}, holidays: [01-01, $d]}]" \
		    "[0-9]+: invalid holiday '$d'"
	done
	# 02-29 every year is fine: only in leap years.
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	printf '%s\n' "calendars: [{name: office, zone: UTC, week: {mon: [08:00-12:00]}, holidays: [02-29]}]" >>"$ITSM_CONFIG"
	run --separate-stderr itsm config check
	assert_status 0
}

@test "unknown calendar names, priorities and groups in sla; the built-in 24x7 redefined: 78 at the name" {
	refused "sla: {calendar: office}" "17: calendar: unknown calendar 'office'"
	refused "sla: {priorities: {P1: office}}" "24: priorities: unknown calendar 'office'"
	refused "sla: {priorities: {P9: 24x7}}" "20: unknown priority 'P9' in sla"
	refused "sla: {groups: {night-shift: 24x7}}" "16: unknown group 'night-shift' in sla"
	refused "sla: {services: {vpn: office}}" "23: services: unknown calendar 'office'"
	refused "sla: {stagnation: sometimes}" "19: stagnation: unknown calendar 'sometimes' \\(expected business, wall or a calendar's name\\)"
	refused "sla: {business: 24x7}" "7: unknown key 'business' in sla"
	refused "calendars: [{name: 24x7, zone: UTC, week: {mon: [08:00-12:00]}}]" \
	    "[0-9]+: calendar '24x7' is built in"
	refused "calendars: [{name: business, zone: UTC, week: {mon: [08:00-12:00]}}]" \
	    "[0-9]+: 'business' is a word of the sla section"
	refused "calendars: [{name: a, zone: UTC, week: {mon: [08:00-12:00]}}, {name: A, zone: UTC, week: {mon: [08:00-12:00]}}]" \
	    "[0-9]+: duplicate calendar 'A'"
}

@test "holiday files: read relative to the policy's directory; one that is missing or not iCalendar is 78 at its name" {
	mkdir "$BATS_TEST_TMPDIR/conf" "$BATS_TEST_TMPDIR/elsewhere"
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:20260406\r\nSUMMARY:Easter Monday\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	    >"$BATS_TEST_TMPDIR/conf/fr.ics"
	cp "$TOP/lib/default.yaml" "$BATS_TEST_TMPDIR/conf/policy.yaml"
	printf '%s\n' "calendars: [{name: office, zone: Europe/Paris, week: {mon-fri: [08:00-12:00]}, holiday_files: [fr.ics]}]" \
	    >>"$BATS_TEST_TMPDIR/conf/policy.yaml"
	cd "$BATS_TEST_TMPDIR/elsewhere"
	run --separate-stderr itsm --config ../conf/policy.yaml config show
	assert_status 0
	assert_stderr ""
	[[ $output == *"  holiday_files:"$'\n'"  - $BATS_TEST_TMPDIR/conf/fr.ics"$'\n'* ]]
	# Missing, then not iCalendar: 78, nothing written.
	cp "$BATS_TEST_TMPDIR/conf/policy.yaml" "$ITSM_CONFIG"
	run --separate-stderr itsm open "Printer down" --caller alice
	assert_status 78
	assert_one_line_error "policy.yaml:[0-9]+:[0-9]+: cannot read holiday file '$BATS_TEST_TMPDIR/fr.ics'"
	assert_nothing_stored
	printf 'not a calendar\n' >"$BATS_TEST_TMPDIR/fr.ics"
	run --separate-stderr itsm open "Printer down" --caller alice
	assert_status 78
	assert_one_line_error "policy.yaml:[0-9]+:[0-9]+: holiday file '$BATS_TEST_TMPDIR/fr.ics' is not iCalendar"
	assert_nothing_stored
}

# ics FILE DTSTART [RRULE]: a holiday file of one all-day event.
ics() {
	printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:1@t\r\nDTSTAMP:20260101T000000Z\r\nDTSTART;VALUE=DATE:%s\r\n%bSUMMARY:Closed\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
	    "$2" "${3:+RRULE:$3\r\n}" >"$1"
}

@test "a holiday recurring daily is refused with 78 at its file: the week says that" {
	ics "$BATS_TEST_TMPDIR/daily.ics" 20260101 FREQ=DAILY
	printf '%s\n' "calendars: [{name: office, zone: Europe/Paris, week: {mon-fri: [08:00-12:00]}, holiday_files: [$BATS_TEST_TMPDIR/daily.ics]}]" \
	    >>"$ITSM_CONFIG"
	run --separate-stderr itsm open "Printer down" --caller alice
	assert_status 78
	assert_one_line_error "[0-9]+:[0-9]+: holiday file '$BATS_TEST_TMPDIR/daily.ics': the event 'Closed' recurs more than 20000 times before 2200 \\(a weekly closing belongs in the calendar's week\\)"
	assert_nothing_stored
	# Weekly (every Saturday) and daily for a month are read.
	ics "$BATS_TEST_TMPDIR/daily.ics" 20260801 "FREQ=DAILY;UNTIL=20260831"
	itsm config check >/dev/null
	ics "$BATS_TEST_TMPDIR/daily.ics" 20260103 "FREQ=WEEKLY;BYDAY=SA"
	itsm config check >/dev/null
}

@test "an edited holiday file recomputes the open tickets' due times, as an edited policy does" {
	ics "$BATS_TEST_TMPDIR/fr.ics" 20260406
	printf '%s\n' "calendars: [{name: office, zone: Europe/Paris, week: {mon-fri: [08:00-12:00]}, holiday_files: [$BATS_TEST_TMPDIR/fr.ics]}]" \
	    "sla: {calendar: office}" >>"$ITSM_CONFIG"
	# Monday 2026-11-30 08:00 in Paris, a P3 (response 2h): 10:00.
	export ITSM_NOW=2026-11-30T07:00:00Z
	open_ticket "P3" --caller a --impact medium --urgency medium
	itsm escalate --stagnant >/dev/null
	ticket_is 1 .response_due '"2026-11-30T09:00:00Z"'
	# The same file name, another content: Monday closed.  The next
	# sweep moves the due time to Tuesday 10:00.
	ics "$BATS_TEST_TMPDIR/fr.ics" 20261130
	itsm escalate --stagnant >/dev/null
	ticket_is 1 .response_due '"2026-12-01T09:00:00Z"'
}

@test "without calendars, every ticket counts in 24x7 as before: the same due times" {
	open_ticket "x" --caller a --impact medium --urgency medium
	run --separate-stderr itsm show 1 --json
	jq_is '[.priority, .response_due, .resolution_due]' \
	    '["P3","2026-11-28T11:00:00Z","2026-11-29T09:00:00Z"]'
}
