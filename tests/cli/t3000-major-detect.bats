#!/usr/bin/env bats
# itsm major detect (issue 4): the cron pass proposes majors by the
# policy's rules (priority; impact with a critical service) and storms (N
# incidents on one service within a window), once, and reports overdue
# communications.

load helper

# storm SERVICE N MINUTE...: N incidents on SERVICE, opened at 09:MINUTE.
storm() {
	local svc=$1 m
	shift
	for m in "$@"; do
		ITSM_NOW=2026-11-28T09:${m}:00Z itsm open "$svc error at $m" \
		    --caller "user$m" --service "$svc" >/dev/null || return 1
	done
}

@test "a P1 incident on a critical service is proposed, once: a second run proposes nothing" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	open_ticket "Mail slow" --caller bob --service mail --impact medium --urgency high
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	rule: priority P1 and criticality critical"
	assert_stderr ""
	ticket_is 1 '[.major, (.events[] | select(.kind == "major-propose") | [.at, .field, .from, .to, .message])]' \
	    '[false,["2026-11-28T09:00:00Z","major",null,"proposed","rule: priority P1 and criticality critical"]]'
	before=$(db_digest)
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	assert_unchanged "$before"
	[ "$(count_events "kind = 'major-propose'")" = 1 ]
}

@test "a P1 on a service that is not critical is not proposed: a printer is no crisis" {
	open_ticket "Printer jammed" --caller ann --impact high --urgency high
	open_ticket "Mail down" --caller bob --service mail --impact high --urgency high
	before=$(db_digest)
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	assert_stderr ""
	assert_unchanged "$before"
}

@test "impact high on a critical service is proposed; on a service of high criticality it is not" {
	open_ticket "Payroll slow" --caller ann --service payroll --impact high --urgency low
	open_ticket "VPN slow" --caller bob --service vpn --impact high --urgency low
	open_ticket "ERP slow" --caller carol --service ERP --impact medium --urgency low
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	rule: impact high and criticality critical"
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .proposed_at, .proposal]' '["proposed","2026-11-28T09:00:00Z","rule: impact high and criticality critical"]'
}

@test "a proposal is not activity on the ticket and does not make it major" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	export ITSM_NOW=2026-11-28T09:20:00Z
	itsm major detect >/dev/null
	ticket_is 1 '[.major, .updated_at]' '[false,"2026-11-28T09:00:00Z"]'
	run --separate-stderr itsm major status
	assert_output ""
}

@test "only open incidents are candidates: resolved and linked ones are not" {
	open_ticket "Mail down" --caller bob --service payroll --impact high --urgency high
	itsm resolve 1 --workaround -m "restarted" >/dev/null
	open_ticket "Payroll down" --caller carol --impact low --urgency low
	open_ticket "Payroll error" --caller dan --service payroll --impact high --urgency high
	itsm major declare 2 >/dev/null
	itsm major link 2 --child 3 >/dev/null
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
}

@test "requests and changes on one service are no storm" {
	for i in 1 2 3; do
		open_ticket "Payroll access $i" --caller "user$i" --service payroll --type request
	done
	open_ticket "Payroll upgrade" --caller ann --service payroll --type change
	open_ticket "Payroll error" --caller bob --service payroll
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
}

@test "a storm of 5 incidents on one service within 30m proposes the first of them, once" {
	storm payroll 00 05 10 15
	storm mail 16
	export ITSM_NOW=2026-11-28T09:20:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	storm payroll 21
	export ITSM_NOW=2026-11-28T09:25:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	storm: 5 incidents on 'payroll' within 30m"
	ticket_is 1 '[.events[] | select(.kind == "major-propose") | [.at, .message]]' \
	    '[["2026-11-28T09:25:00Z","storm: 5 incidents on '"'payroll'"' within 30m"]]'
	storm payroll 26
	before=$(db_digest)
	export ITSM_NOW=2026-11-28T09:27:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	assert_unchanged "$before"
}

@test "a storm counts only the incidents opened within the window" {
	storm payroll 00 08 10 15 20
	export ITSM_NOW=2026-11-28T09:35:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	storm payroll 36
	export ITSM_NOW=2026-11-28T09:36:00Z
	run --separate-stderr itsm major detect
	assert_output "INC-2	proposed	storm: 5 incidents on 'payroll' within 30m"
}

@test "the storm's size and window come from the policy" {
	policy_section major <<'YAML'
major:
  storm:
    count: 3
    window: 1h
YAML
	storm vpn 00 30 50
	export ITSM_NOW=2026-11-28T09:55:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	storm: 3 incidents on 'vpn' within 1h"
}

@test "a storm whose incident a rule proposes is proposed once, by the rule" {
	storm erp 00 01 02 03 04
	itsm prioritize 3 --impact high --urgency high >/dev/null 2>&1
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major detect --dry-run
	assert_status 0
	assert_output "INC-3	would be proposed	rule: priority P1 and criticality critical"
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-3	proposed	rule: priority P1 and criticality critical"
}

@test "--dry-run says what would be proposed and changes nothing" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	storm erp 01 02 03 04 05
	export ITSM_NOW=2026-11-28T09:10:00Z
	before=$(db_digest)
	run --separate-stderr itsm major detect --dry-run
	assert_status 0
	assert_output "INC-1	would be proposed	rule: priority P1 and criticality critical
