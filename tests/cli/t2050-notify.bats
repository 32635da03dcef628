#!/usr/bin/env bats
# Notifications by mail (issue 15): composed and queued in the outbox in
# the transaction of their event, delivered after the commit through a
# sendmail -t -i command (ITSM_SENDMAIL: here a script that keeps each
# message in a file), retried with backoff by itsm notify, each sent
# once; itsm outbox lists what waits or failed.

load helper
lsan_beside_gmime

# use_mail: a mail section in the test's policy, and a capturing
# sendmail: each message in $MAILDIR/N.eml, N counted under a lock (two
# itsm notify at once), its arguments in $MAILDIR/N.args.
use_mail() {
	export MAILDIR="$BATS_TEST_TMPDIR/mail"
	mkdir -p "$MAILDIR"
	cat >"$BATS_TEST_TMPDIR/sendmail" <<'EOF'
#!/bin/sh
d=$(dirname "$0")/mail
exec 9>"$d/.lock"
flock 9
n=$(($(ls "$d" | grep -c '\.eml$') + 1))
cat >"$d/$n.eml"
echo "$*" >"$d/$n.args"
EOF
	chmod 755 "$BATS_TEST_TMPDIR/sendmail"
	export ITSM_SENDMAIL="$BATS_TEST_TMPDIR/sendmail -t -i"
	cat >>"$ITSM_CONFIG" <<'EOF'
mail:
  from: {address: desk@example.org, name: Service desk}
  domain: itsm.example.org
  confirm: ["yes", oui]
EOF
}

# A sendmail that fails (exit 75) while $BATS_TEST_TMPDIR/fails holds
# a number above 0, counting it down, then delivers as use_mail's.
flaky_sendmail() {
	cat >"$BATS_TEST_TMPDIR/flaky" <<EOF
#!/bin/sh
n=\$(cat "$BATS_TEST_TMPDIR/fails")
if [ "\$n" -gt 0 ]; then
	echo \$((n - 1)) >"$BATS_TEST_TMPDIR/fails"
	cat >/dev/null
	exit 75
fi
exec "$BATS_TEST_TMPDIR/sendmail"
EOF
	chmod 755 "$BATS_TEST_TMPDIR/flaky"
	echo "$1" >"$BATS_TEST_TMPDIR/fails"
	export ITSM_SENDMAIL="$BATS_TEST_TMPDIR/flaky"
}

# hang_sendmail: $BATS_TEST_TMPDIR/hang, a sendmail that writes its pid
# to hang.pid and never ends (the test kills it).
hang_sendmail() {
	cat >"$BATS_TEST_TMPDIR/hang" <<EOF
#!/bin/sh
echo \$\$ >"$BATS_TEST_TMPDIR/hang.pid"
exec sleep 3600
EOF
	chmod 755 "$BATS_TEST_TMPDIR/hang"
}

# hdr N NAME: the value of header NAME of message N.
hdr() {
	sed -n "/^\$/q; s/^$2: //p" "$MAILDIR/$1.eml"
}

mails() {
	ls "$MAILDIR" | grep -c '\.eml$' || true
}

