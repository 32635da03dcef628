#!/bin/sh
# make bench: itsm beside raw SQLite, and beside Taskwarrior, on synthetic
# databases of 10k, 100k and 1M tickets; on PostgreSQL beside psql at
# 100k and 1M (bench/pg.sh).  Every figure is a median
# measured by hyperfine next to its baseline, in the same run, on the
# same data; the ratio is itsm / baseline.  Prints the table and writes
# BENCHMARKS.md.  See bench/README.
#
# Environment:
#   ITSM         the itsm binary (make bench sets it)
#   BENCH_SIZES  ticket counts (default "10000 100000 1000000");
#                "BENCH_SIZES=1000 make bench" is a one-minute smoke run;
#                PostgreSQL runs at the sizes of at least 100k, or at
#                every size BENCH_SIZES names
#   BENCH_DIR    scratch directory (default $TMPDIR/itsm-bench, about
#                6 GB free needed at 1M); emptied first
#   BENCH_OUT    where the report goes (default BENCHMARKS.md at the top
#                for the default sizes, else $BENCH_DIR/BENCHMARKS.md)
#   BENCH_RUNS   runs of each fast command (default 40)
#   BENCH_KEEP   1: keep the databases and input files afterwards
#   BENCH_SERVICENOW  1: the ServiceNow figures in a run of other sizes
#   BENCH_REPORT_ONLY 1: write the report again from BENCH_DIR's results
set -eu

