#!/usr/bin/env bats
# itsm hold: waiting on the user, a vendor, a change or a problem; the SLA
# clocks stop until --release.

load helper

@test "hold --reason R -m TEXT puts the ticket on hold and records why" {
	open_ticket "VPN down" --caller alice
	itsm note 1 -m "looking" >/dev/null
	export ITSM_NOW=2026-11-28T10:00:00Z
	run --separate-stderr itsm hold 1 --reason vendor -m "waiting for the vendor's patch"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .updated_at]' '["on_hold","2026-11-28T10:00:00Z"]'
	ticket_is 1 '[.events[-2:][] | [.at, .kind, .field, .from, .to, .message]]' \
	    '[["2026-11-28T10:00:00Z","hold","status","in_progress","on_hold","waiting for the vendor'"'"'s patch"],["2026-11-28T10:00:00Z","hold","hold_reason",null,"vendor","waiting for the vendor'"'"'s patch"]]'
}

@test "every hold reason is accepted: user, vendor, change, problem" {
	n=0
	for r in user vendor change problem; do
		n=$((n + 1))
		open_ticket "hold $r" --caller alice
		run --separate-stderr itsm hold "$n" --reason "$r" -m "waiting"
		assert_status 0
		ticket_is "$n" '.events[-1].to' "\"$r\""
	done
}

@test "hold --release goes back to work, with an optional message" {
	open_ticket "VPN down" --caller alice
	itsm note 1 -m "looking" >/dev/null
	itsm hold 1 --reason user -m "user on leave" >/dev/null
	export ITSM_NOW=2026-11-28T12:00:00Z
	run --separate-stderr itsm hold 1 --release -m "user is back"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .updated_at]' '["in_progress","2026-11-28T12:00:00Z"]'
	ticket_is 1 '[.events[-1] | .kind, .field, .from, .to, .message]' \
	    '["release","status","on_hold","in_progress","user is back"]'
	# And again, without a message.
	itsm hold 1 --reason user -m "away again" >/dev/null
	run --separate-stderr itsm hold 1 --release
	assert_status 0
	ticket_is 1 '[.status, .events[-1].message]' '["in_progress",null]'
}

@test "a hold of 3h inside a P1's 4h resolution target moves resolution_due 3h later" {
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	open_ticket "Control, never held" --caller bob --impact high --urgency high
	itsm note 1 -m "looking" >/dev/null
	itsm note 2 -m "looking" >/dev/null
	ticket_is 1 '[.response_due, .resolution_due]' '["2026-11-28T09:15:00Z","2026-11-28T13:00:00Z"]'
	ITSM_NOW=2026-11-28T10:00:00Z itsm hold 1 --reason vendor -m "patch" >/dev/null
	ITSM_NOW=2026-11-28T13:00:00Z itsm hold 1 --release >/dev/null
	ticket_is 1 '[.response_due, .resolution_due]' '["2026-11-28T09:15:00Z","2026-11-28T16:00:00Z"]'
	ticket_is 2 '[.response_due, .resolution_due]' '["2026-11-28T09:15:00Z","2026-11-28T13:00:00Z"]'
	# 15:00: the held ticket has 1h left, the other one is 2h over.
	export ITSM_NOW=2026-11-28T15:00:00Z
	run --separate-stderr itsm list --breached -q
	assert_status 0
	assert_output "INC-2"
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	[[ $output == *$'\nsla\n  response            due 2026-11-28T09:15:00Z (met)\n  resolution          due 2026-11-28T16:00:00Z (1h left)\n  clock ran           3h, stopped 3h\n'* ]] ||
	    { printf 'show:\n%s\n' "$output" >&2; false; }
	# 16:30: both are over.
	export ITSM_NOW=2026-11-28T16:30:00Z
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1
INC-2"
	run --separate-stderr itsm show 1 --format table
	[[ $output == *$'\n  resolution          due 2026-11-28T16:00:00Z (30m over)\n'* ]] ||
	    { printf 'show:\n%s\n' "$output" >&2; false; }
}

