# The concurrency and crash scenarios, shared by the full runs in
# tests/stress (make stress) and their small versions in tests/cli
# (t6000-stress-small.bats, t6100-crash.bats, run by make check).  Load it
# after helper.bash: it uses itsm, $ITSM_DB and $BATS_TEST_TMPDIR.
#
# Every loop here is bounded; nothing asserts on timing.

# --- SQL checks on the database as it is now. ---

# The checks wait for a lock as itsm does: an itsm killed with its
# process group may still hold one for a moment after its group leader
# was reaped, and the sqlite3 client alone gives up at once ("database
# is locked").  (psql waits for locks.)
db() {
	if on_pg; then
		db_sql "$1"
	else
		sqlite3 -cmd '.timeout 10000' "$ITSM_DB" "$1"
	fi
}

# assert_db_sound: PRAGMA integrity_check says ok, no foreign key is
# broken (on SQLite: PostgreSQL checks both itself), no ticket is without its opening event, and each ticket's
# status and priority are those its last events set (a command's row
# change and its events are written together or not at all).
assert_db_sound() {
	local got
	if ! on_pg; then
		got=$(db 'PRAGMA integrity_check')
		if [ "$got" != ok ]; then
			printf 'integrity_check:\n%s\n' "$got" >&2
			return 1
		fi
		got=$(db 'PRAGMA foreign_key_check')
		if [ -n "$got" ]; then
			printf 'foreign_key_check:\n%s\n' "$got" >&2
			return 1
		fi
	fi
	got=$(db "SELECT id FROM tickets t WHERE NOT EXISTS
	    (SELECT 1 FROM events e WHERE e.ticket = t.id AND e.kind = 'open')
	    ORDER BY id" | paste -sd, -)
	if [ -n "$got" ]; then
		echo "tickets without an opening event: $got" >&2
		return 1
	fi
	got=$(db "SELECT id FROM tickets t WHERE t.status IS DISTINCT FROM
	    (SELECT e.new FROM events e WHERE e.ticket = t.id AND
	    e.field = 'status' ORDER BY e.id DESC LIMIT 1) ORDER BY id" |
	    paste -sd, -)
	if [ -n "$got" ]; then
		echo "tickets whose status is not their last status event: $got" >&2
		return 1
	fi
	got=$(db "SELECT id FROM tickets t WHERE t.priority IS DISTINCT FROM
	    (SELECT e.new FROM events e WHERE e.ticket = t.id AND
	    e.field = 'priority' ORDER BY e.id DESC LIMIT 1) ORDER BY id" |
	    paste -sd, -)
	if [ -n "$got" ]; then
		echo "tickets whose priority is not their last priority event: $got" >&2
		return 1
	fi
}

# assert_empty_files FILE...: each file is empty; shows those that are not.
assert_empty_files() {
	local f bad=0
	for f in "$@"; do
		if [ -s "$f" ]; then
			echo "--- $f:" >&2
			head -20 "$f" >&2
			bad=1
		fi
	done
	return "$bad"
}

# --- Concurrency. ---

# stress_writer P PER: opens PER tickets as technician P, adds a note to
# each and resolves every fourth.  Each ticket's ref and summary go to
# refs.P; anything on stderr, and a line per failed command, to err.P.
stress_writer() {
	local p=$1 per=$2 i ref rc
	export ITSM_ACTOR="tech$p"
	for i in $(seq "$per"); do
		ref=$(itsm open "w$p t$i" --caller "caller$p" --impact low \
		    --urgency low -q) || {
			echo "open w$p t$i: exit $?"
			continue
		}
		echo "$ref w$p t$i" >>"$BATS_TEST_TMPDIR/refs.$p"
		itsm note "$ref" -m "note w$p t$i" >/dev/null ||
		    echo "note $ref: exit $?"
		if [ $((i % 4)) = 0 ]; then
			itsm resolve "$ref" --workaround -m "fixed w$p t$i" \
			    >/dev/null || echo "resolve $ref: exit $?"
		fi
	done
}

# stress_cron WHAT: runs cron's WHAT in a loop, a month later so that
# every open ticket is stagnant and every resolved one is due to close,
# until the writers are done (the file "done" exists), at most 100000
# times.  Its output goes to cron.WHAT.out; list's counts to list.counts.
stress_cron() {
	local i rc
	export ITSM_ACTOR=cron ITSM_NOW=2026-12-28T09:00:00Z
	for i in $(seq 100000); do
		[ -e "$BATS_TEST_TMPDIR/done" ] && break
		case $1 in
		escalate)
			itsm escalate --stagnant \
			    >>"$BATS_TEST_TMPDIR/cron.escalate.out" ||
			    echo "escalate --stagnant: exit $?"
			;;
		close)
			itsm close --auto >>"$BATS_TEST_TMPDIR/cron.close.out" ||
			    echo "close --auto: exit $?"
			;;
		list)
			# No ticket yet is a count of 0 (grep -c fails on
			# it, and this loop runs under set -e).
			if out=$(itsm list --all -q); then
				printf '%s\n' "$out" | { grep -c . || true; } \
				    >>"$BATS_TEST_TMPDIR/list.counts"
			else
				echo "list: exit $?"
			fi
			;;
		esac
	done
	echo "$i" >"$BATS_TEST_TMPDIR/cron.$1.loops"
}

