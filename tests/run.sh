#!/bin/sh
# Runs the whole suite: cmocka unit tests, the end-to-end bats tests
# (tests/cli, tests/completion), and the man page lint.  Prints each
# part's output, then the totals as the last line.
#
# Environment: ITSM (the binary under test), UNIT_DIR (built unit tests).
set -u
: "${ITSM:?set ITSM to the itsm binary}"
: "${UNIT_DIR:?set UNIT_DIR to the built unit tests}"
export ITSM
top=$(cd "$(dirname "$0")/.." && pwd)
pass=0
fail=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count_tap() {
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	pass=$((pass + p))
	fail=$((fail + f))
}

echo "== unit tests"
for t in "$UNIT_DIR"/test_*; do
	[ -x "$t" ] || continue
	CMOCKA_MESSAGE_OUTPUT=TAP "$t" >"$log" 2>&1
	rc=$?
	cat "$log"
	count_tap
	if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$log"; then
		echo "not ok - $(basename "$t") exited $rc"
		fail=$((fail + 1))
	fi
done

for dir in cli completion; do
	echo "== $dir tests"
	if ls "$top/tests/$dir"/*.bats >/dev/null 2>&1; then
		bats --tap "$top/tests/$dir" >"$log" 2>&1
		rc=$?
		cat "$log"
		count_tap
		if [ "$rc" != 0 ] && ! grep -q '^not ok ' "$log"; then
			echo "not ok - bats $dir exited $rc"
			fail=$((fail + 1))
		fi
	fi
done

echo "== man page lint"
if mandoc -T lint -W warning "$top"/man/*.[0-9] >"$log" 2>&1; then
	echo "ok - mandoc -T lint"
	pass=$((pass + 1))
else
	cat "$log"
	echo "not ok - mandoc -T lint"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
