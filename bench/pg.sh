# bench/pg.sh: the PostgreSQL column of make bench, sourced by
# bench/run.sh (its helpers: say, die, label, hf, record, mem; its
# variables: DIR, ITSM, NOW, STAG, RUNS, REF, OPEN, stag_or, top).
#
# A private server (tests/pg-cluster.sh: a socket in $DIR/pg, no TCP,
# fsync off), a template database prepared by `itsm db init`, then for
# each size: the import of the size's JSONL export by itsm against psql
# \copy of the same tickets and events as CSV, each into a fresh copy of
# the template; the reads (list, next, show, the stagnant sweep) and
# open on the database itsm imported, each against psql running the
# same work in PostgreSQL's SQL.  Results go to $PGRES and $PGMEM in
# run.sh's formats; pg_report writes the report's section.

PGRES=$DIR/pg-results.tsv
PGMEM=$DIR/pg-memory.tsv
PGH=$DIR/pg
PGQ=$DIR/pgq
PG_STARTED=0
# The writers' advisory lock of the engine (lib/pg/pg.c, PG_WRITE_LOCK).
PG_LOCK=1769239405

# pg_available: pg_config, the server's binaries and the clients.
pg_available() {
	command -v pg_config >/dev/null 2>&1 || return 1
	_b=$(pg_config --bindir) || return 1
	[ -x "$_b/postgres" ] && [ -x "$_b/initdb" ] && [ -x "$_b/pg_ctl" ] ||
	    return 1
	for _t in psql createdb dropdb; do
		command -v "$_t" >/dev/null 2>&1 || return 1
	done
}

# pg_sizes SIZES: the sizes PostgreSQL runs at: those of at least 100k,
# or every one when BENCH_SIZES names them (a smoke run covers it).
pg_sizes() {
	for pgn in $1; do
		if [ -n "${BENCH_SIZES:-}" ] || [ "$pgn" -ge 100000 ]; then
			printf '%s ' "$pgn"
		fi
	done
}

# A tab: psql's field separator, as sqlite3 -tabs.
TAB=$(printf '\t')

# pg_psql ARGS...: psql on the private server, no psqlrc, stopping at
# the first error.
pg_psql() {
	psql -X -q -v ON_ERROR_STOP=1 "$@"
}

pg_start() {
	[ $PG_STARTED = 1 ] && return
	say "PostgreSQL: a private server in $PGH"
	# The server runs as postgres when we are root: it must reach $DIR.
	chmod 711 "$DIR"
	sh "$top/tests/pg-cluster.sh" primary "$PGH" ||
	    die "cannot start a PostgreSQL server in $PGH (see $PGH/log)"
	PG_STARTED=1
	export PGHOST="$PGH" PGUSER=postgres
	unset PGDATABASE PGSERVICE PGPASSWORD 2>/dev/null || true
	createdb itsm_tmpl || die "cannot create a database"
	ITSM_DB="host=$PGH dbname=itsm_tmpl user=postgres" "$ITSM" db init \
	    >/dev/null || die "itsm db init failed"
	# A fresh database: a copy of the template itsm initialized.
	cat >"$DIR/pgprep.sh" <<EOF
#!/bin/sh
dropdb -h "$PGH" -U postgres --if-exists "\$1" &&
createdb -h "$PGH" -U postgres -T itsm_tmpl "\$1"
EOF
	chmod +x "$DIR/pgprep.sh"
	# The server and the settings that matter here.
	{
		pg_psql -At -d itsm_tmpl -c "SELECT version()"
		pg_psql -At -F "$TAB" -d itsm_tmpl -c "SELECT name, setting,
		    coalesce(unit, '') FROM pg_settings WHERE name IN ('fsync',
		    'synchronous_commit', 'full_page_writes', 'wal_level',
		    'shared_buffers', 'work_mem', 'maintenance_work_mem',
		    'effective_cache_size', 'max_wal_size', 'checkpoint_timeout',
		    'random_page_cost', 'jit', 'autovacuum') ORDER BY name"
	} >"$DIR/pg-server.txt"
	mkdir -p "$PGQ"
	pg_sql
}

