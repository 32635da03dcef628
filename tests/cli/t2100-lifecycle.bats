#!/usr/bin/env bats
# A ticket worked to closure end to end, with ITSM_NOW moving the clock,
# its events and SLA figures exact; and the workflow table through the
# command line: every status against every action.

load helper

@test "the whole lifecycle: open to confirmed closure, events and SLA figures exact" {
	# P2 (medium impact, high urgency): response 30m, resolution 8h.
	export ITSM_ACTOR=tom
	ITSM_NOW=2026-11-28T09:00:00Z run --separate-stderr itsm open "VPN drops every hour" \
	    --caller alice --affected carol --channel phone
	assert_status 0
	assert_output "INC-1"

	export ITSM_NOW=2026-11-28T09:05:00Z
	run --separate-stderr itsm prioritize 1 --impact medium --urgency high
	assert_output "P2"
	ticket_is 1 '[.status, .priority, .response_due, .resolution_due]' \
	    '["new","P2","2026-11-28T09:30:00Z","2026-11-28T17:00:00Z"]'

	export ITSM_NOW=2026-11-28T09:10:00Z
	run --separate-stderr itsm note 1 -m "reproduced: drops at :00"
	assert_output "INC-1"
	ticket_is 1 '[.status, .responded_at]' '["in_progress","2026-11-28T09:10:00Z"]'

	export ITSM_NOW=2026-11-28T09:20:00Z
	run --separate-stderr itsm escalate 1 -m "needs the network team"
	assert_output "INC-1 escalated to support-l2"
	ticket_is 1 '[.group, .tier, .assignee]' '["support-l2","N2",null]'

	export ITSM_ACTOR=ann ITSM_NOW=2026-11-28T11:00:00Z
	run --separate-stderr itsm hold 1 --reason vendor -m "firmware bug, vendor case 4711"
	assert_output "INC-1"
	ticket_is 1 '.status' '"on_hold"'

	export ITSM_NOW=2026-11-28T14:00:00Z
	run --separate-stderr itsm hold 1 --release -m "vendor sent a workaround"
	assert_output "INC-1"
	# 2h ran before the hold, 3h of hold: 6h left from 14:00.
	ticket_is 1 '[.status, .response_due, .resolution_due]' \
	    '["in_progress","2026-11-28T09:30:00Z","2026-11-28T20:00:00Z"]'

	export ITSM_NOW=2026-11-28T15:00:00Z
	run --separate-stderr itsm resolve 1 --workaround -m "rolled the firmware back" --code workaround
	assert_output "INC-1"
	ticket_is 1 '[.status, .resolved_at, .resolution_due]' \
	    '["resolved","2026-11-28T15:00:00Z","2026-11-28T20:00:00Z"]'

	export ITSM_ACTOR=tom ITSM_NOW=2026-11-28T16:00:00Z
	run --separate-stderr itsm close 1 --rejected -m "carol: still drops"
	assert_output "INC-1"
	# The clock stood still while resolved: 5h left from 16:00.
	ticket_is 1 '[.status, .reopen_count, .resolved_at, .resolution, .resolution_due]' \
	    '["in_progress",1,null,null,"2026-11-28T21:00:00Z"]'

	export ITSM_ACTOR=ann ITSM_NOW=2026-11-28T17:00:00Z
	run --separate-stderr itsm resolve 1 --permanent -m "vendor firmware 2.1 installed" --code solved
	assert_output "INC-1"

	export ITSM_ACTOR=tom ITSM_NOW=2026-11-29T09:00:00Z
	run --separate-stderr itsm close 1 --confirmed --satisfaction 4
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""

	run --separate-stderr itsm show 1 --json
	assert_status 0
	jq_is 'del(.events, .sla)' '{"id":1,"ref":"INC-1","type":"incident","status":"closed","summary":"VPN drops every hour","description":null,"caller":"alice","affected":"carol","channel":"phone","contact":null,"service":null,"category":null,"subcategory":null,"impact":"medium","urgency":"high","priority":"P2","major":false,"tier":"N2","group":"support-l2","assignee":null,"opened_at":"2026-11-28T09:00:00Z","updated_at":"2026-11-29T09:00:00Z","responded_at":"2026-11-28T09:10:00Z","resolved_at":"2026-11-28T17:00:00Z","closed_at":"2026-11-29T09:00:00Z","response_due":"2026-11-28T09:30:00Z","resolution_due":"2026-11-28T21:00:00Z","resolution":{"type":"permanent","code":"solved","notes":"vendor firmware 2.1 installed"},"satisfaction":4,"reopen_count":1,"reassignment_count":1,"parent":null}'
	jq_is '[.events[] | .at == .recorded_at] | all' 'true'
	expected='[
["2026-11-28T09:00:00Z","tom","open","status",null,"new",null],
["2026-11-28T09:05:00Z","tom","prioritize","impact",null,"medium",null],
["2026-11-28T09:05:00Z","tom","prioritize","urgency",null,"high",null],
["2026-11-28T09:05:00Z","tom","prioritize","priority",null,"P2",null],
["2026-11-28T09:10:00Z","tom","note",null,null,null,"reproduced: drops at :00"],
["2026-11-28T09:10:00Z","tom","start","status","new","in_progress",null],
["2026-11-28T09:20:00Z","tom","escalate","group","service-desk","support-l2","needs the network team"],
["2026-11-28T09:20:00Z","tom","escalate","tier","N1","N2","needs the network team"],
["2026-11-28T11:00:00Z","ann","hold","status","in_progress","on_hold","firmware bug, vendor case 4711"],
["2026-11-28T11:00:00Z","ann","hold","hold_reason",null,"vendor","firmware bug, vendor case 4711"],
["2026-11-28T14:00:00Z","ann","release","status","on_hold","in_progress","vendor sent a workaround"],
["2026-11-28T15:00:00Z","ann","resolve","status","in_progress","resolved","rolled the firmware back"],
["2026-11-28T15:00:00Z","ann","resolve","resolution.type",null,"workaround",null],
["2026-11-28T15:00:00Z","ann","resolve","resolution.code",null,"workaround",null],
["2026-11-28T16:00:00Z","tom","reject","status","resolved","in_progress","carol: still drops"],
["2026-11-28T17:00:00Z","ann","resolve","status","in_progress","resolved","vendor firmware 2.1 installed"],
["2026-11-28T17:00:00Z","ann","resolve","resolution.type",null,"permanent",null],
["2026-11-28T17:00:00Z","ann","resolve","resolution.code",null,"solved",null],
["2026-11-29T09:00:00Z","tom","close","status","resolved","closed",null],
["2026-11-29T09:00:00Z","tom","close","confirmed_by",null,"carol",null],
["2026-11-29T09:00:00Z","tom","close","satisfaction",null,"4",null]
]'
	jq_is '[.events[] | [.at, .actor, .kind, .field, .from, .to, .message]]' \
	    "$(printf '%s' "$expected" | jq -c .)"

	# The SLA section: both targets met; 4h of clock, 4h stopped (3h on
	# hold, 1h resolved before the rejection).
	run --separate-stderr itsm show 1 --format table
	assert_status 0
	[[ $output == *$'\nsla\n  response            due 2026-11-28T09:30:00Z (met)\n  resolution          due 2026-11-28T21:00:00Z (met)\n  clock ran           4h, stopped 4h\n'* ]] ||
	    { printf 'show:\n%s\n' "$output" >&2; false; }
	# Closed: out of every queue.
	run --separate-stderr itsm list
	assert_output ""
	run --separate-stderr itsm list --all -q
	assert_output "INC-1"
}

