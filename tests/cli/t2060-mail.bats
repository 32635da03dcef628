#!/usr/bin/env bats
# Mail in (issue 15): itsm mail takes one message on standard input, as
# an MTA delivers it: a new ticket, a reply threaded by the tag or by
# In-Reply-To/References as a note by the caller, a confirmation or a
# rejection of a resolved ticket, automatic mail never a ticket, a
# sender's storm stopped, a second delivery recorded once; 65 for what
# is refused for good, 75 for a busy store.

load helper
lsan_beside_gmime

CORPUS="$TOP/tests/mail"

# hdr N NAME: the value of header NAME of captured message N.
hdr() {
	sed -n "/^\$/q; s/^$2: //p" "$MAILDIR/$1.eml"
}

mails() {
	ls "$MAILDIR" | grep -c '\.eml$' || true
}

# mail_in ARGS...: itsm mail ARGS with standard input from $IN.
mail_in() {
	run --separate-stderr itsm mail "$@" <"$IN"
}

@test "mail: a new message opens a ticket: caller, contact, channel email, summary, body, Date: as its opening, the acknowledgement sent" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	BODY=$'The printer on floor 3 jams.\n\n-- \nAnn' msg \
	    '"Ann Lee" <ann@example.org>' 'Printer =?UTF-8?Q?bloqu=C3=A9e?=' >"$IN"
	mail_in
	assert_status 0
	assert_output "opened INC-1"
	assert_stderr ""
	ticket_is INC-1 '[.caller, .affected, .contact, .channel, .summary, .status, .opened_at]' \
	    '["Ann Lee","Ann Lee","ann@example.org","email","Printer bloquée","new","2026-11-27T10:00:00Z"]'
	ticket_is INC-1 .description '"The printer on floor 3 jams.\n\n-- \nAnn"'
	ticket_is INC-1 '.events[0].actor' '"Ann Lee"'
	[ "$(db_sql "SELECT ticket, direction FROM mail_messages WHERE message_id = '<m1@example.com>'")" = "1|in" ]
	# The acknowledgement, threaded to the caller's message.
	[ "$(mails)" = 1 ]
	[ "$(hdr 1 To)" = ann@example.org ]
	[ "$(hdr 1 Subject)" = "[INC-1] Printer bloquée" ] ||
	    [ "$(hdr 1 Subject)" = "[INC-1] =?UTF-8?b?UHJpbnRlciBibG9xdcOpZQ==?=" ] ||
	    [[ $(hdr 1 Subject) == "[INC-1] "* ]]
	[ "$(hdr 1 In-Reply-To)" = "<m1@example.com>" ]
}

@test "mail: the corpus's Thunderbird message: its decoded fields; no Date: in the past: the time of delivery; Reply-To: wins the contact" {
	use_mail
	run --separate-stderr itsm mail <"$CORPUS/plain-thunderbird.eml"
	assert_status 0
	assert_output "opened INC-1"
	# Its Date: (7 Dec 2026) is ahead of the tests' clock: delivery time.
	ticket_is INC-1 '[.caller, .contact, .summary, .opened_at]' \
	    '["Alice Martin","alice.martin@example.com","VPN down for the sales team","2026-11-28T09:00:00Z"]'
	run --separate-stderr itsm mail <"$CORPUS/html-only.eml"
	assert_status 0
	assert_output "opened INC-2"
	from=$(sed -n 's/^From: .*<\(.*\)>.*/\1/p' "$CORPUS/html-only.eml")
	rto=$(sed -n 's/^Reply-To: .*<\(.*\)>.*/\1/p; s/^Reply-To: \([^<]*@[^ ]*\)$/\1/p' "$CORPUS/html-only.eml")
	[ -n "$rto" ] && [ "$rto" != "$from" ]
	ticket_is INC-2 .contact "\"$rto\""
	# No subject: a placeholder.
	IN=$BATS_TEST_TMPDIR/in
	ID=nosubj msg ann@example.org '' >"$IN"
	mail_in
	assert_status 0
	ticket_is INC-3 '[.summary, .caller]' '["(no subject)","ann@example.org"]'
}