@test "opened: the acknowledgement to the caller's address, with the tag, our Message-ID, Auto-Submitted" {
	use_mail
	run --separate-stderr itsm open "Printer down" --caller "Ann Lee" \
	    --contact "Ann Lee <ann@example.org>" --impact low --urgency low
	assert_status 0
	assert_output "INC-1"
	assert_stderr ""
	[ "$(mails)" = 1 ]
	[ "$(cat "$MAILDIR/1.args")" = "-t -i" ]
	[ "$(hdr 1 From)" = "Service desk <desk@example.org>" ]
	[ "$(hdr 1 To)" = "ann@example.org" ]
	[ "$(hdr 1 Subject)" = "[INC-1] Printer down" ]
	[ "$(hdr 1 Date)" = "Sat, 28 Nov 2026 09:00:00 +0000" ]
	[[ $(hdr 1 Message-Id) =~ ^\<[^@]+@itsm\.example\.org\>$ ]]
	[ "$(hdr 1 Auto-Submitted)" = auto-generated ]
	[ "$(hdr 1 X-Itsm-Ref)" = INC-1 ]
	[ "$(hdr 1 Content-Type)" = "text/plain; charset=utf-8" ]
	[ -z "$(hdr 1 In-Reply-To)" ]
	grep -q "^Your call is logged as INC-1: Printer down$" "$MAILDIR/1.eml"
	grep -q "^Priority: P5$" "$MAILDIR/1.eml"
	grep -q "keeping \[INC-1\] in the subject" "$MAILDIR/1.eml"
	[ "$(db_sql "SELECT state || ' ' || attempts || ' ' || message_id FROM outbox")" = "sent 1 $(hdr 1 Message-Id)" ]
	[ "$(db_sql "SELECT ticket || ' ' || direction FROM mail_messages WHERE message_id = '$(hdr 1 Message-Id)'")" = "1 out" ]
}

@test "a subject and a name in UTF-8: RFC 2047 in the header, quoted-printable UTF-8 in the body" {
	use_mail
	itsm open "Imprimante en panne, café renversé" --caller "Zoé Dupont" \
	    --contact "zoe@example.org" >/dev/null
	[[ $(hdr 1 Subject) == "[INC-1] Imprimante en panne, "*"=?UTF-8?"* ]]
	[ "$(hdr 1 Content-Transfer-Encoding)" = quoted-printable ]
	grep -q "^Hello Zo=C3=A9 Dupont,$" "$MAILDIR/1.eml"
}

@test "each event notifies the caller, threaded to the acknowledgement: resolved, closed, reopened, duplicate" {
	use_mail
	itsm open "VPN down" --caller ann --contact ann@example.org \
	    --impact high --urgency high >/dev/null
	itsm resolve 1 --permanent --code solved -m "token renewed" >/dev/null
	itsm close 1 --confirmed >/dev/null
	itsm reopen 1 -m "down again" >/dev/null
	itsm open "VPN down too" --caller bob --contact bob@example.org >/dev/null
	run --separate-stderr itsm cancel 2 --duplicate-of 1 -m "see INC-1"
	assert_status 0
	assert_stderr ""
	[ "$(mails)" = 6 ]
	first=$(hdr 1 Message-Id)
	for n in 2 3 4; do
		[ "$(hdr $n In-Reply-To)" = "$first" ]
		[ "$(hdr $n References)" = "$first" ]
		[ "$(hdr $n To)" = ann@example.org ]
		[ "$(hdr $n Auto-Submitted)" = auto-generated ]
		[ "$(hdr $n Message-Id)" != "$first" ]
	done
	[ "$(hdr 2 Subject)" = "[INC-1] Resolved: VPN down" ]
	grep -q '^INC-1 is resolved (solved):$' "$MAILDIR/2.eml"
	grep -q '^token renewed$' "$MAILDIR/2.eml"
	grep -q 'replying "yes" or "oui"; any other reply' "$MAILDIR/2.eml"
	[ "$(hdr 3 Subject)" = "[INC-1] Closed: VPN down" ]
	[ "$(hdr 4 Subject)" = "[INC-1] Reopened: VPN down" ]
	grep -q '^INC-1 is open again: down again$' "$MAILDIR/4.eml"
	[ "$(hdr 6 To)" = bob@example.org ]
	[ "$(hdr 6 Subject)" = "[INC-2] Duplicate: VPN down too" ]
	[ "$(hdr 6 In-Reply-To)" = "$(hdr 5 Message-Id)" ]
	[ "$(db_sql "SELECT group_concat(name, ' ') FROM (SELECT name FROM outbox ORDER BY id) x")" = "opened resolved closed reopened opened duplicate" ] ||
	    [ "$(db_sql "SELECT string_agg(name, ' ' ORDER BY id) FROM outbox")" = "opened resolved closed reopened opened duplicate" ]
}