# --- The workflow table, every status against every action ---

# make_in STATUS: a new P3 incident (a request for "redirected") driven
# into STATUS; sets REF.
n_tickets=0
make_in() {
	n_tickets=$((n_tickets + 1))
	REF=INC-$n_tickets
	case $1 in
	redirected)
		itsm open "in $1" --caller alice --type request >/dev/null
		REF=REQ-$n_tickets
		return ;;
	*)	itsm open "in $1" --caller alice --impact medium --urgency medium >/dev/null ;;
	esac
	case $1 in
	new) ;;
	in_progress) itsm note "$REF" -m "working" >/dev/null ;;
	on_hold) itsm hold "$REF" --reason user -m "away" >/dev/null ;;
	resolved) itsm resolve "$REF" --permanent -m "fixed" >/dev/null ;;
	closed)
		itsm resolve "$REF" --permanent -m "fixed" >/dev/null
		itsm close "$REF" --confirmed >/dev/null ;;
	cancelled) itsm cancel "$REF" -m "mistake" >/dev/null ;;
	esac
	[ "$(itsm show "$REF" --json | jq -r .status)" = "$1" ]
}

# action NAME|MESSAGE-NAME|ALLOWED-STATUSES|COMMAND (REF substituted)
ACTIONS='categorize|categorize|new, in_progress, on_hold|categorize REF --type incident
prioritize|prioritize|new, in_progress, on_hold|prioritize REF --impact low --urgency low
note|note|new, in_progress, on_hold, resolved|note REF -m noted
assign|assign|new, in_progress, on_hold|assign REF --to bob
escalate|escalate|new, in_progress, on_hold|escalate REF
escalate-hierarchical|escalate|new, in_progress, on_hold|escalate REF --hierarchical --reason other -m why
hold|hold|new, in_progress|hold REF --reason vendor -m waiting
release|release|on_hold|hold REF --release
resolve|resolve|new, in_progress|resolve REF --workaround -m restarted
close|close|resolved|close REF --confirmed
reject|reject|resolved|close REF --rejected -m "not fixed"
reopen|reopen|resolved, closed, cancelled|reopen REF -m again
cancel|cancel|new, in_progress, on_hold|cancel REF -m mistake'