pg_stop() {
	[ $PG_STARTED = 1 ] || return 0
	sh "$top/tests/pg-cluster.sh" stop "$PGH" || true
	PG_STARTED=0
}

# The SQL of psql's side: the queries of run.sh's sqlite3 baselines in
# PostgreSQL's words, with no hint (PostgreSQL has statistics: the
# tables are analyzed after the import, as autovacuum would).
# (run.sh defines REF, OPEN and stag_or after sourcing this file.)
pg_sql() {
	PG_ISO="to_char(to_timestamp(opened_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
	PG_ROW="$REF, priority, status, $PG_ISO, group_name, assignee, summary"
	PG_ORDER="ORDER BY major DESC, coalesce(priority_rank, 1000000), opened_at, id"
	PQ_LIST="SELECT $PG_ROW FROM tickets WHERE $OPEN $PG_ORDER"
	PQ_NEXT="SELECT $PG_ROW FROM tickets WHERE $OPEN AND status <> 'on_hold' AND (assignee IS NULL OR assignee = 'tech07') $PG_ORDER LIMIT 1"
	PQ_STAGNANT="SELECT $REF, priority, status, updated_at FROM tickets WHERE status IN ('new', 'in_progress') AND ($stag_or) AND (stagnant_escalated_at IS NULL OR stagnant_escalated_at <= updated_at) $PG_ORDER"
	# What itsm open writes (lib/pg/pg_ticket.c: the writers' lock, then
	# ids of max(id) + 1), in one transaction.  Checked: the same rows.
	PQ_OPEN="BEGIN;
SELECT pg_advisory_xact_lock($PG_LOCK);
INSERT INTO tickets (id, summary, caller, affected, tier, group_name, opened_at, updated_at) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM tickets), 'Printer jammed on floor 3', 'alice', 'alice', 'N1', 'service-desk', $NOW, $NOW);
INSERT INTO events (id, ticket, at, recorded_at, actor, login, kind, field, new) VALUES ((SELECT coalesce(max(id), 0) + 1 FROM events), (SELECT max(id) FROM tickets), $NOW, $NOW, 'tech07', 'postgres', 'open', 'status', 'new');
COMMIT;"
}

# pg_q NAME SQL: psql's command running SQL from a file (no quoting).
pg_q() {
	printf '%s\n' "$2" >"$PGQ/$1.sql"
	echo "psql -X -q -A -t -F '$TAB' -f $PGQ/$1.sql"
}

# pg_same NAME: both outputs, byte for byte.
pg_same() {
	cmp -s "$DIR/$1.pgbase" "$DIR/$1.pgitsm" ||
	    die "$L: PostgreSQL: itsm $1 and psql differ ($DIR/$1.pg*)"
}

# pg_rows_md5 DB TABLE ORDER COLUMNS: the md5 of those columns of a
# table's rows in that order, as COPY writes them.
pg_rows_md5() {
	pg_psql -d "$1" -c "COPY (SELECT $4 FROM $2 ORDER BY $3) TO STDOUT" |
	    md5sum | cut -d' ' -f1
}

