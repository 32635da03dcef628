#!/usr/bin/env bats
# itsm import, what goes wrong (issue 5): one transaction, so a broken
# line in the middle leaves the database exactly as it was and the
# one-line message names FILE:LINE; unknown format, missing columns, lines
# that are not JSON, truncated or corrupt gzip (65), a file that cannot be
# read (74), usage errors (64).  And what must work: standard input, gzip
# for both formats, --format forcing a format.

load helper

LOG=$TOP/../shared/data/incident_event_log.csv.gz

HEADER='number,incident_state,reassignment_count,reopen_count,caller_id,opened_at,sys_updated_by,sys_updated_at,contact_type,category,subcategory,u_symptom,cmdb_ci,impact,urgency,priority,assignment_group,assigned_to,closed_code,resolved_at,closed_at'

# row NUMBER STATE TIME: one row of a ServiceNow log (21 fields).
row() {
	printf '%s,%s,0,0,Caller 1,1/3/2016 09:00,Updated by 1,%s,Phone,?,?,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 1,?,?,?,?\n' \
	    "$1" "$2" "$3"
}

# good_csv: three incidents, six rows, lines 2 to 7.
good_csv() {
	printf '%s\n' "$HEADER"
	row INC0000001 New "1/3/2016 09:01"
	row INC0000001 Active "1/3/2016 10:00"
	row INC0000002 New "2/3/2016 09:01"
	row INC0000002 Resolved "2/3/2016 12:00"
	row INC0000003 New "3/3/2016 09:01"
	row INC0000003 Active "3/3/2016 09:30"
}

# ticket_line ID: one line of JSON Lines, a ticket with one event.
ticket_line() {
	printf '{"id":%d,"summary":"ticket %d","caller":"c","opened_at":"2026-01-01T00:00:00Z","events":[{"at":"2026-01-01T00:00:00Z","actor":"a","kind":"open","field":"status","to":"new"}]}\n' "$1" "$1"
}

# good_jsonl: tickets 101 to 105, lines 1 to 5.
good_jsonl() {
	local i
	for i in 101 102 103 104 105; do
		ticket_line "$i"
	done
}

# seed: a database with two tickets (1 and 2) and their events.
seed() {
	open_ticket "Mail down" --caller ann --impact high --urgency high
	open_ticket "Printer jam" --caller bob
	itsm note 2 -m "paper" >/dev/null
}

# rejects_line LINE PATTERN: a file of LINE alone ($f) is refused: 65, the
# message "$f:1: PATTERN", the database as $before.
rejects_line() {
	printf '%s\n' "$1" >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1: $2" "$before"
}

# --- atomicity ---

@test "a JSON line broken in the middle: 65, FILE:LINE, the database exactly as before" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/broken.jsonl
	good_jsonl | sed '3s/.*/{"id":103,"summary":"cut here/' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:3: not a JSON object$" "$before"
	# Lines 1 and 2 were imported inside the transaction: gone with it.
	run --separate-stderr itsm show 101
	assert_status 66
	# The next id is still 3: the ids seen by the import left no trace.
	[ "$(itsm open "Next" --caller x)" = INC-3 ]
	# The same file, mended, imports.
	good_jsonl >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	assert_output "imported 5 tickets and 5 events from 5 lines"
}

@test "a CSV row with a wrong number of fields in the middle: 65, FILE:LINE, the database exactly as before" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/broken.csv
	# Line 5: INC0000001 is already written when line 5 is read.
	good_csv | sed '5s/,Phone,/,/' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:5: 20 fields, the header has 21$" "$before"
	run --separate-stderr itsm show INC0000001
	assert_status 65
	# One field too many fails the same way.
	good_csv | sed '6s/$/,extra/' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:6: 22 fields, the header has 21$" "$before"
	good_csv >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	assert_output "imported 3 tickets and 6 events from 7 lines"
}

@test "the real log cut after 2,000 rows, one row broken at line 1,500: 65, that line, nothing written" {
	[ -f "$LOG" ] || skip "no $LOG (the real ServiceNow log, see shared/data/README.md)"
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/part.csv
	gzip -dc "$LOG" | head -n 2001 | sed '1500s/,Phone,/,/; 1500s/,Email,/,/; 1500s/,Self service,/,/' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1500: 35 fields, the header has 36$" "$before"
	# Without the broken row it imports.
	gzip -dc "$LOG" | head -n 2001 >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	[[ "$output" == "imported "*" tickets and 2000 events from 2001 lines" ]]
}

# --- bad input ---

