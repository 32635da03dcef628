#!/usr/bin/env bats
# itsm import of its own JSON Lines (issue 5): export -> import into an
# empty database -> export gives the same bytes, on a database built with
# the CLI that holds every field and every kind of event; ids that exist
# already are refused; standard input, gzip, the summary, progress.

load helper

eval "base_$(declare -f setup)"
setup() {
	base_setup
	export ITSM_ACTOR=alice
	OWN_DB=$ITSM_DB			# the test's own
	A=$BATS_TEST_TMPDIR/a.db	# the database built with the CLI
	B=$(db_new b)			# the one it is imported into
}

# in_db DB ARGS...: itsm ARGS on the database DB.
in_db() {
	local db=$1
	shift
	ITSM_DB=$db "$ITSM" "$@"
}

# at TIME ARGS...: itsm ARGS with the clock at TIME, output dropped.
at() {
	local t=$1
	shift
	ITSM_NOW=$t "$ITSM" "$@" >/dev/null
}

# A small ServiceNow log: the imported ticket keeps its number (ext_ref).
servicenow_csv() {
	cat <<-'EOF'
	number,incident_state,reassignment_count,reopen_count,caller_id,opened_at,sys_updated_by,sys_updated_at,contact_type,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,closed_code,resolved_at,closed_at
	INC0000045,New,0,0,Caller 2403,29/2/2016 01:16,Updated by 21,29/2/2016 01:23,Phone,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,code 5,29/2/2016 11:29,5/3/2016 12:00
	INC0000045,Awaiting Vendor,0,0,Caller 2403,29/2/2016 01:16,Updated by 642,29/2/2016 08:53,Phone,Category 55,Subcategory 170,Symptom 72,?,2 - Medium,2 - Medium,3 - Moderate,Group 56,?,code 5,29/2/2016 11:29,5/3/2016 12:00
	EOF
}

