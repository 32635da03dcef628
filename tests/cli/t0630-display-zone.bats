#!/usr/bin/env bats
# The display zone (issue 14): text for people shows times in the policy's
# timezone:, or the zone TZ names, with the offset; --utc shows UTC; the
# machine formats keep UTC.  A time given without an offset is read in
# the display zone, and one that the zone skips or repeats is refused
# with 65, naming both instants, and nothing written.

load helper

# The default policy in Paris time; ITSM_NOW is 2026-11-28T09:00:00Z,
# 10:00 in Paris (winter, +01:00).
paris() {
	printf 'timezone: Europe/Paris\n' >>"$ITSM_CONFIG"
}

# INC-1, opened at 08:30 UTC (09:30 in Paris), prioritized at 09:00 UTC.
ticket() {
	itsm -q open "Printer down" --caller alice --at 2026-11-28T08:30:00Z >/dev/null
	itsm -q prioritize 1 --impact 1 --urgency 1 >/dev/null
}

@test "show in Paris time: every absolute time with its offset, relative ones as before" {
	me=$(itsm_login)
	paris
	ticket
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	assert_stderr ""
	[[ $output == *$'\n  opened_at           2026-11-28T09:30:00+01:00 (30m ago)\n'* ]]
	[[ $output == *$'\n  response_due        2026-11-28T09:45:00+01:00 (15m ago)\n'* ]]
	[[ $output == *$'\n  response            due 2026-11-28T09:45:00+01:00 (15m over)\n'* ]]
	[[ $output == *$'\n  2026-11-28T09:30:00+01:00  '"$me"$'  open  status: - -> new\n'* ]]
	[[ $output == *$'\n  2026-11-28T10:00:00+01:00  '"$me"$'  prioritize  priority: - -> P1'* ]]
	[[ $output != *T08:30:00Z* ]]
}

@test "show in summer: the summer offset, and New York's where TZ names it" {
	paris
	ITSM_NOW=2026-06-15T10:00:00Z itsm -q open "Printer down" --caller alice --at 2026-06-15T06:35:00Z >/dev/null
	run --separate-stderr env ITSM_NOW=2026-06-15T10:00:00Z "$ITSM" show 1 --format table
	assert_status 0
	[[ $output == *$'\n  opened_at           2026-06-15T08:35:00+02:00 (3h ago)\n'* ]]
	run --separate-stderr env TZ=America/New_York ITSM_NOW=2026-06-15T10:00:00Z "$ITSM" show 1 --format table
	assert_status 0
	[[ $output == *$'\n  opened_at           2026-06-15T02:35:00-04:00 (3h ago)\n'* ]]
}

@test "list in Paris time: the table's ages are relative, as before; tsv and csv keep UTC" {
	paris
	ticket
	run --separate-stderr itsm list --format table
	assert_status 0
	[[ $output == *$'\nINC-1     P1!       new         30m ago   service-desk'* ]]
	run --separate-stderr itsm list --format tsv
	assert_output $'INC-1\tP1\tnew\t2026-11-28T08:30:00Z\tservice-desk\t\tPrinter down'
	run --separate-stderr itsm list --format csv --fields ref,opened_at
	assert_output $'ref,opened_at\nINC-1,2026-11-28T08:30:00Z'
	run --separate-stderr itsm show 1 --format tsv
	[[ $output == *$'\nopened_at\t2026-11-28T08:30:00Z\n'* ]]
	[[ $output == *$'\nevent\t2026-11-28T08:30:00Z\t'* ]]
}

@test "JSON and JSON Lines keep UTC in any zone, TZ and --utc alike" {
	paris
	ticket
	want=$(itsm --utc show 1 --json)
	[[ $want == *'"opened_at":"2026-11-28T08:30:00Z"'* ]]
	run --separate-stderr itsm show 1 --json
	assert_output "$want"
	run --separate-stderr env TZ=Asia/Kolkata "$ITSM" show 1 --json
	assert_output "$want"
	run --separate-stderr itsm list --format jsonl
	[[ $output == *'"opened_at":"2026-11-28T08:30:00Z"'* ]]
	[[ $output == *'"response_due":"2026-11-28T08:45:00Z"'* ]]
}