@test "an unknown --format: 65, one line, nothing read, the database unchanged" {
	seed
	before=$(db_digest)
	good_jsonl >"$BATS_TEST_TMPDIR/t.jsonl"
	run --separate-stderr itsm import --format json "$BATS_TEST_TMPDIR/t.jsonl"
	assert_rejected 65 "unknown import format 'json' \(expected jsonl or servicenow-csv\)$" "$before"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/t.jsonl" --format=csv
	assert_rejected 65 "unknown import format 'csv'" "$before"
	run --separate-stderr itsm import --format "" "$BATS_TEST_TMPDIR/t.jsonl"
	assert_rejected 65 "unknown import format ''" "$before"
}

@test "a CSV with missing columns: 65, the column named, at line 1" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/cols.csv
	# Without sys_updated_at (the 8th column).
	good_csv | cut -d, -f1-7,9- >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1: missing column 'sys_updated_at' \(not a ServiceNow incident event log\)$" "$before"
	# Without priority and closed_at: the first missing is named.
	good_csv | cut -d, -f1-15,17-20 >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1: missing column 'priority'" "$before"
	# Some other CSV.
	printf 'name,phone\nann,42\n' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1: missing column 'number'" "$before"
	# Column names are exact: "Number" is not "number".
	good_csv | sed '1s/^number,/Number,/' >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:1: missing column 'number'" "$before"
}

@test "lines that are not JSON: 65, FILE:LINE, the database unchanged" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.jsonl bad
	for bad in '{"id":104' '{"id":104} trailing' '{id:104}' "{'id':104}" '{"id":104,}'; do
		{ ticket_line 101; ticket_line 102; ticket_line 103; printf '%s\n' "$bad"; ticket_line 105; } >"$f"
		run --separate-stderr itsm import "$f"
		assert_rejected 65 "$f:4: not a JSON object$" "$before"
	done
	# Blank lines count: line 6 is the sixth line of the file.
	{ ticket_line 101; echo; ticket_line 102; echo; echo; echo 'nope'; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "$f:6: not a JSON object$" "$before"
}

@test "what the JSON parser would let through but JSON does not: 65, FILE:LINE" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.jsonl bad
	# A raw tab inside a string, numbers JSON does not write.
	for bad in "$(printf '{"id":104,"summary":"a\tb","caller":"c","opened_at":"2026-01-01T00:00:00Z"}')" \
	    '{"id":+104,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' \
	    '{"id":0104,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' \
	    '{"id":104,"satisfaction":.5,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}' \
	    '{"id":104,"satisfaction":5.,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"}'; do
		{ ticket_line 101; ticket_line 102; ticket_line 103; printf '%s\n' "$bad"; } >"$f"
		run --separate-stderr itsm import "$f"
		assert_rejected 65 "$f:4: not a JSON object$" "$before"
	done
	# The same tab escaped is a text like any other.
	{ ticket_line 101; printf '%s\n' '{"id":104,"summary":"a\tb","caller":"c","opened_at":"2026-01-01T00:00:00Z"}'; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	[ "$(itsm show 104 --json | jq -r .summary)" = "$(printf 'a\tb')" ]
}

@test "members of the wrong shape: 65, the member named, the database unchanged" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.jsonl t='"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"'
	rejects_line "{\"id\":104,$t,\"events\":{\"at\":\"2026-01-01T00:00:00Z\"}}" "\"events\" must be an array$"
	rejects_line "{\"id\":104,$t,\"parent\":\"1\"}" "\"parent\" must be a ticket's id$"
	rejects_line "{\"id\":104.5,$t}" "no positive integer \"id\"$"
	rejects_line "{\"id\":123456789012345678901234567890,$t}" "no positive integer \"id\"$"
	rejects_line "{\"id\":9007199254740992,$t}" "\"id\" 9007199254740992 is past 9007199254740991 \\(2\\^53 - 1\\)$"
	# Times SQLite reads but export never writes are read as SQLite does.
	rejects_line "{\"id\":104,\"summary\":\"s\",\"caller\":\"c\",\"opened_at\":\"2026-02-30T00:00:00Z\"}" "\"opened_at\" is not an ISO 8601 time$"
	rejects_line "{\"id\":104,\"summary\":\"s\",\"caller\":\"c\",\"opened_at\":\"1969-12-31T23:59:59Z\"}" "\"opened_at\" is before 1970$"
}

