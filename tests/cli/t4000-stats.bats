#!/usr/bin/env bats
# itsm stats: every figure of itsm-stats(1) on a small worked history,
# exactly, in tsv and JSON; --by; the period's boundaries; the terminal
# report and its bars; bad input.

load helper

# at TIME: the clock of the next commands.
at() {
	export ITSM_NOW=$1
}

# build_history: four tickets worked over two days, the figures below known by
# hand.  INC-1 P1 software: answered, 2h on hold, resolved after 2h of
# clock, closed with 4.  INC-2 P5 hardware: untouched, late to answer.
# INC-3 P3: escalated (reassigned), answered late by its resolution
# after 3h.  INC-4 P4 by phone: answered, resolved after 1h, closed with 5
# and reopened.  Ends at 2026-11-04T09:00:00Z.
build_history() {
	at 2026-11-02T08:00:00Z
	open_ticket "Mail down" --caller ann --impact high --urgency high \
	    --type incident --category software
	open_ticket "Printer jam" --caller bob --impact low --urgency low \
	    --type incident --category hardware
	open_ticket "VPN slow" --caller cat --impact medium --urgency medium
	at 2026-11-02T08:10:00Z
	itsm note INC-1 -m looking >/dev/null
	at 2026-11-02T08:30:00Z
	itsm escalate INC-3 -m deeper >/dev/null
	at 2026-11-02T09:00:00Z
	itsm hold INC-1 --reason vendor -m parts >/dev/null
	at 2026-11-02T11:00:00Z
	itsm hold INC-1 --release >/dev/null
	itsm resolve INC-3 --workaround -m restart >/dev/null
	at 2026-11-02T12:00:00Z
	itsm resolve INC-1 --permanent -m fixed >/dev/null
	at 2026-11-02T12:30:00Z
	itsm close INC-1 --confirmed --satisfaction 4 >/dev/null
	at 2026-11-03T08:00:00Z
	open_ticket "Wifi drops" --caller dan --impact medium --urgency low \
	    --channel phone
	at 2026-11-03T08:30:00Z
	itsm note INC-4 -m looking >/dev/null
	at 2026-11-03T09:00:00Z
	itsm resolve INC-4 --permanent -m fixed >/dev/null
	at 2026-11-03T09:30:00Z
	itsm close INC-4 --confirmed --satisfaction 5 >/dev/null
	at 2026-11-03T10:00:00Z
	itsm reopen INC-4 -m "not fixed" >/dev/null
	at 2026-11-04T09:00:00Z
}

# The history, built once for the file (as setup would for a test: the
# default policy, no hooks) and copied by each test that needs it.
setup_file() {
	HISTORY_DB=$(db_fixture history)
	export HISTORY_DB
	(
		export HOME="$BATS_FILE_TMPDIR/home" ITSM_DB="$HISTORY_DB" \
		    ITSM_CONFIG="$BATS_FILE_TMPDIR/policy.yaml" LC_ALL=C.UTF-8
		unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS \
		    ITSM_HOOKS_DIR
		mkdir -p "$HOME"
		cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
		build_history
	) >/dev/null
	[ "$(db_sql 'SELECT count(*) FROM tickets' "$HISTORY_DB")" = 4 ]
}

# history: this test's database is the history, its clock at its end.
history() {
	db_restore "$HISTORY_DB"
	at 2026-11-04T09:00:00Z
}

