#!/usr/bin/env bats
# itsm escalate --stagnant [--breached] [--dry-run]: cron's sweep, which
# escalates every stagnant (and breached) ticket to its managers, once per
# stagnation period, and says nothing when there is nothing to say.

load helper

# sweeps: the number of escalations cron recorded.
sweeps() {
	count_events "kind = 'escalate-managers'"
}

@test "nothing stagnant: no output at all, exit 0, nothing recorded" {
	run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_output ""
	assert_stderr ""
	open_ticket "P1" --caller a --impact high --urgency high
	itsm note 1 -m "on it" >/dev/null	# answered in time
	export ITSM_NOW=2026-11-28T10:00:00Z	# exactly 1h: not longer
	for fmt in tsv table csv json jsonl; do
		run --separate-stderr itsm escalate --stagnant --breached --format "$fmt"
		assert_status 0
		assert_output ""
		assert_stderr ""
	done
	[ "$(sweeps)" = 0 ]
}

@test "one line per ticket escalated, with the managers and why" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P3" --caller a --impact medium --urgency medium
	export ITSM_NOW=2026-11-28T10:00:01Z
	run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_output $'INC-1\tescalated to 2 managers\tstagnant: no activity for 1h1s (threshold 1h)'
	assert_stderr ""
	export ITSM_NOW=2026-11-29T11:00:00Z
	run --separate-stderr itsm escalate --stagnant --format table
	assert_output "INC-2 escalated to 1 manager: stagnant: no activity for 1d2h (threshold 1d)"
}

@test "the thresholds of each priority; unprioritized tickets take the last one's" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P2" --caller a --impact high --urgency medium
	open_ticket "P3" --caller a --impact medium --urgency medium
	open_ticket "P4" --caller a --impact medium --urgency low
	open_ticket "P5" --caller a --impact low --urgency low
	open_ticket "none" --caller a
	expect() {	# expect TIME REFS...: the sweep at TIME escalates REFS
		local now=$1
		shift
		ITSM_NOW=$now run --separate-stderr itsm escalate --stagnant -q
		assert_status 0
		assert_output "$(printf '%s\n' "$@")"
	}
	expect 2026-11-28T10:00:00Z ""
	expect 2026-11-28T10:00:01Z INC-1
	expect 2026-11-28T13:00:00Z ""
	expect 2026-11-28T13:00:01Z INC-2
	expect 2026-11-29T09:00:01Z INC-3
	expect 2026-12-01T09:00:01Z INC-4
	expect 2026-12-05T09:00:00Z ""
	expect 2026-12-05T09:00:01Z INC-5 INC-6
	[ "$(sweeps)" = 6 ]
}

@test "run twice, escalated once; after a note and a new stagnation period, once more" {
	open_ticket "P2" --caller a --impact high --urgency medium
	export ITSM_NOW=2026-11-28T13:30:00Z
	run --separate-stderr itsm escalate --stagnant -q
	assert_output "INC-1"
	[ "$(sweeps)" = 1 ]
	before=$(db_digest)
	run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_output ""
	assert_unchanged "$before"
	export ITSM_NOW=2026-11-28T20:00:00Z	# still stagnant, nothing new
	run --separate-stderr itsm escalate --stagnant
	assert_output ""
	[ "$(sweeps)" = 1 ]
	# Activity re-arms the watch, for a whole threshold again.
	export ITSM_NOW=2026-11-28T21:00:00Z
	itsm note 1 -m "asked the vendor" >/dev/null
	export ITSM_NOW=2026-11-29T01:00:00Z	# exactly 4h after the note
	run --separate-stderr itsm escalate --stagnant
	assert_output ""
	export ITSM_NOW=2026-11-29T01:00:01Z
	run --separate-stderr itsm escalate --stagnant
	assert_output $'INC-1\tescalated to 2 managers\tstagnant: no activity for 4h1s (threshold 4h)'
	[ "$(sweeps)" = 2 ]
	run --separate-stderr itsm escalate --stagnant
	assert_output ""
	[ "$(sweeps)" = 2 ]
}

