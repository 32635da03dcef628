#!/usr/bin/env bats
# PostgreSQL, a team at once (issue 13): eight writers as two technician
# roles and two cron hosts' sweeps (each process its own connection, as
# from another machine), a fixed amount of work each: every change
# counted, every stale ticket escalated and auto-closed once, no error
# shown.  The server is the file's own (tests/pg-cluster.sh).

load helper

WRITERS=8
PER_WRITER=12
STALE=30
SWEEPS=6

setup_file() {
	own_pg_start team
	[ -n "${PGC_DIR-}" ] || return 0	# the PostgreSQL pass
	psql -XAtq "$SU dbname=postgres" -c "CREATE DATABASE desk" >/dev/null
	printf '%s' "$DEFAULT_POLICY" >"$PGC_DIR/policy.yaml"
	ITSM_DB="$SU dbname=desk" ITSM_CONFIG=$PGC_DIR/policy.yaml \
	    "$ITSM" -q db init
	psql -XAtq -v ON_ERROR_STOP=1 "$SU dbname=postgres" >/dev/null <<-'SQL'
	CREATE ROLE tech1 LOGIN IN ROLE itsm_technician;
	CREATE ROLE tech2 LOGIN IN ROLE itsm_technician;
	CREATE ROLE cron1 LOGIN IN ROLE itsm_technician;
	CREATE ROLE cron2 LOGIN IN ROLE itsm_technician;
	SQL
}

teardown_file() {
	own_pg_stop
}

setup() {
	own_pg_setup
	unset ITSM_NOW	# technicians: the server's clock
}

# sql QUERY: one value, as the superuser.
sql() {
	psql -XAtq "$SU dbname=desk" -c "$1"
}

# as USER CMD...: itsm as USER (its own connection).
as() {
	local user=$1
	shift
	ITSM_DB="host=$PGC_DIR/p dbname=desk user=$user" "$ITSM" "$@"
}

# writer N: as tech1 or tech2, opens, prioritizes, notes and resolves
# PER_WRITER tickets; a line on stderr per failed command.
writer() {
	local user=tech$(($1 % 2 + 1)) i ref
	for i in $(seq "$PER_WRITER"); do
		if ! ref=$(as "$user" open "writer $1 ticket $i" --caller "user$1" -q); then
			echo "open $1/$i failed" >&2
			continue
		fi
		as "$user" prioritize "$ref" --impact low --urgency low >/dev/null ||
		    echo "prioritize $ref failed" >&2
		as "$user" note "$ref" -m "note $1/$i" >/dev/null ||
		    echo "note $ref failed" >&2
		as "$user" resolve "$ref" --permanent -m "fixed $1/$i" >/dev/null ||
		    echo "resolve $ref failed" >&2
	done
}

# sweeper N: cron host N's sweeps, SWEEPS times each.
sweeper() {
	local i
	for i in $(seq "$SWEEPS"); do
		as "cron$1" escalate --stagnant --breached >>"$BATS_TEST_TMPDIR/esc.$1" ||
		    echo "escalate sweep $1/$i failed" >&2
		as "cron$1" close --auto >>"$BATS_TEST_TMPDIR/close.$1" ||
		    echo "close sweep $1/$i failed" >&2
	done
}

@test "eight writers as two technicians and two cron hosts' sweeps: nothing lost, each ticket swept once" {
	local i pids=()
	# A month-old queue: stagnant and breached tickets, and resolved
	# ones past the auto-close delay (an admin may state the time).
	for i in $(seq "$STALE"); do
		ITSM_NOW=2026-10-01T09:00:00Z as postgres open "stale $i" \
		    --caller old --impact high --urgency high -q >/dev/null
	done
	for i in $(seq 1 3 "$STALE"); do
		ITSM_NOW=2026-10-01T10:00:00Z as postgres resolve "INC-$i" \
		    --permanent -m "done long ago" >/dev/null
	done
	stale_open=$(sql "SELECT count(*) FROM tickets WHERE status <> 'resolved'")
	stale_resolved=$(sql "SELECT count(*) FROM tickets WHERE status = 'resolved'")
	[ "$stale_resolved" -gt 0 ] && [ "$stale_open" -gt 0 ]
	for i in $(seq "$WRITERS"); do
		writer "$i" 2>"$BATS_TEST_TMPDIR/writer.$i.err" 3>&- &
		pids+=($!)
	done
	for i in 1 2; do
		sweeper "$i" 2>"$BATS_TEST_TMPDIR/sweeper.$i.err" 3>&- &
		pids+=($!)
	done
	for i in "${pids[@]}"; do
		wait "$i"
	done
	# No error surfaced, to any of them.
	for f in "$BATS_TEST_TMPDIR"/*.err; do
		[ ! -s "$f" ] || { echo "$f:" >&2; cat "$f" >&2; false; }
	done
	# Every writer's change is there, by its own role.
	[ "$(sql "SELECT count(*) FROM tickets")" = $((STALE + WRITERS * PER_WRITER)) ]
	[ "$(sql "SELECT count(*) FROM tickets WHERE caller LIKE 'user%' AND status = 'resolved'")" = $((WRITERS * PER_WRITER)) ]
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'note' AND actor IN ('tech1', 'tech2')")" = $((WRITERS * PER_WRITER)) ]
	[ "$(sql "SELECT count(DISTINCT ticket) FROM events WHERE actor = 'tech1'")" = $((WRITERS / 2 * PER_WRITER)) ]
	# Each stale open ticket escalated once, by one cron host or the
	# other; each stale resolved one closed once.
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'escalate-managers'")" = "$stale_open" ]
	[ "$(sql "SELECT count(DISTINCT ticket) FROM events WHERE kind = 'escalate-managers'")" = "$stale_open" ]
	[ "$(sql "SELECT count(*) FROM events WHERE kind = 'escalate-managers' AND actor NOT IN ('cron1', 'cron2')")" = 0 ]
	[ "$(cat "$BATS_TEST_TMPDIR"/esc.[12] | wc -l)" = "$stale_open" ]
	[ "$(sql "SELECT count(*) FROM tickets WHERE status = 'closed'")" = "$stale_resolved" ]
	[ "$(sql "SELECT count(*) FROM events WHERE field = 'status' AND new = 'closed'")" = "$stale_resolved" ]
	[ "$(cat "$BATS_TEST_TMPDIR"/close.[12] | wc -l)" = "$stale_resolved" ]
}
