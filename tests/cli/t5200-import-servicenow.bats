#!/usr/bin/env bats
# itsm import of a ServiceNow incident event log (issue 5): one ticket per
# number, each row an event at its own sys_updated_at, the instance's
# states, channels and levels mapped as itsm-import(1) says, the number
# kept as a ref; --policy-check.  First on small logs written here, then
# on the real log (../shared/data/incident_event_log.csv.gz, 141,712 rows
# of 24,918 incidents), imported once for the tests that only read it.

load helper

LOG=$TOP/../shared/data/incident_event_log.csv.gz
SN_POLICY=$TOP/examples/servicenow.yaml

# The real log, imported once with the instance's policy and
# --policy-check: the database, stdout, stderr and the exit status are
# kept in $BATS_FILE_TMPDIR; then its export (log.jsonl, as a test's
# "itsm export" of a copy gives it: the same policy and clock), read by
# the tests that check every ticket; the log uncompressed too, for awk
# (alongside).
setup_file() {
	[ -f "$LOG" ] || return 0
	export HOME=$BATS_FILE_TMPDIR/home LC_ALL=C.UTF-8
	mkdir -p "$HOME"
	unset XDG_CONFIG_HOME XDG_DATA_HOME ITSM_ACTOR ITSM_HOOKS_DIR
	LOG_DB=$(db_fixture log)
	export LOG_DB
	gzip -dc "$LOG" >"$BATS_FILE_TMPDIR/log.csv" &
	ITSM_NOW=2026-11-28T09:00:00Z "$ITSM" --db "$LOG_DB" \
	    --config "$SN_POLICY" import --policy-check "$LOG" \
	    >"$BATS_FILE_TMPDIR/log.out" 2>"$BATS_FILE_TMPDIR/log.err"
	echo $? >"$BATS_FILE_TMPDIR/log.status"
	ITSM_NOW=2026-11-28T09:00:00Z "$ITSM" --db "$LOG_DB" \
	    --config "$SN_POLICY" export >"$BATS_FILE_TMPDIR/log.jsonl" \
	    2>"$BATS_FILE_TMPDIR/export.err"
	echo $? >"$BATS_FILE_TMPDIR/export.status"
	wait
}

# need_log: skips the test when the real log is not there.
need_log() {
	[ -f "$LOG" ] || skip "no $LOG (the real ServiceNow log, see shared/data/README.md)"
}

# log_db: this test's database is a copy of the imported log, read with
# the instance's policy.
log_db() {
	need_log
	[ "$(cat "$BATS_FILE_TMPDIR/log.status")" = 0 ] || {
		echo "the import of the log failed:" >&2
		cat "$BATS_FILE_TMPDIR/log.err" >&2
		return 1
	}
	db_restore "$LOG_DB"
	export ITSM_CONFIG=$SN_POLICY
}

# log_export: the export of the imported log, made by setup_file, must
# have succeeded (log_db first).
log_export() {
	[ "$(cat "$BATS_FILE_TMPDIR/export.status")" = 0 ] || {
		echo "the export of the log failed:" >&2
		cat "$BATS_FILE_TMPDIR/export.err" >&2
		return 1
	}
}

# raw NUMBER COLUMN...: the named columns of the log's rows of NUMBER,
# tab-separated, one row a line (the log has no quoted field: awk -F,).
raw() {
	local number=$1
	shift
	awk -F, -v number="$number" -v cols="$*" '
		NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i
			  n = split(cols, want, " "); next }
		$1 == number { line = ""
			for (i = 1; i <= n; i++)
				line = line (i > 1 ? "\t" : "") $(col[want[i]])
			print line }' "$BATS_FILE_TMPDIR/log.csv"
}

# raw_is NUMBER "COLUMN..." EXPECTED: the log's rows of NUMBER hold exactly
# EXPECTED in those columns (what the checks of the import rely on).
raw_is() {
	local got
	got=$(raw "$1" $2)
	if [ "$got" != "$3" ]; then
		printf 'raw rows of %s (%s):\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$2" "$3" "$got" >&2
		return 1
	fi
}

# iso: "D/M/YYYY HH:MM" lines on stdin as ISO 8601 UTC.
iso() {
	awk '{ split($0, t, /[\/ :]/)
	       printf "%04d-%02d-%02dT%02d:%02d:00Z\n", t[3], t[2], t[1], t[4], t[5] }'
}

# events_match_rows REF NUMBER: the ticket's events are the log's rows of
# NUMBER (those with a state), one for one: at is sys_updated_at, the
# actor sys_updated_by, the first an open, the others updates.
events_match_rows() {
	local got want
	got=$(itsm show "$1" --json | jq -r '.events[] | [.at, .actor, .kind] | @tsv')
	want=$(paste <(raw "$2" incident_state sys_updated_at | awk -F'\t' '$1 != "-100" { print $2 }' | iso) \
	    <(raw "$2" incident_state sys_updated_by | awk -F'\t' '$1 != "-100" { print $2 }') |
	    awk 'BEGIN { OFS = FS = "\t" } { print $0, NR == 1 ? "open" : "update" }')
	if [ -z "$want" ] || [ "$got" != "$want" ]; then
		printf 'events of %s:\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$want" "$got" >&2
		return 1
	fi
}