@test "a crisis dossier's texts are held to what itsm major takes (65, the member named)" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.jsonl t='"id":104,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","major":true'
	local big
	big=$(head -c 65537 /dev/zero | tr '\0' x)
	rejects_line "$(printf '{%s,"crisis":{"state":"active","root_cause":"%s"}}\n' "$t" "$big")" "\"crisis.root_cause\" must be a text of at most 65536 bytes, or null$"
	rejects_line "$(printf '{%s,"crisis":{"state":"active","roster":[{"name":"","role":"commander"}]}}\n' "$t")" "\"crisis.roster\[0\].name\" must be a text of 1 to 256 bytes$"
	rejects_line "$(printf '{%s,"crisis":{"state":"active","actions":[{"n":1,"text":"fix","owner":%s,"due":"2026-01-02T00:00:00Z"}]}}\n' "$t" 42)" "\"crisis.actions\[0\].owner\" must be a text of 1 to 256 bytes$"
	rejects_line "$(printf '{%s,"crisis":{"state":"over"}}\n' "$t")" "unknown \"crisis\.state\" 'over' \(expected proposed, active, ended or rejected\)$"
	rejects_line "$(printf '{%s,"crisis":{"state":"ended","findings":[{"kind":"factor","text":"dns"},{"kind":"great","text":"x"}]}}\n' "$t")" "\"crisis\.findings\[1\]\.kind\" must be factor, went_well, went_wrong or lucky$"
	# A good one goes in whole.
	printf '{%s,"crisis":{"state":"active","bridge":"b","roster":[{"name":"ann","role":"commander","since":"2026-01-01T00:00:00Z"}],"actions":[{"n":1,"text":"fix","owner":"bob","due":"2026-01-02T00:00:00Z"}]}}\n' "$t" >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	[ "$(db_sql "SELECT state, bridge FROM majors WHERE ticket = 104")" = "active|b" ]
	[ "$(db_sql "SELECT name, role FROM major_roster WHERE ticket = 104")" = "ann|commander" ]
	[ "$(db_sql "SELECT owner FROM major_actions WHERE ticket = 104")" = "bob" ]
}

@test "truncated gzip (head -c): 65, the line where it stops, the database unchanged" {
	seed
	before=$(db_digest)
	local i
	for i in $(seq 101 400); do ticket_line "$i"; done | gzip -9 >"$BATS_TEST_TMPDIR/full.jsonl.gz"
	head -c 1500 "$BATS_TEST_TMPDIR/full.jsonl.gz" >"$BATS_TEST_TMPDIR/cut.jsonl.gz"
	local n
	n=$(gzip -dc "$BATS_TEST_TMPDIR/cut.jsonl.gz" 2>/dev/null | wc -l)
	[ "$n" -gt 1 ]
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/cut.jsonl.gz"
	assert_rejected 65 "$BATS_TEST_TMPDIR/cut\.jsonl\.gz:$((n + 1)): unexpected end of file \(truncated or corrupt gzip\?\)$" "$before"
	# The same through standard input.
	run --separate-stderr itsm import - <"$BATS_TEST_TMPDIR/cut.jsonl.gz"
	assert_rejected 65 "standard input:$((n + 1)): unexpected end of file" "$before"
	# And a ServiceNow log.
	good_csv | gzip >"$BATS_TEST_TMPDIR/log.csv.gz"
	head -c "$(($(stat -c %s "$BATS_TEST_TMPDIR/log.csv.gz") - 12))" \
	    "$BATS_TEST_TMPDIR/log.csv.gz" >"$BATS_TEST_TMPDIR/cut.csv.gz"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/cut.csv.gz"
	assert_rejected 65 "$BATS_TEST_TMPDIR/cut\.csv\.gz:[0-9]+: .*\(truncated or corrupt gzip\?\)$" "$before"
}

@test "the real log truncated (head -c 300000): 65 at the line where it stops" {
	[ -f "$LOG" ] || skip "no $LOG (the real ServiceNow log, see shared/data/README.md)"
	seed
	before=$(db_digest)
	local n
	head -c 300000 "$LOG" >"$BATS_TEST_TMPDIR/cut.csv.gz"
	n=$(gzip -dc "$BATS_TEST_TMPDIR/cut.csv.gz" 2>/dev/null | wc -l)
	[ "$n" -gt 1000 ]
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/cut.csv.gz"
	assert_rejected 65 "$BATS_TEST_TMPDIR/cut\.csv\.gz:$((n + 1)): unexpected end of file \(truncated or corrupt gzip\?\)$" "$before"
}

