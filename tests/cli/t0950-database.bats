#!/usr/bin/env bats
# The database: versioned schema, refusal of what is not ours, the
# append-only history, and concurrent writers.

load helper

@test "a database with a newer schema is refused: 74, saying newer" {
	open_ticket "x" --caller y
	sqlite3 "$ITSM_DB" 'PRAGMA user_version=99'
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
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')" = 99 ]
}

@test "a file that is not SQLite is refused: 74, and left alone" {
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

@test "an empty file is a new database" {
	: >"$BATS_TEST_TMPDIR/empty.db"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/empty.db" open x --caller y
	assert_status 0
	assert_output "INC-1"
}

@test "random bytes are not a database either: 74" {
	head -c 16384 /dev/urandom >"$BATS_TEST_TMPDIR/random.db"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/random.db" list
	assert_status 74
	assert_one_line_error "random.db"
}

@test "a database in a directory that does not exist: 74" {
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/no/such/dir/itsm.db" list
	assert_status 74
	assert_output ""
	assert_one_line_error "no/such/dir/itsm.db"
}

@test "a database created by itsm carries its schema version and WAL mode" {
	open_ticket "x" --caller y
	v=$(sqlite3 "$ITSM_DB" 'PRAGMA user_version')
	[ "$v" -ge 1 ]
	[ "$(sqlite3 "$ITSM_DB" 'PRAGMA journal_mode')" = wal ]
}

@test "the history is append-only: events cannot be changed or deleted" {
	open_ticket "x" --caller y
	before=$(db_digest)
	run sqlite3 "$ITSM_DB" "UPDATE events SET actor = 'mallory'"
	[ "$status" != 0 ]
	run sqlite3 "$ITSM_DB" "DELETE FROM events"
	[ "$status" != 0 ]
	run sqlite3 "$ITSM_DB" "DELETE FROM tickets"
	[ "$status" != 0 ]
	assert_unchanged "$before"
}

@test "concurrency: 4 processes opening 25 tickets each give refs 1..100, no error" {
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
	[ "$(sqlite3 "$ITSM_DB" 'SELECT count(*), min(id), max(id) FROM tickets')" = "100|1|100" ]
	[ "$(sqlite3 "$ITSM_DB" "SELECT count(*) FROM events WHERE kind = 'open'")" = 100 ]
}
