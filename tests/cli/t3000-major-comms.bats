#!/usr/bin/env bats
# itsm major update, comms and status (issue 4): the timeline, stakeholder
# communications on the policy's cadence per audience and priority, and
# the dashboard that shows what is overdue.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
}

# A P2 major on payroll declared at 09:00 (cadence: executives 1h, users
# 2h, service-desk 1h).
p2_major() {
	open_major "Payroll down" --caller ann --service payroll --impact medium --urgency high
}

# --- update ---

@test "update adds a timeline entry; status shows the last one" {
	p2_major
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major update 1 -m "failover started"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	export ITSM_NOW=2026-11-28T09:20:00Z
	itsm major update 1 -m - <<<"failover at 50%" >/dev/null
	ticket_is 1 '[.events[] | select(.kind == "major-update") | [.at, .actor, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:10:00Z","alice",null,null,null,"failover started"],["2026-11-28T09:20:00Z","alice",null,null,null,"failover at 50%"]]'
	ticket_is 1 '.updated_at' '"2026-11-28T09:20:00Z"'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.last_update_at, .last_update]' '["2026-11-28T09:20:00Z","failover at 50%"]'
}

@test "update --at back-dates an entry; the last update is the latest in time" {
	p2_major
	export ITSM_NOW=2026-11-28T09:30:00Z
	itsm major update 1 -m "failover done" >/dev/null
	run --separate-stderr itsm major update 1 -m "failover started" --at 2026-11-28T09:10:00Z
	assert_status 0
	ticket_is 1 '[.events[] | select(.kind == "major-update") | [.at, .recorded_at, .message]]' \
	    '[["2026-11-28T09:30:00Z","2026-11-28T09:30:00Z","failover done"],["2026-11-28T09:10:00Z","2026-11-28T09:30:00Z","failover started"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.last_update_at, .last_update]' '["2026-11-28T09:30:00Z","failover done"]'
}

@test "an ended major takes updates; a proposed one or a ticket never major does not (1)" {
	p2_major
	itsm major end 1 >/dev/null
	run --separate-stderr itsm major update 1 -m "post-mortem booked"
	assert_status 0
	open_ticket "Mail down" --caller bob --service payroll --impact high --urgency high
	itsm major detect >/dev/null
	open_ticket "Printer jam" --caller carol
	before=$(db_digest)
	run --separate-stderr itsm major update 2 -m "looking"
	assert_refused "itsm: cannot update INC-2: the major is proposed (only while it is active or ended)" "$before"
	run --separate-stderr itsm major update 3 -m "looking"
	assert_refused "itsm: cannot update INC-3: it is not a major incident" "$before"
}

# --- comms ---

@test "comms records the communication: audience, channel, text" {
	p2_major
	export ITSM_NOW=2026-11-28T09:15:00Z
	run --separate-stderr itsm major comms 1 --audience Executives -m "payroll is down, bridge open" --channel EMAIL
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	export ITSM_NOW=2026-11-28T09:16:00Z
	itsm major comms 1 --audience users -m - <<<"payroll is unavailable" >/dev/null
	ticket_is 1 '[.events[] | select(.kind == "major-comms") | [.at, .actor, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:15:00Z","alice","executives",null,"email","payroll is down, bridge open"],["2026-11-28T09:16:00Z","alice","users",null,null,"payroll is unavailable"]]'
	run --separate-stderr itsm major status 1 --json
	jq_is '[.communications[] | [.audience, .last]]' '[["executives","2026-11-28T09:15:00Z"],["users","2026-11-28T09:16:00Z"],["service-desk",null]]'
}

@test "the next communication is due a cadence after the last one, or after the declaration" {
	p2_major
	export ITSM_NOW=2026-11-28T09:20:00Z
	itsm major comms 1 --audience executives -m "down" >/dev/null
	run --separate-stderr itsm major status 1 --json
	assert_status 0
	jq_is '[.communications[] | [.audience, .next_due, .overdue]]' \
	    '[["executives","2026-11-28T10:20:00Z",false],["users","2026-11-28T11:00:00Z",false],["service-desk","2026-11-28T10:00:00Z",false]]'
}

