#!/usr/bin/env bats
# Where no database exists yet (itsm(1), FILES): a path SQLite would not
# keep in a file is refused; reading finds no ticket and creates nothing;
# a command that fails, or changes nothing, leaves no database, no -wal or
# -shm file and no directory behind; the first change creates it, whole.
# And a database whose schema itsm cannot use is refused with 74.

load helper

# A home of its own beside the database: no_database lists what else is
# left in the test's directory.
eval "base_$(declare -f setup)"
setup() {
	base_setup
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
}

# no_database: nothing named after the database beside it, no directory
# left in the test's own either; on PostgreSQL, nothing written to the
# test's database.
no_database() {
	local left
	if on_pg; then
		assert_nothing_stored
		return
	fi
	left=$(cd "$BATS_TEST_TMPDIR" && ls -A | grep -v -x -e home -e policy.yaml -e cwd \
	    -e 'separate-stderr-.*' || true)
	if [ -n "$left" ]; then
		printf 'left behind:\n%s\n' "$left" >&2
		return 1
	fi
}

# A run with the old binary may leave SQLite's files beside /dev/null.
teardown() {
	local f
	for f in /dev/null-journal /dev/null-wal /dev/null-shm; do
		if [ -f "$f" ] && [ -n "${devnull_was-}" ] &&
		    [[ $devnull_was != *"$f"* ]]; then
			rm -f "$f"
		fi
	done
	db_teardown
}

@test "paths SQLite keeps no file for (empty, :memory:, file: URIs, /dev/null): 74, one line, nothing created" {
	sqlite_only "paths"
	devnull_was="$(ls /dev/null-* 2>/dev/null | tr '\n' ' ') ."
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	for path in "" ":memory:" "file:x.db" "file:x.db?mode=memory" \
	    "file:$BATS_TEST_TMPDIR/uri.db" /dev/null; do
		for cmd in "open x --caller y" "list" "show 1"; do
			# shellcheck disable=SC2086
			run --separate-stderr itsm --db "$path" $cmd
			assert_status 74
			assert_output ""
			assert_one_line_error "cannot use database '"
			[[ $stderr == "itsm: cannot use database '$path': "* ]]
			# shellcheck disable=SC2086
			ITSM_DB="$path" run --separate-stderr itsm $cmd
			assert_status 74
			assert_one_line_error "cannot use database '"
			[[ $stderr == "itsm: cannot use database '$path': "* ]]
		done
	done
	[ -z "$(ls -A)" ]
	[ ! -e /dev/null-journal ] || [[ $devnull_was == *null-journal* ]]
	no_database
}

@test "the messages say why: an empty path, a URI or memory, not a regular file" {
	sqlite_only "paths"
	run --separate-stderr itsm --db "" list
	assert_stderr "itsm: cannot use database '': the path is empty"
	ITSM_DB= run --separate-stderr itsm list
	assert_stderr "itsm: cannot use database '': the path is empty"
	run --separate-stderr itsm --db :memory: list
	assert_stderr "itsm: cannot use database ':memory:': SQLite would not keep it in that file (name the file as './:memory:')"
	mkdir "$BATS_TEST_TMPDIR/dir.db"
	run --separate-stderr itsm --db "$BATS_TEST_TMPDIR/dir.db" open x --caller y
	assert_status 74
	assert_stderr "itsm: cannot use database '$BATS_TEST_TMPDIR/dir.db': not a regular file"
	rmdir "$BATS_TEST_TMPDIR/dir.db"
	# Named with its directory, such a name is a file like any other.
	mkdir "$BATS_TEST_TMPDIR/cwd"
	cd "$BATS_TEST_TMPDIR/cwd"
	run --separate-stderr itsm --db ./:memory: open x --caller y
	assert_status 0
	assert_output "INC-1"
	[ -s "./:memory:" ]
}

@test "reading where there is no database: list and export print nothing, show 66, stats counts nothing; nothing created" {
	for cmd in "list" "list --all" "export" "next" "major status"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_status 0
		assert_output ""
		assert_stderr ""
	done
	run --separate-stderr itsm stats --json
	assert_status 0
	jq_is '.total.opened' '0'
	run --separate-stderr itsm show 42
	assert_status 66
	assert_output ""
	assert_one_line_error "no such ticket: '42'"
	no_database
}

