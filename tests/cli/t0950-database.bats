#!/usr/bin/env bats
# The database: versioned schema, refusal of what is not ours, the
# append-only history, and concurrent writers.

load helper

@test "a database with a newer schema is refused: 74, saying newer" {
	open_ticket "x" --caller y
	db_set_schema_version 99
	before=$(db_digest)
	for cmd in "list" "show 1" "open z --caller w" \
	    "prioritize 1 --impact 1 --urgency 1" "categorize 1 --type request"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_status 74
		assert_output ""
		assert_one_line_error "newer"
	done
	assert_unchanged "$before"
	[ "$(db_schema_version)" = 99 ]
}

@test "a file that is not SQLite is refused: 74, and left alone" {
	sqlite_only "a file"
	printf 'this is not a database\n' >"$BATS_TEST_TMPDIR/text.db"
	cp "$BATS_TEST_TMPDIR/text.db" "$BATS_TEST_TMPDIR/orig"
	for cmd in "list" "show 1" "open z --caller w"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/text.db" $cmd
		assert_status 74
		assert_output ""
		assert_one_line_error "text.db"
	done
	cmp "$BATS_TEST_TMPDIR/text.db" "$BATS_TEST_TMPDIR/orig"
}

@test "an SQLite database of another application is refused: 74, and left alone" {
	sqlite_only "an SQLite file; PostgreSQL's case follows"
	sqlite3 "$BATS_TEST_TMPDIR/app.db" 'CREATE TABLE tickets (x); INSERT INTO tickets VALUES (1)'
	sqlite3 "$BATS_TEST_TMPDIR/other.db" 'CREATE TABLE notes (x)'
	for db in app other; do
		cp "$BATS_TEST_TMPDIR/$db.db" "$BATS_TEST_TMPDIR/orig"
		for cmd in "list" "open z --caller w"; do
			# shellcheck disable=SC2086
			run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/$db.db" $cmd
			assert_status 74
			assert_output ""
			assert_one_line_error "$db.db' is not an itsm database"
		done
		cmp "$BATS_TEST_TMPDIR/$db.db" "$BATS_TEST_TMPDIR/orig"
	done
}

@test "a PostgreSQL database of another application is refused: 74, and left alone" {
	pg_only "the case of the SQLite file above"
	local other
	other=$(pg_name t other)
	# A database without itsm's schema: from template0, not the template.
	pg_admin "CREATE DATABASE \"$other\" TEMPLATE template0"
	db_sql 'CREATE TABLE notes (x integer); INSERT INTO notes VALUES (1)' \
	    "dbname=$other"
	before=$(ITSM_DB="dbname=$other" db_digest)
	for cmd in "list" "open z --caller w"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm --db "dbname=$other" $cmd
		assert_status 74
		assert_output ""
		assert_one_line_error "$other' is not an itsm database"
	done
	[ "$(ITSM_DB="dbname=$other" db_digest)" = "$before" ]
	pg_admin "DROP DATABASE \"$other\""
}

@test "an empty file is a new database" {
	sqlite_only "a file"
	: >"$BATS_TEST_TMPDIR/empty.db"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/empty.db" open x --caller y
	assert_status 0
	assert_output "INC-1"
}

@test "random bytes are not a database either: 74" {
	sqlite_only "a file"
	head -c 16384 /dev/urandom >"$BATS_TEST_TMPDIR/random.db"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/random.db" list
	assert_status 74
	assert_one_line_error "random.db"
}

@test "a database in a directory that does not exist: 74" {
	sqlite_only "a path"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/no/such/dir/itsm.db" list
	assert_status 74
	assert_output ""
	assert_one_line_error "no/such/dir/itsm.db"
}

@test "a database created by itsm carries its schema version and WAL mode" {
	open_ticket "x" --caller y
	v=$(db_schema_version)
	[ "$v" -ge 1 ]
	on_pg || [ "$(db_sql 'PRAGMA journal_mode')" = wal ]
}

@test "the history is append-only: events cannot be changed or deleted" {
	open_ticket "x" --caller y
	before=$(db_digest)
	run db_sql "UPDATE events SET actor = 'mallory'"
	[ "$status" != 0 ]
	run db_sql "DELETE FROM events"
	[ "$status" != 0 ]
	run db_sql "DELETE FROM tickets"
	[ "$status" != 0 ]
	assert_unchanged "$before"
}