@test "mail: a reply with the tag in its subject is a note by the caller: no response, no start" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	assert_output "opened INC-1"
	BODY=$'Also the scanner.\n\nOn Fri, 27 Nov 2026, desk wrote:\n> old' ID=m2 \
	    msg 'Ann <ann@example.org>' 'Re: [INC-1] Printer down' >"$IN"
	mail_in
	assert_status 0
	assert_output "noted on INC-1"
	ticket_is INC-1 '[.status, .responded_at]' '["new",null]'
	ticket_is INC-1 '[.events[] | select(.kind == "note") | [.actor, .message]]' '[["Ann","Also the scanner."]]'
	# The whole message kept beside the note.
	ticket_is INC-1 '[.events[] | select(.kind == "mail") | [.field, .to]]' '[["message_id","<m2@example.com>"]]'
	ticket_is INC-1 '.events[] | select(.kind == "mail") | .message | test("> old")' true
	# Only the acknowledgement went out.
	[ "$(mails)" = 1 ]
}

@test "mail: a reply without the tag threads by In-Reply-To (the acknowledgement's Message-ID), or by References" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	ack=$(hdr 1 Message-Id)
	ID=m2 msg 'Ann <ann@example.org>' 'Re: Printer down' "In-Reply-To: $ack" >"$IN"
	mail_in
	assert_status 0
	assert_output "noted on INC-1"
	ID=m3 msg 'Ann <ann@example.org>' 'Re: Printer down' \
	    "References: <m1@example.com> <unknown@x>" >"$IN"
	mail_in
	assert_status 0
	assert_output "noted on INC-1"
	[ "$(count_events "kind = 'note'")" = 2 ]
}

@test "mail: a reply whose client dropped the tag and References opens a new ticket (by design)" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	run --separate-stderr itsm mail <"$CORPUS/reply-dropped.eml"
	assert_status 0
	assert_output "opened INC-2"
}

@test "mail: automatic mail never opens a ticket nor sends one: an out-of-office to the acknowledgement is noted, marked; about nothing, dropped with one line" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	ack=$(hdr 1 Message-Id)
	BODY="I am out of the office until Monday." ID=ooo msg 'Ann <ann@example.org>' \
	    'Automatic reply: [INC-1] Printer down' "In-Reply-To: $ack" \
	    "Auto-Submitted: auto-replied" >"$IN"
	mail_in
	assert_status 0
	assert_output "noted automatic mail on INC-1"
	ticket_is INC-1 '[.events[] | select(.kind == "note") | .message]' \
	    '["[auto-reply (Auto-Submitted)] I am out of the office until Monday."]'
	ticket_is INC-1 '[.status, .responded_at]' '["new",null]'
	[ "$(mails)" = 1 ]
	before=$(db_sql "SELECT count(*) FROM tickets")
	for f in autoreply-ooo bounce list own-loop read-receipt; do
		run --separate-stderr itsm mail <"$CORPUS/$f.eml"
		assert_status 0
		assert_output ""
		assert_one_line_error "mail: .* about no ticket that takes notes: dropped"
	done
	[ "$(db_sql "SELECT count(*) FROM tickets")" = "$before" ]
	[ "$(mails)" = 1 ]
	# Each recorded, without a ticket: a second delivery is known.
	[ "$(db_sql "SELECT count(*) FROM mail_messages WHERE direction = 'in' AND ticket IS NULL")" = 5 ]
}

@test "mail: the same Message-ID delivered twice is recorded once" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	assert_output "opened INC-1"
	before=$(db_digest)
	mail_in
	assert_status 0
	assert_output ""
	assert_one_line_error "mail: message <m1@example.com> is recorded already"
	assert_unchanged "$before"
	[ "$(mails)" = 1 ]
}

@test "mail: not a mail: 65, one line for the bounce, the database unchanged" {
	use_mail
	open_ticket "x" --caller y
	before=$(db_digest)
	for f in not-a-mail binary; do
		run --separate-stderr itsm mail <"$CORPUS/$f.eml"
		assert_rejected 65 "not a mail: no header at the start" "$before"
	done
	run --separate-stderr itsm mail </dev/null
	assert_rejected 65 "not a mail" "$before"
	printf 'To: desk@example.org\nSubject: x\n\nbody\n' >"$BATS_TEST_TMPDIR/in"
	run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/in"
	assert_rejected 65 "not a mail: no sender address in From:" "$before"
}

