#!/usr/bin/env bats
# itsm major review, action and report (issue 4): review findings,
# follow-up actions, and the post-incident report in Markdown built only
# from what was recorded.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
}

# section TITLE: the lines of the report in $output from "## TITLE" to
# the next section (exclusive), blank lines at either end dropped.
section() {
	printf '%s\n' "$output" | awk -v t="## $1" '
		$0 == t { on = 1; next }
		on && /^## / { exit }
		on { print }
	' | sed -e '/./,$!d' | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}

# section_is TITLE TEXT: that section of the report in $output is TEXT.
section_is() {
	local got
	got=$(section "$1")
	if [ "$got" != "$2" ]; then
		printf 'section "%s" differs.\nexpected:\n%s\nactual:\n%s\n' \
		    "$1" "$2" "$got" >&2
		return 1
	fi
}

# --- review ---

@test "review records the root cause and the findings, each an event" {
	open_major "Payroll down" --caller ann
	itsm major end 1 >/dev/null
	export ITSM_NOW=2026-11-29T10:00:00Z
	run --separate-stderr itsm major review 1 --root-cause "disk full" --factor "no alert" \
	    --factor "logs not rotated" --went-well "failover" --went-wrong "late comms" --lucky "not payday"
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	ticket_is 1 '[.events[] | select(.kind == "major-review") | [.at, .field, .to]]' \
	    '[["2026-11-29T10:00:00Z","root_cause","disk full"],["2026-11-29T10:00:00Z","factor","no alert"],["2026-11-29T10:00:00Z","factor","logs not rotated"],["2026-11-29T10:00:00Z","went_well","failover"],["2026-11-29T10:00:00Z","went_wrong","late comms"],["2026-11-29T10:00:00Z","lucky","not payday"]]'
	run --separate-stderr itsm major report 1
	section_is "Root cause and contributing factors" "Root cause: disk full

Contributing factors:

- no alert
- logs not rotated"
	section_is "What went well" "- failover"
	section_is "What went wrong" "- late comms"
	section_is "Where we got lucky" "- not payday"
}

@test "review adds findings over several runs; a new root cause replaces the old" {
	open_major "Payroll down" --caller ann
	itsm major review 1 --root-cause "network" --went-well "bridge opened fast" >/dev/null
	itsm major review 1 --root-cause "disk full" --went-well "failover" >/dev/null
	run --separate-stderr itsm major report 1
	section_is "Root cause and contributing factors" "Root cause: disk full

Contributing factors:

not recorded."
	section_is "What went well" "- bridge opened fast
- failover"
}

@test "review of a proposed major or of a ticket never major is refused (1), nothing changed" {
	open_ticket "Mail down" --caller ann --service payroll --impact high --urgency high
	itsm major detect >/dev/null
	open_ticket "Printer jam" --caller bob
	before=$(db_digest)
	run --separate-stderr itsm major review 1 --root-cause "x"
	assert_refused "itsm: cannot review INC-1: the major is proposed (only while it is active or ended)" "$before"
	run --separate-stderr itsm major review 2 --root-cause "x"
	assert_refused "itsm: cannot review INC-2: it is not a major incident" "$before"
}

# --- action ---

@test "action --add prints the action's number; --done closes it" {
	open_major "Payroll down" --caller ann
	export ITSM_NOW=2026-11-29T10:00:00Z
	run --separate-stderr itsm major action 1 --add "add disk alerts" --owner bob --due 2026-12-05
	assert_status 0
	assert_output "1"
	assert_stderr ""
	run --separate-stderr itsm major action 1 --add "rotate logs" --owner carol --due 2026-12-01T12:00:00Z
	assert_output "2"
	export ITSM_NOW=2026-11-30T08:00:00Z
	run --separate-stderr itsm major action 1 --done 2
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm major status 1 --json
	jq_is '.actions' '[{"n":1,"text":"add disk alerts","owner":"bob","due":"2026-12-05T00:00:00Z","done_at":null},{"n":2,"text":"rotate logs","owner":"carol","due":"2026-12-01T12:00:00Z","done_at":"2026-11-30T08:00:00Z"}]'
	ticket_is 1 '[.events[] | select(.kind == "major-action") | [.at, .field, .from, .to, .message]]' \
	    '[["2026-11-29T10:00:00Z","action 1",null,"bob","add disk alerts"],["2026-11-29T10:00:00Z","action 2",null,"carol","rotate logs"],["2026-11-30T08:00:00Z","action 2","open","done","rotate logs"]]'
}

@test "action numbers are per major; -q and --json print the major" {
	open_major "Payroll down" --caller ann
	open_major "Mail down" --caller bob
	itsm major action 1 --add "a" --owner bob --due 2026-12-05 >/dev/null
	run --separate-stderr itsm major action 2 --add "b" --owner bob --due 2026-12-05
	assert_output "1"
	run --separate-stderr itsm major action 2 --add "c" --owner bob --due 2026-12-05 -q
	assert_output "INC-2"
	run --separate-stderr itsm major action 2 --done 2 --json
	assert_status 0
	jq_is '[.ref, .major]' '["INC-2",true]'
}

@test "an action done twice or never added is not found (66), nothing changed" {
	open_major "Payroll down" --caller ann
	itsm major action 1 --add "a" --owner bob --due 2026-12-05 >/dev/null
	itsm major action 1 --done 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm major action 1 --done 1
	assert_rejected 65 "no open action 1 on this major" "$before"
	run --separate-stderr itsm major action 1 --done 7
	assert_rejected 65 "no open action 7 on this major" "$before"
}

@test "action with a bad date or number is invalid (65), nothing changed" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major action 1 --add "a" --owner bob --due "next week"
	assert_rejected 65 "invalid time 'next week'" "$before"
	run --separate-stderr itsm major action 1 --done two
	assert_rejected 65 "invalid action number 'two'" "$before"
	run --separate-stderr itsm major action 1 --done 0
	assert_rejected 65 "invalid action number '0'" "$before"
}