STATUSES='new in_progress on_hold resolved closed redirected cancelled'

# The fixture: one ticket in each of STATUSES, in that order (INC-1 new
# ... REQ-6 redirected, INC-7 cancelled), driven there by make_in once for
# the file (as setup would for a test), and copied for each action.
setup_file() {
	STATUS_DB=$(db_fixture statuses)
	export STATUS_DB
	(
		export HOME="$BATS_FILE_TMPDIR/home" ITSM_DB="$STATUS_DB" \
		    ITSM_CONFIG="$BATS_FILE_TMPDIR/policy.yaml" \
		    ITSM_NOW=2026-11-28T09:00:00Z LC_ALL=C.UTF-8
		unset XDG_CONFIG_HOME XDG_DATA_HOME NO_COLOR ITSM_ACTOR COLUMNS \
		    ITSM_HOOKS_DIR
		mkdir -p "$HOME"
		cp "$TOP/lib/default.yaml" "$ITSM_CONFIG"
		for s in $STATUSES; do
			make_in "$s"
		done
	)
	[ "$(db_sql "SELECT type || ' ' || status FROM tickets ORDER BY id" \
	    "$STATUS_DB" | paste -sd,)" = \
	    "incident new,incident in_progress,incident on_hold,incident resolved,incident closed,request redirected,incident cancelled" ]
	# Its content digest, once: every copy in_status makes has it (on
	# SQLite, of a copy: the fixture itself is left as it was written).
	export STATUS_DIGEST
	if on_pg; then
		STATUS_DIGEST=$(ITSM_DB="$STATUS_DB" db_digest)
	else
		cp "$STATUS_DB" "$BATS_FILE_TMPDIR/probe.db"
		STATUS_DIGEST=$(ITSM_DB="$BATS_FILE_TMPDIR/probe.db" db_digest)
	fi
	[ -n "$STATUS_DIGEST" ]
}

# in_status STATUS: this test's database is a fresh copy of the fixture
# (its digest STATUS_DIGEST), and REF its ticket in STATUS.
in_status() {
	local s i=0
	db_restore "$STATUS_DB"
	for s in $STATUSES; do
		i=$((i + 1))
		if [ "$s" = "$1" ]; then
			REF=INC-$i
			if [ "$s" = redirected ]; then REF=REQ-$i; fi
			return 0
		fi
	done
	return 1
}

@test "the workflow, every status x every action: allowed ones work, refused ones exit 1 and change nothing" {
	allowed=0 refused=0
	while IFS='|' read -r name verb where cmd; do
		for s in $STATUSES; do
			in_status "$s"
			before=$STATUS_DIGEST
			eval "run --separate-stderr itsm ${cmd//REF/$REF}"
			if [[ ", $where, " == *", $s, "* ]]; then
				assert_status 0 || { echo "$name on $s" >&2; false; }
				assert_stderr ""
				allowed=$((allowed + 1))
			else
				assert_refused "itsm: cannot $verb $REF: it is $s ($verb is allowed when $where)" "$before" ||
				    { echo "$name on $s" >&2; false; }
				refused=$((refused + 1))
			fi
		done
	done <<<"$ACTIONS"
	[ "$allowed" = 32 ] && [ "$refused" = 59 ]
}

@test "the statuses the allowed actions lead to" {
	local want=
	n=0
	# Each action's ticket as show --json gives it, read by one jq after.
	while IFS='|' read -r from cmd to; do
		in_status "$from"
		eval "itsm ${cmd//REF/$REF} >/dev/null"
		itsm show "$REF" --json >>"$BATS_TEST_TMPDIR/after.json"
		want+="$from|$cmd|$to"$'\n'
		n=$((n + 1))
	done <<'EOF'
new|note REF -m x|in_progress
new|assign REF --to bob|in_progress
new|assign REF --group support-l2|new
new|escalate REF|new
new|escalate REF --hierarchical --reason other -m x|new
new|hold REF --reason user -m x|on_hold
in_progress|hold REF --reason user -m x|on_hold
on_hold|hold REF --release|new
on_hold|note REF -m x|on_hold
new|resolve REF --permanent -m x|resolved
in_progress|resolve REF --permanent -m x|resolved
resolved|note REF -m x|resolved
resolved|close REF --confirmed|closed
resolved|close REF --rejected -m x|in_progress
resolved|reopen REF -m x|in_progress
closed|reopen REF -m x|in_progress
cancelled|reopen REF -m x|in_progress
new|cancel REF -m x|cancelled
on_hold|cancel REF -m x|cancelled
EOF
	[ "$n" = 19 ]
	diff <(printf '%s' "$want") <(paste -d'|' <(printf '%s' "$want" |
	    cut -d'|' -f1,2) <(jq -r .status "$BATS_TEST_TMPDIR/after.json"))
}