# The lines of tsv (no group) for figures with no ticket at all.
EMPTY='opened	(all)	0
closed	(all)	0
backlog	(all)	0
resolved	(all)	0
resolve_time.count	(all)	0
resolve_time.median	(all)	
resolve_time.p90	(all)	
resolve_time.by_priority.P1.count	(all)	0
resolve_time.by_priority.P1.median	(all)	
resolve_time.by_priority.P1.p90	(all)	
resolve_time.by_priority.P2.count	(all)	0
resolve_time.by_priority.P2.median	(all)	
resolve_time.by_priority.P2.p90	(all)	
resolve_time.by_priority.P3.count	(all)	0
resolve_time.by_priority.P3.median	(all)	
resolve_time.by_priority.P3.p90	(all)	
resolve_time.by_priority.P4.count	(all)	0
resolve_time.by_priority.P4.median	(all)	
resolve_time.by_priority.P4.p90	(all)	
resolve_time.by_priority.P5.count	(all)	0
resolve_time.by_priority.P5.median	(all)	
resolve_time.by_priority.P5.p90	(all)	
response.met	(all)	0
response.breached	(all)	0
response.compliance	(all)	
resolution.met	(all)	0
resolution.breached	(all)	0
resolution.compliance	(all)	
fcr.count	(all)	0
fcr.rate	(all)	
reassignment.count	(all)	0
reassignment.total	(all)	0
reassignment.rate	(all)	
reassignment.mean	(all)	
reopen.count	(all)	0
reopen.rate	(all)	
satisfaction.count	(all)	0
satisfaction.mean	(all)	
satisfaction.distribution.1	(all)	0
satisfaction.distribution.2	(all)	0
satisfaction.distribution.3	(all)	0
satisfaction.distribution.4	(all)	0
satisfaction.distribution.5	(all)	0'

# The history's figures, every one.
HISTORY='opened	(all)	4
closed	(all)	1
backlog	(all)	2
resolved	(all)	2
resolve_time.count	(all)	2
resolve_time.median	(all)	7200
resolve_time.p90	(all)	10800
resolve_time.by_priority.P1.count	(all)	1
resolve_time.by_priority.P1.median	(all)	7200
resolve_time.by_priority.P1.p90	(all)	7200
resolve_time.by_priority.P2.count	(all)	0
resolve_time.by_priority.P2.median	(all)	
resolve_time.by_priority.P2.p90	(all)	
resolve_time.by_priority.P3.count	(all)	1
resolve_time.by_priority.P3.median	(all)	10800
resolve_time.by_priority.P3.p90	(all)	10800
resolve_time.by_priority.P4.count	(all)	0
resolve_time.by_priority.P4.median	(all)	
resolve_time.by_priority.P4.p90	(all)	
resolve_time.by_priority.P5.count	(all)	0
resolve_time.by_priority.P5.median	(all)	
resolve_time.by_priority.P5.p90	(all)	
response.met	(all)	2
response.breached	(all)	2
response.compliance	(all)	0.5
resolution.met	(all)	2
resolution.breached	(all)	0
resolution.compliance	(all)	1
fcr.count	(all)	1
fcr.rate	(all)	0.5
reassignment.count	(all)	1
reassignment.total	(all)	1
reassignment.rate	(all)	0.25
reassignment.mean	(all)	0.25
reopen.count	(all)	1
reopen.rate	(all)	0.25
satisfaction.count	(all)	1
satisfaction.mean	(all)	4
satisfaction.distribution.1	(all)	0
satisfaction.distribution.2	(all)	0
satisfaction.distribution.3	(all)	0
satisfaction.distribution.4	(all)	1
satisfaction.distribution.5	(all)	0'

# metric NAME: the "group<TAB>value" of every line of $output named NAME.
metric() {
	printf '%s\n' "$output" | awk -F '\t' -v m="$1" \
	    '$1 == m { print $2 "\t" $3 }'
}

@test "an empty database: every figure, zero or without a value" {
	run --separate-stderr itsm stats
	assert_status 0
	assert_output "$EMPTY"
	assert_stderr ""
}

@test "tsv: every figure of a worked history, exactly" {
	history
	run --separate-stderr itsm stats
	assert_status 0
	assert_output "$HISTORY"
	run --separate-stderr itsm stats --format tsv
	assert_output "$HISTORY"
}

@test "time to resolve is on the SLA clock: the hold is left out" {
	history
	# INC-1 was opened at 08:00 and resolved at 12:00, 2h of it on hold.
	run --separate-stderr itsm stats --by priority
	[ "$(metric resolve_time.by_priority.P1.median | head -n 1)" = \
	    "$(printf '(all)\t7200')" ]
	# The same time as the SLA clocks of "itsm show".
	run --separate-stderr itsm show INC-1 --format table
	[[ $output == *"clock ran           2h, stopped 2h"* ]]
}