@test "concurrency: 4 processes opening 25 tickets each give refs 1..100, no error" {
	valgrind_waits
	open_ticket "creates the database" --caller setup
	for p in 1 2 3 4; do
		(
			for n in $(seq 25); do
				itsm open "p$p n$n" --caller "c$p" -q \
				    >>"$BATS_TEST_TMPDIR/out.$p" \
				    2>>"$BATS_TEST_TMPDIR/err.$p" ||
				    echo "exit $? on p$p n$n" >>"$BATS_TEST_TMPDIR/err.$p"
			done
		) &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/err.* >&2
	[ ! -s "$BATS_TEST_TMPDIR/err.1" ] && [ ! -s "$BATS_TEST_TMPDIR/err.2" ] &&
	    [ ! -s "$BATS_TEST_TMPDIR/err.3" ] && [ ! -s "$BATS_TEST_TMPDIR/err.4" ]
	# 100 refs printed, all different, exactly INC-2 .. INC-101.
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | wc -l)" = 100 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -u | wc -l)" = 100 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -t- -k2n | tr '\n' ' ')" = \
	    "$(seq 2 101 | sed 's/^/INC-/' | tr '\n' ' ')" ]
	# Each process's refs increase (one transaction per command).
	for p in 1 2 3 4; do
		sort -t- -k2n -c "$BATS_TEST_TMPDIR/out.$p"
	done
	run --separate-stderr itsm list --all -q
	[ "${#lines[@]}" = 101 ]
	run --separate-stderr itsm list --all --json
	jq_is 'length' '101'
	jq_is '[.[] | .summary | select(startswith("p"))] | length' '100'
}

@test "concurrency from an empty start: 4 processes creating the database at once" {
	valgrind_waits
	for p in 1 2 3 4; do
		(
			for n in $(seq 25); do
				itsm open "p$p n$n" --caller "c$p" -q \
				    >>"$BATS_TEST_TMPDIR/out.$p" \
				    2>>"$BATS_TEST_TMPDIR/err.$p" ||
				    echo "exit $? on p$p n$n" >>"$BATS_TEST_TMPDIR/err.$p"
			done
		) &
	done
	wait
	cat "$BATS_TEST_TMPDIR"/err.* >&2
	[ ! -s "$BATS_TEST_TMPDIR/err.1" ] && [ ! -s "$BATS_TEST_TMPDIR/err.2" ] &&
	    [ ! -s "$BATS_TEST_TMPDIR/err.3" ] && [ ! -s "$BATS_TEST_TMPDIR/err.4" ]
	[ "$(cat "$BATS_TEST_TMPDIR"/out.* | sort -t- -k2n | tr '\n' ' ')" = \
	    "$(seq 1 100 | sed 's/^/INC-/' | tr '\n' ' ')" ]
	[ "$(db_sql 'SELECT count(*), min(id), max(id) FROM tickets')" = "100|1|100" ]
	[ "$(db_sql "SELECT count(*) FROM events WHERE kind = 'open'")" = 100 ]
}

# A lock left held by a failed test is let go.
teardown() {
	if [ -n "${HOLDER:-}" ] && kill -0 "$HOLDER" 2>/dev/null; then
		echo 1<>"$BATS_TEST_TMPDIR/release"
	fi
	db_teardown
}

@test "database: {busy_timeout: 1s}: a writer gives up after a second of another's lock: 75, one line, nothing changed" {
	open_ticket "Mail down" --caller alice
	printf 'database:\n  busy_timeout: 1s\n' >>"$ITSM_CONFIG"
	run --separate-stderr itsm config show
	printf '%s\n' "$output" | grep -qx 'database: {share: owner, busy_timeout: 1s}'
	before=$(db_digest)
	hold_lock
	# The lock is let go after 8 s: waiting the default 10 s, each command
	# would get it and succeed; waiting 1 s, each gives up.
	# (Opened for reading and writing, the fifo never blocks: should the
	# holder be gone, a failed test is not held up by this.)
	(sleep 8; echo 1<>"$BATS_TEST_TMPDIR/release") &
	for cmd in "note 1 -m looking" "open z --caller w" "escalate --stagnant"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_status 75
		assert_output ""
		if on_pg; then
			assert_one_line_error "database '$ITSM_TEST_PGDB' is busy: retry later"
		else
			assert_one_line_error "database '.*itsm\.db' is busy: retry later"
		fi
	done
	# Commands that only read do not wait.
	for cmd in "list" "show 1" "next" "export" "stats" "major status"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_status 0
		[ -z "$stderr" ]
	done
	wait
	assert_unchanged "$before"
	run --separate-stderr itsm note 1 -m looking
	assert_status 0
}

@test "database: {busy_timeout: 1h}: a writer waits for another's lock, then writes" {
	open_ticket "Mail down" --caller alice
	printf 'database:\n  busy_timeout: 1h\n' >>"$ITSM_CONFIG"
	hold_lock
	itsm note 1 -m looking >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	sleep 2
	kill -0 "$pid"		# still waiting
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	release_lock
	wait "$pid"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = INC-1 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	ticket_is 1 '.events[-2].message' '"looking"'
}

@test "database: busy_timeout out of range or not a duration: 78, one line at the value" {
	for bad in "{busy_timeout: 0s}" "{busy_timeout: 2h}" "{busy_timeout: soon}" \
	    "{busy_timeout: [1s]}" "{busy_timeout: -5s}"; do
		assert_policy_refused "database: $bad" "26: .*busy_timeout"
		run --separate-stderr itsm --config "$BATS_TEST_TMPDIR/bad.yaml" list
		assert_status 78
	done
	assert_nothing_stored
}
