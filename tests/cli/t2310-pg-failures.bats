#!/usr/bin/env bats
# PostgreSQL: what goes wrong with a server (issue 13).  A server
# restarted while itsm waits for the writers' lock, a server that is
# down, a failed authentication, a wrong password, an unknown database:
# one line each, exit 74 or 77, nothing written.  The file starts its own
# server (tests/pg-cluster.sh), whatever engine the rest of the suite
# runs on, and restarts it.

load helper

setup_file() {
	own_pg_start failures
	[ -n "${PGC_DIR-}" ] || return 0	# the PostgreSQL pass
	psql -XAtq -v ON_ERROR_STOP=1 "$SU dbname=postgres" >/dev/null <<-'SQL'
	CREATE DATABASE desk;
	CREATE ROLE pwuser LOGIN PASSWORD 'right';
	SQL
	# pwuser logs in with a password (SCRAM), the others are trusted.
	sed -i '1i local all pwuser scram-sha-256' "$PGC_DIR/p/data/pg_hba.conf"
	psql -XAtq "$SU dbname=postgres" -c "SELECT pg_reload_conf()" >/dev/null
	printf '%s' "$DEFAULT_POLICY" >"$PGC_DIR/policy.yaml"
	ITSM_DB="$SU dbname=desk" ITSM_CONFIG=$PGC_DIR/policy.yaml \
	    "$ITSM" -q db init
	psql -XAtq "$SU dbname=postgres" -c "GRANT itsm_technician TO pwuser" \
	    >/dev/null
}

teardown_file() {
	own_pg_stop
}

setup() {
	own_pg_setup
	printf '%s\ndatabase:\n  busy_timeout: 60s\n' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	export ITSM_DB="$SU dbname=desk"
}

# count: the tickets and events of desk.
count() {
	psql -XAtq "$SU dbname=desk" -c \
	    "SELECT (SELECT count(*) FROM tickets) || '/' || (SELECT count(*) FROM events)"
}

