#!/usr/bin/env bats
# itsm escalate REF: functional escalation up a tier (step 7), and
# hierarchical escalation to the managers the policy names.

load helper

# --- Functional escalation ---

@test "escalate goes N1 -> N2 -> N3, to the first group of the next tier" {
	open_ticket "VPN down" --caller alice
	itsm assign 1 --to bob >/dev/null
	run --separate-stderr itsm escalate 1
	assert_status 0
	assert_output "INC-1 escalated to support-l2"
	assert_stderr ""
	ticket_is 1 '[.group, .tier, .assignee, .status]' '["support-l2","N2",null,"in_progress"]'
	itsm assign 1 --to carol >/dev/null
	run --separate-stderr itsm escalate INC-1
	assert_status 0
	assert_output "INC-1 escalated to engineering"
	ticket_is 1 '[.group, .tier, .assignee]' '["engineering","N3",null]'
}

@test "escalate clears the assignee and records group, tier and assignee with the message" {
	open_ticket "VPN down" --caller alice
	itsm assign 1 --to bob >/dev/null
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T09:30:00Z
	run --separate-stderr itsm escalate 1 -m "needs network skills"
	assert_status 0
	ticket_is 1 '[.events[] | select(.kind == "escalate") | [.at, .actor, .field, .from, .to, .message]]' \
	    '[["2026-11-28T09:30:00Z","bob","group","service-desk","support-l2","needs network skills"],["2026-11-28T09:30:00Z","bob","tier","N1","N2","needs network skills"],["2026-11-28T09:30:00Z","bob","assignee","bob",null,"needs network skills"]]'
	ticket_is 1 '[.updated_at, .reassignment_count]' '["2026-11-28T09:30:00Z",1]'
}

@test "escalate does not start the work on a new ticket" {
	open_ticket "VPN down" --caller alice
	run --separate-stderr itsm escalate 1
	assert_status 0
	ticket_is 1 '[.status, .responded_at]' '["new",null]'
}

@test "escalate --to a group of a higher tier skips a tier" {
	open_ticket "VPN down" --caller alice
	run --separate-stderr itsm escalate 1 --to Engineering
	assert_status 0
	assert_output "INC-1 escalated to engineering"
	ticket_is 1 '[.group, .tier]' '["engineering","N3"]'
}

@test "escalate -q prints the ref, --json the ticket" {
	open_ticket "VPN down" --caller alice
	open_ticket "DNS down" --caller alice
	run --separate-stderr itsm escalate 1 -q
	assert_status 0
	assert_output "INC-1"
	run --separate-stderr itsm escalate 2 --json
	assert_status 0
	jq_is 'keys_unsorted' "$TICKET_KEYS"
	jq_is '[.ref, .group, .tier]' '["INC-2","support-l2","N2"]'
}

@test "escalating past the top tier is refused (1), nothing changed" {
	open_ticket "VPN down" --caller alice
	itsm escalate 1 --to engineering >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm escalate 1
	assert_refused "itsm: cannot escalate INC-1: it is already at the top tier (N3)" "$before"
}

@test "escalate --to a group that is not above is refused (1), nothing changed" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --to service-desk
	assert_refused "itsm: cannot escalate INC-1 to 'service-desk' (tier N1): the ticket is in tier N1 already; escalation goes up (use 'itsm assign --group' to move it sideways)" "$before"
	itsm escalate 1 >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --to service-desk
	assert_refused "itsm: cannot escalate INC-1 to 'service-desk' (tier N1): the ticket is in tier N2 already; escalation goes up (use 'itsm assign --group' to move it sideways)" "$before"
	run --separate-stderr itsm escalate 1 --to support-l2
	assert_refused "itsm: cannot escalate INC-1 to 'support-l2' (tier N2): the ticket is in tier N2 already; escalation goes up (use 'itsm assign --group' to move it sideways)" "$before"
}

@test "escalate --to an unknown group: 65, nothing changed" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --to nope
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown group 'nope' (expected one of: service-desk, support-l2, engineering)"
	assert_unchanged "$before"
}

@test "escalate usage errors (64) and an unknown ticket (66)" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm escalate
	assert_rejected 64 "missing REF" "$before"
	run --separate-stderr itsm escalate 1 --dry-run
	assert_rejected 64 "--stagnant" "$before"
	run --separate-stderr itsm escalate 1 --reason blocked -m x
	assert_rejected 64 "--hierarchical" "$before"
	run --separate-stderr itsm escalate 9
	assert_rejected 66 "no such ticket" "$before"
}

@test "escalating a resolved ticket is refused (1), either way" {
	open_ticket "VPN down" --caller alice --impact low --urgency low
	itsm resolve 1 --workaround -m "rebooted" >/dev/null
	before=$(db_digest)
	run --separate-stderr itsm escalate 1
	assert_refused "itsm: cannot escalate INC-1: it is resolved (escalate is allowed when new, in_progress, on_hold)" "$before"
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "stuck"
	assert_refused "itsm: cannot escalate INC-1: it is resolved (escalate is allowed when new, in_progress, on_hold)" "$before"
}