@test "a note in the same second as the sweep re-arms it too" {
	open_ticket "P1" --caller a --impact high --urgency high
	export ITSM_NOW=2026-11-28T11:00:00Z
	itsm escalate --stagnant >/dev/null
	itsm note 1 -m "on it" >/dev/null
	export ITSM_NOW=2026-11-28T12:00:01Z
	run --separate-stderr itsm escalate --stagnant -q
	assert_output "INC-1"
	[ "$(sweeps)" = 2 ]
}

@test "the sweep's escalation is recorded, but is no activity" {
	export ITSM_ACTOR=cron
	open_ticket "P1" --caller a --impact high --urgency high
	export ITSM_NOW=2026-11-28T10:30:00Z
	itsm escalate --stagnant >/dev/null
	ticket_is 1 '[.events[-1] | .at, .actor, .kind, .field, .from, .to, .message]' \
	    '["2026-11-28T10:30:00Z","cron","escalate-managers","reason",null,"stagnant","stagnant: no activity for 1h30m (threshold 1h)"]'
	ticket_is 1 '[.updated_at, .status, .group, .tier]' '["2026-11-28T09:00:00Z","new","service-desk","N1"]'
	run --separate-stderr itsm list --stagnant -q
	assert_output "INC-1"
}

@test "tickets on hold, resolved, closed or cancelled are never stagnant" {
	open_ticket "held" --caller a --impact high --urgency high
	itsm hold 1 --reason vendor -m "patch" >/dev/null
	open_ticket "resolved" --caller a --impact high --urgency high
	itsm resolve 2 --permanent -m "fixed" >/dev/null
	open_ticket "closed" --caller a --impact high --urgency high
	itsm resolve 3 --permanent -m "fixed" >/dev/null
	itsm close 3 --confirmed >/dev/null
	open_ticket "cancelled" --caller a --impact high --urgency high
	itsm cancel 4 -m "mistake" >/dev/null
	open_ticket "a request" --caller a --type request
	open_ticket "in progress" --caller a --impact high --urgency high
	itsm note 6 -m "looking" >/dev/null
	export ITSM_NOW=2026-12-31T00:00:00Z
	run --separate-stderr itsm escalate --stagnant --breached -q
	assert_status 0
	assert_output "INC-6"
	# Released, the held one stagnates from its release on.
	ITSM_NOW=2027-01-01T00:00:00Z itsm hold 1 --release >/dev/null
	ITSM_NOW=2027-01-01T01:00:01Z run --separate-stderr itsm escalate --stagnant -q
	assert_output "INC-1"
}

@test "--breached escalates tickets past a due time, once, with the reason breached" {
	open_ticket "P1 stagnant and late" --caller a --impact high --urgency high
	open_ticket "P3 late to answer" --caller a --impact medium --urgency medium --at 2026-11-28T08:00:00Z
	open_ticket "P3 answered" --caller a --impact medium --urgency medium --at 2026-11-28T08:00:00Z
	itsm note 3 -m "on it" >/dev/null
	export ITSM_NOW=2026-11-28T10:30:00Z
	# Without --breached: the stagnant one only.
	run --separate-stderr itsm escalate --stagnant --dry-run -q
	assert_output "INC-1"
	run --separate-stderr itsm escalate --stagnant --breached
	assert_status 0
	assert_output $'INC-1\tescalated to 2 managers\tstagnant: no activity for 1h30m (threshold 1h); breached: response due 1h15m ago\nINC-2\tescalated to 1 manager\tbreached: response due 30m ago'
	ticket_is 2 '[.events[-1] | .kind, .to, .message]' \
	    '["escalate-managers","breached","breached: response due 30m ago"]'
	ticket_is 1 '.events[-1].to' '"stagnant"'
	run --separate-stderr itsm escalate --stagnant --breached
	assert_output ""
	[ "$(sweeps)" = 2 ]
}

@test "--breached: past the resolution due time" {
	open_ticket "P2" --caller a --impact high --urgency medium
	itsm note 1 -m "on it" >/dev/null
	ITSM_NOW=2026-11-28T12:00:00Z itsm note 1 -m "still on it" >/dev/null
	export ITSM_NOW=2026-11-28T17:30:00Z
	run --separate-stderr itsm escalate --stagnant --breached
	assert_output $'INC-1\tescalated to 2 managers\tstagnant: no activity for 5h30m (threshold 4h); breached: resolution due 30m ago'
}