# A small log in the instance's format: 21 of its columns in another
# order, plus one it does not read (location).
SMALL_HEADER='number,incident_state,location,opened_at,caller_id,contact_type,impact,urgency,priority,assignment_group,assigned_to,reassignment_count,reopen_count,sys_updated_by,sys_updated_at,category,subcategory,u_symptom,cmdb_ci,closed_code,resolved_at,closed_at'

# small_log: INC0000001 goes through every state; INC0000002 is resolved,
# reopened and ends active; INC0000003 waits on a problem; INC0000004 is
# new; INC0000005 has a row with state -100 (line 19) and ends resolved;
# INC0000006 came by fax.
small_log() {
	cat <<-EOF
	$SMALL_HEADER
	INC0000001,New,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,?,0,0,Updated by 1,1/3/2016 09:10,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Active,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,Resolver 1,0,0,Updated by 2,1/3/2016 10:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Awaiting User Info,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,Resolver 1,0,0,Updated by 2,1/3/2016 11:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Awaiting Vendor,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,Resolver 1,0,0,Updated by 2,2/3/2016 09:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Awaiting Problem,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,Resolver 1,0,0,Updated by 2,2/3/2016 10:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Awaiting Evidence,Location 1,1/3/2016 09:05,Caller 1,Phone,2 - Medium,2 - Medium,3 - Moderate,Group 1,Resolver 1,0,0,Updated by 2,2/3/2016 11:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Active,Location 1,1/3/2016 09:05,Caller 1,Phone,1 - High,1 - High,1 - Critical,Group 2,Resolver 2,1,0,Updated by 3,3/3/2016 08:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Resolved,Location 1,1/3/2016 09:05,Caller 1,Phone,1 - High,1 - High,1 - Critical,Group 2,Resolver 2,1,0,Updated by 3,3/3/2016 16:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000001,Closed,Location 1,1/3/2016 09:05,Caller 1,Phone,1 - High,1 - High,1 - Critical,Group 2,Resolver 2,1,0,Updated by 908,8/3/2016 17:00,Category 1,Subcategory 2,Symptom 3,CI 4,code 1,3/3/2016 16:00,8/3/2016 17:00
	INC0000002,New,Location 2,4/3/2016 08:59,Caller 2,Email,?,?,?,Group 3,?,0,0,Updated by 4,4/3/2016 09:00,?,?,?,?,?,?,?
	INC0000002,Resolved,Location 2,4/3/2016 08:59,Caller 2,Email,?,?,?,Group 3,?,0,0,Updated by 4,4/3/2016 12:00,?,?,?,?,code 2,4/3/2016 12:00,?
	INC0000002,Active,Location 2,4/3/2016 08:59,Caller 2,Email,3 - Low,3 - Low,4 - Low,Group 3,?,0,1,Updated by 5,5/3/2016 09:00,?,?,?,?,?,?,?
	INC0000002,Active,Location 2,4/3/2016 08:59,Caller 2,Email,3 - Low,3 - Low,3 - Moderate,Group 3,?,0,1,Updated by 5,5/3/2016 10:00,?,?,?,?,?,?,?
	INC0000003,New,Location 3,6/3/2016 10:00,?,Self service,3 - Low,2 - Medium,4 - Low,?,?,0,0,?,6/3/2016 10:01,Category 5,?,?,?,?,?,?
	INC0000003,Awaiting Problem,Location 3,6/3/2016 10:00,?,Self service,3 - Low,2 - Medium,4 - Low,?,?,0,0,Updated by 6,6/3/2016 11:00,Category 5,?,?,?,?,?,?
	INC0000004,New,Location 4,7/3/2016 07:00,Caller 4,Direct opening,1 - High,2 - Medium,2 - High,Group 4,?,0,0,Updated by 7,7/3/2016 07:00,?,?,?,?,?,?,?
	INC0000005,New,Location 5,8/3/2016 12:00,Caller 5,IVR,2 - Medium,3 - Low,4 - Low,Group 5,?,0,0,Updated by 8,8/3/2016 12:05,?,?,?,?,?,?,?
	INC0000005,-100,Location 5,8/3/2016 12:00,Caller 5,IVR,2 - Medium,3 - Low,4 - Low,Group 5,?,0,0,Updated by 8,8/3/2016 12:06,?,?,?,?,?,?,?
	INC0000005,Resolved,Location 5,8/3/2016 12:00,Caller 5,IVR,2 - Medium,3 - Low,4 - Low,Group 5,?,0,0,Updated by 8,9/3/2016 12:00,?,?,?,?,code 3,9/3/2016 12:00,?
	INC0000006,Active,Location 6,10/3/2016 12:00,Caller 6,Fax,2 - Medium,2 - Medium,3 - Moderate,Group 6,Resolver 6,0,0,Updated by 9,10/3/2016 12:30,?,?,?,?,?,?,?
	EOF
}

import_small() {
	small_log >"$BATS_TEST_TMPDIR/small.csv"
	itsm import "$BATS_TEST_TMPDIR/small.csv" "$@"
}

# --- small logs, written here ---