@test "without mail.confirm the words are yes and oui: the resolved mail names them" {
	use_mail
	sed -i '/^  confirm:/d' "$ITSM_CONFIG"
	itsm open "VPN down" --caller ann --contact ann@example.org \
	    --impact high --urgency high >/dev/null
	itsm resolve 1 --permanent --code solved -m "token renewed" >/dev/null
	[ "$(mails)" = 2 ]
	grep -q 'replying "yes" or "oui"; any other reply' "$MAILDIR/2.eml"
	run --separate-stderr itsm config show
	[[ $output == *$'\n  confirm: [yes, oui]\n'* ]]
}

@test "escalated: to the managers whose contact is an address, naming them" {
	use_mail
	itsm open "Payroll down" --caller ann --impact high --urgency high >/dev/null
	itsm assign 1 --group service-desk >/dev/null
	run --separate-stderr itsm escalate 1 --hierarchical --reason impact -m "finance stopped"
	assert_status 0
	assert_output "INC-1 escalated to 2 managers: service-desk-manager, duty-manager"
	assert_stderr ""
	[ "$(mails)" = 1 ]
	[ "$(hdr 1 To)" = "service-desk-manager@localhost, duty-manager@localhost" ]
	[ "$(hdr 1 Subject)" = "[INC-1] Escalation: Payroll down (P1)" ]
	grep -q "is escalated$" "$MAILDIR/1.eml"
	grep -q "^to service-desk-manager, duty-manager: finance stopped$" "$MAILDIR/1.eml"
}

@test "escalated by mail: a manager without a mail address is not counted; none: 0, no mail" {
	use_mail
	sed -i 's/contact: duty-manager@localhost/contact: "ext. 9"/; s/contact: service-desk-manager@localhost/contact: "desk office"/' "$ITSM_CONFIG"
	itsm open "Payroll down" --caller ann --impact high --urgency high >/dev/null
	itsm assign 1 --group service-desk >/dev/null
	run --separate-stderr itsm escalate 1 --hierarchical --reason impact -m "x"
	assert_status 0
	assert_output "INC-1 escalated to 0 managers"
	[ "$(mails)" = 0 ]
	run --separate-stderr itsm outbox
	assert_output $'1\tfailed\t0\t-\tINC-1\tmail\topened\t-\tno mail address for the caller\n2\tfailed\t0\t-\tINC-1\tmail\tescalated\t-\tno mail address for the managers'
}

@test "the cron sweep notifies the managers by mail, and counts those mailed" {
	use_mail
	itsm open "Stuck" --caller ann --impact high --urgency high --at -2h >/dev/null
	itsm assign 1 --group support-l2 --at -2h >/dev/null
	run --separate-stderr itsm escalate --stagnant
	assert_status 0
	assert_output $'INC-1\tescalated to 2 managers\tstagnant: no activity for 2h (threshold 1h)'
	[ "$(hdr 1 To)" = "support-manager@localhost, duty-manager@localhost" ]
	[ "$(hdr 1 Subject)" = "[INC-1] Escalation: Stuck (P1)" ]
}

@test "major: a communication to an audience goes to its addresses; one without addresses gets none" {
	use_mail
	sed -i "s/^    - name: executives$/&\\n      addresses: [ceo@example.org, cfo@example.org]/" "$ITSM_CONFIG"
	itsm open "ERP down" --caller ann --impact high --urgency high >/dev/null
	itsm major declare 1 --commander ann >/dev/null
	run --separate-stderr itsm major comms 1 --audience executives -m "ERP down since 9:00; next update at 10:00"
	assert_status 0
	assert_stderr ""
	itsm major comms 1 --audience users -m "ERP down" >/dev/null
	[ "$(mails)" = 1 ]
	[ "$(hdr 1 To)" = "ceo@example.org, cfo@example.org" ]
	[ "$(hdr 1 Subject)" = "[INC-1] Major incident: ERP down" ]
	grep -q '^To executives:$' "$MAILDIR/1.eml"
	grep -q '^ERP down since 9:00; next update at 10:00$' "$MAILDIR/1.eml"
}

