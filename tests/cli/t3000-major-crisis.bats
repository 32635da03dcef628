#!/usr/bin/env bats
# A scripted crisis (issue 4), ITSM_NOW stepping the clock: storm
# detection proposes the major, declaration, roster changes with a
# commander handover, updates, communications (one audience overdue),
# children linked and resolved with the parent, end, review, actions, and
# the post-incident report checked whole: times, metrics, timeline order
# and sections.

load helper

# at HH:MM [DAY]: the clock reads 2026-11-DAY (28) at HH:MM UTC.
at() {
	export ITSM_NOW="2026-11-${2:-28}T$1:00Z"
}

# quietly CMD...: runs itsm CMD, its output dropped; fails when it does.
quietly() {
	itsm "$@" >/dev/null 2>&1 || {
		echo "itsm $* failed" >&2
		return 1
	}
}

# The outage until the storm is proposed: payroll calls from 09:00 on,
# one mail call, and a second call from ann.
storm_of_calls() {
	export ITSM_ACTOR=alice
	at 09:00; open_ticket "Payroll run fails" --caller ann --service payroll \
	    --impact medium --urgency medium -m "the monthly run stops at 40%"
	at 09:04; open_ticket "Payroll error" --caller bob --service payroll
	at 09:08; open_ticket "Cannot see payslip" --caller carl --service payroll
	at 09:12; open_ticket "Mail slow" --caller dan --service mail
	at 09:15; open_ticket "Payroll run again" --caller ann --service payroll
}

# The crisis from the declaration to the end (09:30 .. 10:25).
crisis() {
	at 09:30; quietly major declare 1 -m "payroll stopped for the whole company" --bridge "bridge 4411"
	at 09:32; quietly major roster 1 --add frank --role engineer
	at 09:33; quietly major roster 1 --add gina --role communications
	at 09:34; quietly major roster 1 --add hal --role business-referent
	at 09:35; quietly major comms 1 --audience executives --channel email -m "Payroll is down; bridge 4411 open"
	at 09:36; quietly major comms 1 --audience users --channel portal -m "Payroll is unavailable; we are on it"
	at 09:40; quietly major link 1 --child 2 3 5 6
	at 09:45; quietly major update 1 -m "database primary out of disk space"
	at 09:50; quietly major roster 1 --handover ian
	export ITSM_ACTOR=ian
	at 09:55; quietly prioritize 1 --impact high --urgency high
	at 09:56; quietly escalate 1
	at 10:00; quietly major comms 1 --audience service-desk --channel chat -m "Tell callers: payroll down, next news at 10:30"
}

