# Shared set-up of the end-to-end tests: every test gets its own temporary
# database, policy and home, a fixed clock and a fixed actor, and runs the
# real binary ($ITSM, set by tests/run.sh; build/itsm by default).

: "${ITSM:=$BATS_TEST_DIRNAME/../../build/itsm}"
TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)

setup() {
	export HOME="$BATS_TEST_TMPDIR/home"
	mkdir -p "$HOME"
	unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS
	export ITSM_DB="$BATS_TEST_TMPDIR/itsm.db"
	export ITSM_CONFIG="$BATS_TEST_TMPDIR/policy.yaml"
	cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
	export ITSM_NOW=2026-11-28T09:00:00Z
	export LC_ALL=C.UTF-8
}

# itsm ARGS...: the binary under test.
itsm() {
	"$ITSM" "$@"
}

# A digest of the whole database content, to prove a refused command
# changed nothing ("" when there is no database yet).
db_digest() {
	if [ -f "$ITSM_DB" ]; then
		sqlite3 "$ITSM_DB" .dump | sha256sum | cut -d' ' -f1
	fi
}

# refute_changed DIGEST: fails when the database differs from DIGEST.
assert_unchanged() {
	local now
	now=$(db_digest)
	if [ "$now" != "$1" ]; then
		echo "database changed: $1 -> $now" >&2
		return 1
	fi
}

# assert_status N: $status is N (after run).
assert_status() {
	if [ "$status" != "$1" ]; then
		echo "exit status $status, expected $1" >&2
		echo "stdout: $output" >&2
		echo "stderr: ${stderr-}" >&2
		return 1
	fi
}

# assert_output TEXT: stdout is exactly TEXT.
assert_output() {
	if [ "$output" != "$1" ]; then
		printf 'stdout differs.\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$output" >&2
		return 1
	fi
}

# assert_stderr TEXT: stderr is exactly TEXT (run --separate-stderr).
assert_stderr() {
	if [ "$stderr" != "$1" ]; then
		printf 'stderr differs.\nexpected:\n%s\nactual:\n%s\n' "$1" \
		    "$stderr" >&2
		return 1
	fi
}

# assert_one_line_error PATTERN: stderr is one line starting "itsm: " that
# matches the grep -E PATTERN.
assert_one_line_error() {
	local n
	n=$(printf '%s\n' "$stderr" | wc -l)
	if [ "$n" != 1 ] || ! printf '%s\n' "$stderr" | grep -Eq "^itsm: .*$1"; then
		printf 'expected one error line matching "%s", got:\n%s\n' \
		    "$1" "$stderr" >&2
		return 1
	fi
}