# build_rich_db: builds $A with the CLI (ITSM_DB=$A): every option of open,
# every kind of event, every status, a major incident with a full dossier,
# a proposal rejected, cron's bookkeeping (stagnant and breach escalation,
# auto-close), a ticket left on hold, and one imported from ServiceNow.
build_rich_db() {
	export ITSM_DB=$A
	# 1: every option of open, then a whole life: categorize, prioritize,
	# note, assign, escalate (functional and hierarchical), hold and
	# release, resolve, close rejected, resolve, close confirmed, reopen.
	at 2026-11-20T08:00:00Z open "Mail down" --caller ann --affected bob \
	    --channel phone --contact "ext 42" --service erp \
	    -m $'Outlook says "disconnected"\nsince 7:50' --type incident \
	    --category software --subcategory email --impact medium \
	    --urgency high --at 2026-11-20T07:55:00Z
	at 2026-11-20T08:01:00Z categorize 1 --type incident --category network \
	    --subcategory dns -m "DNS in fact"
	at 2026-11-20T08:02:00Z prioritize 1 --impact high --urgency high -m "whole floor" 2>/dev/null
	at 2026-11-20T08:03:00Z note 1 -m "ping fails"
	at 2026-11-20T08:04:00Z assign 1 --to carol --group service-desk -m "mine"
	at 2026-11-20T08:05:00Z escalate 1 --to support-l2 -m "needs L2"
	at 2026-11-20T08:06:00Z escalate 1 --hierarchical --reason blocked -m "stuck"
	at 2026-11-20T08:07:00Z hold 1 --reason vendor -m "waiting on the ISP"
	at 2026-11-20T10:00:00Z hold 1 --release -m "the ISP answered"
	at 2026-11-20T11:00:00Z resolve 1 --workaround -m "secondary DNS" --code workaround
	at 2026-11-20T12:00:00Z close 1 --rejected -m "still down"
	at 2026-11-20T13:00:00Z resolve 1 --permanent -m "zone fixed" --code solved
	at 2026-11-20T14:00:00Z close 1 --confirmed --by bob --satisfaction 4 -m "works"
	at 2026-11-21T09:00:00Z reopen 1 -m "down again"
	# 2: a duplicate of 1, cancelled.
	at 2026-11-21T09:05:00Z open "Mail down too" --caller dan --channel email
	at 2026-11-21T09:06:00Z cancel 2 -m "same as INC-1" --duplicate-of 1
	# 3: a request, redirected at once; 4: redirected as a change later.
	at 2026-11-21T09:10:00Z open "New laptop" --caller eve --type request
	at 2026-11-21T09:11:00Z open "Upgrade the switch" --caller fay --channel chat
	at 2026-11-21T09:12:00Z categorize 4 --type change -m "a change"
	# 5: a major incident, declared, staffed, handed over, updated,
	# communicated, with a child, ended, reviewed, with actions.
	at 2026-11-22T08:00:00Z open "Payroll down" --caller gus --service payroll \
	    --impact high --urgency high
	at 2026-11-22T08:05:00Z major declare 5 -m "payroll stopped" \
	    --commander alice --bridge "https://meet.example/payroll"
	at 2026-11-22T08:06:00Z major roster 5 --add hal --role engineer
	at 2026-11-22T08:06:00Z major roster 5 --add ida --role communications
	at 2026-11-22T08:07:00Z major roster 5 --add joe --role scribe
	at 2026-11-22T08:08:00Z major roster 5 --remove joe
	at 2026-11-22T08:10:00Z major roster 5 --handover hal
	at 2026-11-22T08:15:00Z major update 5 -m "database restarted"
	at 2026-11-22T08:20:00Z major comms 5 --audience executives \
	    -m "we are on it" --channel email
	at 2026-11-22T08:21:00Z open "Payroll slow" --caller kim --service payroll
	at 2026-11-22T08:22:00Z major link 5 --child 6
	at 2026-11-22T08:55:00Z major end 5 -m "service back"
	at 2026-11-22T09:00:00Z resolve 5 --permanent -m "disk freed"
	at 2026-11-23T10:00:00Z major review 5 --root-cause "disk full" \
	    --factor "no alert" --went-well failover --went-wrong "late comms" \
	    --lucky "not payday"
	at 2026-11-23T10:05:00Z major action 5 --add "alert on disk" --owner hal \
	    --due 2026-12-01
	at 2026-11-23T10:06:00Z major action 5 --add "rotate logs" --owner ida \
	    --due 2026-12-05
	at 2026-11-24T10:00:00Z major action 5 --done 1
	# 7: proposed by the rules, rejected.
	at 2026-11-22T10:00:00Z open "Mail slow" --caller lee --service erp \
	    --impact high --urgency high
	at 2026-11-22T10:01:00Z major detect
	at 2026-11-22T10:02:00Z major reject 7 -m "one user"
	# 8: resolved, then closed by cron; 9: left on hold.
	at 2026-11-24T11:00:00Z open "Printer jam" --caller may --impact low --urgency low
	at 2026-11-24T11:05:00Z resolve 8 --workaround -m "cleared"
	at 2026-11-24T11:10:00Z open "Badge refused" --caller ned --category access \
	    --subcategory account
	at 2026-11-24T11:15:00Z hold 9 --reason user -m "waiting for the badge number"
	# cron: stagnant and breached tickets escalated, resolved ones closed.
	at 2026-12-20T10:00:00Z escalate --stagnant --breached
	at 2026-12-20T10:00:00Z close --auto
	# 10: resolved, waiting for the user's word.
	at 2026-12-20T10:30:00Z open "Keyboard dead" --caller oz --channel walk-in \
	    --impact low --urgency medium
	at 2026-12-20T10:40:00Z resolve 10 --permanent -m "new keyboard" --code solved
	# 11: imported from ServiceNow, number kept, on hold for a vendor.
	servicenow_csv >"$BATS_TEST_TMPDIR/sn.csv"
	at 2026-12-20T11:00:00Z import "$BATS_TEST_TMPDIR/sn.csv"
	export ITSM_DB=$OWN_DB
}

# The rich database, built once for the file (as setup would for a test:
# the default policy, no hooks, ITSM_ACTOR alice) and copied by rich_db.
setup_file() {
	RICH_DB=$(db_fixture rich)
	export RICH_DB
	(
		export HOME="$BATS_FILE_TMPDIR/home" \
		    ITSM_CONFIG="$BATS_FILE_TMPDIR/policy.yaml" \
		    ITSM_NOW=2026-11-28T09:00:00Z LC_ALL=C.UTF-8 ITSM_ACTOR=alice
		unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR COLUMNS ITSM_HOOKS_DIR
		mkdir -p "$HOME" "$BATS_FILE_TMPDIR/build"
		cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
		A=$RICH_DB BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR/build OWN_DB=
		build_rich_db
	)
	[ "$(db_sql 'SELECT count(*) FROM tickets' "$RICH_DB")" = 11 ]
}