# --- report ---

@test "the report of a major just declared says what was not recorded, never invents it" {
	open_major "Payroll down" --caller ann
	export ITSM_NOW=2026-11-28T09:30:00Z
	run --separate-stderr itsm major report 1
	assert_status 0
	assert_stderr ""
	assert_output "$(cat <<'EOF'
# Post-incident report: INC-1

| | |
| --- | --- |
| Ref | INC-1 |
| Summary | Payroll down |
| Priority | not recorded |
| Service | not recorded |
| Commander | alice |
| Status | in_progress, major active |

## Summary

Payroll down.

Declared major at 2026-11-28T09:00:00Z by alice.

## Impact

- Duration of the outage (opened to ended): not recorded
- Duration of the crisis (declared to ended): not recorded
- Affected callers: 1 (ann)
- Child incidents: 0
- SLA: no targets (not prioritized)

## Key times and metrics

| What | When or how long | Definition |
| --- | --- | --- |
| Opened | 2026-11-28T09:00:00Z | the first call was logged |
| Declared | 2026-11-28T09:00:00Z | declared a major incident |
| First communication | not recorded | the first stakeholder communication |
| Ended | not recorded | service restored, crisis over |
| Resolved | not recorded | resolution recorded |
| Closed | not recorded | closed on the user's confirmation |
| Time to declare | 0s | declared − opened |
| Time to mitigate | not recorded | ended − opened |
| Time to resolve | not recorded | resolved − opened |
| First communication delay | not recorded | first communication − declared |

## Roster

| Role | Name | Since |
| --- | --- | --- |
| commander | alice | 2026-11-28T09:00:00Z |

## Timeline (UTC)

| Time | Who | What |
| --- | --- | --- |
| **2026-11-28** | | |
| 09:00:00Z | alice | opened |
| 09:00:00Z | alice | declared a major incident |
| 09:00:00Z | alice | roster: alice joins as commander |
| 09:00:00Z | alice | work started |

## Communications sent

None recorded.

## Resolution

not recorded.

## Root cause and contributing factors

Root cause: not recorded

Contributing factors:

not recorded.

## What went well

not recorded.

## What went wrong

not recorded.

## Where we got lucky

not recorded.

## Action items

not recorded.
EOF
)"
}