@test "a server restarted while itsm waits for the writers' lock: one line, 74, nothing written" {
	itsm open "before" --caller ann >/dev/null
	before=$(count)
	# Another session holds the writers' advisory lock.
	psql -XAtq "$SU dbname=desk" -c "SELECT pg_advisory_lock(1769239405)" \
	    -c "SELECT pg_sleep(120)" >/dev/null 2>&1 &
	holder=$!
	until [ "$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ]; do
		sleep 0.1
	done
	"$ITSM" open "during" --caller bob >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	writer=$!
	# The writer waits for the lock, then the server restarts.
	until [ "$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")" = 1 ]; do
		sleep 0.1
	done
	as_owner_restart
	rc=0
	wait "$writer" || rc=$?
	wait "$holder" || true
	[ "$rc" = 74 ]
	[ ! -s "$BATS_TEST_TMPDIR/out" ]
	stderr=$(cat "$BATS_TEST_TMPDIR/err")
	assert_one_line_error "cannot start a transaction: lost the connection to database 'desk': terminating connection due to administrator command$"
	[ "$(count)" = "$before" ]
	# The server is back: the next command works.
	run --separate-stderr itsm open "after" --caller cid
	assert_status 0
	assert_output "INC-2"
}

# as_owner_restart: restarts the test's server, fast.
as_owner_restart() {
	local ctl
	ctl="$(pg_config --bindir)/pg_ctl -D '$PGC_DIR/p/data' -l '$PGC_DIR/p/log' -m fast -w restart"
	if [ "$(id -u)" = 0 ]; then
		su postgres -s /bin/sh -c "$ctl" >/dev/null
	else
		sh -c "$ctl" >/dev/null
	fi
}

@test "a wrong password, no password, an unknown user: one line, 77, the password never shown" {
	before=$(count)
	for db in "$SU dbname=desk user=pwuser password=wrong" \
	    "host=$PGC_DIR/p dbname=desk user=pwuser password=wrong" \
	    "postgresql://pwuser:wrong@/desk?host=$PGC_DIR/p"; do
		run --separate-stderr itsm --db "$db" open x --caller y
		assert_status 77
		assert_output ""
		assert_one_line_error "cannot open database 'desk': password authentication failed for user \"pwuser\""
		[[ $stderr != *wrong* ]]
	done
	run --separate-stderr env PGPASSWORD= "$ITSM" --db "host=$PGC_DIR/p dbname=desk user=pwuser" list
	assert_status 77
	assert_one_line_error "cannot open database 'desk': .*password"
	run --separate-stderr itsm --db "host=$PGC_DIR/p dbname=desk user=nobody" list
	assert_status 77
	assert_one_line_error "cannot open database 'desk': role \"nobody\" does not exist"
	# The right password: a technician, whose tickets are recorded as such.
	run --separate-stderr env -u ITSM_NOW "$ITSM" --db "host=$PGC_DIR/p dbname=desk user=pwuser password=right" open x --caller y
	assert_status 0
	[ "$(psql -XAtq "$SU dbname=desk" -c "SELECT actor FROM events ORDER BY id DESC LIMIT 1")" = pwuser ]
}

@test "an unknown database, a server that is down: one line, 74" {
	run --separate-stderr itsm --db "$SU dbname=nosuchdb" list
	assert_status 74
	assert_output ""
	assert_one_line_error "cannot open database 'nosuchdb': database \"nosuchdb\" does not exist"
	run --separate-stderr itsm --db "host=$PGC_DIR/nowhere dbname=desk" open x --caller y
	assert_status 74
	assert_one_line_error "cannot open database 'desk': .*No such file or directory"
}

@test "a deadlock with another session is retried inside itsm, never shown" {
	itsm open "deadlocked" --caller ann >/dev/null
	before=$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM events WHERE kind = 'note'")
	# Another program's session, driven line by line: it holds the
	# ticket's row, and will want the writers' lock itsm holds.  Its own
	# deadlock check waits a minute; itsm's five seconds: itsm's
	# transaction is the one the server undoes.
	mkfifo "$BATS_TEST_TMPDIR/x.in"
	psql -XAtq "$SU dbname=desk" <"$BATS_TEST_TMPDIR/x.in" \
	    >"$BATS_TEST_TMPDIR/x.out" 2>&1 3>&- &
	other=$!
	exec 4>"$BATS_TEST_TMPDIR/x.in"
	echo "SET deadlock_timeout = '60s'; BEGIN; UPDATE tickets SET summary = summary WHERE id = 1; SELECT 'holding';" >&4
	until grep -q holding "$BATS_TEST_TMPDIR/x.out"; do sleep 0.05; done
	PGOPTIONS="-c deadlock_timeout=5s" "$ITSM" note INC-1 -m "through a deadlock" \
	    >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" 3>&- &
	writer=$!
	# itsm holds the writers' lock and waits for the row: close the cycle.
	until [ "$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE tickets%'")" -ge 1 ] &&
	    [ "$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" = 1 ]; do
		sleep 0.05
	done
	echo "SELECT pg_advisory_xact_lock(1769239405); COMMIT; SELECT 'committed';" >&4
	exec 4>&-
	rc=0
	wait "$writer" || rc=$?
	wait "$other"
	[ "$rc" = 0 ] || { cat "$BATS_TEST_TMPDIR/err" >&2; false; }
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	# The other session went through: itsm's first try was the one undone.
	grep -q committed "$BATS_TEST_TMPDIR/x.out"
	! grep -q ERROR "$BATS_TEST_TMPDIR/x.out"
	grep -q "deadlock detected" "$PGC_DIR/p/log"
	# One note, not two.
	[ "$(psql -XAtq "$SU dbname=desk" -c "SELECT count(*) FROM events WHERE kind = 'note'")" = $((before + 1)) ]
}