@test "a small log: one ticket per number, one event per row, the summary, the row left out" {
	small_log >"$BATS_TEST_TMPDIR/small.csv"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/small.csv"
	assert_status 0
	assert_output "imported 6 tickets and 19 events from 21 lines; 1 row left out"
	assert_stderr "itsm: $BATS_TEST_TMPDIR/small.csv:19: row left out: unknown state '-100'"
	[ "$(count_events true)" = 19 ]
	run itsm export
	jq_is '[.store.ext_ref, (.events | length)]' '["INC0000001",9]
["INC0000002",4]
["INC0000003",2]
["INC0000004",1]
["INC0000005",2]
["INC0000006",1]'
	# No row at 12:06 (the one left out).
	ticket_is INC0000005 '[.events[].at]' '["2016-03-08T12:05:00Z","2016-03-09T12:00:00Z"]'
}

@test "each row an event at its sys_updated_at: state, hold reason, group, assignee and levels changed" {
	import_small >/dev/null 2>&1
	ticket_is INC0000001 '.events[] | [.at, .recorded_at, .actor, .kind, .field, .from, .to, .message]' \
	'["2016-03-01T09:10:00Z","2026-11-28T09:00:00Z","Updated by 1","open","status",null,"new","group: - -> Group 1; impact: - -> medium; urgency: - -> medium; priority: - -> P3"]
["2016-03-01T10:00:00Z","2026-11-28T09:00:00Z","Updated by 2","update","status","new","in_progress","assignee: - -> Resolver 1"]
["2016-03-01T11:00:00Z","2026-11-28T09:00:00Z","Updated by 2","update","status","in_progress","on_hold","hold_reason: - -> user"]
["2016-03-02T09:00:00Z","2026-11-28T09:00:00Z","Updated by 2","update","hold_reason","user","vendor",null]
["2016-03-02T10:00:00Z","2026-11-28T09:00:00Z","Updated by 2","update","hold_reason","vendor","problem",null]
["2016-03-02T11:00:00Z","2026-11-28T09:00:00Z","Updated by 2","update","hold_reason","problem","user",null]
["2016-03-03T08:00:00Z","2026-11-28T09:00:00Z","Updated by 3","update","status","on_hold","in_progress","hold_reason: user -> -; group: Group 1 -> Group 2; assignee: Resolver 1 -> Resolver 2; impact: medium -> high; urgency: medium -> high; priority: P3 -> P1"]
["2016-03-03T16:00:00Z","2026-11-28T09:00:00Z","Updated by 3","update","status","in_progress","resolved",null]
["2016-03-08T17:00:00Z","2026-11-28T09:00:00Z","Updated by 908","update","status","resolved","closed",null]'
	# Reopened, then only the priority changes; "?" is unknown ("-").
	ticket_is INC0000002 '.events[] | [.at, .kind, .field, .from, .to, .message]' \
	'["2016-03-04T09:00:00Z","open","status",null,"new","group: - -> Group 3"]
["2016-03-04T12:00:00Z","update","status","new","resolved",null]
["2016-03-05T09:00:00Z","update","status","resolved","in_progress","impact: - -> low; urgency: - -> low; priority: - -> P4"]
["2016-03-05T10:00:00Z","update","priority","P4","P3",null]'
	# A first row already active; a row without sys_updated_by.
	ticket_is INC0000006 '.events[] | [.actor, .kind, .field, .from, .to]' \
	    '["Updated by 9","open","status",null,"in_progress"]'
	ticket_is INC0000003 '[.events[].actor]' '["unknown","Updated by 6"]'
	# The login is the importer's, as for any event.
	[ "$(db_sql "SELECT count(DISTINCT login) FROM events")" = 1 ]
}

@test "states: New, Active, Awaiting User Info, Evidence, Vendor, Problem, Resolved, Closed" {
	import_small >/dev/null 2>&1
	run itsm export
	# The status and hold reason are the last row's; resolved_at and
	# closed_at are the log's, kept only when the ticket ends resolved or
	# closed; responded_at is the first row past New.
	jq_is '[.store.ext_ref, .status, .store.hold_reason, .responded_at, .resolved_at, .closed_at, .resolution.code]' \
	'["INC0000001","closed",null,"2016-03-01T10:00:00Z","2016-03-03T16:00:00Z","2016-03-08T17:00:00Z","code 1"]
["INC0000002","in_progress",null,"2016-03-04T12:00:00Z",null,null,null]
["INC0000003","on_hold","problem","2016-03-06T11:00:00Z",null,null,null]
["INC0000004","new",null,null,null,null,null]
["INC0000005","resolved",null,"2016-03-09T12:00:00Z","2016-03-09T12:00:00Z",null,"code 3"]
["INC0000006","in_progress",null,"2016-03-10T12:30:00Z",null,null,null]'
	# Each Awaiting state is its hold reason.
	ticket_is INC0000001 '[.events[] | select(.field == "hold_reason" or .to == "on_hold") | [.from, .to, .message]]' \
	    '[["in_progress","on_hold","hold_reason: - -> user"],["user","vendor",null],["vendor","problem",null],["problem","user",null]]'
	# They are worked like any ticket: the one on hold is released.
	itsm hold INC0000003 --release -m "problem fixed" >/dev/null
	ticket_is 3 .status '"in_progress"'
}

