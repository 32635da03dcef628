#!/usr/bin/env bats
# PostgreSQL: a read-only hot standby serves the reading commands, and
# refuses the writing ones with one line (issue 13).  The file starts its
# own primary and standby (tests/pg-cluster.sh), whatever engine the rest
# of the suite runs on.

load helper

setup_file() {
	own_pg_start standby
	[ -n "${PGC_DIR-}" ] || return 0	# the PostgreSQL pass
	psql -XAtq "$SU dbname=postgres" -c "CREATE DATABASE desk" >/dev/null
	export PRIMARY="$SU dbname=desk"
	export STANDBY="host=$PGC_DIR/s dbname=desk user=postgres"
	# A desk's morning on the primary.
	(
		BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR own_pg_setup
		export ITSM_DB="$PRIMARY"
		pg_db_init
		itsm open "mail is down" --caller ann --service mail >/dev/null
		itsm open "printer jam" --caller bob >/dev/null
		itsm open "vpn drops" --caller cid --service vpn >/dev/null
		itsm prioritize 1 --impact 1 --urgency 1 >/dev/null
		itsm prioritize 2 --impact 3 --urgency 3 >/dev/null
		itsm assign 2 --to dave >/dev/null
		itsm note 2 -m "toner replaced" >/dev/null
		itsm resolve 2 --permanent -m "jam cleared" --code solved >/dev/null
		itsm major declare 1 -m "whole company without mail" >/dev/null
	)
	sh "$TOP/tests/pg-cluster.sh" standby "$PGC_DIR/s" "$PGC_DIR/p"
	sh "$TOP/tests/pg-cluster.sh" sync "$PGC_DIR/s" "$PGC_DIR/p"
}

teardown_file() {
	own_pg_stop
}

setup() {
	own_pg_setup
	export ITSM_NOW=2026-11-28T12:00:00Z
}

# pg_db_init: the itsm schema in the empty database ITSM_DB names.
pg_db_init() {
	itsm db init >/dev/null
}

# standby_digest: the whole history, as the standby has it.
standby_digest() {
	itsm --db "$STANDBY" export | sha256sum
}

@test "the reading commands on a hot standby show what the primary has" {
	for cmd in "list" "list --all" "show 1" "show 2 --json" "next" \
	    "stats" "stats --by priority" "export" "major status" \
	    "major status 1" "major report 1"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm --db "$PRIMARY" $cmd
		assert_status 0
		want=$output
		[ -n "$want" ]
		# shellcheck disable=SC2086
		run --separate-stderr itsm --db "$STANDBY" $cmd
		assert_status 0
		assert_stderr ""
		assert_output "$want"
	done
}

@test "the writing commands on a hot standby fail with one line, 77, writing nothing" {
	before=$(standby_digest)
	printf '{"id":9,"type":"incident","status":"new","summary":"s","caller":"c","opened_at":"2026-11-01T00:00:00Z","updated_at":"2026-11-01T00:00:00Z"}\n' \
	    >"$BATS_TEST_TMPDIR/one.jsonl"
	for cmd in "open x --caller y" "note 3 -m hi" "assign 3 --to erin" \
	    "prioritize 3 --impact 2 --urgency 2" "cancel 3 -m duplicate" \
	    "escalate --stagnant" "close --auto" "major detect" \
	    "major update 1 -m still-down" "import $BATS_TEST_TMPDIR/one.jsonl"; do
		# shellcheck disable=SC2086
		run --separate-stderr itsm --db "$STANDBY" $cmd
		assert_status 77
		assert_output ""
		assert_one_line_error "cannot write database 'desk': the server is read-only"
	done
	[ "$(standby_digest)" = "$before" ]
	[ "$(itsm --db "$PRIMARY" export | sha256sum)" = "$before" ]
}