@test "corrupt gzip: 65, one line, the database unchanged" {
	seed
	before=$(db_digest)
	local i
	for i in $(seq 101 200); do ticket_line "$i"; done | gzip >"$BATS_TEST_TMPDIR/bad.gz"
	printf 'XXXXXXXX' | dd of="$BATS_TEST_TMPDIR/bad.gz" bs=1 seek=100 conv=notrunc 2>/dev/null
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/bad.gz"
	assert_rejected 65 "bad\.gz:[0-9]+: .*\(truncated or corrupt gzip\?\)$" "$before"
}

@test "a file that cannot be read: 74, one line, the database unchanged" {
	seed
	before=$(db_digest)
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/nothing.jsonl"
	assert_rejected 74 "cannot read '$BATS_TEST_TMPDIR/nothing\.jsonl': No such file or directory$" "$before"
	mkdir "$BATS_TEST_TMPDIR/dir"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/dir"
	assert_rejected 74 "cannot read '$BATS_TEST_TMPDIR/dir': Is a directory$" "$before"
}

@test "an empty file: nothing imported; forced as a ServiceNow log, no header (65)" {
	seed
	before=$(db_digest)
	: >"$BATS_TEST_TMPDIR/empty"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/empty"
	assert_status 0
	assert_output "imported 0 tickets and 0 events from 0 lines"
	assert_unchanged "$before"
	run --separate-stderr itsm import --format servicenow-csv "$BATS_TEST_TMPDIR/empty"
	assert_rejected 65 "$BATS_TEST_TMPDIR/empty: empty: no header$" "$before"
}

@test "usage errors: no file, two files, an unknown option (64), the database unchanged" {
	seed
	before=$(db_digest)
	good_jsonl >"$BATS_TEST_TMPDIR/t.jsonl"
	run --separate-stderr itsm import
	assert_status 64
	assert_output ""
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/t.jsonl" "$BATS_TEST_TMPDIR/t.jsonl"
	assert_status 64
	assert_output ""
	run --separate-stderr itsm import --dry-run "$BATS_TEST_TMPDIR/t.jsonl"
	assert_status 64
	assert_output ""
	assert_unchanged "$before"
}

# --- what must work ---

@test "standard input (-) for both formats, told apart by the first line" {
	seed
	run --separate-stderr itsm import - < <(good_jsonl)
	assert_status 0
	assert_output "imported 5 tickets and 5 events from 5 lines"
	assert_stderr ""
	run --separate-stderr itsm import - < <(good_csv)
	assert_status 0
	assert_output "imported 3 tickets and 6 events from 7 lines"
	assert_stderr ""
	ticket_is 102 .summary '"ticket 102"'
	ticket_is INC0000002 '[.status, .events[-1].at]' '["resolved","2016-03-02T12:00:00Z"]'
	# The message names standard input.
	before=$(db_digest)
	run --separate-stderr itsm import - < <(good_csv | sed '4s/,Phone,/,/')
	assert_rejected 65 "standard input:4: 20 fields, the header has 21$" "$before"
}

@test "gzip accepted directly for both formats, whatever the file's name" {
	good_jsonl | gzip >"$BATS_TEST_TMPDIR/t.jsonl.gz"
	good_csv | gzip >"$BATS_TEST_TMPDIR/backup.dat"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/t.jsonl.gz"
	assert_status 0
	assert_output "imported 5 tickets and 5 events from 5 lines"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/backup.dat"
	assert_status 0
	assert_output "imported 3 tickets and 6 events from 7 lines"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/2.db" import - <"$BATS_TEST_TMPDIR/backup.dat"
	assert_status 0
	assert_output "imported 3 tickets and 6 events from 7 lines"
	[ "$(db_sql 'SELECT count(*) FROM tickets')" = 8 ]
}

@test "--format forces a format: the right one works, the wrong one fails at line 1 (65)" {
	seed
	good_jsonl >"$BATS_TEST_TMPDIR/t.jsonl"
	good_csv >"$BATS_TEST_TMPDIR/t.csv"
	before=$(db_digest)
	run --separate-stderr itsm import --format servicenow-csv "$BATS_TEST_TMPDIR/t.jsonl"
	assert_rejected 65 "$BATS_TEST_TMPDIR/t\.jsonl:1: missing column 'number'" "$before"
	run --separate-stderr itsm import --format jsonl "$BATS_TEST_TMPDIR/t.csv"
	assert_rejected 65 "$BATS_TEST_TMPDIR/t\.csv:1: not a JSON object$" "$before"
	run --separate-stderr itsm import --format jsonl "$BATS_TEST_TMPDIR/t.jsonl"
	assert_status 0
	assert_output "imported 5 tickets and 5 events from 5 lines"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/t.csv" --format servicenow-csv
	assert_status 0
	assert_output "imported 3 tickets and 6 events from 7 lines"
	# Before the command, --format is the output's: the summary in JSON.
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/2.db" --format json import --format jsonl "$BATS_TEST_TMPDIR/t.jsonl"
	assert_status 0
	jq_is . '{"lines":5,"tickets":5,"events":5,"skipped":0}'
}

