#!/bin/sh
# Runs the whole suite: cmocka unit tests, the end-to-end bats tests
# (tests/cli, tests/completion), and the man page lint.  Prints each
# part's output, then the totals as the last line.
#
# The unit test programs and the bats files run as separate jobs, JOBS at
# a time (default: three per processor), the slowest first: many tests
# spend their time waiting (busy and hook timeouts, locks held, hung
# hooks), and those waits overlap.  Each job writes its TAP output to a
# file of its own, printed whole, in the usual order, once it is done,
# so outputs never mix.  Within a file the tests run one after another,
# as they were written: the slowest files are busy with the processor,
# not waiting, so running their tests side by side would not end the run
# sooner on 2 processors.  A runner of its own rather than bats --jobs:
# it needs no GNU parallel, it runs the unit tests alongside, and it can
# tell a file that crashed (it counts as a failure).
#
# The engine (issue 13): ENGINE=sqlite (the default) runs all of the
# above on SQLite; ENGINE=pg runs the end-to-end files of tests/cli only,
# on PostgreSQL: inside one throwaway server (pg_virtualenv -t, as
# tests/pg-run.sh), with a template database made once that gives each
# test a database of its own (tests/cli/helper.bash); ENGINE=all (make
# check) runs the SQLite suite, then the PostgreSQL one, and prints the
# totals of both.  Each part's section says its engine.
#
# Environment: ITSM (the binary under test), UNIT_DIR (built unit tests),
# JOBS (how many jobs at once; 1 runs them one by one), ENGINE, TESTS
# (bats files to run, rather than all: tests/cli/t0100-open.bats ...),
# TIMES (a file to which each job adds a line: its processor seconds,
# its wall seconds, its name; to find what makes a run long).
set -u
: "${ITSM:?set ITSM to the itsm binary}"
: "${UNIT_DIR:?set UNIT_DIR to the built unit tests}"
export ITSM
top=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${JOBS:-}" ]; then
	JOBS=$(($(nproc 2>/dev/null || echo 1) * 3))
fi
case $JOBS in
'' | *[!0-9]* | 0) echo "run.sh: JOBS must be a positive number" >&2; exit 64 ;;
esac
ENGINE=${ENGINE:-sqlite}
case $ENGINE in
sqlite | pg | all) ;;
*) echo "run.sh: ENGINE must be sqlite, pg or all" >&2; exit 64 ;;
esac
export JOBS ENGINE

# ENGINE=pg: this script again, inside a throwaway server (ITSM_PG_IN
# set).  pg_virtualenv's own output (the cluster made and dropped, the
# server's log when a test failed) goes to a file, its last lines shown
# on standard error when the run failed, so that the totals stay the
# last line.  The server's settings spare it the disk flushes a crash
# would need (no test crashes the server).  It takes turns with
# tests/pg-run.sh (their lock; ITSM_PG_LOCK names another).  flock -o:
# the lock is held by flock itself, never by the server (a server left
# running would keep it, and every run after would wait for ever).
if [ "$ENGINE" = pg ] && [ -z "${ITSM_PG_IN:-}" ]; then
	if ! command -v pg_virtualenv >/dev/null 2>&1; then
		echo "== cli tests (postgresql)"
		echo "not ok - pg_virtualenv not found (no PostgreSQL server for the end-to-end tests): run make deps"
		if [ -n "${ITSM_TOTALS:-}" ]; then
			echo "0 1" >"$ITSM_TOTALS"
		else
			echo "0 passed, 1 failed"
		fi
		exit 1
	fi
	unset PGPORT
	log=$(mktemp)
	ITSM_PG_IN=1 flock -o "${ITSM_PG_LOCK:-${TMPDIR:-/tmp}/itsm-pg-run.lock}" \
	    pg_virtualenv -t -o fsync=off -o synchronous_commit=off \
	    -o full_page_writes=off sh "$0" 3>&1 4>&2 >"$log" 2>&1
	rc=$?
	[ "$rc" = 0 ] || tail -n 20 "$log" >&2
	rm -f "$log"
	exit "$rc"