# pg_size N: the PostgreSQL figures at one size, from $DIR/$L.jsonl and
# the CSV of the same tickets and events run.sh wrote.
pg_size() {
	pgn=$1
	pg_start
	pgbig=0
	[ "$pgn" -ge 1000000 ] && pgbig=1
	REC_TO=$PGRES
	MEM_TO=$PGMEM

	# The import, into a fresh copy of the template each time.
	say "$L: PostgreSQL import"
	if [ $pgbig = 1 ]; then pgw=0 pgr=1; elif [ "$pgn" -ge 100000 ]; then pgw=0 pgr=2; else pgw=1 pgr=3; fi
	rm -f "$DIR/rss-pgimport-itsm" "$DIR/rss-pgimport-base"
	export ITSM_DB="host=$PGH dbname=imp_itsm user=postgres"
	hf "pg-import-$L" $pgw $pgr \
	    "/usr/bin/time -a -o $DIR/rss-pgimport-itsm -f %M $ITSM import $DIR/$L.jsonl" \
	    "/usr/bin/time -a -o $DIR/rss-pgimport-base -f %M psql -X -q -1 -v ON_ERROR_STOP=1 -d imp_psql -c \"\\copy tickets FROM '$DIR/$L.tickets.csv' WITH (FORMAT csv)\" -c \"\\copy events FROM '$DIR/$L.events.csv' WITH (FORMAT csv)\"" \
	    "$DIR/pgprep.sh imp_itsm" "$DIR/pgprep.sh imp_psql"
	record "$L" "import ($nt tickets, $ne events)" "-"
	printf '%s\timport\t%s\t%s\n' "$L" \
	    "$(sort -n "$DIR/rss-pgimport-itsm" | tail -n 1)" \
	    "$(sort -n "$DIR/rss-pgimport-base" | tail -n 1)" >>"$PGMEM"
	# The same rows: the tickets as they are; the events, which the
	# import numbers anew in ticket order (the JSONL has no event id),
	# each ticket's in the same order.
	_c="*"
	[ "$(pg_rows_md5 imp_itsm tickets id "$_c")" = \
	    "$(pg_rows_md5 imp_psql tickets id "$_c")" ] ||
	    die "$L: PostgreSQL: the imported tickets differ"
	_c="ticket, at, recorded_at, actor, login, kind, field, old, new, message"
	[ "$(pg_rows_md5 imp_itsm events "ticket, id" "$_c")" = \
	    "$(pg_rows_md5 imp_psql events "ticket, id" "$_c")" ] ||
	    die "$L: PostgreSQL: the imported events differ"
	[ "$(pg_psql -At -d imp_itsm -c "SELECT count(*) FROM tickets")" = "$nt" ] ||
	    die "$L: PostgreSQL: itsm imported a wrong number of tickets"
	dropdb --if-exists imp_psql
	say "$L: PostgreSQL VACUUM ANALYZE"
	pg_psql -d imp_itsm -c "VACUUM ANALYZE" ||
	    die "$L: PostgreSQL: VACUUM ANALYZE failed"

	# The reads, on the database itsm imported.
	export ITSM_DB="host=$PGH dbname=imp_itsm user=postgres" \
	    PGDATABASE=imp_itsm
	say "$L: PostgreSQL list"
	_q=$(pg_q list "$PQ_LIST")
	eval "$_q" >"$DIR/list.pgbase"
	"$ITSM" list --format tsv >"$DIR/list.pgitsm"
	pg_same list
	_nl=$(wc -l <"$DIR/list.pgitsm")
	if [ $pgbig = 1 ]; then pgw=1 pgr=5; else pgw=2 pgr=10; fi
	hf "pg-list-$L" $pgw $pgr "$ITSM list --format tsv" "$_q"
	record "$L" "list ($_nl rows)" "<=1.25"

	say "$L: PostgreSQL next, show, escalate"
	_q=$(pg_q next "$PQ_NEXT")
	eval "$_q" >"$DIR/next.pgbase"
	"$ITSM" next >"$DIR/next.pgitsm"
	pg_same next
	hf "pg-next-$L" 3 "$RUNS" "$ITSM next" "$_q"
	record "$L" "next" "-"

	_ref=$((pgn / 2))
	_q=$(pg_q show "SELECT * FROM tickets WHERE id = $_ref; SELECT * FROM events WHERE ticket = $_ref ORDER BY id;")
	_e1=$("$ITSM" show "$_ref" | grep -c '^event')
	_e2=$(pg_psql -At -c "SELECT count(*) FROM events WHERE ticket = $_ref")
	[ "$_e1" = "$_e2" ] ||
	    die "$L: PostgreSQL: itsm show $_ref shows $_e1 events, not $_e2"
	[ "$(eval "$_q" | wc -l)" = $((_e2 + 1)) ] ||
	    die "$L: PostgreSQL: psql's show is not the ticket and its events"
	hf "pg-show-$L" 3 "$RUNS" "$ITSM show $_ref" "$_q"
	record "$L" "show" "-"

	_q=$(pg_q escalate "$PQ_STAGNANT")
	"$ITSM" escalate --stagnant --dry-run | cut -f1 >"$DIR/escalate.pgitsm"
	eval "$_q" | cut -f1 >"$DIR/escalate.pgbase"
	pg_same escalate
	_nesc=$(wc -l <"$DIR/escalate.pgitsm")
	hf "pg-escalate-$L" 3 "$RUNS" "$ITSM escalate --stagnant --dry-run" \
	    "$_q"
	record "$L" "escalate --stagnant --dry-run ($_nesc)" "-"

	# Peak memory of the reads that stream every ticket.
	say "$L: PostgreSQL peak memory"
	mem "$L" "list --all --format jsonl" "$ITSM list --all --format jsonl" ""
	mem "$L" "export" "$ITSM export" ""
	mem "$L" "list" "$ITSM list --format tsv" "$(pg_q list "$PQ_LIST")"

	# Plans of psql's queries.
	{
		echo "#### $L"
		for _v in PQ_LIST PQ_NEXT PQ_STAGNANT; do
			eval "_sql=\$$_v"
			echo
			echo "$_v:"
			echo
			pg_psql -At -c "EXPLAIN $_sql" | sed 's/^/    /'
		done
		echo
	} >>"$DIR/pg-plans.txt"

	# Writes last: each run adds a ticket.  First one of each, checked
	# to be the same rows but for the ids.
	say "$L: PostgreSQL open"
	_q=$(pg_q open "$PQ_OPEN")
	_max=$(pg_psql -At -c "SELECT max(id) FROM tickets")
	"$ITSM" open 'Printer jammed on floor 3' --caller alice >/dev/null
	eval "$_q" >/dev/null
	[ "$(pg_psql -At -c "SELECT count(*), count(DISTINCT to_jsonb(t) - 'id') FROM tickets t WHERE id > $_max")" = "2|1" ] ||
	    die "$L: PostgreSQL: itsm open and psql's INSERT wrote different tickets"
	[ "$(pg_psql -At -c "SELECT count(*), count(DISTINCT to_jsonb(e) - 'id' - 'ticket') FROM events e WHERE ticket > $_max")" = "2|1" ] ||
	    die "$L: PostgreSQL: itsm open and psql's INSERT wrote different events"
	hf "pg-open-$L" 3 "$RUNS" \
	    "$ITSM open 'Printer jammed on floor 3' --caller alice" "$_q"
	record "$L" "open" "<=1.5"
	mem "$L" "open" "$ITSM open 'Printer jammed' --caller alice" ""

	unset ITSM_DB PGDATABASE
	REC_TO=
	MEM_TO=
}