@test "the cadence follows the priority: a P1 is due sooner, an unprioritized major takes 'other'" {
	p2_major
	itsm prioritize 1 --impact high --urgency high >/dev/null 2>&1
	open_major "Printer jam" --caller bob
	run --separate-stderr itsm major status 1 --json
	jq_is '[.communications[] | .next_due]' '["2026-11-28T09:30:00Z","2026-11-28T10:00:00Z","2026-11-28T09:30:00Z"]'
	run --separate-stderr itsm major status 2 --json
	jq_is '[.communications[] | .next_due]' '["2026-11-28T11:00:00Z","2026-11-28T13:00:00Z","2026-11-28T10:00:00Z"]'
}

@test "an overdue communication shows in status, text and JSON" {
	p2_major
	itsm major roster 1 --add bob --role engineer >/dev/null
	export ITSM_NOW=2026-11-28T09:05:00Z
	itsm major update 1 -m "db failover started" >/dev/null
	export ITSM_NOW=2026-11-28T09:20:00Z
	itsm major comms 1 --audience executives -m "down" --channel email >/dev/null
	open_ticket "Payroll error" --caller carl --service payroll
	itsm major link 1 --child 2 >/dev/null
	export ITSM_NOW=2026-11-28T10:05:00Z
	run --separate-stderr itsm major status 1
	assert_status 0
	assert_output "INC-1  Payroll down
  state          active
  priority       P2
  service        payroll
  declared       2026-11-28T09:00:00Z (1h5m ago)
  roster
    commander          alice
    engineer           bob
  last update    1h ago: db failover started
  communications
    executives         next due in 15m
    users              next due in 55m
    service-desk       OVERDUE by 5m
  children       1
    INC-2     new         carl"
	assert_stderr ""
	run --separate-stderr itsm major status 1 --json
	assert_status 0
	jq_is '.communications' '[{"audience":"executives","last":"2026-11-28T09:20:00Z","next_due":"2026-11-28T10:20:00Z","overdue":false},{"audience":"users","last":null,"next_due":"2026-11-28T11:00:00Z","overdue":false},{"audience":"service-desk","last":null,"next_due":"2026-11-28T10:00:00Z","overdue":true}]'
}

@test "an ended major has no cadence: nothing is overdue" {
	p2_major
	itsm major end 1 >/dev/null
	export ITSM_NOW=2026-11-28T15:00:00Z
	run --separate-stderr itsm major status 1
	assert_status 0
	assert_output "INC-1  Payroll down
  state          ended
  priority       P2
  service        payroll
  declared       2026-11-28T09:00:00Z (6h ago)
  ended          2026-11-28T09:00:00Z
  roster
    commander          alice
  last update    none
  communications
    executives         no cadence
    users              no cadence
    service-desk       no cadence
  children       0"
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .ended_at, [.communications[] | .overdue]]' '["ended","2026-11-28T09:00:00Z",[false,false,false]]'
}

@test "comms to a proposed major or a ticket never major is refused (1), nothing changed" {
	open_ticket "Mail down" --caller bob --service payroll --impact high --urgency high
	itsm major detect >/dev/null
	open_ticket "Printer jam" --caller carol
	before=$(db_digest)
	run --separate-stderr itsm major comms 1 --audience users -m "hi"
	assert_refused "itsm: cannot communicate on INC-1: the major is proposed (only while it is active or ended)" "$before"
	run --separate-stderr itsm major comms 2 --audience users -m "hi"
	assert_refused "itsm: cannot communicate on INC-2: it is not a major incident" "$before"
}