@test "--dry-run says what would be escalated and changes nothing" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P2" --caller a --impact high --urgency medium
	export ITSM_NOW=2026-11-28T14:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm escalate --stagnant --breached --dry-run
	assert_status 0
	assert_output $'INC-1\twould be escalated\tstagnant: no activity for 5h (threshold 1h); breached: response due 4h45m ago
INC-2\twould be escalated\tstagnant: no activity for 5h (threshold 4h); breached: response due 4h30m ago'
	assert_stderr ""
	assert_unchanged "$before"
	run --separate-stderr itsm escalate --stagnant --dry-run --format table
	assert_output "INC-1 would be escalated: stagnant: no activity for 5h (threshold 1h)
INC-2 would be escalated: stagnant: no activity for 5h (threshold 4h)"
	assert_unchanged "$before"
	run --separate-stderr itsm escalate --stagnant -q
	assert_output $'INC-1\nINC-2'
	[ "$(sweeps)" = 2 ]
}

@test "--dry-run after a policy change still changes nothing" {
	open_ticket "P1" --caller a --impact high --urgency high
	sed -i 's/resolution: 4h/resolution: 2h/' "$ITSM_CONFIG"
	export ITSM_NOW=2026-11-28T11:30:00Z
	before=$(db_digest)
	run --separate-stderr itsm escalate --stagnant --breached --dry-run
	assert_status 0
	assert_output $'INC-1\twould be escalated\tstagnant: no activity for 2h30m (threshold 1h); breached: response due 2h15m ago'
	assert_unchanged "$before"
}

@test "--dry-run after a policy change: what the sweep does, due times included; the file as it was" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P3" --caller a --impact medium --urgency medium
	open_ticket "P3 held" --caller a --impact medium --urgency medium
	itsm hold 3 --reason vendor -m parts >/dev/null
	open_ticket "none" --caller a
	run --separate-stderr itsm escalate --stagnant --breached
	assert_output ""	# the targets seen at 09:00
	sed -i 's/response: 15m/response: 20m/; s/response: 2h/response: 1h/' \
	    "$ITSM_CONFIG"
	export ITSM_NOW=2026-11-28T10:30:00Z
	before=$(db_digest)
	on_pg || sum=$(sha256sum <"$ITSM_DB")
	# The stagnant sweep reports the P1 ticket with its new due time.
	run --separate-stderr itsm escalate --stagnant --dry-run --json
	assert_status 0
	jq_is '[.[] | .ref, .detail, .ticket.response_due]' \
	    '["INC-1","stagnant: no activity for 1h30m (threshold 1h)","2026-11-28T09:20:00Z"]'
	# With the new 1h target, the P3 ticket is late (it was not).
	run --separate-stderr itsm escalate --stagnant --breached --dry-run --json
	assert_status 0
	dry=$output
	jq_is '[.[] | .ref, .detail]' \
	    '["INC-1","stagnant: no activity for 1h30m (threshold 1h); breached: response due 1h10m ago","INC-2","breached: response due 30m ago"]'
	assert_unchanged "$before"
	on_pg || [ "$(sha256sum <"$ITSM_DB")" = "$sum" ]
	run --separate-stderr itsm escalate --stagnant --breached --json
	assert_status 0
	[ "$(jq -c 'map(del(.action, .dry_run))' <<<"$output")" = \
	    "$(jq -c 'map(del(.action, .dry_run))' <<<"$dry")" ]
	# Every open ticket's due times were stored, the held one's from now.
	ticket_is 2 '[.response_due, .resolution_due]' \
	    '["2026-11-28T10:00:00Z","2026-11-29T09:00:00Z"]'
	ticket_is 3 '[.response_due, .resolution_due]' \
	    '["2026-11-28T11:30:00Z","2026-11-29T10:30:00Z"]'
	ticket_is 4 '[.response_due, .resolution_due]' '[null,null]'
}