# --- Hierarchical escalation ---

@test "escalate --hierarchical notifies the managers of the group and priority" {
	# ref, group, priority (impact urgency), expected managers
	open_ticket "sd P3" --caller a --impact medium --urgency medium
	open_ticket "sd P1" --caller a --impact high --urgency high
	open_ticket "l2 P4" --caller a --impact low --urgency medium
	itsm assign 3 --group support-l2 >/dev/null
	open_ticket "eng P2" --caller a --impact high --urgency medium
	itsm escalate 4 --to engineering >/dev/null
	open_ticket "sd none" --caller a
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "no decision"
	assert_status 0
	assert_output "INC-1 escalated to 1 manager"
	assert_stderr ""
	run --separate-stderr itsm escalate 2 --hierarchical --reason impact -m "whole site"
	assert_output "INC-2 escalated to 2 managers"
	run --separate-stderr itsm escalate 3 --hierarchical --reason stagnant -m "nothing moves"
	assert_output "INC-3 escalated to 1 manager"
	run --separate-stderr itsm escalate 4 --hierarchical --reason other -m "vendor silent"
	assert_output "INC-4 escalated to 2 managers"
	run --separate-stderr itsm escalate 5 --hierarchical --reason blocked -m "who owns it?"
	assert_output "INC-5 escalated to 1 manager"
}

@test "escalate --hierarchical records an escalate-managers event, counts as activity, moves nothing" {
	open_ticket "VPN down" --caller alice --impact high --urgency high
	export ITSM_ACTOR=bob ITSM_NOW=2026-11-28T09:40:00Z
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "vendor silent"
	assert_status 0
	ticket_is 1 '[.events[-1] | .at, .actor, .kind, .field, .from, .to, .message]' \
	    '["2026-11-28T09:40:00Z","bob","escalate-managers","reason",null,"blocked","vendor silent"]'
	ticket_is 1 '[.group, .tier, .status, .updated_at, .reassignment_count]' \
	    '["service-desk","N1","new","2026-11-28T09:40:00Z",0]'
}

@test "escalate --hierarchical -m - reads the message from standard input" {
	open_ticket "VPN down" --caller alice
	printf 'two days and no answer\n' >"$BATS_TEST_TMPDIR/why"
	run --separate-stderr itsm escalate 1 --hierarchical --reason stagnant -m - <"$BATS_TEST_TMPDIR/why"
	assert_status 0
	ticket_is 1 '.events[-1].message' '"two days and no answer"'
}

@test "the post-escalate hook receives the managers, the reason and the message" {
	use_hooks
	write_hook post-escalate 'cat >"$ITSM_HOOKS_DIR/../input.json"'
	open_ticket "VPN down" --caller alice --impact high --urgency medium
	itsm escalate 1 --to support-l2 >/dev/null
	run --separate-stderr itsm escalate 1 --hierarchical --reason impact -m "whole site"
	assert_status 0
	assert_stderr ""
	output=$(cat "$BATS_TEST_TMPDIR/input.json")
	jq_is '.event | [.name, .ref, .reason, .message]' '["post-escalate","INC-1","impact","whole site"]'
	jq_is '.event.managers' \
	    '[{"name":"support-manager","contact":"support-manager@localhost"},{"name":"duty-manager","contact":"duty-manager@localhost"}]'
	jq_is '[.ticket.ref, .ticket.priority, .ticket.group]' '["INC-1","P2","support-l2"]'
}

@test "a functional escalation gives the hook the reason functional and no managers" {
	use_hooks
	write_hook post-escalate 'cat >"$ITSM_HOOKS_DIR/../input.json"'
	open_ticket "VPN down" --caller alice --impact high --urgency high
	run --separate-stderr itsm escalate 1 -m "deeper skills"
	assert_status 0
	output=$(cat "$BATS_TEST_TMPDIR/input.json")
	jq_is '.event | [.reason, .message, .managers]' '["functional","deeper skills",null]'
	jq_is '[.event.changes[] | .field]' '["group","tier"]'
	jq_is '[.ticket.group, .ticket.tier]' '["support-l2","N2"]'
}

