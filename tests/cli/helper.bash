# Shared set-up of the end-to-end tests: every test gets its own temporary
# database, policy and home, a fixed clock and a fixed actor, and runs the
# real binary ($ITSM, set by tests/run.sh; build/itsm by default).

: "${ITSM:=$BATS_TEST_DIRNAME/../../build/itsm}"
TOP=${BATS_TEST_DIRNAME%/tests/*}	# (no subshell: this runs for each test)
# script(1) runs its command with $SHELL, and the commands given it are
# quoted by bash's printf %q ($'\e' and the like): bash, whatever the
# machine's login shell or an unset SHELL (then /bin/sh, dash on Debian).
export SHELL=/bin/bash

# lsan_beside_gmime: under LeakSanitizer (make check SANITIZE=1), for the
# test files whose itsm processes load GMime: see tests/lsan.supp.  Only
# there: without its TLS scan, LeakSanitizer takes the thread caches of
# libpq's Kerberos and of libical for leaks too.
lsan_beside_gmime() {
	export LSAN_OPTIONS="${LSAN_OPTIONS:+$LSAN_OPTIONS:}use_tls=0:print_suppressions=0:suppressions=$TOP/tests/lsan.supp"
}

# lib/default.yaml, read once a test (no process), copied by setup.
IFS= read -r -d '' DEFAULT_POLICY <"$TOP/lib/default.yaml" || true

# trace_test_only: bats runs a DEBUG trap before every command of a test
# and, as it sets functrace (set -T), of every function the test calls,
# to keep the stack trace it prints when a test fails: some 200 us a
# command, most of the suite's time in bash.  This keeps the trap on the
# test's own lines only (the test function gets the trace attribute, the
# others inherit no trap): a failure is still reported at the test's
# line that failed, a helper's call included; the helper says why.
trace_test_only() {
	set +T
	if [ -n "${BATS_TEST_NAME-}" ]; then declare -ft "$BATS_TEST_NAME"; fi
}

# --- issue 13: the same tests on either engine. ---
#
# ITSM_TEST_ENGINE picks the engine the tests run on: sqlite (unset: the
# default) or pg.  On SQLite each test's database is the file
# $BATS_TEST_TMPDIR/itsm.db, made by the first command that writes.  On
# PostgreSQL (tests/run.sh with ENGINE=pg: one throwaway server, the
# libpq variables PGHOST, PGPORT, PGUSER and PGPASSWORD set) each test
# gets a database of its own, a copy of the template ITSM_PG_TEMPLATE
# that the runner made once with the schema and no rows (CREATE DATABASE
# ... TEMPLATE: one psql process), named in ITSM_DB as "dbname=NAME",
# and dropped by the teardown.  That database exists from the start,
# empty: db_digest is then the empty database's, not "", and
# assert_nothing_stored says "nothing written" on both engines.
case ${ITSM_TEST_ENGINE:=sqlite} in
sqlite) ;;
pg) : "${ITSM_PG_TEMPLATE:=itsm_template}" ;;
*)
	echo "helper.bash: ITSM_TEST_ENGINE is sqlite or pg, not '$ITSM_TEST_ENGINE'" >&2
	return 1
	;;
esac
export ITSM_TEST_ENGINE

# on_pg: the tests run on PostgreSQL.
on_pg() {
	[ "$ITSM_TEST_ENGINE" = pg ]
}

# pg_admin SQL...: runs each SQL statement, each in its own transaction
# (CREATE and DROP DATABASE run in none), on the server's "postgres"
# database, in one psql process, which says what failed.
pg_admin() {
	local a=()
	while [ $# -gt 0 ]; do
		a+=(-c "$1")
		shift
	done
	psql -XAtq -v ON_ERROR_STOP=1 -d postgres "${a[@]}" >/dev/null
}

# pg_name KIND [WHAT]: a database name that no other test or file of the
# run uses (files run side by side): KIND, this run's bats directory, the
# test's number in the run (or the file's), and WHAT.
pg_name() {
	local run=${BATS_RUN_TMPDIR##*/}
	run=${run//[^a-zA-Z0-9]/_}
	printf 'itsm_%s_%s_%s%s' "$1" "$run" \
	    "${BATS_SUITE_TEST_NUMBER:-f$$}" "${2:+_$2}"
}

# sqlite_only WHY: this test is about SQLite or its files (file modes,
# paths, a corrupt file, WAL, PRAGMA user_version, file locks): it runs
# on SQLite and is skipped on PostgreSQL, saying WHY.
sqlite_only() {
	if on_pg; then
		skip "SQLite only: $1"
	fi
}