@test "--json: an array of objects that parses; --format jsonl: one per line" {
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "none" --caller a
	export ITSM_NOW=2026-12-06T00:00:00Z
	run --separate-stderr itsm escalate --stagnant --dry-run --format jsonl
	assert_status 0
	[ "${#lines[@]}" = 2 ]
	jq_is '.ref' $'"INC-1"\n"INC-2"'
	run --separate-stderr itsm escalate --stagnant --json
	assert_status 0
	jq_is 'length' '2'
	jq_is '[.[] | .ref, .action, .dry_run, .managers]' '["INC-1","escalated",false,2,"INC-2","escalated",false,1]'
	jq_is '.[1].detail' '"stagnant: no activity for 1w15h (threshold 1w)"'
	jq_is '.[0].ticket | keys_unsorted' "$TICKET_KEYS"
}

@test "the post-escalate hook runs once per ticket escalated, with its managers" {
	use_hooks
	write_hook post-escalate 'cat >>"$ITSM_HOOKS_DIR/../inputs"; echo >>"$ITSM_HOOKS_DIR/../inputs"'
	open_ticket "P1" --caller a --impact high --urgency high
	open_ticket "P5" --caller a --impact low --urgency low
	export ITSM_NOW=2026-11-28T10:30:00Z
	run --separate-stderr itsm escalate --stagnant --dry-run
	assert_status 0
	[ ! -e "$BATS_TEST_TMPDIR/inputs" ]
	run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_stderr ""
	output=$(cat "$BATS_TEST_TMPDIR/inputs")
	jq_is '[.event.ref, .event.reason, .event.message, [.event.managers[].name]]' \
	    '["INC-1","stagnant","stagnant: no activity for 1h30m (threshold 1h)",["service-desk-manager","duty-manager"]]'
}

@test "--stagnant takes no ticket and no other option; --breached alone is a usage error" {
	open_ticket "P1" --caller a --impact high --urgency high
	export ITSM_NOW=2026-11-28T12:00:00Z
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --stagnant
	assert_rejected 64 "--stagnant takes no ticket" "$before"
	run --separate-stderr itsm escalate --stagnant --hierarchical
	assert_rejected 64 "--stagnant takes no ticket" "$before"
	run --separate-stderr itsm escalate --stagnant -m "why"
	assert_rejected 64 "--stagnant takes no ticket" "$before"
	run --separate-stderr itsm escalate --breached
	assert_rejected 64 "--breached and --dry-run go with --stagnant" "$before"
}

# build_breached N: N open P3 tickets past both due times, recently
# active (not stagnant), straight into a database the sweep has seen (its
# SLA fingerprint stored), at ITSM_NOW 2026-11-28T08:00:00Z.
build_breached() {
	export ITSM_NOW=2026-11-28T08:00:00Z
	on_pg || : >"$ITSM_DB"	# an empty file: the sweep gives it the schema
	itsm escalate --stagnant >/dev/null	# and the fingerprint
	db_sql <<SQL
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
INSERT INTO tickets (id, status, summary, caller, affected, impact, urgency,
  priority, priority_rank, tier, group_name, opened_at, updated_at,
  response_due, resolution_due)
SELECT i, 'in_progress', 'summary ' || i, 'caller', 'caller', 'medium',
  'medium', 'P3', 3, 'N1', 'service-desk', 1795852800 - 864000 + i,
  1795852800 - 60, 1795852800 - 864000 + i + 28800,
  1795852800 - 864000 + i + 259200
FROM n;
COMMIT;
SQL
}

# The databases of 300 and 30,000 such tickets, built once for the file
# (as setup would for a test: the default policy, no hooks).
setup_file() {
	local n db
	for n in 300 30000; do
		db=$(db_fixture "breached_$n")
		export "BREACHED_$n=$db"
		(
			export HOME="$BATS_FILE_TMPDIR/home" ITSM_DB="$db" \
			    ITSM_CONFIG="$BATS_FILE_TMPDIR/policy.yaml" \
			    LC_ALL=C.UTF-8
			unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR \
			    COLUMNS ITSM_HOOKS_DIR
			mkdir -p "$HOME"
			cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
			build_breached "$n"
		)
		[ "$(db_sql 'SELECT count(*) FROM tickets' "$db")" = "$n" ]
	done
}