@test "the report's timeline is in time order: a back-dated entry takes its place" {
	open_major "Payroll down" --caller ann
	export ITSM_NOW=2026-11-28T09:40:00Z
	itsm major update 1 -m "failover done" >/dev/null
	itsm major update 1 -m "failover started" --at 2026-11-28T09:10:00Z >/dev/null
	itsm major comms 1 --audience users -m "fixed" >/dev/null
	itsm major comms 1 --audience executives -m "down" --at 2026-11-28T09:05:00Z >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
	section_is "Timeline (UTC)" "| Time | Who | What |
| --- | --- | --- |
| **2026-11-28** | | |
| 09:00:00Z | alice | opened |
| 09:00:00Z | alice | declared a major incident |
| 09:00:00Z | alice | roster: alice joins as commander |
| 09:00:00Z | alice | work started |
| 09:05:00Z | alice | communication to executives: down |
| 09:10:00Z | alice | update: failover started |
| 09:40:00Z | alice | update: failover done |
| 09:40:00Z | alice | communication to users: fixed |"
	section_is "Communications sent" "| Time | Audience | Channel | Message |
| --- | --- | --- | --- |
| 2026-11-28T09:05:00Z | executives | - | down |
| 2026-11-28T09:40:00Z | users | - | fixed |"
	printf '%s\n' "$output" | grep -qxF "| First communication delay | 5m | first communication − declared |"
}

@test "the report counts each affected caller once" {
	open_major "Payroll down" --caller ann
	open_ticket "Payroll error" --caller bob
	open_ticket "Payroll again" --caller ann
	open_ticket "Payroll error too" --caller bob
	open_ticket "Payroll slow" --caller carl
	itsm major link 1 --child 2 3 4 5 >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
	section_is "Impact" "- Duration of the outage (opened to ended): not recorded
- Duration of the crisis (declared to ended): not recorded
- Affected callers: 3 (ann, bob, carl)
- Child incidents: 4: INC-2 (new), INC-3 (new), INC-4 (new), INC-5 (new)
- SLA: no targets (not prioritized)"
}

@test "the report does not count the monitoring channel's callers as affected people" {
	open_major "Payroll down" --caller ann
	open_ticket "Payroll probe failed" --caller nagios --channel monitoring
	open_ticket "Payroll error" --caller bob --channel phone
	open_ticket "Payroll probe failed again" --caller nagios --channel monitoring
	open_ticket "Payroll latency" --caller zabbix --channel monitoring
	itsm major link 1 --child 2 3 4 5 >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
	printf '%s\n' "$output" | grep -qxF -- "- Affected callers: 2 (ann, bob); not counted, from monitoring: nagios, zabbix"
	printf '%s\n' "$output" | grep -qxF -- "- Child incidents: 4: INC-2 (new), INC-3 (new), INC-4 (new), INC-5 (new)"
}

@test "the report keeps Markdown tables whole and escapes control characters" {
	open_major "Payroll | ERP down" --caller ann
	itsm major update 1 -m "$(printf 'line one\nline | two\033[31m')" >/dev/null
	run --separate-stderr itsm major report 1
	assert_status 0
	assert_no_control_bytes
	printf '%s\n' "$output" | grep -qxF '| Summary | Payroll \| ERP down |'
	printf '%s\n' "$output" | grep -qxF '| 09:00:00Z | alice | update: line one line \| two\x1b\[31m |'
}