@test "a JSON Lines file that starts with blank lines is still told apart" {
	{ echo; echo "   "; good_jsonl; } >"$BATS_TEST_TMPDIR/t.jsonl"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/t.jsonl"
	assert_status 0
	assert_output "imported 5 tickets and 5 events from 7 lines"
}

# --- issue 11: all or nothing for every kind of damage ---

# csv_with_row ROW: a ServiceNow log ($f) of the good rows, then ROW at
# line 8.
csv_with_row() {
	{ good_csv; printf '%s\n' "$1"; } >"$f"
}

@test "a NUL byte inside a line (JSON Lines or CSV, plain or gzip): 65 at its line, nothing imported" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/nul.jsonl
	# Line 3 has a NUL in its summary: the line is not cut there, glued
	# to the next, or dropped.
	{ ticket_line 101; ticket_line 102; printf '{"id":103,"summary":"a\0b","caller":"c","opened_at":"2026-01-01T00:00:00Z"}\n'; ticket_line 104; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "nul\.jsonl:3: a NUL byte in the line$" "$before"
	gzip -c "$f" >"$f.gz"
	run --separate-stderr itsm import "$f.gz"
	assert_rejected 65 "nul\.jsonl\.gz:3: a NUL byte in the line$" "$before"
	# A CSV row with a NUL in a field, then a good row: refused, not
	# imported without it.
	f=$BATS_TEST_TMPDIR/nul.csv
	{ good_csv; row INC0000004 New "4/3/2016 09:01" | sed 's/Caller 1/Cal\x00ler/'; row INC0000005 New "5/3/2016 09:01"; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "nul\.csv:8: a NUL byte in the line$" "$before"
	gzip -c "$f" >"$f.gz"
	run --separate-stderr itsm import - <"$f.gz"
	assert_rejected 65 "standard input:8: a NUL byte in the line$" "$before"
	# The last line, without its newline, too.
	{ good_csv; printf 'INC0000004,New,0,0,C\0,1/3/2016 09:00,U,1/3/2016 09:01,Phone,?,?,?,?,?,?,?,G,?,?,?,?'; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "nul\.csv:8: a NUL byte in the line$" "$before"
}

@test "a gzip of NUL bytes: 65 at line 1 at once, not read to its end" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/zeros.gz
	# 256 MiB of NUL bytes: 256 KiB compressed.
	head -c 268435456 /dev/zero | gzip -1 >"$f"
	run --separate-stderr timeout 20 "$ITSM" import "$f"
	assert_rejected 65 "zeros\.gz:1: a NUL byte in the line$" "$before"
	# Found in the first block: the run reads little of it, no 256 MiB
	# line in memory (in 256 MiB of address space, where an empty file
	# imports; not under AddressSanitizer, which maps terabytes).
	: >"$BATS_TEST_TMPDIR/empty"
	if bash -c 'ulimit -v 262144; exec "$0" --db "$1" import "$2"' "$ITSM" \
	    "$BATS_TEST_TMPDIR/probe.db" "$BATS_TEST_TMPDIR/empty" >/dev/null 2>&1; then
		run --separate-stderr bash -c 'ulimit -v 262144; exec "$0" import "$1"' "$ITSM" "$f"
		assert_rejected 65 "zeros\.gz:1: a NUL byte in the line$" "$before"
	fi
}

@test "gzip: members in a series are one input (RFC 1952); anything else after the data is refused (65)" {
	seed
	before=$(db_digest)
	local d=$BATS_TEST_TMPDIR
	{ ticket_line 101; ticket_line 102; } | gzip >"$d/a.gz"
	{ ticket_line 103; } | gzip >"$d/b.gz"
	cat "$d/a.gz" "$d/b.gz" >"$d/ab.gz"
	# Garbage, zeros (padding) and half a gzip magic number after the data.
	{ cat "$d/a.gz"; printf 'garbage\n'; } >"$d/garbage.gz"
	{ cat "$d/a.gz"; head -c 512 /dev/zero; } >"$d/zeros.gz"
	{ cat "$d/a.gz"; printf '\037'; } >"$d/half.gz"
	for f in garbage zeros half; do
		run --separate-stderr itsm import "$d/$f.gz"
		assert_rejected 65 "$f\.gz:3: trailing garbage after the gzip data$" "$before"
	done
	run --separate-stderr itsm import - <"$d/garbage.gz"
	assert_rejected 65 "standard input:3: trailing garbage after the gzip data$" "$before"
	run --separate-stderr itsm import "$d/ab.gz"
	assert_status 0
	assert_output "imported 3 tickets and 3 events from 3 lines"
}

@test "a gzip data check (CRC) error names the line being read when it is found: after the member's data" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/crc.gz i
	for i in $(seq 101 150); do ticket_line "$i"; done | gzip >"$f"
	# The CRC is the 8 bytes' first 4 before the end: one byte changed.
	printf 'X' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") - 8)) conv=notrunc 2>/dev/null
	gzip -t "$f" 2>/dev/null && false
	# The 50 lines are read; the check fails at the end of the data,
	# while line 51 is read.
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "crc\.gz:51: incorrect data check \(truncated or corrupt gzip\?\)$" "$before"
	# The length (ISIZE), likewise.
	for i in $(seq 101 150); do ticket_line "$i"; done | gzip >"$f"
	printf 'X' | dd of="$f" bs=1 seek=$(($(stat -c %s "$f") - 3)) conv=notrunc 2>/dev/null
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "crc\.gz:51: incorrect length check \(truncated or corrupt gzip\?\)$" "$before"
}

