#!/usr/bin/env bats
# itsm major declare and reject (issue 4): an incident leaves the normal
# flow for crisis mode, a proposal is accepted or refused.

load helper

CHECKLIST='[ ] confirm the commander, open the bridge and name a scribe
[ ] assess the business impact with the business referents
[ ] mobilize the admins and engineers the outage needs
[ ] send the first communication to every audience
[ ] link the other callers'"'"' incidents to this one
[ ] update the timeline at every step; keep the cadence'

@test "declare marks the incident major and prints the crisis checklist" {
	open_ticket "Payroll down" --caller ann --service payroll
	export ITSM_ACTOR=alice ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major declare INC-1 -m "payroll stopped" --bridge "room 4"
	assert_status 0
	assert_output "INC-1 is a major incident
$CHECKLIST"
	assert_stderr ""
	ticket_is 1 '[.major, .status, .updated_at]' '[true,"in_progress","2026-11-28T09:10:00Z"]'
	ticket_is 1 '[.events[] | select(.kind | startswith("major")) | [.at, .actor, .kind, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:10:00Z","alice","major-declare","major",null,"active","payroll stopped"],["2026-11-28T09:10:00Z","alice","major-roster","alice",null,"commander",null]]'
	run --separate-stderr itsm major status 1 --json
	assert_status 0
	jq_is '[.state, .declared_at, .declared_by, .commander, .bridge, .proposed_at, .proposal, .ended_at]' \
	    '["active","2026-11-28T09:10:00Z","alice","alice","room 4",null,null,null]'
	jq_is '.roster' '[{"name":"alice","role":"commander","since":"2026-11-28T09:10:00Z"}]'
}

@test "declare --commander names the commander; the declarer is recorded as such" {
	open_ticket "Payroll down" --caller ann
	export ITSM_ACTOR=alice
	run --separate-stderr itsm major declare 1 --commander erin
	assert_status 0
	run --separate-stderr itsm major status 1 --json
	jq_is '[.declared_by, .commander, [.roster[].name]]' '["alice","erin",["erin"]]'
}

@test "the checklist comes from the policy" {
	policy_section major <<'YAML'
major:
  roles: [commander, scribe]
  checklist:
    - call the duty manager
    - open the bridge
YAML
	open_ticket "Payroll down" --caller ann
	run --separate-stderr itsm major declare 1
	assert_status 0
	assert_output "INC-1 is a major incident
[ ] call the duty manager
[ ] open the bridge"
}

@test "declare -q prints the ref, --json the ticket, major true" {
	open_ticket "Payroll down" --caller ann
	open_ticket "ERP down" --caller bob
	run --separate-stderr itsm major declare 1 -q
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm major declare 2 --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .major]' '["INC-2",true]'
}

@test "a major heads every queue, above every priority" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	open_ticket "Printer jam" --caller bob --impact low --urgency low
	run --separate-stderr itsm list -q
	assert_output "INC-1
INC-2"
	itsm major declare 2 >/dev/null
	run --separate-stderr itsm list -q
	assert_status 0
	assert_output "INC-2
INC-1"
	run --separate-stderr itsm next -q
	assert_status 0
	assert_output "INC-2"
}

@test "declare --at back-dates the declaration; -m - reads why from stdin" {
	open_ticket "Payroll down" --caller ann
	export ITSM_NOW=2026-11-28T10:00:00Z
	run --separate-stderr itsm major declare 1 --at 2026-11-28T09:20:00Z -m - <<<"the whole company is unpaid"
	assert_status 0
	ticket_is 1 '[.events[] | select(.kind == "major-declare") | [.at, .recorded_at, .message]]' \
	    '[["2026-11-28T09:20:00Z","2026-11-28T10:00:00Z","the whole company is unpaid"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.declared_at, .roster[0].since]' '["2026-11-28T09:20:00Z","2026-11-28T09:20:00Z"]'
}