@test "a scripted crisis, from the storm to the post-incident report" {
	storm_of_calls
	# Four payroll calls within 30m: no storm yet.
	at 09:20
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output ""
	at 09:22; open_ticket "Payroll timeout" --caller eve --service payroll
	# Five: the storm proposes the first of them, once.
	at 09:25
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	proposed	storm: 5 incidents on 'payroll' within 30m"
	run --separate-stderr itsm major detect
	assert_output ""

	crisis

	# 10:10: P1 since 09:55, so executives every 30m: overdue since 10:05.
	at 10:10
	run --separate-stderr itsm major status 1
	assert_status 0
	assert_output "INC-1  Payroll run fails
  state          active
  priority       P1
  service        payroll
  declared       2026-11-28T09:30:00Z (40m ago)
  bridge         bridge 4411
  roster
    commander          ian
    engineer           frank
    communications     gina
    business-referent  hal
  last update    25m ago: database primary out of disk space
  communications
    executives         OVERDUE by 5m
    users              next due in 26m
    service-desk       next due in 20m
  children       4
    INC-2     new         bob
    INC-3     new         carl
    INC-5     new         ann
    INC-6     new         eve"
	run --separate-stderr itsm major status 1 --json
	jq_is '[.state, .commander, .declared_by, .bridge, .last_update_at]' \
	    '["active","ian","alice","bridge 4411","2026-11-28T09:45:00Z"]'
	jq_is '.communications' '[{"audience":"executives","last":"2026-11-28T09:35:00Z","next_due":"2026-11-28T10:05:00Z","overdue":true},{"audience":"users","last":"2026-11-28T09:36:00Z","next_due":"2026-11-28T10:36:00Z","overdue":false},{"audience":"service-desk","last":"2026-11-28T10:00:00Z","next_due":"2026-11-28T10:30:00Z","overdue":false}]'
	jq_is '[.children[] | .ref]' '["INC-2","INC-3","INC-5","INC-6"]'
	before=$(db_digest)
	run --separate-stderr itsm major detect
	assert_status 0
	assert_output "INC-1	overdue	communication to executives due 5m ago"
	assert_unchanged "$before"

	# The communication is sent: nothing overdue any more.
	at 10:12; quietly major comms 1 --audience executives --channel email -m "Failover to the standby under way"
	run --separate-stderr itsm major detect
	assert_output ""

	at 10:20; quietly major update 1 -m "failover done; payroll runs again"
	# The scribe notes at 10:22 what happened at 10:05.
	at 10:22; quietly major update 1 -m "standby promoted" --at 2026-11-28T10:05:00Z
	at 10:25; quietly major end 1 -m "service restored by failover to the standby"
	run --separate-stderr itsm major status
	assert_output ""
	# A child resolved on its own keeps its solution.
	at 10:28; quietly prioritize 3 --impact low --urgency low
	quietly resolve 3 --workaround -m "payslip cache cleared"
	# Resolving the major resolves its open children with its solution.
	at 10:40
	run --separate-stderr itsm resolve 1 --workaround --code workaround -m "failed over to the standby database"
	assert_status 0
	for i in 2 5 6; do
		ticket_is $i '[.status, .resolution, .resolved_at]' \
		    '["resolved",{"type":"workaround","code":"workaround","notes":"failed over to the standby database"},"2026-11-28T10:40:00Z"]'
		ticket_is $i '[.events[] | select(.kind == "resolve" and .field == "status") | [.at, .actor, .message]]' \
		    '[["2026-11-28T10:40:00Z","ian","resolved with the major INC-1"]]'
	done
	ticket_is 3 '[.status, .resolution.notes, .resolved_at]' '["resolved","payslip cache cleared","2026-11-28T10:28:00Z"]'
	ticket_is 4 '[.status, .parent]' '["new",null]'
	at 11:00; quietly close 1 --confirmed --by ann

	# The review, the next day; actions.
	at 10:00 29; quietly major review 1 --root-cause "the primary's disk filled with unrotated logs" \
	    --factor "no disk space alert" --factor "log rotation disabled in the last upgrade" \
	    --went-well "the failover worked first time" \
	    --went-wrong "first communication to the service desk came 30m late" \
	    --lucky "the run was 3 days before payday"
	at 10:30 29
	run --separate-stderr itsm major action 1 --add "alert on disk space above 80%" --owner frank --due 2026-12-05
	assert_output "1"
	run --separate-stderr itsm major action 1 --add "re-enable log rotation" --owner frank --due 2026-11-30
	assert_output "2"
	run --separate-stderr itsm major action 1 --add "page the service desk at declaration" --owner gina --due 2026-12-01
	assert_output "3"
	at 09:00 30; quietly major action 1 --done 2

	# The report, on 2 December: action 3 is overdue.
	export ITSM_NOW=2026-12-02T09:00:00Z
	run --separate-stderr itsm major report INC-1
	assert_status 0
	assert_stderr ""
	assert_output "$(cat <<'EOF'
# Post-incident report: INC-1

| | |
| --- | --- |
| Ref | INC-1 |
| Summary | Payroll run fails |
| Priority | P1 (critical) |
| Service | payroll |
| Commander | ian |
| Status | closed, major ended |

## Summary

Payroll run fails.

the monthly run stops at 40%

Declared major at 2026-11-28T09:30:00Z by alice.
Proposed by detection at 2026-11-28T09:25:00Z: storm: 5 incidents on 'payroll' within 30m.

## Impact

- Duration of the outage (opened to ended): 1h25m
- Duration of the crisis (declared to ended): 55m
- Affected callers: 4 (ann, bob, carl, eve)
- Child incidents: 4: INC-2 (resolved), INC-3 (resolved), INC-5 (resolved), INC-6 (resolved)
- SLA: response missed, resolution met

## Key times and metrics

| What | When or how long | Definition |
| --- | --- | --- |
| Opened | 2026-11-28T09:00:00Z | the first call was logged |
| Declared | 2026-11-28T09:30:00Z | declared a major incident |
| First communication | 2026-11-28T09:35:00Z | the first stakeholder communication |
| Ended | 2026-11-28T10:25:00Z | service restored, crisis over |
| Resolved | 2026-11-28T10:40:00Z | resolution recorded |
| Closed | 2026-11-28T11:00:00Z | closed on the user's confirmation |
| Time to declare | 30m | declared − opened |
| Time to mitigate | 1h25m | ended − opened |
| Time to resolve | 1h40m | resolved − opened |
| First communication delay | 5m | first communication − declared |

## Roster

| Role | Name | Since |
| --- | --- | --- |
| commander | ian | 2026-11-28T09:50:00Z |
| engineer | frank | 2026-11-28T09:32:00Z |
| communications | gina | 2026-11-28T09:33:00Z |
| business-referent | hal | 2026-11-28T09:34:00Z |

## Timeline (UTC)

| Time | Who | What |
| --- | --- | --- |
| **2026-11-28** | | |
| 09:00:00Z | alice | opened: the monthly run stops at 40% |
| 09:00:00Z | alice | prioritized P3 (impact medium, urgency medium) |
| 09:25:00Z | alice | proposed as a major incident: storm: 5 incidents on 'payroll' within 30m |
| 09:30:00Z | alice | declared a major incident: payroll stopped for the whole company |
| 09:30:00Z | alice | roster: alice joins as commander |
| 09:30:00Z | alice | work started |
| 09:32:00Z | alice | roster: frank joins as engineer |
| 09:33:00Z | alice | roster: gina joins as communications |
| 09:34:00Z | alice | roster: hal joins as business-referent |
| 09:35:00Z | alice | communication to executives by email: Payroll is down; bridge 4411 open |
| 09:36:00Z | alice | communication to users by portal: Payroll is unavailable; we are on it |
| 09:40:00Z | alice | child incident linked: INC-2 |
| 09:40:00Z | alice | child incident linked: INC-3 |
| 09:40:00Z | alice | child incident linked: INC-5 |
| 09:40:00Z | alice | child incident linked: INC-6 |
| 09:45:00Z | alice | update: database primary out of disk space |
| 09:50:00Z | alice | command handed over from alice to ian |
| 09:55:00Z | ian | prioritized P1 (impact high, urgency high) |
| 09:56:00Z | ian | escalated to N2 (group support-l2) |
| 10:00:00Z | ian | communication to service-desk by chat: Tell callers: payroll down, next news at 10:30 |
| 10:05:00Z | ian | update: standby promoted |
| 10:12:00Z | ian | communication to executives by email: Failover to the standby under way |
| 10:20:00Z | ian | update: failover done; payroll runs again |
| 10:25:00Z | ian | crisis over, service restored: service restored by failover to the standby |
| 10:40:00Z | ian | resolved (resolution type workaround, resolution code workaround): failed over to the standby database |
| 11:00:00Z | ian | closed (confirmed by ann) |

## Communications sent

| Time | Audience | Channel | Message |
| --- | --- | --- | --- |
| 2026-11-28T09:35:00Z | executives | email | Payroll is down; bridge 4411 open |
| 2026-11-28T09:36:00Z | users | portal | Payroll is unavailable; we are on it |
| 2026-11-28T10:00:00Z | service-desk | chat | Tell callers: payroll down, next news at 10:30 |
| 2026-11-28T10:12:00Z | executives | email | Failover to the standby under way |

## Resolution

Workaround at 2026-11-28T10:40:00Z (code workaround): failed over to the standby database

## Root cause and contributing factors

Root cause: the primary's disk filled with unrotated logs

Contributing factors:

- no disk space alert
- log rotation disabled in the last upgrade

## What went well

- the failover worked first time

## What went wrong

- first communication to the service desk came 30m late

## Where we got lucky

- the run was 3 days before payday

## Action items

| # | Action | Owner | Due | State |
| --- | --- | --- | --- | --- |
| 1 | alert on disk space above 80% | frank | 2026-12-05T00:00:00Z | open |
| 2 | re-enable log rotation | frank | 2026-11-30T00:00:00Z | done 2026-11-30T09:00:00Z |
| 3 | page the service desk at declaration | gina | 2026-12-01T00:00:00Z | open, overdue |

## After the crisis (UTC)

| Time | Who | What |
| --- | --- | --- |
| **2026-11-29** | | |
| 10:00:00Z | ian | review, root_cause: the primary's disk filled with unrotated logs |
| 10:00:00Z | ian | review, factor: no disk space alert |
| 10:00:00Z | ian | review, factor: log rotation disabled in the last upgrade |
| 10:00:00Z | ian | review, went_well: the failover worked first time |
| 10:00:00Z | ian | review, went_wrong: first communication to the service desk came 30m late |
| 10:00:00Z | ian | review, lucky: the run was 3 days before payday |
| 10:30:00Z | ian | action 1 added, owner frank: alert on disk space above 80% |
| 10:30:00Z | ian | action 2 added, owner frank: re-enable log rotation |
| 10:30:00Z | ian | action 3 added, owner gina: page the service desk at declaration |
| **2026-11-30** | | |
| 09:00:00Z | ian | action 2 done: re-enable log rotation |
EOF
)"
}