@test "a caller without a mail address gets nothing, silently: failed in the outbox, saying why" {
	use_mail
	run --separate-stderr itsm open "Phone call" --caller bob --contact "ext. 4412"
	assert_status 0
	assert_stderr ""
	[ "$(mails)" = 0 ]
	run --separate-stderr itsm outbox
	assert_status 0
	assert_output $'1\tfailed\t0\t-\tINC-1\tmail\topened\t-\tno mail address for the caller'
	run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(mails)" = 0 ]
}

@test "no mail section: nothing is queued, nothing sent (the embedded default)" {
	export ITSM_SENDMAIL=/bin/false
	itsm open "Quiet" --caller ann --contact ann@example.org >/dev/null
	[ "$(db_sql "SELECT count(*) FROM outbox")" = 0 ]
	run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
}

@test "a sendmail that fails three times then succeeds: retried with backoff by itsm notify, delivered once" {
	use_mail
	flaky_sendmail 3
	run --separate-stderr itsm open "Flaky" --caller ann --contact ann@example.org
	assert_status 0
	assert_output "INC-1"
	assert_one_line_error "mail 'opened' to ann@example.org not sent \(attempt 1\): .*flaky exited with status 75; itsm notify retries it"
	# Not due before its backoff: silent, nothing tried; then retried.
	backoff_walk
	run --separate-stderr itsm outbox --json
	jq_is '.[] | [.state, .attempts, .next_attempt_at, .last_error]' \
	    '["pending",3,"2026-11-28T09:07:00Z","'"$BATS_TEST_TMPDIR"'/flaky exited with status 75"]'
	ITSM_NOW=2026-11-28T09:07:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
	[ "$(mails)" = 1 ]
	ITSM_NOW=2026-11-28T10:00:00Z run --separate-stderr itsm notify
	assert_stderr ""
	[ "$(mails)" = 1 ]
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "sent 4" ]
	run --separate-stderr itsm outbox
	assert_output ""
}

@test "after mail.retry.attempts a message is failed for good, and listed so" {
	use_mail
	sed -i 's/^  domain: itsm.example.org$/&\n  retry: {attempts: 2, backoff: 1m, max_backoff: 1h}/' "$ITSM_CONFIG"
	flaky_sendmail 5
	itsm open "Flaky" --caller ann --contact ann@example.org 2>/dev/null
	ITSM_NOW=2026-11-28T09:05:00Z run --separate-stderr itsm notify
	assert_one_line_error "\(attempt 2\): .*; given up$"
	ITSM_NOW=2026-11-29T09:00:00Z run --separate-stderr itsm notify
	assert_stderr ""
	[ "$(cat "$BATS_TEST_TMPDIR/fails")" = 3 ]
	run --separate-stderr itsm outbox --format csv
	assert_output "ID,STATE,TRIES,NEXT,REF,KIND,NAME,TO,ERROR
1,failed,2,-,INC-1,mail,opened,ann@example.org,$BATS_TEST_TMPDIR/flaky exited with status 75"
}

@test "sendmail killed during delivery: nothing lost, sent once by itsm notify" {
	use_mail
	hang_sendmail
	ITSM_SENDMAIL="$BATS_TEST_TMPDIR/hang" itsm open "Hang" --caller ann \
	    --contact ann@example.org >"$BATS_TEST_TMPDIR/out" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	wait_for_line "$BATS_TEST_TMPDIR/hang.pid" '^[0-9]+$'
	kill -9 "$(cat "$BATS_TEST_TMPDIR/hang.pid")"
	wait "$pid"
	[ "$(cat "$BATS_TEST_TMPDIR/out")" = INC-1 ]
	grep -q "killed by a signal; itsm notify retries it" "$BATS_TEST_TMPDIR/err"
	ITSM_NOW=2026-11-28T09:01:00Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
	ITSM_NOW=2026-11-28T09:10:00Z itsm notify
	[ "$(mails)" = 1 ]
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "sent 2" ]
}