@test "mail: the corpus's malformed message is read as well as it can be, under LC_ALL=C and C.UTF-8 alike" {
	use_mail
	LC_ALL=C run --separate-stderr itsm mail <"$CORPUS/malformed.eml"
	assert_status 0
	assert_output "opened INC-1"
	LC_ALL=C.UTF-8 run --separate-stderr itsm mail --dry-run --json <"$CORPUS/malformed.eml"
	assert_status 0
	# Recorded already: the second one says so.
	jq_is .outcome '"duplicate"'
	expected=$(sed -n 's/^subject=//p' "$CORPUS/malformed.expect")
	ticket_is INC-1 .summary "$(jq -n --arg s "$expected" '$s')"
	# A raw 8-bit byte of a header, under both locales.
	printf 'From: a@example.org\nSubject: Caf\xe9\nMessage-ID: <%s@x>\n\nbody\n' one >"$BATS_TEST_TMPDIR/c"
	printf 'From: a@example.org\nSubject: Caf\xe9\nMessage-ID: <%s@x>\n\nbody\n' two >"$BATS_TEST_TMPDIR/u"
	LC_ALL=C run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/c"
	assert_output "opened INC-2"
	LC_ALL=C.UTF-8 run --separate-stderr itsm mail <"$BATS_TEST_TMPDIR/u"
	assert_output "opened INC-3"
	ticket_is INC-2 .summary '"Café"'
	ticket_is INC-3 .summary '"Café"'
}

@test "mail: larger than max_size: 65, one line, nothing recorded" {
	use_mail "  max_size: 1K"
	open_ticket "x" --caller y
	before=$(db_digest)
	IN=$BATS_TEST_TMPDIR/in
	BODY=$(head -c 3000 /dev/zero | tr '\0' a) msg ann@example.org big >"$IN"
	size=$(wc -c <"$IN")
	mail_in
	assert_rejected 65 "message too big: $size bytes, the limit is 1024" "$before"
}

# A lock left held by a failed test is let go (hold_lock: helper.bash).
teardown() {
	if [ -n "${HOLDER:-}" ] && kill -0 "$HOLDER" 2>/dev/null; then
		echo 1<>"$BATS_TEST_TMPDIR/release"
	fi
	db_teardown
}

@test "mail: a busy store: 75 (the MTA tries again), one line, nothing recorded; then delivered" {
	use_mail
	printf 'database:\n  busy_timeout: 1s\n' >>"$ITSM_CONFIG"
	open_ticket "x" --caller y
	before=$(db_digest)
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	hold_lock
	mail_in
	assert_status 75
	assert_output ""
	assert_one_line_error "is busy: retry later"
	release_lock
	assert_unchanged "$before"
	mail_in
	assert_status 0
	assert_output "opened INC-2"
}

@test "mail: a database out of reach: 75, one line (the MTA keeps the message)" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	ITSM_DB="host=$BATS_TEST_TMPDIR/no-server dbname=itsm connect_timeout=2" mail_in
	assert_status 75
	assert_output ""
	assert_one_line_error "cannot open database .itsm."
	ITSM_DB="$BATS_TEST_TMPDIR/no/such/dir/itsm.db" mail_in
	assert_status 75
	assert_output ""
	assert_one_line_error "cannot create database .*/no/such/dir/itsm.db"
}

# resolved_by_mail: INC-1 opened by a mail of Ann's, prioritized and
# resolved; $ACK the acknowledgement's Message-ID.
resolved_by_mail() {
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann Lee <ann@example.org>' 'Printer down' >"$IN"
	mail_in
	[ "$output" = "opened INC-1" ]
	ACK=$(hdr 1 Message-Id)
	itsm prioritize INC-1 --impact low --urgency low >/dev/null
	itsm resolve INC-1 --permanent -m "Replaced the fuser" >/dev/null
}

@test "mail: a reply to a resolved ticket that begins with a confirm word closes it, confirmed by the caller" {
	use_mail
	resolved_by_mail
	BODY=$'Yes, it works!\n\nAnn' ID=r1 msg 'Ann Lee <ann@example.org>' 'Re: [INC-1] Printer down' >"$IN"
	mail_in
	assert_status 0
	assert_output "closed, confirmed by the caller: INC-1"
	ticket_is INC-1 .status '"closed"'
	ticket_is INC-1 '[.events[] | select(.field == "confirmed_by") | .to]' '["Ann Lee"]'
	ticket_is INC-1 '[.events[] | select(.kind == "close" and .field == "status") | .message]' '["Yes, it works!\n\nAnn"]'
}

