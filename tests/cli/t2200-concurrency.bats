#!/usr/bin/env bats
# Concurrency: cron's sweep in a loop while technicians open, note and
# resolve tickets: nothing lost, no "database is locked", the database
# intact.

load helper

WORKERS=3
PER_WORKER=20
SWEEPS=20

# worker N: opens, notes and resolves PER_WORKER tickets; its errors go to
# err.N, a line per failed command.
worker() {
	local i ref
	for i in $(seq "$PER_WORKER"); do
		if ! ref=$(ITSM_ACTOR="tech$1" itsm open "worker $1 ticket $i" \
		    --caller "user$1" --impact low --urgency medium -q); then
			echo "open $1/$i failed" >&2
			continue
		fi
		ITSM_ACTOR="tech$1" itsm note "$ref" -m "note $1/$i" >/dev/null ||
		    echo "note $ref failed" >&2
		ITSM_ACTOR="tech$1" itsm resolve "$ref" --permanent -m "fixed $1/$i" >/dev/null ||
		    echo "resolve $ref failed" >&2
	done
}

# sweeper: SWEEPS runs of cron's sweep, a month later, so that every open
# ticket is stagnant and breached; their lines go to sweeps.out.
sweeper() {
	local i
	for i in $(seq "$SWEEPS"); do
		ITSM_ACTOR=cron ITSM_NOW=2026-12-28T09:00:00Z \
		    itsm escalate --stagnant --breached >>"$BATS_TEST_TMPDIR/sweeps.out" ||
		    echo "sweep $i failed" >&2
	done
}

@test "escalate --stagnant in a loop while 3 technicians open, note and resolve: nothing lost" {
	valgrind_waits
	itsm list >/dev/null	# the database exists before the race starts
	: >"$BATS_TEST_TMPDIR/sweeps.out"
	pids=()
	for w in $(seq "$WORKERS"); do
		worker "$w" 2>"$BATS_TEST_TMPDIR/err.$w" 3>&- &
		pids+=($!)
	done
	sweeper 2>"$BATS_TEST_TMPDIR/err.cron" 3>&- &
	pids+=($!)
	for p in "${pids[@]}"; do
		wait "$p"
	done
	# No command failed, none said anything on stderr.
	for f in "$BATS_TEST_TMPDIR"/err.*; do
		if [ -s "$f" ]; then
			echo "$f:" >&2
			cat "$f" >&2
			false
		fi
	done
	! grep -l "locked" "$BATS_TEST_TMPDIR"/err.* || false
	total=$((WORKERS * PER_WORKER))
	db() { db_sql "$1"; }
	[ "$(db 'SELECT count(*) FROM tickets')" = "$total" ]
	[ "$(db "SELECT count(*) FROM tickets WHERE status = 'resolved' AND priority = 'P4'")" = "$total" ]
	[ "$(db 'SELECT count(DISTINCT summary) FROM tickets')" = "$total" ]
	# Each ticket: open, impact, urgency, priority, note, start, and the
	# resolution's status and type: 8 events, and its note.
	[ "$(count_events "kind <> 'escalate-managers'")" = $((total * 8)) ]
	[ "$(count_events "kind = 'note'")" = "$total" ]
	[ "$(db "SELECT count(*) FROM tickets t WHERE (SELECT count(*) FROM events e WHERE e.ticket = t.id AND e.kind <> 'escalate-managers') = 8")" = "$total" ]
	# Every escalation the sweeps printed is recorded, and no more; no
	# ticket was escalated twice (nothing new happened after its sweep).
	printed=$(grep -c . "$BATS_TEST_TMPDIR/sweeps.out" || true)
	[ "$(count_events "kind = 'escalate-managers'")" = "$printed" ]
	[ "$(db "SELECT count(*) FROM (SELECT ticket FROM events WHERE kind = 'escalate-managers' GROUP BY ticket HAVING count(*) > 1) x")" = 0 ]
	on_pg || [ "$(db 'PRAGMA integrity_check')" = ok ]
	# The history is still append-only.
	run db_sql "DELETE FROM events WHERE id = 1"
	[ "$status" != 0 ]
}

@test "concurrent sweeps escalate each ticket once" {
	valgrind_waits
	for i in $(seq 10); do
		open_ticket "idle $i" --caller alice --impact high --urgency high
	done
	export ITSM_NOW=2026-11-28T12:00:00Z
	pids=()
	for s in 1 2 3 4; do
		itsm escalate --stagnant --breached >"$BATS_TEST_TMPDIR/sweep.$s" \
		    2>"$BATS_TEST_TMPDIR/sweep.$s.err" 3>&- &
		pids+=($!)
	done
	for p in "${pids[@]}"; do
		wait "$p"
	done
	for s in 1 2 3 4; do
		[ ! -s "$BATS_TEST_TMPDIR/sweep.$s.err" ] || { cat "$BATS_TEST_TMPDIR/sweep.$s.err" >&2; false; }
	done
	run sort "$BATS_TEST_TMPDIR"/sweep.[1-4]
	[ "${#lines[@]}" = 10 ]
	[ "$(cut -f1 "$BATS_TEST_TMPDIR"/sweep.[1-4] | sort -u | wc -l)" = 10 ]
	[ "$(count_events "kind = 'escalate-managers'")" = 10 ]
	on_pg || [ "$(db_sql 'PRAGMA integrity_check')" = ok ]
}