@test "TZ overrides the policy's timezone; a leading ':' is allowed; empty is unset" {
	paris
	ticket
	run --separate-stderr env TZ=America/New_York "$ITSM" show 1 --format table
	assert_status 0
	[[ $output == *$'\n  opened_at           2026-11-28T03:30:00-05:00 (30m ago)\n'* ]]
	run --separate-stderr env TZ=:Asia/Kolkata "$ITSM" show 1 --format table
	[[ $output == *$'\n  opened_at           2026-11-28T14:00:00+05:30 (30m ago)\n'* ]]
	run --separate-stderr env TZ=UTC "$ITSM" show 1 --format table
	[[ $output == *$'\n  opened_at           2026-11-28T08:30:00Z (30m ago)\n'* ]]
	run --separate-stderr env TZ= "$ITSM" show 1 --format table
	[[ $output == *$'\n  opened_at           2026-11-28T09:30:00+01:00 (30m ago)\n'* ]]
}

@test "TZ without a policy timezone; neither: UTC, as always" {
	ticket
	run --separate-stderr itsm show 1 --format table
	[[ $output == *$'\n  opened_at           2026-11-28T08:30:00Z (30m ago)\n'* ]]
	run --separate-stderr env TZ=Europe/Paris "$ITSM" show 1 --format table
	[[ $output == *$'\n  opened_at           2026-11-28T09:30:00+01:00 (30m ago)\n'* ]]
}

@test "TZ naming no zone is refused with 78, one line, nothing written" {
	paris
	for tz in Nowhere/Land CET-1CEST ../../etc/passwd; do
		run --separate-stderr env TZ="$tz" "$ITSM" open "Printer down" --caller alice
		assert_rejected 78 "TZ: unknown time zone '" "$(db_digest)"
		assert_nothing_stored
	done
}

@test "--utc shows UTC, before the command or after it" {
	me=$(itsm_login)
	paris
	ticket
	run --separate-stderr itsm --utc show 1 --format table
	assert_status 0
	[[ $output == *$'\n  opened_at           2026-11-28T08:30:00Z (30m ago)\n'* ]]
	[[ $output == *$'\n  2026-11-28T08:30:00Z  '"$me"$'  open  status: - -> new\n'* ]]
	[[ $output != *+01:00* ]]
	run --separate-stderr env TZ=America/New_York "$ITSM" show 1 --utc --format table
	[[ $output == *$'\n  opened_at           2026-11-28T08:30:00Z (30m ago)\n'* ]]
	run --separate-stderr itsm stats --utc --format table
	[[ ${lines[0]} == "Tickets opened at any time, as of 2026-11-28T09:00:00Z" ]]
}

@test "--at without an offset is read in the display zone; with Z or an offset it keeps its meaning" {
	paris
	itsm -q open "one" --caller alice --at 2026-11-28T09:35 >/dev/null
	itsm -q open "two" --caller alice --at 2026-11-28T08:35Z >/dev/null
	itsm -q open "three" --caller alice --at 2026-11-28T06:35-02:00 >/dev/null
	itsm -q open "four" --caller alice --at 09:40 >/dev/null
	TZ=America/New_York itsm -q open "five" --caller alice --at 03:45 >/dev/null
	itsm -q --utc open "six" --caller alice --at 2026-11-28T08:50 >/dev/null
	itsm -q open "seven" --caller alice --at 2026-11-28 >/dev/null
	run jq -r 'sort_by(.id)[] | "\(.summary) \(.opened_at)"' <<<"$(itsm list --json)"
	assert_output "one 2026-11-28T08:35:00Z
two 2026-11-28T08:35:00Z
three 2026-11-28T08:35:00Z
four 2026-11-28T08:40:00Z
five 2026-11-28T08:45:00Z
six 2026-11-28T08:50:00Z
seven 2026-11-27T23:00:00Z"
}