@test "a command that fails creates no database: bad values, no such ticket, an import that cannot be read" {
	for cmd in "open x --caller y --impact bogus --urgency 1" \
	    "open x --caller y --at 2030-01-01" \
	    "note 42 -m x" "show 42" "assign 42 --to ann" \
	    "prioritize 42 --impact 1 --urgency 1" "resolve 42 --code fixed -m x" \
	    "close 42 --confirmed" "hold 42 --reason awaiting_caller" \
	    "major declare 42" "import /no/such/file" \
	    "import $BATS_TEST_TMPDIR/home"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		[ "$status" -ne 0 ]
		assert_output ""
		assert_one_line_error ""
		no_database
	done
}

@test "a change that does not commit, or nothing to change: no database either" {
	# A sweep with nothing to do writes nothing.
	run --separate-stderr itsm escalate --stagnant --breached
	assert_status 0
	no_database
	# An import refused at its second line: nothing of the first is kept.
	printf '%s\n' '{"ref":"INC-1","summary":"a","caller":"c","affected":"c","opened_at":"2026-11-01T00:00:00Z"}' \
	    'not json' >"$BATS_TEST_TMPDIR/home/bad.jsonl"
	run --separate-stderr itsm import "$BATS_TEST_TMPDIR/home/bad.jsonl"
	assert_status 65
	no_database
}

@test "the default database: a failed command leaves none of the directories it would have made" {
	sqlite_only "the default database is a file"
	unset ITSM_DB
	for cmd in "list" "show 1" "open x --caller y --impact bogus --urgency 1" "note 1 -m x"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		[ ! -e "$HOME/.local" ]
	done
	export XDG_DATA_HOME="$BATS_TEST_TMPDIR/home/xdg"
	run --separate-stderr itsm note 1 -m x
	assert_status 66
	[ ! -e "$XDG_DATA_HOME" ]
	run --separate-stderr itsm open x --caller y
	assert_status 0
	[ -f "$XDG_DATA_HOME/itsm/itsm.db" ]
}

@test "the first change creates the database whole: schema, WAL, the ticket, no temporary file" {
	run --separate-stderr itsm list
	assert_status 0
	no_database
	run --separate-stderr itsm open x --caller y
	assert_status 0
	assert_output "INC-1"
	[ "$(db_schema_version)" -ge 6 ]
	on_pg || [ "$(db_sql 'PRAGMA journal_mode')" = wal ]
	[ "$(db_sql 'SELECT summary FROM tickets')" = x ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.new-' || true)" ]
	# The same command goes on in the file: its hooks and a second write.
	run --separate-stderr itsm import /dev/null
	assert_status 0
}

@test "creating at once while others fail: every ticket kept, no temporary file left" {
	run --separate-stderr itsm note 99 -m x
	assert_status 66
	no_database
	for p in 1 2 3 4; do
		(
			for n in $(seq 10); do
				itsm note 99 -m x 2>/dev/null || true
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
	[ "$(db_sql 'SELECT count(*), min(id), max(id) FROM tickets')" = "40|1|40" ]
	[ -z "$(ls "$BATS_TEST_TMPDIR" | grep '\.new-' || true)" ]
}

# --- A database itsm cannot use: 74, one line, left untouched. ---

@test "a schema version below 0: 74, one line saying so, unchanged" {
	open_ticket "x" --caller y
	db_set_schema_version -1
	before=$(db_digest)
	for cmd in "list" "show 1" "open z --caller w" "note 1 -m x" "export"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_rejected 74 "'$(db_name)' is not a valid itsm database: its schema version is -1$" "$before"
	done
	[ "$(db_schema_version)" = -1 ]
}

@test "a schema without one of its tables or columns: 74, one line naming it, unchanged" {
	open_ticket "x" --caller y
	on_pg || cp "$ITSM_DB" "$BATS_TEST_TMPDIR/good.db"
	db_sql 'DROP TABLE major_actions'
	before=$(db_digest)
	for cmd in "list" "show 1" "major status" "note 1 -m x"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm $cmd
		assert_rejected 74 "'$(db_name)' is not a valid itsm database: no such table: major_actions$" "$before"
	done
	if on_pg; then
		db_restore "dbname=$ITSM_PG_TEMPLATE"
		open_ticket "x" --caller y
	else
		cp "$BATS_TEST_TMPDIR/good.db" "$ITSM_DB"
		rm -f "$ITSM_DB-wal" "$ITSM_DB-shm"
	fi
	db_sql 'ALTER TABLE events DROP COLUMN message'
	before=$(db_digest)
	run --separate-stderr itsm list
	assert_rejected 74 "'$(db_name)' is not a valid itsm database: no such column: e.message$" "$before"
}