# rich_db: $A is a copy of the rich database (its ServiceNow log, as
# imported, in $BATS_TEST_TMPDIR/sn.csv); ITSM_DB the test's own.
rich_db() {
	A=$(db_new a "$RICH_DB")
	servicenow_csv >"$BATS_TEST_TMPDIR/sn.csv"
	export ITSM_DB=$OWN_DB
}

# every_kind DB: fails unless DB holds every kind of event, every status
# and every part of the store and of the dossiers that rich_db makes.
every_kind() {
	local kinds want
	kinds=$(db_in "$1" "SELECT DISTINCT kind FROM events ORDER BY kind" |
	    paste -sd' ')
	want="assign cancel categorize close escalate escalate-managers hold major-action major-comms major-declare major-end major-handover major-link major-propose major-reject major-review major-roster major-update note open prioritize redirect reject release reopen resolve start update"
	if [ "$kinds" != "$want" ]; then
		printf 'kinds of events:\n  %s\nexpected:\n  %s\n' "$kinds" "$want" >&2
		return 1
	fi
	[ "$(db_in "$1" "SELECT DISTINCT status FROM tickets ORDER BY status" |
	    paste -sd,)" = \
	    "cancelled,closed,in_progress,new,on_hold,redirected,resolved" ]
	[ "$(db_in "$1" "SELECT count(*) FROM tickets WHERE
	    stagnant_escalated_at IS NOT NULL AND breach_escalated_at IS NOT NULL")" -ge 1 ]
	[ "$(db_in "$1" "SELECT count(*) FROM tickets WHERE auto_closed = 1")" -ge 1 ]
	[ "$(db_in "$1" "SELECT hold_reason FROM tickets WHERE hold_reason IS NOT NULL
	    ORDER BY id" | paste -sd,)" = "user,vendor" ]
	[ "$(db_in "$1" "SELECT ext_ref FROM tickets WHERE ext_ref IS NOT NULL")" = INC0000045 ]
	[ "$(db_in "$1" "SELECT count(*) FROM tickets WHERE parent IS NOT NULL")" = 1 ]
	[ "$(db_in "$1" "SELECT count(*) FROM events WHERE recorded_at != at")" -ge 1 ]
	[ "$(db_in "$1" "SELECT state FROM majors ORDER BY ticket" |
	    paste -sd,)" = "proposed,ended,rejected" ]
	[ "$(db_in "$1" "SELECT name || ' ' || role FROM major_roster ORDER BY name" |
	    paste -sd,)" = "hal commander,ida communications" ]
	[ "$(db_in "$1" "SELECT count(*) FROM major_findings")" = 4 ]
	[ "$(db_in "$1" "SELECT count(*) FROM major_actions WHERE done_at IS NOT NULL")" = 1 ]
}

# same_tables DB1 DB2: every row of the tickets and the dossiers, and
# every event but its row id, are the same in both databases.
same_tables() {
	local q t
	for q in "SELECT * FROM tickets ORDER BY id" \
	    "SELECT ticket, at, recorded_at, actor, login, kind, field, old, new, message FROM events ORDER BY ticket, id" \
	    "SELECT * FROM majors ORDER BY ticket" \
	    "SELECT * FROM major_roster ORDER BY ticket, name" \
	    "SELECT ticket, kind, text, at FROM major_findings ORDER BY id" \
	    "SELECT * FROM major_actions ORDER BY ticket, n" \
	    "$(if on_pg; then echo "SELECT sequencename, last_value FROM pg_sequences ORDER BY 1"
	    else echo "SELECT * FROM sqlite_sequence"; fi)"; do
		if [ "$(db_in "$1" "$q")" != "$(db_in "$2" "$q")" ]; then
			echo "differs: $q" >&2
			diff <(db_in "$1" "$q") <(db_in "$2" "$q") >&2 || true
			return 1
		fi
	done
}