@test "--at 'yesterday 17:00' and 'today 08:35' are read on the zone's calendar" {
	paris
	# Now: Saturday 2026-11-28 10:00 in Paris.
	itsm -q open "Printer down" --caller alice --at "yesterday 17:00" >/dev/null
	ticket_is 1 .opened_at '"2026-11-27T16:00:00Z"'
	itsm -q note 1 -m "called back" --at "today 08:35" >/dev/null
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[] | select(.kind == "note") | .at]' '["2026-11-28T07:35:00Z"]'
	# Near midnight UTC, Paris is already on the next day.
	ITSM_NOW=2026-11-28T23:30:00Z itsm -q note 1 -m "late" --at "yesterday 23:00" >/dev/null
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[] | select(.kind == "note") | .at][-1]' '"2026-11-28T22:00:00Z"'
	# Not a form: refused with 65, nothing written.
	run --separate-stderr itsm note 1 -m "x" --at "tomorrow 08:00"
	assert_rejected 65 "invalid time 'tomorrow 08:00'" "$(db_digest)"
	run --separate-stderr itsm note 1 -m "x" --at "yesterday 17:00Z"
	assert_rejected 65 "invalid time 'yesterday 17:00Z'" "$(db_digest)"
}

@test "--at in the future in the zone's time is still the future" {
	paris
	# 10:30 in Paris is 09:30 UTC, after ITSM_NOW (09:00 UTC).
	run --separate-stderr itsm open "Printer down" --caller alice --at 10:30
	# The message says both times in the display zone, as typed.
	assert_rejected 65 "--at 2026-11-28T10:30:00\+01:00 is in the future \(now 2026-11-28T10:00:00\+01:00\)$" "$(db_digest)"
	assert_nothing_stored
}

@test "--at before the ticket's history: the message's times in the display zone too" {
	paris
	ticket
	run --separate-stderr itsm note 1 -m "called back" --at 09:00
	assert_rejected 65 "--at 2026-11-28T09:00:00\+01:00 is before the opening of INC-1 at 2026-11-28T09:30:00\+01:00$" "$(db_digest)"
	# Under --utc, in UTC.
	run --separate-stderr itsm --utc note 1 -m "called back" --at 08:00
	assert_rejected 65 "--at 2026-11-28T08:00:00Z is before the opening of INC-1 at 2026-11-28T08:30:00Z$" "$(db_digest)"
}

# refused_dst LOCAL FIRST SECOND: --at LOCAL, on a note, is refused with
# 65, one line naming LOCAL and both instants, and nothing changes.
refused_dst() {
	local was
	was=$(db_digest)
	run --separate-stderr itsm note 1 -m "called back" --at "$1"
	# (The pattern is a regular expression: the offsets' '+' escaped.)
	assert_rejected 65 "time '$1' .* Europe/Paris.*: it may be ${2//+/\\+} or ${3//+/\\+}; give the offset$" "$was"
}

@test "the hour Paris skips in spring is refused with 65, naming both instants; nothing written" {
	paris
	itsm -q open "Printer down" --caller alice --at 2026-03-01T10:00Z >/dev/null
	refused_dst 2026-03-29T02:30 2026-03-29T01:30:00+01:00 2026-03-29T03:30:00+02:00
	[[ $stderr == *"does not exist in Europe/Paris (the clocks go forward)"* ]]
	refused_dst "2026-03-29 02:00" 2026-03-29T01:00:00+01:00 2026-03-29T03:00:00+02:00
	# Either instant, given with its offset, is accepted; so are the
	# minutes either side of the gap.
	run --separate-stderr itsm note 1 -m "called back" --at 2026-03-29T03:00
	assert_status 0
	run --separate-stderr itsm note 1 -m "again" --at 2026-03-29T03:30:00+02:00
	assert_status 0
	run --separate-stderr itsm show 1 --json
	[[ $output == *'"at":"2026-03-29T01:30:00Z"'* ]]
	[[ $output == *'"at":"2026-03-29T01:00:00Z"'* ]]
}