fi
[ -z "${ITSM_PG_IN:-}" ] || exec 1>&3 2>&4 3>&- 4>&-

pass=0
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The PostgreSQL run's template: an empty database with the schema (and
# the server's itsm roles), made by itsm db init: the one place to
# change if a template is ever made another way.
# Copied by a file copy (after a checkpoint, cheap here) rather than
# PostgreSQL 15's default, through the WAL: some 15 ms a test, not 110.
if [ "$ENGINE" = pg ]; then
	ITSM_TEST_ENGINE=pg
	ITSM_PG_TEMPLATE=itsm_template
	ITSM_PG_COPY=
	[ "$(psql -XAtq -d postgres -c 'SHOW server_version_num' 2>/dev/null)" \
	    -ge 150000 ] 2>/dev/null && ITSM_PG_COPY=" STRATEGY FILE_COPY"
	export ITSM_TEST_ENGINE ITSM_PG_TEMPLATE ITSM_PG_COPY
	if ! createdb "$ITSM_PG_TEMPLATE" >"$work/template" 2>&1 ||
	    ! ITSM_DB="dbname=$ITSM_PG_TEMPLATE" \
	    ITSM_CONFIG="$top/lib/default.yaml" "$ITSM" -q db init \
	    >>"$work/template" 2>&1 ||
	    ! psql -XAtq -d "$ITSM_PG_TEMPLATE" -c 'SELECT version FROM itsm_schema' \
	    >>"$work/template" 2>&1; then
		echo "== cli tests (postgresql)"
		sed 's/^/# /' "$work/template"
		echo "not ok - cannot make the template database $ITSM_PG_TEMPLATE"
		if [ -n "${ITSM_TOTALS:-}" ]; then
			echo "0 1" >"$ITSM_TOTALS"
		else
			echo "0 passed, 1 failed"
		fi
		exit 1
	fi
else
	ITSM_TEST_ENGINE=sqlite
	export ITSM_TEST_ENGINE
fi

# The jobs, numbered in the order their output is printed: job N runs
# the file named in $work/N.job (a unit test program, or a bats file).
n=0
add_job() {
	n=$((n + 1))
	printf '%s\n' "$1" >"$work/$n.job"
}
dirs="cli completion"
if [ -n "${TESTS:-}" ]; then
	for f in $TESTS; do
		case $f in
		/*) ;;
		*) f=$(pwd)/$f ;;
		esac
		[ -f "$f" ] || { echo "run.sh: no test file $f" >&2; exit 64; }
		add_job "$(cd "$(dirname "$f")" && pwd)/${f##*/}"
	done
	dirs=
elif [ "$ENGINE" = pg ]; then
	dirs=cli
else
	for t in "$UNIT_DIR"/test_*; do
		[ -x "$t" ] && add_job "$t"
	done
fi
for dir in $dirs; do
	for f in "$top/tests/$dir"/*.bats; do
		[ -f "$f" ] && add_job "$f"
	done
done

# The order they start in: the slowest first, so that none of them starts
# last and runs alone (measured one at a time, on 2 processors); then
# the others in their order.
slow="t6200-hostile t5200-import-servicenow t2100-lifecycle t1900-cron
    t4000-stats t0950-database t3000-major-bad-input zsh options
    t5300-import-bad t0990-install bash t6100-crash t0800-bad-input
    t5000-export fish t6000-stress-small"
: >"$work/order"
for s in $slow; do
	grep -lx ".*/$s\.bats" "$work"/*.job
done | sed 's|.*/\([0-9]*\)\.job$|\1|' >"$work/order"
seq "$n" | grep -vxF -f "$work/order" >>"$work/order"