# pg_only WHY: the PostgreSQL version of a test that sqlite_only skips.
pg_only() {
	if ! on_pg; then
		skip "PostgreSQL only: $1"
	fi
}

setup() {
	trace_test_only
	# The test's own directory is its home: private, and there already.
	export HOME="$BATS_TEST_TMPDIR"
	# No TZ: times are shown and read in UTC unless a test names a zone.
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS TZ
	if on_pg; then
		ITSM_TEST_PGDB=$(pg_name t)
		pg_admin "CREATE DATABASE \"$ITSM_TEST_PGDB\" TEMPLATE \"$ITSM_PG_TEMPLATE\"${ITSM_PG_COPY-}"
		export ITSM_DB="dbname=$ITSM_TEST_PGDB"
	else
		export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	fi
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	export ITSM_NOW=2026-11-28T09:00:00Z
	export LC_ALL=C.UTF-8
}

# itsm ARGS...: the binary under test.
itsm() {
	"$ITSM" "$@"
}

# db_teardown: drops the test's PostgreSQL database (WITH (FORCE): a
# client the test left running, such as major watch, is ended); nothing
# on SQLite (bats removes the test's directory).  A file with a teardown
# of its own calls it.
db_teardown() {
	local name
	if on_pg && [ -n "${ITSM_TEST_PGDB-}" ]; then
		pg_admin "DROP DATABASE IF EXISTS \"$ITSM_TEST_PGDB\" WITH (FORCE)"
		if [ -f "$BATS_TEST_TMPDIR/pg-databases" ]; then
			while read -r name; do
				pg_admin "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
			done <"$BATS_TEST_TMPDIR/pg-databases"
		fi
	fi
}

# db_new NAME [FROM]: prints the ITSM_DB of another database of this
# test, NAME, new (nothing written yet) or a copy of FROM (an ITSM_DB):
# on SQLite the file $BATS_TEST_TMPDIR/NAME.db, on PostgreSQL a database
# that the teardown drops.
db_new() {
	local name
	if ! on_pg; then
		if [ -n "${2-}" ]; then
			cp "$2" "$BATS_TEST_TMPDIR/$1.db" || return 1
		fi
		printf '%s\n' "$BATS_TEST_TMPDIR/$1.db"
		return 0
	fi
	name=$(pg_name t "$1")
	pg_admin "CREATE DATABASE \"$name\" TEMPLATE \"$(
	    [ -n "${2-}" ] && echo "${2#dbname=}" ||
	    echo "$ITSM_PG_TEMPLATE")\"${ITSM_PG_COPY-}" || return 1
	printf '%s\n' "$name" >>"$BATS_TEST_TMPDIR/pg-databases"
	printf 'dbname=%s\n' "$name"
}

teardown() {
	db_teardown
}

# db_fixture NAME: prints the ITSM_DB of a new database named NAME, for a
# file's fixture built in setup_file and copied into a test's database by
# db_restore: on SQLite the file $BATS_FILE_TMPDIR/NAME.db, on PostgreSQL
# an empty database made from the template (teardown_file drops it).
db_fixture() {
	local name
	if ! on_pg; then
		printf '%s\n' "$BATS_FILE_TMPDIR/$1.db"
		return 0
	fi
	name=$(pg_name f "$1")
	pg_admin "CREATE DATABASE \"$name\" TEMPLATE \"$ITSM_PG_TEMPLATE\"${ITSM_PG_COPY-}" ||
	    return 1
	printf '%s\n' "$name" >>"$BATS_FILE_TMPDIR/pg-fixtures"
	printf 'dbname=%s\n' "$name"
}

teardown_file() {
	local name
	if on_pg && [ -f "$BATS_FILE_TMPDIR/pg-fixtures" ]; then
		while read -r name; do
			pg_admin "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
		done <"$BATS_FILE_TMPDIR/pg-fixtures"
	fi
}

# db_restore FIXTURE: the test's database becomes a copy of FIXTURE (an
# ITSM_DB that db_fixture printed): cp on SQLite, CREATE DATABASE ...
# TEMPLATE on PostgreSQL (no client may be connected to FIXTURE then).
db_restore() {
	if on_pg; then
		pg_admin "DROP DATABASE \"$ITSM_TEST_PGDB\"" \
		    "CREATE DATABASE \"$ITSM_TEST_PGDB\" TEMPLATE \"${1#dbname=}\"${ITSM_PG_COPY-}"
	else
		rm -f "$ITSM_DB" "$ITSM_DB-wal" "$ITSM_DB-shm"
		cp "$1" "$ITSM_DB"
	fi
}