# breached N: this test's database ($ITSM_DB) is a copy of the one of N
# tickets, at its clock.
breached() {
	local v=BREACHED_$1
	export ITSM_NOW=2026-11-28T08:00:00Z
	db_restore "${!v}"
}

# jq_file_is FILE FILTER EXPECTED [FILTER EXPECTED]...: jq -c FILTER on
# FILE prints exactly EXPECTED (one value), for each pair; one jq reads
# FILE for all of them (30,000 tickets take a while to parse).
jq_file_is() {
	local file=$1 prog= i
	local -a want=() got=()
	shift
	while [ $# -gt 0 ]; do
		prog+="${prog:+, }($1)"
		want+=("$2")
		shift 2
	done
	mapfile -t got < <(jq -c "$prog" "$file")
	for i in "${!want[@]}"; do
		if [ "${got[i]-}" != "${want[i]}" ]; then
			printf 'jq %s:\nexpected: %s\nactual:   %s\n' "$prog" \
			    "${want[*]}" "${got[*]}" >&2
			return 1
		fi
	done
	if [ "${#got[@]}" != "${#want[@]}" ]; then
		printf 'jq %s: %s values, expected %s\n' "$prog" "${#got[@]}" \
		    "${#want[@]}" >&2
		return 1
	fi
}

@test "a dry run of the breached sweep reports as it goes: 30,000 tickets take no more memory than 300" {
	on_pg || command -v sqlite3 >/dev/null || skip "no sqlite3(1)"
	need_peak
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/small.db"
	breached 300
	peak 300 "$ITSM" escalate --stagnant --breached --dry-run --json >/dev/null
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/big.db"
	breached 30000
	before=$(db_digest)
	peak 30000 "$ITSM" escalate --stagnant --breached --dry-run --json \
	    >"$BATS_TEST_TMPDIR/big.json"
	# Kept until the end, each reported ticket took about 3 KiB: 90 MiB.
	assert_flat_peak 300 30000 "escalate --breached --dry-run"
	[ "$(db_digest)" = "$before" ]
	jq_file_is "$BATS_TEST_TMPDIR/big.json" 'length' 30000 \
	    '[.[0].ref, .[0].action, .[0].dry_run, .[0].ticket.status, .[29999].ref]' \
	    '["INC-1","would be escalated",true,"in_progress","INC-30000"]' \
	    '[.[] | select(.detail | startswith("breached: response due")) ] | length' 30000
}

@test "a real breached sweep keeps what it reports on disk until its commit: 30,000 tickets take no more memory than 300" {
	on_pg || command -v sqlite3 >/dev/null || skip "no sqlite3(1)"
	need_peak
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/small.db"
	breached 300
	peak 300 "$ITSM" --no-hooks escalate --stagnant --breached --json >/dev/null
	on_pg || export ITSM_DB="$BATS_TEST_TMPDIR/big.db"
	breached 30000
	peak 30000 "$ITSM" --no-hooks escalate --stagnant --breached --json \
	    >"$BATS_TEST_TMPDIR/big.json"
	# Kept in memory, each reported ticket took about 3 KiB: 90 MiB.
	assert_flat_peak 300 30000 "escalate --breached"
	# Each ticket as it was before the sweep, whole.
	jq_file_is "$BATS_TEST_TMPDIR/big.json" 'length' 30000 \
	    '[.[0].ref, .[0].action, .[0].dry_run, .[0].ticket.summary, .[0].ticket.response_due, .[29999].ref, .[29999].ticket.summary]' \
	    '["INC-1","escalated",false,"summary 1","2026-11-18T16:00:01Z","INC-30000","summary 30000"]'
	[ "$(db_sql "SELECT count(*) FROM tickets WHERE breach_escalated_at IS NOT NULL")" = 30000 ]
	# Recorded: the next sweep finds nothing new (and says nothing).
	run --separate-stderr itsm --no-hooks escalate --stagnant --breached --json
	assert_status 0
	assert_output ""
}