# run-job WORK N: runs job N, its output in N.log, then its exit status
# in N.rc.  The slowest file, the first to start, sets the length of the
# run: it runs at the usual priority, the other jobs at nice 10, so that
# they fill the processors around it rather than slow it down.
head -n 1 "$work/order" >"$work/first"
# The PostgreSQL engine tests need a server: pg-run.sh starts one.
PG_RUN=$top/tests/pg-run.sh
export PG_RUN
cat >"$work/run-job" <<'EOF'
job=$(cat "$1/$2.job")
nice=10
[ "$2" = "$(cat "$1/first")" ] && nice=0
timed=
[ -n "${TIMES:-}" ] && command -v /usr/bin/time >/dev/null 2>&1 &&
    timed="/usr/bin/time -a -o $TIMES -f %U+%S\t%e\t${job##*/}${ITSM_PG_IN:+(pg)}"
case $job in
*.bats) $timed nice -n "$nice" bats --tap "$job" ;;
*/test_engine | */test_pg) CMOCKA_MESSAGE_OUTPUT=TAP $timed nice -n "$nice" \
    sh "$PG_RUN" "$job" ;;
*) CMOCKA_MESSAGE_OUTPUT=TAP $timed nice -n "$nice" "$job" ;;
esac >"$1/$2.log" 2>&1
echo $? >"$1/$2.rc.new"
mv "$1/$2.rc.new" "$1/$2.rc"
EOF
{
	xargs -P "$JOBS" -n 1 sh "$work/run-job" "$work" <"$work/order"
	touch "$work/all-done"
} &
runner=$!

# count N NAME: prints job N's output and counts its results; a job that
# failed without a failed test (a crash, a file bats could not run), or
# that reported fewer tests than it planned, counts as one failure more.
count() {
	log="$work/$1.log"
	rc=$(cat "$work/$1.rc")
	cat "$log"
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	pass=$((pass + p))
	fail=$((fail + f))
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' "$log" | awk '{ s += $1 } END { print s + 0 }')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $2 exited $rc"
		fail=$((fail + 1))
	elif [ $((p + f)) -lt "$plan" ]; then
		echo "not ok - $2 planned $plan tests, reported $((p + f))"
		fail=$((fail + 1))
	fi
}

# What the sections and file lines say of the engine.
on=
[ "$ENGINE" = pg ] && on=" (postgresql)"
section=
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	job=$(cat "$work/$i.job")
	name=${job#"$top/"}
	case $name in
	tests/cli/*) s="cli tests$on" ;;
	tests/completion/*) s="completion tests" ;;
	*) s="unit tests" ;;
	esac
	[ "$s" = "$section" ] || echo "== $s"
	section=$s
	while [ ! -e "$work/$i.rc" ] && [ ! -e "$work/all-done" ]; do
		sleep 0.2
	done
	case $job in
	*.bats) echo "# $name$on" ;;
	esac
	if [ -e "$work/$i.rc" ]; then
		count "$i" "$name$on"
	else
		echo "not ok - $name$on did not run"
		fail=$((fail + 1))
	fi
done
wait "$runner"

if [ "$ENGINE" != pg ]; then
	echo "== man page lint"
	if mandoc -T lint -W warning "$top"/man/*.[0-9] >"$work/lint" 2>&1; then
		echo "ok - mandoc -T lint"
		pass=$((pass + 1))
	else
		cat "$work/lint"
		echo "not ok - mandoc -T lint"
		fail=$((fail + 1))
	fi
fi

# ENGINE=all: the end-to-end files again, on PostgreSQL, their counts
# added to these (a run that ended without its counts is one failure).
if [ "$ENGINE" = all ]; then
	ENGINE=pg ITSM_TOTALS="$work/pg.totals" sh "$0"
	if read -r p f <"$work/pg.totals" 2>/dev/null; then
		pass=$((pass + p))
		fail=$((fail + f))
	else
		echo "not ok - the end-to-end tests on PostgreSQL did not finish"
		fail=$((fail + 1))
	fi
fi

if [ -n "${ITSM_TOTALS:-}" ]; then
	echo "$pass $fail" >"$ITSM_TOTALS"
else
	echo "$pass passed, $fail failed"
fi
[ "$fail" = 0 ]