@test "servicenow-csv: a value that does not parse refuses the import (65), its line and column named" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/bad.csv v
	# row_with COLUMN VALUE: a row of INC0000004 with COLUMN set to VALUE.
	row_with() {
		local r
		r=$(row INC0000004 Resolved "4/3/2016 12:00")
		case $1 in
		resolved_at) r=${r%,?,?},"$2",? ;;
		closed_at) r=${r%,?},"$2" ;;
		opened_at) r=${r/1\/3\/2016 09:00/$2} ;;
		sys_updated_at) r=${r/4\/3\/2016 12:00/$2} ;;
		reassignment_count) r=${r/,0,0,/,$2,0,} ;;
		reopen_count) r=${r/,0,0,/,0,$2,} ;;
		impact) r=${r/2 - Medium,2 - Medium/$2,2 - Medium} ;;
		urgency) r=${r/2 - Medium,3 - Moderate/$2,3 - Moderate} ;;
		priority) r=${r/3 - Moderate/$2} ;;
		esac
		csv_with_row "$r"
	}
	while IFS='|' read -r col v; do
		row_with "$col" "$v"
		run --separate-stderr itsm import "$f"
		assert_rejected 65 "bad\.csv:8: $col '$(printf '%s' "$v" | sed 's/[][\.*^$?+(){}|/]/\\&/g')' is not a" "$before"
	done <<-'EOF'
	resolved_at|29/2/2016 1129
	resolved_at|31/2/2016 11:29
	resolved_at|29/2/2015 11:29
	resolved_at|garbage
	resolved_at|1/3/2016 12:00 oops
	resolved_at|1/3/2016 24:00
	resolved_at|1/3/2016 12:5
	resolved_at|1/13/2016 12:00
	resolved_at|1/3/16 12:00
	closed_at|0/3/2016 12:00
	opened_at|1/3/2016 09:00:00
	sys_updated_at|4/3/2016 12.00
	reassignment_count|x7
	reassignment_count|-3
	reassignment_count|7x
	reassignment_count|+1
	reassignment_count|99999999999
	reopen_count|1.5
	impact|High
	urgency|x - Medium
	priority|3 -
	EOF
	# A bad value on a row left out for its state is refused too.
	csv_with_row "$(row INC0000004 -100 "4/3/2016 12:00" | sed 's#,0,0,#,x,0,#')"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.csv:8: reassignment_count 'x' is not a count" "$before"
	# A name longer than the commands take.
	csv_with_row "$(row INC0000004 New "4/3/2016 12:00" | sed "s#Caller 1#$(printf 'c%.0s' $(seq 257))#")"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "bad\.csv:8: caller_id is too long \(257 bytes; at most 256\)$" "$before"
}