# pg_flat: after the last size, the growth of show, next and the sweep
# from the smallest PostgreSQL size to the largest, as rows of $PGRES:
# itsm's median at the largest over itsm's at the smallest, flat when
# at most 1.25.
pg_flat() {
	_a=$(label "${PG_SIZES%% *}")
	_b=$(label "${PG_SIZES##* }")
	[ "$_a" != "$_b" ] || return 0
	for _f in next show escalate; do
		awk -F'\t' -v a="$_a" -v b="$_b" -v f="$_f" '
		    index($2, f) == 1 && $1 == a { x = $3; cx = $8 }
		    index($2, f) == 1 && $1 == b { y = $3; cy = $8 }
		    END {
			if (x > 0 && y > 0)
				printf "%s\t%s: itsm at %s / itsm at %s\t%.6f\t%.6f\t%.3f\t<=1.25\t%s\t%.6f\t%.6f\n",
				    a "-" b, f, b, a, y, x, y / x,
				    y / x <= 1.25 ? "met" : "MISSED", cy, cx
		    }' "$PGRES" >>"$PGRES"
	done
}

# The report's PostgreSQL section.
pg_verdicts() {
	pgbig=$(label "${PG_SIZES##* }")
	_small=$(label "${PG_SIZES%% *}")
	awk -F'\t' -v big="$pgbig" '
	    function v(f, lim, what,   k) {
		k = f SUBSEP big
		if (!(k in r)) return
		printf "- %s: %.2f× at %s (target ≤ %s×): **%s**\n", what, r[k],
		    big, lim, r[k] <= lim ? "met" : "missed"
	    }
	    { f = $2; sub(/ \(.*/, "", f); r[f, $1] = $5 }
	    $1 ~ /-/ {
		flat = flat sprintf("- %s from %s to %s: %.2f× the time (flat: ≤ 1.25×): **%s**\n",
		    substr($2, 1, index($2, ":") - 1), substr($1, 1,
		    index($1, "-") - 1), substr($1, index($1, "-") + 1), $5,
		    $7 == "met" ? "met" : "missed")
	    }
	    END {
		v("open", 1.5, "open vs psql inserting the same rows")
		v("list", 1.25, "list vs the same query through psql")
		printf "%s", flat
	    }' "$PGRES"
	[ "$pgbig" != "$_small" ] || return 0
	awk -F'\t' -v a="$_small" -v b="$pgbig" '
	    $1 == a { x[$2] = $3 } $1 == b { y[$2] = $3 }
	    END {
		n = split("list --all --format jsonl|export", c, "|")
		for (i = 1; i <= n; i++) {
			if (!(c[i] in x) || !(c[i] in y)) continue
			printf "- peak memory of itsm %s: %.1f MiB at %s, %.1f MiB at %s (bounded: ≤ 1.25× the smaller size'"'"'s): **%s**\n",
			    c[i], x[c[i]] / 1024, a, y[c[i]] / 1024, b,
			    y[c[i]] <= 1.25 * x[c[i]] ? "met" : "missed"
		}
	    }' "$PGMEM"
}