@test "JSON: one object with every figure" {
	history
	run --separate-stderr itsm stats --json
	assert_status 0
	[ "${#lines[@]}" = 1 ]
	jq_is '[.since, .until, .by, .groups]' '[null,null,null,[]]'
	jq_is '.total' '{"opened":4,"closed":1,"backlog":2,"resolved":2,"resolve_time":{"count":2,"median":7200,"p90":10800,"by_priority":{"P1":{"count":1,"median":7200,"p90":7200},"P2":{"count":0,"median":null,"p90":null},"P3":{"count":1,"median":10800,"p90":10800},"P4":{"count":0,"median":null,"p90":null},"P5":{"count":0,"median":null,"p90":null}}},"response":{"met":2,"breached":2,"compliance":0.5},"resolution":{"met":2,"breached":0,"compliance":1},"fcr":{"count":1,"rate":0.5},"reassignment":{"count":1,"total":1,"rate":0.25,"mean":0.25},"reopen":{"count":1,"rate":0.25},"satisfaction":{"count":1,"mean":4,"distribution":{"1":0,"2":0,"3":0,"4":1,"5":0}}}'
	run --separate-stderr itsm stats --format json
	jq_is '.total.opened' '4'
	run --separate-stderr itsm stats --format jsonl
	[ "${#lines[@]}" = 1 ]
	jq_is '.total.fcr.rate' '0.5'
	run --separate-stderr itsm --json stats
	jq_is '.total.backlog' '2'
}