@test "itsm killed during delivery: the message stays claimed, then is sent once, with its Message-ID" {
	use_mail
	hang_sendmail
	ITSM_SENDMAIL="$BATS_TEST_TMPDIR/hang" "$ITSM" open "Crash" --caller ann \
	    --contact ann@example.org >/dev/null 2>&1 &
	pid=$!
	wait_for_line "$BATS_TEST_TMPDIR/hang.pid" '^[0-9]+$'
	kill -9 "$pid"
	kill -9 "$(cat "$BATS_TEST_TMPDIR/hang.pid")"
	wait "$pid" || true
	id=$(db_sql "SELECT message_id FROM outbox")
	[ "$(db_sql "SELECT state || ' ' || attempts FROM outbox")" = "pending 1" ]
	# Claimed: not sent again before the claim is over (timeout + 1m).
	run --separate-stderr itsm notify
	assert_stderr ""
	[ "$(mails)" = 0 ]
	ITSM_NOW=2026-11-28T09:01:31Z run --separate-stderr itsm notify
	assert_status 0
	assert_stderr ""
	[ "$(mails)" = 1 ]
	[ "$(hdr 1 Message-Id)" = "$id" ]
	ITSM_NOW=2026-11-28T10:00:00Z itsm notify
	[ "$(mails)" = 1 ]
}

@test "two itsm notify at once: each message delivered once" {
	use_mail
	flaky_sendmail 1000
	for i in 1 2 3 4 5 6; do
		itsm open "Call $i" --caller ann --contact ann@example.org \
		    >/dev/null 2>&1
	done
	echo 0 >"$BATS_TEST_TMPDIR/fails"
	export ITSM_NOW=2026-11-28T09:05:00Z
	itsm notify 2>"$BATS_TEST_TMPDIR/e1" &
	p1=$!
	itsm notify 2>"$BATS_TEST_TMPDIR/e2" &
	p2=$!
	wait "$p1"
	wait "$p2"
	[ "$(mails)" = 6 ]
	[ -z "$(grep -h '^Message-Id:' "$MAILDIR"/*.eml | sort | uniq -d)" ]
	[ "$(grep -h '^Message-Id:' "$MAILDIR"/*.eml | sort -u | wc -l)" = 6 ]
	[ "$(db_sql "SELECT count(*) FROM outbox WHERE state = 'sent' AND attempts = 2")" = 6 ]
	[ ! -s "$BATS_TEST_TMPDIR/e1" ] && [ ! -s "$BATS_TEST_TMPDIR/e2" ]
}

@test "itsm outbox: pending and failed by default, --all the sent too, in every format; -q the ids" {
	use_mail
	itsm open "Sent" --caller ann --contact ann@example.org >/dev/null
	itsm open "Phone" --caller bob --contact "555-1234" >/dev/null
	ITSM_SENDMAIL=/bin/false itsm open "Later" --caller cy --contact cy@example.org 2>/dev/null
	run --separate-stderr itsm outbox
	assert_status 0
	assert_output $'2\tfailed\t0\t-\tINC-2\tmail\topened\t-\tno mail address for the caller
3\tpending\t1\t2026-11-28T09:01:00Z\tINC-3\tmail\topened\tcy@example.org\t/bin/false exited with status 1'
	run --separate-stderr itsm outbox -q --all
	assert_output $'1\n2\n3'
	run --separate-stderr itsm outbox --all --format jsonl
	assert_status 0
	jq_is -s 'map([.id, .ref, .state, .sent_at])' \
	    '[[1,"INC-1","sent","2026-11-28T09:00:00Z"],[2,"INC-2","failed",null],[3,"INC-3","pending",null]]' 2>/dev/null ||
	    [ "$(printf '%s\n' "$output" | jq -sc 'map([.id, .ref, .state, .sent_at])')" = '[[1,"INC-1","sent","2026-11-28T09:00:00Z"],[2,"INC-2","failed",null],[3,"INC-3","pending",null]]' ]
	run --separate-stderr itsm outbox --json
	jq_is 'map(keys_unsorted)[0]' '["id","created_at","ref","kind","name","recipients","message_id","state","attempts","next_attempt_at","last_error","sent_at"]'
	run --separate-stderr itsm outbox --format table
	[[ ${lines[0]} == "ID    STATE    TRIES NEXT"* ]]
	[ "${#lines[@]}" = 3 ]
	run --separate-stderr itsm outbox extra
	assert_status 64
}