pg_report() {
	echo "## PostgreSQL"
	echo
	if [ -z "${PG_SIZES:-}" ]; then
		echo "Not measured in this run: no PostgreSQL server binaries"
		echo "(\`pg_config --bindir\` with postgres and initdb: Debian's"
		echo "postgresql package)."
		return
	fi
	echo "The same generated tickets, at $(for n in $PG_SIZES; do printf '%s ' "$(label "$n")"; done | sed 's/ $//; s/ /, /g'), on a private"
	echo "PostgreSQL server started by this run (tests/pg-cluster.sh: a"
	echo "socket in the scratch directory, no TCP; **fsync off**, as the test"
	echo "servers have it: commits are not flushed to disk, on either side),"
	echo "against \`psql\` doing the same work in the same run, through the"
	echo "same socket.  Each size: itsm import of the size's JSONL export"
	printf '%s\n' "against psql \`\\copy\` of the SQLite tables' CSV (tickets, then"
	echo "events, in one transaction: \`psql -1\`), each into a fresh copy of a"
	echo "database \`itsm db init\` prepared (checked: the same tickets, the"
	echo "same events ticket by ticket); then \`VACUUM ANALYZE\` (as autovacuum"
	echo "would soon after), the reads and open on the database itsm"
	echo "imported, each beside psql -XAt running its query (checked: list"
	echo "and next byte for byte, the sweep the same tickets, show the same"
	echo "events), open beside a psql process inserting the same rows in one"
	echo "transaction under the engine's advisory lock, ids max(id) + 1"
	echo "(checked: the same ticket and event but for the ids).  Runs as for"
	echo "SQLite.  Both connect as the superuser postgres (an itsm_admin:"
	echo "ITSM_NOW and ITSM_ACTOR hold)."
	echo
	echo "Server:"
	echo
	echo '```'
	sed -n 1p "$DIR/pg-server.txt"
	sed -n '2,$p' "$DIR/pg-server.txt" | awk -F'\t' '{ printf "%-22s %s%s\n", $1, $2, ($3 != "" ? " (" $3 ")" : "") }'
	echo '```'
	echo
	results_table "$PGRES" psql
	echo
	echo "### Targets (PostgreSQL)"
	echo
	pg_verdicts
	echo
	echo "\"Flat\": itsm's median at the largest PostgreSQL size of the run at"
	echo "most 1.25 times its median at the smallest (the rows \"itsm at ... /"
	echo "itsm at ...\" above: both columns are itsm's)."
	echo
	echo "### Peak resident memory (PostgreSQL)"
	echo
	echo "\`/usr/bin/time -f %M\` of the itsm process (the server's memory is"
	echo "not in it), one run each after the timed ones; import: the largest"
	echo "of its timed runs, beside psql's."
	echo
	memory_table "$PG_SIZES" "$PGMEM" psql
	echo
	echo "### Query plans of psql's queries"
	echo
	cat "$DIR/pg-plans.txt"
}