: "${ITSM:?set ITSM to the itsm binary (make bench does)}"
case $ITSM in /*) ;; *) ITSM=$(pwd)/$ITSM ;; esac
top=$(cd "$(dirname "$0")/.." && pwd)
here=$top/bench

SIZES=${BENCH_SIZES:-10000 100000 1000000}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/itsm-bench}
RUNS=${BENCH_RUNS:-40}
if [ -n "${BENCH_OUT:-}" ]; then
	OUT=$BENCH_OUT
elif [ -z "${BENCH_SIZES:-}" ]; then
	OUT=$top/BENCHMARKS.md
else
	OUT=$DIR/BENCHMARKS.md
fi

die() {
	echo "bench: $*" >&2
	exit 1
}

for t in hyperfine jq sqlite3; do
	command -v "$t" >/dev/null 2>&1 ||
	    die "$t is missing: run 'make deps-extra'"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
[ -x "$ITSM" ] || die "no itsm binary at $ITSM: run 'make'"
case $DIR in *[!A-Za-z0-9/._-]*) die "BENCH_DIR must be a plain path" ;; esac
HAVE_TASK=0
command -v task >/dev/null 2>&1 && HAVE_TASK=1
. "$here/pg.sh"
PG_SIZES=
if pg_available; then
	PG_SIZES=$(pg_sizes "$SIZES")
	PG_SIZES=${PG_SIZES% }
else
	echo "bench: no PostgreSQL server binaries (pg_config --bindir):" \
	    "no PostgreSQL column" >&2
fi

# The clock of every itsm command and of the generated data.
NOW_ISO=2026-11-28T08:00:00Z
NOW=1795852800
# The default policy's stagnation thresholds (P1..P5; none: P5's).
STAG="P1:3600 P2:14400 P3:86400 P4:259200 P5:604800"

# BENCH_REPORT_ONLY=1 writes the report again from the results a run
# left in BENCH_DIR (after an edit of bench/FINDINGS.md, say).
ONLY=${BENCH_REPORT_ONLY:-0}
RES=$DIR/results.tsv	# size figure itsm base ratio target verdict cpu cpu
MEM=$DIR/memory.tsv	# size command itsm_kb base_kb
CALRES=$DIR/calendars.tsv	# as RES: business calendars / 24x7
REC_TO=		# where record and mem write: RES and MEM when empty
MEM_TO=
if [ "$ONLY" = 1 ]; then
	[ -f "$DIR/run.env" ] || die "no results of a run in $DIR"
	. "$DIR/run.env"
else
	# A server a killed run left in the directory.
	[ -f "$DIR/pg/data/postmaster.pid" ] &&
	    sh "$top/tests/pg-cluster.sh" stop "$DIR/pg"
	rm -rf "$DIR"
	mkdir -p "$DIR/home" "$DIR/config" "$DIR/json" "$DIR/log"
	: >"$RES"
	: >"$MEM"
	: >"$CALRES"
	: >"$PGRES"
	: >"$PGMEM"
fi
started=$(date +%s)
[ "$ONLY" = 1 ] || load_start=$(cut -d' ' -f1-3 /proc/loadavg)

# A private world: no user configuration, hooks or data is read.
export HOME="$DIR/home" XDG_CONFIG_HOME="$DIR/config" \
    XDG_DATA_HOME="$DIR/home/data" ITSM_NOW="$NOW_ISO" ITSM_ACTOR=tech07 \
    NO_COLOR=1 LC_ALL=C TZ=UTC
unset ITSM_CONFIG ITSM_DB TASKRC TASKDATA 2>/dev/null || true

cleanup() {
	pg_stop
	[ "${BENCH_KEEP:-0}" = 1 ] || [ "$ONLY" = 1 ] && return
	rm -rf "$DIR/pg"
	rm -f "$DIR"/*.db "$DIR"/*.db-wal "$DIR"/*.db-shm "$DIR"/*.jsonl \
	    "$DIR"/*.csv "$DIR"/*.json.tw
	rm -rf "$DIR"/tw-* "$DIR"/servicenow/*.csv "$DIR"/servicenow/*.db \
	    "$DIR"/servicenow/*.db-wal "$DIR"/servicenow/*.db-shm
}
trap cleanup EXIT

label() {
	case $1 in
	*000000) echo "$(($1 / 1000000))M" ;;
	*000) echo "$(($1 / 1000))k" ;;
	*) echo "$1" ;;
	esac
}

say() {
	printf '%s [%4ss] %s\n' "bench:" "$(($(date +%s) - started))" "$*" >&2
}

# hf NAME WARMUP RUNS CMD1 CMD2 [PREPARE1 PREPARE2]
# Runs both commands under hyperfine (no shell in between); sets M1 and
# M2 to their median wall times in seconds, C1 and C2 to their mean CPU
# times (user + system).
hf() {
	_n=$1 _w=$2 _r=$3 _c1=$4 _c2=$5
	shift 5
	_j=$DIR/json/$_n.json
	if [ $# -eq 2 ]; then
		hyperfine -N --style basic --warmup "$_w" --runs "$_r" \
		    --export-json "$_j" --prepare "$1" --prepare "$2" \
		    "$_c1" "$_c2" >"$DIR/log/$_n.txt" 2>&1 ||
		    { cat "$DIR/log/$_n.txt" >&2; die "$_n failed"; }
	else
		hyperfine -N --style basic --warmup "$_w" --runs "$_r" \
		    --export-json "$_j" "$_c1" "$_c2" >"$DIR/log/$_n.txt" 2>&1 ||
		    { cat "$DIR/log/$_n.txt" >&2; die "$_n failed"; }
	fi
	M1=$(jq -r '.results[0].median' "$_j")
	M2=$(jq -r '.results[1].median' "$_j")
	C1=$(jq -r '.results[0].user + .results[0].system' "$_j")
	C2=$(jq -r '.results[1].user + .results[1].system' "$_j")
}

# record SIZE FIGURE TARGET: the last hf's medians and ratio, and the
# verdict against TARGET ("<=1.25", "<=1", "<=2", "-": none).
record() {
	awk -v s="$1" -v f="$2" -v t="$3" -v a="$M1" -v b="$M2" -v ca="$C1" \
	    -v cb="$C2" 'BEGIN {
		r = a / b
		v = "-"
		if (t != "-") {
			lim = substr(t, 3) + 0
			v = r <= lim ? "met" : "MISSED"
		}
		printf "%s\t%s\t%.6f\t%.6f\t%.3f\t%s\t%s\t%.6f\t%.6f\n", s, f, a,
		    b, r, t, v, ca, cb
	}' >>"${REC_TO:-$RES}"
}

# rss CMD...: the peak resident set of a command, in KiB.
rss() {
	/usr/bin/time -f %M -o "$DIR/rss.tmp" "$@" >/dev/null 2>&1 || true
	tail -n 1 "$DIR/rss.tmp"
}

# mem SIZE NAME ITSM-COMMAND [BASELINE-COMMAND]: the peak memory of both.
mem() {
	_s=$1 _f=$2 _ci=$3 _cb=${4:-}
	eval "set -- $_ci"
	_a=$(rss "$@")
	_b=-
	if [ -n "$_cb" ]; then
		eval "set -- $_cb"
		_b=$(rss "$@")
	fi
	printf '%s\t%s\t%s\t%s\n' "$_s" "$_f" "$_a" "$_b" >>"${MEM_TO:-$MEM}"
}

# The SQL the baselines run: plain sqlite3 queries returning what itsm
# returns, written as a careful person would, with the plan SQLite gives
# them on this schema (printed in BENCHMARKS.md).
REF="(CASE type WHEN 'request' THEN 'REQ-' WHEN 'change' THEN 'CHG-' ELSE 'INC-' END || id)"
ISO="strftime('%Y-%m-%dT%H:%M:%SZ', opened_at, 'unixepoch')"
ROW="$REF, priority, status, $ISO, group_name, assignee, summary"
OPEN="status IN ('new', 'in_progress', 'on_hold')"
ORDER="ORDER BY major DESC, ifnull(priority_rank, 1000000), opened_at, id"
Q_LIST="SELECT $ROW FROM tickets INDEXED BY tickets_queue WHERE $OPEN $ORDER"
Q_NEXT="SELECT $ROW FROM tickets INDEXED BY tickets_queue WHERE $OPEN AND status <> 'on_hold' AND (assignee IS NULL OR assignee = 'tech07') $ORDER LIMIT 1"
# The stagnant tickets: one index range per priority (and one for none).
stag_or=
stag_arms=
for p in $STAG "NULL:604800"; do
	if [ "${p%:*}" = NULL ]; then
		cond="priority IS NULL"
	else
		cond="priority = '${p%:*}'"
	fi
	cut=$((NOW - ${p#*:}))
	stag_or="$stag_or${stag_or:+ OR }($cond AND updated_at < $cut)"
	stag_arms="$stag_arms${stag_arms:+ UNION ALL }SELECT * FROM tickets INDEXED BY tickets_stagnant WHERE status IN ('new', 'in_progress') AND $cond AND updated_at < $cut"
done
Q_STAGNANT="SELECT $REF, priority, status, updated_at FROM ($stag_arms) WHERE stagnant_escalated_at IS NULL OR stagnant_escalated_at <= updated_at $ORDER"

# gen N DB: an empty database created by itsm itself (schema, WAL, and
# the SLA fingerprint a first cron sweep leaves), filled by bench/gen.sql.
# empty_db DB: an itsm database with no ticket.  itsm creates a database
# only when a ticket is recorded (itsm(1), FILES): one is opened, then
# deleted with the triggers that forbid it lifted for that moment; then a
# sweep records the policy's targets, as on a new database.
empty_db() {
	local trg
	rm -f "$1" "$1-wal" "$1-shm"
	"$ITSM" --db "$1" open "bench seed" --caller bench >/dev/null
	trg=$(sqlite3 "$1" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger'")
	{
		echo "BEGIN;"
		sqlite3 "$1" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger'"
		echo "DELETE FROM events; DELETE FROM tickets; DELETE FROM sqlite_sequence;"
		printf '%s\n' "$trg"
		echo "COMMIT;"
	} | sqlite3 -bail "$1" >/dev/null
	[ "$(sqlite3 "$1" "SELECT count(*) FROM tickets")" = 0 ]
	"$ITSM" --db "$1" escalate --stagnant >/dev/null
}

gen() {
	empty_db "$2"
	{
		echo "PRAGMA temp_store = MEMORY;"
		echo "CREATE TEMP TABLE p AS SELECT $1 AS n, $NOW AS now;"
		cat "$here/gen.sql"
	} | sqlite3 -bail "$2" >/dev/null
}

# The business-calendar policy: the Paris office of
# examples/office-hours.yaml (P1 around the clock), with one group and
# two services on calendars of their own, so that the stagnant sweep
# reads the latest cut of each priority and the domain sorts the tickets
# read near it (bench/FINDINGS.md, Calendars and the sweeps).
CALPOL=$DIR/calendars.yaml
CALNEXT=2026-11-28T09:00:00Z	# an hour after NOW (Saturday)
CALNOW=2026-11-30T09:00:00Z	# the Monday after NOW, 10:00 in Paris
cal_policy() {
	sed -e 's/^  priorities: {P1: 24x7}$/  priorities: {P1: 24x7}\
  groups: {engineering: extended}\
  services: {payroll: 24x7, vpn: extended}/' \
	    -e 's/^calendars:$/calendars:\
  - name: extended\
    zone: Europe\/Paris\
    week:\
      mon-fri: [07:00-21:00]\
      sat: [09:00-13:00]/' \
	    "$top/examples/office-hours.yaml" >"$CALPOL"
	grep -q '^  services: {payroll: 24x7, vpn: extended}$' "$CALPOL" &&
	    grep -q '^  - name: extended$' "$CALPOL" ||
	    die "examples/office-hours.yaml changed: bench/run.sh, cal_policy"
	"$ITSM" --config "$CALPOL" config check >/dev/null ||
	    die "the calendar policy does not check"
}

# cal_stage LABEL DB: two copies of DB, one swept by each policy for
# real at NOW (as cron leaves a database: the calendar one recomputes
# every open ticket's due times through its calendars once, the SLA
# fingerprint having changed); then, on the Monday after, the dry runs
# and the breached list of each, side by side.
cal_stage() {
	_l=$1 _db=$2 _d=$DIR/sweep-24x7.db _c=$DIR/sweep-cal.db
	say "$_l: business calendars"
	sqlite3 "$_db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
	rm -f "$_d"* "$_c"*
	cp "$_db" "$_d"
	cp "$_db" "$_c"
	REC_TO=$CALRES
	set -- $(first_sweep "$_c" --config "$CALPOL") \
	    $(first_sweep "$_d")
	M1=$1 C1=$2 M2=$3 C2=$4
	nopen=$(sqlite3 "$_c" "SELECT count(*) FROM tickets WHERE $OPEN")
	record "$_l" "the first real escalate --stagnant (refreshes $nopen tickets' dues)" "-"
	# Cron's next run, an hour later, then Monday morning's.
	for ITSM_NOW in $CALNEXT $CALNOW; do
		_cs=$("$ITSM" --config "$CALPOL" --db "$_c" escalate --stagnant --dry-run | wc -l)
		_ds=$("$ITSM" --db "$_d" escalate --stagnant --dry-run | wc -l)
		hf "cal-escalate-$_l-${ITSM_NOW%%T*}" 3 "$RUNS" \
		    "$ITSM --config $CALPOL --db $_c escalate --stagnant --dry-run" \
		    "$ITSM --db $_d escalate --stagnant --dry-run"
		record "$_l" "escalate --stagnant --dry-run at $ITSM_NOW ($_cs; 24x7: $_ds)" "<=1.25"
	done
	_cb=$("$ITSM" --config "$CALPOL" --db "$_c" list --breached --format tsv | wc -l)
	_db2=$("$ITSM" --db "$_d" list --breached --format tsv | wc -l)
	if [ "$_l" = 1M ]; then _w=1 _r=5; else _w=2 _r=10; fi
	hf "cal-breached-$_l" $_w $_r \
	    "$ITSM --config $CALPOL --db $_c list --breached --format tsv" \
	    "$ITSM --db $_d list --breached --format tsv"
	record "$_l" "list --breached ($_cb; 24x7: $_db2)" "<=1.25"
	hf "cal-both-$_l" $_w $_r \
	    "$ITSM --config $CALPOL --db $_c escalate --stagnant --breached --dry-run" \
	    "$ITSM --db $_d escalate --stagnant --breached --dry-run"
	record "$_l" "escalate --stagnant --breached --dry-run" "<=1.25"
	mem "$_l" "escalate --stagnant --dry-run, calendars (baseline: 24x7)" \
	    "$ITSM --config $CALPOL --db $_c escalate --stagnant --dry-run" \
	    "$ITSM --db $_d escalate --stagnant --dry-run"
	ITSM_NOW=$NOW_ISO
	REC_TO=
	rm -f "$_d"* "$_c"*
}

# first_sweep DB [OPTION...]: a real escalate --stagnant at NOW; prints
# its wall and CPU (user + system) times in seconds.
first_sweep() {
	_fdb=$1
	shift
	_t0=$(date +%s%N)
	/usr/bin/time -f '%U %S' -o "$DIR/time.tmp" \
	    "$ITSM" "$@" --db "$_fdb" escalate --stagnant >/dev/null ||
	    die "escalate --stagnant on $_fdb failed"
	awk -v a="$_t0" -v b="$(date +%s%N)" \
	    '{ printf "%.6f %.2f", (b - a) / 1e9, $1 + $2 }' \
	    "$DIR/time.tmp"
}

vh_report=$DIR/version-help.txt
if [ "$ONLY" != 1 ]; then
# The empty database the imports start from (itsm's schema).
EMPTY=$DIR/empty.db
empty_db "$EMPTY"
sqlite3 "$EMPTY" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
TCOLS=$(sqlite3 "$EMPTY" "SELECT group_concat('nullif(NEW.' || name || ', '''')', ', ') FROM pragma_table_info('tickets')")
cat >"$DIR/prep.sh" <<EOF
#!/bin/sh
rm -f "\$1" "\$1-wal" "\$1-shm" && cp "$EMPTY" "\$1"
EOF
chmod +x "$DIR/prep.sh"

# --version and -h: no database, no policy.  Run with a database path no
# one can open or create and a configuration that does not parse, they
# still succeed; strace shows which files they touch.
BROKEN=$DIR/broken.yaml
printf 'impact: [high, medium\nmatrix: {\n' >"$BROKEN"
BADDB=/etc/passwd/itsm.db
{
	for args in "--version" "-h"; do
		ITSM_DB=$BADDB ITSM_CONFIG=$BROKEN "$ITSM" $args >/dev/null 2>&1
		printf 'itsm %s with ITSM_DB=%s ITSM_CONFIG=%s: exit %s\n' \
		    "$args" "$BADDB" "(a broken file)" "$?"
	done
	ITSM_DB=$BADDB ITSM_CONFIG=$BROKEN "$ITSM" list >/dev/null 2>&1 &&
	    rc=0 || rc=$?
	printf 'itsm list with the same environment: exit %s (as it should)\n' \
	    "$rc"
	if command -v strace >/dev/null 2>&1; then
		for args in "--version" "-h"; do
			ITSM_DB=$BADDB ITSM_CONFIG=$BROKEN strace -f -qq \
			    -e trace=%file,%desc -o "$DIR/strace.txt" \
			    "$ITSM" $args >/dev/null 2>&1 || true
			n=$(grep -c -e 'itsm.db' -e 'broken.yaml' -e '\.yaml' \
			    -e 'config' "$DIR/strace.txt" || true)
			f=$(grep -c -e 'open' "$DIR/strace.txt" || true)
			printf 'strace itsm %s: %s file opens (the loader and its libraries), %s of them on a database or a policy\n' \
			    "$args" "$f" "$n"
		done
	fi
} >"$vh_report"
case $(cat "$vh_report") in
*"exit 0"*"exit 0"*) ;;
*) cat "$vh_report" >&2; die "--version or -h failed" ;;
esac

cal_policy
first=1
prev_n=
for n in $SIZES; do
	L=$(label "$n")
	db=$DIR/itsm-$L.db
	say "$L: generating $n tickets"
	t0=$(date +%s)
	gen "$n" "$db"
	gen_s=$(($(date +%s) - t0))
	nt=$(sqlite3 "$db" "SELECT count(*) FROM tickets")
	ne=$(sqlite3 "$db" "SELECT count(*) FROM events")
	no=$(sqlite3 "$db" "SELECT count(*) FROM tickets WHERE $OPEN")
	nst=$(sqlite3 "$db" "SELECT count(*) FROM tickets WHERE status IN ('new', 'in_progress') AND ($stag_or)")
	sz=$(du -m "$db" | cut -f1)
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$L" "$nt" "$ne" "$no" "$nst" \
	    "$sz" "$gen_s" >>"$DIR/data.tsv"
	export ITSM_DB="$db"

	# The import's input: what itsm export writes, and the same rows as
	# CSV, both taken before anything else touches the database.
	say "$L: export (JSONL) and CSV"
	t0=$(date +%s)
	/usr/bin/time -f %M -o "$DIR/rss.tmp" "$ITSM" export >"$DIR/$L.jsonl"
	printf '%s\texport\t%s\t-\n' "$L" "$(tail -n 1 "$DIR/rss.tmp")" >>"$MEM"
	printf '%s\t%s\n' "$L" "$(($(date +%s) - t0))" >>"$DIR/export.tsv"
	sqlite3 -csv "$db" "SELECT * FROM tickets ORDER BY id" >"$DIR/$L.tickets.csv"
	sqlite3 -csv "$db" "SELECT * FROM events ORDER BY id" >"$DIR/$L.events.csv"

	# Reads first: the queue, the head of it, one ticket, the sweep.
	big=0
	[ "$n" -ge 1000000 ] && big=1
	say "$L: list"
	sqlite3 -tabs "$db" "$Q_LIST" >"$DIR/list.base"
	"$ITSM" list --format tsv >"$DIR/list.itsm"
	cmp -s "$DIR/list.base" "$DIR/list.itsm" ||
	    die "$L: itsm list and its baseline differ ($DIR/list.*)"
	nl=$(wc -l <"$DIR/list.itsm")
	if [ $big = 1 ]; then w=1 r=5; else w=2 r=10; fi
	hf "list-$L" $w $r "$ITSM list --format tsv" "sqlite3 -tabs $db \"$Q_LIST\""
	record "$L" "list ($nl rows)" "<=1.25"

	say "$L: next, show, escalate"
	sqlite3 -tabs "$db" "$Q_NEXT" >"$DIR/next.base"
	"$ITSM" next >"$DIR/next.itsm"
	cmp -s "$DIR/next.base" "$DIR/next.itsm" ||
	    die "$L: itsm next and its baseline differ ($DIR/next.*)"
	hf "next-$L" 3 "$RUNS" "$ITSM next" "sqlite3 -tabs $db \"$Q_NEXT\""
	record "$L" "next" "<=2"

	ref=$((n / 2))
	Q_SHOW="SELECT * FROM tickets WHERE id = $ref; SELECT * FROM events WHERE ticket = $ref ORDER BY id"
	e1=$("$ITSM" show "$ref" | grep -c '^event')
	e2=$(sqlite3 "$db" "SELECT count(*) FROM events WHERE ticket = $ref")
	[ "$e1" = "$e2" ] || die "$L: itsm show $ref shows $e1 events, not $e2"
	hf "show-$L" 3 "$RUNS" "$ITSM show $ref" "sqlite3 -tabs $db \"$Q_SHOW\""
	record "$L" "show" "<=2"

	"$ITSM" escalate --stagnant --dry-run | cut -f1 >"$DIR/esc.itsm"
	sqlite3 -tabs "$db" "$Q_STAGNANT" | cut -f1 >"$DIR/esc.base"
	cmp -s "$DIR/esc.base" "$DIR/esc.itsm" ||
	    die "$L: escalate --stagnant --dry-run and its baseline differ"
	nesc=$(wc -l <"$DIR/esc.itsm")
	hf "escalate-$L" 3 "$RUNS" "$ITSM escalate --stagnant --dry-run" \
	    "sqlite3 -tabs $db \"$Q_STAGNANT\""
	record "$L" "escalate --stagnant --dry-run ($nesc)" "<=2"

	# Business calendars (issue 14): the same sweeps on the same tickets
	# under examples/office-hours.yaml with groups and services on
	# calendars of their own, beside the default policy (24x7).
	cal_stage "$L" "$db"

	if [ $first = 1 ]; then
		say "$L: --version, -h"
		hf "version" 3 "$RUNS" "$ITSM --version" "sqlite3 -version"
		record "-" "--version (vs sqlite3 -version)" "-"
		hf "help" 3 "$RUNS" "$ITSM -h" "sqlite3 -version"
		record "-" "-h (vs sqlite3 -version)" "-"
	fi

	# The import, into a copy of the empty database each time.
	say "$L: import"
	timp=$DIR/import-itsm.db
	tbase=$DIR/import-sqlite3.db
	if [ $big = 1 ]; then w=0 r=1; elif [ "$n" -ge 100000 ]; then w=0 r=2; else w=1 r=3; fi
	rm -f "$DIR/rss-import-itsm" "$DIR/rss-import-base"
	hf "import-$L" $w $r \
	    "/usr/bin/time -a -o $DIR/rss-import-itsm -f %M $ITSM --db $timp import $DIR/$L.jsonl" \
	    "/usr/bin/time -a -o $DIR/rss-import-base -f %M sqlite3 $tbase -cmd \"CREATE TEMP VIEW tickets_csv AS SELECT * FROM tickets; CREATE TEMP TRIGGER tickets_csv_insert INSTEAD OF INSERT ON tickets_csv BEGIN INSERT INTO tickets VALUES ($TCOLS); END\" \".import --csv $DIR/$L.tickets.csv tickets_csv\" \".import --csv $DIR/$L.events.csv events\"" \
	    "$DIR/prep.sh $timp" "$DIR/prep.sh $tbase"
	record "$L" "import ($nt tickets, $ne events)" "<=1"
	printf '%s\timport\t%s\t%s\n' "$L" \
	    "$(sort -n "$DIR/rss-import-itsm" | tail -n 1)" \
	    "$(sort -n "$DIR/rss-import-base" | tail -n 1)" >>"$MEM"
	# PostgreSQL, from the same JSONL and CSV (bench/pg.sh).
	case " $PG_SIZES " in
	*" $n "*)
		unset ITSM_DB
		pg_size "$n"
		export ITSM_DB="$db"
		;;
	esac
	# The same rows: tickets identical, events the same counts and sums.
	h1=$(sqlite3 "$timp" ".sha3sum tickets")
	h2=$(sqlite3 "$tbase" ".sha3sum tickets")
	h3=$(sqlite3 "$db" ".sha3sum tickets")
	[ "$h1" = "$h2" ] && [ "$h1" = "$h3" ] ||
	    die "$L: the imported tickets differ"
	EV="SELECT count(*), sum(ticket), sum(at), total(length(new)), total(length(message)) FROM events"
	[ "$(sqlite3 "$timp" "$EV")" = "$(sqlite3 "$tbase" "$EV")" ] ||
	    die "$L: the imported events differ"
	rm -f "$timp" "$timp-wal" "$timp-shm" "$tbase" "$tbase-wal" \
	    "$tbase-shm" "$DIR/$L.jsonl" "$DIR/$L.tickets.csv" \
	    "$DIR/$L.events.csv"

	# Taskwarrior at 10k and 100k: the same items, imported.
	tw=0
	if [ $HAVE_TASK = 1 ] && [ "$n" -le 100000 ]; then
		tw=1
		say "$L: taskwarrior import"
		twd=$DIR/tw-$L
		mkdir -p "$twd"
		printf 'data.location=%s\nconfirmation=off\nnews.version=2.6.0\nhooks=off\n' \
		    "$twd" >"$twd/taskrc"
		sqlite3 "$db" <"$here/tw.sql" >"$DIR/$L.json.tw"
		t0=$(date +%s)
		TASKRC=$twd/taskrc TASKDATA=$twd task import "$DIR/$L.json.tw" \
		    >/dev/null 2>&1 || die "$L: task import failed"
		printf '%s\t%s\n' "$L" "$(($(date +%s) - t0))" >>"$DIR/twimport.tsv"
		rm -f "$DIR/$L.json.tw"
		export TASKRC="$twd/taskrc" TASKDATA="$twd"
		hf "tw-list-$L" 2 10 "$ITSM list --format tsv" "task list"
		record "$L" "list: itsm vs task" "<=1"
	fi

	# Writes last: each run adds a ticket (or a task).
	say "$L: open"
	Q_OPEN="BEGIN IMMEDIATE; INSERT INTO tickets (summary, caller, affected, tier, group_name, opened_at, updated_at) VALUES ('Printer jammed on floor 3', 'alice', 'alice', 'N1', 'service-desk', $NOW, $NOW); INSERT INTO events (ticket, at, recorded_at, actor, login, kind, field, new) VALUES (last_insert_rowid(), $NOW, $NOW, 'tech07', 'root', 'open', 'status', 'new'); COMMIT"
	hf "open-$L" 3 "$RUNS" "$ITSM open 'Printer jammed on floor 3' --caller alice" \
	    "sqlite3 $db \"$Q_OPEN\""
	record "$L" "open" "<=1.25"
	Q_OPENP="BEGIN IMMEDIATE; INSERT INTO tickets (summary, caller, affected, tier, group_name, opened_at, updated_at, impact, urgency, priority, priority_rank, response_due, resolution_due) VALUES ('Printer jammed on floor 3', 'alice', 'alice', 'N1', 'service-desk', $NOW, $NOW, 'medium', 'high', 'P2', 1, $((NOW + 1800)), $((NOW + 28800))); INSERT INTO events (ticket, at, recorded_at, actor, login, kind, field, new) SELECT last_insert_rowid(), $NOW, $NOW, 'tech07', 'root', column1, column2, column3 FROM (VALUES ('open', 'status', 'new'), ('prioritize', 'impact', 'medium'), ('prioritize', 'urgency', 'high'), ('prioritize', 'priority', 'P2')); COMMIT"
	hf "openp-$L" 3 "$RUNS" \
	    "$ITSM open 'Printer jammed on floor 3' --caller alice --impact medium --urgency high" \
	    "sqlite3 $db \"$Q_OPENP\""
	record "$L" "open --impact --urgency (4 events)" "-"
	if [ $tw = 1 ]; then
		say "$L: taskwarrior add"
		hf "tw-add-$L" 3 10 \
		    "$ITSM open 'Printer jammed on floor 3' --caller alice" \
		    "task add 'Printer jammed on floor 3 (alice)' project:service-desk priority:M"
		record "$L" "open: itsm vs task add" "<=1"
		unset TASKRC TASKDATA
		rm -rf "$twd"
	fi

	# Peak memory of every command at this size.
	say "$L: peak memory"
	mem "$L" "open" "$ITSM open 'Printer jammed' --caller alice" \
	    "sqlite3 $db \"$Q_OPEN\""
	mem "$L" "list" "$ITSM list --format tsv" "sqlite3 -tabs $db \"$Q_LIST\""
	mem "$L" "next" "$ITSM next" "sqlite3 -tabs $db \"$Q_NEXT\""
	mem "$L" "show" "$ITSM show $ref" "sqlite3 -tabs $db \"$Q_SHOW\""
	mem "$L" "escalate --stagnant --dry-run" \
	    "$ITSM escalate --stagnant --dry-run" \
	    "sqlite3 -tabs $db \"$Q_STAGNANT\""
	mem "$L" "list --all --format jsonl" "$ITSM list --all --format jsonl" ""
	mem "$L" "stats" "$ITSM stats" ""

	# Plans of the baselines' queries (itsm's own: see bench/README).
	{
		echo "### $L"
		for q in Q_LIST Q_NEXT Q_STAGNANT; do
			eval "sql=\$$q"
			echo
			echo "$q:"
			sqlite3 "$db" "EXPLAIN QUERY PLAN $sql" | sed 's/^/    /'
		done
		echo
	} >>"$DIR/plans.txt"
	[ "${BENCH_KEEP:-0}" = 1 ] || rm -f "$db" "$db-wal" "$db-shm"
	first=0
	prev_n=$n
done
unset ITSM_DB
[ -z "$PG_SIZES" ] || pg_flat
pg_stop

# The real-data figures (import and stats over the ServiceNow log): with
# the default sizes, or BENCH_SERVICENOW=1 (a smoke run stays short).
if [ -z "${BENCH_SIZES:-}" ] || [ "${BENCH_SERVICENOW:-0}" = 1 ]; then
	say "the ServiceNow log"
	DIR=$DIR ITSM=$ITSM sh "$here/servicenow.sh" "$DIR/servicenow.md" ||
	    echo "bench: the ServiceNow figures failed" >&2
fi
elapsed=$(($(date +%s) - started))
load_end=$(cut -d' ' -f1-3 /proc/loadavg)
cat >"$DIR/run.env" <<EOF
SIZES='$SIZES'
PG_SIZES='$PG_SIZES'
RUNS='$RUNS'
elapsed='$elapsed'
load_start='$load_start'
load_end='$load_end'
EOF
fi
say "writing $OUT"

# The report.
fmt_t() {
	awk -v t="$1" 'BEGIN {
		if (t >= 1) printf "%.2f s", t
		else if (t >= 0.01) printf "%.1f ms", t * 1000
		else printf "%.2f ms", t * 1000
	}'
}

# results_table [FILE BASELINE]: $RES's rows (sqlite3's) or FILE's.
results_table() {
	echo "| size | figure | itsm | baseline | ratio | target | | CPU ratio |"
	echo "| --- | --- | ---: | ---: | ---: | --- | --- | ---: |"
	while IFS='	' read -r s f a b r t v ca cb; do
		case $f in
		*"vs task"*) base="task" ;;
		*": itsm at "*) base="itsm" ;;
		*) base=${2:-sqlite3} ;;
		esac
		tt=$t
		[ "$t" = "-" ] || tt="≤ ${t#<=}×"
		[ "$v" = "-" ] && v=""
		printf '| %s | %s | %s | %s %s | %.2f× | %s | %s | %s |\n' "$s" \
		    "$f" "$(fmt_t "$a")" "$(fmt_t "$b")" "$base" "$r" "$tt" "$v" \
		    "$(awk -v a="$ca" -v b="$cb" 'BEGIN {
			if (b > 0) printf "%.2f×", a / b; else printf "-" }')"
	done <"${1:-$RES}"
}

# How a figure grows: itsm's median at each size, and the last over the
# first (flat: at most 1.5).
scaling_table() {
	printf '| figure |'
	for n in $SIZES; do printf ' %s |' "$(label "$n")"; done
	printf ' last / first |\n| --- |'
	for n in $SIZES; do printf ' ---: |'; done
	printf ' ---: |\n'
	for f in list next show escalate import open; do
		printf '| %s (itsm; sqlite3) |' "$f"
		for n in $SIZES; do
			awk -F'\t' -v s="$(label "$n")" -v f="$f" '
			    $1 == s && index($2, f) == 1 && $2 !~ /vs task/ &&
			    $2 !~ /--impact/ {
				printf " %s; %s |", t($3), t($4); exit
			    }
			    function t(x) {
				if (x >= 1) return sprintf("%.2f s", x)
				return sprintf("%.1f ms", x * 1000)
			    }' "$RES"
		done
		awk -F'\t' -v a="$(label "${SIZES%% *}")" -v b="$(label "${SIZES##* }")" -v f="$f" '
		    index($2, f) == 1 && $2 !~ /vs task/ && $2 !~ /--impact/ {
			if ($1 == a) x = $3; if ($1 == b) y = $3
		    }
		    END { if (x > 0) printf " %.2f× |\n", y / x; else print " |" }' "$RES"
	done
}

# memory_table [SIZES FILE BASELINE]: $MEM's (sqlite3's) or FILE's.
memory_table() {
	_ms=${1:-$SIZES} _mf=${2:-$MEM}
	printf '| command |'
	for n in $_ms; do printf ' %s |' "$(label "$n")"; done
	printf ' %s baseline at %s |\n| --- |' "${3:-sqlite3}" "$(label "${_ms##* }")"
	for n in $_ms; do printf ' ---: |'; done
	printf ' ---: |\n'
	cut -f2 "$_mf" | awk '!seen[$0]++' | while read -r c; do
		printf '| itsm %s |' "$c"
		for n in $_ms; do
			awk -F'\t' -v s="$(label "$n")" -v c="$c" '
			    $1 == s && $2 == c {
				m = $3 / 1024
				printf " %.1f MiB%s |", m, (m > 16 ? " **over**" : "")
				exit
			    }' "$_mf"
		done
		awk -F'\t' -v s="$(label "${_ms##* }")" -v c="$c" '
		    $1 == s && $2 == c {
			if ($4 == "-") print " |"
			else printf " %.1f MiB |\n", $4 / 1024
			exit
		    }' "$_mf"
	done
}

verdicts() {
	big=$(label "${SIZES##* }")
	small=$(label "${SIZES%% *}")
	awk -F'\t' -v big="$big" -v small="$small" '
	    function v(f, lim, what,   k) {
		k = f SUBSEP big
		if (!(k in r)) return
		printf "- %s: %.2f× at %s (target ≤ %s×): **%s**\n", what, r[k],
		    big, lim, r[k] <= lim ? "met" : "missed"
	    }
	    function flat(f, what,   a, b) {
		a = t[f SUBSEP small]; b = t[f SUBSEP big]
		if (a == "" || b == "") return
		printf "- %s from %s to %s: %.2f× the time (flat: ≤ 1.5×): **%s**\n",
		    what, small, big, b / a, b / a <= 1.5 ? "met" : "missed"
	    }
	    {
		f = $2; sub(/ \(.*/, "", f)
		if ($2 ~ /vs task/) { tw[$1, f] = $5; next }
		r[f, $1] = $5; t[f, $1] = $3
	    }
	    END {
		v("open", 1.25, "open vs sqlite3 INSERT")
		v("list", 1.25, "list vs the sqlite3 query")
		v("import", 1, "import vs sqlite3 .import")
		v("show", 2, "show vs sqlite3")
		v("next", 2, "next vs sqlite3")
		v("escalate --stagnant --dry-run", 2, "escalate --stagnant --dry-run vs sqlite3")
		flat("show", "show")
		flat("next", "next")
		flat("escalate --stagnant --dry-run", "escalate --stagnant --dry-run")
		for (k in tw) {
		    split(k, p, SUBSEP)
		    printf "- %s at %s: itsm takes %.2f× the time of Taskwarrior: **%s**\n",
			p[2], p[1], tw[k], tw[k] < 1 ? "ahead" : "behind"
		}
	    }' "$RES"
	awk -F'\t' -v big="$big" '$1 == big {
		m = $3 / 1024
		if (m > 16) over = over sprintf(" %s (%.1f MiB)", $2, m)
	    }
	    END {
		if (over == "") print "- peak memory at " big ": every command ≤ 16 MiB: **met**"
		else print "- peak memory at " big " ≤ 16 MiB: **missed** by" over
	    }' "$MEM"
}

