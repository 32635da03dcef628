#!/usr/bin/env bats
# itsm prioritize: impact x urgency through the policy's matrix gives the
# priority, and with it the response and resolution due times.

load helper

# The default matrix (DESIGN.md section 6) and the targets of lib/default.yaml,
# as "impact urgency priority response_due resolution_due" for a ticket
# opened at 2026-11-28T09:00:00Z.
DEFAULT_CELLS='high high P1 2026-11-28T09:15:00Z 2026-11-28T13:00:00Z
high medium P2 2026-11-28T09:30:00Z 2026-11-28T17:00:00Z
high low P3 2026-11-28T11:00:00Z 2026-11-29T09:00:00Z
medium high P2 2026-11-28T09:30:00Z 2026-11-28T17:00:00Z
medium medium P3 2026-11-28T11:00:00Z 2026-11-29T09:00:00Z
medium low P4 2026-11-28T13:00:00Z 2026-12-01T09:00:00Z
low high P3 2026-11-28T11:00:00Z 2026-11-29T09:00:00Z
low medium P4 2026-11-28T13:00:00Z 2026-12-01T09:00:00Z
low low P5 2026-11-29T09:00:00Z 2026-12-05T09:00:00Z'

@test "prioritize prints the priority name alone" {
	open_ticket "Mail down" --caller alice
	run --separate-stderr itsm prioritize INC-1 --impact high --urgency medium
	assert_status 0
	assert_output "P2"
	assert_stderr ""
}

@test "all 9 cells of the default matrix, with their due times, through the CLI" {
	n=0
	while read -r imp urg pri resp resol; do
		n=$((n + 1))
		open_ticket "cell $imp/$urg" --caller alice
		run --separate-stderr itsm prioritize "$n" --impact "$imp" --urgency "$urg"
		assert_status 0
		assert_output "$pri"
		run --separate-stderr itsm show "$n" --json
		jq_is '[.impact, .urgency, .priority, .response_due, .resolution_due]' \
		    "[\"$imp\",\"$urg\",\"$pri\",\"$resp\",\"$resol\"]"
	done <<<"$DEFAULT_CELLS"
	[ "$n" = 9 ]
}

@test "all 9 cells by rank give the same priorities as by name" {
	n=0
	while read -r imp urg pri _ _; do
		n=$((n + 1))
		case $imp in high) i=1 ;; medium) i=2 ;; low) i=3 ;; esac
		case $urg in high) u=1 ;; medium) u=2 ;; low) u=3 ;; esac
		open_ticket "cell $i/$u" --caller alice
		run --separate-stderr itsm prioritize "$n" --impact "$i" --urgency "$u"
		assert_status 0
		assert_output "$pri"
	done <<<"$DEFAULT_CELLS"
	[ "$n" = 9 ]
}

@test "levels are case-insensitive, names and ranks mix, and are stored canonical" {
	open_ticket "Mixed" --caller bob
	run --separate-stderr itsm prioritize 1 --impact MEDIUM --urgency 1
	assert_status 0
	assert_output "P2"
	run --separate-stderr itsm prioritize inc-1 --impact 3 --urgency Low
	assert_status 0
	assert_output "P5"
	run --separate-stderr itsm show 1 --json
	jq_is '[.impact, .urgency, .priority]' '["low","low","P5"]'
}

@test "prioritize --json prints the ticket object" {
	open_ticket "Site down" --caller carol
	run --separate-stderr itsm prioritize 1 --impact high --urgency high --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .impact, .urgency, .priority, .response_due, .resolution_due, .updated_at]' \
	    '["INC-1","high","high","P1","2026-11-28T09:15:00Z","2026-11-28T13:00:00Z","2026-11-28T09:00:00Z"]'
}

@test "prioritize -q prints the ref" {
	open_ticket "Quiet" --caller carol
	run --separate-stderr itsm prioritize 1 --impact high --urgency high -q
	assert_status 0
	assert_output "INC-1"
}

@test "due times count from when the ticket was opened, not from now" {
	open_ticket "Called at six" --caller dan --at 2026-11-28T06:00:00Z
	run --separate-stderr itsm prioritize 1 --impact high --urgency high --json
	jq_is '[.opened_at, .response_due, .resolution_due, .updated_at]' \
	    '["2026-11-28T06:00:00Z","2026-11-28T06:15:00Z","2026-11-28T10:00:00Z","2026-11-28T09:00:00Z"]'
}

@test "re-prioritizing is allowed and recorded from -> to, with the reason" {
	open_ticket "Grows" --caller eve
	itsm prioritize 1 --impact low --urgency low
	run --separate-stderr itsm prioritize 1 --impact high --urgency low \
	    -m "the whole floor is affected"
	assert_status 0
	assert_output "P3"
	run --separate-stderr itsm show 1 --json
	jq_is '[.priority, .response_due, .resolution_due]' \
	    '["P3","2026-11-28T11:00:00Z","2026-11-29T09:00:00Z"]'
	jq_is '[.events[] | select(.kind == "prioritize") | [.field, .from, .to, .message]]' \
	    '[["impact",null,"low",null],["urgency",null,"low",null],["priority",null,"P5",null],["impact","low","high","the whole floor is affected"],["priority","P5","P3","the whole floor is affected"]]'
}

@test "re-prioritizing to the same cell is still recorded" {
	open_ticket "Same" --caller eve
	itsm prioritize 1 --impact 2 --urgency 2
	run --separate-stderr itsm prioritize 1 --impact medium --urgency medium -m "checked again"
	assert_status 0
	assert_output "P3"
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[-1] | .kind, .field, .from, .to, .message]' \
	    '["prioritize","priority","P3","P3","checked again"]'
	jq_is '.events | length' '5'
}

