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

# --- Added for the end-to-end suite (t0100 .. t0950). ---

# "run --separate-stderr" needs bats 1.5; say so, or bats warns (BW02).
bats_require_minimum_version 1.5.0

# The fields of the JSON ticket object, in order (DESIGN.md section 4).
TICKET_KEYS='["id","ref","type","status","summary","description","caller","affected","channel","contact","service","category","subcategory","impact","urgency","priority","major","tier","group","assignee","opened_at","updated_at","responded_at","resolved_at","closed_at","response_due","resolution_due","resolution","satisfaction","reopen_count","reassignment_count","parent"]'

# The fields of an event in "show --json" (DESIGN.md section 4).
EVENT_KEYS='["at","recorded_at","actor","kind","field","from","to","message"]'

# jq_is FILTER EXPECTED: jq -c FILTER on $output prints exactly EXPECTED.
jq_is() {
	local got
	if ! got=$(printf '%s\n' "$output" | jq -c "$1"); then
		printf 'jq failed on stdout:\n%s\n' "$output" >&2
		return 1
	fi
	if [ "$got" != "$2" ]; then
		printf 'jq %s:\nexpected: %s\nactual:   %s\n' "$1" "$2" "$got" >&2
		return 1
	fi
}

# assert_no_control_bytes: stdout holds no ESC, BEL or C1 control (the
# raw bytes that a terminal acts on).
assert_no_control_bytes() {
	local n
	n=$(printf '%s' "$output" | LC_ALL=C tr -cd '\033\007' | wc -c)
	if [ "$n" != 0 ] || printf '%s' "$output" | LC_ALL=C grep -q $'\xc2[\x80-\x9f]'; then
		echo "raw control bytes in stdout:" >&2
		printf '%s' "$output" | od -c | head -20 >&2
		return 1
	fi
}

# open_ticket ARGS...: opens a ticket (the summary first), fails the test
# when it does not print a ref.
open_ticket() {
	local ref
	ref=$(itsm open "$@") || return 1
	[[ $ref =~ ^(INC|REQ|CHG)-[0-9]+$ ]] || {
		echo "open printed '$ref'" >&2
		return 1
	}
}

# write_policy_4x4 FILE: a complete policy with a 4 x 4 matrix and its own
# level and priority names.
write_policy_4x4() {
	cat >"$1" <<'YAML'
impact:
  - { name: enterprise, rank: 1, description: the whole company }
  - { name: site, rank: 2 }
  - { name: department, rank: 3 }
  - { name: user, rank: 4 }
urgency:
  - { name: critical, rank: 1 }
  - { name: high, rank: 2 }
  - { name: normal, rank: 3 }
  - { name: low, rank: 4 }
priorities:
  - { name: Crit, label: critical, response: 10m, resolution: 2h }
  - { name: High, response: 1h, resolution: 1h30m }
  - { name: Med, response: 4h, resolution: 2d }
  - { name: Low, response: 1d, resolution: 2w }
matrix:
  enterprise: { critical: Crit, high: Crit, normal: High, low: Med }
  site:       { critical: Crit, high: High, normal: Med,  low: Med }
  department: { critical: High, high: Med,  normal: Med,  low: Low }
  user:       { critical: Med,  high: Med,  normal: Low,  low: Low }
YAML
}