@test "round trip: export, import into an empty database, export: the same bytes" {
	rich_db
	every_kind "$A"
	in_db "$A" export >"$BATS_TEST_TMPDIR/a.jsonl"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/a.jsonl")" = 11 ]
	run --separate-stderr in_db "$B" import "$BATS_TEST_TMPDIR/a.jsonl"
	assert_status 0
	assert_stderr ""
	assert_output "imported 11 tickets and $(db_in "$A" 'SELECT count(*) FROM events') events from 11 lines"
	in_db "$B" export >"$BATS_TEST_TMPDIR/b.jsonl"
	cmp "$BATS_TEST_TMPDIR/a.jsonl" "$BATS_TEST_TMPDIR/b.jsonl"
	# Not only the export: the rows themselves.
	every_kind "$B"
	same_tables "$A" "$B"
}

@test "round trip: show --json is the same in both databases, refs and numbers too" {
	rich_db
	in_db "$A" export | in_db "$B" import - >/dev/null
	local ref
	for ref in INC-1 2 REQ-3 CHG-4 INC-5 6 INC-7 8 9 10 INC0000045; do
		if [ "$(in_db "$A" show "$ref" --json)" != \
		    "$(in_db "$B" show "$ref" --json)" ]; then
			echo "show $ref --json differs" >&2
			return 1
		fi
	done
	# The imported number is still a ref after the round trip.
	ITSM_DB=$B ticket_is INC0000045 '[.id, .status, .caller]' \
	    '[11,"on_hold","Caller 2403"]'
	# The major incident's report, built from the dossier, is the same.
	[ "$(in_db "$A" major report 5)" = "$(in_db "$B" major report 5)" ]
	[ "$(in_db "$A" major status 5)" = "$(in_db "$B" major status 5)" ]
	# The next ticket opened gets the next id in both.
	[ "$(in_db "$A" open "After" --caller x)" = INC-12 ]
	[ "$(in_db "$B" open "After" --caller x)" = INC-12 ]
}

@test "the round trip catches a difference: one field changed after the import" {
	rich_db
	in_db "$A" export >"$BATS_TEST_TMPDIR/a.jsonl"
	in_db "$B" import "$BATS_TEST_TMPDIR/a.jsonl" >/dev/null
	db_in "$B" "UPDATE major_actions SET owner = 'ida' WHERE n = 1"
	in_db "$B" export >"$BATS_TEST_TMPDIR/b.jsonl"
	run cmp -s "$BATS_TEST_TMPDIR/a.jsonl" "$BATS_TEST_TMPDIR/b.jsonl"
	[ "$status" = 1 ]
	run same_tables "$A" "$B"
	[ "$status" = 1 ]
}

@test "an id that exists already: 65, the line named, the database unchanged" {
	rich_db
	in_db "$A" export >"$BATS_TEST_TMPDIR/a.jsonl"
	# B holds ticket 3 only: lines 1 and 2 import, line 3 does not.
	sed -n 3p "$BATS_TEST_TMPDIR/a.jsonl" | in_db "$B" import - >/dev/null
	export ITSM_DB=$B
	before=$(db_digest)
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/a.jsonl"
	assert_rejected 65 "/a\.jsonl:3: ticket 3 exists already$" "$before"
	run --separate-stderr itsm show 1
	assert_status 66
	# Importing the same export twice is refused the same way.
	run --separate-stderr in_db "$A" import "$BATS_TEST_TMPDIR/a.jsonl"
	assert_status 65
	assert_one_line_error "a\.jsonl:1: ticket 1 exists already$"
}

@test "a ServiceNow number that exists already is refused (65), the database unchanged" {
	rich_db
	export ITSM_DB=$A
	before=$(db_digest)
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/sn.csv"
	assert_rejected 65 "sn\.csv:2: INC0000045 appears again .* or was imported before" "$before"
	# And a JSON line whose number another ticket has.
	printf '%s\n' '{"id":50,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","store":{"ext_ref":"INC0000045"}}' \
	    >"$BATS_TEST_TMPDIR/dup.jsonl"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/dup.jsonl"
	assert_rejected 65 "dup\.jsonl:1: .*ext_ref" "$before"
}