@test "servicenow-csv: '?' and empty fields are unknown, as before: no resolution time, no code, counts 0" {
	local f=$BATS_TEST_TMPDIR/unknown.csv
	{
		printf '%s\n' "$HEADER"
		printf 'INC0000001,New,?,,Caller 1,1/3/2016 09:00,U,1/3/2016 09:01,Phone,?,?,?,?,?,,?,Group 1,?,?,?,?\n'
		printf 'INC0000001,Resolved,,?,Caller 1,1/3/2016 09:00,U,1/3/2016 10:01,Phone,?,?,?,?,2 - Medium,2 - Medium,3 - Moderate,Group 1,?,code 5,?,\n'
		printf 'INC0000002,New,3,1,Caller 1,1/3/2016 09:00,U,1/3/2016 9:01,Phone,?,?,?,?,2,2,3,Group 1,?,code 5,1/3/2016 9:30,\n'
		printf 'INC0000002,Resolved,3,1,Caller 1,1/3/2016 09:00,U,29/2/2016 23:59,Phone,?,?,?,?,2,2,3,Group 1,?,code 5,29/2/2016 23:59,\n'
	} >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	assert_output "imported 2 tickets and 4 events from 5 lines"
	ticket_is INC0000001 '[.resolved_at, .resolution.code, .reopen_count, .reassignment_count, .priority]' '[null,null,0,0,"P3"]'
	ticket_is INC0000002 '[.resolved_at, .resolution.code, .reopen_count, .reassignment_count, .impact]' '["2016-02-29T23:59:00Z","code 5",1,3,"medium"]'
}