@test "report --format html: one self-contained page of the same report, user text escaped" {
	open_major "Payroll <b>down</b>" --caller ann
	itsm major update 1 -m '<script>alert(1)</script> & [x](javascript:alert(1)) <img src=x onerror=alert(1)>' >/dev/null
	itsm major action 1 --add "add a <i>disk</i>" --owner bob --due 2026-12-15 >/dev/null
	run --separate-stderr itsm major report 1 --format html
	assert_status 0
	assert_stderr ""
	[ "${lines[0]}" = "<!DOCTYPE html>" ]
	[ "${lines[${#lines[@]} - 1]}" = "</html>" ]
	printf '%s\n' "$output" | grep -qxF "<title>Post-incident report: INC-1</title>"
	printf '%s\n' "$output" | grep -qxF "<h1>Post-incident report: INC-1</h1>"
	printf '%s\n' "$output" | grep -qxF "<h2>Timeline (UTC)</h2>"
	printf '%s\n' "$output" | grep -qxF "<td>Payroll &lt;b&gt;down&lt;/b&gt;</td>"
	printf '%s\n' "$output" | grep -qxF "<td>update: &lt;script&gt;alert(1)&lt;/script&gt; &amp; [x](javascript:alert(1)) &lt;img src=x onerror=alert(1)&gt;</td>"
	printf '%s\n' "$output" | grep -qxF "<td>add a &lt;i&gt;disk&lt;/i&gt;</td>"
	printf '%s\n' "$output" | grep -qxF "<td><strong>2026-11-28</strong></td>"
	# Nothing outside the page, nothing that runs, no markup from users.
	! printf '%s\n' "$output" | grep -Eqi '<script|<img|<link|<iframe|<a |src=|href=|url\(|@import|<b>|<i>'
	# The same report as the Markdown: a section each.
	md=$(itsm major report 1 | grep -c '^## ')
	[ "$(printf '%s\n' "$output" | grep -c '^<h2>')" = "$md" ]
	# -o writes the page.
	run --separate-stderr itsm major report 1 --format html -o "$BATS_TEST_TMPDIR/pir.html"
	assert_status 0
	assert_output ""
	[ "$(head -1 "$BATS_TEST_TMPDIR/pir.html")" = "<!DOCTYPE html>" ]
}

@test "report --format of another kind is a usage error (64), nothing written" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major report 1 --format pdf -o "$BATS_TEST_TMPDIR/pir.pdf"
	assert_status 64
	assert_output ""
	assert_stderr "itsm: unknown report format 'pdf' (expected markdown or html) (see 'itsm major report -h')"
	[ ! -e "$BATS_TEST_TMPDIR/pir.pdf" ]
	assert_unchanged "$before"
}

@test "report -o FILE writes the report to FILE, nothing on stdout" {
	open_major "Payroll down" --caller ann
	run --separate-stderr itsm major report 1 -o "$BATS_TEST_TMPDIR/pir.md"
	assert_status 0
	assert_output ""
	assert_stderr ""
	expected=$(itsm major report 1)
	[ "$(cat "$BATS_TEST_TMPDIR/pir.md")" = "$expected" ]
	head -1 "$BATS_TEST_TMPDIR/pir.md" | grep -qxF "# Post-incident report: INC-1"
}

@test "report -o into a missing directory cannot write (74), one line" {
	open_major "Payroll down" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major report 1 -o "$BATS_TEST_TMPDIR/no/such/dir/pir.md"
	assert_rejected 74 "cannot write '.*pir.md': No such file or directory" "$before"
}

@test "the report of a ticket that never was major is not found (66), nothing changed" {
	open_ticket "Printer jam" --caller ann
	before=$(db_digest)
	run --separate-stderr itsm major report 1
	assert_rejected 66 "INC-1 never was a major incident" "$before"
	run --separate-stderr itsm major report 7
	assert_rejected 66 "no such ticket" "$before"
}