@test "standard input (-), gzip, and gzip on standard input" {
	rich_db
	in_db "$A" export >"$BATS_TEST_TMPDIR/a.jsonl"
	gzip -c "$BATS_TEST_TMPDIR/a.jsonl" >"$BATS_TEST_TMPDIR/a.jsonl.gz"
	local n db
	n=$(db_in "$A" 'SELECT count(*) FROM events')
	local -a d
	for db in 1 2 3 4; do
		d[db]=$(db_new "$db")
	done
	run --separate-stderr in_db "${d[1]}" import - <"$BATS_TEST_TMPDIR/a.jsonl"
	assert_status 0
	assert_output "imported 11 tickets and $n events from 11 lines"
	run --separate-stderr in_db "${d[2]}" import "$BATS_TEST_TMPDIR/a.jsonl.gz"
	assert_status 0
	assert_output "imported 11 tickets and $n events from 11 lines"
	run --separate-stderr in_db "${d[3]}" import - <"$BATS_TEST_TMPDIR/a.jsonl.gz"
	assert_status 0
	assert_output "imported 11 tickets and $n events from 11 lines"
	# A gzip file need not be named .gz.
	cp "$BATS_TEST_TMPDIR/a.jsonl.gz" "$BATS_TEST_TMPDIR/backup"
	run --separate-stderr in_db "${d[4]}" import --format jsonl "$BATS_TEST_TMPDIR/backup"
	assert_status 0
	for db in 1 2 3 4; do
		in_db "${d[db]}" export | cmp - "$BATS_TEST_TMPDIR/a.jsonl"
	done
}

@test "blank lines are nothing; an empty file imports nothing (the export of an empty database)" {
	itsm list >/dev/null
	itsm export >"$BATS_TEST_TMPDIR/empty.jsonl"
	[ ! -s "$BATS_TEST_TMPDIR/empty.jsonl" ]
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/empty.jsonl"
	assert_status 0
	assert_output "imported 0 tickets and 0 events from 0 lines"
	assert_stderr ""
	printf '\n  \n{"id":7,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}\n\n' \
	    >"$BATS_TEST_TMPDIR/blank.jsonl"
	run --separate-stderr itsm import - <"$BATS_TEST_TMPDIR/blank.jsonl"
	assert_status 0
	assert_output "imported 1 ticket and 0 events from 4 lines"
	ticket_is INC-7 '[.status, .summary, .caller, .affected, .opened_at, .updated_at]' \
	    '["new","s","c","c","2026-01-01T00:00:00Z","2026-01-01T00:00:00Z"]'
}

@test "--json gives the summary as an object; -q prints nothing" {
	rich_db
	in_db "$A" export >"$BATS_TEST_TMPDIR/a.jsonl"
	run --separate-stderr in_db "$B" import "$BATS_TEST_TMPDIR/a.jsonl" --json
	assert_status 0
	jq_is . "{\"lines\":11,\"tickets\":11,\"events\":$(db_in "$A" 'SELECT count(*) FROM events'),\"skipped\":0}"
	local c
	c=$(db_new c)
	run --separate-stderr in_db "$c" -q import "$BATS_TEST_TMPDIR/a.jsonl"
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(db_in "$c" 'SELECT count(*) FROM tickets')" = 11 ]
}

@test "progress on standard error only when it is a terminal" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	seq 12000 | awk '{ printf "{\"id\":%d,\"summary\":\"s%d\",\"caller\":\"c\",\"opened_at\":\"2026-01-01T00:00:00Z\"}\n", $1, $1 }' \
	    >"$BATS_TEST_TMPDIR/many.jsonl"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/many.jsonl"
	assert_status 0
	assert_output "imported 12000 tickets and 0 events from 12000 lines"
	assert_stderr ""
	# On a terminal (standard output to a file): a line counter.
	local cmd
	cmd=$(printf '%q ' env ITSM_DB="$(db_new tty)" "$ITSM" import "$BATS_TEST_TMPDIR/many.jsonl")
	output=$(script -qec "$cmd >$(printf %q "$BATS_TEST_TMPDIR/out")" /dev/null </dev/null)
	[[ "$output" == *"itsm: importing $BATS_TEST_TMPDIR/many.jsonl: 10000 lines"* ]]
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "imported 12000 tickets and 0 events from 12000 lines" ]
}

@test "a line that is JSON but not a ticket: 65, the line and the member named" {
	itsm open "Existing" --caller x >/dev/null
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.jsonl ok='{"id":20,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}'
	printf '%s\n%s\n' "$ok" '[1,2]' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: not a JSON object$" "$before"
	printf '%s\n%s\n' "$ok" '{"summary":"no id","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: no positive integer \"id\"$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":"21","summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: no positive integer \"id\"$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"summary":"s","caller":"c","opened_at":"yesterday"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: \"opened_at\" is not an ISO 8601 time$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"caller":"c","opened_at":"2026-01-01T00:00:00Z"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: .*summary" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","status":"open"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: unknown \"status\" 'open' \(expected new, in_progress, on_hold, resolved, closed, redirected or cancelled\)$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","type":"Incident"}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: unknown \"type\" 'Incident' \(expected incident, request or change\)$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","status":7}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: \"status\" must be a text \(new, in_progress, on_hold, resolved, closed, redirected or cancelled\)$" "$before"
	printf '%s\n%s\n' "$ok" '{"id":21,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","major":2}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.jsonl:2: \"major\" must be true or false$" "$before"
}