@test "fields: caller, channel from contact_type, levels by rank, summary from the symptom, counts" {
	import_small >/dev/null 2>&1
	run itsm export
	jq_is '[.id, .ref, .type, .caller, .affected, .channel, .service, .category, .subcategory, .summary, .description]' \
	'[1,"INC-1","incident","Caller 1","Caller 1","phone","CI 4","Category 1","Subcategory 2","INC0000001 (Symptom 3)",null]
[2,"INC-2","incident","Caller 2","Caller 2","email",null,null,null,"INC0000002",null]
[3,"INC-3","incident","unknown","unknown","portal",null,"Category 5",null,"INC0000003",null]
[4,"INC-4","incident","Caller 4","Caller 4","walk-in",null,null,null,"INC0000004",null]
[5,"INC-5","incident","Caller 5","Caller 5","phone",null,null,null,"INC0000005",null]
[6,"INC-6","incident","Caller 6","Caller 6",null,null,null,null,"INC0000006",null]'
	# "2 - Medium" is the policy's level of rank 2; "1 - Critical" its
	# first priority: the log's priority is kept, not the matrix's.
	jq_is '[.impact, .urgency, .priority, .store.priority_rank, .group, .assignee, .tier, .major]' \
	'["high","high","P1",0,"Group 2","Resolver 2",null,false]
["low","low","P3",2,"Group 3",null,null,false]
["low","medium","P4",3,null,null,null,false]
["high","medium","P2",1,"Group 4",null,null,false]
["medium","low","P4",3,"Group 5",null,null,false]
["medium","medium","P3",2,"Group 6","Resolver 6",null,false]'
	jq_is '[.opened_at, .updated_at, .reassignment_count, .reopen_count, .satisfaction, .parent]' \
	'["2016-03-01T09:05:00Z","2016-03-08T17:00:00Z",1,0,null,null]
["2016-03-04T08:59:00Z","2016-03-05T10:00:00Z",0,1,null,null]
["2016-03-06T10:00:00Z","2016-03-06T11:00:00Z",0,0,null,null]
["2016-03-07T07:00:00Z","2016-03-07T07:00:00Z",0,0,null,null]
["2016-03-08T12:00:00Z","2016-03-09T12:00:00Z",0,0,null,null]
["2016-03-10T12:00:00Z","2016-03-10T12:30:00Z",0,0,null,null]'
}

@test "levels by rank under a policy of other names: rank 1 is its first level" {
	write_policy_4x4 "$ITSM_CONFIG"
	import_small >/dev/null 2>&1
	run itsm export
	jq_is '[.impact, .urgency, .priority]' '["enterprise","critical","Crit"]
["department","normal","Med"]
["department","high","Low"]
["enterprise","high","High"]
["site","normal","Low"]
["site","high","Med"]'
}

@test "the instance's number is a ref, in any case; an unknown one is not (65)" {
	import_small >/dev/null 2>&1
	run --separate-stderr itsm show INC0000004 --json
	assert_status 0
	jq_is '[.id, .summary]' '[4,"INC0000004"]'
	run --separate-stderr itsm show inc0000004 --json
	assert_status 0
	jq_is .id 4
	run --separate-stderr itsm show INC0000004
	assert_status 0
	[[ "$output" == *INC0000004* ]]
	itsm assign INC0000004 --to carol >/dev/null
	ticket_is 4 .assignee '"carol"'
	before=$(db_digest)
	run --separate-stderr itsm show INC0000099
	assert_rejected 65 "'INC0000099' is not a ticket reference" "$before"
}

@test "--policy-check: every row with impact, urgency and priority compared, each disagreement named" {
	small_log >"$BATS_TEST_TMPDIR/small.csv"
	run --separate-stderr itsm import --policy-check "$BATS_TEST_TMPDIR/small.csv"
	assert_status 0
	assert_output "imported 6 tickets and 19 events from 21 lines; 1 row left out
policy check: 17 events with impact, urgency and priority; 2 disagree with the policy's matrix"
	assert_stderr "itsm: policy check: $BATS_TEST_TMPDIR/small.csv:13: impact '3 - Low' and urgency '3 - Low' give P5 in the policy, the log says '4 - Low'
itsm: policy check: $BATS_TEST_TMPDIR/small.csv:14: impact '3 - Low' and urgency '3 - Low' give P5 in the policy, the log says '3 - Moderate'
itsm: $BATS_TEST_TMPDIR/small.csv:19: row left out: unknown state '-100'"
	# The instance's own policy disagrees only with line 14, where the
	# priority was raised by hand.
	run --separate-stderr itsm --config "$SN_POLICY" --db "$BATS_TEST_TMPDIR/sn.db" \
	    import --policy-check "$BATS_TEST_TMPDIR/small.csv" --json
	assert_status 0
	jq_is . '{"lines":21,"tickets":6,"events":19,"skipped":1,"policy_check":{"checked":17,"disagree":1}}'
	[[ "$stderr" == "itsm: policy check: $BATS_TEST_TMPDIR/small.csv:14: impact '3 - Low' and urgency '3 - Low' give 4 - Low in the policy, the log says '3 - Moderate'"$'\n'* ]]
}