INC-2	would be proposed	storm: 5 incidents on 'erp' within 30m"
	assert_stderr ""
	assert_unchanged "$before"
	run --separate-stderr itsm major detect --dry-run --json
	assert_status 0
	jq_is '[.[] | [.ref, .kind, .dry_run, .detail, .ticket.ref]]' \
	    '[["INC-1","proposed",true,"rule: priority P1 and criticality critical","INC-1"],["INC-2","proposed",true,"storm: 5 incidents on '"'erp'"' within 30m","INC-2"]]'
	assert_unchanged "$before"
	run --separate-stderr itsm major detect
	assert_output "INC-1	proposed	rule: priority P1 and criticality critical
INC-2	proposed	storm: 5 incidents on 'erp' within 30m"
}

@test "a rejected proposal is not proposed again" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	storm erp 01 02 03 04 05
	itsm major detect >/dev/null
	itsm major reject 1 -m "one user" >/dev/null
	itsm major reject 2 -m "a test run" >/dev/null
	storm erp 06
	before=$(db_digest)
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	assert_unchanged "$before"
}

@test "detect reports the overdue communications of active majors, and changes nothing for them" {
	open_ticket "Payroll down" --caller ann --impact medium --urgency high
	itsm major declare 1 >/dev/null
	itsm major comms 1 --audience users -m "payroll is down" >/dev/null
	# P2: executives every 1h, users every 2h, service-desk every 1h.
	export ITSM_NOW=2026-11-28T10:00:00Z
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	export ITSM_NOW=2026-11-28T10:20:00Z
	before=$(db_digest)
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	overdue	communication to executives due 20m ago
INC-1	overdue	communication to service-desk due 20m ago"
	assert_unchanged "$before"
	run --separate-stderr itsm major detect --format jsonl
	assert_status 0
	jq_is '[.ref, .kind, .dry_run, .detail]' '["INC-1","overdue",false,"communication to executives due 20m ago"]
["INC-1","overdue",false,"communication to service-desk due 20m ago"]'
	itsm major comms 1 --audience executives -m "still down" >/dev/null
	itsm major comms 1 --audience service-desk -m "still down" >/dev/null
	run --separate-stderr itsm major detect
	assert_output ""
	itsm major end 1 >/dev/null
	export ITSM_NOW=2026-11-29T10:00:00Z
	run --separate-stderr itsm major detect
	assert_output ""
}

@test "detect -q prints refs; --json prints an array, [] when nothing is found" {
	run --separate-stderr itsm major detect --json
	assert_status 0
	assert_output "[]"
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	run --separate-stderr itsm major detect -q --dry-run
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm major detect --json
	assert_status 0
	jq_is '[.[] | [.ref, .kind, .dry_run, .ticket.major]]' '[["INC-1","proposed",false,false]]'
}

@test "post-major-propose receives each proposal once" {
	use_hooks
	hook_log post-major-propose
	open_ticket "Mail down" --caller ann --service erp --impact high --urgency high
	storm payroll 01 02 03 04 05
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major detect --dry-run
	[ ! -e "$BATS_TEST_TMPDIR/post-major-propose.jsonl" ]
	run --separate-stderr itsm major detect
	assert_status 0
	assert_stderr ""
	itsm major detect >/dev/null
	output=$(cat "$BATS_TEST_TMPDIR/post-major-propose.jsonl")
	jq_is '[.event.name, .event.ref, .event.message, .ticket.ref, .ticket.major, [.event.changes[] | [.kind, .to, .message]]]' \
	    '["post-major-propose","INC-1","rule: priority P1 and criticality critical","INC-1",false,[["major-propose","proposed","rule: priority P1 and criticality critical"]]]
["post-major-propose","INC-2","storm: 5 incidents on '"'payroll'"' within 30m","INC-2",false,[["major-propose","proposed","storm: 5 incidents on '"'payroll'"' within 30m"]]]'
}

@test "detect --format csv has a header and quotes what needs it" {
	run --separate-stderr itsm major detect --format csv
	assert_status 0
	assert_output "ref,kind,detail"
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	storm erp 01 02 03 04 05
	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm major detect --format csv
	assert_status 0
	assert_output "ref,kind,detail
INC-1,proposed,rule: priority P1 and criticality critical
INC-2,proposed,storm: 5 incidents on 'erp' within 30m"
	run --separate-stderr itsm major detect --format table
	assert_output ""
	policy_section major <<'YAML'
major:
  storm:
    count: 2
    window: 1h
YAML
	open_ticket "Files, shares down" --caller bob --service "files, shares"
	open_ticket "Files, shares slow" --caller carl --service "files, shares"
	run --separate-stderr itsm major detect --dry-run --format table
	assert_output "INC-7 would be proposed: storm: 2 incidents on 'files, shares' within 1h"
	run --separate-stderr itsm major detect --format csv
	assert_output "ref,kind,detail
INC-7,proposed,\"storm: 2 incidents on 'files, shares' within 1h\""
}

@test "services match whatever their case: criticality and storms" {
	open_ticket "Payroll slow" --caller ann --service PAYROLL --impact high --urgency low
	for s in Mail mail MAIL mail Mail; do
		open_ticket "Mail error" --caller bob --service "$s"
	done
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	rule: impact high and criticality critical
INC-2	proposed	storm: 5 incidents on 'Mail' within 30m"
}