{
	echo "# Benchmarks"
	echo
	echo "Written by \`make bench\` (bench/run.sh; how it works: bench/README)."
	echo "Every figure is the median wall time of several runs measured by"
	echo "hyperfine after warm-up runs, beside its baseline measured in the"
	echo "same run on the same data; the ratio is itsm / baseline.  Whole"
	echo "processes are timed: start-up, opening the database, the work, exit."
	echo "The verdicts are on the wall-time medians.  The CPU ratio (mean user"
	echo "+ system time, itsm / baseline) is given beside them: other jobs"
	echo "shared this machine, and CPU time suffers less from that than wall"
	echo "time does (an fsync, as in open, is wall time only)."
	echo
	echo "## Machine and run"
	echo
	echo "- date: $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "- CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), \`nproc\` = $(nproc)"
	echo "- memory (\`free -h\`): $(free -h | awk '/^Mem:/ { print $2 " total, " $7 " available" }')"
	echo "- $(uname -sr), $(sqlite3 -version | cut -d' ' -f1-2 | sed 's/^/SQLite /'), $(hyperfine --version)$([ $HAVE_TASK = 1 ] && echo ", Taskwarrior $(task --version)")"
	echo "- itsm: $("$ITSM" --version | cut -d' ' -f2), built with \`$(sed -n 's/^CFLAGS *?= *//p' "$top/Makefile")\`"
	echo "- load average at the start and the end: $load_start; $load_end"
	echo "  (other jobs shared the machine: ratios are steadier than times)"
	echo "- the whole run: $((elapsed / 60)) min $((elapsed % 60)) s"
	echo
	echo "To reproduce: \`make deps-extra && make bench\` (sizes: \`BENCH_SIZES=\"10000 100000 1000000\"\`)."
	echo
	echo "Runs: $RUNS after 3 warm-ups for open, next, show, escalate, --version,"
	echo "-h; 10 after 2 for list (5 after 1 at 1M); 3 after 1 for import at"
	echo "10k, 2 at 100k, and a single run each at 1M (5 to 10 minutes for"
	echo "itsm alone: more would not fit in 20 minutes; its input was just"
	echo "written, so it is in the page cache); 10 after 2 or 3 for Taskwarrior."
	echo
	echo "## Data"
	echo
	echo "| size | tickets | events | open | stagnant (10 of them already escalated) | database | generated in |"
	echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
	while IFS='	' read -r s a b c d e g; do
		echo "| $s | $a | $b | $c | $d | $e MB | $g s |"
	done <"$DIR/data.tsv"
	echo
	echo "\`itsm export\` wrote the JSONL input of the import in"
	echo "$(awk -F'\t' '{ printf "%s%s s at %s", (NR > 1 ? ", " : ""), $2, $1 }' "$DIR/export.tsv")."
	if [ -f "$DIR/twimport.tsv" ]; then
		echo "\`task import\` took $(awk -F'\t' '{ printf "%s%s s at %s", (NR > 1 ? ", " : ""), $2, $1 }' "$DIR/twimport.tsv")."
	fi
	echo
	echo "## Results"
	echo
	results_table
	echo
	echo "## Targets"
	echo
	verdicts
	echo
	echo "## Growth from $(label "${SIZES%% *}") to $(label "${SIZES##* }")"
	echo
	scaling_table
	echo
	if [ -s "$CALRES" ]; then
		echo "## Business calendars"
		echo
		echo "The same tickets under two policies: the default (every clock"
		echo "24x7) and examples/office-hours.yaml (Paris office hours and"
		echo "holidays, P1 around the clock) with the engineering group and the"
		echo "vpn service on a calendar of their own (07:00-21:00, Saturday"
		echo "mornings) and payroll on 24x7.  Each on its own copy of the"
		echo "database, swept for real once at the data's clock (Saturday"
		echo "$NOW_ISO, the first row: the calendar policy recomputes every"
		echo "open ticket's due times once, its SLA fingerprint being new), then"
		echo "measured an hour later (cron's next run; the office is closed)"
		echo "and on the Monday after ($CALNOW, 10:00 in Paris); the"
		echo "baseline is the 24x7 policy's same command, the counts in"
		echo "parentheses what each reported (on Monday the 24x7 policy reports"
		echo "the tickets that went stagnant over the weekend, the calendar"
		echo "policy far fewer: that ratio flatters the calendars).  Neither"
		echo "reads more than the stagnant tickets of each priority's range"
		echo "and those near its cut: no sweep reads the queue ticket by ticket."
		echo "How the due times stay indexable: Findings, Calendars and the"
		echo "sweeps."
		echo
		results_table "$CALRES" "(24x7)"
		echo
		awk -F'\t' '$6 != "-" {
			f = $2; sub(/ \(.*/, "", f)
			printf "- %s at %s, calendars / 24x7: %.2f× (target ≤ %s×): **%s**\n",
			    f, $1, $5, substr($6, 3), $7
		    }' "$CALRES"
		echo
	fi
	echo "## Peak resident memory"
	echo
	echo "\`/usr/bin/time -f %M\`, one run each after the timed ones (import:"
	echo "the largest of its timed runs)."
	echo
	memory_table
	echo
	echo "## \`itsm --version\` and \`itsm -h\`"
	echo
	echo '```'
	cat "$vh_report"
	echo '```'
	echo
	echo "## Query plans of the baselines"
	echo
	echo "The baselines are plain sqlite3 queries returning the same rows in"
	echo "the same order (checked: list and next byte for byte, escalate the"
	echo "same tickets, show the same number of events, import the same"
	echo "tickets by .sha3sum and the same events by counts and sums)."
	echo "\`INDEXED BY\` is written where SQLite, without ANALYZE statistics,"
	echo "would otherwise pick the status index and sort."
	echo
	sed 's/^\(Q_[A-Z]*\):$/`\1`:\n/' "$DIR/plans.txt"
	echo
	pg_report
	if [ -f "$DIR/servicenow.md" ]; then
		echo
		cat "$DIR/servicenow.md"
	fi
	if [ -f "$here/FINDINGS.md" ]; then
		echo
		cat "$here/FINDINGS.md"
	fi
} >"$OUT"

# The table on standard output.
echo
results_table
echo
verdicts
echo
memory_table
if [ -n "$PG_SIZES" ]; then
	echo
	echo "PostgreSQL:"
	results_table "$PGRES" psql
	echo
	pg_verdicts
	echo
	memory_table "$PG_SIZES" "$PGMEM" psql
fi
echo
echo "bench: report written to $OUT"