@test "a level whose rank the policy has not: unknown; --policy-check says so" {
	cat >"$BATS_TEST_TMPDIR/rank.csv" <<-EOF
	$SMALL_HEADER
	INC0000009,New,L,1/3/2016 09:05,C,Phone,4 - Tiny,2 - Medium,6 - Whenever,G,?,0,0,U,1/3/2016 09:06,?,?,?,?,?,?,?
	EOF
	run --separate-stderr itsm import --policy-check "$BATS_TEST_TMPDIR/rank.csv"
	assert_status 0
	assert_output "imported 1 ticket and 1 event from 2 lines
policy check: 1 events with impact, urgency and priority; 1 disagree with the policy's matrix"
	assert_stderr "itsm: policy check: $BATS_TEST_TMPDIR/rank.csv:2: impact '4 - Tiny', urgency '2 - Medium' or priority '6 - Whenever' has no level of that rank in the policy"
	ticket_is INC0000009 '[.impact, .urgency, .priority, .response_due]' '[null,"medium",null,null]'
}

@test "CSV quoting: commas, quotes and line breaks inside fields; blank lines; lines counted as in the file" {
	cat >"$BATS_TEST_TMPDIR/quoted.csv" <<-EOF
	$SMALL_HEADER
	INC0000007,New,L,1/3/2016 09:05,"Doe, Jane",Phone,2 - Medium,2 - Medium,3 - Moderate,"Group ""A""",?,0,0,U,1/3/2016 09:06,?,?,"two
	lines",?,?,?,?

	INC0000008,-100,L,1/3/2016 09:05,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 09:06,?,?,?,?,?,?,?
	INC0000008,-100,L,1/3/2016 09:05,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 09:06,?,?,"a
	b",?,?,?,?
	INC0000008,New,L,1/3/2016 09:05,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 09:07,?,?,?,?,?,?,?
	EOF
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/quoted.csv"
	assert_status 0
	assert_output "imported 2 tickets and 2 events from 8 lines; 2 rows left out"
	# A row is named by the line where it begins; blank lines count.
	assert_stderr "itsm: $BATS_TEST_TMPDIR/quoted.csv:5: row left out: unknown state '-100'
itsm: $BATS_TEST_TMPDIR/quoted.csv:6: row left out: unknown state '-100'"
	ticket_is INC0000007 '[.caller, .group, .summary]' '["Doe, Jane","Group \"A\"","INC0000007 (two\nlines)"]'
}

@test "rows of one number must be together: a number seen again is refused (65) at its line" {
	itsm open "Existing" --caller x >/dev/null
	before=$(db_digest)
	cat >"$BATS_TEST_TMPDIR/split.csv" <<-EOF
	$SMALL_HEADER
	INC0000001,New,L,1/3/2016 09:05,C,Phone,?,?,?,G,?,0,0,U,1/3/2016 09:06,?,?,?,?,?,?,?
	INC0000002,New,L,1/3/2016 09:05,C,Phone,?,?,?,G,?,0,0,U,1/3/2016 09:06,?,?,?,?,?,?,?
	INC0000001,Active,L,1/3/2016 09:05,C,Phone,?,?,?,G,?,0,0,U,1/3/2016 09:07,?,?,?,?,?,?,?
	EOF
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/split.csv"
	assert_rejected 65 "split\.csv:4: INC0000001 appears again after other incidents" "$before"
}

@test "a time that is not D/M/YYYY HH:MM is refused (65) at its line" {
	itsm open "Existing" --caller x >/dev/null
	before=$(db_digest)
	cat >"$BATS_TEST_TMPDIR/time.csv" <<-EOF
	$SMALL_HEADER
	INC0000001,New,L,1/3/2016 09:05,C,Phone,?,?,?,G,?,0,0,U,1/3/2016 09:06,?,?,?,?,?,?,?
	INC0000001,Active,L,1/3/2016 09:05,C,Phone,?,?,?,G,?,0,0,U,2016-03-01 10:00,?,?,?,?,?,?,?
	EOF
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/time.csv"
	assert_rejected 65 "time\.csv:3: sys_updated_at '2016-03-01 10:00' is not a D/M/YYYY HH:MM time" "$before"
	sed -i '3d; 2s#,1/3/2016 09:05,#,?,#' "$BATS_TEST_TMPDIR/time.csv"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/time.csv"
	assert_rejected 65 "time\.csv:2: opened_at '\?' is not a D/M/YYYY HH:MM time" "$before"
}

# --- the real log ---