@test "each tsv metric is the path of its value in the JSON object" {
	local json tsv bad
	history
	json=$(itsm stats --by category --json)
	tsv=$(itsm stats --by category)
	# Each tsv line METRIC, GROUP, VALUE against the JSON, in one jq: the
	# group's object (exactly one), the value at the path METRIC.
	bad=$(jq -r --arg tsv "$tsv" '
	    . as $j | $tsv | split("\n")[] | split("\t") as [$m, $g, $v] |
	    [$j | if $g == "(all)" then .total else (.groups[] |
	    select((.value // "(none)") == $g)) end |
	    getpath($m | split(".")) | if . == null then "" else tostring end]
	    as $want |
	    select($want != [$v]) | "\($m) \($g): tsv \($v | tojson), json \($want)"
	    ' <<<"$json")
	if [ -n "$bad" ]; then
		echo "$bad" >&2
		return 1
	fi
	# The total and three groups, 43 figures each.
	[ "$(printf '%s\n' "$tsv" | wc -l)" = $((4 * 43)) ]
}

@test "--by category: the policy's order, then (none); the groups add up" {
	history
	run --separate-stderr itsm stats --by category
	assert_status 0
	[ "$(metric opened)" = "$(printf '(all)\t4\nhardware\t1\nsoftware\t1\n(none)\t2')" ]
	[ "$(metric backlog)" = "$(printf '(all)\t2\nhardware\t1\nsoftware\t0\n(none)\t1')" ]
	[ "$(metric resolve_time.median)" = "$(printf '(all)\t7200\nhardware\t\nsoftware\t7200\n(none)\t10800')" ]
	[ "$(metric fcr.rate)" = "$(printf '(all)\t0.5\nhardware\t\nsoftware\t1\n(none)\t0')" ]
	[ "$(metric satisfaction.mean)" = "$(printf '(all)\t4\nhardware\t\nsoftware\t4\n(none)\t')" ]
	# Each group lists the same priorities.
	[ "$(metric resolve_time.by_priority.P5.count)" = "$(printf '(all)\t0\nhardware\t0\nsoftware\t0\n(none)\t0')" ]
	run --separate-stderr itsm stats --by Category --json
	jq_is '.by' '"category"'
	jq_is '[.groups[].value]' '["hardware","software",null]'
	jq_is '[.groups[].opened] | add' '4'
	jq_is '.groups[2].resolve_time.by_priority.P3' '{"count":1,"median":10800,"p90":10800}'
}

@test "--by priority, group, tier and channel" {
	history
	run --separate-stderr itsm stats --by priority
	[ "$(metric opened)" = "$(printf '(all)\t4\nP1\t1\nP3\t1\nP4\t1\nP5\t1')" ]
	[ "$(metric response.compliance)" = "$(printf '(all)\t0.5\nP1\t1\nP3\t0\nP4\t1\nP5\t0')" ]
	run --separate-stderr itsm stats --by group
	[ "$(metric opened)" = "$(printf '(all)\t4\nservice-desk\t3\nsupport-l2\t1')" ]
	[ "$(metric fcr.count)" = "$(printf '(all)\t1\nservice-desk\t1\nsupport-l2\t0')" ]
	[ "$(metric reassignment.rate)" = "$(printf '(all)\t0.25\nservice-desk\t0\nsupport-l2\t1')" ]
	run --separate-stderr itsm stats --by tier
	[ "$(metric resolved)" = "$(printf '(all)\t2\nN1\t1\nN2\t1')" ]
	run --separate-stderr itsm stats --by channel
	[ "$(metric opened)" = "$(printf '(all)\t4\nphone\t1\n(none)\t3')" ]
	[ "$(metric reopen.rate)" = "$(printf '(all)\t0.25\nphone\t1\n(none)\t0')" ]
}

@test "--since and --until: opened in [since, until), backlog at until" {
	history
	# Opened from the second day: INC-4 only; INC-1 closed the day before.
	run --separate-stderr itsm stats --since 2026-11-03
	[ "$(metric opened)" = "$(printf '(all)\t1')" ]
	[ "$(metric closed)" = "$(printf '(all)\t0')" ]
	[ "$(metric backlog)" = "$(printf '(all)\t2')" ]
	[ "$(metric reopen.rate)" = "$(printf '(all)\t1')" ]
	# The second day begins at since: included.
	run --separate-stderr itsm stats --since 2026-11-03T08:00:00Z
	[ "$(metric opened)" = "$(printf '(all)\t1')" ]
	run --separate-stderr itsm stats --since 2026-11-03T08:00:01Z
	[ "$(metric opened)" = "$(printf '(all)\t0')" ]
	# Until INC-1's resolution at 12:00, excluded: it is in the backlog.
	run --separate-stderr itsm stats --until 2026-11-02T12:00:00Z
	[ "$(metric opened)" = "$(printf '(all)\t3')" ]
	[ "$(metric backlog)" = "$(printf '(all)\t2')" ]
	run --separate-stderr itsm stats --until 2026-11-02T12:00:01Z
	[ "$(metric backlog)" = "$(printf '(all)\t1')" ]
	# Closed in the period: INC-1 at 12:30.
	run --separate-stderr itsm stats --since 2026-11-02T12:30:00Z \
	    --until 2026-11-02T12:30:01Z
	[ "$(metric opened)" = "$(printf '(all)\t0')" ]
	[ "$(metric closed)" = "$(printf '(all)\t1')" ]
	[ "$(metric backlog)" = "$(printf '(all)\t1')" ]	# INC-2
	run --separate-stderr itsm stats --until 2026-11-02T12:30:00Z
	[ "$(metric closed)" = "$(printf '(all)\t0')" ]
	# A duration back from now, shown in JSON as the time it names.
	run --separate-stderr itsm stats --since -2d --until now --json
	jq_is '[.since, .until, .total.opened]' \
	    '["2026-11-02T09:00:00Z","2026-11-04T09:00:00Z",1]'
}

@test "csv: a header, then the tsv lines" {
	history
	run --separate-stderr itsm stats --by category --format csv
	assert_status 0
	[ "${lines[0]}" = "metric,group,value" ]
	[ "${lines[1]}" = "opened,(all),4" ]
	[ "${#lines[@]}" = $((1 + 4 * 43)) ]
	[[ $output == *$'\nopened,(none),2\n'* ]]
}

@test "table: a report with bars of blocks, '#' outside UTF-8, no colour off a terminal" {
	history
	export COLUMNS=80
	run --separate-stderr itsm stats --format table
	assert_status 0
	assert_no_control_bytes
	[ "${lines[0]}" = "Tickets opened at any time, as of 2026-11-04T09:00:00Z" ]
	[[ $output == *'
Volumes
  opened    4  ██████████████████████████████████████████████████
  closed    1  ████████████▌
  backlog   2  █████████████████████████
'* ]]
	[[ $output == *'  P1          1      2h   2h  █'* ]]
	[[ $output == *'  response      50.0%  ██'*'  2 of 4 met'* ]]
	[[ $output == *'Satisfaction: mean 4 of 5, 1 answer'* ]]
	LC_ALL=C run --separate-stderr itsm stats --format table
	[[ $output == *'  opened    4  ##################################################
  closed    1  #############
'* ]]
	[[ $output != *'█'* ]]
	run --separate-stderr itsm stats --format table --by group
	[[ $output == *'Volumes by group'* ]]
	[[ $output == *'  (all)'* ]]
	[[ $output == *'First-contact resolution by group'* ]]
}

# on_tty ARGS...: runs itsm ARGS on a pseudo-terminal (script(1)).
on_tty() {
	command -v script >/dev/null || skip "no script(1) to make a terminal"
	local cmd
	cmd=$(printf '%q ' "$ITSM" "$@")
	output=$(script -qec "$cmd" /dev/null </dev/null | tr -d '\r'
	    exit "${PIPESTATUS[0]}")
	status=$?
}

@test "on a terminal: the report, in colour unless NO_COLOR or --no-color" {
	history
	on_tty stats
	assert_status 0
	[[ $output == *'Volumes'* ]]
	[[ $output == *$'\e[1m'* ]]
	[[ $output == *$'\e[36m'* ]]
	on_tty stats --no-color
	[[ $output == *'Volumes'* ]]
	[[ $output != *$'\e'* ]]
	NO_COLOR=1 on_tty stats
	[[ $output == *'Volumes'* ]]
	[[ $output != *$'\e'* ]]
	on_tty stats --json
	[[ $output != *$'\e'* ]]
	jq_is '.total.opened' '4'
}

@test "stats writes nothing" {
	history
	local before
	before=$(db_digest)
	run --separate-stderr itsm stats --by group --json
	assert_status 0
	assert_unchanged "$before"
}

@test "bad input: one line on stderr, nothing on stdout, the database unchanged" {
	history
	local before
	before=$(db_digest)
	run --separate-stderr itsm stats --by assignee
	assert_rejected 65 "unknown --by value 'assignee' \(expected priority, group, category, channel or tier\)$" "$before"
	run --separate-stderr itsm stats --by ''
	assert_rejected 65 "unknown --by value ''" "$before"
	run --separate-stderr itsm stats --since tomorrow
	assert_rejected 65 "invalid time 'tomorrow'" "$before"
	run --separate-stderr itsm stats --until 2026-13-01
	assert_rejected 65 "invalid time '2026-13-01'" "$before"
	run --separate-stderr itsm stats --since 2026-11-03 --until 2026-11-03
	assert_rejected 65 "the period is empty: --since must be before --until" "$before"
	run --separate-stderr itsm stats --since 2026-11-04 --until 2026-11-03
	assert_rejected 65 "the period is empty" "$before"
	run --separate-stderr itsm stats INC-1
	assert_rejected 64 "unexpected argument 'INC-1' \(see 'itsm stats -h'\)$" "$before"
	run --separate-stderr itsm stats --by
	assert_rejected 64 "option --by needs a value" "$before"
	run --separate-stderr itsm stats --since -1d --since -2d
	assert_rejected 64 "option --since given twice" "$before"
	run --separate-stderr itsm stats --group service-desk
	assert_rejected 64 "unknown option '--group'" "$before"
}

@test "-h prints the usage of itsm-stats(1)" {
	run --separate-stderr itsm stats -h
	assert_status 0
	[ "${lines[0]}" = "usage: itsm stats [--since TIME] [--until TIME] [--by FIELD]" ]
}

# big_database: 25,000 tickets and 141,251 events in the shape of a
# real log (opened 10 minutes apart, holds, escalations, resolutions,
# closures, reopenings, satisfaction), written straight into the schema.
# The same database measures the speed (see itsm-stats(1)); no timing
# is asserted here.
big_database() {
	on_pg || : >"$ITSM_DB"	# an empty file is a new database
	itsm stats >/dev/null	# which gives it the schema
	db_sql <<'SQL'
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)
INSERT INTO tickets (id, type, status, summary, caller, affected, channel,
  category, impact, urgency, priority, priority_rank, tier, group_name,
  opened_at, updated_at, responded_at, resolved_at, closed_at, response_due,
  resolution_due, satisfaction, reopen_count, reassignment_count)
SELECT i, 'incident',
  CASE WHEN i % 10 = 0 THEN (CASE i % 3 WHEN 0 THEN 'new'
    WHEN 1 THEN 'in_progress' ELSE 'on_hold' END)
    WHEN i % 20 = 1 THEN 'resolved' ELSE 'closed' END,
  'summary ' || i, 'caller' || (i % 500), 'caller' || (i % 500),
  CASE i % 4 WHEN 0 THEN 'phone' WHEN 1 THEN 'email' WHEN 2 THEN 'portal' END,
  CASE i % 6 WHEN 0 THEN 'hardware' WHEN 1 THEN 'software'
    WHEN 2 THEN 'network' WHEN 3 THEN 'access' WHEN 4 THEN 'security' END,
  'medium', 'medium', 'P' || (1 + i % 5), 1 + i % 5,
  CASE WHEN i % 5 = 0 THEN 'N2' ELSE 'N1' END,
  CASE WHEN i % 5 = 0 THEN 'support-l2' ELSE 'service-desk' END,
  1767225600 + i * 600, 1767225600 + i * 600 + 7200,
  1767225600 + i * 600 + 600,
  CASE WHEN i % 10 = 0 THEN NULL
    ELSE 1767225600 + i * 600 + 3600 * (1 + i % 30) END,
  CASE WHEN i % 10 = 0 OR i % 20 = 1 THEN NULL
    ELSE 1767225600 + i * 600 + 3600 * (1 + i % 30) + 86400 END,
  1767225600 + i * 600 + 900 * (1 + i % 3),
  1767225600 + i * 600 + 3600 * (4 + i % 24),
  CASE WHEN i % 10 <> 0 AND i % 20 <> 1 AND i % 2 = 0 THEN 1 + i % 5 END,
  CASE WHEN i % 20 = 7 THEN 1 ELSE 0 END,
  CASE WHEN i % 4 = 0 THEN 1 + i % 3 ELSE 0 END
FROM n;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at, opened_at, 'gen', 'gen', 'open', 'status', 'new'
FROM tickets;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 600, opened_at + 600, 'gen', 'gen', 'start', 'status',
  'in_progress' FROM tickets WHERE status <> 'new';
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, message)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 700, opened_at + 700, 'gen', 'gen', 'note', 'looking'
FROM tickets;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, message)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 800, opened_at + 800, 'gen', 'gen', 'note', 'more'
FROM tickets WHERE id % 12 = 0;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 1200, opened_at + 1200, 'gen', 'gen', 'hold', 'status',
  'on_hold' FROM tickets WHERE id % 4 = 0 AND status <> 'new';
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 3000, opened_at + 3000, 'gen', 'gen', 'release',
  'status', 'in_progress' FROM tickets
WHERE id % 4 = 0 AND status NOT IN ('new', 'on_hold');
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 1000, opened_at + 1000, 'gen', 'gen', 'escalate',
  'tier', 'N2' FROM tickets WHERE id % 5 = 0;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, opened_at + 1000, opened_at + 1000, 'gen', 'gen', 'escalate',
  'group_name', 'support-l2' FROM tickets WHERE id % 5 = 0;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, resolved_at, resolved_at, 'gen', 'gen', 'resolve', 'status',
  'resolved' FROM tickets WHERE resolved_at IS NOT NULL;
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new)
SELECT (SELECT coalesce(max(id), 0) FROM events) + row_number() OVER (ORDER BY id), id, closed_at, closed_at, 'gen', 'gen', 'close', 'status', 'closed'
FROM tickets WHERE closed_at IS NOT NULL;
COMMIT;
SQL
	# SQLite's counter of ticket ids (PostgreSQL's engine reads max(id)).
	on_pg || db_sql "UPDATE sqlite_sequence SET seq = 25000 WHERE name = 'tickets'"
}

@test "25,000 tickets and 141,251 events: the figures agree with SQL and add up" {
	on_pg || command -v sqlite3 >/dev/null || skip "no sqlite3(1)"
	big_database
	[ "$(db_sql 'SELECT count(*) FROM events')" = 141251 ]
	run --separate-stderr itsm stats --by group --json
	assert_status 0
	jq_is '[.total.opened, .total.closed, .total.backlog, .total.resolved]' \
	    "[$(db_sql "SELECT count(*), count(closed_at),
	    sum(CASE WHEN status IN ('new', 'in_progress', 'on_hold') THEN 1 ELSE 0 END),
	    count(resolved_at) FROM tickets" | tr '|' ,)]"
	jq_is '[.groups[].value]' '["service-desk","support-l2"]'
	jq_is '.total.fcr.count' "$(db_sql "SELECT count(*)
	    FROM tickets t WHERE resolved_at IS NOT NULL AND tier = 'N1' AND
	    NOT EXISTS (SELECT 1 FROM events WHERE ticket = t.id AND
	    kind = 'escalate')")"
	jq_is '[.groups[].opened] | add' '25000'
	jq_is '([.groups[].resolve_time.count] | add) ==
	    .total.resolve_time.count' true
	jq_is '[.groups[].satisfaction.count] | add' '10000'
	# Each resolved ticket ran 1h to 30h from its opening, less the 30m
	# hold of one in four: the nearest ranks computed apart in SQL.
	local clock="SELECT 3600 * (1 + id % 30) - CASE WHEN id % 4 = 0 THEN 1800 ELSE 0 END AS s
	    FROM tickets WHERE resolved_at IS NOT NULL ORDER BY s LIMIT 1"
	jq_is '[.total.resolve_time.median, .total.resolve_time.p90]' \
	    "[$(db_sql "$clock OFFSET 11249"),$(db_sql \
	    "$clock OFFSET 20249")]"
	run --separate-stderr itsm stats --since 2026-03-01 --until 2026-04-01 \
	    --by priority
	assert_status 0
	[ "$(metric opened | head -n 1)" = "$(printf '(all)\t%s' \
	    "$(db_sql "SELECT count(*) FROM tickets WHERE
	    opened_at >= 1772323200 AND
	    opened_at < 1775001600")")" ]	# March 2026
}

# resolved N: N tickets resolved 1 minute to 14 hours after their opening
# (resolved_at - opened_at, in no order, each time about six times), P1
# to P5, two groups, no events: their clocks ran all along.
resolved() {
	db_reset		# (the second call's database is new, too)
	on_pg || : >"$ITSM_DB"	# an empty file is a new database
	itsm stats >/dev/null	# which gives it the schema
	db_sql <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO tickets (id, status, summary, caller, affected, priority,
  priority_rank, tier, group_name, opened_at, updated_at, responded_at,
  resolved_at, closed_at)
SELECT i, 'closed', 'summary', 'caller', 'caller', 'P' || (1 + i % 5),
  1 + i % 5, CASE WHEN i % 3 = 0 THEN 'N2' ELSE 'N1' END,
  CASE WHEN i % 3 = 0 THEN 'support-l2' ELSE 'service-desk' END,
  1700000000 + i * 60, 1700000000 + i * 60, 1700000000 + i * 60,
  1700000000 + i * 60 + 60 + (i * CAST(7919 AS bigint)) % 50021,
  1700000000 + i * 60 + 60 + (i * CAST(7919 AS bigint)) % 50021
FROM n;
COMMIT;
SQL
}

# rank_sql PCT WHERE: the nearest-rank percentile of the resolved
# tickets matching WHERE, computed apart in SQL.
rank_sql() {
	db_sql "SELECT resolved_at - opened_at AS s FROM tickets
	    WHERE $2 ORDER BY s LIMIT 1 OFFSET (SELECT ($1 * count(*) + 99) /
	    100 - 1 FROM tickets WHERE $2)"
}

@test "300,000 resolved tickets: exact percentiles, and no more memory than for 3,000" {
	on_pg || command -v sqlite3 >/dev/null || skip "no sqlite3(1)"
	need_peak
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/small.db"
	resolved 3000
	peak 3000 "$ITSM" stats --by group --json >/dev/null
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/big.db"
	resolved 300000
	peak 300000 "$ITSM" stats --by group --json >"$BATS_TEST_TMPDIR/big.json"
	# Kept in memory, the 300,000 times took 17 MiB more; now only the
	# caches grow: 2 MiB of times, then SQLite's page caches and sorter
	# (5.5 MiB in all).
	assert_flat_peak 3000 300000 "stats"
	output=$(cat "$BATS_TEST_TMPDIR/big.json")
	jq_is '.total.resolve_time.count' 300000
	jq_is '[.total.resolve_time.median, .total.resolve_time.p90]' \
	    "[$(rank_sql 50 '1 = 1'),$(rank_sql 90 '1 = 1')]"
	jq_is '.total.resolve_time.by_priority.P2.median' \
	    "$(rank_sql 50 "priority = 'P2'")"
	jq_is '.groups[0].resolve_time.p90' \
	    "$(rank_sql 90 "group_name = 'service-desk'")"
	jq_is '.groups[1].resolve_time.by_priority.P5 | [.count, .median, .p90]' \
	    "[20000,$(rank_sql 50 "group_name = 'support-l2' AND priority = 'P5'"),$(rank_sql 90 "group_name = 'support-l2' AND priority = 'P5'")]"
}

@test "first-contact resolution over imported tickets with no tier: no rate (null, empty, -), not 0 (issue 11)" {
	printf '%s\n' \
	    '{"id":1,"summary":"s","caller":"c","status":"closed","group":"Group 56","priority":"P3","opened_at":"2026-11-01T00:00:00Z","resolved_at":"2026-11-02T00:00:00Z","closed_at":"2026-11-03T00:00:00Z"}' \
	    '{"id":2,"summary":"t","caller":"c","status":"resolved","group":"Group 56","opened_at":"2026-11-01T00:00:00Z","resolved_at":"2026-11-02T00:00:00Z"}' \
	    >"$BATS_TEST_TMPDIR/in.jsonl"
	itsm import "$BATS_TEST_TMPDIR/in.jsonl" >/dev/null 2>&1
	run --separate-stderr itsm stats --since 2026-11-01 --json
	assert_status 0
	jq_is '[.total.resolved, .total.fcr]' '[2,{"count":0,"rate":null}]'
	run --separate-stderr itsm stats --since 2026-11-01 --format tsv
	printf '%s\n' "$output" | grep -qx "$(printf 'fcr.rate\t(all)\t')"
	run --separate-stderr itsm stats --since 2026-11-01 --format table
	printf '%s\n' "$output" | grep -Eq '^  first contact +- '
	# A ticket worked here has a tier: the rate is over it alone.
	itsm open "Printer" --caller d --impact low --urgency low >/dev/null
	itsm resolve 3 --workaround -m "restarted" >/dev/null
	run --separate-stderr itsm stats --since 2026-11-01 --json
	jq_is '[.total.resolved, .total.fcr]' '[3,{"count":1,"rate":1}]'
}