@test "the example post-escalate hook mails the managers through sendmail -t -i" {
	use_hooks
	cp "$TOP/examples/hooks/post-escalate" "$ITSM_HOOKS_DIR/post-escalate"
	chmod 755 "$ITSM_HOOKS_DIR/post-escalate"
	mkdir "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/sendmail" <<'EOF'
#!/bin/sh
echo "$*" >>"$BATS_TEST_TMPDIR/sendmail.args"
cat >>"$BATS_TEST_TMPDIR/sendmail.mail"
EOF
	chmod 755 "$BATS_TEST_TMPDIR/bin/sendmail"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH" BATS_TEST_TMPDIR
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	# Up a tier: nobody is mailed.
	run --separate-stderr itsm escalate 1
	assert_status 0
	assert_stderr ""
	[ ! -e "$BATS_TEST_TMPDIR/sendmail.mail" ]
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "vendor silent"
	assert_status 0
	assert_output "INC-1 escalated to 2 managers"
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/sendmail.args")" = "-t -i" ]
	run head -n 2 "$BATS_TEST_TMPDIR/sendmail.mail"
	assert_output "To: support-manager@localhost, duty-manager@localhost
Subject: [itsm] INC-1 escalated (blocked): Payroll down"
	grep -qx '  vendor silent' "$BATS_TEST_TMPDIR/sendmail.mail"
}

@test "the example post-escalate hook: a line with a single dot does not end the mail (sendmail -i)" {
	use_hooks
	cp "$TOP/examples/hooks/post-escalate" "$ITSM_HOOKS_DIR/post-escalate"
	chmod 755 "$ITSM_HOOKS_DIR/post-escalate"
	mkdir "$BATS_TEST_TMPDIR/bin"
	# Like sendmail: without -i (or -oi), a line "." ends the input.
	cat >"$BATS_TEST_TMPDIR/bin/sendmail" <<'EOF'
#!/bin/sh
echo "$*" >>"$BATS_TEST_TMPDIR/sendmail.args"
dot=1
for a; do case $a in -i|-oi) dot=0 ;; esac; done
while IFS= read -r line; do
	[ "$dot" = 1 ] && [ "$line" = . ] && break
	printf '%s\n' "$line" >>"$BATS_TEST_TMPDIR/sendmail.mail"
done
EOF
	chmod 755 "$BATS_TEST_TMPDIR/bin/sendmail"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH" BATS_TEST_TMPDIR
	open_ticket "Payroll down" --caller alice --impact high --urgency high
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "first line
.
last line"
	assert_status 0
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/sendmail.args")" = "-t -i" ]
	grep -qx '\.' "$BATS_TEST_TMPDIR/sendmail.mail"
	grep -qx 'last line' "$BATS_TEST_TMPDIR/sendmail.mail"
	grep -qx 'itsm show INC-1' "$BATS_TEST_TMPDIR/sendmail.mail"
}

@test "escalate --hierarchical with an unknown reason: 65, nothing changed" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --hierarchical --reason bored -m "x"
	assert_status 65
	assert_output ""
	assert_stderr "itsm: unknown escalation reason 'bored' (expected one of: stagnant, blocked, impact, other)"
	assert_unchanged "$before"
}

@test "escalate --hierarchical without -m or --reason, or with --to: 64, nothing changed" {
	open_ticket "VPN down" --caller alice
	before=$(db_digest)
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked
	assert_rejected 64 "--hierarchical needs --reason and -m" "$before"
	run --separate-stderr itsm escalate 1 --hierarchical -m "stuck"
	assert_rejected 64 "--hierarchical needs --reason and -m" "$before"
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m "stuck" --to support-l2
	assert_rejected 64 "takes no --to" "$before"
	run --separate-stderr itsm escalate 1 --hierarchical --reason blocked -m ""
	assert_rejected 65 "empty" "$before"
}

@test "re-prioritizing to a higher impact suggests a hierarchical escalation on stderr" {
	open_ticket "Printer" --caller alice --impact low --urgency high
	run --separate-stderr itsm prioritize 1 --impact medium --urgency high
	assert_status 0
	assert_output "P2"
	assert_stderr "itsm: hint: INC-1's impact is now medium: consider 'itsm escalate INC-1 --hierarchical --reason impact -m ...'"
	# Same or lower impact, or a first prioritization: no hint.
	run --separate-stderr itsm prioritize 1 --impact medium --urgency low
	assert_status 0
	assert_stderr ""
	run --separate-stderr itsm prioritize 1 --impact low --urgency low
	assert_status 0
	assert_stderr ""
	open_ticket "New" --caller alice
	run --separate-stderr itsm prioritize 2 --impact high --urgency high
	assert_status 0
	assert_stderr ""
}

@test "a group name with %r and an escape sequence is printed as it is, escaped, never as the ref" {
	sed -i 's/^  - name: support-l2$/  - name: "l2 %r\\e[2J"/; s/groups: \[support-l2, /groups: ["l2 %r\\e[2J", /' "$ITSM_CONFIG"
	grep -qF 'name: "l2 %r\e[2J"' "$ITSM_CONFIG"
	open_ticket "Mail down" --caller ann
	run --separate-stderr itsm escalate INC-1
	assert_status 0
	assert_output 'INC-1 escalated to l2 %r\x1b[2J'
	assert_stderr ""
}