@test "mail: any other reply to a resolved ticket sends it back to work, as close --rejected" {
	use_mail
	resolved_by_mail
	BODY="Not yet: it still jams. Yesterday too." ID=r1 \
	    msg 'Ann Lee <ann@example.org>' 'Re: [INC-1] Printer down' >"$IN"
	mail_in
	assert_status 0
	assert_output "back to work, not confirmed: INC-1"
	ticket_is INC-1 '[.status, .reopen_count]' '["in_progress",1]'
	ticket_is INC-1 '[.events[] | select(.kind == "reject") | .message]' '["Not yet: it still jams. Yesterday too."]'
	# "yesterday" is not "yes": the word must end.
	itsm resolve INC-1 --permanent -m again >/dev/null
	BODY="Yesterday it failed again" ID=r2 msg ann@example.org 'Re: [INC-1] x' >"$IN"
	mail_in
	assert_output "back to work, not confirmed: INC-1"
}

@test "mail: a reply to a ticket closed lately reopens it; closed longer than reopen_age ago, a new ticket follows it up" {
	use_mail "  reopen_age: 7d"
	resolved_by_mail
	itsm close INC-1 --confirmed >/dev/null
	ID=r1 BODY="It is back" msg 'Ann Lee <ann@example.org>' 'Re: [INC-1] Printer down' >"$IN"
	ITSM_NOW=2026-12-01T09:00:00Z mail_in
	assert_status 0
	assert_output "reopened INC-1"
	ticket_is INC-1 '[.status, .reopen_count]' '["in_progress",1]'
	ITSM_NOW=2026-12-01T10:00:00Z itsm resolve INC-1 --permanent -m again >/dev/null
	ITSM_NOW=2026-12-01T11:00:00Z itsm close INC-1 --confirmed >/dev/null
	ID=r2 BODY="And again" msg 'Ann Lee <ann@example.org>' 'Re: [INC-1] Printer down' >"$IN"
	ITSM_NOW=2026-12-20T09:00:00Z mail_in
	assert_status 0
	assert_output "opened INC-2, following up INC-1"
	ticket_is INC-1 .status '"closed"'
	ticket_is INC-2 .description '"Follow-up of INC-1, closed.\n\nAnd again"'
	ticket_is INC-1 '[.events[] | select(.kind == "mail") | [.field, .to]] | last' '["follow_up","INC-2"]'
}

@test "mail: a sender past the rate limit is dropped with one line, nothing created" {
	use_mail "  rate_limit: {messages: 2, per: 1h}"
	IN=$BATS_TEST_TMPDIR/in
	# (bats's run sets i: not a loop variable here)
	for n in 1 2; do
		ID=s$n msg ann@example.org "storm $n" >"$IN"
		mail_in
		assert_output "opened INC-$n"
	done
	ID=s3 msg ANN@example.org "storm 3" >"$IN"
	mail_in
	assert_status 0
	assert_output ""
	assert_one_line_error "mail: ANN@example.org is past the rate limit \(2 messages in 3600 s\): dropped"
	[ "$(db_sql "SELECT count(*) FROM tickets")" = 2 ]
	# Another sender is not held back; an hour on, Ann neither.
	ID=b1 msg bob@example.org "hello" >"$IN"
	mail_in
	assert_output "opened INC-3"
	ID=s4 msg ann@example.org "storm 4" >"$IN"
	ITSM_NOW=2026-11-28T10:00:01Z mail_in
	assert_output "opened INC-4"
}

@test "mail: routes by recipient or subject set type, category, group and service" {
	use_mail "  routes:
    - {subject: '^(urgent|panne)[: ]', group: support-l2}
    - {to: network@example.org, type: incident, category: network, service: LAN}"
	IN=$BATS_TEST_TMPDIR/in
	ID=a msg ann@example.org "PANNE: no network" >"$IN"
	mail_in
	assert_output "opened INC-1"
	ticket_is INC-1 '[.group, .tier, .type]' '["support-l2","N2","incident"]'
	ID=b msg ann@example.org "wifi slow" >"$IN"
	mail_in --to network@example.org
	assert_output "opened INC-2"
	ticket_is INC-2 '[.group, .type, .category, .service]' '["service-desk","incident","network","LAN"]'
	ID=c msg ann@example.org "wifi slow" >"$IN"
	mail_in --to other@example.org
	ticket_is INC-3 '[.group, .category, .service]' '["service-desk",null,null]'
}