@test "invalid UTF-8 is refused in a CSV field (its line and column), in a JSON line, in a header" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/utf8.csv
	csv_with_row "$(row INC0000004 New "4/3/2016 12:00" | sed 's/Group 1/Gr\xe9up/')"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "utf8\.csv:8: column 'assignment_group' is not valid UTF-8$" "$before"
	# In a quoted field over three lines: the line of the bad byte.
	{ good_csv; printf 'INC0000004,New,0,0,"Caller\nof\nthe \xc3(",1/3/2016 09:00,U,1/3/2016 09:01,Phone,?,?,?,?,?,?,?,G,?,?,?,?\n'; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "utf8\.csv:10: column 'caller_id' is not valid UTF-8$" "$before"
	# An overlong form, a surrogate, in a column the import does not read.
	{ good_csv | sed '1s/$/,extra/; 2,$s/$/,x/'; printf 'INC0000004,New,0,0,C,1/3/2016 09:00,U,1/3/2016 09:01,Phone,?,?,?,?,?,?,?,G,?,?,?,?,\xed\xa0\x80\n'; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "utf8\.csv:8: column 'extra' is not valid UTF-8$" "$before"
	{ printf '%s,\xc0\xaf\n' "$HEADER"; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "utf8\.csv:1: field 22 is not valid UTF-8$" "$before"
	f=$BATS_TEST_TMPDIR/utf8.jsonl
	rejects_line "$(printf '{"id":1,"summary":"s\xff","caller":"c","opened_at":"2026-01-01T00:00:00Z"}')" "the line is not valid UTF-8"
}

@test "JSON Lines: a member given twice, at any depth: 65, its path named" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/dup.jsonl
	local t='"id":1,"caller":"c","opened_at":"2026-01-01T00:00:00Z"'
	rejects_line "{$t,\"summary\":\"a\",\"summary\":\"b\"}" '"summary" is given twice$'
	rejects_line "{\"summary\":\"a\",$t,\"id\":2}" '"id" is given twice$'
	rejects_line "{$t,\"summary\":\"a\",\"events\":[{\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"a\",\"kind\":\"open\"},{\"at\":\"2026-01-01T00:00:00Z\",\"actor\":\"a\",\"kind\":\"k\",\"kind\":\"open\"}]}" '"events\[1\]\.kind" is given twice$'
	rejects_line "{$t,\"summary\":\"a\",\"resolution\":{\"code\":\"a\",\"code\":\"b\"}}" '"resolution\.code" is given twice$'
	rejects_line "{$t,\"summary\":\"a\",\"crisis\":{\"state\":\"active\",\"roster\":[{\"name\":\"a\",\"role\":\"r\",\"role\":\"s\"}]}}" '"crisis\.roster\[0\]\.role" is given twice$'
	rejects_line "{$t,\"summary\":\"a\",\"unknown\":{\"x\":1,\"x\":1}}" '"unknown\.x" is given twice$'
	# A long object is checked as well (sorted, not pairwise).
	rejects_line "{$t,\"summary\":\"a\",\"many\":{$(seq 100 | sed 's/.*/"k&":1/' | paste -sd,),\"k50\":2}}" '"many\.k50" is given twice$'
}

@test "JSON Lines: a count that is not a whole number in range, a ticket its own parent, a cycle of parents: 65" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/count.jsonl m v
	local t='"id":1,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z"'
	for m in reopen_count reassignment_count; do
		for v in -1 1.5 '"3"' true 2147483648; do
			rejects_line "{$t,\"$m\":$v}" "\"$m\" must be a whole number from 0 to 2147483647, or null$"
		done
	done
	for v in 0 6 2.5 '"4"'; do
		rejects_line "{$t,\"satisfaction\":$v}" '"satisfaction" must be a whole number from 1 to 5, or null$'
	done
	rejects_line "{$t,\"store\":{\"priority_rank\":-1}}" '"store\.priority_rank" must be a whole number from 0 to 2147483647, or null$'
	rejects_line "{$t,\"parent\":1}" '"parent" is the ticket itself$'
	# 102 -> 103 -> 104 -> 102: refused at the cycle's last line (4).
	{ ticket_line 101
	  printf '{"id":%d,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":%d}\n' 102 103 103 104 104 102 105 101; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_rejected 65 "count\.jsonl:4: the parents make a cycle \(ticket 10[234] is its own ancestor\)$" "$before"
	# A chain with no cycle, a parent in the database: imported.
	{ ticket_line 101
	  printf '{"id":%d,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","parent":%d}\n' 102 103 103 104 104 1 105 101; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	assert_output "imported 5 tickets and 1 event from 5 lines"
	# The counts in range.
	printf '{"id":200,"summary":"s","caller":"c","opened_at":"2026-01-01T00:00:00Z","reopen_count":2147483647,"satisfaction":5,"reassignment_count":0}\n' >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
}

@test "a value quoted in a message is cut on a character boundary, never in half a character" {
	seed
	before=$(db_digest)
	local long f=$BATS_TEST_TMPDIR/state.csv
	# 81 bytes: the 64th byte is the first half of an é.
	long="a$(printf 'é%.0s' $(seq 40))"
	{ good_csv; row INC0000004 "$long" "4/3/2016 12:00"; } >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
	[ "$stderr" = "itsm: $f:8: row left out: unknown state '${long:0:32}'" ]
	# The library's messages, and the command's.
	run --separate-stderr itsm show "$long"
	assert_status 65
	[ "$stderr" = "itsm: '${long:0:32}' is not a ticket reference (expected like INC-42 or 42)" ]
	run --separate-stderr itsm open "x" --caller c --at "$long"
	assert_status 65
	[[ "$stderr" == "itsm: invalid time '${long:0:32}' (expected"* ]]
	run --separate-stderr itsm list --status "$long"
	assert_status 65
	[[ "$stderr" == "itsm: unknown status '${long:0:32}' (expected"* ]]
}

@test "times out of the history's order (closed before resolved, anything before opened): 65, both times named, nothing imported" {
	seed
	before=$(db_digest)
	local f=$BATS_TEST_TMPDIR/order.jsonl t='"summary":"s","caller":"c","opened_at":"2026-01-01T10:00:00Z"'
	rejects_line "{\"id\":104,$t,\"status\":\"closed\",\"resolved_at\":\"2026-01-01T12:00:00Z\",\"closed_at\":\"2026-01-01T11:00:00Z\"}" \
	    "\"closed_at\" 2026-01-01T11:00:00Z is before \"resolved_at\" 2026-01-01T12:00:00Z$"
	rejects_line "{\"id\":104,$t,\"status\":\"resolved\",\"resolved_at\":\"2026-01-01T09:59:59Z\"}" \
	    "\"resolved_at\" 2026-01-01T09:59:59Z is before \"opened_at\" 2026-01-01T10:00:00Z$"
	rejects_line "{\"id\":104,$t,\"status\":\"closed\",\"closed_at\":\"2026-01-01T09:00:00Z\"}" \
	    "\"closed_at\" 2026-01-01T09:00:00Z is before \"opened_at\" 2026-01-01T10:00:00Z$"
	rejects_line "{\"id\":104,$t,\"responded_at\":\"2026-01-01T09:00:00Z\"}" \
	    "\"responded_at\" 2026-01-01T09:00:00Z is before \"opened_at\" 2026-01-01T10:00:00Z$"
	# The same times in order import.
	printf '%s\n' "{\"id\":104,$t,\"status\":\"closed\",\"resolved_at\":\"2026-01-01T12:00:00Z\",\"closed_at\":\"2026-01-01T12:00:00Z\"}" >"$f"
	run --separate-stderr itsm import "$f"
	assert_status 0
}