@test "while on hold, the clock is paused: show says so and the ticket is not breached" {
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	itsm note 1 -m "looking" >/dev/null
	ITSM_NOW=2026-11-28T10:00:00Z itsm hold 1 --reason vendor -m "patch" >/dev/null
	# 14:00 is past the 13:00 the ticket had before the hold.
	export ITSM_NOW=2026-11-28T14:00:00Z
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	[[ $output == *$'\n  resolution          due 2026-11-28T17:00:00Z (paused, 3h left)\n  clock ran           1h, stopped 4h\n'* ]] ||
	    { printf 'show:\n%s\n' "$output" >&2; false; }
	run --separate-stderr itsm list --breached
	assert_status 0
	assert_output ""
	run --separate-stderr itsm list --format table
	[[ $output == *"INC-1     P1        on_hold"* ]] || { printf '%s\n' "$output" >&2; false; }
}

@test "a hold before the response pauses the response clock too" {
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	ITSM_NOW=2026-11-28T09:05:00Z itsm hold 1 --reason user -m "user unreachable" >/dev/null
	ITSM_NOW=2026-11-28T12:05:00Z itsm hold 1 --release >/dev/null
	ticket_is 1 '[.status, .responded_at, .response_due, .resolution_due]' \
	    '["new",null,"2026-11-28T12:15:00Z","2026-11-28T16:00:00Z"]'
	export ITSM_NOW=2026-11-28T12:10:00Z
	run --separate-stderr itsm list --breached
	assert_output ""
	export ITSM_NOW=2026-11-28T12:16:00Z
	run --separate-stderr itsm list --breached -q
	assert_output "INC-1"
}

@test "list --on-hold lists the tickets on hold, and only them" {
	open_ticket "held" --caller alice
	open_ticket "working" --caller alice
	open_ticket "held too" --caller alice
	itsm hold 1 --reason user -m "away" >/dev/null
	itsm hold 3 --reason change -m "CHG-9 on Saturday" >/dev/null
	itsm note 2 -m "looking" >/dev/null
	run --separate-stderr itsm list --on-hold
	assert_status 0
	assert_output "$(printf '%s\n' \
	    $'INC-1\t\ton_hold\t2026-11-28T09:00:00Z\tservice-desk\t\theld' \
	    $'INC-3\t\ton_hold\t2026-11-28T09:00:00Z\tservice-desk\t\theld too')"
	itsm hold 1 --release >/dev/null
	run --separate-stderr itsm list --on-hold -q
	assert_output "INC-3"
}

@test "hold with an unknown reason: 65, nothing changed" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --reason lunch -m "back at two"
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown hold reason 'lunch' (expected one of: user, vendor, change, problem)"
	assert_unchanged "$before"
}

@test "hold usage errors: no --reason, no -m, --release with --reason (64)" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --reason user
	assert_rejected 64 "hold needs --reason and -m, or --release" "$before"
	run --separate-stderr itsm hold 1 -m "waiting"
	assert_rejected 64 "hold needs --reason and -m, or --release" "$before"
	run --separate-stderr itsm hold 1 --release --reason user
	assert_rejected 64 "--release takes no --reason" "$before"
	run --separate-stderr itsm hold 5 --reason user -m "x"
	assert_rejected 66 "no such ticket" "$before"
}

@test "hold an on_hold ticket, release a working one: refused (1), nothing changed" {
	open_ticket "VPN down" --caller alice
	open_ticket "Held" --caller alice
	itsm hold 2 --reason user -m "away" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --release
	assert_refused "itsm: cannot release INC-1: it is new (release is allowed when on_hold)" "$before"
	run --separate-stderr itsm hold 2 --reason vendor -m "and the vendor"
	assert_refused "itsm: cannot hold INC-2: it is on_hold (hold is allowed when new, in_progress)" "$before"
	itsm note 1 -m "working" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm hold 1 --release
	assert_refused "itsm: cannot release INC-1: it is in_progress (release is allowed when on_hold)" "$before"
}

@test "an on_hold ticket is released before it is resolved" {
	open_ticket "VPN down" --caller alice --impact low --urgency low
	itsm hold 1 --reason vendor -m "patch" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm resolve 1 --permanent -m "patched"
	assert_refused "itsm: cannot resolve INC-1: it is on_hold (resolve is allowed when new, in_progress)" "$before"
}