@test "the crisis's hooks: the proposal, then each communication with its audience and text" {
	use_hooks
	hook_log post-major-propose
	hook_log post-major-comms
	storm_of_calls
	at 09:22; open_ticket "Payroll timeout" --caller eve --service payroll
	at 09:25; quietly major detect
	quietly major detect
	crisis
	output=$(cat "$BATS_TEST_TMPDIR/post-major-propose.jsonl")
	jq_is '[.event.ref, .event.message, .ticket.major]' '["INC-1","storm: 5 incidents on '"'payroll'"' within 30m",false]'
	output=$(cat "$BATS_TEST_TMPDIR/post-major-comms.jsonl")
	jq_is '[.event.ref, .event.reason, .event.message, .event.changes[0].to, .event.changes[0].at]' \
	    '["INC-1","executives","Payroll is down; bridge 4411 open","email","2026-11-28T09:35:00Z"]
["INC-1","users","Payroll is unavailable; we are on it","portal","2026-11-28T09:36:00Z"]
["INC-1","service-desk","Tell callers: payroll down, next news at 10:30","chat","2026-11-28T10:00:00Z"]'
}

@test "the crisis's report with -o is the same report, in a file" {
	storm_of_calls
	at 09:22; open_ticket "Payroll timeout" --caller eve --service payroll
	at 09:25; quietly major detect
	crisis
	at 10:30
	run --separate-stderr itsm major report 1 -o "$BATS_TEST_TMPDIR/pir.md"
	assert_status 0
	assert_output ""
	run --separate-stderr itsm major report 1
	[ "$(cat "$BATS_TEST_TMPDIR/pir.md")" = "$output" ]
	# Not ended, not resolved: those times are not recorded.
	printf '%s\n' "$output" | grep -qxF "| Time to mitigate | not recorded | ended − opened |"
	printf '%s\n' "$output" | grep -qxF "| Status | in_progress, major active |"
}