@test "declare accepts a proposal: proposed -> active, the proposal kept" {
	for i in 1 2 3 4 5; do
		open_ticket "Payroll error $i" --caller "user$i" --service payroll
	done
	export ITSM_NOW=2026-11-28T09:05:00Z
	itsm major detect >/dev/null
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .declared_at]' '["proposed",null]'
	export ITSM_NOW=2026-11-28T09:07:00Z
	run --separate-stderr itsm major declare 1
	assert_status 0
	ticket_is 1 '[.major, (.events[] | select(.kind == "major-declare") | [.from, .to])]' '[true,["proposed","active"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .proposed_at, .proposal, .declared_at]' \
	    '["active","2026-11-28T09:05:00Z","storm: 5 incidents on '"'payroll'"' within 30m","2026-11-28T09:07:00Z"]'
}

@test "reject refuses a proposal with a reason; it is not major" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	itsm major detect >/dev/null
	export ITSM_NOW=2026-11-28T09:05:00Z
	run --separate-stderr itsm major reject INC-1 -m "one user only"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.major, (.events[] | select(.kind == "major-reject") | [.at, .field, .from, .to, .message])]' \
	    '[false,["2026-11-28T09:05:00Z","major","proposed","rejected","one user only"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '.state' '"rejected"'
	run --separate-stderr itsm major status
	assert_output ""
}

@test "a rejected proposal can still be declared by hand" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	itsm major detect >/dev/null
	itsm major reject 1 -m "one user only" >/dev/null
	run --separate-stderr itsm major declare 1 -m "it spread"
	assert_status 0
	ticket_is 1 '[.major, (.events[] | select(.kind == "major-declare") | [.from, .to])]' '[true,["rejected","active"]]'
}

@test "reject of an active major or of a ticket never proposed is refused (1), nothing changed" {
	open_ticket "Payroll down" --caller ann
	open_ticket "Printer jam" --caller bob
	itsm major declare 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major reject 1 -m "no"
	assert_refused "itsm: cannot reject INC-1: the major is active (only while it is proposed)" "$before"
	run --separate-stderr itsm major reject 2 -m "no"
	assert_refused "itsm: cannot reject INC-2: it is not a major incident" "$before"
}

@test "declaring a major twice, a resolved incident or a linked child is refused (1), nothing changed" {
	open_ticket "Payroll down" --caller ann
	open_ticket "Payroll error" --caller bob
	open_ticket "Mail down" --caller carol --impact low --urgency low
	itsm major declare 1 >/dev/null
	itsm major link 1 --child 2 >/dev/null
	itsm resolve 3 --permanent -m "restarted" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major declare 1
	assert_refused "itsm: cannot declare INC-1 major: it is one already (active)" "$before"
	run --separate-stderr itsm major declare 2
	assert_refused "itsm: cannot declare INC-2 major: it is linked to the major INC-1" "$before"
	run --separate-stderr itsm major declare 3
	assert_refused "itsm: cannot declare INC-3 major: it is resolved" "$before"
	itsm major end 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major declare 1
	assert_refused "itsm: cannot declare INC-1 major: it is one already (ended)" "$before"
}

@test "end: the crisis is over; the ticket goes on through resolve and close" {
	open_ticket "Payroll down" --caller ann --service payroll --impact high --urgency high
	export ITSM_ACTOR=alice
	itsm major declare 1 >/dev/null
	export ITSM_NOW=2026-11-28T10:30:00Z
	run --separate-stderr itsm major end 1 -m "restored by failover"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.status, .major, (.events[] | select(.kind == "major-end") | [.at, .actor, .field, .from, .to, .message])]' \
	    '["in_progress",true,["2026-11-28T10:30:00Z","alice","major","active","ended","restored by failover"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .ended_at]' '["ended","2026-11-28T10:30:00Z"]'
	run --separate-stderr itsm major status
	assert_output ""
	# The review is pending: updates, communications, findings and
	# actions are still taken.
	itsm major update 1 -m "post-mortem booked" >/dev/null
	itsm major comms 1 --audience users -m "all clear" >/dev/null
	itsm major review 1 --went-well "fast failover" >/dev/null
	itsm major action 1 --add "alerts" --owner bob --due 2026-12-05 >/dev/null
	run --separate-stderr itsm resolve 1 --workaround -m "failover"
	assert_status 0
	run --separate-stderr itsm close 1 --confirmed
	assert_status 0
	ticket_is 1 '[.status, .major]' '["closed",true]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .ticket.status]' '["ended","closed"]'
}