@test "the whole log: 24,918 tickets, 141,707 events, 5 rows left out and named, 0 disagreements" {
	log_db
	[ "$(cat "$BATS_FILE_TMPDIR/log.out")" = "imported 24918 tickets and 141707 events from 141713 lines; 5 rows left out
policy check: 141707 events with impact, urgency and priority; 0 disagree with the policy's matrix" ]
	# The rows left out are those whose state is -100, at their lines.
	local want
	want=$(awk -F, -v file="$LOG" '$2 == "-100" { printf "itsm: %s:%d: row left out: unknown state '\''-100'\''\n", file, NR }' \
	    "$BATS_FILE_TMPDIR/log.csv")
	[ "$(printf '%s\n' "$want" | wc -l)" = 5 ]
	[ "$(cat "$BATS_FILE_TMPDIR/log.err")" = "$want" ]
	# Counted again, from the log and from the database.
	[ "$(awk -F, 'NR > 1 { print $1 }' "$BATS_FILE_TMPDIR/log.csv" | sort -u | wc -l)" = 24918 ]
	[ "$(awk -F, 'NR > 1 && $2 != "-100"' "$BATS_FILE_TMPDIR/log.csv" | wc -l)" = 141707 ]
	[ "$(db_sql 'SELECT count(*) FROM tickets')" = 24918 ]
	[ "$(db_sql 'SELECT count(*) FROM events')" = 141707 ]
	[ "$(db_sql 'SELECT count(DISTINCT ext_ref) FROM tickets')" = 24918 ]
}

@test "the whole log, every ticket against its rows: caller, times, status, group, category, events" {
	log_db
	# From the log: the first row with a state gives the caller and the
	# opening; the last the status (all are Closed in this log), the
	# group, the category, resolved_at and closed_at.
	awk -F, '
		function iso(s, t) { if (s == "?") return "-"
			split(s, t, /[\/ :]/)
			return sprintf("%04d-%02d-%02dT%02d:%02d:00Z", t[3], t[2], t[1], t[4], t[5]) }
		function known(s) { return s == "?" ? "-" : s }
		NR == 1 || $2 == "-100" { next }
		!($1 in n) { caller[$1] = $8 == "?" ? "unknown" : $8; opened[$1] = iso($10) }
		{ n[$1]++; state[$1] = $2; group[$1] = known($24); cat[$1] = known($17)
		  res[$1] = iso($35); clo[$1] = iso($36) }
		END { for (k in n) printf "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\n", k,
			caller[k], opened[k], res[k], clo[k],
			state[k] == "Closed" ? "closed" : state[k], group[k], cat[k], n[k] }' \
	    "$BATS_FILE_TMPDIR/log.csv" | sort >"$BATS_TEST_TMPDIR/want.tsv"
	log_export
	jq -r '[.store.ext_ref, .caller, .opened_at, .resolved_at // "-",
	    .closed_at // "-", .status, .group // "-", .category // "-",
	    (.events | length)] | @tsv' "$BATS_FILE_TMPDIR/log.jsonl" |
	    sort >"$BATS_TEST_TMPDIR/got.tsv"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/want.tsv")" = 24918 ]
	diff "$BATS_TEST_TMPDIR/want.tsv" "$BATS_TEST_TMPDIR/got.tsv" | head -20 >&2
	cmp -s "$BATS_TEST_TMPDIR/want.tsv" "$BATS_TEST_TMPDIR/got.tsv"
}

@test "INC0000045 field by field against its four rows" {
	log_db
	raw_is INC0000045 "incident_state sys_updated_by sys_updated_at" \
	    $'New\tUpdated by 21\t29/2/2016 01:23\nResolved\tUpdated by 642\t29/2/2016 08:53\nResolved\tUpdated by 804\t29/2/2016 11:29\nClosed\tUpdated by 908\t5/3/2016 12:00'
	# What every row says alike.
	[ "$(raw INC0000045 caller_id opened_at contact_type category subcategory u_symptom cmdb_ci impact urgency priority assignment_group assigned_to closed_code resolved_at closed_at | sort -u)" = \
	    $'Caller 2403\t29/2/2016 01:16\tPhone\tCategory 55\tSubcategory 170\tSymptom 72\t?\t2 - Medium\t2 - Medium\t3 - Moderate\tGroup 56\t?\tcode 5\t29/2/2016 11:29\t5/3/2016 12:00' ]
	run --separate-stderr itsm show INC0000045 --json
	assert_status 0
	jq_is '[.ref, .type, .status, .summary, .caller, .affected, .channel, .category, .subcategory, .service, .impact, .urgency, .priority, .group, .assignee]' \
	    '["INC-1","incident","closed","INC0000045 (Symptom 72)","Caller 2403","Caller 2403","phone","Category 55","Subcategory 170",null,"2 - Medium","2 - Medium","3 - Moderate","Group 56",null]'
	jq_is '[.opened_at, .responded_at, .resolved_at, .closed_at, .updated_at, .resolution.code, .reassignment_count, .reopen_count]' \
	    '["2016-02-29T01:16:00Z","2016-02-29T08:53:00Z","2016-02-29T11:29:00Z","2016-03-05T12:00:00Z","2016-03-05T12:00:00Z","code 5",0,0]'
	jq_is '.events[] | [.at, .actor, .kind, .field, .from, .to, .message]' \
	'["2016-02-29T01:23:00Z","Updated by 21","open","status",null,"new","group: - -> Group 56; impact: - -> 2 - Medium; urgency: - -> 2 - Medium; priority: - -> 3 - Moderate"]
["2016-02-29T08:53:00Z","Updated by 642","update","status","new","resolved",null]
["2016-02-29T11:29:00Z","Updated by 804","update",null,null,null,null]
["2016-03-05T12:00:00Z","Updated by 908","update","status","resolved","closed",null]'
	events_match_rows INC0000045 INC0000045
	# The terminal view finds it too.
	run --separate-stderr itsm show INC0000045
	assert_status 0
	[[ "$output" == *"INC0000045 (Symptom 72)"* ]]
}