@test "the hour Paris repeats in autumn is refused with 65, naming both instants; nothing written" {
	me=$(itsm_login)
	paris
	itsm -q open "Printer down" --caller alice --at 2026-10-01T10:00Z >/dev/null
	refused_dst 2026-10-25T02:30 2026-10-25T02:30:00+02:00 2026-10-25T02:30:00+01:00
	[[ $stderr == *"happens twice in Europe/Paris (the clocks go back)"* ]]
	refused_dst "2026-10-25T02:00:00" 2026-10-25T02:00:00+02:00 2026-10-25T02:00:00+01:00
	run --separate-stderr itsm note 1 -m "called back" --at 2026-10-25T02:30:00+01:00
	assert_status 0
	run --separate-stderr itsm show 1 --format table
	[[ $output == *$'\n  2026-10-25T02:30:00+01:00  '"$me"$'  note'* ]]
	run --separate-stderr itsm show 1 --json
	[[ $output == *'"at":"2026-10-25T01:30:00Z"'* ]]
}

@test "in UTC (no zone, or --utc) the same local times are plain instants" {
	itsm -q open "Printer down" --caller alice --at 2026-10-01T10:00Z >/dev/null
	run --separate-stderr itsm note 1 -m "called back" --at 2026-10-25T02:30
	assert_status 0
	paris
	run --separate-stderr itsm --utc note 1 -m "again" --at 2026-10-25T02:40
	assert_status 0
	run --separate-stderr itsm show 1 --json
	[[ $output == *'"at":"2026-10-25T02:30:00Z"'* ]]
	[[ $output == *'"at":"2026-10-25T02:40:00Z"'* ]]
}

@test "stats reads --since in the zone and shows its period there; its data formats keep UTC" {
	paris
	ticket
	run --separate-stderr itsm stats --since 2026-11-28 --format table
	assert_status 0
	[[ ${lines[0]} == "Tickets opened since 2026-11-28T00:00:00+01:00, as of 2026-11-28T10:00:00+01:00" ]]
	run --separate-stderr itsm stats --since 2026-11-28 --json
	[[ $output == *'"since":"2026-11-27T23:00:00Z"'* ]]
}

@test "the major's dashboard and Markdown report in Paris time; the timeline names the zone" {
	me=$(itsm_login)
	paris
	ticket
	itsm -q major declare 1 -m "payroll stopped" >/dev/null
	itsm -q major action 1 --add "add a disk" --owner bob --due 2026-12-15 >/dev/null
	run --separate-stderr itsm major status 1 --format table
	assert_status 0
	[[ $output == *$'\n  declared       2026-11-28T10:00:00+01:00 (0s ago)\n'* ]]
	run --separate-stderr itsm major report 1
	assert_status 0
	[[ $output == *$'\n## Timeline (Europe/Paris)\n'* ]]
	[[ $output == *$'\n| **2026-11-28** | | |\n| 09:30:00+01:00 | '"$me"$' | opened |\n'* ]]
	[[ $output == *"| Opened | 2026-11-28T09:30:00+01:00 |"* ]]
	[[ $output == *"| add a disk | bob | 2026-12-15T00:00:00+01:00 | open |"* ]]
	run --separate-stderr itsm major status 1 --json
	[[ $output == *'"due":"2026-12-14T23:00:00Z"'* ]]
	run --separate-stderr itsm --utc major report 1
	[[ $output == *$'\n## Timeline (UTC)\n'* ]]
	[[ $output == *$'\n| **2026-11-28** | | |\n| 08:30:00Z | '"$me"$' | opened |\n'* ]]
}
