#!/usr/bin/env bats
# itsm major roster (issue 4): who is in the crisis team, in which role
# from the policy; exactly one commander, a handover recorded as such.

load helper

# Every test acts as alice (after the common set-up, which unsets it).
eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
}

roster_is() {
	local output
	output=$(itsm major status "$1" --json) || return 1
	jq_is '[.roster[] | [.role, .name, .since]]' "$2"
}

@test "roster --add puts someone in a role, recorded with the time" {
	open_major "Payroll down" --caller ann
	export ITSM_NOW=2026-11-28T09:05:00Z
	run --separate-stderr itsm major roster 1 --add bob --role engineer
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	export ITSM_NOW=2026-11-28T09:06:00Z
	run --separate-stderr itsm major roster INC-1 --add carol --role Business-Referent
	assert_status 0
	roster_is 1 '[["commander","alice","2026-11-28T09:00:00Z"],["engineer","bob","2026-11-28T09:05:00Z"],["business-referent","carol","2026-11-28T09:06:00Z"]]'
	ticket_is 1 '[.events[] | select(.kind == "major-roster") | [.at, .field, .from, .to]]' \
	    '[["2026-11-28T09:00:00Z","alice",null,"commander"],["2026-11-28T09:05:00Z","bob",null,"engineer"],["2026-11-28T09:06:00Z","carol",null,"business-referent"]]'
	ticket_is 1 '.updated_at' '"2026-11-28T09:06:00Z"'
}

@test "roster --add of someone already there changes their role; the same role records nothing" {
	open_major "Payroll down" --caller ann
	itsm major roster 1 --add bob --role engineer >/dev/null
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major roster 1 --add bob --role admin
	assert_status 0
	roster_is 1 '[["commander","alice","2026-11-28T09:00:00Z"],["admin","bob","2026-11-28T09:10:00Z"]]'
	ticket_is 1 '[.events[] | select(.kind == "major-roster" and .field == "bob") | [.from, .to]]' '[[null,"engineer"],["engineer","admin"]]'
	run --separate-stderr itsm major roster 1 --add bob --role admin
	assert_status 0
	[ "$(count_events "kind = 'major-roster' AND field = 'bob'")" = 2 ]
}

@test "roster --remove takes someone off, recorded" {
	open_major "Payroll down" --caller ann
	itsm major roster 1 --add bob --role scribe >/dev/null
	export ITSM_NOW=2026-11-28T09:30:00Z
	run --separate-stderr itsm major roster 1 --remove bob
	assert_status 0
	assert_output "INC-1"
	roster_is 1 '[["commander","alice","2026-11-28T09:00:00Z"]]'
	ticket_is 1 '[.events[] | select(.kind == "major-roster" and .field == "bob") | [.at, .from, .to]]' \
	    '[["2026-11-28T09:00:00Z",null,"scribe"],["2026-11-28T09:30:00Z","scribe",null]]'
}

@test "a handover gives the command to another, recorded as a handover" {
	open_major "Payroll down" --caller ann
	itsm major roster 1 --add bob --role engineer >/dev/null
	export ITSM_NOW=2026-11-28T09:45:00Z
	run --separate-stderr itsm major roster 1 --handover bob
	assert_status 0
	assert_output "INC-1"
	roster_is 1 '[["commander","bob","2026-11-28T09:45:00Z"]]'
	ticket_is 1 '[.events[] | select(.kind == "major-handover") | [.at, .actor, .field, .from, .to]]' \
	    '[["2026-11-28T09:45:00Z","alice","commander","alice","bob"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '.commander' '"bob"'
	# The new commander may hand it on to someone not on the roster yet.
	ITSM_ACTOR=bob itsm major roster 1 --handover dan >/dev/null
	roster_is 1 '[["commander","dan","2026-11-28T09:45:00Z"]]'
}

@test "there is exactly one commander: a second is refused (1), nothing changed" {
	open_major "Payroll down" --caller ann
	itsm major roster 1 --add bob --role engineer >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major roster 1 --add dan --role commander
	assert_refused "itsm: INC-1 has a commander already (alice): there is exactly one; hand over with 'itsm major roster INC-1 --handover dan'" "$before"
	run --separate-stderr itsm major roster 1 --add bob --role Commander
	assert_refused "itsm: INC-1 has a commander already (alice): there is exactly one; hand over with 'itsm major roster INC-1 --handover bob'" "$before"
}

@test "the commander cannot leave or change role without a handover (1), nothing changed" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major roster 1 --remove alice
	assert_refused "itsm: alice is the commander of INC-1: hand over first ('itsm major roster INC-1 --handover NAME')" "$before"
	run --separate-stderr itsm major roster 1 --add alice --role scribe
	assert_refused "itsm: alice is the commander of INC-1: hand over first" "$before"
	run --separate-stderr itsm major roster 1 --handover alice
	assert_refused "itsm: alice is the commander of INC-1 already" "$before"
}

@test "roles come from the policy: an unknown role is invalid (65), nothing changed" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major roster 1 --add bob --role chef
	assert_rejected 65 "unknown role 'chef' \(expected one of: commander, communications, business-referent, admin, engineer, scribe\)" "$before"
	policy_section major <<'YAML'
major:
  roles: [commander, chef]
YAML
	run --separate-stderr itsm major roster 1 --add bob --role chef
	assert_status 0
	roster_is 1 '[["commander","alice","2026-11-28T09:00:00Z"],["chef","bob","2026-11-28T09:00:00Z"]]'
}

@test "removing someone not on the roster is an error, nothing changed" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major roster 1 --remove zed
	assert_rejected 65 "'zed' is not on the roster of INC-1" "$before"
}

@test "the roster of a major that is not active cannot change (1), nothing changed" {
	open_ticket "Payroll down" --caller ann
	open_major "Mail down" --caller bob
	itsm major end 2 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major roster 1 --add bob --role engineer
	assert_refused "itsm: cannot change the roster of INC-1: it is not a major incident" "$before"
	run --separate-stderr itsm major roster 2 --add bob --role engineer
	assert_refused "itsm: cannot change the roster of INC-2: the major is ended (only while it is active)" "$before"
	run --separate-stderr itsm major roster 2 --handover carol
	assert_refused "itsm: cannot hand over INC-2: the major is ended (only while it is active)" "$before"
}