@test "INC0015530: on hold for the user, then for a vendor, reassigned three times" {
	log_db
	raw_is INC0015530 "incident_state reassignment_count assignment_group assigned_to sys_updated_at" \
	'New	0	Group 9	Resolver 69	5/4/2016 14:17
Awaiting User Info	0	Group 9	Resolver 69	5/4/2016 14:17
Awaiting User Info	0	Group 9	Resolver 69	5/4/2016 14:18
Active	0	Group 9	Resolver 69	6/4/2016 12:05
Active	0	Group 9	Resolver 69	6/4/2016 12:06
Awaiting Vendor	1	Group 25	Resolver 57	2/6/2016 12:36
Awaiting Vendor	2	Group 9	?	6/7/2016 11:24
Awaiting Vendor	2	Group 9	Resolver 57	11/7/2016 16:49
Resolved	3	Group 23	Resolver 69	13/7/2016 11:28
Closed	3	Group 23	Resolver 69	18/7/2016 12:00'
	events_match_rows INC0015530 INC0015530
	ticket_is INC0015530 '.events[] | [.field, .from, .to, .message]' \
	'["status",null,"new","group: - -> Group 9; assignee: - -> Resolver 69; impact: - -> 2 - Medium; urgency: - -> 2 - Medium; priority: - -> 3 - Moderate"]
["status","new","on_hold","hold_reason: - -> user"]
[null,null,null,null]
["status","on_hold","in_progress","hold_reason: user -> -"]
[null,null,null,null]
["status","in_progress","on_hold","hold_reason: - -> vendor; group: Group 9 -> Group 25; assignee: Resolver 69 -> Resolver 57"]
["group","Group 25","Group 9","assignee: Resolver 57 -> -"]
["assignee",null,"Resolver 57",null]
["status","on_hold","resolved","hold_reason: vendor -> -; group: Group 9 -> Group 23; assignee: Resolver 57 -> Resolver 69"]
["status","resolved","closed",null]'
	ticket_is INC0015530 '[.status, .group, .assignee, .reassignment_count, .reopen_count, .opened_at, .responded_at, .resolved_at, .closed_at]' \
	    '["closed","Group 23","Resolver 69",3,0,"2016-04-05T14:12:00Z","2016-04-05T14:17:00Z","2016-07-13T11:28:00Z","2016-07-18T12:00:00Z"]'
}

@test "INC0001155 reopened once; INC0000500 raised to 1 - High impact and 2 - High priority" {
	log_db
	raw_is INC0001155 "incident_state reopen_count sys_updated_at" \
	'Active	0	2/3/2016 11:09
Resolved	0	6/4/2016 14:13
Active	1	7/4/2016 06:58
Active	1	7/4/2016 06:58
Resolved	1	25/4/2016 09:43
Closed	1	30/4/2016 10:07'
	events_match_rows INC0001155 INC0001155
	ticket_is INC0001155 '[.events[] | select(.field == "status") | [.from, .to]]' \
	    '[[null,"in_progress"],["in_progress","resolved"],["resolved","in_progress"],["in_progress","resolved"],["resolved","closed"]]'
	ticket_is INC0001155 '[.reopen_count, .resolved_at]' '[1,"2016-04-25T09:43:00Z"]'

	raw_is INC0000500 "impact urgency priority sys_updated_at" \
	'2 - Medium	2 - Medium	3 - Moderate	1/3/2016 08:03
1 - High	2 - Medium	2 - High	1/3/2016 08:04
1 - High	2 - Medium	2 - High	1/3/2016 08:06
1 - High	2 - Medium	2 - High	1/3/2016 17:10
1 - High	2 - Medium	2 - High	2/3/2016 09:08
1 - High	2 - Medium	2 - High	7/3/2016 10:00'
	events_match_rows INC0000500 INC0000500
	ticket_is INC0000500 '.events[1] | [.at, .field, .from, .to, .message]' \
	    '["2016-03-01T08:04:00Z","impact","2 - Medium","1 - High","priority: 3 - Moderate -> 2 - High"]'
	ticket_is INC0000500 '[.impact, .urgency, .priority]' '["1 - High","2 - Medium","2 - High"]'
}