# stress_concurrency PROCS PER: PROCS technicians each open PER tickets,
# with a note each, while escalate --stagnant, close --auto and list run
# in loops; then checks that nothing was lost, nothing failed and the
# database is sound.
stress_concurrency() {
	local procs=$1 per=$2 p n pids=() w
	n=$((procs * per))
	itsm list >/dev/null	# the database exists before the race
	rm -f "$BATS_TEST_TMPDIR/done"
	: >"$BATS_TEST_TMPDIR/cron.escalate.out"
	: >"$BATS_TEST_TMPDIR/cron.close.out"
	: >"$BATS_TEST_TMPDIR/list.counts"
	for w in escalate close list; do
		stress_cron "$w" 2>"$BATS_TEST_TMPDIR/err.cron.$w" \
		    >"$BATS_TEST_TMPDIR/fail.cron.$w" 3>&- &
		pids+=($!)
	done
	local writers=()
	for p in $(seq "$procs"); do
		: >"$BATS_TEST_TMPDIR/refs.$p"
		stress_writer "$p" "$per" 2>"$BATS_TEST_TMPDIR/err.$p" \
		    >"$BATS_TEST_TMPDIR/fail.$p" 3>&- &
		writers+=($!)
	done
	for p in "${writers[@]}"; do
		wait "$p"
	done
	touch "$BATS_TEST_TMPDIR/done"
	for p in "${pids[@]}"; do
		wait "$p"
	done

	# No command failed, none wrote a word on stderr; no "locked".
	if grep -il locked "$BATS_TEST_TMPDIR"/err.* "$BATS_TEST_TMPDIR"/fail.*; then
		echo '"locked" in the files above' >&2
		return 1
	fi
	assert_empty_files "$BATS_TEST_TMPDIR"/err.* "$BATS_TEST_TMPDIR"/fail.*

	# Every ticket, with a unique ref, the summary it was opened with.
	[ "$(db 'SELECT count(*) FROM tickets')" = "$n" ]
	[ "$(cat "$BATS_TEST_TMPDIR"/refs.* | wc -l)" = "$n" ]
	[ "$(cut -d' ' -f1 "$BATS_TEST_TMPDIR"/refs.* | sort -u | wc -l)" = "$n" ]
	sort "$BATS_TEST_TMPDIR"/refs.* >"$BATS_TEST_TMPDIR/refs.want"
	db "SELECT 'INC-' || id || ' ' || summary FROM tickets" | sort \
	    >"$BATS_TEST_TMPDIR/refs.got"
	diff "$BATS_TEST_TMPDIR/refs.want" "$BATS_TEST_TMPDIR/refs.got" >&2
	# Each process's refs increase: one transaction per command.
	for p in $(seq "$procs"); do
		cut -d' ' -f1 "$BATS_TEST_TMPDIR/refs.$p" | sort -t- -k2n -c
	done

	# Every event: one opening event per ticket, every note, every
	# resolution.
	[ "$(db "SELECT count(*) FROM events WHERE kind = 'open'")" = "$n" ]
	[ "$(db "SELECT count(DISTINCT ticket) FROM events WHERE kind = 'open'")" = "$n" ]
	for p in $(seq "$procs"); do
		seq "$per" | sed "s/^/note w$p t/"
	done | sort >"$BATS_TEST_TMPDIR/notes.want"
	db "SELECT message FROM events WHERE kind = 'note'" | sort \
	    >"$BATS_TEST_TMPDIR/notes.got"
	diff "$BATS_TEST_TMPDIR/notes.want" "$BATS_TEST_TMPDIR/notes.got" >&2
	# Each note by the technician who wrote it ("note w3 t17": tech3).
	[ "$(db "SELECT actor, message FROM events WHERE kind = 'note'" |
	    awk -F'|' '{ split($2, w, " ") }
	    $1 != "tech" substr(w[2], 2) { bad++ } END { print bad + 0 }')" = 0 ]
	local resolved=$((procs * (per / 4)))
	[ "$(db "SELECT count(*) FROM events WHERE kind = 'resolve' AND
	    field = 'status'")" = "$resolved" ]
	[ "$(db "SELECT count(*) FROM tickets WHERE status IN ('resolved',
	    'closed')")" = "$resolved" ]
	[ "$(db "SELECT count(*) FROM tickets WHERE status = 'in_progress'")" = \
	    $((n - resolved)) ]

	# What cron printed is what it recorded, and no more.
	[ "$(grep -c . "$BATS_TEST_TMPDIR/cron.escalate.out")" = \
	    "$(db "SELECT count(*) FROM events WHERE kind = 'escalate-managers'")" ]
	[ "$(grep -c . "$BATS_TEST_TMPDIR/cron.close.out")" = \
	    "$(db "SELECT count(*) FROM tickets WHERE status = 'closed'")" ]
	[ "$(db "SELECT count(*) FROM tickets WHERE status = 'closed'")" = \
	    "$(db "SELECT count(*) FROM events WHERE kind = 'close'")" ]

	# list saw the tickets only grow: every snapshot is consistent.
	sort -n -c "$BATS_TEST_TMPDIR/list.counts"

	assert_db_sound
	# The loops did run while the writers wrote.
	[ "$(cat "$BATS_TEST_TMPDIR/cron.list.loops")" -ge 1 ]
	echo "# $n tickets; loops while they were written: escalate --stagnant" \
	    "$(cat "$BATS_TEST_TMPDIR/cron.escalate.loops"), close --auto" \
	    "$(cat "$BATS_TEST_TMPDIR/cron.close.loops"), list" \
	    "$(cat "$BATS_TEST_TMPDIR/cron.list.loops"); $(grep -c . \
	    "$BATS_TEST_TMPDIR/cron.escalate.out") escalated, $(grep -c . \
	    "$BATS_TEST_TMPDIR/cron.close.out") closed" >&3
}

# --- Crashes. ---

# crash_template FILE: the export of a small database with tickets in
# many states (an incident closed, a request redirected, one on hold, one
# escalated, one cancelled, one reopened).
crash_template() {
	local save=$ITSM_DB
	ITSM_DB=$(db_new crash_template) || return 1
	{
		itsm open "printer jams" --caller ann --impact low --urgency low \
		    --channel phone -m "tray 2" -q
		itsm note 1 -m "cleaned the rollers"
		itsm resolve 1 --permanent -m "rollers replaced" --code solved
		itsm close 1 --confirmed --satisfaction 4
		itsm open "new laptop" --caller bob --type request -q
		itsm open "vpn drops" --caller cid --impact medium --urgency high -q
		itsm hold 3 --reason vendor -m "ticket with the ISP"
		itsm open "erp slow" --caller dan --impact high --urgency low -q
		itsm escalate 4 -m "needs a DBA"
		itsm assign 4 --to erin
		itsm open "duplicate call" --caller ann -q
		itsm cancel 5 -m "same as INC-1"
		itsm open "mail bounce" --caller fay --impact low --urgency medium -q
		itsm resolve 6 --workaround -m "resent"
		itsm reopen 6 -m "bounced again"
	} >/dev/null
	itsm export >"$1"
	export ITSM_DB="$save"
	[ "$(grep -c . "$1")" = 6 ]
}

# crash_import_file TEMPLATE N FIRST OUT: N tickets, the template's in
# turn, numbered from FIRST.
crash_import_file() {
	awk -v n="$2" -v first="$3" '
		{ t[NR] = $0 }
		END {
			for (i = 0; i < n; i++) {
				line = t[i % NR + 1]
				id = first + i
				sub(/^\{"id":[0-9]+,/, "{\"id\":" id ",", line)
				if (match(line, /"ref":"[A-Z]+-[0-9]+"/)) {
					ref = substr(line, RSTART, RLENGTH)
					sub(/[0-9]+"$/, id "\"", ref)
					line = substr(line, 1, RSTART - 1) ref \
					    substr(line, RSTART + RLENGTH)
				}
				print line
			}
		}' "$1" >"$4"
}

# now_ms: the clock in milliseconds.
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# random_sleep MAX_MS: sleeps a random time from 0 to MAX_MS milliseconds.
random_sleep() {
	local ms=$((RANDOM * 32768 + RANDOM))
	ms=$((ms % ($1 + 1)))
	sleep "$((ms / 1000)).$(printf '%03d' $((ms % 1000)))"
}

# crash_import TIMES N: TIMES times, starts importing N tickets and kills
# the import with SIGKILL at a random moment (from its start to the
# time a whole import takes, its commit too): every time the database is
# sound, holds either none or all of the tickets and their events, and
# takes new tickets after.
crash_import() {
	local times=$1 n=$2 k pid st t0 span before ev_before after ev_after \
	    max killed=0 done=0 file="$BATS_TEST_TMPDIR/import.jsonl" ev_file probe
	crash_template "$BATS_TEST_TMPDIR/template.jsonl"
	open_ticket "before the imports" --caller setup
	# How long a whole import takes here, into a copy: the window.
	probe=$(db_new probe "$ITSM_DB") || return 1
	crash_import_file "$BATS_TEST_TMPDIR/template.jsonl" "$n" 1000 "$file"
	t0=$(now_ms)
	itsm --db "$probe" import "$file" >/dev/null
	span=$(($(now_ms) - t0))
	ev_file=$(db_in "$probe" 'SELECT count(*) FROM events WHERE ticket >= 1000')
	[ "$ev_file" -ge "$n" ]
	for k in $(seq "$times"); do
		max=$(db 'SELECT max(id) FROM tickets')
		crash_import_file "$BATS_TEST_TMPDIR/template.jsonl" "$n" \
		    $((max + 1000)) "$file"
		before=$(db 'SELECT count(*) FROM tickets')
		ev_before=$(db 'SELECT count(*) FROM events')
		# The binary itself, not the itsm function: $! is its pid.
		"$ITSM" import "$file" >"$BATS_TEST_TMPDIR/import.out" \
		    2>"$BATS_TEST_TMPDIR/import.err" 3>&- &
		pid=$!
		random_sleep "$span"
		kill -9 "$pid" 2>/dev/null || true
		st=0
		wait "$pid" || st=$?
		after=$(db 'SELECT count(*) FROM tickets')
		ev_after=$(db 'SELECT count(*) FROM events')
		if [ "$st" = 0 ]; then
			done=$((done + 1))
			[ "$after" = $((before + n)) ] || {
				echo "round $k: import succeeded, $before -> $after tickets" >&2
				return 1
			}
		elif [ "$st" = 137 ]; then
			killed=$((killed + 1))
		else
			echo "round $k: import exited $st:" >&2
			cat "$BATS_TEST_TMPDIR/import.err" >&2
			return 1
		fi
		# All or nothing, tickets and events together.
		if [ "$after" = "$before" ]; then
			[ "$ev_after" = "$ev_before" ] || {
				echo "round $k: no ticket but $((ev_after - ev_before)) events" >&2
				return 1
			}
		elif [ "$after" = $((before + n)) ]; then
			[ "$ev_after" = $((ev_before + ev_file)) ] || {
				echo "round $k: all tickets but $((ev_after - ev_before)) of $ev_file events" >&2
				return 1
			}
		else
			echo "round $k: $((after - before)) of $n tickets imported" >&2
			return 1
		fi
		assert_db_sound || { echo "round $k" >&2; return 1; }
		# The database takes a new ticket after the crash.
		open_ticket "after round $k" --caller setup
	done
	echo "# $times imports: $killed killed, $done completed (window ${span} ms)" >&3
}

# crash_burst_writer P: writes in a loop (at most 200 tickets), through
# most commands, until it is killed.
crash_burst_writer() {
	local p=$1 i ref
	export ITSM_ACTOR="tech$p"
	for i in $(seq 200); do
		ref=$(itsm open "burst w$p t$i" --caller "c$p" --impact medium \
		    --urgency low -m "description $i" -q) || continue
		itsm note "$ref" -m "note $i"
		itsm assign "$ref" --to "tech$p"
		itsm prioritize "$ref" --impact high --urgency medium -m "worse"
		itsm escalate "$ref" -m "to level 2"
		itsm hold "$ref" --reason user -m "waiting"
		itsm hold "$ref" --release
		itsm resolve "$ref" --workaround -m "fixed $i"
		if [ $((i % 2)) = 0 ]; then
			itsm close "$ref" --confirmed --satisfaction 5
		else
			itsm reopen "$ref" -m "back"
		fi
	done >/dev/null 2>&1
}

# crash_burst TIMES WRITERS: TIMES times, WRITERS processes write in
# bursts and are all killed with SIGKILL at a random moment: every time
# the database is sound, and takes new tickets after.
crash_burst() {
	local times=$1 writers=$2 k p pids
	itsm list >/dev/null
	for k in $(seq "$times"); do
		pids=()
		for p in $(seq "$writers"); do
			# Its own process group, so that the itsm it runs dies too.
			setsid bash -c "$(declare -f itsm crash_burst_writer); ITSM=$ITSM crash_burst_writer $p" \
			    </dev/null >/dev/null 2>&1 3>&- &
			pids+=($!)
		done
		random_sleep 600
		for p in "${pids[@]}"; do
			kill -9 -- "-$p" 2>/dev/null || kill -9 "$p" 2>/dev/null || true
		done
		for p in "${pids[@]}"; do
			wait "$p" 2>/dev/null || true
		done
		assert_db_sound || { echo "round $k" >&2; return 1; }
		open_ticket "after burst $k" --caller setup
	done
	echo "# $times bursts: $(db 'SELECT count(*) FROM tickets') tickets, $(db 'SELECT count(*) FROM events') events written" >&3
}