@test "an empty outbox: nothing, or an empty JSON array" {
	run --separate-stderr itsm outbox
	assert_status 0
	assert_output ""
	run --separate-stderr itsm outbox --json
	assert_output "[]"
	run --separate-stderr itsm notify
	assert_status 0
	assert_output ""
	assert_stderr ""
}

# bad_policy YAML PATTERN: the mail and notifications sections YAML in the
# test's policy are refused, 78, one line naming FILE:LINE:COL, nothing
# written.
bad_policy() {
	itsm open "Before" --caller ann >/dev/null
	before=$(db_digest)
	sed -i '/^notifications:/,$d' "$ITSM_CONFIG"	# the last section
	printf '%s\n' "$1" >>"$ITSM_CONFIG"
	run --separate-stderr itsm open "After" --caller ann --contact ann@example.org
	assert_rejected 78 "policy.yaml:[0-9]+:[0-9]+: $2" "$before"
	run --separate-stderr itsm config check
	assert_status 78
}

@test "bad policy: an unknown field in a template: 78 at its place, nothing written" {
	bad_policy 'mail:
  from: desk@example.org
notifications:
  closed:
    subject: "Closed: {sumary}"
    body: x' "subject: unknown field '\{sumary\}'"
}

@test "bad policy: an unknown field in the embedded default's body is found too" {
	bad_policy 'mail:
  from: desk@example.org
  subject_tag: "[{reff}]"' "subject_tag: unknown field '\{reff\}'"
}

@test "bad policy: a brace not closed, a mail without from, a bad address, a relative sendmail, an unknown event" {
	bad_policy 'mail: {from: desk@example.org}
notifications: {opened: {subject: "x {ref", body: y}}' "subject: a '\{' without its '\}'"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	db_reset
	bad_policy 'mail: {sendmail: /usr/sbin/sendmail}' "mail without from"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	db_reset
	bad_policy 'mail: {from: "desk at example.org"}' "from: 'desk at example.org' is not a mail address"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	db_reset
	bad_policy 'mail: {from: d@example.org, sendmail: sendmail -t}' "sendmail must be a command with its absolute path"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	db_reset
	bad_policy 'notifications: {solved: {subject: x, body: y}}' "unknown key 'solved' in notifications"
	printf '%s' "$DEFAULT_POLICY" >"$ITSM_CONFIG"
	db_reset
	bad_policy 'mail: {from: d@example.org, retry: {attempts: 0}}' "attempts must be a whole number from 1 to 100"
}

@test "examples/mail.yaml is a valid policy that sends mail" {
	run --separate-stderr itsm --config "$TOP/examples/mail.yaml" config check
	assert_status 0
	assert_output "$TOP/examples/mail.yaml: ok"
	run --separate-stderr itsm --config "$TOP/examples/mail.yaml" config show
	[[ $output == *"confirm: [yes, it works, oui, ça marche]"* ]] ||
	    [[ $output == *"confirm:"* ]]
}

@test "config show prints mail and notifications back, and the result loads" {
	use_mail
	run --separate-stderr itsm config show
	assert_status 0
	printf '%s\n' "$output" | grep -v '^#' >"$BATS_TEST_TMPDIR/shown.yaml"
	grep -q '^mail:$' "$BATS_TEST_TMPDIR/shown.yaml"
	grep -q '^  escalated:$' "$BATS_TEST_TMPDIR/shown.yaml"
	run --separate-stderr itsm config check "$BATS_TEST_TMPDIR/shown.yaml"
	assert_status 0
}