@test "the whole log with the default policy: the disagreements are the low-low rows, counted from the log" {
	need_log
	local n
	# Impact 3 - Low with urgency 3 - Low is P5 in the default matrix;
	# the instance says 4 - Low, that is P4.  Every other pair agrees.
	n=$(awk -F, 'NR > 1 && $2 != "-100" && $21 == "3 - Low" && $22 == "3 - Low" && $23 != "?"' \
	    "$BATS_FILE_TMPDIR/log.csv" | wc -l)
	[ "$n" -gt 0 ]
	run --separate-stderr itsm import --policy-check "$LOG"
	assert_status 0
	assert_output "imported 24918 tickets and 141707 events from 141713 lines; 5 rows left out
policy check: 141707 events with impact, urgency and priority; $n disagree with the policy's matrix"
	# The first 20 are shown, each at a low-low row of the log.
	local shown lines
	shown=$(printf '%s\n' "$stderr" | grep -c "^itsm: policy check: $LOG:[0-9]*: impact '3 - Low' and urgency '3 - Low' give P5 in the policy, the log says '4 - Low'$")
	[ "$shown" = 20 ]
	lines=$(printf '%s\n' "$stderr" | sed -n "s|^itsm: policy check: $LOG:\([0-9]*\): .*|\1|p" | paste -sd,)
	[ "$(awk -F, -v want="$lines" 'BEGIN { n = split(want, w, ","); for (i = 1; i <= n; i++) ok[w[i]] = 1 }
	    NR in ok && $21 == "3 - Low" && $22 == "3 - Low" && $23 == "4 - Low"' "$BATS_FILE_TMPDIR/log.csv" | wc -l)" = 20 ]
	printf '%s\n' "$stderr" | grep -qx "itsm: policy check: $((n - 20)) more disagreements not shown"
	[ "$(printf '%s\n' "$stderr" | grep -c 'row left out')" = 5 ]
	[ "$(printf '%s\n' "$stderr" | wc -l)" = 26 ]
	# Priorities by rank: the log's 4 - Low is the policy's P4.
	ticket_is INC0000045 '[.impact, .urgency, .priority]' '["medium","medium","P3"]'
}

@test "importing the log again is refused (65) and changes nothing" {
	log_db
	before=$(db_digest)
	run --separate-stderr itsm import "$LOG"
	assert_rejected 65 "incident_event_log\.csv\.gz:2: INC0000045 appears again after other incidents, or was imported before" "$before"
}

# --- issue 11: due times never depend on the clock of the import ---

@test "a ticket closed without a resolution time: due times from its own history, whatever the clock of the import" {
	cat >"$BATS_TEST_TMPDIR/closed.csv" <<-EOF
	$SMALL_HEADER
	INC0000001,New,L,1/3/2016 09:00,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 09:01,?,?,?,?,code 1,?,1/3/2016 12:00
	INC0000001,Active,L,1/3/2016 09:00,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 10:00,?,?,?,?,code 1,?,1/3/2016 12:00
	INC0000001,Closed,L,1/3/2016 09:00,C,Phone,2 - Medium,2 - Medium,3 - Moderate,G,?,0,0,U,1/3/2016 12:00,?,?,?,?,code 1,?,1/3/2016 12:00
	EOF
	local now
	for now in 2026-11-28T09:00:00Z 2031-06-01T00:00:00Z; do
		ITSM_NOW=$now itsm --db "$BATS_TEST_TMPDIR/$now.db" import "$BATS_TEST_TMPDIR/closed.csv" >/dev/null
		# The events are recorded at the import: all the rest is the log's.
		ITSM_NOW=$now itsm --db "$BATS_TEST_TMPDIR/$now.db" export |
		    jq -c 'del(.events[].recorded_at)' >"$BATS_TEST_TMPDIR/$now.jsonl"
	done
	cmp "$BATS_TEST_TMPDIR/2026-11-28T09:00:00Z.jsonl" "$BATS_TEST_TMPDIR/2031-06-01T00:00:00Z.jsonl"
	# P3: 2h to respond from 09:00; a day to resolve, 3h of it run when
	# the clocks stopped for good at the closure (12:00): 21h after it.
	jq -e -c '[.status, .resolved_at, .response_due, .resolution_due] ==
	    ["closed", null, "2016-03-01T11:00:00Z", "2016-03-02T09:00:00Z"]' \
	    "$BATS_TEST_TMPDIR/2031-06-01T00:00:00Z.jsonl"
}

@test "the whole log imported at another time: the same tickets and due times (1,556 are closed without a resolution time)" {
	log_db
	[ "$(db_sql "SELECT count(*) FROM tickets WHERE status = 'closed' AND resolved_at IS NULL AND priority IS NOT NULL")" = 1556 ]
	ITSM_NOW=2031-06-01T00:00:00Z itsm --db "$BATS_TEST_TMPDIR/later.db" import "$LOG" >/dev/null 2>&1
	# Every due time is the log's, none of either import's clock.
	[ "$(db_sql "SELECT count(*) FROM tickets WHERE resolution_due > 1577836800")" = 0 ]	# 2020-01-01
	# The exports, each event's recorded_at left out (the import's clock):
	# the same bytes.  (In the compact JSON of an export, a quote inside
	# a string is escaped: only the key itself matches.)
	log_export
	ITSM_NOW=2031-06-01T00:00:00Z itsm --db "$BATS_TEST_TMPDIR/later.db" export \
	    >"$BATS_TEST_TMPDIR/later.jsonl"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/later.jsonl")" = 24918 ]
	# (sed on bytes: five times faster than on UTF-8 characters, the same
	# result on these 50 MB.)
	# The login too: the log's database may be PostgreSQL's, whose login
	# is the server's user, later.db is a file.
	diff <(LC_ALL=C sed 's/"recorded_at":"[^"]*",//g; s/"login":"[^"]*",//g' "$BATS_FILE_TMPDIR/log.jsonl") \
	    <(LC_ALL=C sed 's/"recorded_at":"[^"]*",//g; s/"login":"[^"]*",//g' "$BATS_TEST_TMPDIR/later.jsonl")
}