# db_sql [SQL [DB]]: runs SQL (standard input without it) on the test's
# database, or on DB (an ITSM_DB), with the engine's own client, and
# prints the rows as sqlite3 does by default: columns separated by "|",
# no header, NULL as nothing.  For SQL that means the same on both
# engines; a statement that fails makes it fail.
db_sql() {
	local db=${2:-$ITSM_DB}
	if on_pg; then
		if [ $# -gt 0 ]; then
			psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$db" -c "$1"
		else
			psql -XAtq -v ON_ERROR_STOP=1 -F '|' -d "$db"
		fi
	elif [ $# -gt 0 ]; then
		sqlite3 "$db" "$1"
	else
		sqlite3 "$db"
	fi
}

# The SQL that hashes a PostgreSQL database, for db_digest: a first
# query writes a second, which \gexec runs: the md5 of the schema (each
# table's columns, types and NOT NULL, each index and trigger) and of
# each table's rows in primary-key order (by the whole row where a table
# has no primary key), with its name and row count; of the bookkeeping
# table itsm_schema, the version only (not its count of writes).
# Identity sequences are left out: PostgreSQL never rolls them back.
PG_DIGEST_SQL=$(cat <<'SQL'
SELECT format('SELECT md5(%L || %s)',
    coalesce((SELECT string_agg(c.relname || '(' || (
	SELECT string_agg(a.attname || ' ' || format_type(a.atttypid,
	    a.atttypmod) || CASE WHEN a.attnotnull THEN ' not null' ELSE ''
	    END, ', ' ORDER BY a.attnum) FROM pg_attribute a
	WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped)
	|| ')', E'\n' ORDER BY c.relname) FROM pg_class c
	WHERE c.relnamespace = current_schema()::regnamespace
	AND c.relkind = 'r'), '') ||
    coalesce((SELECT string_agg(indexdef, E'\n' ORDER BY indexname)
	FROM pg_indexes WHERE schemaname = current_schema()), '') ||
    coalesce((SELECT string_agg(tgname || ' ' || tgrelid::regclass::text,
	E'\n' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal), ''),
    coalesce(string_agg(CASE WHEN c.relname = 'itsm_schema' THEN
	'(SELECT ''itsm_schema '' || string_agg(version::text, '','') FROM itsm_schema)'
	ELSE format('(SELECT %L || count(*) || '' '' || coalesce(md5(string_agg(t::text, E''\n'' ORDER BY %s)), '''') FROM %I t)',
	    c.relname || ' ', coalesce((SELECT string_agg(format('t.%I',
		a.attname), ', ' ORDER BY k.n) FROM pg_index i,
		unnest(i.indkey) WITH ORDINALITY k(attnum, n), pg_attribute a
		WHERE i.indrelid = c.oid AND i.indisprimary AND
		a.attrelid = c.oid AND a.attnum = k.attnum), 't::text'),
	    c.relname) END, ' || '' '' || ' ORDER BY c.relname), ''''''))
FROM pg_class c
WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
\gexec
SQL
)

# A digest of the whole database content, to prove a refused command
# changed nothing.  On SQLite ("" when there is no database yet): the
# schema and every table's rows (sqlite_sequence included), hashed by
# sqlite3 itself, one process rather than a pipe of three.  On
# PostgreSQL: the schema, its version and every table's rows, hashed by
# the server (PG_DIGEST_SQL), one psql process.
db_digest() {
	if on_pg; then
		psql -XAtq -v ON_ERROR_STOP=1 -d "$ITSM_DB" <<<"$PG_DIGEST_SQL"
	elif [ -f "$ITSM_DB" ]; then
		sqlite3 "$ITSM_DB" '.sha3sum --schema'
	fi
}

# assert_nothing_stored: nothing was ever written to the test's database:
# on SQLite there is no database file; on PostgreSQL the database (there
# from setup) has no row in any table but the schema version's and the
# settings' (meta: a sweep records there the SLA targets it computed the
# due times with, bookkeeping that SQLite drops with the file it does not
# create for a database without tickets).
assert_nothing_stored() {
	local n
	if ! on_pg; then
		if [ -e "$ITSM_DB" ]; then
			echo "a database was created: $ITSM_DB" >&2
			return 1
		fi
		return 0
	fi
	n=$(psql -XAtq -v ON_ERROR_STOP=1 -d "$ITSM_DB" <<'SQL'
SELECT 'SELECT 0' || coalesce(string_agg(format(' + (SELECT count(*) FROM %I)',
    tablename), ''), '') FROM pg_tables
WHERE schemaname = current_schema()
    AND tablename NOT IN ('itsm_schema', 'meta')
\gexec
SQL
	) || return 1
	if [ "$n" != 0 ]; then
		echo "$n rows written to $ITSM_DB" >&2
		return 1
	fi
}

# refute_changed DIGEST: fails when the database differs from DIGEST.
assert_unchanged() {
	local now
	now=$(db_digest)
	if [ "$now" != "$1" ]; then
		echo "database changed: $1 -> $now" >&2
		return 1
	fi
}

# assert_status N: $status is N (after run).
assert_status() {
	if [ "$status" != "$1" ]; then
		echo "exit status $status, expected $1" >&2
		echo "stdout: $output" >&2
		echo "stderr: ${stderr-}" >&2
		return 1
	fi
}

# assert_output TEXT: stdout is exactly TEXT.
assert_output() {
	if [ "$output" != "$1" ]; then
		printf 'stdout differs.\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$output" >&2
		return 1
	fi
}

# assert_stderr TEXT: stderr is exactly TEXT (run --separate-stderr).
assert_stderr() {
	if [ "$stderr" != "$1" ]; then
		printf 'stderr differs.\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$stderr" >&2
		return 1
	fi
}

# assert_one_line_error PATTERN: stderr is one line starting "itsm: " that
# matches the extended regular expression PATTERN (bash's =~, no process:
# some 300 tests call it).
assert_one_line_error() {
	if [[ $stderr == *$'\n'* ]] || ! [[ $stderr =~ ^itsm:\ .*$1 ]]; then
		printf 'expected one error line matching "%s", got:\n%s\n' \
		    "$1" "$stderr" >&2
		return 1
	fi
}

# --- Added for the end-to-end suite (t0100 .. t0950). ---

# "run --separate-stderr" needs bats 1.5; say so, or bats warns (BW02).
bats_require_minimum_version 1.5.0

# The fields of the JSON ticket object, in order (DESIGN.md section 4).
TICKET_KEYS='["id","ref","type","status","summary","description","caller","affected","channel","contact","service","category","subcategory","impact","urgency","priority","major","tier","group","assignee","opened_at","updated_at","responded_at","resolved_at","closed_at","response_due","resolution_due","resolution","satisfaction","reopen_count","reassignment_count","parent"]'

# The fields of an event in "show --json" (DESIGN.md section 4, and the
# login behind the actor, issue 12).
EVENT_KEYS='["at","recorded_at","actor","login","kind","field","from","to","message"]'

# jq_is FILTER EXPECTED: jq -c FILTER on $output prints exactly EXPECTED.
jq_is() {
	local got
	if ! got=$(printf '%s\n' "$output" | jq -c "$1"); then
		printf 'jq failed on stdout:\n%s\n' "$output" >&2
		return 1
	fi
	if [ "$got" != "$2" ]; then
		printf 'jq %s:\nexpected: %s\nactual:   %s\n' "$1" "$2" "$got" >&2
		return 1
	fi
}

# assert_no_control_bytes: stdout holds no ESC, BEL or C1 control (the
# raw bytes that a terminal acts on).
assert_no_control_bytes() {
	local n
	n=$(printf '%s' "$output" | LC_ALL=C tr -cd '\033\007' | wc -c)
	if [ "$n" != 0 ] || printf '%s' "$output" | LC_ALL=C grep -q $'\xc2[\x80-\x9f]'; then
		echo "raw control bytes in stdout:" >&2
		printf '%s' "$output" | od -c | head -20 >&2
		return 1
	fi
}

# open_ticket ARGS...: opens a ticket (the summary first), fails the test
# when it does not print a ref.
open_ticket() {
	local ref
	ref=$(itsm open "$@") || return 1
	[[ $ref =~ ^(INC|REQ|CHG)-[0-9]+$ ]] || {
		echo "open printed '$ref'" >&2
		return 1
	}
}

# write_policy_4x4 FILE: a complete policy with a 4 x 4 matrix and its own
# level and priority names.
write_policy_4x4() {
	cat >"$1" <<'YAML'
impact:
  - { name: enterprise, rank: 1, description: the whole company }
  - { name: site, rank: 2 }
  - { name: department, rank: 3 }
  - { name: user, rank: 4 }
urgency:
  - { name: critical, rank: 1 }
  - { name: high, rank: 2 }
  - { name: normal, rank: 3 }
  - { name: low, rank: 4 }
priorities:
  - { name: Crit, label: critical, response: 10m, resolution: 2h }
  - { name: High, response: 1h, resolution: 1h30m }
  - { name: Med, response: 4h, resolution: 2d }
  - { name: Low, response: 1d, resolution: 2w }
matrix:
  enterprise: { critical: Crit, high: Crit, normal: High, low: Med }
  site:       { critical: Crit, high: High, normal: Med,  low: Med }
  department: { critical: High, high: Med,  normal: Med,  low: Low }
  user:       { critical: Med,  high: Med,  normal: Low,  low: Low }
YAML
}

# --- Added for issue 3, working a ticket to closure (t1000 .. t2200). ---

# No hooks directory from the caller's environment, and no team's hooks
# from the machine's /etc/itsm/hooks: a test that wants hooks makes its
# own (use_hooks, use_team_hooks).
unset ITSM_HOOKS_DIR
export ITSM_SYSTEM_HOOKS_DIR=/nonexistent/itsm/hooks

# assert_refused MESSAGE DIGEST: the last run was refused by the workflow:
# exit 1, nothing on stdout, exactly MESSAGE on stderr, and the database
# still as DIGEST.
assert_refused() {
	assert_status 1 || return 1
	assert_output "" || return 1
	assert_stderr "$1" || return 1
	assert_unchanged "$2"
}

# assert_rejected STATUS PATTERN DIGEST: the last run failed with STATUS,
# printed nothing on stdout and one error line matching PATTERN, and left
# the database as DIGEST.
assert_rejected() {
	assert_status "$1" || return 1
	assert_output "" || return 1
	assert_one_line_error "$2" || return 1
	assert_unchanged "$3"
}

# ticket_is REF FILTER EXPECTED: jq -c FILTER on "itsm show REF --json"
# prints exactly EXPECTED.
ticket_is() {
	local output
	output=$(itsm show "$1" --json) || return 1
	jq_is "$2" "$3"
}

# count_events SQL-CONDITION: the number of events matching the condition.
count_events() {
	db_sql "SELECT count(*) FROM events WHERE $1"
}

# policy_set KEY VALUE: sets a top-level scalar of the test's policy.
policy_set() {
	sed -i "s/^$1: .*/$1: $2/" "$ITSM_CONFIG"
	grep -q "^$1: $2\$" "$ITSM_CONFIG"
}

# use_hooks: a private hooks directory (mode 755) named by ITSM_HOOKS_DIR.
use_hooks() {
	export ITSM_HOOKS_DIR="$BATS_TEST_TMPDIR/hooks"
	mkdir -p "$ITSM_HOOKS_DIR"
	chmod 755 "$ITSM_HOOKS_DIR"
}

# write_hook NAME BODY [DIR]: an executable shell script (mode 755) named
# NAME in DIR, $ITSM_HOOKS_DIR by default.
write_hook() {
	local dir=${3:-$ITSM_HOOKS_DIR}
	printf '#!/bin/sh\n%s\n' "$2" >"$dir/$1"
	chmod 755 "$dir/$1"
}

# backoff_walk: the outbox's first retries of a delivery (a mail or a
# hook) that failed at 09:00 and fails while $BATS_TEST_TMPDIR/fails
# counts down from 2: itsm notify is silent and tries nothing before it is
# due (1m, then 2m more), and reports attempts 2 and 3 in one line each
# when it is; the last run's stderr is attempt 3's.
backoff_walk() {
	run --separate-stderr itsm notify
	assert_status 0 || return 1
	assert_output "" || return 1
	assert_stderr "" || return 1
	[ "$(cat "$BATS_TEST_TMPDIR/fails")" = 2 ] || return 1
	ITSM_NOW=2026-11-28T09:01:00Z run --separate-stderr itsm notify
	assert_status 0 || return 1
	assert_one_line_error "\(attempt 2\)" || return 1
	ITSM_NOW=2026-11-28T09:02:59Z run --separate-stderr itsm notify
	assert_stderr "" || return 1
	ITSM_NOW=2026-11-28T09:03:00Z run --separate-stderr itsm notify
	assert_status 0 || return 1
	assert_one_line_error "\(attempt 3\)"
}

# use_team_hooks: a private team's hooks directory (mode 755) named by
# ITSM_SYSTEM_HOOKS_DIR, in place of /etc/itsm/hooks.
use_team_hooks() {
	export ITSM_SYSTEM_HOOKS_DIR="$BATS_TEST_TMPDIR/team-hooks"
	mkdir -p "$ITSM_SYSTEM_HOOKS_DIR"
	chmod 755 "$ITSM_SYSTEM_HOOKS_DIR"
}

# --- Added for issue 4, major incidents (t3000-major-*). ---

# open_major OPEN-ARGS...: opens an incident ("itsm open OPEN-ARGS") and
# declares it major, quietly; fails the test when either fails.
open_major() {
	local ref
	ref=$(itsm open "$@") || return 1
	itsm major declare "$ref" >/dev/null
}

# wait_for_line FILE PATTERN: waits (at most 100 x 0.1 s) until a line of
# FILE matches the grep -E PATTERN; fails, showing FILE, when none does.
wait_for_line() {
	local i
	for i in $(seq 100); do
		grep -Eq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	printf 'no line matching "%s" in %s:\n' "$2" "$1" >&2
	cat "$1" >&2
	return 1
}

# wait_for_exit PID: waits (at most 100 x 0.1 s) until process PID has
# exited; kills it and fails when it has not.
wait_for_exit() {
	local i
	for i in $(seq 100); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill "$1" 2>/dev/null
	echo "process $1 still running: killed" >&2
	return 1
}

# hook_log NAME: a hook NAME that appends its JSON input, one compact
# line per run, to $BATS_TEST_TMPDIR/NAME.jsonl (needs use_hooks).
hook_log() {
	write_hook "$1" "jq -c . >>\"$BATS_TEST_TMPDIR/$1.jsonl\""
}

# policy_section NAME < YAML: replaces the top-level section NAME of the
# test's policy (its key line and the indented lines under it) with the
# YAML on standard input.
policy_section() {
	local new
	new=$(cat)
	awk -v name="$1" -v new="$new" '
		$0 ~ "^" name ":" { print new; skip = 1; next }
		skip && /^[^ #]/ { skip = 0 }
		!skip { print }
	' "$ITSM_CONFIG" >"$ITSM_CONFIG.new" && mv "$ITSM_CONFIG.new" "$ITSM_CONFIG"
	grep -q "^$1:" "$ITSM_CONFIG"
}

# Peak memory: a command run at a small and at a large size must not grow.
# need_peak skips without /usr/bin/time and, under AddressSanitizer, stops
# freed memory being held back (quarantined), which would count as growth.
need_peak() {
	[ -x /usr/bin/time ] || skip "no /usr/bin/time"
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
}

# peak NAME CMD...: runs CMD, its peak resident memory kept as NAME.
peak() {
	local name=$1
	shift
	/usr/bin/time -f %M -o "$BATS_TEST_TMPDIR/$name.rss" "$@"
}

# assert_flat_peak SMALL BIG WHAT: the peak of BIG is less than 8 MiB
# above SMALL's. Not under make valgrind ($ITSM_REAL set): the peaks there
# are valgrind's own.
assert_flat_peak() {
	local small big
	[ -z "${ITSM_REAL:-}" ] || return 0
	small=$(tail -n 1 "$BATS_TEST_TMPDIR/$1.rss")
	big=$(tail -n 1 "$BATS_TEST_TMPDIR/$2.rss")
	if [ $((big - small)) -ge 8192 ]; then
		echo "peak memory of $3: $small KiB for $1, $big KiB for $2" >&2
		return 1
	fi
}

# valgrind_waits: under make valgrind ($ITSM_REAL set) each itsm run takes
# seconds, and concurrent writers queue far past the default busy timeout
# (10s): the policy lets them wait up to an hour. Natively, the default
# stands.
valgrind_waits() {
	[ -z "${ITSM_REAL:-}" ] ||
	    printf 'database:\n  busy_timeout: 1h\n' >>"$ITSM_CONFIG"
}

# assert_policy_refused LINE PATTERN: the default policy with LINE added at
# its end is refused by config check (78, nothing on stdout), with one
# error line "bad.yaml:N:COLUMN: ..." at that line, matching grep -E
# PATTERN from the column on.
assert_policy_refused() {
	local bad="$BATS_TEST_TMPDIR/bad.yaml" n
	cp "$TOP/lib/default.yaml" "$bad"
	printf '%s\n' "$1" >>"$bad"
	n=$(wc -l <"$bad")
	run --separate-stderr itsm config check "$bad"
	assert_status 78
	assert_output ""
	assert_one_line_error "bad.yaml:$n:$2"
}

# --- issue 11, the suite itself (infra): itsm run as another user. ---

# itsm_for_others [UID]: for a test that runs itsm as another user (uid
# and gid UID, 65534 by default: nobody; with setpriv(1)): fails, saying
# why, when this test cannot do that (it must run as root, with setpriv),
# rather than pass without checking.  Else it points ITSM, for the rest of the test, at a
# COPY of the binary under test in a new directory of mode 0755 under
# /tmp (or /var/tmp): the checkout itself may be out of that user's reach
# (a home directory of mode 0700 on Debian 12), and its build/itsm with
# it.  Under make valgrind, $ITSM is the script tests/valgrind-itsm,
# which runs $ITSM_REAL: both are copied, and ITSM_REAL points at its
# copy.  The teardown removes the directory with itsm_for_others_done.
itsm_for_others() {
	local d tmp err uid=${1:-65534}
	if [ "$(id -u)" != 0 ]; then
		echo "cannot run this check: it needs root, to run itsm as another user (uid $uid); run the suite as root" >&2
		return 1
	fi
	if ! command -v setpriv >/dev/null; then
		echo "cannot run this check: no setpriv(1) (util-linux) to run itsm as another user" >&2
		return 1
	fi
	for tmp in /tmp /var/tmp; do
		d=$(mktemp -d "$tmp/itsm-bin.XXXXXX") || continue
		ITSM_FOR_OTHERS_DIRS="${ITSM_FOR_OTHERS_DIRS-} $d"
		chmod 755 "$d"
		install -m 755 "$ITSM" "$d/itsm" || return 1
		if [ -n "${ITSM_REAL:-}" ]; then
			install -m 755 "$ITSM_REAL" "$d/itsm-real" || return 1
			export ITSM_REAL="$d/itsm-real"
		fi
		# The copy must run as that user (not where $tmp is noexec).
		if err=$(setpriv --reuid="$uid" --regid="$uid" --clear-groups \
		    "$d/itsm" --version 2>&1 >/dev/null); then
			ITSM="$d/itsm"
			return 0
		fi
	done
	echo "cannot run this check: uid $uid cannot run a copy of itsm under /tmp or /var/tmp: ${err-}" >&2
	return 1
}

# itsm_for_others_done: removes the copies itsm_for_others made.
itsm_for_others_done() {
	local d
	for d in ${ITSM_FOR_OTHERS_DIRS-}; do
		rm -rf "$d"
	done
	ITSM_FOR_OTHERS_DIRS=
}

# --- issue 13: what differs between the engines, said once. ---

# db_schema_version: the schema version of the test's database
# (SQLite's PRAGMA user_version; PostgreSQL's table itsm_schema).
db_schema_version() {
	if on_pg; then
		db_sql 'SELECT version FROM itsm_schema'
	else
		db_sql 'PRAGMA user_version'
	fi
}

# db_set_schema_version N: gives the test's database schema version N,
# as a newer (or broken) itsm would have left it.
db_set_schema_version() {
	if on_pg; then
		db_sql "UPDATE itsm_schema SET version = $1"
	else
		db_sql "PRAGMA user_version = $1"
	fi
}

# db_name: the name of the test's database as itsm's messages give it:
# the path on SQLite, the database's name on PostgreSQL.
db_name() {
	if on_pg; then
		printf '%s\n' "$ITSM_TEST_PGDB"
	else
		printf '%s\n' "$ITSM_DB"
	fi
}

# db_reset: the test's database as it was at the start: no file on
# SQLite; on PostgreSQL, a fresh copy of the template.
db_reset() {
	if on_pg; then
		db_restore "dbname=$ITSM_PG_TEMPLATE"
	else
		rm -f "$ITSM_DB" "$ITSM_DB-wal" "$ITSM_DB-shm"
	fi
}

# db_objects [DB]: the names of the schema's objects (tables, indexes,
# triggers, sequences), sorted, separated by commas: to see that none
# was dropped.
db_objects() {
	if on_pg; then
		db_sql "SELECT string_agg(relname, ',' ORDER BY relname) FROM
		    pg_class WHERE relnamespace = current_schema()::regnamespace" "$@"
	else
		db_sql "SELECT group_concat(name) FROM (SELECT name FROM
		    sqlite_master ORDER BY name)" "$@"
	fi
}

# db_in DB SQL: db_sql SQL on DB (an ITSM_DB), in sqlite3's order.
db_in() {
	db_sql "$2" "$1"
}

# --- Issue 13: the login itsm records. ---

# itsm_login: the login itsm records beside every event, the default
# actor: the process's user on SQLite, the user the server authenticated
# (session_user) on PostgreSQL.
itsm_login() {
	if on_pg; then
		psql -XAtq -d "$ITSM_DB" -c "SELECT session_user"
	else
		id -un 2>/dev/null || id -u
	fi
}

# --- Issue 13: files with a PostgreSQL server of their own
# (tests/pg-cluster.sh: a standby, a restart, login roles), run in the
# SQLite pass of the suite only. ---

# own_pg_start NAME: in setup_file, a primary server in a new directory
# /tmp/itsm-NAME.XXXXXX (PGC_DIR; SU the superuser's connection, without
# a database), both exported; nothing in the PostgreSQL pass.
own_pg_start() {
	[ "${ITSM_TEST_ENGINE-}" = pg ] && return 0
	PGC_DIR=$(mktemp -d "/tmp/itsm-$1.XXXXXX")
	chmod 711 "$PGC_DIR"	# the server's user reaches its directory
	export PGC_DIR SU="host=$PGC_DIR/p user=postgres"
	sh "$TOP/tests/pg-cluster.sh" primary "$PGC_DIR/p"
}

# own_pg_stop: in teardown_file, stops the servers (a standby's too) and
# removes their directory.
own_pg_stop() {
	[ -n "${PGC_DIR-}" ] || return 0
	[ -d "$PGC_DIR/s" ] && sh "$TOP/tests/pg-cluster.sh" stop "$PGC_DIR/s"
	sh "$TOP/tests/pg-cluster.sh" stop "$PGC_DIR/p"
	rm -rf "$PGC_DIR"
}

# own_pg_setup: setup() of such a file: skipped in the PostgreSQL pass,
# else the test's home, the default policy, the fixed clock, and no
# ITSM_DB (each test names its database).
own_pg_setup() {
	if [ "${ITSM_TEST_ENGINE-}" = pg ]; then
		skip "runs in the SQLite pass (a server of its own)"
	fi
	trace_test_only
	export HOME="$BATS_TEST_TMPDIR"
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS ITSM_DB TZ
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	export ITSM_NOW=2026-11-28T09:00:00Z LC_ALL=C.UTF-8
}

# --- issue 15 (t0950, t2060): another client holding the writers' lock. ---

# hold_lock: another client (sqlite3, or psql) takes the write lock and
# keeps it until release_lock; returns once the lock is held.  On
# PostgreSQL the writers' lock is the transaction's advisory lock that
# every itsm writer takes (PG_WRITE_LOCK in lib/pg/pg.c).
hold_lock() {
	local i
	rm -f "$BATS_TEST_TMPDIR/locked" "$BATS_TEST_TMPDIR/release"
	mkfifo "$BATS_TEST_TMPDIR/release"
	printf 'touch "%s/locked"\nread -r x <"%s/release"\n' \
	    "$BATS_TEST_TMPDIR" "$BATS_TEST_TMPDIR" >"$BATS_TEST_TMPDIR/hold.sh"
	if on_pg; then
		printf 'BEGIN;\nSELECT pg_advisory_xact_lock(1769239405);\n\\! sh %s/hold.sh\nCOMMIT;\n' \
		    "$BATS_TEST_TMPDIR" | db_sql >/dev/null 2>&1 3>&- &
	else
		printf 'BEGIN IMMEDIATE;\n.shell sh %s/hold.sh\nCOMMIT;\n' \
		    "$BATS_TEST_TMPDIR" | db_sql >/dev/null 2>&1 3>&- &
	fi
	HOLDER=$!
	for i in $(seq 600); do
		[ -e "$BATS_TEST_TMPDIR/locked" ] && return 0
		sleep 0.05
	done
	echo "the other client never took the lock" >&2
	return 1
}

release_lock() {
	echo >"$BATS_TEST_TMPDIR/release"
	wait "$HOLDER"
}

# --- issue 15 (t2060, t2070): a mail to the desk. ---

# msg FROM SUBJECT [HEADER...]: a plain message on stdout, its body from
# $BODY (default "Hello"), Message-ID <$ID@example.com> ($ID default m1),
# Date 27 Nov 2026 (before the tests' clock).
msg() {
	local from=$1 subject=$2 h
	shift 2
	printf 'From: %s\nTo: desk@example.org\nSubject: %s\n' "$from" "$subject"
	printf 'Date: Fri, 27 Nov 2026 10:00:00 +0000\n'
	printf 'Message-ID: <%s@example.com>\n' "${ID:-m1}"
	for h in "$@"; do
		printf '%s\n' "$h"
	done
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n%s\n' \
	    "${BODY:-Hello}"
}

# use_mail [MORE]: a mail section in the test's policy (MORE: lines
# under it) and a sendmail that keeps each message in $MAILDIR/N.eml
# (t2060, t2065).
use_mail() {
	export MAILDIR="$BATS_TEST_TMPDIR/mail"
	mkdir -p "$MAILDIR"
	cat >"$BATS_TEST_TMPDIR/sendmail" <<'EOF'
#!/bin/sh
d=$(dirname "$0")/mail
n=$(($(ls "$d" | grep -c '\.eml$') + 1))
cat >"$d/$n.eml"
EOF
	chmod 755 "$BATS_TEST_TMPDIR/sendmail"
	export ITSM_SENDMAIL="$BATS_TEST_TMPDIR/sendmail -t -i"
	cat >>"$ITSM_CONFIG" <<EOF
mail:
  from: {address: desk@example.org, name: Service desk}
  domain: itsm.example.org
  confirm: ["yes", oui, "it works"]
${1-}
EOF
}
