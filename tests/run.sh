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
# Environment: ITSM (the binary under test), UNIT_DIR (built unit tests),
# JOBS (how many jobs at once; 1 runs them one by one).
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
pass=0
fail=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

# The jobs, numbered in the order their output is printed: job N runs
# the file named in $work/N.job (a unit test program, or a bats file).
n=0
add_job() {
	n=$((n + 1))
	printf '%s\n' "$1" >"$work/$n.job"
}
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] && add_job "$t"
done
for dir in cli completion; do
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
case $job in
*.bats) nice -n "$nice" bats --tap "$job" ;;
*/test_engine | */test_pg) CMOCKA_MESSAGE_OUTPUT=TAP nice -n "$nice" \
    sh "$PG_RUN" "$job" ;;
*) CMOCKA_MESSAGE_OUTPUT=TAP nice -n "$nice" "$job" ;;
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

section=
i=0
while [ "$i" -lt "$n" ]; do
	i=$((i + 1))
	job=$(cat "$work/$i.job")
	name=${job#"$top/"}
	case $name in
	tests/cli/*) s=cli ;;
	tests/completion/*) s=completion ;;
	*) s=unit ;;
	esac
	[ "$s" = "$section" ] || echo "== $s tests"
	section=$s
	while [ ! -e "$work/$i.rc" ] && [ ! -e "$work/all-done" ]; do
		sleep 0.2
	done
	case $job in
	*.bats) echo "# $name" ;;
	esac
	if [ -e "$work/$i.rc" ]; then
		count "$i" "$name"
	else
		echo "not ok - $name did not run"
		fail=$((fail + 1))
	fi
done
wait "$runner"

echo "== man page lint"
if mandoc -T lint -W warning "$top"/man/*.[0-9] >"$work/lint" 2>&1; then
	echo "ok - mandoc -T lint"
	pass=$((pass + 1))
else
	cat "$work/lint"
	echo "not ok - mandoc -T lint"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