@test "mail: routes and the intake keys are checked when the policy loads: 78, one line" {
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {subject: "(", group: support-l2}' ".*route subject: '\(' is not a POSIX extended regular expression"
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {to: d@example.org, group: nowhere}' ".*route group: .*nowhere"
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {to: d@example.org}' ".*a route sets type, category, group or service"
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {group: support-l2}' ".*a route matches on to, subject or both"
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {to: d@example.org, category: network}' ".*route category needs a type"
	assert_policy_refused $'mail:\n  from: d@example.org\n  routes:\n    - {to: d@example.org, type: problem}' ".*route type: 'problem' is not incident, request or change"
	assert_policy_refused $'mail:\n  from: d@example.org\n  max_size: 12' ".*max_size must be a size from 1K to 1024M"
	assert_policy_refused $'mail:\n  from: d@example.org\n  rate_limit: {messages: 0}' ".*rate_limit messages must be a whole number from 1 to 100000"
	assert_policy_refused $'mail:\n  from: d@example.org\n  rate_limit: {per: 10s}' ".*rate_limit per must be from 1m to 1w"
	assert_policy_refused $'mail:\n  from: d@example.org\n  reopen_age: soon' ".*reopen_age: invalid duration"
}

@test "mail: --dry-run says what it would do and changes nothing" {
	use_mail
	open_ticket "x" --caller y
	before=$(db_digest)
	IN=$BATS_TEST_TMPDIR/in
	msg 'Ann <ann@example.org>' 'Printer down' >"$IN"
	mail_in --dry-run
	assert_status 0
	assert_output "dry run: would be opened INC-2"
	mail_in --dry-run --json
	jq_is '[.outcome, .ref, .kind, .dry_run]' '["opened","INC-2","normal",true]'
	assert_unchanged "$before"
	[ "$(mails)" = 0 ]
}

@test "mail: the full loop: a mail opens a ticket, the acknowledgement, resolve, please confirm, 'oui, ça marche' closes it; an out-of-office creates nothing" {
	use_mail
	IN=$BATS_TEST_TMPDIR/in
	BODY="L'imprimante ne répond plus." msg 'Anne Martin <anne@example.org>' \
	    'Imprimante en panne' >"$IN"
	mail_in
	assert_output "opened INC-1"
	[ "$(mails)" = 1 ]
	[ "$(hdr 1 To)" = anne@example.org ]
	ack=$(hdr 1 Message-Id)
	# The caller's out-of-office answers the acknowledgement.
	BODY="Je suis absente." ID=ooo msg 'Anne Martin <anne@example.org>' \
	    'Absent: [INC-1] Imprimante en panne' "In-Reply-To: $ack" \
	    "Auto-Submitted: auto-replied" >"$IN"
	mail_in
	assert_status 0
	[ "$(mails)" = 1 ]
	[ "$(db_sql "SELECT count(*) FROM tickets")" = 1 ]
	itsm prioritize INC-1 --impact low --urgency medium >/dev/null
	itsm resolve INC-1 --permanent -m "Pilote réinstallé" >/dev/null
	[ "$(mails)" = 2 ]
	confirm=$(hdr 2 Message-Id)
	grep -q "oui" "$MAILDIR/2.eml"
	BODY=$'oui, ça marche\n\nLe lun. 30 nov. 2026 à 10:00, Service desk a écrit :\n> Merci de confirmer' \
	    ID=yes msg 'Anne Martin <anne@example.org>' 'Re: Imprimante en panne' \
	    "In-Reply-To: $confirm" >"$IN"
	mail_in
	assert_status 0
	assert_output "closed, confirmed by the caller: INC-1"
	ticket_is INC-1 '[.status, (.events[] | select(.field == "confirmed_by") | .to)]' '["closed","Anne Martin"]'
	ticket_is INC-1 '[.events[] | select(.kind == "close" and .field == "status") | .message]' '["oui, ça marche"]'
	# The closing notification, threaded.
	[ "$(mails)" = 3 ]
	[ "$(hdr 3 In-Reply-To)" = "<m1@example.com>" ]
}