@test "prioritize -m - reads the reason from standard input" {
	open_ticket "Reason" --caller fay
	printf 'VIP user\n' >"$BATS_TEST_TMPDIR/why"
	run --separate-stderr itsm prioritize 1 --impact low --urgency high -m - <"$BATS_TEST_TMPDIR/why"
	assert_status 0
	assert_output "P3"
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[-1].message]' '["VIP user"]'
}

@test "prioritize --at back-dates the decision" {
	open_ticket "Back-dated" --caller gus --at 2026-11-28T08:00:00Z
	run --separate-stderr itsm prioritize 1 --impact 1 --urgency 1 --at 2026-11-28T08:05:00Z
	assert_status 0
	run --separate-stderr itsm show 1 --json
	jq_is '[.events[-1].at, .events[-1].recorded_at, .updated_at]' \
	    '["2026-11-28T08:05:00Z","2026-11-28T09:00:00Z","2026-11-28T08:05:00Z"]'
}

@test "unknown impact or urgency: 65, the levels listed, nothing changed" {
	open_ticket "Levels" --caller hal
	itsm prioritize 1 --impact low --urgency low
	before=$(db_digest)
	run --separate-stderr itsm prioritize 1 --impact huge --urgency high
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown impact 'huge' (expected one of: high, medium, low, or a rank from the policy)"
	run --separate-stderr itsm prioritize 1 --impact high --urgency 4
	assert_status 65
	assert_stderr "itsm: unknown urgency '4' (expected one of: high, medium, low, or a rank from the policy)"
	run --separate-stderr itsm prioritize 1 --impact 0 --urgency high
	assert_status 65
	assert_one_line_error "unknown impact '0'"
	assert_unchanged "$before"
}

@test "prioritize without --impact or --urgency is a usage error (64)" {
	open_ticket "Usage" --caller ivy
	before=$(db_digest)
	run --separate-stderr itsm prioritize 1 --impact high
	assert_status 64
	assert_one_line_error "missing --urgency"
	run --separate-stderr itsm prioritize 1 --urgency high
	assert_status 64
	assert_one_line_error "missing --impact"
	run --separate-stderr itsm prioritize --impact high --urgency high
	assert_status 64
	assert_one_line_error "REF"
	assert_unchanged "$before"
}

@test "prioritizing a redirected ticket is refused by the workflow (1)" {
	open_ticket "A request" --caller jo --type request
	before=$(db_digest)
	run --separate-stderr itsm prioritize 1 --impact high --urgency high
	assert_status 1
	assert_stderr "itsm: cannot prioritize REQ-1: it is redirected (prioritize is allowed when new, in_progress, on_hold)"
	assert_unchanged "$before"
}

@test "prioritize an unknown ticket: 66" {
	open_ticket "Only one" --caller jo
	before=$(db_digest)
	run --separate-stderr itsm prioritize 2 --impact high --urgency high
	assert_status 66
	assert_one_line_error "no such ticket"
	assert_unchanged "$before"
}

@test "a custom 4 x 4 policy: its own levels, priorities and targets" {
	write_policy_4x4 "$ITSM_CONFIG"
	# impact urgency priority response_due resolution_due (opened 09:00)
	cells='enterprise critical Crit 2026-11-28T09:10:00Z 2026-11-28T11:00:00Z
enterprise normal High 2026-11-28T10:00:00Z 2026-11-28T10:30:00Z
site low Med 2026-11-28T13:00:00Z 2026-11-30T09:00:00Z
department critical High 2026-11-28T10:00:00Z 2026-11-28T10:30:00Z
user normal Low 2026-11-29T09:00:00Z 2026-12-12T09:00:00Z
user low Low 2026-11-29T09:00:00Z 2026-12-12T09:00:00Z'
	n=0
	while read -r imp urg pri resp resol; do
		n=$((n + 1))
		open_ticket "cell $imp/$urg" --caller alice
		run --separate-stderr itsm prioritize "$n" --impact "$imp" --urgency "$urg"
		assert_status 0
		assert_output "$pri"
		run --separate-stderr itsm show "$n" --json
		jq_is '[.impact, .urgency, .priority, .response_due, .resolution_due]' \
		    "[\"$imp\",\"$urg\",\"$pri\",\"$resp\",\"$resol\"]"
	done <<<"$cells"
	# Ranks of the custom policy: 4 x 4 exists, 2 x 3 is site/normal.
	open_ticket "ranks" --caller alice
	run --separate-stderr itsm prioritize 7 --impact 4 --urgency 4
	assert_output "Low"
	run --separate-stderr itsm prioritize 7 --impact 2 --urgency 3
	assert_output "Med"
	# The default policy's names mean nothing here.
	run --separate-stderr itsm prioritize 7 --impact medium --urgency normal
	assert_status 65
	assert_stderr "itsm: unknown impact 'medium' (expected one of: enterprise, site, department, user, or a rank from the policy)"
}

@test "a custom 4 x 4 policy: every cell through the CLI" {
	write_policy_4x4 "$ITSM_CONFIG"
	expect='Crit Crit High Med
Crit High Med Med
High Med Med Low
Med Med Low Low'
	got=
	n=0
	for i in enterprise site department user; do
		row=
		for u in critical high normal low; do
			n=$((n + 1))
			open_ticket "$i/$u" --caller alice
			row="$row${row:+ }$(itsm prioritize "$n" --impact "$i" --urgency "$u")"
		done
		got="$got${got:+$'\n'}$row"
	done
	[ "$got" = "$expect" ] || { printf 'got:\n%s\n' "$got" >&2; false; }
}