@test "a parent may come after its child; one that never comes: 65, the child's line" {
	itsm open "Existing" --caller x >/dev/null
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/kids.jsonl
	printf '%s\n' \
	    '{"id":20,"summary":"parent","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' \
	    '{"id":21,"summary":"orphan","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":99}' \
	    '{"id":22,"summary":"child","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":20}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "kids\.jsonl:2: parent 99 is neither in the file nor in the database$" "$before"
	# The child first, its parent on a later line, another on a ticket
	# of the database: all imported.
	printf '%s\n' \
	    '{"id":31,"summary":"child","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":32}' \
	    '{"id":32,"summary":"parent","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' \
	    '{"id":33,"summary":"child of 1","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":1}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	assert_output "imported 3 tickets and 0 events from 3 lines"
	ticket_is 31 .parent 32
	ticket_is 33 .parent 1
}

@test "the progress line escapes the file's name as every message does: no control character reaches the terminal (issue 11)" {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	local f=$BATS_TEST_TMPDIR/$'many\e]0;pwned\a\r.jsonl'
	seq 10000 | awk '{ printf "{\"id\":%d,\"summary\":\"s%d\",\"caller\":\"c\",\"opened_at\":\"2026-01-01T00:00:00Z\"}\n", $1, $1 }' >"$f"
	local cmd
	cmd=$(printf '%q ' env ITSM_DB="$(db_new tty)" "$ITSM" import "$f")
	output=$(script -qec "$cmd >$(printf %q "$BATS_TEST_TMPDIR/out")" /dev/null </dev/null)
	[[ "$output" == *"itsm: importing $BATS_TEST_TMPDIR/many\\x1b]0;pwned\\x07\\r.jsonl: 10000 lines"* ]]
	# Nothing raw: no ESC, no BEL (the terminal's own CR LF aside).
	! printf '%s' "$output" | grep -q $'[\e\a]' || false
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = "imported 10000 tickets and 0 events from 10000 lines" ]
}

@test "times in every form imports read, and a dossier's lists read as they always were (issue 12: read in C, not by the engine)" {
	local f=$BATS_TEST_TMPDIR/forms.jsonl
	# A zone, a Julian day, a day past the month's end, a time of day
	# alone, the hour 24, a fraction rounded to the millisecond; lists
	# that are objects (findings by name) or a text holding JSON.
	printf '%s\n' '{"id":40,"summary":"s","caller":"c","opened_at":"2026-01-01 10:00 +02:00","events":[{"at":2461041.75,"actor":"a","kind":"note"}],"crisis":{"state":"active","proposed_at":"2026-02-30","declared_at":"10:00","roster":{"k":{"name":"ann","role":"commander","since":"2026-01-01T24:00"}},"findings":{"b":{"kind":"factor","text":"t1","at":"2026-01-01"},"a":{"kind":"lucky","text":"t2","at":"2026-01-02"}},"actions":"{\"n\":3,\"text\":\"t\",\"owner\":\"o\",\"due\":\"2026-01-01T00:00:59.9996Z\"}"}}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	output=$(itsm export)
	jq_is '[.opened_at, .events[0].at]' '["2026-01-01T08:00:00Z","2026-01-01T06:00:00Z"]'
	jq_is '.crisis | [.proposed_at, .declared_at, .roster[0].since]' '["2026-03-02T00:00:00Z","2000-01-01T10:00:00Z","2026-01-02T00:00:00Z"]'
	jq_is '.crisis | [.findings[].text, .actions[0].n, .actions[0].due]' '["t2","t1",3,"2026-01-01T00:01:00Z"]'
	# A text that should hold JSON and does not: 70, nothing imported.
	before=$(db_digest)
	printf '%s\n' '{"id":41,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","crisis":{"state":"active","actions":{"q":"[1,2"}}}' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 70 "cannot import: malformed JSON$" "$before"
}