@test "audiences and their cadence come from the policy" {
	policy_section major <<'YAML'
major:
  roles: [commander]
  audiences:
    - name: board
      cadence: {P1: 15m, other: 45m}
YAML
	open_major "Payroll down" --caller ann
	run --separate-stderr itsm major comms 1 --audience board -m "down"
	assert_status 0
	run --separate-stderr itsm major status 1 --json
	jq_is '.communications' '[{"audience":"board","last":"2026-11-28T09:00:00Z","next_due":"2026-11-28T09:45:00Z","overdue":false}]'
	before=$(db_digest)
	run --separate-stderr itsm major comms 1 --audience users -m "down"
	assert_rejected 65 "unknown audience 'users' \(expected one of: board\)" "$before"
}

@test "post-major-comms receives the communication: audience as reason, text as message" {
	use_hooks
	hook_log post-major-comms
	p2_major
	export ITSM_NOW=2026-11-28T09:15:00Z
	run --separate-stderr itsm major comms 1 --audience Users -m "payroll is down" --channel portal
	assert_status 0
	assert_stderr ""
	output=$(cat "$BATS_TEST_TMPDIR/post-major-comms.jsonl")
	jq_is '[.event.name, .event.ref, .event.reason, .event.message, .ticket.ref, .ticket.major]' \
	    '["post-major-comms","INC-1","users","payroll is down","INC-1",true]'
	jq_is '[.event.changes[] | [.at, .kind, .field, .to, .message]]' \
	    '[["2026-11-28T09:15:00Z","major-comms","users","portal","payroll is down"]]'
}

# --- status of all active majors ---

@test "status without REF lists the active majors, most recent first" {
	p2_major
	ITSM_NOW=2026-11-28T09:10:00Z itsm major comms 1 --audience executives -m "down" >/dev/null
	export ITSM_NOW=2026-11-28T09:30:00Z
	open_major "ERP down" --caller bob --service erp --impact high --urgency high
	itsm major roster 2 --handover carol >/dev/null
	open_major "VPN down" --caller dan
	itsm major end 3 >/dev/null
	export ITSM_NOW=2026-11-28T10:10:00Z
	run --separate-stderr itsm major status
	assert_status 0
	assert_output "INC-2	P1	active	carol	40m	executives	10m overdue	ERP down
INC-1	P2	active	alice	1h10m	service-desk	10m overdue	Payroll down"
	assert_stderr ""
	run --separate-stderr itsm major status -q
	assert_output "INC-2
INC-1"
	run --separate-stderr itsm major status --json
	assert_status 0
	jq_is '[.[] | [.ref, .state, .commander, .ticket.priority]]' '[["INC-2","active","carol","P1"],["INC-1","active","alice","P2"]]'
	run --separate-stderr itsm major status --format csv
	assert_status 0
	assert_output "ref,priority,state,commander,age,next_comms,due_in,summary
INC-2,P1,active,carol,40m,executives,10m overdue,ERP down
INC-1,P2,active,alice,1h10m,service-desk,10m overdue,Payroll down"
	run --separate-stderr itsm major status --format table
	assert_status 0
	assert_output "REF       PRI  AGE       COMMANDER      NEXT COMMS     DUE IN         SUMMARY
INC-2     P1   40m       carol          executives     10m overdue    ERP down
INC-1     P2   1h10m     alice          service-desk   10m overdue    Payroll down"
}

@test "status without REF and no active major prints nothing, [] in JSON" {
	run --separate-stderr itsm major status
	assert_status 0
	assert_output ""
	run --separate-stderr itsm major status --json
	assert_status 0
	assert_output "[]"
}

@test "status of a ticket that never was major is not found (66), -q of a major its ref" {
	open_ticket "Printer jam" --caller carol
	p2_major
	run --separate-stderr itsm major status 1
	assert_status 66
	assert_output ""
	assert_one_line_error "INC-1 never was a major incident"
	run --separate-stderr itsm major status 2 -q
	assert_status 0
	assert_output "INC-2"
}
